"""PDF conversion with LibreOffice: one headless process per batch, its own profile, checked output."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator.errors import ConversionError
from generator.i18n import N_, _

INSTALL_HINT = N_("cài LibreOffice: apt-get install libreoffice-writer-nogui (Debian/Ubuntu)")


def soffice() -> str:
    """The LibreOffice executable, or ConversionError saying how to install it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise ConversionError(_("không tìm thấy LibreOffice (soffice) để chuyển sang PDF"), hint=_(INSTALL_HINT))


def page_count(pdf: Path) -> int:
    """Pages of a PDF, read from its page tree (enough to tell an empty or broken file)."""
    data = pdf.read_bytes()
    counts = [int(m) for m in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data)]
    if not counts:
        counts = [int(m) for m in re.findall(rb"/Count\s+(\d+)", data)]
    return max(counts, default=0)


def _run_soffice(exe: str, files: Sequence[Path], out_dir: Path, timeout: float) -> None:
    """One headless LibreOffice process converting `files`, with a private profile."""
    # A private profile: concurrent conversions must not share LibreOffice's user directory.
    with tempfile.TemporaryDirectory(prefix="vbgen-lo-") as profile:
        cmd = [
            exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nolockcheck",
            "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, files),
        ]  # fmt: skip
        env = {**os.environ, "HOME": profile}
        # On a timeout, what was converted is kept and the rest is retried.
        with contextlib.suppress(subprocess.TimeoutExpired):
            subprocess.run(cmd, check=False, capture_output=True, timeout=timeout, env=env)


def _missing(files: Sequence[Path], out_dir: Path) -> list[Path]:
    return [f for f in files if not (p := out_dir / (f.stem + ".pdf")).is_file() or page_count(p) < 1]


def convert(
    docx_files: Sequence[Path],
    out_dir: Path,
    *,
    workers: int = 1,
    timeout_per_document: float = 30.0,
) -> list[Path]:
    """Convert `docx_files` to PDF in `out_dir`: one LibreOffice process per worker, each given a
    share of the files; files still missing are retried once, one by one, in fresh processes.

    Every PDF must exist and have a page, else ConversionError names the files.
    """
    if not docx_files:
        return []
    exe = soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    files = list(docx_files)
    shares = [files[i::workers] for i in range(max(1, min(workers, len(files))))]
    # Start-up costs a few seconds a process; each document then takes well under a second.
    with ThreadPoolExecutor(max_workers=len(shares)) as pool:
        list(pool.map(lambda share: _run_soffice(exe, share, out_dir, 60 + timeout_per_document * len(share)), shares))
    missing = _missing(files, out_dir)
    if missing:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            list(pool.map(lambda f: _run_soffice(exe, [f], out_dir, 60 + timeout_per_document), missing))
        missing = _missing(missing, out_dir)
    if missing:
        names = ", ".join(f.name for f in missing)
        raise ConversionError(_("không tạo được PDF hợp lệ (sau một lần thử lại) cho: {names}", names=names))
    return [out_dir / (f.stem + ".pdf") for f in files]
