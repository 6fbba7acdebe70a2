"""PDF conversion with LibreOffice: one headless process per batch, its own profile, checked output."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .errors import ConversionError

INSTALL_HINT = "cài LibreOffice: apt-get install libreoffice-writer-nogui (Debian/Ubuntu)"


def soffice() -> str:
    """The LibreOffice executable, or ConversionError saying how to install it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise ConversionError("không tìm thấy LibreOffice (soffice) để chuyển sang PDF", hint=INSTALL_HINT)


def page_count(pdf: Path) -> int:
    """Pages of a PDF, read from its page tree (enough to tell an empty or broken file)."""
    data = pdf.read_bytes()
    counts = [int(m) for m in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data)]
    if not counts:
        counts = [int(m) for m in re.findall(rb"/Count\s+(\d+)", data)]
    return max(counts, default=0)


def convert(docx_files: Sequence[Path], out_dir: Path, *, timeout: float = 120.0) -> list[Path]:
    """Convert `docx_files` to PDF in `out_dir` with one LibreOffice process; return the PDFs.

    Each PDF must exist and have at least one page, else ConversionError names the file.
    """
    if not docx_files:
        return []
    exe = soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    # A private profile: concurrent conversions must not share LibreOffice's user directory.
    with tempfile.TemporaryDirectory(prefix="vbgen-lo-") as profile:
        cmd = [
            exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nolockcheck",
            "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, docx_files),
        ]  # fmt: skip
        env = {**os.environ, "HOME": profile}
        try:
            subprocess.run(cmd, check=False, capture_output=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            raise ConversionError(f"LibreOffice quá thời gian ({timeout:.0f} s) khi chuyển PDF") from None
    pdfs = []
    for docx in docx_files:
        pdf = out_dir / (docx.stem + ".pdf")
        if not pdf.is_file() or page_count(pdf) < 1:
            raise ConversionError(f"không tạo được PDF hợp lệ cho {docx.name}")
        pdfs.append(pdf)
    return pdfs
