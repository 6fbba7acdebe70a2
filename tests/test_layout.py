"""Issue 13, page layout: every document built from data/ (and the 2027 drafts) as LibreOffice lays it out."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from generator.build import build
from generator.cli import main
from generator.lint.anatomy import analyse
from generator.word.pdf import convert

from .helpers import DATA, lines

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) and poppler (pdftotext) are needed: apt-get install libreoffice-writer-nogui poppler-utils",
)


def _pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1] if out.endswith("\f") else out.split("\f")


def _squash(text: str) -> str:
    """Text without spaces: pdftotext spaces justified lines unevenly."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Path]]:
    """(docx, pdf) for every document `vbgen build data` writes and the 2027 drafts, in one conversion."""
    base = tmp_path_factory.mktemp("layout")
    docx = list(build([DATA], base / "o").written)
    result = CliRunner().invoke(main, ["draft", str(DATA), "--year", "2027", "--out", str(base / "d")])
    assert result.exit_code == 0, result.output
    docx += build([base / "d"], base / "o27").written
    pdfs = convert(docx, base / "pdf", workers=2)
    return list(zip(docx, pdfs, strict=True))


def test_the_signature_block_closing_and_typist_stay_on_one_page(laid_out: list[tuple[Path, Path]]) -> None:
    assert len(laid_out) == 23 + 14
    for docx, pdf in laid_out:
        got = lines(docx)
        pages = [_squash(p) for p in _pages(pdf)]
        heading = got.index("Nơi nhận:")
        block = got[heading:]  # Nơi nhận, its lines, the typist line, the signature lines
        closing = next(x for x in reversed(got[:heading]) if x.endswith("./."))
        tail = _squash(closing)[-40:]  # the closing paragraph's last words
        holding = [i for i, p in enumerate(pages) if "Nơinhận:" in p]
        assert len(holding) == 1, docx.name
        page = pages[holding[0]]
        for line in block:
            assert _squash(line) in page, (docx.name, line, holding[0] + 1)
        assert tail in page, (docx.name, "closing paragraph not with the signature block")
        assert holding[0] == len(pages) - 1, (docx.name, "pages after the signature block")


def test_no_page_is_empty_but_for_its_number(laid_out: list[tuple[Path, Path]]) -> None:
    for docx, pdf in laid_out:
        for n, text in enumerate(_pages(pdf), start=1):
            assert not re.fullmatch(r"\s*\d*\s*", text), (docx.name, n)


def test_no_subplan_announces_a_table_it_does_not_have(laid_out: list[tuple[Path, Path]]) -> None:
    for docx, _pdf in laid_out:
        got = lines(docx)
        announces = any("bảng dưới đây" in x or "như bảng sau" in x for x in got)
        has_data_table = len(Document(str(docx)).tables) > 2  # header and signature tables, plus data
        assert not announces or has_data_table, docx.name


def test_the_build_names_the_file_that_can_add_the_rows(tmp_path: Path) -> None:
    result = build([DATA], tmp_path / "o")
    empty = [w for w in result.warnings if "bảng chưa có dòng nào" in w]
    # one line per folder, naming the sub-plan files where the rows go
    assert empty and any(
        w.startswith(str(DATA / "ubnd-phuong-1-tay-ninh/2024") + ":") and "dao-tao-boi-duong.yaml" in w for w in empty
    ), empty


def test_lint_page_count_agrees_with_libreoffice(laid_out: list[tuple[Path, Path]]) -> None:
    wrong = []
    for docx, pdf in laid_out:
        a = analyse(Document(str(docx)))
        pages = a.estimated_pages  # what lint uses for a file vbgen wrote (its app.xml count is the template's)
        if pages != len(_pages(pdf)):
            wrong.append((docx.name, pages, len(_pages(pdf))))
    assert not wrong, wrong
