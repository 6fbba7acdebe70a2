"""Writing outputs: safe ASCII names, byte-reproducible .docx, atomic replace, no silent overwrite."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from slugify import slugify

from .errors import OutputError, Place
from .model import Body, Document

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip timestamps: the same input gives the same bytes
MAX_SLUG = 60


def output_name(doc: Document, issuer: Body, title: str, kind: str = "") -> str:
    """`2024-22-KH-SGTVT-dan-van-chinh-quyen.docx`; unnumbered: `2024-KH-SGTVT-<slug>.docx`."""
    parts = [str(doc.plan_year)]
    if doc.number is not None:
        parts.append(f"{doc.number:02d}")
    parts.append(slugify(doc.type, lowercase=False))
    parts.append(slugify(issuer.code or "", lowercase=False) or "vb")
    if kind:
        parts.append(slugify(kind))
    slug = slugify(doc.short_name or title, max_length=MAX_SLUG, word_boundary=True)
    if slug:
        parts.append(slug)
    return "-".join(p for p in parts if p) + ".docx"


def safe_target(out: Path, name: str) -> Path:
    """`out/name`, refusing any name that would leave `out`."""
    if "/" in name or "\\" in name or name.startswith(".") or name in ("", "..") or "\0" in name:
        raise OutputError(f"tên tệp đầu ra không an toàn: {name!r}")
    target = (out / name).resolve()
    if target.parent != out.resolve():
        raise OutputError(f"tên tệp đầu ra ra ngoài thư mục --out: {name!r}")
    return target


def reproducible(data: bytes) -> bytes:
    """The same zip with fixed timestamps and attributes, parts in their original order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 3
            dst.writestr(fixed, src.read(info.filename))
    return buf.getvalue()


def write_atomic(target: Path, data: bytes, *, force: bool = False) -> str:
    """Write `data` to `target` through a temporary file and a rename.

    Returns "written", "unchanged" (same bytes already there) or raises OutputError when a
    different file is there and `force` is off.
    """
    if target.exists() or target.is_symlink():
        if not target.is_file() or target.is_symlink():
            raise OutputError("đường dẫn đã có và không phải tệp thường; không ghi", Place(target))
        try:
            same = target.read_bytes() == data
        except OSError as exc:
            raise OutputError(f"không đọc được tệp đã có: {exc.strerror}", Place(target)) from None
        if same:
            return "unchanged"
        if not force:
            raise OutputError("tệp đã có với nội dung khác; không ghi đè", Place(target), "dùng --force để ghi đè")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"không ghi được tệp: {exc.strerror}", Place(target)) from None
    return "written"


def clean_stale_temporaries(out: Path) -> None:
    """Remove temporary files an interrupted run left behind (they never carry a .docx name)."""
    for stale in out.glob(".*.tmp"):
        stale.unlink(missing_ok=True)
