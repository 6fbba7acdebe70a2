"""Issue 15: every message a clerk reads is Vietnamese (English with --lang en), located, actionable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from generator.cli import main

from .helpers import DATA, REPO, lines

PLAN = Path("so-gtvt-tay-ninh") / "2024" / "ke-hoach-dan-van.yaml"
CLICK_ENGLISH = ("Usage:", "Options:", "Show this message and exit.", "Show the version and exit.", "[required]",
                 "Commands:", "[default:", "Exit codes", "Error:", "Missing argument", "Try '")  # fmt: skip
COMMANDS = ("build", "check", "context", "deadlines", "draft", "init", "lint", "schema")


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner(env={"VBGEN_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8", **(env or {})}).invoke(
        main, list(args), prog_name="vbgen"
    )


def edit(data: Path, old: str, new: str, rel: Path = PLAN) -> Path:
    path = data / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


# --- the command line's own words ------------------------------------------------------------------


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_is_vietnamese_by_default(command: str) -> None:
    result = run(*([command] if command else []), "--help")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Cách dùng: vbgen")
    assert "[TÙY CHỌN]" in result.output and "Tùy chọn:" in result.output
    assert "In hướng dẫn này rồi thoát." in result.output
    for english in CLICK_ENGLISH:
        assert english not in result.output, (command, english)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_in_english_with_lang_en(command: str) -> None:
    result = run("--lang", "en", *([command] if command else []), "--help")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: vbgen") and "Show this message and exit." in result.output
    assert "Cách dùng" not in result.output and "Ví dụ:" not in result.output
    assert "Tùy chọn" not in result.output


def test_help_texts_in_english_name_the_same_things() -> None:
    assert "Exit codes: 0 ok · 1 some documents failed" in run("--lang", "en", "build", "--help").output
    vi = run("build", "--help").output
    assert "Mã thoát: 0 xong · 1 có văn bản lỗi" in vi and "[bắt buộc]" in vi and "[mặc định: 1;" in vi


def test_clicks_errors_in_vietnamese_and_english() -> None:
    vi = run("build")
    assert vi.exit_code == 2
    assert "Lỗi: Thiếu đối số 'PATHS...'." in vi.output and "Xem hướng dẫn: 'vbgen build --help'." in vi.output
    assert "Lỗi: Không có lệnh 'buil'. (Có phải: 'build'?)" in run("buil").output
    assert "Lỗi: Thiếu tùy chọn '--out'." in run("build", "data").output
    en = run("--lang", "en", "build")
    assert "Error: Missing argument 'PATHS...'." in en.output
    bad = run("build", str(DATA), "--out", "x", "--jobs", "0")
    assert "Giá trị không hợp lệ cho '--jobs' / '-j': 0 nằm ngoài khoảng 1<=x<=64." in bad.output


def test_every_click_message_has_vietnamese() -> None:
    """A click upgrade that adds a message shows here: run scripts/click_catalogue.py and translate it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("click_catalogue", REPO / "scripts" / "click_catalogue.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    with (REPO / "generator" / "locale" / "vi" / "LC_MESSAGES" / "click.po").open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id for m in catalog if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)}
    assert [m for m in module.click_messages() if m not in translated] == []


# --- data errors: located, in words a clerk can act on -------------------------------------------------


def test_tab_is_told_to_use_spaces(data_copy: Path, tmp_path: Path) -> None:
    edit(data_copy, "  issuer: so-gtvt-tay-ninh", "\tissuer: so-gtvt-tay-ninh")
    result = run("build", str(data_copy), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert re.search(r"ke-hoach-dan-van\.yaml:\d+:\d+: lỗi cú pháp YAML: có ký tự Tab: dùng dấu cách, không dùng Tab",
                     result.output), result.output  # fmt: skip
    en = run("--lang", "en", "build", str(data_copy), "--out", str(tmp_path / "o"))
    assert "YAML syntax error: a Tab character: use spaces, not Tabs" in en.output, en.output


def test_flow_style_comma_is_told_to_quote_or_split(data_copy: Path, tmp_path: Path) -> None:
    edit(data_copy, "      targets:\n",
         "      targets:\n        - {id: moi, text: Phấn đấu 100% công chức, viên chức được quán triệt, value: 100}\n")  # fmt: skip
    result = run("build", str(data_copy), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "trường 'plan.sections.2.targets.0.viên chức được quán triệt'" in result.output
    assert 'đặt giá trị có dấu phẩy trong ngoặc kép (text: "a, b") hoặc viết mỗi trường một dòng' in result.output
    assert "trường không có trong lược đồ" not in result.output


def test_flow_style_syntax_error_is_told_to_quote_or_split(data_copy: Path, tmp_path: Path) -> None:
    edit(data_copy, "      targets:\n", "      targets:\n        - {id: moi, text: Tỷ lệ: 100%, value: 100}\n")
    result = run("build", str(data_copy), "--out", str(tmp_path / "o"))
    assert "phải đặt trong ngoặc kép, hoặc viết mỗi trường một dòng" in result.output, result.output


@pytest.mark.parametrize("form, lines_expected", [
    ("KT.", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]), ("tl", ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"]),
    ("TUQ.", ["TUQ. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"]), ("Q.", ["Q. GIÁM ĐỐC"]), ("TM.", ["GIÁM ĐỐC"]),
])  # fmt: skip
def test_signer_accepts_the_nd30_forms(data_copy: Path, tmp_path: Path, form: str, lines_expected: list[str]) -> None:
    edit(data_copy, "    authority: deputy\n", f"    authority: {form}\n    title: Chánh Văn phòng\n")
    result = run("build", str(data_copy / PLAN), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    got = lines(tmp_path / "o" / "2024-22-KH-SGTVT-dan-van-chinh-quyen.docx")
    start = got.index(lines_expected[0])
    assert got[start : start + len(lines_expected)] == lines_expected


def test_wrong_signer_ties_names_to_nd30_forms(data_copy: Path, tmp_path: Path) -> None:
    edit(data_copy, "    authority: deputy\n", "    authority: K/T\n")
    result = run("build", str(data_copy), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "trường 'plan.signer.authority'" in result.output
    for pair in ("deputy (KT.", "acting (Q.", "by_order (TL.", "by_delegation (TUQ.", "TM. nếu là tập thể"):
        assert pair in result.output, pair
    en = run("--lang", "en", "build", str(data_copy), "--out", str(tmp_path / "o"))
    assert "deputy (KT., a deputy signs for the head)" in en.output


def test_errors_of_three_stages_in_one_run(data_copy: Path, tmp_path: Path) -> None:
    """A schema error (loading), an unknown id (cross-check) and an unknown deadline (building the
    document's text), all in one file: one run lists all three, each with file:line:column."""
    edit(data_copy, "plan:\n", "bodies:\n  ban-moi:\n    name: Ban mới\n    codee: BM\nplan:\n")
    edit(data_copy, "report: [ban-dan-van-tinh-uy", "report: [ban-dan-van-tinhuy")
    edit(data_copy, "Thực hiện {{ cite('kh-859-ubnd-2024') }}.",
         "Thực hiện {{ cite('kh-859-ubnd-2024') }} trước {{ deadline('khong-co') }}.")  # fmt: skip
    result = run("build", str(data_copy), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("lỗi: ")]
    assert len(errors) == 3, result.output
    where = r"lỗi: \S*ke-hoach-dan-van\.yaml:\d+:\d+, trường "
    assert re.match(where + r"'bodies\.ban-moi\.codee': trường không có trong lược đồ dữ liệu \(có phải 'code'\?\)",
                    errors[0]), errors[0]  # fmt: skip
    assert re.match(where + r"'plan\.recipients\.report\.0': không có cơ quan 'ban-dan-van-tinhuy'", errors[1])
    assert re.match(where + r"'plan\.opening\.0': không có hạn 'khong-co' trong 'deadlines'", errors[2])
    assert not (tmp_path / "o").exists()  # nothing written


def test_errors_of_several_documents_in_one_run(data_copy: Path, tmp_path: Path) -> None:
    edit(data_copy, "{{ issuer.full_name }} (GTVT)", "{{ deadline('a') }} (GTVT)")
    edit(data_copy, "{{ issuer.name }} xây dựng", "{{ deadline('b') }} xây dựng",
         Path("ubnd-phuong-1-tay-ninh") / "2024" / "ke-hoach-dan-van.yaml")  # fmt: skip
    result = run("build", str(data_copy), "--out", str(tmp_path / "o"))
    assert "không có hạn 'a'" in result.output and "không có hạn 'b'" in result.output, result.output


def test_missing_code_names_file_line_and_body(data_copy: Path, tmp_path: Path) -> None:
    edit(data_copy, "    code: UBND\n    place: Tây Ninh\n", "    place: Tây Ninh\n", Path("directory.yaml"))
    result = run("build", str(data_copy), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    line = next(x for x in result.output.splitlines() if "chưa có 'code'" in x)
    assert re.match(r"lỗi: \S+\.yaml:\d+:\d+, trường '[^']+': ", line), line
    assert "'ubnd-tinh-tay-ninh' (Ủy ban nhân dân tỉnh Tây Ninh)" in line


# --- warnings a clerk can act on ---------------------------------------------------------------------


def test_build_sums_up_unverified_facts_in_one_line(tmp_path: Path) -> None:
    result = run("build", str(DATA), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0
    warnings = [x for x in result.stderr.splitlines() if x.startswith("cảnh báo:")]
    unverified = [x for x in warnings if "chưa được xác minh" in x]
    assert len(unverified) == 1 and re.search(r"cảnh báo: \d+ căn cứ chưa được xác minh", unverified[0])
    assert "vbgen check --facts" in unverified[0]
    assert len(warnings) <= 5, warnings
    assert all("site-packages" not in x and "/catalogue/" not in x and ".md" not in x for x in warnings), warnings
    # a table a sub-plan leaves empty names the agency's files that can hold its rows, once per folder
    assert any("ubnd-phuong-1-tay-ninh/2024:" in x and "dao-tao-boi-duong.yaml" in x for x in warnings), warnings


def test_quiet_build(tmp_path: Path) -> None:
    result = run("build", str(DATA), "--out", str(tmp_path / "o"), "--quiet")
    assert result.exit_code == 0 and result.stdout == ""
    assert "cảnh báo:" not in result.stderr
    assert re.search(r"\d+ cảnh báo \(bỏ --quiet để xem\)\.", result.stderr)
    assert "23 văn bản đã ghi" in result.stderr


def test_check_facts_lists_each_unverified_fact_once() -> None:
    result = run("check", str(DATA), "--facts")
    assert result.exit_code == 0, result.output
    facts = [x for x in result.stdout.splitlines() if x]
    assert len(facts) == len(set(facts)) >= 14
    nd134 = next(x for x in facts if "'nd-134-2021'" in x)
    assert nd134.startswith("danh mục có sẵn (catalogue/references.yaml:") and "(6 văn bản dẫn)" in nd134
    assert any("cơ quan 'so-tu-phap-tay-ninh' chưa được xác minh" in x for x in facts)
    assert "site-packages" not in result.output and "plan-family.md" not in result.output
    en = run("--lang", "en", "check", str(DATA), "--facts")
    assert "shipped catalogue (catalogue/references.yaml:" in en.stdout


# --- drafts do not depend on the language -----------------------------------------------------------


def test_draft_again_in_english_writes_the_same_files(tmp_path: Path) -> None:
    out = tmp_path / "d"
    first = run("draft", str(DATA), "--year", "2025", "--out", str(out))
    assert first.exit_code == 0, first.output
    before = {p: p.read_bytes() for p in out.rglob("*.yaml")}
    assert any(b"# XEM L\xe1\xba\xa0I (vbgen draft 2025)" in v for v in before.values())
    again = run("--lang", "en", "draft", str(DATA), "--year", "2025", "--out", str(out))
    assert again.exit_code == 0, again.output
    assert "REVIEW" in again.output  # the summary speaks English; the files stay as they were
    assert {p: p.read_bytes() for p in out.rglob("*.yaml")} == before
