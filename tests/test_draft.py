"""Issue 6: next year's drafts from this year's data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build
from generator.cli import main

from .helpers import lines

# From 01/3/2025 Sở GTVT is succeeded by Sở Xây dựng (data/directory.yaml), which issues the 2025 draft.
PLAN_2025 = "2025-KH-SXD-dan-van-chinh-quyen.docx"
OLD_CITES = [  # last year's documents, cited as they are (and flagged for review)
    "Kế hoạch số 859/KH-UBND ngày 25/3/2024 của UBND tỉnh về việc thực hiện công tác dân vận chính quyền năm 2024",
    "Kế hoạch số 26-KH/BCĐ ngày 31 tháng 01 năm 2024",
    "về việc thực hiện dân chủ ở cơ sở năm 2024",
]


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path], str]:
    from .helpers import DATA

    base = tmp_path_factory.mktemp("draft")
    result = run("draft", str(DATA), "--year", "2025", "--out", str(base / "d"))
    assert result.exit_code == 0, result.output
    built = build([base / "d"], base / "o")
    assert built.exit_code == 0
    return base / "d", {p.name: p for p in built.written}, result.output


def test_every_plan_and_subplan_is_drafted(drafted: tuple[Path, dict[str, Path], str]) -> None:
    _d, docs, _out = drafted
    # 2 plans and 12 sub-plans: UBND Phường 1 ended on 01/7/2025 with no successor in the directory
    assert len(docs) == 14 and all(name.startswith("2025-") for name in docs)
    assert not any("-BC-" in name for name in docs)  # last year's results are not carried over


def test_draft_text(drafted: tuple[Path, dict[str, Path], str]) -> None:
    _d, docs, _out = drafted
    got = lines(docs[PLAN_2025])
    assert "Thực hiện công tác dân vận chính quyền năm 2025" in got
    assert "Số:      /KH-SXD" in got and "DỰ THẢO" in got
    assert "Tây Ninh, ngày      tháng      năm 2025" in got
    text = " ".join(got)
    assert "Nghị định số 59/2023/NĐ-CP" in text and "giai đoạn 2021-2026" in text
    assert "trước ngày 01/11/2025" in text and "trước ngày 15/11/2025" in text
    rest = text
    for cite in OLD_CITES:
        rest = rest.replace(cite, "")
    assert "2024" not in rest, re.findall(r".{40}2024.{20}", rest)


def test_subplans_reselect_their_bases(drafted: tuple[Path, dict[str, Path], str]) -> None:
    _d, docs, _out = drafted
    thrift = " ".join(lines(docs["2025-KH-SXD-thuc-hanh-tiet-kiem-chong-lang-phi.docx"]))
    assert "năm 2025" in thrift and "1764/QĐ-TTg" not in thrift  # the 2024 programme is not cited in 2025
    assert "Căn cứ Kế hoạch của Sở Xây dựng về việc thực hiện công tác dân vận chính quyền năm 2025." in thrift


def test_flags_in_the_file_and_the_summary(drafted: tuple[Path, dict[str, Path], str]) -> None:
    d, _docs, output = drafted
    plan = (d / "so-gtvt-tay-ninh" / "2025" / "ke-hoach-dan-van.yaml").read_text(encoding="utf-8")
    assert plan.startswith("# XEM LẠI (vbgen draft 2025):")
    assert "kh-859-ubnd-2024" in plan.split("plan:")[0]
    assert "# Text that names the plan's own year writes {{ year }}" in plan  # comments kept
    assert "XEM LẠI: văn bản dẫn chiếu 'kh-859-ubnd-2024'" in output
    assert "thuc-hanh-tiet-kiem': danh mục chưa có văn bản hằng năm cho năm 2025" in output


def test_twice_identical_and_no_silent_overwrite(drafted: tuple[Path, dict[str, Path], str], tmp_path: Path) -> None:
    from .helpers import DATA

    d, _docs, _out = drafted
    again = tmp_path / "again"
    assert run("draft", str(DATA), "--year", "2025", "--out", str(again)).exit_code == 0
    for f in d.rglob("*"):
        if f.is_file():
            assert (again / f.relative_to(d)).read_bytes() == f.read_bytes(), f
    target = again / "so-gtvt-tay-ninh" / "2025" / "ke-hoach-dan-van.yaml"
    target.write_text("edited", encoding="utf-8")
    refused = run("draft", str(DATA), "--year", "2025", "--out", str(again))
    assert refused.exit_code == 2 and "--force" in refused.output  # DESIGN: draft exits 0 or 2
    assert target.read_text(encoding="utf-8") == "edited"
    assert run("draft", str(DATA), "--year", "2025", "--out", str(again), "--force").exit_code == 0


def test_json_summary(tmp_path: Path) -> None:
    from .helpers import DATA

    result = run("draft", str(DATA), "--year", "2025", "--out", str(tmp_path / "d"), "--json")
    data = json.loads(result.stdout)
    plan = next(f for f in data["files"] if f["source"].endswith("so-gtvt-tay-ninh/2024/ke-hoach-dan-van.yaml"))
    assert "hạn 'bao-cao-ket-qua': 01/11/2024 → 01/11/2025" in plan["changes"]
    assert any("kh-859-ubnd-2024" in r for r in plan["review"])


def test_succession(data_copy: Path, tmp_path: Path) -> None:
    directory = data_copy / "directory.yaml"
    text = directory.read_text(encoding="utf-8")
    text = text.replace(
        "    all_units: Các phòng, đ/vị thuộc Sở\n\n  ubnd-tinh-tay-ninh:",
        "    all_units: Các phòng, đ/vị thuộc Sở\n    succeeded: {by: so-xay-dung-tay-ninh, date: 2025-03-01}\n\n"
        "  so-xay-dung-tay-ninh:\n    name: Sở Xây dựng\n    short: Sở Xây dựng\n    code: SXD\n"
        "    parent: ubnd-tinh-tay-ninh\n    place: Tây Ninh\n    head_title: Giám đốc\n"
        "    deputy_title: Phó Giám đốc\n    units: {vp: {name: Văn phòng Sở, code: VP}}\n"
        "    all_units: Các phòng, đơn vị thuộc Sở\n    verified: false\n\n  ubnd-tinh-tay-ninh:",
        1,
    )
    directory.write_text(text, encoding="utf-8")
    result = run("draft", str(data_copy), "--year", "2025", "--out", str(tmp_path / "d"))
    assert result.exit_code == 0, result.output
    assert "cơ quan ban hành: so-gtvt-tay-ninh → so-xay-dung-tay-ninh" in result.output
    assert "nơi nhận 'cong-doan' không có ở Sở Xây dựng: đã bỏ" in result.output
    built = build([tmp_path / "d"], tmp_path / "o")
    plan = next(p for p in built.written if p.name == "2025-KH-SXD-dan-van-chinh-quyen.docx")
    got = lines(plan)
    assert got[:2] == ["UBND TỈNH TÂY NINH", "SỞ XÂY DỰNG"]
    assert "Số:      /KH-SXD" in got
    # 2024 is untouched: the same data still builds under Sở GTVT.
    assert any(
        p.name == "2024-22-KH-SGTVT-dan-van-chinh-quyen.docx" for p in build([data_copy], tmp_path / "o24").written
    )
