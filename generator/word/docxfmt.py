"""Formatting as Word shows it: run → character style → paragraph style chain → document defaults."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn as _qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

TWIPS_PER_MM = 1440 / 25.4
qn = functools.lru_cache(maxsize=None)(_qn)  # "w:p" → "{…}p": asked for thousands of times a document


def twips_to_mm(value: int | float) -> float:
    return float(value) / TWIPS_PER_MM


@dataclass(frozen=True)
class RunFormat:
    """The effective character formatting of one run."""

    fonts: tuple[str | None, ...]  # ascii, hAnsi, cs, eastAsia: after theme fonts are resolved
    size: float | None  # points
    bold: bool
    italic: bool
    color: str | None  # hex, "auto" or None

    @property
    def font(self) -> str | None:
        """The font used for Latin text (the hAnsi slot, which Vietnamese letters fall in)."""
        return self.fonts[1] or self.fonts[0]


@dataclass(frozen=True)
class ParagraphFormat:
    """The effective paragraph formatting, lengths in mm and points."""

    alignment: str | None  # left | center | right | both | …
    first_line_mm: float | None
    left_mm: float
    right_mm: float
    space_before_pt: float | None
    space_after_pt: float | None
    line_rule: str | None  # auto | exact | atLeast
    line_value: float | None  # multiple for auto; points otherwise
    border_bottom: bool
    contextual: bool = False  # contextualSpacing: no space between paragraphs of the same style
    tabs: tuple[tuple[str, float], ...] = ()  # custom tab stops (kind, position mm), nearest first
    border_top: bool = False
    keep_next: bool = False  # keepNext: on the same page as the next paragraph
    keep_lines: bool = False  # keepLines: never split over two pages


_FONT_SLOTS = ("ascii", "hAnsi", "cs", "eastAsia")


class Styles:
    """Effective formatting of runs and paragraphs in one document, with the style chain cached."""

    def __init__(self, document: DocxDocument) -> None:
        self.document = document
        styles_el = document.styles.element
        self._styles = {s.get(qn("w:styleId")): s for s in styles_el.findall(qn("w:style"))}
        self._default_para = next(
            (
                sid
                for sid, s in self._styles.items()
                if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true")
            ),
            None,
        )
        defaults = styles_el.find(qn("w:docDefaults"))
        self._rpr_default = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr")) if defaults is not None else None
        self._ppr_default = defaults.find(qn("w:pPrDefault") + "/" + qn("w:pPr")) if defaults is not None else None
        self._theme = _theme_fonts(document)

    # -- chains -------------------------------------------------------------------------------

    def _chain(self, style_id: str | None) -> list[Any]:
        chain, seen = [], set()
        while style_id and style_id in self._styles and style_id not in seen:
            seen.add(style_id)
            style = self._styles[style_id]
            chain.append(style)
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
        return chain

    def _para_style_id(self, p: Any) -> str | None:
        ppr = p.find(qn("w:pPr"))
        ps = ppr.find(qn("w:pStyle")) if ppr is not None else None
        return ps.get(qn("w:val")) if ps is not None else self._default_para

    def style_id(self, name: str) -> str | None:
        """The id of the style Word shows as `name` ("VB Data Table" → "VBDataTable")."""
        if not hasattr(self, "_ids_by_name"):
            self._ids_by_name = {}
            for sid, style in self._styles.items():
                el = style.find(qn("w:name"))
                if el is not None:
                    self._ids_by_name.setdefault(el.get(qn("w:val")), sid)
        return self._ids_by_name.get(name)

    def style_name(self, paragraph: Paragraph | Any) -> str | None:
        """The name Word shows for a paragraph's style (a python-docx Paragraph or a w:p element)."""
        style_id = self._para_style_id(paragraph._p if isinstance(paragraph, Paragraph) else paragraph)
        style = self._styles.get(style_id) if style_id else None
        name = style.find(qn("w:name")) if style is not None else None
        return name.get(qn("w:val")) if name is not None else style_id

    def _rpr_chain(self, paragraph: Any, run: Any | None) -> list[Any]:
        """rPr elements from the nearest to the farthest."""
        out = []
        if run is not None:
            rpr = run.find(qn("w:rPr"))
            if rpr is not None:
                out.append(rpr)
                rs = rpr.find(qn("w:rStyle"))
                if rs is not None:
                    out += [s.find(qn("w:rPr")) for s in self._chain(rs.get(qn("w:val")))]
        out += [s.find(qn("w:rPr")) for s in self._chain(self._para_style_id(paragraph))]
        out.append(self._rpr_default)
        return [r for r in out if r is not None]

    def _ppr_chain(self, paragraph: Any, numbering_ppr: Any = None) -> list[Any]:
        out = [paragraph.find(qn("w:pPr")), numbering_ppr]  # a list level's indents rank under direct ones
        out += [s.find(qn("w:pPr")) for s in self._chain(self._para_style_id(paragraph))]
        out.append(self._ppr_default)
        return [p for p in out if p is not None]

    def ppr_chain(self, paragraph: Paragraph | Any) -> list[Any]:
        """pPr elements from the nearest (the paragraph's own) to the document defaults."""
        return self._ppr_chain(paragraph._p if isinstance(paragraph, Paragraph) else paragraph)

    def para_style_id(self, paragraph: Paragraph | Any) -> str | None:
        return self._para_style_id(paragraph._p if isinstance(paragraph, Paragraph) else paragraph)

    # -- runs ---------------------------------------------------------------------------------

    def run_format(self, paragraph: Paragraph | Any, run: Run | Any | None = None) -> RunFormat:
        """The formatting Word shows for `run` (or for the paragraph mark when run is None)."""
        p = paragraph._p if isinstance(paragraph, Paragraph) else paragraph
        r = run._r if isinstance(run, Run) else run
        # The same paragraph style and run properties give the same format: documents repeat a few.
        rpr = r.find(qn("w:rPr")) if r is not None else None
        key = (self._para_style_id(p), etree.tostring(rpr) if rpr is not None else b"")
        cache = self.__dict__.setdefault("_run_cache", {})
        if key in cache:
            return cache[key]
        cache[key] = fmt = self._run_format(p, r)
        return fmt

    def _run_format(self, p: Any, r: Any) -> RunFormat:
        chain = self._rpr_chain(p, r)
        fonts: list[str | None] = []
        for slot in _FONT_SLOTS:
            fonts.append(self._font(chain, slot))
        size = _first(
            chain, "w:sz", lambda e: _num(e.get(qn("w:val"))) / 2 if _num(e.get(qn("w:val"))) is not None else None
        )
        bold = _first(chain, "w:b", _on)
        italic = _first(chain, "w:i", _on)
        color = _first(chain, "w:color", lambda e: e.get(qn("w:val")))
        return RunFormat(tuple(fonts), size, bool(bold), bool(italic), color)

    def _font(self, chain: list[Any], slot: str) -> str | None:
        for rpr in chain:
            rf = rpr.find(qn("w:rFonts"))
            if rf is None:
                continue
            theme = rf.get(qn(f"w:{slot}Theme")) if slot != "hAnsi" else rf.get(qn("w:hAnsiTheme"))
            if theme:
                return self._theme.get(theme, theme)
            value = rf.get(qn(f"w:{slot}"))
            if value:
                return value
        return None

    # -- paragraphs ---------------------------------------------------------------------------

    def paragraph_format(self, paragraph: Paragraph | Any, numbering_ppr: Any = None) -> ParagraphFormat:
        """Effective paragraph formatting; `numbering_ppr` is the pPr of the list level the
        paragraph is numbered with, if any (its indents apply unless the paragraph sets its own)."""
        p = paragraph._p if isinstance(paragraph, Paragraph) else paragraph
        chain = self._ppr_chain(p, numbering_ppr)
        alignment = _first(chain, "w:jc", lambda e: e.get(qn("w:val")))
        first = hanging = None
        left = right = None
        for ppr in chain:
            ind = ppr.find(qn("w:ind"))
            if ind is None:
                continue
            if first is None and hanging is None:
                if ind.get(qn("w:firstLine")) is not None:
                    first = twips_to_mm(_num(ind.get(qn("w:firstLine"))) or 0)
                elif ind.get(qn("w:hanging")) is not None:
                    hanging = twips_to_mm(_num(ind.get(qn("w:hanging"))) or 0)
            if left is None:
                v = ind.get(qn("w:left")) or ind.get(qn("w:start"))
                left = twips_to_mm(_num(v) or 0) if v is not None else None
            if right is None:
                v = ind.get(qn("w:right")) or ind.get(qn("w:end"))
                right = twips_to_mm(_num(v) or 0) if v is not None else None
        before = _first(chain, "w:spacing", lambda e: _twips_attr(e, "before"))
        after = _first(chain, "w:spacing", lambda e: _twips_attr(e, "after"))
        rule = _first(chain, "w:spacing", lambda e: e.get(qn("w:lineRule")) if e.get(qn("w:line")) else None)
        line = _first(chain, "w:spacing", lambda e: _num(e.get(qn("w:line"))))
        rule = rule or ("auto" if line is not None else None)
        line_value = None
        if line is not None:
            line_value = line / 240 if rule == "auto" else line / 20
        border = _first(
            chain,
            "w:pBdr",
            lambda e: (
                e.find(qn("w:bottom")) is not None and e.find(qn("w:bottom")).get(qn("w:val")) not in ("nil", "none")
            ),
        )
        border_top = _first(
            chain,
            "w:pBdr",
            lambda e: e.find(qn("w:top")) is not None and e.find(qn("w:top")).get(qn("w:val")) not in ("nil", "none"),
        )
        if hanging is not None:
            first = -hanging
        contextual = _first(chain, "w:contextualSpacing", _on)
        tabs: list[tuple[str, float]] = []
        cleared: set[int] = set()
        for ppr in chain:
            el = ppr.find(qn("w:tabs"))
            if el is None:
                continue
            for tab in el.findall(qn("w:tab")):
                try:
                    pos = int(tab.get(qn("w:pos"), "0"))
                except ValueError:
                    continue
                kind = tab.get(qn("w:val"), "left")
                if kind == "clear":
                    cleared.add(pos)
                elif pos not in cleared and all(abs(twips_to_mm(pos) - t[1]) > 0.01 for t in tabs):
                    tabs.append((kind, twips_to_mm(pos)))
        return ParagraphFormat(
            alignment, first, left or 0.0, right or 0.0,
            before / 20 if before is not None else None,
            after / 20 if after is not None else None,
            rule, line_value, bool(border), bool(contextual), tuple(sorted(tabs, key=lambda t: t[1])),
            bool(border_top), bool(_first(chain, "w:keepNext", _on)), bool(_first(chain, "w:keepLines", _on)),
        )  # fmt: skip

    def default_tab_mm(self) -> float:
        """The document's default tab stop (settings.xml w:defaultTabStop; Word's default 12.7 mm)."""
        if not hasattr(self, "_default_tab"):
            self._default_tab = 12.7
            try:
                el = self.document.settings.element.find(qn("w:defaultTabStop"))
                if el is not None and el.get(qn("w:val")):
                    self._default_tab = twips_to_mm(int(el.get(qn("w:val"))))
            except (ValueError, KeyError, AttributeError):
                pass
        return self._default_tab


def _twips_attr(e: Any, name: str) -> int | None:
    if e.get(qn(f"w:{name}Autospacing")) in ("1", "true"):
        return None
    v = e.get(qn(f"w:{name}"))
    return _num(v)


def _num(v: str | None) -> float | None:
    """A number attribute as Word reads it ("240", "240.0"); None when absent or not a number."""
    if v is None:
        return None
    try:
        return float(v)
    except ValueError:
        return None


def _on(e: Any) -> bool:
    return e.get(qn("w:val")) not in ("0", "false", "off")


def _first(chain: list[Any], tag: str, read: Any) -> Any:
    for el in chain:
        found = el.find(qn(tag))
        if found is not None:
            value = read(found)
            if value is not None:
                return value
    return None


def _theme_fonts(document: DocxDocument) -> dict[str, str]:
    """majorHAnsi/minorHAnsi … → the typefaces the theme names."""
    out: dict[str, str] = {}
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/theme"):
            root = etree.fromstring(rel.target_part.blob)
            ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
            for kind in ("major", "minor"):
                latin = root.find(f".//a:{kind}Font/a:latin", ns)
                if latin is not None:
                    for slot in ("HAnsi", "Ascii", "Bidi", "EastAsia"):
                        out[f"{kind}{slot}"] = latin.get("typeface")
    return out


# -- widths --------------------------------------------------------------------------------------

CELL_MARGIN_MM = 1.9  # Word's default left and right cell margin (108 twips)


def container_width_mm(doc: DocxDocument, container: Any) -> float:
    """Width available to a paragraph: a table cell's width less its margins, else the text width."""
    tc = getattr(container, "_tc", None)
    tcpr = tc.find(qn("w:tcPr")) if tc is not None else None
    if tcpr is not None:
        tcw = tcpr.find(qn("w:tcW"))
        if tcw is not None and tcw.get(qn("w:type")) in ("dxa", None) and tcw.get(qn("w:w")):
            try:
                width = float(tcw.get(qn("w:w"))) / TWIPS_PER_MM
            except ValueError:
                width = None
            if width:
                return width - _cell_margins_mm(tc)
    section = doc.sections[0]
    return (section.page_width - section.left_margin - section.right_margin) / 36000


def _cell_margins_mm(tc: Any) -> float:
    """Left + right margin of a cell: its own tcMar, else the table's tblCellMar, else Word's default."""
    out = 0.0
    tbl = next((anc for anc in tc.iterancestors() if anc.tag == qn("w:tbl")), None)
    tbl_mar = tbl.find(qn("w:tblPr") + "/" + qn("w:tblCellMar")) if tbl is not None else None
    tc_mar = tc.find(qn("w:tcPr") + "/" + qn("w:tcMar"))
    for sides in (("left", "start"), ("right", "end")):
        value = CELL_MARGIN_MM
        for mar in (tc_mar, tbl_mar):
            el = next(
                (mar.find(qn(f"w:{s}")) for s in sides if mar is not None and mar.find(qn(f"w:{s}")) is not None), None
            )
            if el is not None and el.get(qn("w:type"), "dxa") == "dxa":
                try:
                    value = float(el.get(qn("w:w"), "0")) / TWIPS_PER_MM
                except ValueError:
                    continue
                break
        out += value
    return out


# -- text widths ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _widths() -> dict[str, dict[str, float]]:
    data = resources.files("generator").joinpath("word/resources/tnr_widths.json").read_text(encoding="utf-8")
    return json.loads(data)


@functools.lru_cache(maxsize=4096)  # the same agency names and mottos come back in every document
def text_width_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """The printed width of `text` in Times New Roman (Liberation Serif metrics), in mm."""
    import unicodedata

    table = _widths()["bold" if bold else "regular"]
    fallback = table.get("n", 0.5)
    em = 0.0
    for ch in text:
        w = table.get(ch)
        if w is None:
            base = unicodedata.normalize("NFD", ch)[0]
            w = table.get(base, fallback)
        em += w
    return em * size_pt * 25.4 / 72
