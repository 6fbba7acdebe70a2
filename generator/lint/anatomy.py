"""The parts of an administrative document found in any .docx, read as Word renders it.

`analyse(doc)` returns an `Anatomy`: the kind of document and each part ND30 names, each part a
`Line` (a paragraph, or the piece of one between line breaks / layout tabs, with its effective
formatting). Parts that are not found are None or empty. What is found, in reading order:

- `kind`: "KH", "BC", "QĐ", "TTr", … (the Phụ lục III code of the tên loại), "CV" (công văn),
  "PARTY" (Đảng document, HD 36-HD/VPTW), "PHIEU" (internal phiếu trình), "ANNEX" (an attachment with
  no number of its own), or "" when unknown; `in_scope` is False for the last three, with
  `scope_reason` saying why.
- header (`header_layout` "table" or "tabs"): `parent` (cơ quan chủ quản) and `agency` lines,
  `number` ("Số: …"), `vv` (a công văn's "V/v …" lines, also from a text box), `national` (Quốc hiệu),
  `motto` (Tiêu ngữ), `date`; the lines drawn under the agency and the motto as `agency_shapes` /
  `motto_shapes` (shapes, with their length) or `rules_left` / `rules_right` (bordered empty paragraphs).
- title block: `title` (tên loại), `summary` (trích yếu lines, also from a 1×1 table),
  `summary_shapes` / `summary_rule`.
- preamble: `decision_authority` (a Quyết định's "CHỦ TỊCH ỦY BAN NHÂN DÂN …" line), `kinh_gui`
  (the "Kính gửi:" line and its addressees), `basis` (căn cứ lines), `proposal` ("Theo đề nghị …"),
  `decides` ("QUYẾT ĐỊNH:").
- `body`: the content paragraphs (ô 6) after the preamble and before the signature, each with its
  auto-numbering `label` ("1.", "a)", "-") and `gap_before_pt` (space from the paragraph above).
- signature: `signature_table` (None when laid out with paragraphs), `authority` (the right-hand
  lines: KT. …, chức vụ, name), `signer` (the name line), `recipients` ("Nơi nhận:" and the lines
  under it).
- `pages` (docProps/app.xml, set by the caller) and `estimated_pages` (from the text).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

from generator.i18n import _
from generator.lint.autonumber import Numbering, num_pr
from generator.lint.wordxml import (
    Shape,
    has_page_break,
    line_shapes,
    paragraph_runs,
    run_text,
    textbox_paragraphs,
)
from generator.nd30.numbering import DOC_TYPES
from generator.word.docxfmt import ParagraphFormat, RunFormat, Styles, qn, text_width_mm, twips_to_mm

NUMBER_RE = re.compile(r"^Số\b")
DATE_HINT = re.compile(r",\s*ngày\b|^ngày\s+\S*\s*tháng")
QUOC_HIEU_RE = re.compile(r"^CỘNG H[ÒO]A XÃ HỘI CHỦ NGHĨA VIỆT NAM$")
MOTTO_RE = re.compile(r"^Độc\s*lập")
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
TYPE_BY_TITLE = {name.upper(): code for code, name in DOC_TYPES.items()}
SIGN_PREFIX = re.compile(r"^(TM|KT|TL|TUQ|Q)\s*\.|^(K/T|T/M|T/L)\b")
SIGN_TITLE = re.compile(
    r"^(PHÓ |Q\. )?(CHỦ TỊCH|GIÁM ĐỐC|CHÁNH VĂN PHÒNG|CHÁNH THANH TRA|TRƯỞNG|BỘ TRƯỞNG|THỨ TRƯỞNG|"
    r"VIỆN TRƯỞNG|HIỆU TRƯỞNG|TỔNG GIÁM ĐỐC|TỔNG CỤC TRƯỞNG|CỤC TRƯỞNG|CHI CỤC TRƯỞNG|BÍ THƯ|"
    r"THỦ TRƯỞNG|GIÁM ĐỐC CÔNG AN|PHÓ GIÁM ĐỐC|TRƯỞNG BAN|TRƯỞNG PHÒNG|KHU TRƯỞNG)\b"
)
DECISION_AUTHORITY = re.compile(r"^(CHỦ TỊCH|ỦY BAN|UỶ BAN|GIÁM ĐỐC|BỘ TRƯỞNG|TRƯỞNG|CHÁNH|THỦ TRƯỞNG|BAN|HỘI ĐỒNG)")
BASIS_RE = re.compile(r"^-?\s*Căn\s+cứ\b")
PROPOSAL_RE = re.compile(r"^Theo\s+đề\s+nghị\b|^Xét\s+đề\s+nghị\b")
DECIDES_RE = re.compile(r"^(QUYẾT\s*ĐỊNH|QUYẾT\s*NGHỊ|CHỈ\s*THỊ)\s*:?$")
ARTICLE_RE = re.compile(r"^Điều\s+\d+\s*\.")
COLUMN_GAP = re.compile(r"\t[\t ]*| {3,}")


@dataclass
class Line:
    """A paragraph (or the piece of one between line breaks or layout tabs) as Word shows it.

    `text` is the shown text, stripped, without its auto-numbering label; `label` is that label
    ("1.", "a)", "-", or ""), `numbered` = label + text. `run` is the first visible run's format
    (the paragraph mark's when there is none), `runs` every piece of text with its format, `para`
    the paragraph format (list-level indents included). `elements` are the w:r elements the text
    comes from (fixes edit them), `shapes` the line shapes anchored in the paragraph."""

    paragraph: Paragraph
    text: str
    run: RunFormat
    runs: list[tuple[str, RunFormat]]
    para: ParagraphFormat
    where: str  # "bảng đầu, ô phải, dòng 2" / "đoạn 14"
    label: str = ""
    raw: str = ""  # the text before stripping (leading tabs and spaces count for layout)
    elements: list[Any] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)
    gap_before_pt: float | None = None  # space between this paragraph and the one above; None: not a text neighbour
    in_table: bool = False
    style_id: str | None = None

    @property
    def numbered(self) -> str:
        return f"{self.label} {self.text}".strip() if self.label else self.text

    @property
    def all_caps(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return bool(letters) and all(not c.islower() for c in letters)

    @property
    def all_bold(self) -> bool:
        return bool(self.runs) and all(f.bold for t, f in self.runs if t.strip())

    @property
    def leading_tab(self) -> bool:
        return self.raw[:1] == "\t"

    @property
    def centred(self) -> bool:
        return self.para.alignment in ("center", "centre")


@dataclass
class Anatomy:
    """Where each part of the document is; a part that is not found is None or empty (module doc)."""

    doc: DocxDocument
    styles: Styles
    kind: str = ""
    in_scope: bool = True
    scope_reason: str = ""
    header_layout: str | None = None  # "table" | "tabs" | None
    header_table: Table | None = None
    header_left: list[Line] = field(default_factory=list)
    header_right: list[Line] = field(default_factory=list)
    number: Line | None = None
    number_row: int | None = None
    date: Line | None = None
    date_row: int | None = None
    agency: list[Line] = field(default_factory=list)
    parent: list[Line] = field(default_factory=list)
    national: Line | None = None  # Quốc hiệu
    motto: Line | None = None  # Tiêu ngữ
    agency_shapes: list[Shape] = field(default_factory=list)
    motto_shapes: list[Shape] = field(default_factory=list)
    vv: list[Line] = field(default_factory=list)
    title: Line | None = None  # tên loại
    summary: list[Line] = field(default_factory=list)  # trích yếu
    summary_rule: Line | None = None
    summary_shapes: list[Shape] = field(default_factory=list)
    decision_authority: Line | None = None
    kinh_gui: list[Line] = field(default_factory=list)
    basis: list[Line] = field(default_factory=list)  # căn cứ
    proposal: Line | None = None
    decides: Line | None = None
    body: list[Line] = field(default_factory=list)
    signature_table: Table | None = None
    recipients: list[Line] = field(default_factory=list)  # "Nơi nhận:" and its lines
    authority: list[Line] = field(default_factory=list)  # the signature side's lines
    signer: Line | None = None
    rules_left: list[Line] = field(default_factory=list)  # empty bordered paragraphs in the left header cell
    rules_right: list[Line] = field(default_factory=list)
    pages: int | None = None  # as recorded in docProps/app.xml, when it is
    estimated_pages: int = 1
    all_lines: list[Line] = field(default_factory=list)  # every paragraph of the main text, in order

    @property
    def is_cong_van(self) -> bool:
        return self.kind == "CV"

    @property
    def page_count(self) -> tuple[int, bool]:
        """(pages, estimated): Word's own count from app.xml when there is one, else the estimate."""
        if self.pages:
            return self.pages, False
        return self.estimated_pages, True


# -- reading paragraphs ---------------------------------------------------------------------------


class _Reader:
    """Turns w:p elements into Lines, advancing the auto-numbering counters in reading order."""

    def __init__(self, doc: DocxDocument, styles: Styles) -> None:
        self.doc = doc
        self.styles = styles
        self.numbering = Numbering(doc)
        self.labels: dict[int, tuple[str, Any]] = {}

    def number(self, p: Any) -> tuple[str, Any]:
        """The label and list-level pPr of `p`, counted once, in the order paragraphs are read."""
        key = id(p)
        if key not in self.labels:
            np_ = num_pr(self.styles.ppr_chain(p))
            if np_ is None:
                self.labels[key] = ("", None)
            else:
                self.labels[key] = (self.numbering.next_label(*np_), self.numbering.level_ppr(*np_))
        return self.labels[key]

    def pieces(self, p: Any) -> list[tuple[str, RunFormat, Any]]:
        out = []
        for r in paragraph_runs(p):
            text = run_text(r)
            if text:
                out.append((text, self.styles.run_format(p, r), r))
        return out

    def line(self, p: Any, where: str, pieces: list[tuple[str, RunFormat, Any]] | None = None) -> Line:
        label, lvl_ppr = self.number(p)
        if pieces is None:
            pieces = self.pieces(p)
        raw = "".join(t for t, _f, _r in pieces)
        runs = [(t, f) for t, f, _r in pieces]
        visible = [f for t, f in runs if t.strip()]
        first = visible[0] if visible else self.styles.run_format(p, None)
        paragraph = Paragraph(p, self.doc)
        text = re.sub(r"[ \t]+", " ", raw.replace("\n", " ")).strip() if "\n" in raw else raw.strip()
        text = unicodedata.normalize("NFC", text)  # matching sees letters, however they were typed
        return Line(
            paragraph,
            text,
            first,
            runs,
            self.styles.paragraph_format(p, lvl_ppr),
            where,
            label=label,
            raw=raw,
            elements=[r for _t, _f, r in pieces],
            shapes=line_shapes(p),
            in_table=p.getparent().tag == qn("w:tc"),
            style_id=self.styles.para_style_id(p),
        )

    def split_breaks(self, p: Any, where: str) -> list[Line]:
        """One Line per visual line: a paragraph cut at its line breaks (w:br)."""
        pieces = self.pieces(p)
        if not any("\n" in t for t, _f, _r in pieces):
            return [self.line(p, where, pieces)]
        segments: list[list[tuple[str, RunFormat, Any]]] = [[]]
        for text, fmt, r in pieces:
            parts = text.split("\n")
            for i, part in enumerate(parts):
                if i:
                    segments.append([])
                if part:
                    segments[-1].append((part, fmt, r))
        out = []
        for i, seg in enumerate(segments):
            ln = self.line(p, where, seg)
            if i:
                ln.label, ln.shapes = "", []
            out.append(ln)
        return out

    def split_columns(self, p: Any, where: str) -> tuple[Line | None, Line | None]:
        """A line laid out in two columns with tabs or spaces: (left, right); a lone piece goes right
        when pushed there by a tab or a wide indent."""
        pieces = self.pieces(p)
        raw = "".join(t for t, _f, _r in pieces)
        stripped = raw.strip(" \t")
        if not stripped:
            return None, None
        lead = len(raw) - len(raw.lstrip(" \t"))
        start = raw.index(stripped)
        gaps = list(COLUMN_GAP.finditer(stripped))
        tab_gaps = [g for g in gaps if "\t" in g.group(0)]
        gap = tab_gaps[0] if tab_gaps else (max(gaps, key=lambda g: len(g.group(0))) if gaps else None)
        pushed = "\t" in raw[:lead] or lead >= 15 or (self.styles.paragraph_format(p).alignment == "right")
        if gap is None:
            line = self.line(p, where, _slice(pieces, start, start + len(stripped)))
            return (None, line) if pushed else (line, None)
        a, b = start + gap.start(), start + gap.end()
        left = self.line(p, where, _slice(pieces, start, a))
        right = self.line(p, where, _slice(pieces, b, start + len(stripped)))
        right.label = ""
        return left, right


def _slice(pieces: list[tuple[str, RunFormat, Any]], a: int, b: int) -> list[tuple[str, RunFormat, Any]]:
    out, pos = [], 0
    for text, fmt, r in pieces:
        end = pos + len(text)
        lo, hi = max(a, pos), min(b, end)
        if lo < hi:
            out.append((text[lo - pos : hi - pos], fmt, r))
        pos = end
    return out


def _text(p: Any) -> str:
    return "".join(run_text(r) for r in paragraph_runs(p)).strip()


def _tcs(tr: Any) -> list[Any]:
    """The cells of a row as stored (a merged cell once), through content controls."""
    out = []
    for el in tr:
        if el.tag == qn("w:tc"):
            out.append(el)
        elif el.tag in (qn("w:sdt"), qn("w:customXml")):
            out.extend(el.iter(qn("w:tc")))
    return out


def _cell_paragraphs(tc: Any) -> list[Any]:
    return list(tc.iter(qn("w:p")))


def _cell_text(tc: Any) -> str:
    return " ".join(_text(p) for p in _cell_paragraphs(tc)).strip()


def _rows(tbl: Any) -> list[Any]:
    out = []
    for el in tbl:
        if el.tag == qn("w:tr"):
            out.append(el)
        elif el.tag in (qn("w:sdt"), qn("w:customXml")):
            out.extend(el.iter(qn("w:tr")))
    return out


def _unwrap(tbl: Any) -> Any:
    """A 1×1 table that only holds another table (a layout frame) stands for the inner table."""
    rows = _rows(tbl)
    if len(rows) == 1 and len(_tcs(rows[0])) == 1:
        tc = _tcs(rows[0])[0]
        inner = [el for el in tc if el.tag == qn("w:tbl")]
        outer_text = "".join(_text(p) for p in tc if p.tag == qn("w:p"))
        if len(inner) == 1 and not outer_text:
            return _unwrap(inner[0])
    return tbl


def _blocks(doc: DocxDocument) -> list[Any]:
    """Top-level w:p and w:tbl of the body in order, through block content controls."""
    out = []
    stack = list(reversed(list(doc.element.body)))
    while stack:
        el = stack.pop()
        if el.tag in (qn("w:p"), qn("w:tbl")):
            out.append(el)
        elif el.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
            stack.extend(reversed(list(el)))
    return out


# -- analysis -------------------------------------------------------------------------------------


def analyse(doc: DocxDocument) -> Anatomy:
    """Find the parts of `doc` by content and position (style names are not relied on)."""
    styles = Styles(doc)
    a = Anatomy(doc, styles)
    rd = _Reader(doc, styles)
    blocks = _blocks(doc)
    # Read every paragraph once, in order, so auto-numbering counts as Word does.
    lines: dict[int, Line] = {}
    flow: list[Any] = []
    for i, b in enumerate(blocks):
        if b.tag == qn("w:p"):
            lines[id(b)] = rd.line(b, _("đoạn {n}", n=i + 1))
            flow.append(b)
        else:
            for p in b.iter(qn("w:p")):
                rd.number(p)
    _gaps(flow, lines)
    a.all_lines = [lines[id(p)] for p in flow]

    start = _header(a, rd, blocks, lines)
    sig_start = _signature(a, rd, blocks, lines, start)
    _title_and_body(a, rd, blocks[start:sig_start], lines)
    _kind(a, blocks)
    a.estimated_pages = estimate_pages(doc, styles, blocks, lines)
    return a


def _gaps(flow: list[Any], lines: dict[int, Line]) -> None:
    """gap_before_pt of each paragraph: the one above's space after + its own space before, as Word
    adds them (contextualSpacing drops both between paragraphs of the same style)."""
    prev = None
    for p in flow:
        ln = lines[id(p)]
        nxt = prev.getnext() if prev is not None else None
        while nxt is not None and nxt.tag not in (qn("w:p"), qn("w:tbl"), qn("w:sdt")):
            nxt = nxt.getnext()  # bookmarks and the like sit between paragraphs
        if prev is not None and nxt is p:
            above = lines[id(prev)]
            if above.text or above.shapes:
                same = above.style_id == ln.style_id
                after = 0.0 if (above.para.contextual and same) else (above.para.space_after_pt or 0.0)
                before = 0.0 if (ln.para.contextual and same) else (ln.para.space_before_pt or 0.0)
                ln.gap_before_pt = after + before
        prev = p


# -- header -----------------------------------------------------------------------------------------


def _header(a: Anatomy, rd: _Reader, blocks: list[Any], lines: dict[int, Line]) -> int:
    """Read the header (a table, or paragraphs laid out with tabs); returns the first block after it."""
    first_text = next((i for i, b in enumerate(blocks) if b.tag == qn("w:p") and lines[id(b)].text), len(blocks))
    first_table = next((i for i, b in enumerate(blocks) if b.tag == qn("w:tbl")), None)
    if first_table is not None and first_table <= first_text:
        tbl = _unwrap(blocks[first_table])
        if _header_table(a, rd, tbl):
            start = first_table + 1
            # A second table straight after holding Số | date (some offices split the header).
            nxt = next((i for i in range(start, len(blocks)) if blocks[i].tag == qn("w:tbl") or _text(blocks[i])), None)
            split = nxt is not None and blocks[nxt].tag == qn("w:tbl") and a.number is None and _rows(blocks[nxt])
            if split and re.match(r"^Số\b", _cell_text(_tcs(_rows(blocks[nxt])[0])[0])):
                _header_table(a, rd, blocks[nxt], more=True)
                start = nxt + 1
            _header_parts(a)
            return _after_vv(a, rd, blocks, lines, start)
    # No table: the first paragraphs carry agency | Quốc hiệu side by side, separated by tabs.
    head = blocks[: min(len(blocks), 14)]
    if any(QUOC_HIEU_RE.search(re.sub(r"\s+", " ", lines[id(b)].text)) or "CỘNG HÒA XÃ HỘI" in lines[id(b)].text
           for b in head if b.tag == qn("w:p")):  # fmt: skip
        a.header_layout = "tabs"
        i = 0
        while i < len(blocks) and blocks[i].tag == qn("w:p"):
            p = blocks[i]
            ln = lines[id(p)]
            if ln.text and (_is_title(ln) or ln.text.startswith("Kính gửi")):
                break
            left, right = rd.split_columns(p, ln.where)
            if left is not None:
                a.header_left.append(left)
            if right is not None:
                a.header_right.append(right)
            for shape in ln.shapes:
                (a.agency_shapes if (shape.offset_mm or 0) < 60 else a.motto_shapes).append(shape)
            i += 1
            if a.date is None and right is not None and DATE_HINT.search(right.text):
                a.date = right
            if a.number is None and left is not None and NUMBER_RE.match(left.text):
                a.number = left
            if a.date is not None and a.number is not None:
                break
        _header_parts(a)
        return _after_vv(a, rd, blocks, lines, i)
    return 0


def _header_table(a: Anatomy, rd: _Reader, tbl: Any, more: bool = False) -> bool:
    rows = _rows(tbl)
    if not rows:
        return False
    if not more:
        texts = [_cell_text(tc) for tr in rows for tc in _tcs(tr)]
        if not any("CỘNG H" in t or PARTY in t or NUMBER_RE.match(t) for t in texts) and len(_tcs(rows[0])) < 2:
            return False
        a.header_table = Table(tbl, a.doc)
        a.header_layout = "table"
    # The column that holds the Quốc hiệu is the right side; everything before it is the left side.
    right_start = None
    for tr in rows:
        col = 0
        for tc in _tcs(tr):
            span = _span(tc)
            if "CỘNG H" in _cell_text(tc) or PARTY in _cell_text(tc):
                right_start = col if right_start is None else right_start
            col += span
    for r, tr in enumerate(rows):
        cells = _tcs(tr)
        col = 0
        left_cells, right_cells = [], []
        for tc in cells:
            span = _span(tc)
            if right_start is not None:
                (right_cells if col >= right_start else left_cells).append(tc)
            col += span
        if right_start is None:
            nonempty = [tc for tc in cells if _cell_text(tc)] or cells
            left_cells, right_cells = nonempty[:1], nonempty[1:]
        row_no = r + (len(_rows(a.header_table._tbl)) if more and a.header_table is not None else 0)
        for side, group, shapes in (
            ("trái", left_cells, a.agency_shapes),
            ("phải", right_cells, a.motto_shapes),
        ):
            label = _("bảng tiêu đề, hàng {row}, ô {side}", row=row_no + 1, side=_(side))
            for tc in group:
                for p in tc.iter(qn("w:p")):
                    if any(anc.tag == qn("w:txbxContent") for anc in p.iterancestors()):
                        continue
                    segs = rd.split_breaks(p, label)
                    (a.header_left if side == "trái" else a.header_right).extend(segs)
                    shapes.extend(segs[0].shapes)
                    for tp in textbox_paragraphs(p):
                        tl = rd.line(tp, _("{label}, khung chữ", label=label))
                        if tl.text:
                            (a.header_left if side == "trái" else a.header_right).append(tl)
        for ln in a.header_left:
            if a.number is None and ln.text and NUMBER_RE.match(ln.text):
                a.number, a.number_row = ln, row_no
        for ln in a.header_right:
            if a.date is None and ln.text and DATE_HINT.search(ln.text):
                a.date, a.date_row = ln, row_no
    return True


def _span(tc: Any) -> int:
    tcpr = tc.find(qn("w:tcPr"))
    gs = tcpr.find(qn("w:gridSpan")) if tcpr is not None else None
    try:
        return int(gs.get(qn("w:val"))) if gs is not None else 1
    except ValueError:
        return 1


def _header_parts(a: Anatomy) -> None:
    """Agency, chủ quản, V/v, Quốc hiệu, Tiêu ngữ from the header's two sides."""
    names: list[Line] = []
    in_vv = False
    before_number = True
    for ln in a.header_left:
        if ln is a.number:
            before_number = False
        # A rule drawn as a paragraph border: an empty bordered line, or the top border of the Số line.
        if (not ln.text and (ln.para.border_bottom or ln.para.border_top) and before_number) or (
            ln is a.number and ln.para.border_top
        ):
            a.rules_left.append(ln)
        if not ln.text:
            in_vv = False if a.vv else in_vv
            continue
        if ln is a.number:
            continue
        if ln.text.startswith(("V/v", "v/v", "V/V", "Về việc")) and (a.number is not None or names):
            a.vv.append(ln)
            in_vv = True
            continue
        if in_vv:
            a.vv.append(ln)
            continue
        if a.number is None or a.header_left.index(ln) < a.header_left.index(a.number):
            if re.fullmatch(r"[-*_–—=]+", ln.text):  # a typed "-----" or "*" under the agency
                continue
            names.append(ln)
    a.parent = [ln for ln in names if not ln.all_bold]
    a.agency = [ln for ln in names if ln.all_bold]
    if names and not a.agency:  # nothing bold: the last line is the agency (a wrong format, not a wrong part)
        a.agency, a.parent = names[-1:], names[:-1]
    right = [ln for ln in a.header_right if ln.text]
    for i, ln in enumerate(right):
        flat = re.sub(r"\s+", " ", ln.text)
        if a.national is None and (QUOC_HIEU_RE.match(flat) or flat.startswith("CỘNG H")):
            a.national = ln
            nxt = right[i + 1] if i + 1 < len(right) else None
            if nxt is not None and nxt is not a.date:
                a.motto = nxt
            break
    a.rules_right = [
        ln for ln in a.header_right
        if (not ln.text and (ln.para.border_bottom or ln.para.border_top)) or (ln is a.date and ln.para.border_top)
    ]  # fmt: skip


def _after_vv(a: Anatomy, rd: _Reader, blocks: list[Any], lines: dict[int, Line], start: int) -> int:
    """A công văn's V/v may follow the header table as paragraphs (or sit in a text box there)."""
    i = start
    while i < len(blocks) and blocks[i].tag == qn("w:p"):
        p = blocks[i]
        ln = lines[id(p)]
        for tp in textbox_paragraphs(p):
            tl = rd.line(tp, _("{where}, khung chữ", where=ln.where))
            if tl.text.startswith(("V/v", "v/v", "V/V")) or (a.vv and tl.text and not a.vv[-1].text.endswith(".")):
                a.vv.append(tl)
        if not ln.text:
            i += 1
            continue
        if ln.text.startswith(("V/v", "v/v", "V/V")) and not a.vv:
            a.vv.append(ln)
            i += 1
            while i < len(blocks) and blocks[i].tag == qn("w:p") and lines[id(blocks[i])].text:
                nxt = lines[id(blocks[i])]
                if nxt.text.startswith("Kính gửi") or _is_title(nxt):
                    break
                a.vv.append(nxt)
                i += 1
            continue
        break
    return i


# -- title, preamble, body --------------------------------------------------------------------------


def _is_title(ln: Line) -> bool:
    t = re.sub(r"\s+", " ", ln.text).strip()
    if t in TYPE_BY_TITLE or t in ("QUYẾT ĐỊNH", "NGHỊ QUYẾT", "CÔNG ĐIỆN", "PHIẾU TRÌNH", "ĐIỀU LỆ", "QUY CHẾ"):
        return True
    if t.startswith(("CHƯƠNG ", "MỤC ", "PHẦN ")):
        return False
    if ln.all_caps and t.startswith(("ĐIỀU LỆ", "QUY CHẾ", "QUY ĐỊNH", "PHỤ LỤC", "PHIẾU TRÌNH")):
        return True  # an attachment's title, maybe with its name on the same line
    return (
        ln.all_caps
        and ln.all_bold
        and ln.centred
        and len(t) <= 40
        and not t.startswith(("CĂN CỨ", "I.", "QUYẾT ĐỊNH:"))
    )


def _title_and_body(a: Anatomy, rd: _Reader, blocks: list[Any], lines: dict[int, Line]) -> None:
    items: list[Line] = []  # text paragraphs in order, a 1×1 table's paragraphs among them
    empties_after: dict[int, list[Line]] = {}
    for b in blocks:
        if b.tag == qn("w:p"):
            ln = lines[id(b)]
            if ln.text:
                items.append(ln)
            elif items:
                empties_after.setdefault(id(items[-1]), []).append(ln)
        else:
            rows = _rows(b)
            # A 1×1 table straight under the tên loại is a boxed trích yếu; data tables are not paragraphs.
            if len(rows) == 1 and len(_tcs(rows[0])) == 1 and a.title is not None and items and items[-1] is a.title:
                for p in _tcs(rows[0])[0].iter(qn("w:p")):
                    ln = rd.line(p, _("bảng 1×1"))
                    if ln.text:
                        items.append(ln)
        if a.title is None and items and _is_title(items[-1]):
            a.title = items[-1]
    idx = 0
    if a.title is not None:
        idx = items.index(a.title) + 1
        # The trích yếu: bold lines under the tên loại, up to the line drawn under it.
        while idx < len(items):
            ln = items[idx]
            if ln.text.startswith(("Căn cứ", "Kính gửi", "(Kèm theo")) or BASIS_RE.match(ln.text):
                break
            if re.fullmatch(r"[-_–—]{3,}", ln.text):  # a rule typed as "____" under the trích yếu
                a.summary_rule = ln
                idx += 1
                break
            if not (ln.run.bold or ln.all_bold) or (DECISION_AUTHORITY.match(ln.text) and ln.all_caps and a.summary):
                break
            a.summary.append(ln)
            a.summary_shapes.extend(ln.shapes)
            idx += 1
            after = empties_after.get(id(ln), [])
            ruled = [e for e in after if e.shapes or e.para.border_bottom]
            if ruled or ln.shapes or ln.para.border_bottom:
                for e in ruled:
                    a.summary_shapes.extend(e.shapes)
                    if e.para.border_bottom and a.summary_rule is None:
                        a.summary_rule = e
                break
            if after:
                break
        if a.summary and not a.summary_shapes and a.summary_rule is None:
            for e in empties_after.get(id(a.summary[-1]), [])[:3]:
                a.summary_shapes.extend(e.shapes)
            if not a.summary_shapes and idx < len(items):  # anchored in the next paragraph, drawn above it
                a.summary_shapes.extend(items[idx].shapes)
        # A typed rule ("-----") under the trích yếu is a line, not body text.
        if idx < len(items) and re.fullmatch(r"[-_–—]{3,}", items[idx].text):
            a.summary_rule = a.summary_rule or items[idx]
            idx += 1
    rest = items[idx:]
    # Quyết định (and the like): authority line, căn cứ, "Theo đề nghị", "QUYẾT ĐỊNH:".
    i = 0
    if rest and a.title is not None and rest[0].all_caps and DECISION_AUTHORITY.match(rest[0].text):
        a.decision_authority = rest[0]
        i = 1
    # Kính gửi block (công văn, tờ trình, báo cáo to a superior).
    if i < len(rest) and rest[i].text.startswith("Kính gửi"):
        i = _kinh_gui(a, rest, i)
    # Căn cứ: a block directly under the title (not a sentence of the body that starts "Căn cứ").
    decides = next((j for j in range(i, min(len(rest), i + 30)) if DECIDES_RE.match(rest[j].text)), None)
    if a.title is not None and not a.kinh_gui and decides is not None:
        # Quyết định: every line between the title block and "QUYẾT ĐỊNH:" is căn cứ, closed by
        # "Theo đề nghị …" (even when a line does not start "Căn cứ", as TT 01/2011 wrote them).
        for ln in rest[i:decides]:
            if PROPOSAL_RE.match(ln.text) or (a.proposal is not None):
                a.proposal = a.proposal or ln
            else:
                a.basis.append(ln)
        a.decides = rest[decides]
        i = decides + 1
    elif a.title is not None and not a.kinh_gui:
        while i < len(rest) and BASIS_RE.match(rest[i].text) and not rest[i].text.rstrip().endswith(":"):
            a.basis.append(rest[i])
            i += 1
        while i < len(rest) and PROPOSAL_RE.match(rest[i].text) and a.basis:
            a.proposal = rest[i]
            i += 1
        if i < len(rest) and DECIDES_RE.match(rest[i].text):
            a.decides = rest[i]
            i += 1
    if not a.kinh_gui and i < len(rest) and rest[i].text.startswith("Kính gửi"):
        i = _kinh_gui(a, rest, i)
    a.body = [ln for ln in rest[i:] if ln.text]


def _kinh_gui(a: Anatomy, rest: list[Line], i: int) -> int:
    head = rest[i]
    a.kinh_gui.append(head)
    i += 1
    if head.text.rstrip().endswith(":") or re.match(r"^Kính gửi\s*:?\s*$", head.text):
        while i < len(rest) and (rest[i].text.startswith(("-", "+", "–")) or rest[i].label in ("-", "•", "+")):
            a.kinh_gui.append(rest[i])
            i += 1
            if rest[i - 1].text.endswith("."):
                break
    elif i < len(rest) and rest[i].text.startswith("- ") and not head.text.endswith("."):
        while i < len(rest) and rest[i].text.startswith("- ") and len(rest[i].text) < 120:
            a.kinh_gui.append(rest[i])
            i += 1
    return i


# -- signature -------------------------------------------------------------------------------------


def _is_authority_text(t: str) -> bool:
    t = re.sub(r"\s+", " ", t).strip()
    return bool(SIGN_PREFIX.match(t) or SIGN_TITLE.match(t)) and t == t.upper()


def _signature(a: Anatomy, rd: _Reader, blocks: list[Any], lines: dict[int, Line], start: int) -> int:
    """Find the signature block; returns its first block. It is where the
    last "Nơi nhận" is (in a table cell or a paragraph), else a table or paragraphs of signing titles
    at the end; an appendix may follow it."""
    nn_block = None
    for k in range(len(blocks) - 1, start - 1, -1):
        b = blocks[k]
        if b.tag == qn("w:p"):
            if re.match(r"^Nơi\s*nhận", lines[id(b)].text):
                nn_block = k
                break
        elif any(re.match(r"^Nơi\s*nhận", _text(p)) for p in b.iter(qn("w:p"))):
            nn_block = k
            break
    if nn_block is not None and blocks[nn_block].tag == qn("w:tbl"):
        _signature_table(a, rd, _unwrap(blocks[nn_block]))
        return _titles_above(a, rd, blocks, lines, start, nn_block)
    if nn_block is not None:
        k = nn_block
        # A table that only signs, just before "Nơi nhận" typed as paragraphs.
        prev = next(
            (j for j in range(k - 1, start - 1, -1) if blocks[j].tag == qn("w:tbl") or lines[id(blocks[j])].text), None
        )
        if prev is not None and blocks[prev].tag == qn("w:tbl") and _signs(blocks[prev]):
            _signature_table(a, rd, _unwrap(blocks[prev]))
            sig_start = prev
        else:
            sig_start = _titles_above(a, rd, blocks, lines, start, k)
        for b2 in blocks[k:]:
            if b2.tag != qn("w:p") or (b2 is not blocks[k] and has_page_break(b2)):
                break
            left, right = rd.split_columns(b2, lines[id(b2)].where)
            if left is not None:
                a.recipients.extend(s for s in _split_line_breaks(left) if s.text)
            if right is not None and right.text:
                a.authority.append(right)
        _signer(a)
        return sig_start
    # No "Nơi nhận": a table of signing titles among the last blocks, or titles typed as paragraphs.
    for k in range(len(blocks) - 1, max(start, len(blocks) - 6) - 1, -1):
        if blocks[k].tag == qn("w:tbl") and _signs(blocks[k]):
            _signature_table(a, rd, _unwrap(blocks[k]))
            return k
    return _trailing_signature(a, rd, blocks, lines, start)


def _signs(tbl: Any) -> bool:
    rows = _rows(_unwrap(tbl))
    return 0 < len(rows) <= 4 and any(_is_authority_text(_text(p)) for p in tbl.iter(qn("w:p")))


def _signature_table(a: Anatomy, rd: _Reader, tbl: Any) -> None:
    """Read a signature table of one or more rows: "Nơi nhận" and its lines on the left, the signing
    titles and the name on the right (a name may sit in a second row)."""
    a.signature_table = Table(tbl, a.doc)
    for tr in _rows(tbl):
        tcs = _tcs(tr)
        for c, tc in enumerate(tcs):
            nested = [el for el in tc if el.tag == qn("w:tbl")]
            if nested:  # a signature table framed inside another table
                for inner in nested:
                    _signature_table(a, rd, inner)
                a.signature_table = Table(tbl, a.doc)
                continue
            side = _("bảng chữ ký, ô trái") if c == 0 and len(tcs) > 1 else _("bảng chữ ký, ô phải")
            segs = [
                s
                for n, p in enumerate(tc.iter(qn("w:p")), start=1)
                for s in rd.split_breaks(p, _("{label}, đoạn {n}", label=side, n=n))
            ]
            segs = [s for s in segs if s.text]
            if not segs:
                continue
            if re.match(r"^Nơi\s*nhận", segs[0].text) or (a.recipients and c == 0 and len(tcs) > 1):
                a.recipients.extend(segs)
            elif c == len(tcs) - 1 or any(_is_authority_text(s.text) for s in segs):
                a.authority.extend(segs)
    _signer(a)


def _titles_above(a: Anatomy, rd: _Reader, blocks: list[Any], lines: dict[int, Line], start: int, k: int) -> int:
    """Signing titles typed as paragraphs just above the signature's "Nơi nhận" (they are not body)."""
    sig_start = k
    j = k - 1
    found: list[Any] = []
    while j >= start and blocks[j].tag == qn("w:p"):
        prev = lines[id(blocks[j])]
        if prev.text:
            if not _is_authority_text(prev.text):
                break
            found.insert(0, blocks[j])
            sig_start = j
        j -= 1
    for b2 in found:
        a.authority.extend(s for s in rd.split_breaks(b2, lines[id(b2)].where) if s.text)
    return sig_start


def _split_line_breaks(ln: Line) -> list[Line]:
    if "\n" not in ln.raw:
        return [ln]
    out = []
    for part in ln.raw.split("\n"):
        seg = Line(ln.paragraph, part.strip(), ln.run, ln.runs, ln.para, ln.where, raw=part, elements=ln.elements)
        out.append(seg)
    return out


def _trailing_signature(a: Anatomy, rd: _Reader, blocks: list[Any], lines: dict[int, Line], start: int) -> int:
    k = len(blocks)
    for idx in range(len(blocks) - 1, start - 1, -1):
        b = blocks[idx]
        if b.tag != qn("w:p"):
            break
        ln = lines[id(b)]
        if ln.text and _is_authority_text(ln.text) and ln.para.alignment in ("center", "right"):
            k = idx
    if k < len(blocks):
        for b in blocks[k:]:
            a.authority.extend(s for s in rd.split_breaks(b, lines[id(b)].where) if s.text)
        _signer(a)
    return k


def _signer(a: Anatomy) -> None:
    names = [ln for ln in a.authority if not ln.all_caps and not ln.text.startswith(("(", "Nơi"))]
    names = [ln for ln in names if re.match(r"^(\w+\.\s*)?[A-ZĐÀ-Ỹ]", ln.text) and len(ln.text.split()) <= 6]
    a.signer = names[-1] if names else None


# -- kind and scope ---------------------------------------------------------------------------------


def _kind(a: Anatomy, blocks: list[Any]) -> None:
    head_text = " ".join(ln.text for ln in a.header_left + a.header_right)
    if PARTY in head_text or (
        a.national is None and PARTY in " ".join(_text(b) for b in blocks[:6] if b.tag == qn("w:p"))
    ):
        a.kind, a.in_scope = "PARTY", False
        a.scope_reason = _("văn bản của Đảng (Hướng dẫn 36-HD/VPTW), không thuộc phạm vi Nghị định 30/2020/NĐ-CP")
        return
    title = re.sub(r"\s+", " ", a.title.text) if a.title else ""
    if title.startswith("PHIẾU TRÌNH") or (a.number is not None and re.search(r"/PT-", a.number.text)):
        a.kind, a.in_scope = "PHIEU", False
        a.scope_reason = _("phiếu trình nội bộ, không phải văn bản hành chính theo Nghị định 30/2020/NĐ-CP")
        return
    code = None
    if a.number is not None:
        m = re.search(r"/\s*([^\W\d_]+)\s*-", a.number.text)
        code = m.group(1) if m else None
    if title in TYPE_BY_TITLE:
        a.kind = TYPE_BY_TITLE[title]
    elif title in ("QUYẾT ĐỊNH",):
        a.kind = "QĐ"
    elif a.title is None and (a.vv or (code and code not in DOC_TYPES)):
        a.kind = "CV"
    elif code in DOC_TYPES:
        a.kind = code
    if a.header_layout is None and a.number is None:
        a.kind, a.in_scope = a.kind or "OTHER", False
        a.scope_reason = _(
            "không có phần đầu văn bản (Quốc hiệu, cơ quan, số): phụ lục, văn bản kèm theo hay ghi chú nội bộ"
        )
        return
    annex = a.number is None and any(
        ln.text.startswith("(Kèm theo") for ln in a.summary + a.body[:2] + ([a.title] if a.title else [])
    )
    if annex or (
        a.header_layout is None
        and a.number is None
        and a.title is not None
        and a.title.text.startswith(("PHỤ LỤC", "ĐIỀU LỆ", "QUY CHẾ"))
    ):
        a.kind, a.in_scope = "ANNEX", False
        a.scope_reason = _(
            "văn bản kèm theo (phụ lục, điều lệ, quy chế) không có số riêng; kiểm tra văn bản ban hành nó"
        )


# -- pages -------------------------------------------------------------------------------------------


# LibreOffice lays Vietnamese letters wider than their advance widths in Times New Roman's metrics
# (fitted on the lines of vbgen's reference plan as LibreOffice prints them: plain letters 0.96,
# letters with diacritics 1.28); the page estimate is meant to agree with LibreOffice's count.
_PLAIN, _MARKED = 0.96, 1.28


def _laid_width(word: str, size: float, bold: bool) -> float:
    plain = "".join(c for c in word if ord(c) < 128)
    marked = "".join(c for c in word if ord(c) >= 128)
    return _PLAIN * text_width_mm(plain, size, bold) + (_MARKED * text_width_mm(marked, size, bold) if marked else 0.0)


def _line_pieces(ln: Line) -> list[list[tuple[str, Any]]]:
    """The runs of a paragraph split at its forced line breaks (w:br, kept as "\n" in the text)."""
    pieces: list[list[tuple[str, Any]]] = [[]]
    for text, fmt in ln.runs:
        parts = text.split("\n")
        for k, part in enumerate(parts):
            if k:
                pieces.append([])
            pieces[-1].append((part, fmt))
    return pieces


def estimate_pages(doc: DocxDocument, styles: Styles, blocks: list[Any], lines: dict[int, Line]) -> int:
    """Pages from the text: each paragraph's lines at its size and spacing on the section's text
    width, tables row by row, page breaks; used when the file does not record Word's count."""
    areas = []  # (text width mm, text height pt) of each section, in order
    for sec in doc.sections:
        try:
            w = (sec.page_width - sec.left_margin - sec.right_margin) / 36000
            h = (sec.page_height - sec.top_margin - sec.bottom_margin) / 36000
        except TypeError:
            w, h = 160.0, 247.0
        areas.append((max(w, 20.0), max(h, 50.0) * 72 / 25.4))
    section = 0
    width, height_pt = areas[0] if areas else (160.0, 700.0)

    def wrapped_lines(ln: Line, avail: float, size: float) -> int:
        """Lines of the paragraph as a word processor breaks them: whole words, greedily."""
        count = 0
        for piece in _line_pieces(ln):  # text between forced line breaks
            words = [(_laid_width(w, f.size or size, f.bold), text_width_mm(" ", f.size or size, f.bold))
                     for t, f in piece for w in t.split(" ") if w]  # fmt: skip
            lines_here, x = 1, ((ln.para.first_line_mm or 0.0) if count == 0 else 0.0)
            for word, space in words:
                if x > 0 and x + word > avail:
                    lines_here, x = lines_here + 1, 0.0
                x += word + space
            count += lines_here
        return max(count, 1)

    def para_height(ln: Line, avail_mm: float) -> float:
        size = ln.run.size or 13
        avail = max(avail_mm - ln.para.left_mm - ln.para.right_mm, 4)
        n = wrapped_lines(ln, avail, size)
        rule, value = ln.para.line_rule, ln.para.line_value
        if rule in ("exact", "atLeast") and value:
            line_h = value if rule == "exact" else max(value, size * 1.15)
        else:
            line_h = size * 1.15 * (value or 1.0)
        return n * line_h + (ln.para.space_before_pt or 0) + (ln.para.space_after_pt or 0)

    # The blocks as units laid on pages: (height, may split over pages, kept with the next unit).
    units: list[tuple[float, bool, bool, bool]] = []  # + whether a new section starts after it
    for b in blocks:
        if b.tag == qn("w:p"):
            ln = lines[id(b)]
            if has_page_break(b):
                units.append((-1.0, False, False, False))  # a page break before this paragraph
            ppr = b.find(qn("w:pPr"))
            ends_section = ppr is not None and ppr.find(qn("w:sectPr")) is not None
            units.append((para_height(ln, width), not ln.para.keep_lines, ln.para.keep_next, ends_section))
            if ends_section:
                section = min(section + 1, len(areas) - 1)
                width, height_pt = areas[section]
        else:
            grid = [twips_to_mm(int(g.get(qn("w:w"), "0") or 0)) for g in b.iter(qn("w:gridCol"))]
            for tr in _rows(b):
                row_h, col = 0.0, 0
                for tc in _tcs(tr):
                    span = _span(tc)
                    w = sum(grid[col : col + span]) if grid[col : col + span] else width / max(len(_tcs(tr)), 1)
                    col += span
                    h = 0.0
                    for p in tc.iter(qn("w:p")):
                        ln = lines.get(id(p))
                        if ln is None:  # a table paragraph: its text at the paragraph's own format
                            first_run = next(iter(paragraph_runs(p)), None)
                            mark = styles.run_format(p, first_run)  # the first run's format stands for all
                            text = _text(p)
                            ln = Line(Paragraph(p, doc), text, mark, [(text, mark)], styles.paragraph_format(p), "")
                            lines[id(p)] = ln
                        h += para_height(ln, max(w - 3.8, 4))
                    row_h = max(row_h, h)
                trh = tr.find(qn("w:trPr") + "/" + qn("w:trHeight"))
                if trh is not None and (trh.get(qn("w:val")) or "").isdigit():
                    row_h = max(row_h, int(trh.get(qn("w:val"))) / 20)
                units.append((row_h + 1.5, False, False, False))  # + borders and cell padding; a row stays whole
    section = 0
    width, height_pt = areas[0] if areas else (160.0, 700.0)
    used, pages = 0.0, 1
    i = 0
    while i < len(units):
        h, splits, _keep, ends_section = units[i]
        if h < 0:
            if used > 0:
                pages, used = pages + 1, 0.0
            i += 1
            continue
        # a chain kept together (keepNext: a heading with its text, the closing with the signature)
        j, chain = i, h
        while units[j][2] and j + 1 < len(units) and units[j + 1][0] >= 0 and not units[j][3]:
            j += 1
            chain += units[j][0] if not units[j][1] else min(units[j][0], 2 * 14 * 1.15)  # its first lines
        if j > i and used > 0 and used + chain > height_pt and chain <= height_pt:
            pages, used = pages + 1, 0.0
        if not splits and used > 0 and used + h > height_pt:
            pages, used = pages + 1, 0.0
        used += h
        while used > height_pt:
            pages, used = pages + 1, used - height_pt
        if ends_section:
            pages, used = pages + 1, 0.0
            section = min(section + 1, len(areas) - 1)
            width, height_pt = areas[section]
        i += 1
    if used <= 0 and pages > 1:
        pages -= 1
    return pages
