"""Issues 14 and 15: safe writes (private temporaries, links, cleanup, lock, workers, folders) and rebuilds."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build
from generator.cli import main
from generator.errors import OutputError
from generator.word.writer import (
    LOCK,
    MANIFEST,
    clean_stale_temporaries,
    compress_members,
    locked,
    write_atomic,
    write_temporary,
    zip_members,
)

from .helpers import DATA, FIXTURES, REPO, lines

NAME = re.compile(r"^\.vbgen-(\d+)-[A-Za-z0-9_]+\.tmp$")


def ubnd(tmp_path: Path) -> Path:
    """The one-document data set (UBND tỉnh's plan), copied so a test can edit it."""
    folder = tmp_path / "ubnd"
    shutil.copytree(FIXTURES / "ubnd-tinh", folder)
    return folder


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# -- temporaries -----------------------------------------------------------------------------------


def test_temporaries_have_unpredictable_names_and_plain_modes(tmp_path: Path) -> None:
    target = tmp_path / "a.docx"
    first, second = write_temporary(target, b"one"), write_temporary(target, b"two")
    assert first != second and first.parent == second.parent == tmp_path
    assert NAME.match(first.name) and int(NAME.match(first.name)[1]) == os.getpid()
    assert first.read_bytes() == b"one" and oct(first.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    assert write_atomic(target, b"three") == "written" and target.read_bytes() == b"three"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.name, second.name, "a.docx"])


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_links_planted_in_out_cannot_make_vbgen_write_outside(tmp_path: Path) -> None:
    data, out = ubnd(tmp_path), tmp_path / "out"
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    first = build([data], out)
    [path] = first.written
    name = path.name
    path.unlink()
    (out / name).symlink_to(victim)  # a link at the target
    for pid in (os.getpid(), *range(1, 50)):  # and at every name the old, predictable scheme used
        (out / f".{name}.{pid}.tmp").symlink_to(victim)
    again = build([data], out, force=True)
    assert victim.read_text() == "precious"
    assert (out / name).is_symlink() and again.exit_code == 1
    assert isinstance(again.failed[0].error, OutputError)  # a link leading out of --out is refused
    assert not [p for p in out.iterdir() if NAME.match(p.name)]  # no temporary left either


def test_a_link_as_the_manifest_or_the_lock_is_not_followed(tmp_path: Path) -> None:
    data, out = ubnd(tmp_path), tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.json"
    victim.write_text("{}")
    (out / MANIFEST).symlink_to(victim)
    build([data], out)
    assert victim.read_text() == "{}" and not (out / MANIFEST).is_symlink()  # replaced, not written through
    (out / LOCK).unlink()
    (out / LOCK).symlink_to(victim)
    with pytest.raises(OutputError, match="tệp khóa"):
        build([data], out)
    assert victim.read_text() == "{}"


def test_cleanup_removes_only_vbgen_temporaries_of_finished_builds(tmp_path: Path) -> None:
    gone = dead_pid()
    stale = [f".vbgen-{gone}-abc123.tmp", f".plan.docx.{gone}.tmp"]
    kept = [".x.tmp", ".notes.md.swp", f".vbgen-{os.getpid()}-live.tmp", ".vbgen-1-init.tmp", "vbgen-9-x.tmp"]
    for name in stale + kept:
        (tmp_path / name).write_text("x")
    (tmp_path / f".vbgen-{gone}-dir.tmp").mkdir()  # a PDF staging folder of a killed build
    removed = clean_stale_temporaries(tmp_path)
    assert sorted(removed) == sorted([*stale, f".vbgen-{gone}-dir.tmp"])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)


def test_an_editors_swap_file_survives_a_build(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / ".x.tmp").write_text("unsaved edits")
    build([ubnd(tmp_path)], out)
    assert (out / ".x.tmp").read_text() == "unsaved edits"


def test_zip_with_raw_members_is_byte_identical() -> None:
    members = [("[Content_Types].xml", b"<a/>" * 50), ("word/document.xml", "đ".encode() * 999), ("x/y", b"")]
    raw = compress_members(m for m in members if m[0] != "word/document.xml")
    mixed = [(n, d if n == "word/document.xml" else None) for n, d in members]
    assert zip_members(mixed, raw) == zip_members(members)
    with zipfile.ZipFile(__import__("io").BytesIO(zip_members(mixed, raw))) as z:
        assert z.testzip() is None and z.read("word/document.xml") == members[1][1]


# -- the output folder -----------------------------------------------------------------------------


def test_a_second_build_into_a_locked_out_stops_with_a_message(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with locked(out):  # as a first build would hold it
        result = run("build", str(ubnd(tmp_path)), "--out", str(out))
    assert result.exit_code == 2
    assert f"thư mục {out} đang được một lần dựng khác ghi (tiến trình {os.getpid()})" in result.output
    assert not list(out.glob("*.docx"))
    assert run("build", str(ubnd(tmp_path / "again")), "--out", str(out)).exit_code == 0  # released


def test_read_only_parent_of_out_is_a_clear_error(tmp_path: Path) -> None:
    parent = tmp_path / "ro"
    parent.mkdir()
    if os.geteuid() == 0:  # root ignores modes: make the folder immutable instead
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(parent)]).returncode != 0:
            pytest.skip("running as root on a filesystem without chattr +i")
    else:
        parent.chmod(0o555)
    try:
        result = run("build", str(ubnd(tmp_path)), "--out", str(parent / "out"))
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(parent)], check=True)
        else:
            parent.chmod(0o755)
    assert result.exit_code == 2, result.output
    assert f"lỗi: {parent / 'out'}: không tạo được thư mục --out: " in result.output
    assert "cấp quyền ghi cho thư mục cha" in result.output and "lỗi nội bộ" not in result.output


def test_killed_build_leaves_no_worker_behind(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO))
    from benchmarks.province import make_province

    data = make_province(tmp_path / "province", 30)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "generator", "build", str(data), "--out", str(out), "--jobs", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.time() + 60
    while time.time() < deadline and not (len(workers) >= 2 and out.is_dir() and list(out.glob(".vbgen-*.tmp"))):
        workers = _children(proc.pid)
        time.sleep(0.02)
    assert len(workers) >= 2, "the build ended before its workers could be seen"
    os.kill(proc.pid, signal.SIGKILL)  # the parent only: its workers must follow it
    proc.wait()
    deadline = time.time() + 10
    while time.time() < deadline and any(_running(p) for p in workers):
        time.sleep(0.05)
    assert not [p for p in workers if _running(p)]
    rerun = subprocess.run(cmd, capture_output=True, text=True)  # and the next build cleans up after it
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert not list(out.glob(".vbgen-*.tmp")) and len(list(out.glob("*.docx"))) == 270


def _children(pid: int) -> set[int]:
    found = set()
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                found.update(int(c) for c in fh.read().split())
    except OSError:
        pass
    return found


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


# -- rebuilds (issue 15) ---------------------------------------------------------------------------


def test_rebuild_replaces_its_own_output_and_keeps_a_hand_edit(tmp_path: Path) -> None:
    data, out = ubnd(tmp_path), tmp_path / "out"
    first = run("build", str(data), "--out", str(out))
    [printed] = [line for line in first.stdout.splitlines() if line.endswith(".docx")]
    path = Path(printed)
    manifest = json.loads((out / MANIFEST).read_text())
    assert list(manifest["files"]) == [path.name] and len(manifest["files"][path.name]) == 64

    # Same data: nothing is written, nothing is printed as written.
    same = run("build", str(data), "--out", str(out))
    assert same.exit_code == 0 and not [ln for ln in same.stdout.splitlines() if ln.endswith(".docx")]
    assert "0 văn bản đã ghi, 1 không đổi, 0 lỗi." in same.output

    # The data changed: vbgen's own earlier output is replaced without --force.
    plan = data / "ke-hoach.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("Tổng hợp kết quả, báo cáo.", "Tổng hợp, báo cáo.", 1), "utf-8"
    )
    changed = run("build", str(data), "--out", str(out))
    assert changed.exit_code == 0, changed.output
    assert "1 văn bản đã ghi, 0 không đổi, 0 lỗi." in changed.output and str(path) in changed.stdout
    assert "b) Tổng hợp, báo cáo./." in lines(path)

    # Changed by hand: kept, said so, exit 1; --force replaces it.
    path.write_bytes(b"edited by hand")
    refused = run("build", str(data), "--out", str(out))
    assert refused.exit_code == 1
    assert f"giữ nguyên: {path}: tệp đã có với nội dung khác; không ghi đè (dùng --force để ghi đè)" in refused.output
    assert "0 văn bản đã ghi, 0 không đổi, 1 giữ nguyên (đã sửa tay), 0 lỗi." in refused.output
    assert path.read_bytes() == b"edited by hand"
    forced = run("build", str(data), "--out", str(out), "--force")
    assert forced.exit_code == 0 and path.read_bytes().startswith(b"PK")
    assert json.loads((out / MANIFEST).read_text())["files"][path.name] != manifest["files"][path.name]


def test_a_file_vbgen_did_not_write_is_never_replaced_without_force(tmp_path: Path) -> None:
    data, out = ubnd(tmp_path), tmp_path / "out"
    [path] = build([data], out).written
    (out / MANIFEST).unlink()  # no record: vbgen cannot tell it wrote this file
    path.write_bytes(b"someone else's")
    result = build([data], out)
    assert [o.status for o in result.outcomes] == ["kept"] and path.read_bytes() == b"someone else's"


def test_sharded_build_gives_the_same_files_warnings_and_errors(tmp_path: Path) -> None:
    one, two = build([DATA], tmp_path / "one"), build([DATA], tmp_path / "two", jobs=2)
    assert [o.name for o in one.outcomes] == [o.name for o in two.outcomes]
    assert one.warnings == two.warnings
    for a, b in zip(one.written, two.written, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    # A data error in the middle of the batch: the same message, nothing written, either way.
    broken = tmp_path / "data"
    shutil.copytree(DATA, broken)
    sub = next(broken.rglob("ke-hoach-dan-van.yaml"))
    sub.write_text(sub.read_text(encoding="utf-8").replace("drafted_by: vp", "drafted_by: khong-co", 1), "utf-8")
    errors = []
    for jobs in (1, 2):
        with pytest.raises(Exception) as info:
            build([broken], tmp_path / f"bad{jobs}", jobs=jobs)
        errors.append((type(info.value), str(info.value)))
        assert not (tmp_path / f"bad{jobs}").exists()
    assert errors[0] == errors[1] and "khong-co" in errors[0][1]


def test_deadlines_ics_does_not_follow_a_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    ics = tmp_path / "han.ics"
    ics.symlink_to(victim)
    result = run("deadlines", str(DATA), "--ics", str(ics))
    assert result.exit_code == 2 and "không phải tệp thường" in result.output
    assert victim.read_text() == "precious" and ics.is_symlink()
    ok = run("deadlines", str(DATA), "--ics", str(tmp_path / "real.ics"))
    assert ok.exit_code == 0 and (tmp_path / "real.ics").read_text().startswith("BEGIN:VCALENDAR")
    assert not [p for p in tmp_path.iterdir() if NAME.match(p.name)]


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed (.ci/run installs it)")
def test_killed_pdf_build_leaves_no_converter_behind(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO))
    from benchmarks.province import make_province

    data = make_province(tmp_path / "province", 10)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "generator", "build", str(data), "--out", str(out), "--jobs", "2", "--pdf"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    converters: set[int] = set()
    deadline = time.time() + 60
    while time.time() < deadline and len(converters) < 2 and proc.poll() is None:
        converters = {p for p in _children(proc.pid) if _comm(p).startswith("soffice")}
        time.sleep(0.02)
    assert len(converters) >= 2, "the build ended before its converters could be seen"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 10
    while time.time() < deadline and any(_running(p) for p in converters):
        time.sleep(0.05)
    assert not [p for p in converters if _running(p)]


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as fh:
            return fh.read().strip()
    except OSError:
        return ""
