"""The layout computed from a rendered body's text: table grids, header names, rule lines, boxes."""

from __future__ import annotations

import functools
from copy import deepcopy as copy_element
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from generator.data.tables import TableData
from generator.nd30.header import wrap_name
from generator.word.docxfmt import CELL_MARGIN_MM, TWIPS_PER_MM, Styles, text_width_mm

# Tags and attributes as lxml names, made once: these passes visit thousands of elements a batch.
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
P, PPR, PSTYLE, VAL = f"{_W}p", f"{_W}pPr", f"{_W}pStyle", f"{_W}val"
R, RPR, T, B, JC, IND = f"{_W}r", f"{_W}rPr", f"{_W}t", f"{_W}b", f"{_W}jc", f"{_W}ind"
TBL, TBLPR, TBLSTYLE, TBLGRID, GRIDCOL = f"{_W}tbl", f"{_W}tblPr", f"{_W}tblStyle", f"{_W}tblGrid", f"{_W}gridCol"
TR, TC, TCPR, TCW, GRIDSPAN = f"{_W}tr", f"{_W}tc", f"{_W}tcPr", f"{_W}tcW", f"{_W}gridSpan"
W_W, W_TYPE, W_LEFT, W_RIGHT = f"{_W}w", f"{_W}type", f"{_W}left", f"{_W}right"
DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"

RULE_STYLES = {"VB Rule Short": 0.4, "VB Rule Full": 1.0}  # line length as a share of the text above
BOX_STYLES = {"VB Draft"}  # boxed paragraphs: the box hugs the text
NAME_STYLES = ("VB Parent", "VB Agency")  # header names wrapped to their cell
BOX_PADDING_MM = 3.0
_PARSER = etree.XMLParser(recover=True)  # as docxtpl reads rendered XML (a stray '&' is not fatal)


@dataclass
class Page:
    """What the passes need of a template: its styles, the width its text runs in, and the ids
    of the styles they act on (worked out once per template)."""

    styles: Styles
    text_width_mm: float
    formats: dict[tuple[str | None, bytes], tuple[float, bool]] = field(default_factory=dict)

    @functools.cached_property
    def names(self) -> dict[str, str]:
        """Style id → the name Word shows."""
        out = {}
        for sid, style in self.styles._styles.items():
            name = style.find(f"{_W}name")
            out[sid] = name.get(VAL) if name is not None else sid
        return out

    @functools.cached_property
    def sized(self) -> dict[str, str]:
        """Ids of the rule and box styles → their names."""
        return {sid: name for sid, name in self.names.items() if name in RULE_STYLES or name in BOX_STYLES}

    @functools.cached_property
    def name_ids(self) -> set[str]:
        return {sid for n in NAME_STYLES if (sid := self.styles.style_id(n)) is not None}

    @functools.cached_property
    def data_table_id(self) -> str | None:
        return self.styles.style_id("VB Data Table")

    def style_name(self, p: Any) -> str | None:
        sid = _style_id(p) or self.styles._default_para
        return self.names.get(sid, sid) if sid else None


def kid(el: Any, tag: str) -> Any | None:
    """`el`'s first child `tag`: lxml's find() goes through its Python path parser, this does not."""
    return next(el.iterchildren(tag), None)


def _style_id(p: Any) -> str | None:
    """The style id a paragraph names, if any."""
    ppr = next(p.iterchildren(PPR), None)
    ps = next(ppr.iterchildren(PSTYLE), None) if ppr is not None else None
    return ps.get(VAL) if ps is not None else None


def parse(xml: str) -> Any:
    """A rendered body (or document) as an element tree."""
    return etree.fromstring(xml, parser=_PARSER)


def fit_grids(tree: Any) -> None:
    """docxtpl's fix_tables, with the same result: a table whose rows hold more cells than its
    grid has columns gets columns (the width kept, shared out), one with fewer loses the extra
    ones (their width shared among the others). Tables whose grid fits are left alone."""
    for tbl in tree.iter(TBL):
        grid = kid(tbl, TBLGRID)
        if grid is None:
            continue
        columns = list(grid.iterchildren(GRIDCOL))
        rows = [list(r.iterchildren(TC)) for r in tbl.iter(TR)]
        to_add = max((len(cells) for cells in rows), default=0) - len(columns)
        if to_add > 0:
            width = sum(float(c.get(W_W)) for c in columns if c.get(W_W) is not None)
            if width > 0:
                old_average, new_average = width / len(columns), width / (len(columns) + to_add)
                for c in columns:
                    c.set(W_W, str(int(float(c.get(W_W)) * new_average / old_average)))
                for _i in range(to_add):
                    etree.SubElement(grid, GRIDCOL, {W_W: str(int(new_average))})
            columns = list(grid.iterchildren(GRIDCOL))
        spanned = max((_row_width(cells) for cells in rows), default=0)
        to_remove = len(columns) - spanned
        if to_remove > 0:
            removed = 0.0
            for c in columns[-to_remove:]:
                removed += float(c.get(W_W))
                grid.remove(c)
            left = list(grid.iterchildren(GRIDCOL))
            extra = int(removed / len(left)) if left else 0
            for c in left:
                c.set(W_W, str(int(float(c.get(W_W)) + extra)))


def _row_width(cells: list[Any]) -> int:
    """The grid columns a row's cells take (most rows merge none: one look finds no gridSpan)."""
    if not any(True for c in cells for _span_el in c.iter(GRIDSPAN)):
        return len(cells)
    return sum(_span(c) for c in cells)


def _span(tc: Any) -> int:
    tcpr = kid(tc, TCPR)
    span = kid(tcpr, GRIDSPAN) if tcpr is not None else None
    return int(span.get(VAL)) if span is not None else 1


def number_drawings(tree: Any, first: int = 1001) -> None:
    """Number the drawings' ids from `first` in body order (alike in every document)."""
    for n, el in enumerate(tree.iter(DOCPR), start=first):
        el.set("id", str(n))


def text_of(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(T))


def _first_run(p: Any) -> Any | None:
    return next((r for r in p.iter(R) if any((t.text or "").strip() for t in r.iter(T))), None)


def cell_width(tc: Any, page: Page) -> float:
    """The width text has in a table cell (its tcW less the margins), or the page's."""
    tcpr = kid(tc, TCPR)
    tcw = kid(tcpr, TCW) if tcpr is not None else None
    if tcw is not None and tcw.get(W_TYPE) in ("dxa", None) and tcw.get(W_W):
        return int(tcw.get(W_W)) / TWIPS_PER_MM - 2 * CELL_MARGIN_MM
    return page.text_width_mm


def _format(p: Any, run: Any, page: Page) -> tuple[float, bool]:
    """(size, bold) of a run, remembered per paragraph style and run properties: a batch prints
    the same few formats again and again."""
    rpr = kid(run, RPR) if run is not None else None
    key = (_style_id(p), etree.tostring(rpr) if rpr is not None else b"")
    found = page.formats.get(key)
    if found is None:
        fmt = page.styles.run_format(p, run)
        found = page.formats[key] = (fmt.size or 14, bool(fmt.bold))
    return found


@functools.lru_cache(maxsize=4096)
def _measure(text: str, size: float, bold: bool) -> float:
    return text_width_mm(text, size, bold)


def width_of(p: Any, page: Page) -> float:
    """The printed width of a paragraph's text, in its first run's font."""
    size, bold = _format(p, _first_run(p), page)
    return _measure(text_of(p).strip(), size, bold)


def wrap_names(body: Any, page: Page) -> None:
    """Put an agency or chủ quản name too wide for its header cell over two lines, one paragraph
    each, so that the rule under the name is sized from the longest line (and lint reads the same)."""
    header = kid(body, TBL)  # the header table comes first; no other table holds names
    if header is None or not page.name_ids:
        return
    for tc in header.iter(TC):
        avail = None
        for p in list(tc.iterchildren(P)):  # a snapshot: wrapping adds paragraphs
            if _style_id(p) not in page.name_ids or not (text := text_of(p).strip()):
                continue
            avail = cell_width(tc, page) if avail is None else avail
            size, bold = _format(p, _first_run(p), page)
            lines = wrap_name(text, avail, functools.partial(_measure, size=size, bold=bold))
            for line in reversed(lines[1:]):
                copy = copy_element(p)
                _set_text(copy, line)
                p.addnext(copy)
            if len(lines) > 1:
                _set_text(p, lines[0])


def _set_text(p: Any, text: str) -> None:
    """Make `text` the paragraph's only text, in its first text run's format."""
    texts = list(p.iter(T))
    for t in texts[1:]:
        t.text = ""
    texts[0].text = text


def size_rules(body: Any, page: Page) -> None:
    """Set each rule line's length from the text above it (ND30: the agency name's rule 1/3-1/2 of
    the name, the tiêu ngữ's as long as the tiêu ngữ, the trích yếu's 1/3-1/2 of it), and the
    DỰ THẢO box to its text. Only paragraphs in a rule or box style are visited, each in its
    container (the body or a table cell)."""
    sized = page.sized
    if not sized:
        return
    for ps in body.iter(PSTYLE):
        style_name = sized.get(ps.get(VAL))
        if style_name is None:
            continue
        ppr = ps.getparent()
        p = ppr.getparent() if ppr.tag == PPR else None
        if p is None or p.tag != P or kid(p, PPR) is not ppr or kid(ppr, PSTYLE) is not ps:
            continue
        container = p.getparent()
        if container is body:
            avail = page.text_width_mm
        elif container is not None and container.tag == TC:
            avail = cell_width(container, page)
        else:
            continue
        if style_name in BOX_STYLES:
            if text_of(p).strip():
                _set_indent(p, max((avail - width_of(p, page) - 2 * BOX_PADDING_MM) / 2, 0))
            continue
        # The text just above: the nearest paragraphs with text that share one style.
        group: list[Any] = []
        name = None
        for q in p.itersiblings(P, preceding=True):
            if not text_of(q).strip():
                continue
            q_name = page.style_name(q)
            if group and q_name != name:
                break
            name = q_name
            group.append(q)
        if group:
            length = min(max(width_of(q, page) for q in group), avail) * RULE_STYLES[style_name]
            _set_indent(p, max((avail - length) / 2, 0))


def shape_tables(body: Any, tables: list[TableData], page: Page) -> None:
    """Give each data table (style "VB Data Table", in body order) its column widths, alignment
    and bold rows."""
    if not tables:
        return
    style = page.data_table_id
    placed = [t for t in body.iter(TBL) if _table_style(t) == style]
    for tbl, data in zip(placed, tables, strict=False):
        total = sum(data.widths) or 1.0
        widths = [str(round(page.text_width_mm * w / total * TWIPS_PER_MM)) for w in data.widths]
        for col, w in zip(kid(tbl, TBLGRID).iterchildren(GRIDCOL), widths, strict=False):
            col.set(W_W, w)
        for r, tr in enumerate(tbl.iterchildren(TR)):
            bold = r > 0 and r - 1 in data.bold_rows
            for c, tc in enumerate(list(tr.iterchildren(TC))[: len(widths)]):
                tcw = _child(_child(tc, TCPR, first=True), TCW)
                tcw.set(W_W, widths[c])
                tcw.set(W_TYPE, "dxa")
                if r == 0:
                    continue
                align = data.aligns[c]
                for p in tc.iterchildren(P):
                    if align != "left":  # figures line up on the right, STT in the middle
                        _child(_child(p, PPR, first=True), JC).set(VAL, align)
                    if bold:
                        for run in p.iter(R):
                            _child(_child(run, RPR, first=True), B)


def _child(parent: Any, tag: str, *, first: bool = False) -> Any:
    """`parent`'s child `tag`, made when missing (first in order for the *Pr elements)."""
    el = kid(parent, tag)
    if el is None:
        el = etree.Element(tag)
        if first:
            parent.insert(0, el)
        else:
            parent.append(el)
    return el


def _table_style(tbl: Any) -> str | None:
    tblpr = kid(tbl, TBLPR)
    ts = kid(tblpr, TBLSTYLE) if tblpr is not None else None
    return ts.get(VAL) if ts is not None else None


def _set_indent(p: Any, side_mm: float) -> None:
    """Indent a paragraph by `side_mm` on both sides (centres a rule or a box of that width)."""
    ind = _child(_child(p, PPR, first=True), IND)
    twips = str(round(side_mm * TWIPS_PER_MM))
    ind.set(W_LEFT, twips)
    ind.set(W_RIGHT, twips)


def lay_out(body: Any, tables: list[TableData], page: Page) -> None:
    """Every pass, in order, over a rendered body."""
    fit_grids(body)
    number_drawings(body)
    wrap_names(body, page)
    size_rules(body, page)
    shape_tables(body, tables, page)
