"""PDF conversion with LibreOffice: parallel converters with their own profiles, started ahead of the batch."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import functools
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator.errors import ConversionError, KeptFileError
from generator.i18n import N_, _
from generator.word.writer import Manifest, finalize, sync_dir, sync_files

INSTALL_HINT = N_("cài LibreOffice: apt-get install libreoffice-writer-nogui (Debian/Ubuntu)")
RESTART = 81  # soffice.bin's exit code after it made a new profile: start it again


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


@functools.lru_cache(maxsize=1)
def _prctl() -> object | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name, use_errno=True).prctl if name else None
    except (OSError, AttributeError):
        return None


def _die_with_parent() -> None:
    """In a LibreOffice child, before exec: die when vbgen dies (Linux PR_SET_PDEATHSIG)."""
    prctl = _prctl()
    if prctl is not None:
        prctl(1, signal.SIGKILL, 0, 0, 0)  # type: ignore[operator]


def _binary(exe: str) -> str | None:
    """soffice.bin beside the `soffice` script: run directly, it stays vbgen's own child (the
    script's launcher would put another process between, which outlives a killed build)."""
    program = Path(os.path.realpath(exe)).parent / "soffice.bin"
    return str(program) if program.is_file() and os.access(program, os.X_OK) else None


def _listening(pid: int) -> bool:
    """Whether LibreOffice process `pid` has opened the pipe through which a second soffice call
    hands it files (Linux: its sockets against /proc/net/unix); True where that cannot be told."""
    try:
        inodes = set()
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:["):
                    inodes.add(link[8:-1])
        with open("/proc/net/unix") as fh:
            return any(
                len(cols) >= 8 and cols[6] in inodes and "SingleOfficeIPC" in cols[7]
                for cols in (line.split() for line in fh)
            )
    except OSError:
        return not os.path.isdir("/proc")


def _profile_slots() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "vbgen"
    return base


class _Profile:
    """A LibreOffice profile kept between batches (warm: made once, not at every start), locked
    while in use; a private temporary one when every kept profile is busy or none can be made."""

    def __init__(self, slot: int) -> None:
        self.fd: int | None = None
        self.temporary = False
        try:
            folder = _profile_slots() / f"lo-profile-{slot}"
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(folder / ".vbgen-lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise
            self.fd, self.path = fd, folder
        except OSError:
            self.path = Path(tempfile.mkdtemp(prefix="vbgen-lo-"))
            self.temporary = True

    def url(self) -> str:
        return self.path.as_uri()

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        if self.temporary:
            shutil.rmtree(self.path, ignore_errors=True)


class Converters:
    """`workers` LibreOffice processes, each with its own profile, started as soon as a batch
    begins (their start-up then overlaps the rendering of the documents). convert() hands each
    its share of the files in one request (a second soffice call with the same profile passes
    its files to the running one), after which it exits. Each dies with vbgen."""

    def __init__(self, workers: int = 1, *, start: bool = True) -> None:
        _prctl()  # resolved here: the child, between fork and exec, only calls it
        self.exe = soffice()
        self.bin = _binary(self.exe)
        self.profiles = [_Profile(k) for k in range(max(1, workers))]
        # Not started ahead (start=False): each share's call then starts its own process.
        self.procs: list[subprocess.Popen | None] = [self._start(p) if start else None for p in self.profiles]
        self.handed: set[int] = set()  # the converters given files (they then end by themselves)

    def _command(self, profile: _Profile) -> list[str]:
        program = self.bin or self.exe
        return [program, f"-env:UserInstallation={profile.url()}", "--headless", "--norestore", "--nologo",
                "--nodefault", "--nolockcheck"]  # fmt: skip

    def _env(self, profile: _Profile) -> dict[str, str]:
        return {**os.environ, "HOME": str(profile.path)}

    def _start(self, profile: _Profile) -> subprocess.Popen | None:
        if self.bin is None:
            return None  # no soffice.bin to run directly: each share starts its own process
        return subprocess.Popen(
            self._command(profile), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
            env=self._env(profile), preexec_fn=_die_with_parent,
        )  # fmt: skip

    def convert(self, files: Sequence[Path], out_dir: Path, *, timeout_per_document: float = 30.0) -> None:
        """Convert `files` to PDF into `out_dir` (a private folder): one share per converter."""
        shares = [list(files[k :: len(self.profiles)]) for k in range(len(self.profiles))]
        for k, proc in enumerate(self.procs):  # a new profile makes the first start end at once
            if proc is not None and proc.poll() == RESTART:
                self.procs[k] = self._start(self.profiles[k])
        # Hand the files over only once each converter listens (else the call would start its own).
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(
            p is not None and p.poll() is None and not _listening(p.pid) for p in self.procs
        ):
            time.sleep(0.05)

        def run(k: int) -> None:
            if not shares[k]:
                return
            cmd = [*self._command(self.profiles[k]), "--convert-to", "pdf", "--outdir", str(out_dir),
                   *map(str, shares[k])]  # fmt: skip
            for _attempt in range(2):  # soffice.bin ends at once after making a new profile: run it again
                try:  # what was converted is kept; the rest is retried
                    done = subprocess.run(cmd, check=False, capture_output=True, env=self._env(self.profiles[k]),
                                          timeout=60 + timeout_per_document * len(shares[k]),
                                          preexec_fn=_die_with_parent)  # fmt: skip
                except subprocess.TimeoutExpired:
                    return
                if done.returncode != RESTART:
                    return

        self.handed = {k for k, share in enumerate(shares) if share}
        with ThreadPoolExecutor(max_workers=len(shares)) as pool:
            list(pool.map(run, range(len(shares))))

    def close(self) -> None:
        """Stop whatever converter is still running (one given no files) and release the profiles."""
        for k, proc in enumerate(self.procs):
            if proc is None:
                continue
            try:
                proc.wait(timeout=5 if k in self.handed else 0)  # after its request a converter ends by itself
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs = []
        for profile in self.profiles:
            profile.close()

    def __enter__(self) -> Converters:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _run_soffice(exe: str, files: Sequence[Path], out_dir: Path, timeout: float) -> None:
    """One headless LibreOffice process converting `files`, with a private profile (the retry)."""
    _prctl()
    with tempfile.TemporaryDirectory(prefix="vbgen-lo-") as profile:
        cmd = [
            exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore", "--nolockcheck",
            "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, files),
        ]  # fmt: skip
        env = {**os.environ, "HOME": profile}
        with contextlib.suppress(subprocess.TimeoutExpired):
            subprocess.run(cmd, check=False, capture_output=True, timeout=timeout, env=env,
                           preexec_fn=_die_with_parent)  # fmt: skip


def _missing(files: Sequence[Path], out_dir: Path) -> list[Path]:
    return [f for f in files if not (p := out_dir / (f.stem + ".pdf")).is_file() or page_count(p) < 1]


def convert(
    docx_files: Sequence[Path],
    out_dir: Path,
    *,
    workers: int = 1,
    timeout_per_document: float = 30.0,
    converters: Converters | None = None,
    force: bool = True,
    manifest: Manifest | None = None,
    kept: list[Path] | None = None,
) -> list[Path]:
    """Convert `docx_files` to PDF in `out_dir`: `workers` converters (or `converters`, started
    earlier), each given a share of the files; files still missing are retried once, one by one,
    in fresh processes. LibreOffice writes into a private temporary folder in `out_dir`; each
    PDF is then put in place like every output of vbgen (finalize: a link or a folder at its
    name is never replaced; with `manifest`, a PDF changed by hand is kept unless `force`, and
    added to `kept`).

    Every PDF must exist and have a page, else ConversionError names the files.
    """
    if not docx_files:
        return []
    own = converters is None
    exe = soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    files = list(docx_files)
    staging = Path(tempfile.mkdtemp(prefix=f".vbgen-{os.getpid()}-", suffix=".tmp", dir=out_dir))
    try:
        conv = converters or Converters(workers, start=False)
        try:
            conv.convert(files, staging, timeout_per_document=timeout_per_document)
        finally:
            if own:
                conv.close()
        missing = _missing(files, staging)
        if missing:
            with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
                list(pool.map(lambda f: _run_soffice(exe, [f], staging, 60 + timeout_per_document), missing))
            missing = _missing(missing, staging)
        if missing:
            names = ", ".join(f.name for f in missing)
            raise ConversionError(_("không tạo được PDF hợp lệ (sau một lần thử lại) cho: {names}", names=names))
        made = [staging / (f.stem + ".pdf") for f in files]
        sync_files(made, staging)
        placed = []
        for pdf in made:
            target = out_dir.resolve() / pdf.name
            try:
                finalize(pdf, target, force=force, manifest=manifest)
                placed.append(target)
            except KeptFileError:
                if kept is not None:
                    kept.append(target)
        sync_dir(out_dir)
        return placed
    finally:
        shutil.rmtree(staging, ignore_errors=True)
