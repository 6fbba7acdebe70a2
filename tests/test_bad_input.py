"""Issue 2 point 9: each bad input names file, line and field, exits 2, and writes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

PLAN = Path("so-gtvt-tay-ninh/2024/ke-hoach-dan-van.yaml")


def run_build(data: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", str(data), "--out", str(out)])
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


def break_plan(data: Path, old: str, new: str) -> None:
    path = data / PLAN
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CASES = {
    # name: (replace, with, line, field, words of the message)
    "yaml-syntax": ("  number: 22\n", "  number: 22\n  bogus: [\n", 8, None, "lỗi cú pháp YAML"),
    "missing-field": ("  drafted_by: vp\n", "", 3, "plan.drafted_by", "thiếu trường bắt buộc"),
    "unknown-field": ("  drafted_by: vp\n", "  drafted_by: vp\n  drafted_byy: x\n", 11, "plan.drafted_byy",
                      "có phải 'drafted_by'"),
    "wrong-type": ("  number: 22\n", "  number: hai\n", 5, "plan.number", "cần một số nguyên"),
    "impossible-date": ("  date: 2024-04-03\n", "  date: 2024-02-30\n", 6, "plan.date", "ngày không hợp lệ"),
    "unknown-body": ("  issuer: so-gtvt-tay-ninh\n", "  issuer: so-gtvt-tayninh\n", 7, "plan.issuer",
                     "có phải 'so-gtvt-tay-ninh'"),
    "unknown-reference": ("cite('qd-23-tw-2021')", "cite('qd-23-tw-2012')", 61,
                          "plan.sections.1.items.0.bullets.0", "có phải 'qd-23-tw-2021'"),
    "unknown-recipient": ("report: [ban-dan-van-tinh-uy", "report: [ban-dan-van", None,
                          "plan.recipients.report.0", "có phải 'ban-dan-van-tinh-uy'"),
    "undefined-variable": ("quyền năm {{ year }}\n", "quyền năm {{ yaer }}\n", 8, "plan.title", "có phải 'year'"),
    "undefined-in-deadline": ("what: Báo cáo kết quả thực hiện công tác dân vận chính quyền năm {{ year }}",
                              "what: Báo cáo kết quả {{ yaer }}", 20, "plan.deadlines.0.what", "có phải 'year'"),
    "bad-choice": ("    authority: deputy\n", "    authority: deputyy\n", 12, "plan.signer.authority",
                   "có phải 'deputy'"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input(case: str, data_copy: Path, tmp_path: Path) -> None:
    old, new, line, field, words = CASES[case]
    break_plan(data_copy, old, new)
    out = tmp_path / "out"
    code, output = run_build(data_copy, out)
    assert code == 2, output
    assert str(PLAN) in output, output
    m = re.search(re.escape(str(PLAN)) + r":(\d+)(?::\d+)?", output)
    assert m, output
    if line is not None:
        # The line of the changed text; a value inside a folded block is reported at the block's start.
        text = (data_copy / PLAN).read_text(encoding="utf-8")
        anchor = new.strip().splitlines()[-1] if new.strip() else "plan:"  # a missing field: its mapping
        changed = text[: text.index(anchor)].count("\n") + 1
        assert changed - 8 <= int(m.group(1)) <= changed + 2, (changed, output)  # YAML notices a bit later
    if field is not None:
        assert f"trường '{field}'" in output, output
    assert words in output, output
    assert not out.exists() or not any(out.iterdir()), "nothing may be written on bad input"


def test_unknown_id_in_directory(data_copy: Path, tmp_path: Path) -> None:
    directory = data_copy / "directory.yaml"
    directory.write_text(
        directory.read_text(encoding="utf-8").replace("parent: ubnd-tinh-tay-ninh", "parent: ubnd-tay-ninh", 1),
        encoding="utf-8",
    )
    code, output = run_build(data_copy, tmp_path / "out")
    assert code == 2 and "directory.yaml:" in output and "không có cơ quan 'ubnd-tay-ninh'" in output
    assert "có phải 'ubnd-t" in output  # the closest ids


def test_several_errors_reported_together(data_copy: Path, tmp_path: Path) -> None:
    break_plan(data_copy, "  number: 22\n", "  number: hai\n")
    break_plan(data_copy, "  date: 2024-04-03\n", "  date: 2024-02-30\n")
    code, output = run_build(data_copy, tmp_path / "out")
    assert code == 2
    assert output.count("lỗi:") >= 2 and "plan.number" in output and "plan.date" in output
