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


# A signer fault is one fault of the user's data, however many documents inherit that signer (the
# plan's sub-plans, its reports): it is reported once, at the user's line, never in the catalogue.
SIGNER_FAULTS = {
    "by-order-without-title": (
        lambda data: break_plan(data, "    authority: deputy\n", "    authority: TL.\n"),
        "người ký thừa lệnh/thừa ủy quyền cần 'title'",
    ),
    "agency-without-deputy-title": (
        lambda data: (data / "directory.yaml").write_text(
            (data / "directory.yaml").read_text(encoding="utf-8").replace("    deputy_title: Phó Giám đốc\n", "", 1),
            encoding="utf-8",
        ),
        "chưa có 'deputy_title'",
    ),
}


def build_errors(data: Path, out: Path) -> tuple[int, str]:
    """The exit code and stderr alone (click's `output` holds stderr too: errors would count twice)."""
    result = CliRunner().invoke(main, ["build", str(data), "--out", str(out)])
    return result.exit_code, result.stderr


@pytest.mark.parametrize("case", sorted(SIGNER_FAULTS))
def test_signer_fault_reported_once_at_the_users_line(case: str, data_copy: Path, tmp_path: Path) -> None:
    breaking, words = SIGNER_FAULTS[case]
    breaking(data_copy)
    code, output = build_errors(data_copy, tmp_path / "out")
    assert code == 2, output
    errors = [line for line in output.splitlines() if line.startswith("lỗi:")]
    assert len(errors) == 1, output
    assert words in errors[0] and f"{PLAN}:12:" in errors[0] and "trường 'plan.signer'" in errors[0], output
    assert "danh mục có sẵn" not in output, output


def test_signer_of_a_subplan_file_is_placed_there(data_copy: Path, tmp_path: Path) -> None:
    """A sub-plan file's own signer is the one at fault: its error names that file, once."""
    sub = data_copy / PLAN.parent / "thanh-tra-kiem-tra.yaml"
    sub.write_text(sub.read_text(encoding="utf-8") + "  signer: {authority: TUQ.}\n", encoding="utf-8")
    code, output = build_errors(data_copy, tmp_path / "out")
    errors = [line for line in output.splitlines() if line.startswith("lỗi:")]
    assert code == 2 and len(errors) == 1, output
    assert "thanh-tra-kiem-tra.yaml:" in errors[0] and "trường 'subplan.signer'" in errors[0], output
