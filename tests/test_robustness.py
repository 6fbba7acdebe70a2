"""Issue 7: hostile input, consistency across data, interrupted runs, size."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import unicodedata
import weakref
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from generator import build as build_module
from generator.build import build
from generator.cli import main
from generator.errors import DataError, OutputError, TemplateError
from generator.word.writer import safe_target

from .helpers import DATA, FIXTURES, REPO, iter_paragraphs, lines

PLAN = Path("so-gtvt-tay-ninh/2024/ke-hoach-dan-van.yaml")


def edit(data: Path, old: str, new: str, file: Path = PLAN) -> None:
    path = data / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def ubnd_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "ubnd"
    folder.mkdir()
    for f in (FIXTURES / "ubnd-tinh").iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    return folder


# -- text safety -----------------------------------------------------------------------------------


def test_title_with_markup_characters_is_exact(tmp_path: Path) -> None:
    data = ubnd_copy(tmp_path)
    edit(data, "  title: Thực hiện công tác dân vận chính quyền năm {{ year }} trên địa bàn tỉnh",
         "  title: \"Công ty A & B <thử> “trích dẫn”\"", Path("ke-hoach.yaml"))  # fmt: skip
    [path] = build([data], tmp_path / "out").written
    assert "Công ty A & B <thử> “trích dẫn”" in lines(path)
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
    assert Document(str(path)).core_properties.title == "Công ty A & B <thử> “trích dẫn”"


def test_control_characters_removed_with_a_warning_and_nfc(tmp_path: Path) -> None:
    data = ubnd_copy(tmp_path)
    decomposed = unicodedata.normalize("NFD", "Nâng cao nhận thức")
    edit(data, "        - Nâng cao nhận thức về công tác dân vận chính quyền năm {{ year }}.",
         f"        - \"{decomposed}\\x07 về công tác\\x1b dân vận\"", Path("ke-hoach.yaml"))  # fmt: skip
    result = build([data], tmp_path / "out")
    assert any("U+0007" in w and "U+001B" in w and "ke-hoach.yaml:" in w for w in result.warnings), result.warnings
    got = lines(result.written[0])
    assert "Nâng cao nhận thức về công tác dân vận" in got  # NFC, control characters gone
    assert all(unicodedata.is_normalized("NFC", line) for line in got)


def test_newline_in_a_value_is_a_new_paragraph(tmp_path: Path) -> None:
    data = ubnd_copy(tmp_path)
    edit(data, "        - Nâng cao nhận thức về công tác dân vận chính quyền năm {{ year }}.",
         "        - |-\n          Đoạn thứ nhất.\n          Đoạn thứ hai.", Path("ke-hoach.yaml"))  # fmt: skip
    doc = Document(str(build([data], tmp_path / "out").written[0]))
    texts = [p.text for p in iter_paragraphs(doc)]
    assert "Đoạn thứ nhất." in texts and "Đoạn thứ hai." in texts
    assert not any("<w:br/>" in p._p.xml for p in iter_paragraphs(doc) if "Đoạn" in p.text)


# -- sandbox ---------------------------------------------------------------------------------------


def test_data_text_cannot_reach_python_internals(data_copy: Path, tmp_path: Path) -> None:
    edit(data_copy, "quyền năm {{ year }}\n", "quyền năm {{ ''.__class__.__mro__ }}\n")
    with pytest.raises(TemplateError, match="không được phép trong sandbox") as info:
        build([data_copy], tmp_path / "out")
    assert "plan.title" in str(info.value)
    assert not (tmp_path / "out").exists()


def test_template_cannot_reach_python_internals(tmp_path: Path) -> None:
    from generator.word.render import template_dir

    folder = tmp_path / "tpl"
    folder.mkdir()
    for f in template_dir().glob("*.docx"):
        doc = Document(str(f))
        for p in doc.paragraphs:
            for r in p.runs:
                if r.text == "{{ type_name }}":
                    r.text = "{{ ''.__class__.__mro__ }}"
        doc.save(str(folder / f.name))
    result = CliRunner().invoke(main, ["build", str(DATA), "--out", str(tmp_path / "out"), "--templates", str(folder)])
    assert result.exit_code == 1 and "không được phép trong sandbox" in result.output


# -- files -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../x.docx", "a/../../x.docx", "/etc/passwd", ".hidden.docx", "..", "a\\b.docx"])
def test_output_names_cannot_leave_out(name: str, tmp_path: Path) -> None:
    with pytest.raises(OutputError):
        safe_target(tmp_path, name)


def test_hostile_title_gives_a_safe_name(tmp_path: Path) -> None:
    data = ubnd_copy(tmp_path)
    edit(data, "  title: Thực hiện công tác dân vận chính quyền năm {{ year }} trên địa bàn tỉnh",
         "  title: ../../../etc/passwd\n  short_name: ../../x", Path("ke-hoach.yaml"))  # fmt: skip
    [path] = build([data], tmp_path / "out").written
    assert path.parent == (tmp_path / "out").resolve() and path.name.isascii() and "/" not in path.name


def test_kill_mid_batch_leaves_no_partial_file_and_rerun_completes(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO))
    from benchmarks.province import make_province

    data = make_province(tmp_path / "province", 40)  # 360 documents
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "generator", "build", str(data), "--out", str(out), "--jobs", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and not (out.exists() and len(list(out.glob(".*.tmp"))) >= 20):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the build and its workers, mid-run
    proc.wait()
    assert list(out.glob(".*.tmp")), "the kill came too late to test anything"
    for f in out.glob("*.docx"):  # anything under a final name is complete
        with zipfile.ZipFile(f) as z:
            assert z.testzip() is None
    rerun = subprocess.run(cmd, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert len(list(out.glob("*.docx"))) == 360 and not list(out.glob(".*.tmp"))
    for f in list(out.glob("*.docx"))[:20]:
        Document(str(f))


# -- consistency across data -----------------------------------------------------------------------


def test_duplicate_number(data_copy: Path) -> None:
    (data_copy / PLAN.parent / "phong-chong-tham-nhung.yaml").write_text(
        "subplan:\n  plan: so-gtvt-tay-ninh/2024/ke-hoach-dan-van\n  kind: phong-chong-tham-nhung\n  number: 22\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=r"số 22/KH năm 2024 đã dùng cho 'so-gtvt-tay-ninh/2024/ke-hoach-dan-van'"):
        build([data_copy], data_copy.parent / "out")


def test_date_outside_the_year(data_copy: Path) -> None:
    edit(data_copy, "  date: 2024-04-03\n", "  date: 2024-04-03\n  year: 2026\n")
    with pytest.raises(DataError, match="nằm ngoài năm 2026") as info:
        build([data_copy], data_copy.parent / "out")
    assert "plan.date" in str(info.value)


def test_plan_dated_in_december_before_its_year_is_fine(tmp_path: Path) -> None:
    data = ubnd_copy(tmp_path)
    edit(data, "  date: 2024-01-09\n", "  date: 2023-12-20\n  year: 2024\n", Path("ke-hoach.yaml"))
    assert build([data], tmp_path / "out").exit_code == 0


def test_deadline_before_the_document(data_copy: Path) -> None:
    edit(data_copy, "      date: 2024-11-01\n", "      date: 2024-03-01\n")
    with pytest.raises(DataError, match="trước ngày của văn bản") as info:
        build([data_copy], data_copy.parent / "out")
    assert "plan.deadlines.0.date" in str(info.value)


def test_results_for_a_missing_plan(data_copy: Path) -> None:
    old, new = "  plan: so-gtvt-tay-ninh/2024/ke-hoach-dan-van\n", "  plan: so-gtvt-tay-ninh/2024/ke-hoach-dan-vn\n"
    edit(data_copy, old, new, PLAN.parent / "ket-qua-dan-van.yaml")
    with pytest.raises(DataError, match="có phải 'so-gtvt-tay-ninh/2024/ke-hoach-dan-van'"):
        build([data_copy], data_copy.parent / "out")


def test_cycle_in_parents(data_copy: Path) -> None:
    old = "    collective: Ủy ban nhân dân\n    head_title: Chủ tịch"
    edit(data_copy, old, "    parent: so-gtvt-tay-ninh\n" + old, Path("directory.yaml"))
    with pytest.raises(DataError, match="tạo vòng"):
        build([data_copy], data_copy.parent / "out")


# -- size ------------------------------------------------------------------------------------------


def test_large_plan_renders(tmp_path: Path) -> None:
    data = ubnd_copy(tmp_path)
    items = "\n".join(f"        - Nhiệm vụ số {i} của năm {{{{ year }}}}." for i in range(1, 2001))
    extra = "\n".join(f"      - Đơn vị nhận số {i}" for i in range(1, 301))
    last = "    - title: Tổ chức thực hiện"
    edit(data, last, f"    - title: Nội dung\n      items:\n{items}\n{last}", Path("ke-hoach.yaml"))
    edit(data, "    implement: [all-units]", f"    implement: [all-units]\n    extra:\n{extra}", Path("ke-hoach.yaml"))
    [path] = build([data], tmp_path / "out").written
    got = lines(path)
    assert "2000. Nhiệm vụ số 2000 của năm 2024." in got
    assert "- Đơn vị nhận số 300;" in got and got[got.index("- Đơn vị nhận số 300;") + 1] == "- Lưu: VT, VP."


def test_contexts_are_streamed_not_held(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """However many documents, only a few contexts are alive at once (memory stays flat)."""
    alive: list[weakref.ref] = []
    most = 0
    real_context, real_render = build_module.build_context, build_module.render_to_temporary

    def counting_context(*args, **kwargs):
        ctx = real_context(*args, **kwargs)
        alive.append(weakref.ref(ctx))
        return ctx

    def counting_render(*args, **kwargs):
        nonlocal most
        import gc

        gc.collect()
        most = max(most, sum(1 for r in alive if r() is not None))
        return real_render(*args, **kwargs)

    monkeypatch.setattr(build_module, "build_context", counting_context)
    monkeypatch.setattr(build_module, "render_to_temporary", counting_render)
    result = build([DATA], tmp_path / "out")
    assert len(result.written) >= 23 and most <= 2, most
