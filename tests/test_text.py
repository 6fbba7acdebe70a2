"""Data text: emphasis marks, verbatim characters, variables, numbers."""

from __future__ import annotations

from pathlib import Path

from generator.build import build
from generator.nd30.figures import vn_number
from generator.nd30.text import Rich, Run, parse_markup, render_text

from .helpers import FIXTURES, lines


def test_emphasis_and_verbatim_characters() -> None:
    rich = parse_markup("A & B <c> “trích” **trước ngày 01/11/2024** và *Dân biết* 5 * 3")
    assert str(rich) == "A & B <c> “trích” trước ngày 01/11/2024 và Dân biết 5 * 3"
    assert Run("trước ngày 01/11/2024", bold=True) in rich.runs
    assert Run("Dân biết", italic=True) in rich.runs


def test_inserted_values_cannot_open_emphasis() -> None:
    text = render_text("{{ name }} **đậm**", {"name": "*không nghiêng*"})
    rich = parse_markup(text)
    assert str(rich) == "*không nghiêng* đậm"
    assert not any(r.italic for r in rich.runs)


def test_ending_replaces_final_punctuation() -> None:
    assert str(Rich.plain("năm 2024.").ending("./.")) == "năm 2024./."
    assert str(Rich.plain("năm 2024;").ending("./.")) == "năm 2024./."


def test_vietnamese_numbers() -> None:
    assert vn_number(1234567) == "1.234.567"
    assert vn_number(12.5) == "12,5"
    assert vn_number(100.0) == "100"
    assert render_text("{{ n | number }}", {"n": 2500000}) == "2.500.000"


def test_unnumbered_draft_and_special_characters(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("directory.yaml", "references.yaml"):
        (folder / name).write_text((FIXTURES / "ubnd-tinh" / name).read_text(encoding="utf-8"), encoding="utf-8")
    plan = (FIXTURES / "ubnd-tinh" / "ke-hoach.yaml").read_text(encoding="utf-8")
    plan = plan.replace("  number: 7\n", "").replace("  date: 2024-01-09\n", "  year: 2024\n")
    plan = plan.replace("Tổng hợp kết quả, báo cáo.", "Công ty A & B <thử> “trích dẫn” nhận 2 < 3 > 1.")
    (folder / "ke-hoach.yaml").write_text(plan, encoding="utf-8")
    [path] = build([folder], tmp_path / "out").written
    assert path.name.startswith("2024-KH-UBND-")  # no number in the name
    got = lines(path)
    assert "Số:      /KH-UBND" in got
    assert "DỰ THẢO" in got
    assert "Tây Ninh, ngày      tháng      năm 2024" in got
    assert "b) Công ty A & B <thử> “trích dẫn” nhận 2 < 3 > 1./." in got  # the last body paragraph
