"""Issue 5: the results report and the self-assessment, derived from the plan; deadlines."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from generator.build import build
from generator.cli import main
from generator.data.model import Target, TargetResult
from generator.errors import DataError
from generator.family.reports import last_working_day_before, target_status

from .helpers import DATA, iter_paragraphs, lines

RESULTS = DATA / "so-gtvt-tay-ninh" / "2024" / "ket-qua-dan-van.yaml"
REPORT = "2024-BC-SGTVT-ket-qua-dan-van-chinh-quyen.docx"
SCORING = "2024-BC-SGTVT-tu-cham-diem-dan-van-chinh-quyen.docx"


def section(got: list[str], title: str) -> list[str]:
    start = got.index(title)
    end = next((i for i in range(start + 1, len(got)) if re.match(r"^[IVX]+\. ", got[i])), len(got))
    return got[start + 1 : end]


def data_tables(path: Path) -> list[list[list[str]]]:
    doc = Document(str(path))
    return [[[c.text.strip() for c in row.cells] for row in t.rows] for t in doc.tables[1:-1]]


def test_results_report_mirrors_the_plan(built: dict[str, Path], plan_docx: Path) -> None:
    got = lines(built[REPORT])
    assert "BÁO CÁO" in got and "Kết quả thực hiện công tác dân vận chính quyền năm 2024" in got
    assert "Số:      /BC-SGTVT" in got
    assert "Tây Ninh, ngày 31 tháng 10 năm 2024" in got  # the working day before 01/11/2024
    plan_items = [g for g in section(lines(plan_docx), "II. NỘI DUNG") if re.match(r"^\d+\. ", g)]
    report_items = [g for g in section(got, "II. KẾT QUẢ THỰC HIỆN") if re.match(r"^\d+\. ", g)]
    assert len(plan_items) == 5
    assert report_items[:5] == plan_items  # one entry per content item, with the plan's numbering
    assert report_items[5] == "6. Kết quả thực hiện các chỉ tiêu"
    assert got[got.index(plan_items[0]) + 1].startswith("Tổ chức quán triệt")
    opening = next(g for g in got if g.startswith("Thực hiện "))
    assert "Kế hoạch số 859/KH-UBND ngày 25/3/2024" in opening and "Kế hoạch số 22/KH-SGTVT ngày 03/4/2024" in opening
    for title in ("III. ĐÁNH GIÁ CHUNG", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025", "V. KIẾN NGHỊ, ĐỀ XUẤT"):
        assert title in got
    nn = got[got.index("Nơi nhận:") + 1 :]
    assert nn[0] == "- UBND tỉnh;" and nn[1] == "- Sở Nội vụ;"  # the body reported to first
    assert "- Lưu: VT, VP." in nn


def test_targets_table_with_status(built: dict[str, Path]) -> None:
    [table] = data_tables(built[REPORT])
    assert table[0] == ["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Đánh giá"]
    assert len(table) == 6  # the plan's five targets
    assert table[1][2:] == ["100%", "100%", "Đạt"]
    assert all(row[4] == "Đạt" for row in table[1:])
    assert table[1][1].startswith("Phấn đấu 100% công chức")


def test_scoring_total_and_rating(built: dict[str, Path]) -> None:
    [table] = data_tables(built[SCORING])
    assert table[0] == ["STT", "Tiêu chí", "Điểm tối đa", "Điểm tự chấm", "Tài liệu kiểm chứng"]
    criteria = [r for r in table[1:] if r[0].isdigit()]
    groups = [r for r in table[1:] if re.fullmatch(r"[IVX]+", r[0])]
    total = table[-1]
    assert total[1] == "Tổng cộng"
    assert float(total[3]) == sum(float(r[3]) for r in criteria) == 92
    assert float(total[2]) == sum(float(r[2]) for r in criteria) == 100
    assert sum(float(g[3]) for g in groups) == float(total[3])
    got = lines(built[SCORING])
    assert "Tổng điểm tự chấm: 92/100 điểm; tự xếp loại: Tốt." in got  # 92 ≥ 90 → Tốt
    assert any("VÍ DỤ" in g and "Quyết định số 908/QĐ-UBND" in g for g in got)  # labelled as an example
    doc = Document(str(built[SCORING]))
    bold = {r.text for p in iter_paragraphs(doc) for r in p.runs if r.bold}
    assert "Tổng cộng" in bold


def test_status_rules() -> None:
    t = Target(text="x", value=10)
    assert target_status(t, TargetResult(achieved=12)) == "vượt"
    assert target_status(t, TargetResult(achieved=10)) == "đạt"
    assert target_status(t, TargetResult(achieved=9)) == "không đạt"
    fewer = Target(text="x", value=2, direction="at_most")
    assert target_status(fewer, TargetResult(achieved=1)) == "vượt"
    assert target_status(Target(text="x"), TargetResult(status="đạt")) == "đạt"
    assert last_working_day_before(dt.date(2024, 11, 4)) == dt.date(2024, 11, 1)  # Monday → Friday


def _edit(data: Path, old: str, new: str) -> None:
    path = data / RESULTS.relative_to(DATA)
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_missing_result_warns_and_strict_fails(data_copy: Path, tmp_path: Path) -> None:
    _edit(data_copy, "    II.4: Phát động phong trào thi đua “Dân vận khéo” trong toàn ngành.\n", "")
    runner = CliRunner()
    loose = runner.invoke(main, ["build", str(data_copy), "--out", str(tmp_path / "a")])
    assert loose.exit_code == 0
    assert "chưa có kết quả của mục II.4 “Đẩy mạnh các phong trào thi đua yêu nước" in loose.output
    strict = runner.invoke(main, ["build", str(data_copy), "--out", str(tmp_path / "b"), "--strict"])
    assert strict.exit_code == 1 and "II.4" in strict.output
    assert not (tmp_path / "b" / REPORT).exists()
    assert (tmp_path / "b" / SCORING).exists()  # the other documents are written


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("      mo-hinh: 8\n", "      mo-hinh: 11\n", "'mo-hinh' (11) vượt điểm tối đa (10)"),
        ("      mo-hinh: 8\n", "      mo-hinh: -1\n", "'mo-hinh' âm"),
        ("      mo-hinh: 8\n", "      mo-hinhh: 8\n", "tiêu chí 'mo-hinhh' không có trong bảng"),
    ],
)
def test_scoring_errors_name_file_and_criterion(old: str, new: str, words: str, data_copy: Path) -> None:
    _edit(data_copy, old, new)
    with pytest.raises(DataError) as info:
        build([data_copy], data_copy.parent / "out")
    message = str(info.value)
    assert words in message and "ket-qua-dan-van.yaml:" in message and "scoring.scores" in message


def test_unknown_result_item_is_an_error(data_copy: Path) -> None:
    _edit(data_copy, "    II.5:", "    II.6:")
    with pytest.raises(DataError, match=r"kết quả cho mục 'II\.6' mà kế hoạch không có"):
        build([data_copy], data_copy.parent / "out")


def test_deadlines_and_ics(tmp_path: Path) -> None:
    from icalendar import Calendar

    ics = tmp_path / "han.ics"
    result = CliRunner().invoke(main, ["deadlines", str(DATA), "--today", "2024-10-01", "--ics", str(ics)])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line]
    assert rows[0].startswith("01/11/2024  (còn 31 ngày)  Báo cáo kết quả")
    assert rows[1].startswith("15/11/2024  (còn 45 ngày)  Hồ sơ đánh giá, tự chấm điểm")
    cal = Calendar.from_ical(ics.read_bytes())
    dates = sorted(e.decoded("dtstart") for e in cal.walk("VEVENT"))
    assert dates == [dt.date(2024, 11, 1), dt.date(2024, 11, 15)]
    again = tmp_path / "again.ics"
    CliRunner().invoke(main, ["deadlines", str(DATA), "--ics", str(again)])
    assert again.read_bytes() == ics.read_bytes()  # stable UIDs and stamps


def test_deadlines_json() -> None:
    import json

    result = CliRunner().invoke(main, ["deadlines", str(DATA), "--json", "--today", "2024-11-10"])
    data = json.loads(result.stdout)
    assert [d["days_left"] for d in data] == [-9, 5]
