"""Issue 2 acceptance: the plan converts to PDF with LibreOffice, and page 1 renders to PNG."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from generator.word.pdf import convert, page_count

needs_lo = pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")),
    reason="LibreOffice is not installed (.ci/run installs libreoffice-writer-nogui)",
)


@needs_lo
def test_plan_converts_to_pdf_and_renders(plan_docx: Path, tmp_path: Path) -> None:
    [pdf] = convert([plan_docx], tmp_path)
    pages = page_count(pdf)
    assert 3 <= pages <= 6, pages  # the reference plan runs to about five pages
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True
        )
        [png] = list(tmp_path.glob("p*.png"))
        assert png.stat().st_size > 10_000  # a page with text, not a blank image
