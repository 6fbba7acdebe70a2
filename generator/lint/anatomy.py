"""The parts of an administrative document found in any .docx: header, title, body, signature."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from generator.i18n import _
from generator.word.docxfmt import ParagraphFormat, RunFormat, Styles

NUMBER_RE = re.compile(r"^Số\b")
DATE_HINT = re.compile(r",\s*ngày\b")


@dataclass
class Line:
    """A paragraph with its effective formatting and where it is."""

    paragraph: Paragraph
    text: str
    run: RunFormat  # the first visible run's format (the paragraph mark's when there is none)
    runs: list[tuple[str, RunFormat]]
    para: ParagraphFormat
    where: str  # "bảng đầu, ô phải, dòng 2" / "đoạn 14"

    @property
    def all_caps(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return bool(letters) and all(not c.islower() for c in letters)

    @property
    def all_bold(self) -> bool:
        return bool(self.runs) and all(f.bold for t, f in self.runs if t.strip())


@dataclass
class Anatomy:
    """Where each part of the document is; a part that is not found is None or empty."""

    doc: DocxDocument
    styles: Styles
    header_table: Table | None = None
    header_left: list[Line] = field(default_factory=list)
    header_right: list[Line] = field(default_factory=list)
    number: Line | None = None
    number_row: int | None = None
    date: Line | None = None
    date_row: int | None = None
    agency: list[Line] = field(default_factory=list)
    parent: list[Line] = field(default_factory=list)
    title: Line | None = None  # tên loại
    summary: list[Line] = field(default_factory=list)  # trích yếu
    summary_rule: Line | None = None
    basis: list[Line] = field(default_factory=list)  # căn cứ
    body: list[Line] = field(default_factory=list)  # everything between the title block and the signature
    signature_table: Table | None = None
    recipients: list[Line] = field(default_factory=list)  # "Nơi nhận:" and its lines
    authority: list[Line] = field(default_factory=list)  # the signature cell's lines
    rules_left: list[Line] = field(default_factory=list)  # empty bordered paragraphs in the left header cell
    rules_right: list[Line] = field(default_factory=list)
    pages: int | None = None  # as recorded in docProps/app.xml, when it is


def _line(styles: Styles, p: Paragraph, where: str) -> Line:
    runs = [(r.text, styles.run_format(p, r)) for r in p.runs if r.text]
    visible = [f for t, f in runs if t.strip()]
    first = visible[0] if visible else styles.run_format(p, None)
    return Line(p, p.text.strip(), first, runs, styles.paragraph_format(p), where)


def _cell_lines(styles: Styles, cell: _Cell, label: str) -> list[Line]:
    return [_line(styles, p, _("{label}, đoạn {n}", label=label, n=i + 1)) for i, p in enumerate(cell.paragraphs)]


def _iter_body(doc: DocxDocument) -> list[Any]:
    out: list[Any] = []
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            out.append(Paragraph(child, doc))
        elif child.tag == qn("w:tbl"):
            out.append(Table(child, doc))
    return out


def analyse(doc: DocxDocument) -> Anatomy:
    """Find the parts of `doc` by content and position (style names are not relied on)."""
    styles = Styles(doc)
    a = Anatomy(doc, styles)
    blocks = _iter_body(doc)
    tables = [b for b in blocks if isinstance(b, Table)]
    # The header: the first table, if it comes before any text.
    first_text = next((i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and b.text.strip()), len(blocks))
    first_table = next((i for i, b in enumerate(blocks) if isinstance(b, Table)), None)
    start = 0
    if first_table is not None and first_table <= first_text:
        table = blocks[first_table]
        a.header_table = table
        start = first_table + 1
        if len(table.columns) >= 2:
            for r, row in enumerate(table.rows):
                cells = row.cells
                left = _cell_lines(styles, cells[0], _("bảng tiêu đề, hàng {row}, ô trái", row=r + 1))
                right = _cell_lines(styles, cells[-1], _("bảng tiêu đề, hàng {row}, ô phải", row=r + 1))
                for line in left:
                    if line.text and NUMBER_RE.match(line.text) and a.number is None:
                        a.number, a.number_row = line, r
                for line in right:
                    if line.text and DATE_HINT.search(line.text) and a.date is None:
                        a.date, a.date_row = line, r
                a.header_left += left
                a.header_right += right
    names = []
    for line in a.header_left:
        if line.paragraph is (a.number.paragraph if a.number else None):
            break
        if line.text:
            names.append(line)
        elif line.para.border_bottom:
            a.rules_left.append(line)
    a.parent = [ln for ln in names if not ln.all_bold]
    a.agency = [ln for ln in names if ln.all_bold]
    a.rules_right = [ln for ln in a.header_right if not ln.text and ln.para.border_bottom]

    # The signature table: the last table whose left cell starts with "Nơi nhận".
    for table in reversed(tables):
        if table is a.header_table or len(table.columns) < 2:
            continue
        cells = table.rows[0].cells
        left = _cell_lines(styles, cells[0], _("bảng chữ ký, ô trái"))
        if any(ln.text.startswith("Nơi nhận") for ln in left):
            a.signature_table = table
            a.recipients = [ln for ln in left if ln.text]
            a.authority = [ln for ln in _cell_lines(styles, cells[-1], _("bảng chữ ký, ô phải")) if ln.text]
            break
    end = blocks.index(a.signature_table) if a.signature_table is not None else len(blocks)

    # The title block and the body: paragraphs between the header and the signature.
    paragraphs: list[Line] = []
    for i, b in enumerate(blocks[start:end], start=start):
        if isinstance(b, Paragraph):
            paragraphs.append(_line(styles, b, _("đoạn {n}", n=i + 1)))
    texts = [ln for ln in paragraphs if ln.text]
    if texts and texts[0].all_caps and not texts[0].text.startswith(("Căn cứ", "I.")):
        a.title = texts[0]
        idx = paragraphs.index(a.title) + 1
        while idx < len(paragraphs):
            ln = paragraphs[idx]
            if not ln.text:
                if ln.para.border_bottom and a.summary_rule is None:
                    a.summary_rule = ln
                    idx += 1
                    break
                idx += 1
                if a.summary:
                    break
                continue
            if ln.run.bold and not ln.text.startswith(("Căn cứ", "Kính gửi")):
                a.summary.append(ln)
                idx += 1
            else:
                break
        rest = paragraphs[idx:]
    else:
        rest = paragraphs
    a.body = [ln for ln in rest if ln.text]
    a.basis = [ln for ln in a.body if ln.text.startswith("Căn cứ")]
    return a
