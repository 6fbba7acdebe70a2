"""Reading a zip package (.docx, .xlsx) safely: a regular file within the limits, and no zip bomb."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from generator.errors import DataError, Place, VbgenError
from generator.i18n import _
from generator.limits import current, over_limit, read_regular

CHUNK = 1 << 16
BOMB_FLOOR = 16 * 1024 * 1024  # the ratio is judged only above this: small parts compress very well


def read_package(path: Path, limit: str, place: Place | None = None, error: type[VbgenError] = DataError) -> bytes:
    """The bytes of the package at `path`, after checking, before any parser sees it: a regular
    file no larger than the limit `limit`; a readable zip; at most `zip_members` members; their
    declared sizes and the bytes they really inflate to (each member is streamed, never held)
    within `zip_bytes`, and within `zip_ratio` of the file's size. Problems raise `error`."""
    where = place or Place(path)
    data = read_regular(path, limit, where, error)
    check_package_bytes(data, where, error)
    return data


def check_package_bytes(data: bytes, where: Place | None, error: type[VbgenError] = DataError) -> None:
    """The zip checks of read_package, on bytes already read."""
    limits = current()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            if len(infos) > limits.zip_members:
                raise error(over_limit(_("số phần trong tệp nén"), len(infos), "zip_members"), where)
            declared = sum(i.file_size for i in infos)
            _check_total(declared, len(data), where, error)
            seen = 0
            for info in infos:
                if info.is_dir():
                    continue
                # Streamed: the declared size may lie; what the member really inflates to is counted.
                with z.open(info) as fh:
                    while chunk := fh.read(CHUNK):
                        seen += len(chunk)
                        if seen > limits.zip_bytes:
                            raise error(over_limit(_("kích thước giải nén"), seen, "zip_bytes"), where)
            _check_total(seen, len(data), where, error)
    except VbgenError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
    ) as exc:
        raise error(
            _("tệp không phải gói .docx/.xlsx đọc được (zip hỏng hay bị cắt): {reason}", reason=exc), where
        ) from None


def _check_total(total: int, packed: int, where: Place | None, error: type[VbgenError]) -> None:
    limits = current()
    if total > limits.zip_bytes:
        raise error(over_limit(_("kích thước giải nén"), total, "zip_bytes"), where)
    if total > BOMB_FLOOR and total > limits.zip_ratio * max(packed, 1):
        raise error(over_limit(_("tỉ lệ nén (giải nén / nén)"), total // max(packed, 1), "zip_ratio"), where)
