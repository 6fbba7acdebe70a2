"""Issue 11 part 5: `vbgen lint --fix` changes no word, fixes what it says, never touches the input."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from generator.cli import main
from generator.lint import lint_file
from generator.lint.fix import fix_file
from generator.lint.rules import RULES

from .lint_docs import nd30_document, save
from .test_lint_word import para_with, set_text

FIXABLE = {r.id for r in RULES if r.fix is not None}


def body_words(path: Path) -> list[str]:
    doc = Document(str(path))
    text = unicodedata.normalize("NFC", " ".join(t.text or "" for t in doc.element.body.iter(qn("w:t"))))
    return [w.lstrip("0") or "0" for w in re.findall(r"\w+", text)]


def errors(path: Path) -> set[str]:
    return {f.rule for f in lint_file(path) if f.severity in ("error", "warning")}


def badly_typed(tmp_path: Path) -> Path:
    """An ND30 document with the slips --fix knows how to mend."""
    doc = nd30_document(pages=2)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(215.9), Mm(279.4)  # US Letter
    sec.bottom_margin, sec.left_margin = Mm(12.5), Mm(25)
    # no page number in the header
    for p in sec.header.paragraphs:
        p._p.getparent().remove(p._p)
    sec.different_first_page_header_footer = False
    set_text(para_with(doc, "Độc lập"), "Độc lập – Tự do – Hạnh phúc")
    number = para_with(doc, "Số:")
    set_text(number, "Số:  12/KH - UBND")
    for r in number.runs:
        r.font.size, r.font.bold = Pt(14), True
    set_text(para_with(doc, "Tây Ninh, ngày"), "Tây Ninh, ngày 5 tháng 03 năm 2025")
    body = para_with(doc, "Thực hiện")
    body.runs[0].text = unicodedata.normalize("NFD", body.runs[0].text)
    body.runs[0].font.name = "Arial"
    body.runs[0].font.color.rgb = RGBColor(0x0D, 0x0D, 0x0D)
    nn = para_with(doc, "Nơi nhận")
    set_text(nn, "Nơi  nhận :")
    for r in nn.runs:
        r.font.size = Pt(14)
    set_text(para_with(doc, "- Lưu"), "- Lưu: VT, VP")
    for r in para_with(doc, "- Như trên").runs:
        r.font.size = Pt(13)
    return save(doc, tmp_path / "go-tay.docx")


def test_fix_changes_no_word_and_lints_clean(tmp_path: Path) -> None:
    source = badly_typed(tmp_path)
    before_bytes = source.read_bytes()
    before = errors(source)
    assert {"PAGE-01", "PAGE-02", "PAGE-03", "PAGE-04", "FONT-01", "FONT-02", "HDR-02", "NUM-03", "DATE-01",
            "NN-01", "NN-02", "NN-03"} <= before, before  # fmt: skip
    target = tmp_path / "da-sua.docx"
    changes = fix_file(source, target)
    assert source.read_bytes() == before_bytes  # the input is never touched
    changed_rules = {c.rule for c in changes}
    assert before <= changed_rules | {"NUM-01"}, (before, changed_rules)
    assert errors(target) == set(), [f for f in lint_file(target) if f.severity != "not-evaluated"]
    assert body_words(target) == body_words(source)


def test_fix_is_idempotent_and_in_place(tmp_path: Path) -> None:
    source = badly_typed(tmp_path)
    copy = tmp_path / "copy.docx"
    shutil.copy(source, copy)
    assert fix_file(copy, in_place=True)
    assert errors(copy) == set()
    assert fix_file(copy, in_place=True) == []


def test_fix_refuses_to_write_over_the_input(tmp_path: Path) -> None:
    from generator.errors import OutputError

    source = badly_typed(tmp_path)
    with pytest.raises(OutputError):
        fix_file(source, source)
    with pytest.raises(OutputError):
        fix_file(source, None)


def test_cli_fix(tmp_path: Path) -> None:
    source = badly_typed(tmp_path)
    target = tmp_path / "out.docx"
    runner = CliRunner()
    res = runner.invoke(main, ["lint", "--fix", str(source), "-o", str(target)])
    assert res.exit_code == 0, res.output
    assert f"{target}: NN-03 " in res.output and "HDR-02" in res.output
    assert target.exists()
    assert runner.invoke(main, ["lint", "--fix", str(source)]).exit_code == 2
    assert runner.invoke(main, ["lint", str(source), "-o", str(target)]).exit_code == 2
    same = runner.invoke(main, ["lint", "--fix", str(source), "-o", str(source)])
    assert same.exit_code == 2 and "--in-place" in same.output


needs_lo = pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice is not installed"
)


@needs_lo
def test_fixed_copy_opens_in_libreoffice(tmp_path: Path) -> None:
    from generator.word.pdf import convert, page_count

    source = badly_typed(tmp_path)
    target = tmp_path / "da-sua.docx"
    fix_file(source, target)
    [pdf] = convert([target], tmp_path / "pdf")
    assert page_count(pdf) >= 1


def test_every_fix_belongs_to_a_rule() -> None:
    assert {"PAGE-01", "PAGE-02", "PAGE-03", "PAGE-04", "PAGE-05", "FONT-01", "FONT-02", "HDR-02",
                       "NUM-01", "NUM-03", "DATE-01", "NN-01", "NN-02", "NN-03"} <= FIXABLE  # fmt: skip


def test_cli_jobs_gives_the_same_findings(tmp_path: Path) -> None:
    """`vbgen lint --jobs 2` lints in a process pool; the output is that of one process, in order."""
    files = [str(badly_typed(tmp_path))]
    clean = tmp_path / "clean.docx"
    save(nd30_document(), clean)
    files.append(str(clean))
    runner = CliRunner()
    one = runner.invoke(main, ["lint", "--format", "json", *files])
    two = runner.invoke(main, ["lint", "--format", "json", "--jobs", "2", *files])
    assert one.exit_code == two.exit_code == 1
    assert one.output == two.output


def _gaps(path: Path) -> dict[str, float | None]:
    from generator.lint.anatomy import analyse
    from generator.lint.rules import body_paragraphs

    return {ln.where: ln.gap_before_pt for ln in body_paragraphs(analyse(Document(str(path))))}


@pytest.mark.parametrize("contextual", [False, True])
def test_fix_gives_every_paragraph_of_a_spacing_finding_its_6_pt(tmp_path: Path, contextual: bool) -> None:
    """BODY-04 reports one finding for many paragraphs; --fix mends each of them, to 6 pt exactly
    (the space before raised by what is missing; contextual spacing, which drops it, turned off)."""
    from docx.oxml import OxmlElement

    from .test_lint_word import spaced_body

    doc = spaced_body([5, 5, 5, 6, 5, 0, 2])
    if contextual:  # Word drops the space between paragraphs of one style with contextualSpacing
        for p in doc.paragraphs:
            if p.text.startswith("Nội dung thứ"):
                p.paragraph_format.space_after = Pt(6)
                p._p.get_or_add_pPr().append(OxmlElement("w:contextualSpacing"))
    source = save(doc, tmp_path / "gaps.docx")
    short = {w for w, g in _gaps(source).items() if g is not None and g < 6}
    assert len(short) >= 6 and sum(f.count for f in lint_file(source) if f.rule == "BODY-04") == len(short)
    target = tmp_path / "fixed.docx"
    changes = [c for c in fix_file(source, target) if c.rule == "BODY-04"]
    assert len(changes) == 1 and str(len(short)) in changes[0].message, changes
    assert "BODY-04" not in errors(target)
    after = _gaps(target)
    assert all(after[w] == pytest.approx(6) for w in short), {w: after[w] for w in short}
    assert all(g is None or g >= 6 for g in after.values())
    assert body_words(target) == body_words(source)
    assert fix_file(target, in_place=True) == []  # nothing left to do
