"""Writing outputs: safe ASCII names, byte-reproducible .docx, atomic replace, no silent overwrite."""

from __future__ import annotations

import functools
import io
import os
import zipfile
from pathlib import Path

from slugify import slugify

from generator.data.model import Body, Document
from generator.errors import OutputError, Place
from generator.i18n import _

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip timestamps: the same input gives the same bytes
MAX_SLUG = 60


@functools.lru_cache(maxsize=4096)
def _slug(text: str, lowercase: bool = True, max_length: int = 0) -> str:
    """python-slugify, remembered: a batch repeats the same kinds, codes and titles."""
    return slugify(text, lowercase=lowercase, max_length=max_length, word_boundary=bool(max_length))


def output_name(doc: Document, issuer: Body, title: str, kind: str = "") -> str:
    """`2024-22-KH-SGTVT-dan-van-chinh-quyen.docx`; unnumbered: `2024-KH-SGTVT-<slug>.docx`."""
    parts = [str(doc.plan_year)]
    if doc.number is not None:
        parts.append(f"{doc.number:02d}")
    parts.append(_slug(doc.type, lowercase=False))
    parts.append(_slug(issuer.code or "", lowercase=False) or "vb")
    if kind:
        parts.append(_slug(kind))
    slug = _slug(doc.short_name or title, max_length=MAX_SLUG)
    if slug:
        parts.append(slug)
    return "-".join(p for p in parts if p) + ".docx"


def safe_target(out: Path, name: str) -> Path:
    """`out/name`, refusing any name that would leave `out`."""
    if "/" in name or "\\" in name or name.startswith(".") or name in ("", "..") or "\0" in name:
        raise OutputError(_("tên tệp đầu ra không an toàn: {name}", name=repr(name)))
    target = (out / name).resolve()
    if target.parent != out.resolve():
        raise OutputError(_("tên tệp đầu ra ra ngoài thư mục --out: {name}", name=repr(name)))
    return target


def zip_members(members: list[tuple[str, bytes]]) -> bytes:
    """A zip of `members` in their order, with fixed timestamps and attributes: the same input
    gives the same bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            z.writestr(info, data)
    return buf.getvalue()


def write_atomic(target: Path, data: bytes, *, force: bool = False) -> str:
    """Write `data` to `target` through a temporary file and a rename (see finalize)."""
    return finalize(write_temporary(target, data), target, force=force)


def write_temporary(target: Path, data: bytes) -> Path:
    """Write `data` to a hidden temporary file beside `target` (flushed to disk); returns its path.
    It becomes `target` only through finalize()."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(_("không ghi được tệp tạm: {reason}", reason=exc.strerror), Place(target)) from None
    return tmp


def finalize(tmp: Path, target: Path, *, force: bool = False) -> str:
    """Put a temporary file in place: "written", or "unchanged" when the same bytes are already
    there; an existing different file is kept (OutputError) unless `force`."""
    try:
        if target.exists() or target.is_symlink():
            if not target.is_file() or target.is_symlink():
                raise OutputError(_("đường dẫn đã có và không phải tệp thường; không ghi"), Place(target))
            if target.read_bytes() == tmp.read_bytes():
                return "unchanged"
            if not force:
                raise OutputError(
                    _("tệp đã có với nội dung khác; không ghi đè"), Place(target), _("dùng --force để ghi đè")
                )
        os.replace(tmp, target)
        return "written"
    except OSError as exc:
        raise OutputError(_("không ghi được tệp: {reason}", reason=exc.strerror), Place(target)) from None
    finally:
        tmp.unlink(missing_ok=True)


def clean_stale_temporaries(out: Path) -> None:
    """Remove temporary files an interrupted run left behind (they never carry a .docx name)."""
    for stale in out.glob(".*.tmp"):
        stale.unlink(missing_ok=True)
