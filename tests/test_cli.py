"""The command line: help with examples, outputs, overwriting, exit codes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generator.cli import main

from .helpers import DATA


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_help_shows_examples() -> None:
    result = invoke("--help")
    assert result.exit_code == 0 and "vbgen build data --out out" in result.output
    for command in ("build", "context", "schema"):
        sub = invoke(command, "--help")
        assert sub.exit_code == 0, command
    assert "vbgen build data --out out" in invoke("build", "--help").output


def test_build_prints_each_path_and_is_idempotent(tmp_path: Path) -> None:
    first = invoke("build", str(DATA), "--out", str(tmp_path))
    assert first.exit_code == 0, first.output
    written = [line for line in first.stdout.splitlines() if line.endswith(".docx")]
    assert written and all(Path(p).is_file() for p in written)
    assert all(Path(p).name.isascii() for p in written)
    before = {p: Path(p).read_bytes() for p in written}
    again = invoke("build", str(DATA), "--out", str(tmp_path))
    assert again.exit_code == 0
    assert {p: Path(p).read_bytes() for p in written} == before  # byte-identical rebuild


def test_existing_different_file_needs_force(tmp_path: Path) -> None:
    first = invoke("build", str(DATA), "--out", str(tmp_path))
    path = Path(first.stdout.splitlines()[0])
    path.write_bytes(b"edited by hand")
    refused = invoke("build", str(DATA), "--out", str(tmp_path))
    assert refused.exit_code == 1 and "--force" in refused.output
    assert path.read_bytes() == b"edited by hand"
    forced = invoke("build", str(DATA), "--out", str(tmp_path), "--force")
    assert forced.exit_code == 0 and path.read_bytes().startswith(b"PK")


def test_single_file_finds_its_data_root(tmp_path: Path) -> None:
    plan = DATA / "so-gtvt-tay-ninh" / "2024" / "ke-hoach-dan-van.yaml"
    result = invoke("build", str(plan), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    names = [Path(p).name for p in result.stdout.splitlines()]
    assert names[0] == "2024-22-KH-SGTVT-dan-van-chinh-quyen.docx"
    assert len(names) == 9 and all("-SGTVT-" in n for n in names)  # the plan, its 2 reports, 6 sub-plans


def test_missing_path_is_usage_error(tmp_path: Path) -> None:
    result = invoke("build", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "không tìm thấy" in result.output


def test_context_and_schema_print_json() -> None:
    import json

    plan = DATA / "so-gtvt-tay-ninh" / "2024" / "ke-hoach-dan-van.yaml"
    ctx = json.loads(invoke("context", str(plan)).stdout)
    values = ctx[0]["context"]
    assert values["header"]["number_line"] == "Số: 22/KH-SGTVT"
    assert values["recipients"][-1] == "- Lưu: VT, VP."
    assert values["body"][0]["runs"][0]["text"].startswith("Thực hiện Kế hoạch số 859/KH-UBND")
    schema = json.loads(invoke("schema").stdout)
    assert set(schema["properties"]) == {"bodies", "references", "kinds", "criteria", "plan", "subplan", "results"}
