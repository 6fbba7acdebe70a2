"""Reading generated .docx files back, for assertions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REFERENCE = REPO.parent / "shared" / "reference" / "ke-hoach-22-KH-SGTVT-2024.txt"


def typed_header(
    doc: DocxDocument,
    parent: str,
    agency: str,
    number: str,
    date_line: str,
    title: str | None,
    *,
    motto: bool = True,
) -> None:
    """The opening of a document typed in Word (python-docx): a two-cell header table (chủ quản,
    agency, Số | quốc hiệu, tiêu ngữ, date), then KẾ HOẠCH and its trích yếu."""
    left, right = doc.add_table(rows=1, cols=2).rows[0].cells
    left.paragraphs[0].add_run(parent)
    left.add_paragraph().add_run(agency).bold = True
    left.add_paragraph(number)
    right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold = True
    if motto:
        right.add_paragraph().add_run("Độc lập - Tự do - Hạnh phúc").bold = True
        right.add_paragraph().add_run(date_line).italic = True
    else:
        right.add_paragraph(date_line)
    doc.add_paragraph().add_run("KẾ HOẠCH").bold = True
    if title:
        doc.add_paragraph().add_run(title).bold = True


def iter_paragraphs(doc: DocxDocument) -> Iterator[Paragraph]:
    """Every paragraph in document order, table cells row by row, left to right."""
    body = doc.element.body
    for child in body.iterchildren():
        if child.tag.endswith("}p"):
            yield Paragraph(child, doc)
        elif child.tag.endswith("}tbl"):
            table = Table(child, doc)
            for row in table.rows:
                for cell in row.cells:
                    yield from cell.paragraphs


def lines(path: Path) -> list[str]:
    """The non-empty paragraph texts of a .docx, stripped."""
    doc = Document(str(path))
    return [p.text.strip() for p in iter_paragraphs(doc) if p.text.strip()]


def words(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).split()


def strip_markup(text: str) -> str:
    return re.sub(r"\*+", "", text)
