"""vbgen import: one body, one reference, one document. Names of bodies with "và" or commas are
kept whole; a document cited twice is one reference; a sub-plan already in the data is recognised."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest
from docx import Document

from generator.build import build
from generator.data.load import load
from generator.importer.api import import_documents
from generator.importer.directory import Directory
from generator.nd30.citations import symbol

from .helpers import DATA, REPO, lines, typed_header

CORPUS = next(
    (
        p / "shared" / "corpus" / "real-docx"
        for p in (REPO.parent, REPO.parent.parent)
        if (p / "shared" / "corpus" / "real-docx").is_dir()
    ),
    REPO.parent / "shared" / "corpus" / "real-docx",
)


def typed_document(path: Path, paragraphs: list[str], recipients: list[str]) -> Path:
    """A plan typed in Word (python-docx): a header table, the body, a Nơi nhận/signature table."""
    doc = Document()
    typed_header(
        doc, "UBND TỈNH TÂY NINH", "SỞ GIAO THÔNG VẬN TẢI", "Số: 07/KH-SGTVT",
        "Tây Ninh, ngày 05 tháng 01 năm 2025", "Phối hợp tuyên truyền năm 2025",
    )  # fmt: skip
    for text in paragraphs:  # the căn cứ and the opening
        doc.add_paragraph(text)
    doc.add_paragraph().add_run("I. MỤC ĐÍCH, YÊU CẦU").bold = True
    doc.add_paragraph("Phối hợp chặt chẽ giữa các cơ quan.")
    doc.add_paragraph("Trên đây là Kế hoạch phối hợp tuyên truyền năm 2025 của Sở./.")
    nn, auth = doc.add_table(rows=1, cols=2).rows[0].cells
    nn.paragraphs[0].add_run("Nơi nhận:").bold = True
    for line in recipients:
        nn.add_paragraph(line)
    auth.paragraphs[0].add_run("GIÁM ĐỐC").bold = True
    auth.add_paragraph("Nguyễn Văn A")
    doc.save(str(path))
    return path


def bare_directory() -> Directory:
    """The directory an import without --data starts from: the shipped catalogue alone."""
    with tempfile.TemporaryDirectory() as empty:
        return Directory(load([Path(empty)]))


# --- names kept whole ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "codes", "names"),
    [
        ("Bộ Công an, Bộ Giáo dục và Đào tạo", 2, ["Bộ Công an", "Bộ Giáo dục và Đào tạo"]),
        ("Bộ Công an và Bộ Giáo dục và Đào tạo", 2, ["Bộ Công an", "Bộ Giáo dục và Đào tạo"]),
        # the province list names both departments: kept whole although "Thể thao" could start a name
        ("Sở Văn hóa, Thể thao và Du lịch và Sở Giáo dục và Đào tạo", 2,
         ["Sở Văn hóa, Thể thao và Du lịch", "Sở Giáo dục và Đào tạo"]),
        ("Bộ Lao động - Thương binh và Xã hội và Bộ Tài chính", 2, ["Bộ Lao động - Thương binh và Xã hội", "Bộ Tài chính"]),
        ("UBND tỉnh và Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", 1, ["UBND tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"]),
        ("Ban Dân vận Tỉnh ủy và Ban cán sự Đảng UBND tỉnh", 2, ["Ban Dân vận Tỉnh ủy", "Ban cán sự Đảng UBND tỉnh"]),
        ("Sở Nội vụ, Sở Tài chính và Sở Y tế", 3, ["Sở Nội vụ", "Sở Tài chính", "Sở Y tế"]),
        ("Sở Văn hóa, Thể thao và Du lịch tỉnh Tây Ninh và Công an tỉnh", 0,
         ["Sở Văn hóa, Thể thao và Du lịch tỉnh Tây Ninh", "Công an tỉnh"]),
    ],
)  # fmt: skip
def test_a_list_of_bodies_splits_between_names_only(phrase: str, codes: int, names: list[str]) -> None:
    assert bare_directory().split_names(phrase, codes) == names


NAMES = ["Bộ Giáo dục và Đào tạo", "Sở Văn hóa, Thể thao và Du lịch", "Bộ Lao động - Thương binh và Xã hội",
         "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"]  # fmt: skip
PARTS = {"Bộ Giáo dục", "Đào tạo", "Sở Văn hóa", "Thể thao", "Du lịch", "Bộ Lao động - Thương binh", "Xã hội"}


def test_names_with_va_and_commas_stay_whole(tmp_path: Path) -> None:
    """Nơi nhận lines and joint citations naming bodies whose names hold "và" or commas: one body each."""
    text = [
        "Thực hiện Chương trình phối hợp số 03/CTr-BCA-BGDĐT ngày 22/01/2024 giữa Bộ Công an và Bộ Giáo dục và "
        "Đào tạo về tăng cường công tác tuyên truyền.",
        "Thực hiện Chương trình phối hợp số 05/CTr-SVHTTDL-SGDĐT ngày 22/01/2024 giữa Sở Văn hóa, Thể thao và Du "
        "lịch và Sở Giáo dục và Đào tạo về phong trào thể thao.",
        "Căn cứ Chương trình phối hợp số 09/CTr-BLĐTBXH-BTC ngày 02/3/2024 giữa Bộ Lao động - Thương binh và Xã "
        "hội và Bộ Tài chính về việc giảm nghèo, nội dung được triển khai đầy đủ.",
    ]
    recipients = [f"- {n} (b/c);" for n in NAMES] + ["- Các phòng, đơn vị thuộc Sở (T/hiện);", "- Lưu: VT, VP."]
    source = typed_document(tmp_path / "names.docx", text, recipients)
    import_documents([source], tmp_path / "data")
    corpus = load([tmp_path / "data"])
    names = {b.name for b in corpus.bodies.values()}
    assert set(NAMES) <= names
    assert {"Sở Giáo dục và Đào tạo", "Bộ Tài chính", "Bộ Công an"} <= names
    assert not names & PARTS
    issuers = {tuple(corpus.bodies[b].name for b in r.issuers) for r in corpus.references.values()}
    assert ("Sở Văn hóa, Thể thao và Du lịch", "Sở Giáo dục và Đào tạo") in issuers
    assert ("Bộ Lao động - Thương binh và Xã hội", "Bộ Tài chính") in issuers
    result = build([tmp_path / "data"], tmp_path / "out")
    assert not result.failed
    rebuilt = lines(next((tmp_path / "out").glob("*.docx")))
    assert all(t in rebuilt for t in text[:2])
    assert [ln for ln in rebuilt if ln.startswith("- ") and "(b/c)" in ln] == [f"- {n} (b/c);" for n in NAMES]


def test_a_citation_not_taken_adds_no_body(tmp_path: Path) -> None:
    """A joint citation cite() cannot print back (a comma between two names) stays as typed, and
    the bodies read from it are not written either."""
    text = ["Thực hiện Chương trình phối hợp số 03/CTr-BCA-BGDĐT ngày 22/01/2024 giữa Bộ Công an, Bộ Giáo dục và "
            "Đào tạo về tăng cường công tác tuyên truyền."]  # fmt: skip
    source = typed_document(tmp_path / "comma.docx", text, ["- UBND tỉnh (b/c);", "- Lưu: VT, VP."])
    report = import_documents([source], tmp_path / "data")
    corpus = load([tmp_path / "data"])
    assert not set(corpus.references) - {r for f, r in corpus.catalogue_ids if f == "references"}
    assert not {"Bộ Công an", "Bộ Giáo dục", "Đào tạo"} & {b.name for b in corpus.bodies.values()}
    assert text[0] in report.documents[0].plan["opening"]


# --- one reference per document -----------------------------------------------------------------


def _one_reference_each(data: Path) -> dict[tuple, list[str]]:
    """The references of an imported folder by the document they name: kind and số/ký hiệu, and
    the date when they have one (two dates: two documents)."""
    corpus = load([data])
    groups: dict[tuple, list[str]] = {}
    for rid, ref in corpus.references.items():
        if rid not in {r for f, r in corpus.catalogue_ids if f == "references"}:
            key = (ref.kind, symbol(ref, corpus.bodies) or ref.name)
            groups.setdefault(key, []).append(rid)
    for key, rids in groups.items():
        dates = [corpus.references[r].date for r in rids]
        assert None not in dates or len(rids) == 1, (key, rids)
        assert len(set(dates)) == len(dates), (key, rids)
    return groups


def test_a_document_cited_twice_is_one_reference(tmp_path: Path) -> None:
    text = [
        # with its date, then without
        "Thực hiện Kết luận số 05-KL/TW ngày 15/7/2016 của Ban Bí thư về tiếp tục thực hiện chỉ thị; quán triệt "
        "Kết luận số 05-KL/TW đến cán bộ.",
        # without, then with: the reference takes the date of the full citation
        "Triển khai Kế hoạch số 117-KH/TU của Ban Thường vụ Tỉnh ủy đến các chi bộ.",
        "Tổng kết Kế hoạch số 117-KH/TU ngày 07/01/2020 của Ban Thường vụ Tỉnh ủy về thực hiện chỉ thị.",
        # a comma before the date, another spacing of the same words
        "Quán triệt Chỉ thị số 36-CT/TW ngày 16/8/2019 của Bộ Chính trị về tăng cường công tác phòng, chống ma túy.",
        "Sơ kết Chỉ thị số 36-CT/TW, ngày 16/8/2019 của Bộ Chính trị.",
        "Tiếp tục Chỉ thị  số  36-CT/TW  của Bộ Chính trị.",
        # another year's plan of the same number is another document
        "Thực hiện Kế hoạch số 117-KH/TU ngày 10/01/2021 của Ban Thường vụ Tỉnh ủy về phòng, chống dịch.",
        # the issuer named without the date only: kept when the date comes
        "Quán triệt Chỉ thị số 15-CT/TW của Ban Bí thư; tổ chức học tập.",
        "Sơ kết Chỉ thị số 15-CT/TW ngày 10/01/2023 về công tác cán bộ.",
    ]
    source = typed_document(tmp_path / "cited.docx", text, ["- UBND tỉnh (b/c);", "- Lưu: VT, VP."])
    report = import_documents([source], tmp_path / "data")
    groups = _one_reference_each(tmp_path / "data")
    corpus = load([tmp_path / "data"])
    assert sorted(len(v) for v in groups.values()) == [1, 1, 1, 2]
    plans = [corpus.references[r] for r in groups[("Kế hoạch", "117-KH/TU")]]
    assert sorted(p.date for p in plans) == [dt.date(2020, 1, 7), dt.date(2021, 1, 10)]
    (directive,) = [corpus.references[r] for r in groups[("Chỉ thị", "15-CT/TW")]]
    assert directive.date == dt.date(2023, 1, 10) and directive.subject == "công tác cán bộ"
    assert [corpus.bodies[b].name for b in directive.issuers] == ["Ban Bí thư"]
    assert "TW" not in {b.name for b in corpus.bodies.values()}
    opening = "\n".join(report.documents[0].plan["opening"])
    assert opening.count("cite_short(") == 5
    result = build([tmp_path / "data"], tmp_path / "out")
    assert not result.failed
    rebuilt = lines(next((tmp_path / "out").glob("*.docx")))
    for typed in text:
        assert " ".join(typed.split()) in rebuilt, typed


def test_a_law_cited_by_name_is_the_catalogues(tmp_path: Path) -> None:
    """A law cited by its name and date ("Luật Thanh tra ngày 14 tháng 11 năm 2022") is the
    catalogue's law, whose number that citation does not print: no second reference."""
    text = ["Căn cứ Luật Thanh tra ngày 14 tháng 11 năm 2022;", "Căn cứ Kế hoạch số 9/KH-UBND ngày 02/3/2024 của "
            "UBND tỉnh về việc kiểm tra.", "Sở triển khai kế hoạch."]  # fmt: skip
    source = typed_document(tmp_path / "law.docx", text, ["- UBND tỉnh (b/c);", "- Lưu: VT, VP."])
    report = import_documents([source], tmp_path / "data")
    assert report.documents[0].plan["basis"][0] == "luat-thanh-tra-2022"
    assert "luat-thanh-tra" not in (tmp_path / "data" / "references.yaml").read_text(encoding="utf-8")


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")
def test_corpus_230_names_and_references(tmp_path: Path) -> None:
    """230.docx names "Bộ Giáo dục và Đào tạo" in a joint citation and cites Kết luận 05-KL/TW and
    13-KL/TW, and Chỉ thị 36-CT/TW, with and without their dates."""
    import_documents([CORPUS / "230.docx"], tmp_path / "data")
    corpus = load([tmp_path / "data"])
    assert not {"Bộ Giáo dục", "Đào tạo"} & {b.name for b in corpus.bodies.values()}
    groups = _one_reference_each(tmp_path / "data")
    for key in (("Kết luận", "05-KL/TW"), ("Kết luận", "13-KL/TW"), ("Chỉ thị", "36-CT/TW")):
        assert len(groups[key]) == 1, groups[key]
    assert not build([tmp_path / "data"], tmp_path / "out").failed


# --- a document already in the data -------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built")
    build([DATA], out)
    return out


def _numbered(tmp_path: Path, kind: str, number: int, day: dt.date) -> tuple[Path, Path]:
    """The data with sub-plan `kind` of the reference plan numbered and dated in its `subplan:` file,
    as a clerk records it once the Word file is signed; and that sub-plan built."""
    root = tmp_path / "numbered"
    shutil.copytree(DATA, root)
    file = root / "so-gtvt-tay-ninh" / "2024" / f"{kind}.yaml"
    if file.is_file():
        text = file.read_text(encoding="utf-8").replace(
            f"  kind: {kind}\n", f"  kind: {kind}\n  number: {number}\n  date: {day.isoformat()}\n"
        )
    else:
        text = (f"subplan:\n  plan: so-gtvt-tay-ninh/2024/ke-hoach-dan-van\n  kind: {kind}\n  number: {number}\n"
                f"  date: {day.isoformat()}\n")  # fmt: skip
    file.write_text(text, encoding="utf-8")
    out = tmp_path / "numbered-out"
    assert not build([root], out).failed
    return root, next(out.glob(f"2024-{number}-KH-SGTVT-*.docx"))


@pytest.mark.parametrize("kind", ["thanh-tra-kiem-tra", "phong-chong-tham-nhung"])  # with and without its file
def test_a_subplan_of_the_data_is_recognised(tmp_path: Path, kind: str) -> None:
    """A sub-plan vbgen built, numbered and dated in Word, imported against the data that builds it:
    its `subplan:` file with that number and date, at the data's place for it, not a second plan;
    copied into the data, the data builds the Word file's text, and no document more."""
    _root, signed = _numbered(tmp_path, kind, 31, dt.date(2024, 4, 15))
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    report = import_documents([signed], tmp_path / "nhap", data)
    doc = report.documents[0]
    rel = Path("so-gtvt-tay-ninh", "2024", f"{kind}.yaml")
    assert doc.relpath == rel and doc.subplan is not None
    assert "Kế hoạch số 22/KH-SGTVT" in doc.review[0] and "số 31, ngày 15/4/2024" in doc.review[0]
    assert len(doc.review) == 1  # the same text as the data's build: no part to review
    written = (tmp_path / "nhap" / rel).read_text(encoding="utf-8")
    assert "\nsubplan:\n" in written and "\nplan:" not in written and "number: 31" in written
    assert "references:" in (tmp_path / "nhap" / "references.yaml").read_text(encoding="utf-8")
    assert "kh-22-sgtvt" not in (tmp_path / "nhap" / "references.yaml").read_text(encoding="utf-8")
    shutil.copy(tmp_path / "nhap" / rel, data / rel)
    result = build([data], tmp_path / "out")
    assert not result.failed and len(result.written) == 23  # the same family: no second plan
    rebuilt = tmp_path / "out" / signed.name
    assert lines(rebuilt) == lines(signed)


def test_a_subplan_edited_in_word_names_its_parts(built: Path, tmp_path: Path) -> None:
    source = built / "2024-KH-SGTVT-thanh-tra-kiem-tra.docx"
    doc = Document(str(source))
    para = next(p for p in doc.paragraphs if "Phát hiện, chấn chỉnh" in p.text)
    para.runs[-1].text += " Thêm một câu."
    doc.save(str(tmp_path / "sua.docx"))
    report = import_documents([tmp_path / "sua.docx"], tmp_path / "nhap", DATA)
    review = report.documents[0].review
    assert "đã có trong dữ liệu" in review[0] and "không có số, ngày mới" in review[0]
    assert review[1:] == ["phần 'căn cứ và nội dung' khác bản dựng từ dữ liệu: sửa trong tệp subplan nếu cần"]


def test_a_main_plan_of_the_data_is_flagged(built: Path, tmp_path: Path) -> None:
    """The main plan itself: imported as it is (it builds on its own), the first line of its review
    naming the plan of the data by its số/ký hiệu."""
    report = import_documents([built / "2024-22-KH-SGTVT-dan-van-chinh-quyen.docx"], tmp_path / "nhap", DATA)
    first = report.documents[0].review[0]
    assert first.startswith("TRÙNG: văn bản này là Kế hoạch số 22/KH-SGTVT đã có trong dữ liệu")
    assert "ke-hoach-dan-van.yaml" in first
    assert report.documents[0].subplan is None and not build([tmp_path / "nhap"], tmp_path / "out").failed


def test_the_web_page_saves_a_subplan_as_its_subplan_file(built: Path, tmp_path: Path) -> None:
    """'Nhập văn bản Word' on the page writes into the data folder: a sub-plan there is saved as its
    `subplan:` file, and the folder builds the same 23 documents (it made a 24th before)."""
    from generator.web.workspace import Workspace

    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    space = Workspace(root)
    source = built / "2024-KH-SGTVT-phong-chong-tham-nhung.docx"
    imported = space.import_docx(source.read_bytes(), source.name)
    assert imported.target == "so-gtvt-tay-ninh/2024/phong-chong-tham-nhung.yaml"
    assert "subplan:" in imported.document
    assert space.save_import(imported) == []
    result = build([root], tmp_path / "out")
    assert not result.failed and len(result.written) == 23
