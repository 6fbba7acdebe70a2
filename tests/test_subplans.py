"""Issue 4: sub-plans derived from the main plan and the catalogue, in batch for three agencies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import Workbook

from generator.build import build
from generator.cli import main
from generator.data.load import load
from generator.errors import DataError
from generator.family.derive import in_force

from .helpers import DATA, iter_paragraphs, lines

GTVT = "so-gtvt-tay-ninh/2024"
MAIN_CITE = "Kế hoạch số 22/KH-SGTVT ngày 03/4/2024 của Sở GTVT về việc thực hiện công tác dân vận chính quyền năm 2024"
# kind slug: (title, a legal basis it must cite, drafting unit code, table heading or None)
KINDS = {
    "tuyen-truyen-cai-cach-hanh-chinh": ("Tuyên truyền cải cách hành chính năm 2024", "Nghị quyết số 76/NQ-CP", "VP",
                                         "Nội dung"),
    "thanh-tra-kiem-tra": ("Thanh tra, kiểm tra năm 2024", "Luật Thanh tra ngày 14 tháng 11 năm 2022", "TTr",
                           "Nội dung thanh tra, kiểm tra"),
    "phong-chong-tham-nhung": ("Phòng, chống tham nhũng năm 2024",
                               "Luật Phòng, chống tham nhũng ngày 20 tháng 11 năm 2018", "TTr", "Nhiệm vụ"),
    "thuc-hanh-tiet-kiem-chong-lang-phi": ("Thực hành tiết kiệm, chống lãng phí năm 2024",
                                           "Quyết định số 1764/QĐ-TTg ngày 31/12/2023", "KHTC", "Chỉ tiêu tiết kiệm"),
    "dao-tao-boi-duong": ("Đào tạo, bồi dưỡng công chức, viên chức năm 2024", "Nghị định số 101/2017/NĐ-CP", "VP",
                          "Số lượng (người)"),
    "chuyen-doi-vi-tri-cong-tac": ("Định kỳ chuyển đổi vị trí công tác năm 2024",
                                   "Luật Phòng, chống tham nhũng ngày 20 tháng 11 năm 2018", "VP", "Vị trí chuyển đến"),
}  # fmt: skip


def tables(path: Path) -> list[list[list[str]]]:
    doc = Document(str(path))
    return [[[c.text.strip() for c in row.cells] for row in t.rows] for t in doc.tables[1:-1]]


@pytest.mark.parametrize("slug", sorted(KINDS))
def test_gtvt_subplan(slug: str, built: dict[str, Path]) -> None:
    title, basis, unit, heading = KINDS[slug]
    path = built[f"2024-KH-SGTVT-{slug}.docx"]
    got = lines(path)
    assert got[:2] == ["UBND TỈNH TÂY NINH", "SỞ GIAO THÔNG VẬN TẢI"]
    assert "Số:      /KH-SGTVT" in got and "DỰ THẢO" in got
    assert "KẾ HOẠCH" in got and title in got
    basis_lines = [g for g in got if g.startswith("Căn cứ ")]
    assert basis_lines[-1] == f"Căn cứ {MAIN_CITE}."  # the main plan, cited as everywhere else
    assert all(b.endswith(";") for b in basis_lines[:-1])
    assert any(basis in b for b in basis_lines), basis_lines
    assert got[got.index("Nơi nhận:") + 1 :][: got[got.index("Nơi nhận:") :].index(f"- Lưu: VT, {unit}.")]
    assert f"- Lưu: VT, {unit}." in got
    assert any(heading in t[0] for t in tables(path)), tables(path)


def test_rotation_table_from_the_bundled_xlsx(built: dict[str, Path]) -> None:
    [table] = tables(built["2024-KH-SGTVT-chuyen-doi-vi-tri-cong-tac.docx"])
    assert table[0] == ["STT", "Họ và tên", "Vị trí công tác hiện tại", "Vị trí chuyển đến", "Thời điểm chuyển đổi"]
    assert table[1][:2] == ["1", "Nguyễn Văn A"] and len(table) == 4
    text = " ".join(lines(built["2024-KH-SGTVT-chuyen-doi-vi-tri-cong-tac.docx"]))
    assert "từ đủ 02 năm đến 05 năm" in text and "không giữ chức vụ lãnh đạo, quản lý" in text


def test_batch_three_agencies(built: dict[str, Path]) -> None:
    subplans = [n for n in built if "-dan-van-chinh-quyen" not in n]
    assert len(subplans) >= 18
    for agency in ("SGTVT", "STP", "UBND"):
        assert sum(1 for n in subplans if f"-KH-{agency}-" in n) == 6, agency
    phuong = lines(built["2024-KH-UBND-phong-chong-tham-nhung.docx"])
    assert phuong[:3] == ["UBND THÀNH PHỐ TÂY NINH", "ỦY BAN NHÂN DÂN", "PHƯỜNG 1"]
    assert "- Thanh tra thành phố;" in phuong  # the role resolved through the city
    assert "TM. ỦY BAN NHÂN DÂN" in phuong and "KT. CHỦ TỊCH" in phuong


def test_main_plan_names_its_subplans(plan_docx: Path) -> None:
    text = " ".join(lines(plan_docx))
    assert (
        "Xây dựng Kế hoạch tuyên truyền cải cách hành chính; Kế hoạch thanh tra, kiểm tra; Kế hoạch phòng, chống "
        "tham nhũng; Kế hoạch thực hành tiết kiệm, chống lãng phí; Kế hoạch đào tạo, bồi dưỡng công chức; Kế hoạch "
        "định kỳ chuyển đổi vị trí công tác năm 2024."
    ) in text


def _xlsx(path: Path, rows: list[list[object]], sheet: str = "Danh sách") -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    wb.save(path)


HEAD = ["Họ và tên", "Vị trí công tác hiện tại", "Vị trí chuyển đến", "Thời điểm chuyển đổi"]


def test_rotation_table_built_from_a_new_xlsx(data_copy: Path, tmp_path: Path) -> None:
    _xlsx(data_copy / GTVT / "chuyen-doi-vi-tri-2024.xlsx",
          [["Danh sách"], HEAD, ["Phạm Thị D", "Văn thư", "Lưu trữ", "Tháng 8/2024"]])  # fmt: skip
    result = build([data_copy], tmp_path / "out")
    path = next(p for p in result.written if p.name == "2024-KH-SGTVT-chuyen-doi-vi-tri-cong-tac.docx")
    assert tables(path)[0][1] == ["1", "Phạm Thị D", "Văn thư", "Lưu trữ", "Tháng 8/2024"]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("missing-file", ["không tìm thấy tệp bảng 'khong-co.xlsx'", "chuyen-doi-vi-tri.yaml"]),
        ("missing-sheet", ["không có trang 'Danh sách'", "có: Trang1"]),
        ("missing-column", ["thiếu cột 'Vị trí chuyển đến'", "chuyen-doi-vi-tri-2024.xlsx, trang 'Danh sách'"]),
        ("bad-number", ["cột 'Số lượng (người)' cần một số, có 'năm'", "dao-tao-boi-duong.yaml"]),
    ],
)
def test_table_file_errors(change: str, words: list[str], data_copy: Path, tmp_path: Path) -> None:
    folder = data_copy / GTVT
    if change == "missing-file":
        (folder / "chuyen-doi-vi-tri.yaml").write_text(
            (folder / "chuyen-doi-vi-tri.yaml")
            .read_text(encoding="utf-8")
            .replace("chuyen-doi-vi-tri-2024", "khong-co"),
            encoding="utf-8",
        )
    elif change == "missing-sheet":
        _xlsx(folder / "chuyen-doi-vi-tri-2024.xlsx", [HEAD], sheet="Trang1")
    elif change == "missing-column":
        _xlsx(folder / "chuyen-doi-vi-tri-2024.xlsx", [HEAD[:2] + HEAD[3:], ["A", "B", "C"]])
    else:
        text = (folder / "dao-tao-boi-duong.yaml").read_text(encoding="utf-8").replace("so-luong: 5", "so-luong: năm")
        (folder / "dao-tao-boi-duong.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        build([data_copy], tmp_path / "out")
    message = str(info.value)
    for w in words:
        assert w in message, message
    assert not (tmp_path / "out").exists()


def test_missing_column_names_row(data_copy: Path) -> None:
    _xlsx(data_copy / GTVT / "chuyen-doi-vi-tri-2024.xlsx", [["tiêu đề"], HEAD[:3]])
    with pytest.raises(DataError, match=r"dòng tiêu đề 2"):
        build([data_copy], data_copy.parent / "out")


def test_override_replaces_a_section_and_adds_targets(data_copy: Path, tmp_path: Path) -> None:
    (data_copy / GTVT / "phong-chong-tham-nhung.yaml").write_text(
        """subplan:
  plan: so-gtvt-tay-ninh/2024/ke-hoach-dan-van
  kind: phong-chong-tham-nhung
  number: 31
  date: 2024-04-15
  sections:
    - id: to-chuc-thuc-hien
      title: Tổ chức thực hiện
      items:
        - Thanh tra Sở theo dõi, đôn đốc thực hiện Kế hoạch này.
  add_targets:
    - text: Không để xảy ra vụ việc tham nhũng trong cơ quan.
  recipients:
    extra: [Website Sở]
""",
        encoding="utf-8",
    )
    result = build([data_copy], tmp_path / "out")
    path = next(p for p in result.written if "phong-chong-tham-nhung" in p.name and "SGTVT" in p.name)
    assert path.name == "2024-31-KH-SGTVT-phong-chong-tham-nhung.docx"
    got = lines(path)
    assert "Số: 31/KH-SGTVT" in got and "DỰ THẢO" not in got
    assert "Tây Ninh, ngày 15 tháng 4 năm 2024" in got
    assert "1. Thanh tra Sở theo dõi, đôn đốc thực hiện Kế hoạch này." in got
    assert "3. Không để xảy ra vụ việc tham nhũng trong cơ quan." in got
    assert "- Website Sở;" in got and got[got.index("- Website Sở;") + 1] == "- Lưu: VT, TTr."


def test_subplan_file_for_a_kind_not_called(data_copy: Path) -> None:
    (data_copy / GTVT / "x.yaml").write_text(
        "subplan:\n  plan: so-gtvt-tay-ninh/2024/ke-hoach-dan-van\n  kind: chuyen-doi-vi-trii\n", encoding="utf-8"
    )
    with pytest.raises(DataError, match="có phải 'chuyen-doi-vi-tri'"):
        load([data_copy])


def test_legal_bases_follow_the_year() -> None:
    corpus = load([DATA])
    refs = corpus.references
    assert in_force(refs["qd-1764-ttg-2023"], 2024) and not in_force(refs["qd-1764-ttg-2023"], 2025)
    assert in_force(refs["qd-1658-ttg-2022"], 2023) and not in_force(refs["qd-1658-ttg-2022"], 2024)
    assert not in_force(refs["nd-03-2024"], 2023)  # not yet issued


def test_jobs_same_bytes_and_one_failure_does_not_stop_the_batch(tmp_path: Path) -> None:
    serial = build([DATA], tmp_path / "a")
    parallel = build([DATA], tmp_path / "b", jobs=2)
    assert [p.name for p in serial.written] == [p.name for p in parallel.written]
    for a, b in zip(serial.written, parallel.written, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    out = tmp_path / "c"
    (out / "2024-KH-STP-thanh-tra-kiem-tra.docx").mkdir(parents=True)  # cannot be written over
    result = CliRunner().invoke(main, ["build", str(DATA), "--out", str(out), "--jobs", "2"])
    assert result.exit_code == 1
    assert "lỗi ở" in result.output and "2024-KH-STP-thanh-tra-kiem-tra.docx" in result.output
    total = len(serial.written)
    assert f"{total - 1} văn bản đã ghi, 0 không đổi, 1 lỗi." in result.output
    assert len(list(out.glob("*.docx"))) == total  # the others written, and the directory in the way


def test_every_subplan_uses_the_one_template(built: dict[str, Path]) -> None:
    from generator.word.render import template_dir

    assert sorted(p.name for p in template_dir().glob("*.docx")) == ["baocao.docx", "kehoach.docx"]
    for path in built.values():
        names = {p.style.name for p in iter_paragraphs(Document(str(path)))}
        assert "VB Body" in names


def test_copy_of_data_is_independent(data_copy: Path) -> None:
    assert (data_copy / "directory.yaml").read_bytes() == (DATA / "directory.yaml").read_bytes()
    shutil.rmtree(data_copy)
