"""vbgen import: what vbgen builds comes back as the same data (text), and bad input is refused."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from generator.build import build
from generator.cli import main
from generator.importer.api import import_documents
from generator.nd30.dates import date_line, long_date, parse_date_line, parse_long_date, parse_short_date, short_date
from generator.nd30.numbering import number_line, parse_number_line, parse_symbol, parse_type_name, type_name
from generator.nd30.recipients import parse_keep_line, parse_recipient_line, parse_typist, typist_line
from generator.nd30.signature import parse_authority, read_authority

from .helpers import DATA, REPO, lines

CORPUS = next(
    (p / "shared" / "corpus" / "real-docx" for p in (REPO.parent, REPO.parent.parent) if (p / "shared" / "corpus" / "real-docx").is_dir()),
    REPO.parent / "shared" / "corpus" / "real-docx",
)


# --- readers agree with writers -----------------------------------------------------------------


@given(st.dates(dt.date(1945, 1, 1), dt.date(2200, 12, 31)))
def test_dates_round_trip(d: dt.date) -> None:
    assert parse_long_date(long_date(d)) == d
    assert parse_short_date(short_date(d)) == d
    line = parse_date_line(date_line("Tây Ninh", d))
    assert line is not None and (line.place, line.date, line.year) == ("Tây Ninh", d, d.year)


def test_blank_date_line() -> None:
    line = parse_date_line(date_line("Phường 1", None, 2025))
    assert line is not None and (line.place, line.date, line.year) == ("Phường 1", None, 2025)


@given(st.one_of(st.none(), st.integers(1, 9999)), st.sampled_from(["KH", "BC", "QĐ", "TTr", "CTr"]),
       st.sampled_from(["SGTVT", "UBND", "BCĐ", "STP"]))  # fmt: skip
def test_number_line_round_trip(number: int | None, code: str, agency: str) -> None:
    assert parse_number_line(number_line(number, code, agency)) == (number, code, agency)
    assert parse_type_name(type_name(code)) == code


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("859/KH-UBND", ("859", None, "KH", "UBND", False)),
        ("59/2023/NĐ-CP", ("59", 2023, "NĐ", "CP", False)),
        ("10/2022/QH15", ("10", 2022, None, "QH15", False)),
        ("74/2022/QH15", ("74", 2022, None, "QH15", False)),
        ("12/2024/NQ-HĐND", ("12", 2024, "NQ", "HĐND", False)),
        ("04-CTr/BDVTU-BCSĐUBND", ("04", None, "CTr", "BDVTU-BCSĐUBND", True)),
        ("23-QĐ/TW", ("23", None, "QĐ", "TW", True)),
    ],
)
def test_symbols(text: str, parts: tuple) -> None:
    assert tuple(parse_symbol(text)) == parts


def test_recipient_and_signature_readers() -> None:
    assert tuple(parse_recipient_line("- Ban Dân vận Tỉnh ủy (b/c);")) == ("Ban Dân vận Tỉnh ủy", "b/c", "report")
    assert parse_recipient_line("- Các phòng, đ/vị thuộc Sở (T/hiện);").role == "implement"
    assert parse_keep_line("- Lưu: VT, VP, 02b.") == ("VP", "02b")
    assert parse_typist(typist_line("Kh", 38)) == ("Kh", 38)
    assert parse_authority("KT. GIÁM ĐỐC") == ("KT.", "GIÁM ĐỐC")
    r = read_authority(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"])
    assert r is not None and (r.authority, r.collective, r.head_title, r.deputy_title, r.lines) == (
        "deputy", "ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "PHÓ CHỦ TỊCH", 3)  # fmt: skip


# --- round trip on vbgen's own output -----------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("built")
    build([DATA], out)
    files = sorted(out.glob("*.docx"))
    assert len(files) >= 20
    return files


@pytest.mark.parametrize("with_root", [True, False], ids=["data-root", "no-root"])
def test_every_built_document_comes_back(built: list[Path], with_root: bool, tmp_path: Path) -> None:
    bad = []
    for i, docx in enumerate(built):
        data, out = tmp_path / f"d{i}", tmp_path / f"o{i}"
        import_documents([docx], data, DATA if with_root else None)
        result = build([data], out)
        rebuilt = sorted(out.glob("*.docx"))
        assert len(rebuilt) == 1 and not result.failed, docx.name
        if lines(rebuilt[0]) != lines(docx):
            bad.append(docx.name)
    assert bad == []


def test_reference_plan_citations_come_back(built: list[Path], tmp_path: Path) -> None:
    plan = next(p for p in built if p.name.startswith("2024-22-KH-SGTVT"))
    import_documents([plan], tmp_path, DATA)
    text = next((tmp_path / "so-gtvt-tay-ninh" / "2024").glob("*.yaml")).read_text(encoding="utf-8")
    source = (DATA / "so-gtvt-tay-ninh" / "2024" / "ke-hoach-dan-van.yaml").read_text(encoding="utf-8")
    import re

    cited = set(re.findall(r"cite\('([^']+)'", source)) - {"id"}  # "id": the comment
    assert len(cited) == 20
    assert set(re.findall(r"cite\('([^']+)'", text)) == cited
    assert "title: Thực hiện công tác dân vận chính quyền năm {{ year }}" in text
    assert "deadline('" in text and "authority: deputy" in text and "initials: Kh" in text
    assert "- ban-dan-van-tinh-uy" in text and "- all-units" in text


def test_cli_import_then_build_and_draft(built: list[Path], tmp_path: Path) -> None:
    plan = next(p for p in built if p.name.startswith("2024-22-KH-SGTVT"))
    runner = CliRunner()
    res = runner.invoke(main, ["import", str(plan), "--out", str(tmp_path / "nhap")])
    assert res.exit_code == 0, res.output
    text = (tmp_path / "nhap" / "directory.yaml").read_text(encoding="utf-8")
    assert "verified: false" in text  # no data root: every body is new
    res = runner.invoke(main, ["build", str(tmp_path / "nhap"), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["draft", str(plan), "--year", "2027", "--out", str(tmp_path / "du-thao")])
    assert res.exit_code == 0, res.output
    drafted = next((tmp_path / "du-thao").rglob("*2027*/*.yaml"))
    assert "year: 2027" in drafted.read_text(encoding="utf-8")


# --- bad input ----------------------------------------------------------------------------------


def _bad_files(tmp: Path, good: Path) -> dict[str, Path]:
    files = {}
    files["not-docx"] = tmp / "a.docx"
    files["not-docx"].write_text("xin chào", encoding="utf-8")
    files["encrypted"] = tmp / "b.docx"
    files["encrypted"].write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    files["truncated"] = tmp / "c.docx"
    files["truncated"].write_bytes(good.read_bytes()[:3000])
    files["no-header"] = tmp / "d.docx"
    from docx import Document

    doc = Document()
    doc.add_paragraph("Một đoạn văn không có phần đầu.")
    doc.save(str(files["no-header"]))
    return files


@pytest.mark.parametrize("case", ["not-docx", "encrypted", "truncated", "no-header"])
def test_bad_input(built: list[Path], tmp_path: Path, case: str) -> None:
    bad = _bad_files(tmp_path, built[0])[case]
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["import", str(built[0]), str(bad), "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert str(bad) in res.output
    assert not out.exists()  # nothing written, not even for the good file


def test_zip_without_document(tmp_path: Path) -> None:
    bad = tmp_path / "e.docx"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("hello.txt", "x")
    res = CliRunner().invoke(main, ["import", str(bad), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2 and "word/document.xml" in res.output


# --- the shared corpus --------------------------------------------------------------------------


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")
def test_corpus_plan_imports_and_builds(tmp_path: Path) -> None:
    source = CORPUS / "125.docx"
    import_documents([source], tmp_path / "data")
    result = build([tmp_path / "data"], tmp_path / "out")
    assert not result.failed
    rebuilt = next((tmp_path / "out").glob("*.docx"))
    import difflib

    a, b = " ".join(lines(source)).split(), " ".join(lines(rebuilt)).split()
    assert difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio() >= 0.97
    shutil.rmtree(tmp_path / "out")
