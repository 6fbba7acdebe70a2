"""Issue 14: hostile table files, packages (.xlsx, templates, linted .docx), a 1 MB paragraph,
emphasis at scale, and the calendar file: bounded, located, nothing lost or overwritten."""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from generator import limits
from generator.cli import main

from .helpers import DATA, FIXTURES, lines

PLAN = "ke-hoach.yaml"
SECTION = "    - title: Mục đích, yêu cầu\n"
TABLE = """      table:
        file: {file}
        columns:
          - {{key: ten, title: Tên đơn vị}}
          - {{key: so, title: Số người, number: true}}
"""


@pytest.fixture(autouse=True)
def fresh_limits():
    limits.current.cache_clear()
    yield
    limits.current.cache_clear()


def fixture(tmp_path: Path, table: str | None = None) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(parents=True)
    for f in (FIXTURES / "ubnd-tinh").iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    if table is not None:
        plan = folder / PLAN
        text = plan.read_text(encoding="utf-8")
        plan.write_text(text.replace(SECTION, SECTION + TABLE.format(file=table), 1), encoding="utf-8")
    return folder


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    limits.current.cache_clear()
    result = CliRunner().invoke(main, list(args), env=env)
    limits.current.cache_clear()
    assert isinstance(result.exception, (SystemExit, type(None))), result.exception
    return result.exit_code, result.output


def build(data: Path, tmp_path: Path, *extra: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    return run("build", str(data), "--out", str(tmp_path / "out"), *extra, env=env)


def csv_rows(rows: list[tuple[str, str]]) -> str:
    return "Tên đơn vị,Số người\n" + "".join(f"{a},{b}\n" for a, b in rows)


def xlsx(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def rewrite_member(path: Path, name: str, change) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path) as z:
        members = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in members:
            z.writestr(n, change(data) if n == name else data)


def bomb(path: Path, size: int = 20 * 1024 * 1024) -> Path:
    """A valid-looking package with one member that inflates ~1000 times (20 MB of zeros)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/zeros.bin", b"\0" * size)
    return path


# -- tables ----------------------------------------------------------------------------------------


def test_a_table_from_csv_still_reads(tmp_path: Path) -> None:
    data = fixture(tmp_path, "bang.csv")
    (data / "bang.csv").write_text(csv_rows([("Sở Nội vụ", "1234567")]), encoding="utf-8")
    code, output = build(data, tmp_path)
    assert code == 0, output
    [path] = (tmp_path / "out").glob("*.docx")
    assert "1.234.567" in lines(path)


def test_table_outside_the_data_root_is_refused_without_its_content(tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("MẬT-KHẨU-123,1\n", encoding="utf-8")
    data = fixture(tmp_path, "../secret.csv")
    code, output = build(data, tmp_path)
    assert code == 2 and "ngoài thư mục dữ liệu" in output and "MẬT-KHẨU-123" not in output, output
    assert re.search(r"ke-hoach\.yaml:\d+:\d+", output), output
    # the same through a link inside the data folder
    data2 = fixture(tmp_path / "2", "bang.csv")
    (data2 / "bang.csv").symlink_to(secret)
    code, output = build(data2, tmp_path / "2")
    assert code == 2 and "ngoài thư mục dữ liệu" in output and "MẬT-KHẨU-123" not in output, output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_table_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    data = fixture(tmp_path, "bang.csv")
    os.mkfifo(data / "bang.csv")
    code, output = build(data, tmp_path)
    assert code == 2 and "không phải tệp thường" in output, output


def test_37_digit_figure_is_a_located_error(tmp_path: Path) -> None:
    data = fixture(tmp_path, "bang.csv")
    (data / "bang.csv").write_text(csv_rows([("A", "1"), ("B", "9" * 37)]), encoding="utf-8")
    code, output = build(data, tmp_path)
    assert code == 2 and "VBGEN_MAX_NUMBER_DIGITS" in output and "bang.csv:3" in output, output
    assert "cột 'Số người'" in output


def test_csv_rows_over_the_limit(tmp_path: Path) -> None:
    data = fixture(tmp_path, "bang.csv")
    (data / "bang.csv").write_text(csv_rows([(f"Đơn vị {i}", str(i)) for i in range(30)]), encoding="utf-8")
    code, output = build(data, tmp_path, env={"VBGEN_MAX_TABLE_ROWS": "20"})
    assert code == 2 and "VBGEN_MAX_TABLE_ROWS" in output and "bang.csv:21" in output, output


def test_csv_field_past_the_text_limit(tmp_path: Path) -> None:
    data = fixture(tmp_path, "bang.csv")
    (data / "bang.csv").write_text(csv_rows([("x" * 3000, "1")]), encoding="utf-8")
    code, output = build(data, tmp_path, env={"VBGEN_MAX_TEXT_CHARS": "2000"})
    assert code == 2 and "bang.csv:2" in output, output


def test_xlsx_declaring_a_whole_sheet_reads_only_its_cells(tmp_path: Path) -> None:
    data = fixture(tmp_path, "bang.xlsx")
    path = xlsx(data / "bang.xlsx", [["Tên đơn vị", "Số người"], ["Sở Nội vụ", 12]])
    rewrite_member(path, "xl/worksheets/sheet1.xml",
                   lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml))  # fmt: skip
    with zipfile.ZipFile(path) as z:
        assert b"A1:XFD1048576" in z.read("xl/worksheets/sheet1.xml")
    code, output = build(data, tmp_path, env={"VBGEN_MAX_TABLE_ROWS": "10", "VBGEN_MAX_TABLE_COLUMNS": "5"})
    assert code == 0, output
    [docx] = (tmp_path / "out").glob("*.docx")
    assert "Sở Nội vụ" in lines(docx)


def test_xlsx_with_a_cell_far_to_the_right(tmp_path: Path) -> None:
    data = fixture(tmp_path, "bang.xlsx")
    row = ["Sở Nội vụ", 12] + [None] * 400 + ["x"]
    xlsx(data / "bang.xlsx", [["Tên đơn vị", "Số người"], row])
    code, output = build(data, tmp_path)
    assert code == 2 and "VBGEN_MAX_TABLE_COLUMNS" in output and "bang.xlsx" in output, output


def test_xlsx_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    data = fixture(tmp_path, "bang.xlsx")
    path = xlsx(data / "bang.xlsx", [["Tên đơn vị", "Số người"], ["Sở Nội vụ", 12]])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/zeros.bin", b"\0" * (20 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    code, output = build(data, tmp_path)
    assert code == 2 and "VBGEN_MAX_ZIP_RATIO" in output, output
    code, output = build(data, tmp_path, env={"VBGEN_MAX_ZIP_BYTES": "1000000"})
    assert code == 2 and "VBGEN_MAX_ZIP_BYTES" in output, output


def test_zip_whose_members_lie_about_their_size(tmp_path: Path) -> None:
    """The declared size is small; the bytes really inflated are counted as they stream."""
    from generator.errors import DataError
    from generator.word.package import check_package_bytes

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.xml", b"<a/>" * 100_000)
    raw = bytearray(buf.getvalue())
    # Patch the central directory's uncompressed size of the one member to 10 bytes.
    cd = raw.rfind(b"PK\x01\x02")
    raw[cd + 24 : cd + 28] = (10).to_bytes(4, "little")
    with pytest.raises(DataError, match="zip hỏng"):
        check_package_bytes(bytes(raw), None)


# -- templates -------------------------------------------------------------------------------------


def test_template_zip_bomb(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    bomb(folder / "kehoach.docx")
    code, output = build(fixture(tmp_path), tmp_path, "--templates", str(folder))
    assert code == 1 and "VBGEN_MAX_ZIP_RATIO" in output and "kehoach.docx" in output, output
    code, output = run("check", str(fixture(tmp_path / "c")), "--templates", str(folder))
    assert code == 1 and "[file]" in output and "VBGEN_MAX_ZIP_RATIO" in output, output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_template_that_is_a_fifo(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    os.mkfifo(folder / "kehoach.docx")
    code, output = run("check", str(fixture(tmp_path)), "--templates", str(folder))
    assert code == 1 and "không phải tệp thường" in output, output


# -- lint ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def good_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from generator.build import build as run_build

    out = tmp_path_factory.mktemp("good")
    [path] = run_build([FIXTURES / "ubnd-tinh"], out).written
    return path


def bad_files(folder: Path, good: Path) -> dict[str, Path]:
    files = {}
    files["not-a-zip"] = folder / "text.docx"
    files["not-a-zip"].write_text("không phải zip", encoding="utf-8")
    files["truncated"] = folder / "truncated.docx"
    files["truncated"].write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    files["no-sectPr"] = folder / "no-sectpr.docx"
    files["no-sectPr"].write_bytes(good.read_bytes())
    rewrite_member(
        files["no-sectPr"], "word/document.xml", lambda xml: re.sub(rb"<w:sectPr\b.*?</w:sectPr>", b"", xml, flags=re.S)
    )
    files["bomb"] = bomb(folder / "bomb.docx")
    if Path("/dev/zero").exists():
        files["dev-zero"] = folder / "zero.docx"
        files["dev-zero"].symlink_to("/dev/zero")
    return files


def test_lint_reports_each_bad_file_and_goes_on(good_docx: Path, tmp_path: Path) -> None:
    files = bad_files(tmp_path, good_docx)
    args = [str(good_docx), *(str(p) for p in files.values()), str(good_docx)]
    code, output = run("lint", *args)
    assert code == 1, output
    for name, path in files.items():
        assert re.search(re.escape(str(path)) + r": FILE-00 error ", output), (name, output)
    assert output.count(f"{good_docx}: ") >= 2 * 1  # the good file's findings or summary, twice over
    code, output = run("lint", "--format", "json", *args)
    report = json.loads(output)
    assert [r["file"] for r in report] == args
    for entry in report[1:-1]:
        assert [f["rule"] for f in entry["findings"]] == ["FILE-00"], entry
    assert all(f["rule"] != "FILE-00" for f in report[0]["findings"])
    assert report[0]["findings"] == report[-1]["findings"]


def test_lint_file_size_limit(good_docx: Path) -> None:
    from generator.lint import lint_file

    os.environ["VBGEN_MAX_DOCX_FILE_BYTES"] = "1000"
    try:
        limits.current.cache_clear()
        [finding] = lint_file(good_docx)
    finally:
        del os.environ["VBGEN_MAX_DOCX_FILE_BYTES"]
    assert finding.rule == "FILE-00" and "VBGEN_MAX_DOCX_FILE_BYTES" in finding.message


# -- no silent truncation: a 1 MB paragraph ------------------------------------------------------------


def test_one_megabyte_paragraph_is_written_whole(tmp_path: Path) -> None:
    data = fixture(tmp_path)
    big = ("Nội dung dài " * 80_000)[:999_990] + " CUỐI."
    plan = data / PLAN
    text = plan.read_text(encoding="utf-8")
    anchor = "        - Nâng cao nhận thức về công tác dân vận chính quyền năm {{ year }}."
    plan.write_text(text.replace(anchor, f"        - {big}"), encoding="utf-8")
    code, output = build(data, tmp_path)
    assert code == 0, output
    [path] = (tmp_path / "out").glob("*.docx")
    got = lines(path)
    assert big.strip() in got  # the whole paragraph, to its last word
    # ... and everything after it: the closing parts, the signature, Nơi nhận
    assert got[got.index(big.strip()) + 1 :] == [
        "II. TỔ CHỨC THỰC HIỆN", "1. Sở Nội vụ", "a) Tham mưu UBND tỉnh theo dõi, đôn đốc việc thực hiện Kế hoạch.",
        "b) Tổng hợp kết quả, báo cáo./.", "Nơi nhận:", "- Ban Dân vận Tỉnh ủy;", "- Các sở, ban, ngành tỉnh (T/hiện);",
        "- Lưu: VT, VP.", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A",
    ], got[-12:]  # fmt: skip


# -- emphasis at scale ---------------------------------------------------------------------------------


def test_emphasis_on_a_megabyte_is_right() -> None:
    from generator.nd30.text import rich
    from generator.word.render import rich_text

    n = 1_000_000 // 6
    value = rich("*a* b " * n, {})
    assert len(value.runs) == 2 * n  # a, " b ", a, " b ", …
    assert all(r.italic == (i % 2 == 0) for i, r in enumerate(value.runs))
    assert str(value) == "a b " * n
    xml = rich_text(value).xml
    assert xml.count("<w:r>") == len(value.runs) and xml.count("<w:i/>") == n


def test_rich_text_xml_is_unchanged_by_the_join() -> None:
    from docxtpl import RichText

    from generator.nd30.text import rich
    from generator.word.render import rich_text

    value = rich("**Đậm** thường *nghiêng* & <x>", {})
    slow = RichText()
    for run in value.runs:
        slow.add(run.text, bold=run.bold, italic=run.italic)
    assert rich_text(value).xml == slow.xml


# -- the calendar file ---------------------------------------------------------------------------------


def test_ics_is_not_overwritten_without_force_nor_written_through_a_link(tmp_path: Path) -> None:
    ics = tmp_path / "han.ics"
    ics.write_text("lịch riêng của ai đó\n", encoding="utf-8")
    code, output = run("deadlines", str(DATA), "--ics", str(ics))
    assert code == 2 and "--force" in output and ics.read_text(encoding="utf-8") == "lịch riêng của ai đó\n", output
    code, output = run("deadlines", str(DATA), "--ics", str(ics), "--force")
    assert code == 0 and ics.read_bytes().startswith(b"BEGIN:VCALENDAR"), output
    code, output = run("deadlines", str(DATA), "--ics", str(ics))  # the same content: fine
    assert code == 0, output
    victim = tmp_path / "victim.txt"
    victim.write_text("không được ghi đè\n", encoding="utf-8")
    link = tmp_path / "link.ics"
    link.symlink_to(victim)
    for extra in ([], ["--force"]):
        code, output = run("deadlines", str(DATA), "--ics", str(link), *extra)
        assert code == 2 and link.is_symlink(), output
        assert victim.read_text(encoding="utf-8") == "không được ghi đè\n"


def test_linted_bytes_are_the_document(good_docx: Path) -> None:
    """The safe reader hands python-docx the same package (a sanity check of the lint edit)."""
    from generator.lint import lint_file

    assert not any(f.rule == "FILE-00" for f in lint_file(good_docx))
    assert Document(str(good_docx)).paragraphs  # still an ordinary document


def test_draft_does_not_copy_a_table_from_outside_the_data_root(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    secret = tmp_path / "secret.xlsx"
    secret.write_bytes(b"MAT-KHAU-123")
    sub = data / "so-gtvt-tay-ninh" / "2024" / "chuyen-doi-vi-tri.yaml"
    sub.write_text(sub.read_text(encoding="utf-8").replace("file: chuyen-doi-vi-tri-2024.xlsx", "file: ../../../secret.xlsx"),
                   encoding="utf-8")  # fmt: skip
    code, output = run("draft", str(data), "--year", "2025", "--out", str(tmp_path / "draft"))
    assert code == 2 and "ngoài thư mục dữ liệu" in output and "chuyen-doi-vi-tri.yaml" in output, output
    assert "MAT-KHAU-123" not in output and not (tmp_path / "draft").exists()


@pytest.mark.parametrize(("variable", "value"), [("VBGEN_MAX_ZIP_BYTES", "10000"), ("VBGEN_MAX_ZIP_MEMBERS", "3")])
def test_lint_package_limits(variable: str, value: str, good_docx: Path) -> None:
    """A package whose parts unpack past the limit (a 4 GB image part) or hold too many members."""
    code, output = run("lint", str(good_docx), env={variable: value})
    assert code == 1 and "FILE-00" in output and variable in output, output


def test_template_that_is_a_zip_but_not_a_document(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    bomb(folder / "kehoach.docx", size=1000)  # a small, honest zip without Word's parts
    code, output = build(fixture(tmp_path), tmp_path, "--templates", str(folder))
    assert code == 1 and "mẫu kehoach.docx" in output and "lỗi nội bộ" not in output, output
