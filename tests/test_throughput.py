"""Issue 8: reproducible outputs, PDF conversion of a batch, --pdf without LibreOffice."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from generator.build import build
from generator.cli import main
from generator.word.pdf import convert, page_count

from .helpers import DATA


def test_rebuild_gives_the_same_bytes(tmp_path: Path) -> None:
    first = build([DATA], tmp_path / "a", jobs=2)
    second = build([DATA], tmp_path / "b")
    assert len(first.written) == len(second.written) >= 23
    for a, b in zip(first.written, second.written, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    with zipfile.ZipFile(first.written[0]) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert z.namelist()[0] == "[Content_Types].xml"
    props = Document(str(first.written[0])).core_properties
    assert props.author == "Sở Giao thông vận tải tỉnh Tây Ninh"
    assert props.title == "Thực hiện công tác dân vận chính quyền năm 2024"
    assert props.created.date().isoformat() == "2024-04-03" == props.modified.date().isoformat()


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed (.ci/run installs it)")
def test_batch_pdf_page_counts(built: dict[str, Path], tmp_path: Path) -> None:
    names = [
        "2024-22-KH-SGTVT-dan-van-chinh-quyen.docx",
        "2024-KH-SGTVT-phong-chong-tham-nhung.docx",
        "2024-BC-SGTVT-tu-cham-diem-dan-van-chinh-quyen.docx",
        "2024-KH-UBND-dan-van-chinh-quyen.docx",
    ]
    pdfs = convert([built[n] for n in names], tmp_path, workers=2)
    pages = [page_count(p) for p in pdfs]
    assert 3 <= pages[0] <= 6 and all(1 <= p <= 4 for p in pages[1:]), pages


def test_pdf_without_libreoffice(tmp_path: Path) -> None:
    result = CliRunner(env={"PATH": str(tmp_path)}).invoke(
        main, ["build", str(DATA), "--out", str(tmp_path / "out"), "--pdf"]
    )
    assert result.exit_code == 2
    assert "libreoffice-writer-nogui" in result.output
    assert len(list((tmp_path / "out").glob("*.docx"))) >= 23  # the .docx files are still written
    assert not list((tmp_path / "out").glob("*.pdf"))


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed (.ci/run installs it)")
def test_build_pdf_places_pdfs_safely_and_leaves_nothing_running(tmp_path: Path) -> None:
    import json
    import os

    from .helpers import FIXTURES

    out = tmp_path / "out"
    result = build([FIXTURES / "ubnd-tinh"], out, pdf=True, jobs=2)
    assert result.pdf_error is None and len(result.pdfs) == 1
    [pdf] = result.pdfs
    assert pdf.parent == out.resolve() and page_count(pdf) >= 1
    assert pdf.name in json.loads((out / ".vbgen-manifest.json").read_text())["files"]
    assert not list(out.glob(".vbgen-*.tmp"))  # the private folder LibreOffice wrote into is gone
    children = set()
    for task in os.listdir(f"/proc/{os.getpid()}/task"):
        with open(f"/proc/{os.getpid()}/task/{task}/children") as fh:
            children.update(fh.read().split())
    names = []
    for child in children:
        with open(f"/proc/{child}/comm") as fh:
            names.append(fh.read().strip())
    assert not [n for n in names if n.startswith("soffice")], names
    pdf.write_bytes(b"%PDF-1.4 edited by hand")  # a PDF changed by hand is kept, and said so
    again = build([FIXTURES / "ubnd-tinh"], out, pdf=True)
    assert again.pdfs_kept == [pdf] and pdf.read_bytes() == b"%PDF-1.4 edited by hand"
