"""Issue 14: hostile data files - YAML bombs and depth, sizes, links and non-regular files, the
sandboxed expressions, numbers; each a located error with exit 2, never an internal error."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import limits
from generator.cli import main

from .helpers import FIXTURES, REPO

PLAN = "ke-hoach.yaml"
PARAGRAPH = "        - Nâng cao nhận thức về công tác dân vận chính quyền năm {{ year }}."


@pytest.fixture(autouse=True)
def fresh_limits():
    """The limits are read once per process: each test reads them again (some set VBGEN_MAX_*)."""
    limits.current.cache_clear()
    yield
    limits.current.cache_clear()


def fixture(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for f in (FIXTURES / "ubnd-tinh").iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    return folder


def edit(data: Path, old: str, new: str, file: str = PLAN) -> None:
    path = data / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    limits.current.cache_clear()
    result = CliRunner().invoke(main, list(args), env=env)
    limits.current.cache_clear()
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def build(data: Path | str, tmp_path: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    return run("build", str(data), "--out", str(tmp_path / "out"), env=env)


def assert_located(output: str, file: str = PLAN, column: bool = True) -> None:
    pattern = re.escape(file) + (r":\d+:\d+" if column else r"(:\d+)?")
    assert re.search(pattern, output), output
    assert "lỗi nội bộ" not in output, output


# -- YAML ------------------------------------------------------------------------------------------


def test_alias_bomb_is_refused_before_it_is_expanded(tmp_path: Path) -> None:
    data = fixture(tmp_path)
    # 9 levels of 10 aliases: 10^9 values once expanded, from a 600-byte file.
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    (data / "bomb.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = build(data, tmp_path)
    assert code == 2 and "VBGEN_MAX_YAML_NODES" in output, output
    assert_located(output, "bomb.yaml")


def test_too_many_aliases(tmp_path: Path) -> None:
    data = fixture(tmp_path)
    (data / "many.yaml").write_text("x: &x 1\ny: [" + ", ".join(["*x"] * 20) + "]\n", encoding="utf-8")
    code, output = build(data, tmp_path, env={"VBGEN_MAX_YAML_ALIASES": "10"})
    assert code == 2 and "VBGEN_MAX_YAML_ALIASES" in output and "many.yaml:2:" in output, output


@pytest.mark.parametrize("depth", [1_000, 10_000])
def test_deep_nesting_is_a_located_error(depth: int, tmp_path: Path) -> None:
    data = fixture(tmp_path)
    (data / "deep.yaml").write_text("plan: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    code, output = build(data, tmp_path)
    assert code == 2 and "độ sâu lồng nhau của YAML" in output and "VBGEN_MAX_YAML_DEPTH" in output, output
    assert "RecursionError" not in output
    assert_located(output, "deep.yaml")


def test_deep_block_nesting(tmp_path: Path) -> None:
    data = fixture(tmp_path)
    text = "plan:\n" + "".join("  " * i + "- \n" for i in range(1, 1_200))
    (data / "deep.yaml").write_text(text, encoding="utf-8")
    code, output = build(data, tmp_path)
    assert code == 2 and "VBGEN_MAX_YAML_DEPTH" in output, output


def test_nesting_30000_deep_does_not_crash_the_process(tmp_path: Path) -> None:
    """libyaml's loader segfaulted on this; run apart so that a crash fails the test, not the run."""
    data = fixture(tmp_path)
    (data / "deep.yaml").write_text("plan: " + "[" * 30_000 + "]" * 30_000 + "\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "build", str(data), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=REPO, timeout=120, env={**os.environ, "VBGEN_LANG": "vi"},
    )  # fmt: skip
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-500:])
    assert "deep.yaml:1:" in proc.stderr and "độ sâu lồng nhau của YAML" in proc.stderr


def test_depth_limit_can_be_raised(tmp_path: Path) -> None:
    data = fixture(tmp_path)
    (data / "deep.yaml").write_text("kinds: {x: " + "[" * 150 + "]" * 150 + "}\n", encoding="utf-8")
    code, output = build(data, tmp_path)
    assert code == 2 and "VBGEN_MAX_YAML_DEPTH" in output
    code, output = build(data, tmp_path, env={"VBGEN_MAX_YAML_DEPTH": "500"})
    assert code == 2 and "VBGEN_MAX_YAML_DEPTH" not in output and "deep.yaml" in output, output  # now the schema


def test_a_bad_limit_value_is_a_usage_error(tmp_path: Path) -> None:
    code, output = build(fixture(tmp_path), tmp_path, env={"VBGEN_MAX_TEXT_CHARS": "many"})
    assert code == 2 and "VBGEN_MAX_TEXT_CHARS" in output, output


def test_the_defaults_and_their_variables() -> None:
    got = limits.current()
    assert got == limits.Limits() and got.text_chars <= limits.TEXT_CHARS_CEILING
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Limits") :]
    for field in limits.Limits.__dataclass_fields__:
        assert limits.Limits.env_name(field) in section, field  # every limit is documented


def test_binary_value_is_refused(tmp_path: Path) -> None:
    data = fixture(tmp_path)
    edit(data, PARAGRAPH, "        - !!binary aGVsbG8=")
    code, output = build(data, tmp_path)
    assert code == 2 and "!!binary" in output and "plan.sections.0.paragraphs.0" in output, output
    assert_located(output)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [("  number: 7", "  number: " + "9" * 300, "plan.number"),
     ("    code: UBND", "    code: " + "1" * 300, "bodies.ubnd-tinh-tay-ninh.code")],
)  # fmt: skip
def test_300_digit_number_or_code(old: str, new: str, field: str, tmp_path: Path) -> None:
    data = fixture(tmp_path)
    edit(data, old, new, PLAN if "number" in old else "directory.yaml")
    code, output = build(data, tmp_path)
    assert code == 2 and "VBGEN_MAX_NUMBER_DIGITS" in output and f"trường '{field}'" in output, output
    assert_located(output, PLAN if "number" in old else "directory.yaml")


# -- files: size, links, non-regular -----------------------------------------------------------------


def test_data_file_over_the_size_limit(tmp_path: Path) -> None:
    data = fixture(tmp_path)
    code, output = build(data, tmp_path, env={"VBGEN_MAX_DATA_FILE_BYTES": "500"})
    assert code == 2 and "VBGEN_MAX_DATA_FILE_BYTES" in output and "kích thước tệp" in output, output


def test_data_file_linking_outside_the_root_is_refused_without_its_content(tmp_path: Path) -> None:
    data = fixture(tmp_path)
    secret = tmp_path / "secret.yaml"
    secret.write_text("plan: MẬT-KHẨU-123\n", encoding="utf-8")
    (data / "link.yaml").symlink_to(secret)
    code, output = build(data, tmp_path)
    assert code == 2 and "link.yaml" in output and "liên kết ra ngoài" in output, output
    assert "MẬT-KHẨU-123" not in output


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_data_file_linking_to_a_device_is_refused(tmp_path: Path) -> None:
    data = fixture(tmp_path)
    (data / "zero.yaml").symlink_to("/dev/zero")
    code, output = build(data, tmp_path)
    assert code == 2 and "zero.yaml" in output, output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_building_a_fifo_or_a_device_exits_2(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.yaml"
    os.mkfifo(fifo)
    code, output = build(fifo, tmp_path)
    assert code == 2 and "không phải tệp thường" in output, output
    if Path("/dev/null").exists():
        code, output = build("/dev/null", tmp_path)
        assert code == 2 and "không phải tệp thường" in output, output
    data = fixture(tmp_path)
    os.mkfifo(data / "fifo.yaml")  # inside a data folder: refused, not waited on
    code, output = build(data, tmp_path)
    assert code == 2 and "fifo.yaml" in output and "không phải tệp thường" in output, output


# -- text fields and the sandbox ---------------------------------------------------------------------

SANDBOX = {
    "string-repetition": ("{{ 'a' * 10**9 }}", "VBGEN_MAX_EXPRESSION_SIZE"),
    "range-1e9": ("{{ range(10**9) | list }}", "VBGEN_MAX_EXPRESSION_SIZE"),
    "nested-ranges": ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
                      "VBGEN_MAX_EXPRESSION_STEPS"),
    "recursive-macro": ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "macro đệ quy"),
    "doubling-macro": ("{% macro d(s, n) %}{% if n %}{{ d(s ~ s, n - 1) }}{% endif %}{% endmacro %}{{ d('a', 40) }}",
                       "VBGEN_MAX_EXPRESSION_SIZE"),
    "include": ("{% include 'directory.yaml' %}", "{% include %}"),
    "import": ("{% import 'x' as y %}", "{% import %}"),
    "extends": ("{% extends 'x' %}", "{% extends %}"),
    "center": ("{{ 'a' | center(10**9) }}", "VBGEN_MAX_EXPRESSION_SIZE"),
    "format-width": ("{{ '%999999999s' % 'a' }}", "VBGEN_MAX_EXPRESSION_SIZE"),
    "str-format": ("{{ '{:>999999999}'.format('a') }}", "VBGEN_MAX_EXPRESSION_SIZE"),
    "star-width": ("{{ '%*s' % (999999999, 'a') }}", "VBGEN_MAX_EXPRESSION_SIZE"),
    "nested-width": ("{{ '{0:{1}}'.format('a', 999999999) }}", "VBGEN_MAX_EXPRESSION_SIZE"),
    "ljust": ("{{ 'x'.ljust(10**9) }}", "VBGEN_MAX_EXPRESSION_SIZE"),
    "slice": ("{{ range(10) | slice(1000000000) | list | length }}", "VBGEN_MAX_EXPRESSION_SIZE"),
    "replace": ("{{ ('a' * 100000) | replace('a', 'a' * 1000) }}", "VBGEN_MAX_EXPRESSION_SIZE"),
    "power": ("{{ 7 ** 1000000000 }}", "VBGEN_MAX_EXPRESSION_SIZE"),
    "big-figure": ("{{ (10**40) | number }}", "VBGEN_MAX_NUMBER_DIGITS"),
    "uncalled-function": ("{{ cite }}", "'cite' là một hàm: gọi nó"),
    "type-error": ("{{ 1 + 'a' }}", "không tính được biểu thức"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(SANDBOX))
def test_sandboxed_expression_past_a_limit_is_a_located_error(case: str, tmp_path: Path) -> None:
    source, words = SANDBOX[case]
    data = fixture(tmp_path)
    edit(data, PARAGRAPH, "        - " + json.dumps(source, ensure_ascii=False))
    code, output = build(data, tmp_path)
    assert code == 2, output
    assert words in output and "trường 'plan.sections.0.paragraphs.0'" in output, output
    assert_located(output)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_check_reports_an_expression_past_a_limit(tmp_path: Path) -> None:
    data = fixture(tmp_path)
    edit(data, PARAGRAPH, "        - \"{{ 'a' * 10**9 }}\"")
    code, output = run("check", str(data))
    assert code == 1 and "VBGEN_MAX_EXPRESSION_SIZE" in output and "0 vấn đề" not in output, output


def test_reasonable_expressions_still_work(tmp_path: Path) -> None:
    from generator.nd30.text import render_text

    values = {"year": 2024, "items": ["a", "b"]}
    assert (
        render_text("{{ year }}{% for i in items %} {{ loop.index }}{{ i ~ '!' }}{% endfor %}", values)
        == "2024 1a! 2b!"
    )
    assert render_text("{{ range(3) | join(',') }} {{ 'ab' * 2 }} {{ 2 ** 10 }} {{ '%05d' % 42 }}", values) == (
        "0,1,2 abab 1024 00042"
    )
    # numbers that are not sizes are not refused
    assert render_text("{{ '{:,}'.format(5000000) }} {{ x | default(2500000) }} {{ 'có 12345678 người: {}'.format(3) }}",
                       values) == "5,000,000 2500000 có 12345678 người: 3"  # fmt: skip


def test_text_field_over_the_limit_is_refused_and_check_says_so(tmp_path: Path) -> None:
    data = fixture(tmp_path)
    edit(data, PARAGRAPH, "        - " + "chữ " * 600)
    env = {"VBGEN_MAX_TEXT_CHARS": "1000"}
    code, output = build(data, tmp_path, env=env)
    assert code == 2 and "VBGEN_MAX_TEXT_CHARS" in output and "plan.sections.0.paragraphs.0" in output, output
    assert_located(output)
    code, output = run("check", str(data), env=env)
    assert code == 1 and "VBGEN_MAX_TEXT_CHARS" in output and "0 vấn đề" not in output, output


def test_rendered_value_over_the_limit_is_refused(tmp_path: Path) -> None:
    data = fixture(tmp_path)
    edit(data, PARAGRAPH, '        - "{% for i in range(300) %}{{ issuer.name }}{% endfor %}"')
    code, output = build(data, tmp_path, env={"VBGEN_MAX_TEXT_CHARS": "5000"})
    assert code == 2 and "độ dài kết quả" in output and "VBGEN_MAX_TEXT_CHARS" in output, output
    assert_located(output)


def test_text_limit_never_goes_past_what_xml_parsers_keep() -> None:
    os.environ["VBGEN_MAX_TEXT_CHARS"] = "50000000"
    try:
        limits.current.cache_clear()
        assert limits.current().text_chars == limits.TEXT_CHARS_CEILING
    finally:
        del os.environ["VBGEN_MAX_TEXT_CHARS"]


def test_uncalled_function_in_a_template_is_refused() -> None:
    import jinja2

    from generator.nd30.text import ExpressionLimit
    from generator.word.render import jinja_env

    def f() -> int:
        return 1

    with pytest.raises(ExpressionLimit, match="'f' là một hàm"):
        jinja_env().from_string("{{ f }}").render(f=f)
    with pytest.raises(jinja2.TemplateSyntaxError, match="include"):
        jinja_env().from_string("{% include 'x' %}")
    assert jinja_env().from_string("{{ f() }} {{ a ~ b }}").render(f=f, a="<", b="&") == "1 &lt;&amp;"


def test_lone_surrogate_is_dropped_with_a_warning(tmp_path: Path) -> None:
    data = fixture(tmp_path)
    edit(data, PARAGRAPH, '        - "Nâng\\ud800 cao"')
    code, output = build(data, tmp_path)
    assert code == 0 and "U+D800" in output and "plan.sections.0.paragraphs.0" in output, output


def test_a_300_character_code_is_a_located_error(tmp_path: Path) -> None:
    """A ký hiệu code too long for a file name is refused where it is written, not at the write."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    directory = data / "directory.yaml"
    text = directory.read_text(encoding="utf-8")
    directory.write_text(text.replace("    code: SGTVT\n", '    code: "' + "A" * 300 + '"\n', 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert re.search(
        r"directory\.yaml:\d+:\d+, trường 'bodies\.so-gtvt-tay-ninh\.code': quá dài: tối đa 30", result.output
    )
    assert not (tmp_path / "out").exists()


def _plan_edit(tmp_path: Path, old: str, new: str) -> tuple[int, str]:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    plan = data / "so-gtvt-tay-ninh" / "2024" / "ke-hoach-dan-van.yaml"
    text = plan.read_text(encoding="utf-8")
    assert old in text
    plan.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(data), "--out", str(tmp_path / "out")])
    return result.exit_code, result.output


def test_a_date_typed_as_documents_print_it_is_told_how_to_write_it(tmp_path: Path) -> None:
    code, output = _plan_edit(tmp_path, "  date: 2024-04-03\n", "  date: 3/4/2024\n")
    assert code == 2 and "ngày viết dạng năm-tháng-ngày" in output and "viết 2024-04-03" in output
    code, output = _plan_edit(tmp_path / "b", "  date: 2024-04-03\n", "  date: 31/02/2024\n")
    assert code == 2 and "31/02/2024 không có thật" in output


def test_a_number_without_a_date_is_an_error(tmp_path: Path) -> None:
    code, output = _plan_edit(tmp_path, "  date: 2024-04-03\n", "  year: 2024\n")
    assert code == 2 and re.search(r"ke-hoach-dan-van\.yaml:\d+:\d+, trường 'plan\.number': văn bản có số 22", output)


def test_a_deadline_before_the_plans_year_is_an_error(tmp_path: Path) -> None:
    code, output = _plan_edit(tmp_path, "date: 2024-11-01", "date: 2023-11-01")
    assert code == 2 and "trước" in output and "2023-11-01" in output
