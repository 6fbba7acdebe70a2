"""Issue 2 acceptance: a UBND tỉnh plan, signed for the collective body, dated in January."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from generator.build import build
from generator.word.docxfmt import Styles

from .helpers import FIXTURES, iter_paragraphs, lines


def test_ubnd_tinh_plan(tmp_path: Path) -> None:
    result = build([FIXTURES / "ubnd-tinh"], tmp_path)
    assert result.exit_code == 0
    [path] = result.written
    assert (
        path.name == "2024-07-KH-UBND-thuc-hien-cong-tac-dan-van-chinh-quyen-nam-2024-tren-dia-ban.docx"
    )  # slug ≤ 60 chars
    got = lines(path)
    assert got[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH TÂY NINH"]  # no chủ quản line
    assert "Số: 07/KH-UBND" in got
    assert "Tây Ninh, ngày 09 tháng 01 năm 2024" in got
    start = got.index("TM. ỦY BAN NHÂN DÂN")
    assert got[start : start + 4] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"]
    assert "a) Tham mưu UBND tỉnh theo dõi, đôn đốc việc thực hiện Kế hoạch." in got
    assert "- Lưu: VT, VP." in got and "- Các sở, ban, ngành tỉnh (T/hiện);" in got
    doc = Document(str(path))
    styles = Styles(doc)
    for p in iter_paragraphs(doc):
        if p.text.strip() in ("ỦY BAN NHÂN DÂN", "TỈNH TÂY NINH", "Nguyễn Văn A"):
            assert styles.run_format(p, p.runs[0]).bold
