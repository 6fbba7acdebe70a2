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


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def test_comments_stating_the_old_year_are_updated_or_dropped(tmp_path: Path) -> None:
    """The bundled data's comments: the plan's header describes last year's document (its number
    and date): dropped; the example rotation list's "for 2024": the new year; the rest untouched."""
    from .helpers import DATA

    result = run("draft", str(DATA), "--year", "2027", "--out", str(tmp_path / "d"))
    assert result.exit_code == 0, result.output
    folder = tmp_path / "d" / "so-gtvt-tay-ninh" / "2027"
    for drafted in folder.glob("*.yaml"):
        own = [c for c in _comments(drafted.read_text(encoding="utf-8")) if not c.startswith("# - ")]
        assert not [c for c in own if "2024" in c], drafted  # the XEM LẠI list names last year's citations
    plan = _comments((folder / "ke-hoach-dan-van.yaml").read_text(encoding="utf-8"))
    source = _comments((DATA / "so-gtvt-tay-ninh" / "2024" / "ke-hoach-dan-van.yaml").read_text(encoding="utf-8"))
    assert [c for c in plan if not c.startswith(("# XEM LẠI", "# - "))] == source[1:]  # only the header went
    rotation = (folder / "chuyen-doi-vi-tri.yaml").read_text(encoding="utf-8")
    assert (
        "# DỮ LIỆU VÍ DỤ (example data): the rotation list of Sở GTVT for 2027 is not public; the names\n" in rotation
    )
    assert "# below are placeholders. The table is read from the Excel file beside this one.\n" in rotation
    assert "bỏ ghi chú nói về văn bản năm 2024: 'Kế hoạch số 22/KH-SGTVT" in result.output  # the summary says so
    # Facts are copied as they are, their years included.
    for name in ("directory.yaml", "references.yaml"):
        assert (tmp_path / "d" / name).read_bytes() == (DATA / name).read_bytes()


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("# Kế hoạch năm 2024 của Sở.\n", "# Kế hoạch năm 2026 của Sở.\n"),
        ("# Theo Kế hoạch số 5/KH-UBND ngày 02/01/2024. Chỉ tiêu năm 2024 giữ nguyên.\n",
         "# Chỉ tiêu năm 2026 giữ nguyên.\n"),  # the dated document goes, the sentence about the year stays
        ("# Nghị định số 59/2024/NĐ-CP quy định.\n", ""),
        ("# Dẫn kh-859-ubnd-2024 và kỳ 2024-2025; đường dẫn so-x/2024/a.\n",
         "# Dẫn kh-859-ubnd-2024 và kỳ 2024-2025; đường dẫn so-x/2024/a.\n"),  # ids, spans, paths: not the year
        ("# Năm 2023 và 12024 không đổi.\n", "# Năm 2023 và 12024 không đổi.\n"),
    ],
)  # fmt: skip
def test_a_comment_in_a_drafted_file(tmp_path: Path, comment: str, expected: str) -> None:
    from .helpers import DATA

    data = tmp_path / "data"
    data.mkdir()
    for name in ("directory.yaml", "references.yaml"):
        (data / name).write_bytes((DATA / name).read_bytes())
    plan = (DATA / "so-tu-phap-tay-ninh" / "2024" / "ke-hoach-dan-van.yaml").read_text(encoding="utf-8")
    target = data / "so-tu-phap-tay-ninh" / "2024" / "ke-hoach-dan-van.yaml"
    target.parent.mkdir(parents=True)
    inner = "  # Nội dung năm 2024 (ghi chú trong tệp).\n"
    target.write_text(comment + plan.replace("\n  sections:", "\n" + inner + "  sections:", 1), encoding="utf-8")
    result = run("draft", str(data), "--year", "2026", "--out", str(tmp_path / "d"))
    assert result.exit_code == 0, result.output
    text = (tmp_path / "d" / "so-tu-phap-tay-ninh" / "2026" / "ke-hoach-dan-van.yaml").read_text(encoding="utf-8")
    own = text.split("# DỮ LIỆU VÍ DỤ")[0].split("\n")
    own = "".join(line + "\n" for line in own if line and not line.startswith(("# XEM LẠI", "# - ")))
    assert own == expected
    assert "  # Nội dung năm 2026 (ghi chú trong tệp).\n  sections:" in text  # comments inside the file too


def test_a_review_list_in_a_drafted_file_is_kept_as_written(tmp_path: Path) -> None:
    """An imported file's "XEM LẠI (vbgen import)" list names last year's documents: it is a
    record of what to check, not a statement about the plan, and stays as it is."""
    from .helpers import DATA

    data = tmp_path / "data"
    data.mkdir()
    for name in ("directory.yaml", "references.yaml"):
        (data / name).write_bytes((DATA / name).read_bytes())
    review = (
        "# Nhập từ ke-hoach.docx (vbgen import).\n# XEM LẠI (vbgen import):\n"
        "# - trích dẫn 'Kế hoạch số 5/KH-UBND, ngày 02/01/2024' có dấu phẩy trước 'ngày': giữ nguyên như đã gõ\n"
        "# - văn bản dẫn chiếu 'kh-5-ubnd-2024' (Kế hoạch năm 2024) mới: kiểm tra trích yếu\n"
    )
    plan = (DATA / "so-tu-phap-tay-ninh" / "2024" / "ke-hoach-dan-van.yaml").read_text(encoding="utf-8")
    target = data / "so-tu-phap-tay-ninh" / "2024" / "ke-hoach-dan-van.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(review + plan, encoding="utf-8")
    assert run("draft", str(data), "--year", "2026", "--out", str(tmp_path / "d")).exit_code == 0
    text = (tmp_path / "d" / "so-tu-phap-tay-ninh" / "2026" / "ke-hoach-dan-van.yaml").read_text(encoding="utf-8")
    assert review in text
