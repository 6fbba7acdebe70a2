"""Opening an input .docx safely: the one place a Word file is read from disk for import."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument

from generator.errors import InputError, Place
from generator.i18n import _

# The same bounds as a reader of untrusted packages should have; to be replaced by the central
# limits module when it lands (this function is the only caller).
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # a CFB file: an encrypted .docx, or an old binary .doc


def open_docx(path: Path) -> DocxDocument:
    """The document at `path`, or InputError naming the file and what is wrong with it."""
    place = Place(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(_("tệp quá lớn ({size} byte, tối đa {limit})", size=size, limit=MAX_FILE_BYTES), place)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(_("không đọc được tệp: {what}", what=exc.strerror or exc), place) from None
    if data.startswith(OLE_MAGIC):
        raise InputError(
            _("tệp được mã hóa (đặt mật khẩu) hoặc là .doc cũ, không phải .docx; lưu lại thành .docx không mật khẩu"),
            place,
        )
    if not data.startswith(b"PK"):
        raise InputError(_("không phải tệp .docx (không phải gói zip của Word)"), place)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            unpacked = sum(i.file_size for i in z.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise InputError(_("tệp giải nén quá lớn ({size} byte)", size=unpacked), place)
            if "word/document.xml" not in names:
                raise InputError(_("gói zip không có word/document.xml: không phải tệp .docx"), place)
            bad = z.testzip()
            if bad is not None:
                raise InputError(_("tệp .docx bị hỏng (phần {part})", part=bad), place)
    except zipfile.BadZipFile as exc:
        raise InputError(_("tệp .docx bị cắt cụt hoặc hỏng: {what}", what=exc), place) from None
    try:
        return Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise InputError(_("không mở được tệp .docx: {what}", what=exc), place) from None
