"""Issue 3: `vbgen check` finds template faults, naming the template, the tag and its place."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from ruamel.yaml import YAML

from generator.check import check
from generator.cli import main
from generator.word.render import template_dir

from .helpers import DATA, REPO


def template_copy(tmp_path: Path, edit: Callable[[Document], None]) -> Path:
    """A copy of the bundled templates with kehoach.docx edited by `edit`."""
    folder = tmp_path / "templates"
    shutil.copytree(template_dir(), folder)
    path = folder / "kehoach.docx"
    doc = Document(str(path))
    edit(doc)
    doc.save(str(path))
    return folder


def run_with(doc: Document, text: str):
    """The run holding `text` in the template (header table cells included)."""
    for table in doc.tables:
        for cell in table._cells:
            for p in cell.paragraphs:
                for r in p.runs:
                    if text in r.text:
                        return p, r
    for p in doc.paragraphs:
        for r in p.runs:
            if text in r.text:
                return p, r
    raise AssertionError(text)


def undefined_variable(doc: Document) -> None:
    _, run = run_with(doc, "{{ header.number_line }}")
    run.text = "{{ header.numbr_line }}"


def split_tag(doc: Document) -> None:
    p, run = run_with(doc, "{{ header.number_line }}")
    run.text = "{{ header.num"
    second = p.add_run("ber_line }}")
    second.bold = False  # as Word does when a tag is typed in two goes


def curly_quotes(doc: Document) -> None:
    _, run = run_with(doc, "{%p if b.kind == 'h1' %}")
    run.text = "{%p if b.kind == ‘h1’ %}"


def syntax_error(doc: Document) -> None:
    _, run = run_with(doc, "{%p if b.kind == 'h1' %}")
    run.text = "{%p if b.kind == %}"


def leftover_tag(doc: Document) -> None:
    _, run = run_with(doc, "{{ type_name }}")
    run.text = "{{ type_name }} {_{ quên }_}"


CASES = {
    "undefined-variable": (undefined_variable, "undefined", "numbr_line"),
    "split-tag": (split_tag, "split-tag", "{{ header.number_line }}"),
    "curly-quotes": (curly_quotes, "curly-quotes", "‘h1’"),
    "syntax-error": (syntax_error, "syntax", "lỗi cú pháp"),
    "leftover-tag": (leftover_tag, "leftover-tag", "{{ quên }}"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_template_is_found(case: str, tmp_path: Path) -> None:
    edit, kind, words = CASES[case]
    folder = template_copy(tmp_path, edit)
    problems = check([DATA], folder)
    matching = [p for p in problems if p.kind == kind]
    assert matching, problems
    assert all(p.template == "kehoach.docx" for p in matching)
    assert any(words in str(p) for p in matching), matching
    if kind in ("split-tag", "curly-quotes", "syntax"):
        assert all(p.where and "word/document.xml" in p.where for p in matching)
    result = CliRunner().invoke(main, ["check", str(DATA), "--templates", str(folder)])
    assert result.exit_code == 1 and "kehoach.docx" in result.output


def test_undefined_variable_names_data_file_and_schema_gap(tmp_path: Path) -> None:
    problems = check([DATA], template_copy(tmp_path, undefined_variable))
    undefined = next(p for p in problems if p.kind == "undefined")
    assert undefined.data and undefined.data.endswith("ke-hoach-dan-van.yaml")
    assert any(p.kind == "schema" and "header.numbr_line" in p.message for p in problems)


def test_bundled_templates_and_data_pass() -> None:
    assert check([DATA]) == []
    result = CliRunner().invoke(main, ["check", str(DATA)])
    assert result.exit_code == 0, result.output


def test_data_errors_are_reported(tmp_path: Path, data_copy: Path) -> None:
    plan = data_copy / "so-gtvt-tay-ninh" / "2024" / "ke-hoach-dan-van.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("  number: 22", "  number: hai"), encoding="utf-8")
    problems = check([data_copy])
    assert [p.kind for p in problems] == ["data"] and "plan.number" in problems[0].message


def test_pre_commit_hooks_and_ci_example() -> None:
    yaml = YAML(typ="safe")
    hooks = yaml.load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    by_id = {h["id"]: h for h in hooks}
    assert by_id["vbgen-check"]["entry"] == "vbgen check" and by_id["vbgen-check"]["pass_filenames"] is False
    assert by_id["vbgen-lint"]["entry"] == "vbgen lint"
    workflow = yaml.load((REPO / "examples" / "github-actions-vbgen.yml").read_text(encoding="utf-8"))
    steps = " ".join(str(s.get("run", "")) for s in workflow["jobs"]["vbgen"]["steps"])
    assert "vbgen check" in steps and "vbgen lint" in steps
