"""Issue 3: `vbgen lint` flags each deliberately wrong fixture, and no generated document."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.shared import Mm, Pt

from generator.build import build
from generator.cli import main
from generator.lint import RULES, lint_file

from .helpers import FIXTURES, iter_paragraphs


@pytest.fixture(scope="module")
def ubnd_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The UBND tỉnh fixture plan: it has căn cứ lines and a signer's name."""
    out = tmp_path_factory.mktemp("ubnd")
    [path] = build([FIXTURES / "ubnd-tinh"], out).written
    return path


def errors(path: Path) -> set[str]:
    return {f.rule for f in lint_file(path) if f.severity == "error"}


def para(doc, startswith: str):
    return next(p for p in iter_paragraphs(doc) if p.text.strip().startswith(startswith))


def set_text(p, text: str) -> None:
    """Replace a paragraph's text, keeping the formatting of its first run that has text."""
    runs = [r for r in p.runs if r.text]
    runs[0].text = text
    for r in runs[1:]:
        r.text = ""


def wrong_margins(doc) -> None:
    doc.sections[0].left_margin = Mm(20)


def arial_run(doc) -> None:
    for run in para(doc, "Tạo sự chuyển biến").runs:
        if run.text:
            run.font.name = "Arial"


def unpadded_date(doc) -> None:
    set_text(para(doc, "Tây Ninh, ngày"), "Tây Ninh, ngày 5 tháng 1 năm 2024")


def spaced_number(doc) -> None:
    set_text(para(doc, "Số:"), "Số: 22 / KH-SGTVT")


def no_luu_line(doc) -> None:
    p = para(doc, "- Lưu:")
    p._p.getparent().remove(p._p)


def kt_with_slash(doc) -> None:
    set_text(para(doc, "KT. GIÁM ĐỐC"), "K/T GIÁM ĐỐC")


def last_basis_semicolon(doc) -> None:
    p = para(doc, "Căn cứ Nghị định")
    set_text(p, p.text.rstrip(".") + ";")


def no_page_number(doc) -> None:
    for p in doc.sections[0].header.paragraphs:
        p._p.getparent().remove(p._p)


def number_on_first_page(doc) -> None:
    doc.sections[0].different_first_page_header_footer = False


def body_12pt(doc) -> None:
    doc.styles["VB Body"].font.size = Pt(12)  # through the style, as a clerk restyling in Word would


FIXTURE_CASES: dict[str, tuple[str, Callable, str]] = {
    # name: (which generated document, mutation, rule that must fire)
    "wrong-margins": ("plan", wrong_margins, "PAGE-03"),
    "arial-runs": ("plan", arial_run, "FONT-01"),
    "unpadded-date": ("plan", unpadded_date, "DATE-01"),
    "spaced-number": ("plan", spaced_number, "NUM-01"),
    "no-luu-line": ("plan", no_luu_line, "NN-03"),
    "kt-with-slash": ("plan", kt_with_slash, "SIG-01"),
    "last-basis-semicolon": ("ubnd", last_basis_semicolon, "CANCU-01"),
    "no-page-number": ("plan", no_page_number, "PAGE-04"),
    "number-on-page-1": ("plan", number_on_first_page, "PAGE-05"),
    "body-12pt": ("plan", body_12pt, "BODY-01"),
}


@pytest.mark.parametrize("case", sorted(FIXTURE_CASES))
def test_wrong_fixture_is_flagged(case: str, plan_docx: Path, ubnd_docx: Path, tmp_path: Path) -> None:
    source, mutate, rule_id = FIXTURE_CASES[case]
    doc = Document(str(plan_docx if source == "plan" else ubnd_docx))
    mutate(doc)
    path = tmp_path / f"{case}.docx"
    doc.save(str(path))
    found = errors(path)
    assert rule_id in found, (case, found)
    assert found - {rule_id} <= {"NN-02", "SIG-02"}, f"{case}: unrelated errors {found - {rule_id}}"


def test_generated_documents_pass(built: dict[str, Path], ubnd_docx: Path) -> None:
    for path in [*built.values(), ubnd_docx]:
        bad = [f for f in lint_file(path) if f.severity == "error"]
        assert bad == [], (path.name, bad)


def test_libreoffice_saved_hand_edit() -> None:
    """A plan edited by hand (Arial body text, "K/T", a date without padding), saved by LibreOffice."""
    path = FIXTURES / "lint" / "hand-edited-libreoffice.docx"
    found = errors(path)
    assert {"FONT-01", "SIG-01", "DATE-01"} <= found, found
    assert "PAGE-01" not in found and "NN-03" not in found


def test_not_evaluated_is_reported_not_passed(plan_docx: Path) -> None:
    by_rule = {f.rule: f for f in lint_file(plan_docx)}
    assert by_rule["NUM-02"].severity == "not-evaluated"  # not a công văn
    evaluated_or_reported = {r.id for r in RULES}
    assert evaluated_or_reported >= {"PAGE-01", "HDR-04", "NN-03", "SIG-01", "TITLE-02"}


def test_unconfirmed_rules_are_warnings() -> None:
    severity = {r.id: r.severity for r in RULES}
    for rule_id in ("STRUCT-01", "STRUCT-02", "END-01", "CAP-01", "CAP-02"):
        assert severity[rule_id] == "warning"
    assert len(severity) == len(RULES)  # ids are unique


def test_cli_output_json_rules_and_exit_codes(plan_docx: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["lint", str(plan_docx)])
    assert ok.exit_code == 0, ok.output
    bad = tmp_path / "bad.docx"
    doc = Document(str(plan_docx))
    kt_with_slash(doc)
    doc.save(str(bad))
    res = runner.invoke(main, ["lint", str(bad)])
    assert res.exit_code == 1
    assert f"{bad}: SIG-01 error" in res.output
    js = runner.invoke(main, ["lint", "--format", "json", str(bad)])
    data = json.loads(js.output)
    assert any(f["rule"] == "SIG-01" and f["severity"] == "error" and f["where"] for f in data[0]["findings"])
    rules = runner.invoke(main, ["lint", "--rules"])
    assert rules.exit_code == 0 and "PAGE-01" in rules.output and "NĐ30" in rules.output
    assert runner.invoke(main, ["lint"]).exit_code == 2
    not_docx = tmp_path / "x.docx"
    not_docx.write_text("not a zip")
    assert runner.invoke(main, ["lint", str(not_docx)]).exit_code == 1


def test_the_json_shape_is_the_one_readme_shows(plan_docx: Path, tmp_path: Path) -> None:
    """README's `--format json` example has the keys the command prints, at both levels."""
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(\[\{\"file\".*?)```", readme, re.S).group(1))
    bad = tmp_path / "bad.docx"
    doc = Document(str(plan_docx))
    kt_with_slash(doc)
    doc.save(str(bad))
    data = json.loads(CliRunner().invoke(main, ["lint", "--format", "json", str(bad)]).stdout)
    assert set(data[0]) == set(example[0])
    assert {frozenset(f) for f in data[0]["findings"]} == {frozenset(f) for f in example[0]["findings"]}
