"""vbgen import: what vbgen builds comes back as the same data (text), and bad input is refused."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import build
from generator.cli import main
from generator.errors import InputError
from generator.importer.api import import_documents
from generator.nd30.dates import date_line, long_date, parse_date_line, parse_long_date, parse_short_date, short_date
from generator.nd30.numbering import number_line, parse_number_line, parse_symbol, parse_type_name, type_name
from generator.nd30.recipients import parse_keep_line, parse_recipient_line, parse_typist, typist_line
from generator.nd30.signature import parse_authority, read_authority

from .helpers import DATA, REPO, lines, typed_header

CORPUS = next(
    (
        p / "shared" / "corpus" / "real-docx"
        for p in (REPO.parent, REPO.parent.parent)
        if (p / "shared" / "corpus" / "real-docx").is_dir()
    ),
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
    """Each document imported and rebuilt gives the same text. With the data root, a sub-plan is
    recognised as the root's: its `subplan:` file, put back into (a copy of) the root, rebuilds it."""
    bad = []
    root = tmp_path / "root"
    shutil.copytree(DATA, root)
    subplans = []
    for i, docx in enumerate(built):
        data, out = tmp_path / f"d{i}", tmp_path / f"o{i}"
        report = import_documents([docx], data, DATA if with_root else None)
        if report.documents[0].subplan is not None:
            shutil.copy(data / report.documents[0].relpath, root / report.documents[0].relpath)
            subplans.append(docx)
            continue
        result = build([data], out)
        rebuilt = sorted(out.glob("*.docx"))
        assert rebuilt and not result.failed, docx.name
        if not any(lines(r) == lines(docx) for r in rebuilt):
            bad.append(docx.name)
    assert bad == []
    assert len(subplans) == (18 if with_root else 0)
    if subplans:
        result = build([root], tmp_path / "root-out")
        assert not result.failed and len(result.written) == len(built)  # no document more
        assert [d.name for d in subplans if lines(tmp_path / "root-out" / d.name) != lines(d)] == []


def test_subplans_named_in_the_plan_come_back(built: list[Path], tmp_path: Path) -> None:
    plan = next(p for p in built if p.name.startswith("2024-22-KH-SGTVT"))
    report = import_documents([plan], tmp_path / "data", DATA)
    assert report.documents[0].plan["subplans"] == [
        "tuyen-truyen-cchc", "thanh-tra-kiem-tra", "phong-chong-tham-nhung", "thuc-hanh-tiet-kiem",
        "dao-tao-boi-duong", "chuyen-doi-vi-tri"]  # fmt: skip
    result = build([tmp_path / "data"], tmp_path / "out")
    assert len(result.written) == 7 and not result.failed
    # Without a data root the directory has no 'authorities': the list stays text, and says why.
    report = import_documents([plan], tmp_path / "bare")
    assert "subplans" not in report.documents[0].plan
    assert any("authorities" in r for r in report.documents[0].review)


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
    # Every body is the data root's: nothing new to check; a flag comes only from the root's own entry.
    from ruamel.yaml import YAML

    ours = YAML(typ="safe").load((tmp_path / "directory.yaml").read_text(encoding="utf-8"))["bodies"]
    root = YAML(typ="safe").load((DATA / "directory.yaml").read_text(encoding="utf-8"))["bodies"]
    assert set(ours) <= set(root)
    flagged = {k for k, v in ours.items() if v.get("verified") is False}
    assert flagged == {k for k in ours if root[k].get("verified") is False}


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
    # With the data root, the plan's sub-plans come along: next year's family from a Word file.
    res = runner.invoke(
        main, ["draft", str(plan), "--year", "2027", "--out", str(tmp_path / "dt"), "--data", str(DATA)]
    )
    assert res.exit_code == 0, res.output
    result = build([tmp_path / "dt"], tmp_path / "dt-out")
    assert len(result.written) == 7 and not result.failed
    assert all(p.name.startswith("2027-") for p in result.written)


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


def _no_title(path: Path) -> Path:
    """A document whose header is read (its agency becomes a body) before the import finds it has
    no trích yếu: a failure after the reading has begun."""
    from docx import Document

    doc = Document()
    typed_header(
        doc, "UBND TỈNH BÌNH PHƯỚC", "SỞ XÂY DỰNG", "Số: 09/KH-SXD",
        "Bình Phước, ngày 05 tháng 01 năm 2025", None, motto=False,
    )  # fmt: skip
    doc.save(str(path))
    return path


@pytest.mark.parametrize("case", ["not-docx", "encrypted", "truncated", "no-header", "no-title"])
def test_bad_input(built: list[Path], tmp_path: Path, case: str) -> None:
    """One unreadable file among others: reported by name, nothing of it written, the others
    imported, exit 1 (as `vbgen build` and `vbgen lint` do with a file that fails)."""
    files = _bad_files(tmp_path, built[0])
    bad = files[case] if case != "no-title" else _no_title(tmp_path / "f.docx")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["import", str(built[0]), str(bad), "--out", str(out)])
    assert res.exit_code == 1, res.output
    assert f"lỗi: {bad}: " in res.output
    assert "1 văn bản đã nhập, 1 tệp không nhập được." in res.output
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.yaml"))
    assert len(written) == 3 and not any("xay-dung" in w for w in written)
    text = (out / "directory.yaml").read_text(encoding="utf-8")
    assert "Xây dựng" not in text and "SXD" not in text and "Bình Phước" not in text
    assert not build([out], tmp_path / "rebuilt").failed
    # The library call stops at the first such file, before writing anything, unless keep_going.
    with pytest.raises(InputError, match=str(bad)):
        import_documents([built[0], bad], tmp_path / "lib")
    assert not (tmp_path / "lib").exists()


def test_a_folder_of_documents(built: list[Path], tmp_path: Path) -> None:
    """`vbgen import DIR`: every .docx under it (not Word's lock files); the bad ones are named."""
    folder = tmp_path / "van-ban"
    (folder / "con").mkdir(parents=True)
    shutil.copy(built[0], folder / "a.docx")
    shutil.copy(built[1], folder / "con" / "b.DOCX")
    (folder / "~$a.docx").write_bytes(b"\x00lock")  # Word's owner file beside an open document
    (folder / "c.docx").write_text("không phải docx", encoding="utf-8")
    res = CliRunner().invoke(main, ["import", str(folder), "--out", str(tmp_path / "out"), "--json"])
    assert res.exit_code == 1, res.output
    import json

    summary = json.loads(res.stdout)
    assert [Path(d["source"]).name for d in summary["documents"]] == ["a.docx", "b.DOCX"]
    assert [Path(f["file"]).name for f in summary["failed"]] == ["c.docx"]
    empty = tmp_path / "rong"
    empty.mkdir()
    res = CliRunner().invoke(main, ["import", str(empty), "--out", str(tmp_path / "o2")])
    assert res.exit_code == 2 and "không có tệp .docx" in res.output


def test_zip_without_document(tmp_path: Path) -> None:
    bad = tmp_path / "e.docx"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("hello.txt", "x")
    res = CliRunner().invoke(main, ["import", str(bad), "--out", str(tmp_path / "out")])
    assert res.exit_code == 1 and "word/document.xml" in res.output
    assert not (tmp_path / "out").exists()  # nothing read: nothing written


# --- the shared corpus --------------------------------------------------------------------------


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")
@pytest.mark.parametrize("name", ["125.docx", "176.docx", "055.docx", "230.docx"])
def test_corpus_document_imports_and_rebuilds(tmp_path: Path, name: str) -> None:
    """A real Kế hoạch or Báo cáo: rebuilt with the same words (≥ 0.97) and its fixed lines."""
    from benchmarks.import_corpus import parts, similarity

    source = CORPUS / name
    import_documents([source], tmp_path / "data")
    result = build([tmp_path / "data"], tmp_path / "out")
    assert not result.failed
    rebuilt = next((tmp_path / "out").glob("*.docx"))
    assert similarity(lines(source), lines(rebuilt)) >= 0.97
    want, have = parts(source), parts(rebuilt)
    for part in ("number", "type", "summary"):
        assert want[part] == have[part], part
    # the header's words; a name wider than vbgen's header cell is wrapped to fit it (ND30 layout)
    assert " ".join(want["header"]).split() == " ".join(have["header"]).split()
    assert want["recipients"][:-1] == have["recipients"][: len(want["recipients"]) - 1]


# --- a document typed in Word (python-docx's default template: real automatic numbering) --------


def _typed_plan(path: Path) -> Path:
    from docx import Document

    doc = Document()
    typed_header(
        doc, "UBND TỈNH TÂY NINH", "SỞ GIAO THÔNG VẬN TẢI", "Số: 07/KH-SGTVT",
        "Tây Ninh, ngày 05 tháng 01 năm 2025", "Kiểm tra công vụ năm 2025",
    )  # fmt: skip
    doc.add_paragraph().add_run("I. MỤC ĐÍCH, YÊU CẦU").bold = True
    doc.add_paragraph("Nâng cao kỷ luật, kỷ cương hành chính.", style="List Number")
    doc.add_paragraph("Kiểm tra đúng quy định.", style="List Number")
    doc.add_paragraph().add_run("II. NỘI DUNG").bold = True
    doc.add_paragraph("Kiểm tra việc chấp hành giờ giấc; báo cáo trước ngày 15/12/2025.")
    doc.add_paragraph("Trên đây là Kế hoạch kiểm tra công vụ năm 2025 của Sở./.")
    sig = doc.add_table(rows=1, cols=2)
    nn, auth = sig.rows[0].cells
    nn.paragraphs[0].add_run("Nơi nhận:").bold = True
    for line in ("- UBND tỉnh (b/c);", "- Các phòng, đơn vị thuộc Sở (T/hiện);", "- Lưu: VT, TTr."):
        nn.add_paragraph(line)
    auth.paragraphs[0].add_run("GIÁM ĐỐC").bold = True
    auth.add_paragraph("Nguyễn Văn A")
    doc.save(str(path))
    return path


def test_typed_document_with_word_numbering(tmp_path: Path) -> None:
    source = _typed_plan(tmp_path / "typed.docx")
    report = import_documents([source], tmp_path / "data")
    plan = report.documents[0].plan
    assert (plan["type"], plan["number"], plan["date"]) == ("KH", 7, dt.date(2025, 1, 5))
    assert plan["title"] == "Kiểm tra công vụ năm {{ year }}"
    assert plan["signer"] == {"name": "Nguyễn Văn A"}
    assert plan["sections"][0]["items"] == ["Nâng cao kỷ luật, kỷ cương hành chính.", "Kiểm tra đúng quy định."]
    assert "deadline('" in plan["sections"][1]["paragraphs"][0] and plan["deadlines"][0]["date"] == dt.date(
        2025, 12, 15
    )
    assert plan["closing"] == "Trên đây là Kế hoạch kiểm tra công vụ năm {{ year }} của Sở"
    assert any("đánh số tự động" in r for r in report.documents[0].review)
    directory = (tmp_path / "data" / "directory.yaml").read_text(encoding="utf-8")
    assert "code: SGTVT" in directory and "head_title: Giám đốc" in directory and "marks:" in directory
    result = build([tmp_path / "data"], tmp_path / "out")
    assert not result.failed
    got = lines(next((tmp_path / "out").glob("*.docx")))
    for line in ("UBND TỈNH TÂY NINH", "SỞ GIAO THÔNG VẬN TẢI", "Số: 07/KH-SGTVT", "Tây Ninh, ngày 05 tháng 01 năm 2025",
                 "KẾ HOẠCH", "Kiểm tra công vụ năm 2025", "I. MỤC ĐÍCH, YÊU CẦU", "1. Nâng cao kỷ luật, kỷ cương hành chính.",
                 "2. Kiểm tra đúng quy định.", "- UBND tỉnh (b/c);", "- Các phòng, đơn vị thuộc Sở (T/hiện);",
                 "- Lưu: VT, TTr.", "GIÁM ĐỐC", "Nguyễn Văn A",
                 "Trên đây là Kế hoạch kiểm tra công vụ năm 2025 của Sở./."):  # fmt: skip
        assert line in got, line
    from generator.lint import lint_file

    assert [f for f in lint_file(next((tmp_path / "out").glob("*.docx"))) if f.severity == "error"] == []


# --- writer → reader, for citations, Nơi nhận and the signature ---------------------------------

_BODIES = {
    "ubnd": {"name": "Ủy ban nhân dân tỉnh Tây Ninh", "short": "UBND tỉnh", "code": "UBND"},
    "cp": {"name": "Chính phủ", "code": "CP"},
    "tu": {"name": "Ban Thường vụ Tỉnh ủy", "code": "TU", "party": True},
    "bdv": {"name": "Ban Dân vận Tỉnh ủy", "code": "BDVTU", "party": True},
}
_WORDS = st.sampled_from(["thực hiện", "công tác", "dân vận", "chính quyền", "cải cách", "hành chính", "năm 2024",
                          "trên địa bàn", "tỉnh", "quy định", "chi tiết", "một số điều"])  # fmt: skip


@given(
    kind=st.sampled_from(["Kế hoạch", "Quyết định", "Chỉ thị", "Nghị định", "Thông tư", "Chương trình phối hợp"]),
    number=st.integers(1, 9999),
    issuer=st.sampled_from(["ubnd", "cp", "tu"]),
    normative=st.booleans(),
    day=st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)),
    long=st.booleans(),
    link=st.sampled_from(["về việc", "về", ""]),
    subject=st.lists(_WORDS, min_size=1, max_size=8).map(" ".join),
)
def test_citation_round_trip(kind, number, issuer, normative, day, long, link, subject) -> None:
    from generator.data.model import Body, Reference
    from generator.nd30.citations import cite, find_citations

    bodies = {k: Body.model_validate(v) for k, v in _BODIES.items()}
    party = bodies[issuer].party
    ref = Reference.model_validate({
        "kind": kind, "number": str(number), "issuers": issuer, "date": day, "subject": subject, "link": link,
        **({"number_year": day.year} if normative and not party else {}),
        **({"date_form": "long"} if long else {}),
    })  # fmt: skip
    text = f"Thực hiện {cite(ref, bodies)}."
    found = find_citations(text, [b.short or b.name for b in bodies.values()])
    assert len(found) == 1
    f = found[0]
    assert text[f.start : f.end] == cite(ref, bodies)
    assert (f.kind, f.symbol.number, f.symbol.number_year, f.date) == (kind, str(number), ref.number_year, day)
    assert f.symbol.party == party and f.symbol.issuer == bodies[issuer].code
    assert f.issuer_phrase == (bodies[issuer].short or bodies[issuer].name)
    assert (f.link, f.subject) == (link, subject)


@given(
    authority=st.sampled_from(["head", "deputy", "acting", "by_order", "by_delegation"]),
    collective=st.booleans(),
)
def test_signature_round_trip(authority: str, collective: bool) -> None:
    from generator.data.model import Body, Signer
    from generator.nd30.signature import authority_lines

    issuer = Body.model_validate({
        "name": "Sở Tư pháp", "head_title": "Giám đốc", "deputy_title": "Phó Giám đốc",
        **({"collective": "Ủy ban nhân dân", "head_title": "Chủ tịch", "deputy_title": "Phó Chủ tịch"}
           if collective else {}),
    })  # fmt: skip
    signer = Signer(authority=authority, title="Chánh Văn phòng" if authority.startswith("by_") else None)
    printed = authority_lines(signer, issuer)
    reading = read_authority([*printed, "Nguyễn Văn A"])
    assert reading is not None and reading.authority == authority and reading.lines == len(printed)
    assert reading.head_title == (issuer.head_title or "").upper()


def test_recipient_lines_round_trip() -> None:
    from generator.data.load import load
    from generator.nd30.recipients import recipient_lines

    corpus = load([DATA])
    doc = next(d for d in corpus.documents if d.doc_id == "so-gtvt-tay-ninh/2024/ke-hoach-dan-van").document
    issuer = corpus.bodies[doc.issuer]
    printed = recipient_lines(doc.recipients, issuer, issuer.units[doc.drafted_by], corpus.bodies)
    read = [parse_recipient_line(line) for line in printed[:-1]]
    assert [r.role for r in read] == [None, None, None, "implement", "implement"]
    assert [r.name for r in read[:2]] == ["Ban Dân vận Tỉnh ủy", "Sở Nội vụ"]
    assert parse_keep_line(printed[-1]) == ("VP", None)


# --- any plan vbgen can build comes back (hypothesis: text with marks and odd characters) --------

_TEXT = (
    st.text(
        alphabet=st.sampled_from(
            list("aăâbcdđeêghiklmnoôơpqrstuưvxyÁÀẢÃẠáàảãạệếềộớờựỳ 0123456789,.;:()-+/&<>\"'*_{}%")
        ),
        min_size=3,
        max_size=40,
    )
    .map(lambda t: " ".join(t.split()))
    .filter(lambda t: len(t) >= 3 and t[0].isalpha())
)


def _field(text: str) -> str:
    """Random text as a data field that prints it as written: each character that means something
    in a field is given as a variable (written here independently of the importer)."""
    return "".join("{{ '" + c + "' }}" if c in "*_{}" else c for c in text)


@given(
    paragraphs=st.lists(_TEXT, min_size=1, max_size=3),
    items=st.lists(st.tuples(_TEXT, st.lists(_TEXT, max_size=2), st.booleans()), min_size=1, max_size=3),
    bold=_TEXT,
    tricky=st.sampled_from(["", " 2*3*4", " (*) ghi chú *x*", " a_b_ _c_", " {x} {{ y }}", " **z**"]),
)
@settings(max_examples=int(__import__("os").environ.get("VBGEN_IMPORT_EXAMPLES", "25")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
def test_random_plan_round_trip(tmp_path_factory: pytest.TempPathFactory, paragraphs, items, bold, tricky) -> None:
    import io

    from ruamel.yaml import YAML

    tmp = tmp_path_factory.mktemp("rnd")
    data = tmp / "data"
    data.mkdir()
    shutil.copy(DATA / "directory.yaml", data / "directory.yaml")
    plan = {
        "type": "KH", "number": 5, "date": dt.date(2025, 3, 4), "issuer": "so-gtvt-tay-ninh",
        "title": "Kế hoạch thử năm {{ year }}", "drafted_by": "vp", "signer": {"authority": "deputy"},
        "opening": [_field(p + tricky) for p in paragraphs],
        "sections": [
            {"title": "Mục đích", "paragraphs": [f"Có **{_field(bold)}** và *nghiêng* ở đây."]},
            {"title": "Nội dung", "items": [
                {"title": _field(t), "bullets": [_field(b) for b in bs]} if titled and bs else _field(t)
                for t, bs, titled in items]},
        ],
        "closing": "Trên đây là kế hoạch",
        "recipients": {"report": ["so-noi-vu-tay-ninh"], "implement": ["all-units"]},
    }  # fmt: skip
    buf = io.StringIO()
    YAML().dump({"plan": plan}, buf)
    (data / "plan.yaml").write_text(buf.getvalue(), encoding="utf-8")
    first = build([data], tmp / "a")
    assert not first.failed, first.failed
    source = next((tmp / "a").glob("*.docx"))
    import_documents([source], tmp / "imported")
    second = build([tmp / "imported"], tmp / "b")
    assert not second.failed, second.failed
    assert lines(next((tmp / "b").glob("*.docx"))) == lines(source)


def test_draft_dated_to_the_month() -> None:
    """A draft dated to the month prints it (and only it); the reader gives it back."""
    assert date_line("Lâm Đồng", None, 2026, 3) == "Lâm Đồng, ngày      tháng 3 năm 2026"
    assert date_line("Lâm Đồng", None, 2026, 1) == "Lâm Đồng, ngày      tháng 01 năm 2026"
    line = parse_date_line(date_line("Lâm Đồng", None, 2026, 3))
    assert line is not None and (line.date, line.year, line.month) == (None, 2026, 3)
    # A full date wins over the month; the month alone never changes a dated line.
    assert date_line("Tây Ninh", dt.date(2024, 4, 3), 2024, 7) == "Tây Ninh, ngày 03 tháng 4 năm 2024"


def test_next_years_draft_drops_the_month(tmp_path: Path) -> None:
    from generator.family.draft import draft

    source = _typed_plan(tmp_path / "typed.docx")
    import_documents([source], tmp_path / "data")
    plan_file = next((tmp_path / "data").rglob("2025/*.yaml"))
    text = plan_file.read_text(encoding="utf-8").replace("date: 2025-01-05", "year: 2025\n  month: 1")
    plan_file.write_text(text, encoding="utf-8")
    assert not build([tmp_path / "data"], tmp_path / "out").failed
    assert "Tây Ninh, ngày      tháng 01 năm 2025" in lines(next((tmp_path / "out").glob("*.docx")))
    draft(tmp_path / "data", 2026, tmp_path / "next")
    drafted = next((tmp_path / "next").rglob("2026/*.yaml")).read_text(encoding="utf-8")
    assert "month:" not in drafted and "year: 2026" in drafted


def test_a_concurrent_office_under_the_titles_is_printed_and_read_back() -> None:
    """KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN / PHÓ CHỦ TỊCH UBND TỈNH: the third line is `signer.also`."""
    from generator.data.model import Body, Signer
    from generator.nd30.signature import authority_lines, read_authority

    body = Body(name="Ban Chỉ đạo", head_title="Trưởng ban", deputy_title="Phó Trưởng ban")
    signer = Signer(authority="deputy", also=["Phó Chủ tịch UBND tỉnh"])
    lines = authority_lines(signer, body)
    assert lines == ["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "PHÓ CHỦ TỊCH UBND TỈNH"]
    reading = read_authority(lines)
    assert reading is not None and reading.authority == "deputy" and lines[reading.lines :] == lines[2:]
