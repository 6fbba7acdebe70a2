"""Phụ lục: written from data after the signature block on a page of its own, and read back by import."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from generator.build import build
from generator.cli import main
from generator.importer.api import import_documents

from .helpers import DATA, lines
from .test_import import CORPUS

PLAN = """\
plan:
  type: KH
  number: 5
  date: 2025-03-04
  issuer: so-gtvt-tay-ninh
  title: Kế hoạch kiểm tra công vụ năm {{ year }}
  drafted_by: vp
  signer: {authority: deputy}
  sections:
    - title: Nội dung
      paragraphs: ["Các nhiệm vụ được phân công tại Phụ lục kèm theo."]
  closing: Trên đây là Kế hoạch kiểm tra công vụ năm {{ year }}
  recipients: {report: [so-noi-vu-tay-ninh], implement: [all-units]}
  appendices:
    - heading: PHỤ LỤC
      title: PHÂN CÔNG NHIỆM VỤ KIỂM TRA NĂM {{ year }}
      note: "(Kèm theo Kế hoạch số 05/KH-SGTVT ngày 04/3/2025\\ncủa Sở Giao thông vận tải)"
      content:
        - table:
            numbered: false
            columns: [{key: stt, title: STT}, {key: viec, title: Nhiệm vụ}, {key: ai, title: Chủ trì}]
            rows:
              - {stt: "1", viec: Rà soát thủ tục hành chính, ai: Văn phòng}
              - {stt: "2", viec: Kiểm tra giờ giấc làm việc, ai: Thanh tra Sở}
        - Các đơn vị báo cáo kết quả về **Văn phòng** Sở.
        - title: Ghi chú
          bullets: [Phụ lục cập nhật hằng quý]
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("appendix")
    data = tmp / "data"
    data.mkdir()
    shutil.copy(DATA / "directory.yaml", data / "directory.yaml")
    (data / "plan.yaml").write_text(PLAN, encoding="utf-8")
    result = build([data], tmp / "out")
    assert not result.failed, result.failed
    [docx] = (tmp / "out").glob("*.docx")
    return docx


def _blocks(path: Path) -> list[Paragraph | Table]:
    doc = Document(str(path))
    out: list[Paragraph | Table] = []
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            out.append(Paragraph(child, doc))
        elif child.tag == qn("w:tbl"):
            out.append(Table(child, doc))
    return out


def test_appendix_follows_the_signature_on_a_new_page(built: Path) -> None:
    blocks = _blocks(built)
    sig = next(i for i, b in enumerate(blocks) if isinstance(b, Table) and b.cell(0, 0).text.startswith("Nơi nhận"))
    after = [b for b in blocks[sig + 1 :] if isinstance(b, Table) or b.text.strip()]
    heading, title, note1, note2, table, para, part_title, bullet = after
    assert heading.text == "PHỤ LỤC"
    assert heading.paragraph_format.page_break_before  # direct formatting, as the template places it
    assert title.text == "PHÂN CÔNG NHIỆM VỤ KIỂM TRA NĂM 2025"
    for p in (heading, title):
        assert p.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER and p.style.font.bold
    assert [note1.text, note2.text] == [
        "(Kèm theo Kế hoạch số 05/KH-SGTVT ngày 04/3/2025",
        "của Sở Giao thông vận tải)",
    ]
    for p in (note1, note2):
        assert p.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER and all(r.italic for r in p.runs if r.text)
    assert isinstance(table, Table)
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["STT", "Nhiệm vụ", "Chủ trì"],
        ["1", "Rà soát thủ tục hành chính", "Văn phòng"],
        ["2", "Kiểm tra giờ giấc làm việc", "Thanh tra Sở"],
    ]
    # shaped as the body's tables are: widths over the text width, the heading row repeated
    widths = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert len(widths) == 3 and sum(widths) > 8000
    assert table.rows[0]._tr.find(qn("w:trPr") + "/" + qn("w:tblHeader")) is not None
    assert para.text == "Các đơn vị báo cáo kết quả về Văn phòng Sở."
    assert [r.text for r in para.runs if r.bold] == ["Văn phòng"]
    assert part_title.text == "Ghi chú" and part_title.style.name == "VB Heading 2" and part_title.style.font.bold
    assert bullet.text == "- Phụ lục cập nhật hằng quý"  # as written: a phụ lục takes no end mark
    # the body still ends with "./." before the signature; the phụ lục takes no end mark
    body_last = next(b for b in reversed(blocks[:sig]) if isinstance(b, Paragraph) and b.text.strip())
    assert body_last.text.endswith("./.")


def test_a_document_without_appendix_has_no_page_break(tmp_path: Path) -> None:
    """The template's phụ lục loop leaves nothing behind when there is none."""
    build([DATA], tmp_path)
    built = sorted(tmp_path.glob("*.docx"))
    assert built
    for path in built:
        body = Document(str(path)).element.body
        assert body.find(".//" + qn("w:pageBreakBefore")) is None, path.name


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")) or not shutil.which("pdftotext"),
                    reason="LibreOffice or pdftotext is not installed")  # fmt: skip
def test_appendix_starts_a_pdf_page(built: Path, tmp_path: Path) -> None:
    from generator.word.pdf import convert, page_count

    [pdf] = convert([built], tmp_path)
    pages = []
    for n in range(1, page_count(pdf) + 1):
        run = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
                             check=True, capture_output=True, text=True)  # fmt: skip
        pages.append(run.stdout)
    sig = next(i for i, t in enumerate(pages) if "Nơi nhận" in t)
    appendix = next(i for i, t in enumerate(pages) if "PHÂN CÔNG NHIỆM VỤ KIỂM TRA" in t)
    assert appendix == sig + 1
    assert pages[appendix].strip().splitlines()[0].strip() in ("PHỤ LỤC", "2")  # the page number, then the heading
    assert "PHỤ LỤC" not in pages[sig]


def test_appendix_round_trip(built: Path, tmp_path: Path) -> None:
    report = import_documents([built], tmp_path / "data", DATA)
    [appendix] = report.documents[0].plan["appendices"]
    assert appendix["heading"] == "PHỤ LỤC"
    assert appendix["title"] == "PHÂN CÔNG NHIỆM VỤ KIỂM TRA NĂM 2025"  # capitals: not read as {{ year }}
    assert appendix["note"].splitlines()[1] == "của Sở Giao thông vận tải)"
    assert [c.get("title") for c in appendix["content"] if isinstance(c, dict)] == [None, "Ghi chú"]
    assert appendix["content"][0]["table"]["rows"][1]["nhiem-vu"] == "Kiểm tra giờ giấc làm việc"
    result = build([tmp_path / "data"], tmp_path / "out")
    assert not result.failed
    [rebuilt] = (tmp_path / "out").glob("*.docx")
    assert lines(rebuilt) == lines(built)
    heading = next(b for b in _blocks(rebuilt) if isinstance(b, Paragraph) and b.text == "PHỤ LỤC")
    assert heading.paragraph_format.page_break_before


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")
@pytest.mark.parametrize("name", ["235.docx", "047.docx"])
def test_corpus_appendix_comes_back(tmp_path: Path, name: str) -> None:
    """A real document with a phụ lục of 67-100 table rows after its signature: rebuilt whole."""
    from benchmarks.import_corpus import main_lines, similarity
    from generator.lint import lint_file

    source = CORPUS / name
    report = import_documents([source], tmp_path / "data")
    assert report.documents[0].plan["appendices"]
    result = build([tmp_path / "data"], tmp_path / "out")
    assert not result.failed
    [rebuilt] = (tmp_path / "out").glob("*.docx")
    assert similarity(lines(source), lines(rebuilt)) >= 0.97
    assert similarity(main_lines(source), main_lines(rebuilt)) >= 0.97
    assert not [f.rule for f in lint_file(rebuilt) if f.severity == "error"]


def test_appendix_error_names_its_field(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(DATA / "directory.yaml", data / "directory.yaml")
    (data / "plan.yaml").write_text(PLAN.replace("NĂM {{ year }}", "{{ nam }}"), encoding="utf-8")
    res = CliRunner().invoke(main, ["build", str(data), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert "plan.yaml:16:" in res.output and "'plan.appendices.0.title'" in res.output and "'nam'" in res.output
