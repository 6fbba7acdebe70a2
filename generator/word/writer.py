"""Writing outputs: safe ASCII names, byte-reproducible .docx, private temporaries renamed into place."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import functools
import hashlib
import io
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from slugify import slugify

try:
    import fcntl
except ImportError:  # not on Windows: builds into one folder are then not kept apart
    fcntl = None  # type: ignore[assignment]

from generator.data.model import Body, Document
from generator.errors import KeptFileError, OutputError, Place
from generator.i18n import _

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip timestamps: the same input gives the same bytes
MAX_SLUG = 60
MANIFEST = ".vbgen-manifest.json"  # in --out: each file vbgen wrote, with its hash
LOCK = ".vbgen.lock"  # in --out: held by the build writing there
# A temporary vbgen makes: `.vbgen-<pid of the build>-<random>.tmp` (mkstemp/mkdtemp); older
# versions made `.<name>.<pid>.tmp`. Only these are ever cleaned up, and only once their build is gone.
TEMP_NAME = re.compile(r"^\.(?:vbgen-(?P<pid>\d+)-[A-Za-z0-9_]+|.+\.(?:docx|pdf|yaml|ics|json)\.(?P<old>\d+))\.tmp$")
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
_NOFOLLOW, _DIRECTORY, _CLOEXEC = (getattr(os, f"O_{f}", 0) for f in ("NOFOLLOW", "DIRECTORY", "CLOEXEC"))


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


def safe_target(out: Path, name: str, resolved: Path | None = None) -> Path:
    """`out/name`, refusing any name that would leave `out` (`resolved`: `out` with its links
    resolved, when the caller has it: a batch resolves it once, not for each document)."""
    if "/" in name or "\\" in name or name.startswith(".") or name in ("", "..") or "\0" in name:
        raise OutputError(_("tên tệp đầu ra không an toàn: {name}", name=repr(name)))
    target = (out / name).resolve()  # a link planted at the name leads elsewhere: refused
    if target.parent != (resolved or out.resolve()):
        raise OutputError(_("tên tệp đầu ra ra ngoài thư mục --out: {name}", name=repr(name)))
    return target


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


def zip_members(
    members: Iterable[tuple[str, bytes | None]], raw: dict[str, tuple[list[tuple[str, Any]], bytes]] | None = None
) -> bytes:
    """A zip of `members` in their order, with fixed timestamps and attributes: the same input
    gives the same bytes. A member whose data is None is taken from `raw` (see compress_members):
    already compressed, it is copied as it is, and the archive's bytes are the same as if it had
    been compressed again."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            if data is not None:
                z.writestr(_zip_info(name), data)
                continue
            # The low-level part: zipfile has no call to add a member compressed elsewhere, so the
            # local header and data go in as bytes and the member's ZipInfo (sizes, CRC, offset)
            # joins the list zipfile writes the central directory from.
            fields, chunk = raw[name]  # type: ignore[index]
            info = zipfile.ZipInfo.__new__(zipfile.ZipInfo)  # a copy (copy.copy is slow on slots)
            for slot, value in fields:
                setattr(info, slot, value)
            info.header_offset = buf.tell()
            buf.write(chunk)
            z.filelist.append(info)
            z.NameToInfo[name] = info
            z.start_dir = buf.tell()
    return buf.getvalue()


def compress_members(members: Iterable[tuple[str, bytes]]) -> dict[str, tuple[list[tuple[str, Any]], bytes]]:
    """Each member compressed once, as zip_members would: its ZipInfo's fields and its local
    header with the compressed data (position-free), for members the same in every document."""
    out = {}
    for name, data in members:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(_zip_info(name), data)
            end = z.start_dir
            info = z.infolist()[0]
            fields = [(slot, getattr(info, slot)) for slot in zipfile.ZipInfo.__slots__ if hasattr(info, slot)]
            out[name] = (fields, buf.getvalue()[:end])
    return out


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- temporaries -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _file_mode() -> int:
    """The mode a plain open() would give a new file (0666 less the umask): mkstemp makes 0600."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_temporary(target: Path, data: bytes, *, owner: int | None = None, sync: bool = True) -> Path:
    """Write `data` to a new temporary file beside `target` and return its path. The name is
    unpredictable and the file is created exclusively (mkstemp: O_CREAT|O_EXCL, so a link planted
    there is never followed); `owner` is the pid of the build it belongs to (the cleanup's check).
    With `sync` its data is flushed to disk here; without, the caller syncs a batch (sync_files).
    It becomes `target` only through finalize()."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".vbgen-{owner or os.getpid()}-", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(_("không ghi được tệp tạm: {reason}", reason=exc.strerror), Place(target)) from None
    tmp = Path(name)
    try:
        os.fchmod(fd, _file_mode())
        with open(fd, "wb", closefd=True) as fh:
            fh.write(data)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(_("không ghi được tệp tạm: {reason}", reason=exc.strerror), Place(target)) from None
    return tmp


@functools.lru_cache(maxsize=1)
def _syncfs() -> object | None:
    """Linux's syncfs(2), or None: one call that puts every dirty file of a filesystem on disk."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        fn = ctypes.CDLL(name, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int]
    return fn


def sync_files(paths: list[Path], folder: Path) -> None:
    """Put the data of `paths` (all in `folder`) on disk before they are renamed into place: a
    power loss after the build returns then finds each file whole. One syncfs(2) of the folder's
    filesystem when there are several files (one journal commit for the batch, instead of one
    per file); else fsync(2) of each file."""
    if not paths:
        return
    fn = _syncfs() if len(paths) > 1 else None
    if fn is not None:
        fd = os.open(folder, os.O_RDONLY | _DIRECTORY)
        try:
            if fn(fd) == 0:  # type: ignore[operator]
                return
        finally:
            os.close(fd)
    for path in paths:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def sync_dir(folder: Path) -> None:
    """Put the folder's entries (the renames) on disk."""
    with contextlib.suppress(OSError):  # some filesystems cannot fsync a folder; nothing more to do there
        fd = os.open(folder, os.O_RDONLY | _DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- putting files in place ------------------------------------------------------------------------


class Manifest:
    """`.vbgen-manifest.json` in an output folder: the hash of each file vbgen wrote there, so a
    rebuild replaces its own earlier output without --force but never a file changed by hand."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str, str] = {}
        self.changed = False
        with contextlib.suppress(OSError, ValueError):  # missing or unreadable: vbgen owns nothing there
            fd = os.open(folder / MANIFEST, os.O_RDONLY | _NOFOLLOW)
            with open(fd, "rb") as fh:
                if stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                    data = json.loads(fh.read(MAX_MANIFEST_BYTES))
                    files = data.get("files", {}) if isinstance(data, dict) else {}
                    self.files = {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, str)}

    def owns(self, name: str, hash_: str) -> bool:
        """Whether vbgen wrote `name` with this content (nobody changed it since)."""
        return self.files.get(name) == hash_

    def record(self, name: str, hash_: str) -> None:
        if self.files.get(name) != hash_:
            self.files[name] = hash_
            self.changed = True

    def save(self) -> None:
        """Write the manifest (through a temporary and a rename, like every output), dropping
        entries whose file is gone."""
        kept = {k: v for k, v in sorted(self.files.items()) if (self.folder / k).is_file()}
        if not self.changed and kept == self.files:
            return
        data = json.dumps({"version": 1, "files": kept}, indent=1, sort_keys=True).encode() + b"\n"
        target = self.folder / MANIFEST
        tmp = write_temporary(target, data)
        _replace(tmp, target)
        self.files, self.changed = kept, False


def _replace(tmp: Path, target: Path) -> None:
    try:
        os.replace(tmp, target)  # a rename never follows a link at `target`: it replaces the link
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(_("không ghi được tệp: {reason}", reason=exc.strerror), Place(target)) from None


def write_atomic(target: Path, data: bytes, *, force: bool = False, manifest: Manifest | None = None) -> str:
    """Write `data` to `target` through a temporary file and a rename (see finalize)."""
    status = finalize(write_temporary(target, data), target, force=force, hash_=digest(data), manifest=manifest)
    sync_dir(target.parent)
    return status


def write_planned(planned: dict[Path, bytes], *, force: bool = False) -> list[Path]:
    """Write several files as one: an existing different file (without `force`) stops them all
    before any is written; then each is written atomically. The files written, in order."""
    for target, content in planned.items():
        if target.exists() and target.read_bytes() != content and not force:
            raise OutputError(
                _("tệp đã có với nội dung khác; không ghi đè"), Place(target), _("dùng --force để ghi đè")
            )
    for target, content in planned.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, content, force=True)
    return list(planned)


def finalize(
    tmp: Path, target: Path, *, force: bool = False, hash_: str | None = None, manifest: Manifest | None = None
) -> str:
    """Put a temporary file in place: "written", or "unchanged" when the same bytes are already
    there (the temporary is dropped). An existing different file is replaced when `force`, or
    when `manifest` says vbgen wrote it and nobody changed it since; else it is kept
    (KeptFileError). Anything there that is not a regular file (a link, a folder, a FIFO) is
    never replaced."""
    try:
        if hash_ is None:
            hash_ = digest(tmp.read_bytes())
        try:
            st = target.lstat()
        except FileNotFoundError:
            st = None
        if st is not None:
            if not stat.S_ISREG(st.st_mode):
                raise OutputError(_("đường dẫn đã có và không phải tệp thường; không ghi"), Place(target))
            fd = os.open(target, os.O_RDONLY | _NOFOLLOW)
            with open(fd, "rb") as fh:
                old = digest(fh.read())
            if old == hash_:
                if manifest is not None:
                    manifest.record(target.name, hash_)
                return "unchanged"
            if not force and not (manifest is not None and manifest.owns(target.name, old)):
                raise KeptFileError(
                    _("tệp đã có với nội dung khác; không ghi đè"), Place(target), _("dùng --force để ghi đè")
                )
        _replace(tmp, target)
        if manifest is not None:
            manifest.record(target.name, hash_)
        return "written"
    except OSError as exc:
        raise OutputError(_("không ghi được tệp: {reason}", reason=exc.strerror), Place(target)) from None
    finally:
        tmp.unlink(missing_ok=True)


# -- the output folder -----------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def clean_stale_temporaries(out: Path) -> list[str]:
    """Remove the temporaries an interrupted vbgen run left in `out`: only names vbgen makes,
    owned by this user, whose build process is gone (another user's file, an editor's swap file
    or a running build's temporaries stay). Returns the names removed."""
    removed: list[str] = []
    try:
        entries = list(os.scandir(out))
    except FileNotFoundError:
        return removed
    for entry in entries:
        m = TEMP_NAME.match(entry.name)
        if m is None:
            continue
        pid = int(m["pid"] or m["old"])
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if st.st_uid != os.getuid() or pid == os.getpid() or _alive(pid):
            continue
        with contextlib.suppress(OSError):
            if stat.S_ISDIR(st.st_mode):
                shutil.rmtree(entry.path)
            elif stat.S_ISREG(st.st_mode):
                os.unlink(entry.path)
            else:
                continue
            removed.append(entry.name)
    return removed


def prepare_out(out: Path) -> bool:
    """Make the output folder (and its parents); returns whether it was made. A folder that cannot
    be made (a read-only parent, a file in the way) is an OutputError with the reason."""
    if out.is_dir():
        return False
    try:
        out.mkdir(parents=True)
    except FileExistsError:
        if not out.is_dir():
            raise OutputError(_("--out đã có và không phải thư mục"), Place(out)) from None
        return False
    except OSError as exc:
        reason = exc.strerror or str(exc)
        hint = _("chọn thư mục --out khác, hoặc cấp quyền ghi cho thư mục cha") if exc.errno in (
            errno.EACCES, errno.EPERM, errno.EROFS) else None  # fmt: skip
        raise OutputError(_("không tạo được thư mục --out: {reason}", reason=reason), Place(out), hint) from None
    return True


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold `out`'s lock (flock on `out/.vbgen.lock`) while a build writes there: a second build
    into the same folder stops at once with a message naming the first one's process."""
    path = out / LOCK
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o644)
    except OSError as exc:
        raise OutputError(_("không mở được tệp khóa: {reason}", reason=exc.strerror), Place(path)) from None
    try:
        busy = False
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:  # a filesystem that cannot lock at all (ENOLCK…): the build goes on without
            busy = exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES)
        if busy:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"  # held by another build
            raise OutputError(
                _(
                    "thư mục {out} đang được một lần dựng khác ghi (tiến trình {pid}); đợi lần đó xong rồi chạy lại",
                    out=out,
                    pid=holder,
                )
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays (removing it would race with the next build)
