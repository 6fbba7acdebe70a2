"""Issue 7: messages in Vietnamese by default, in English with --lang en, from Babel catalogues."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from click.testing import CliRunner

from generator.cli import main
from generator.i18n import set_language

from .helpers import REPO


def test_every_message_has_an_english_translation() -> None:
    code = {m[2] for m in extract_from_dir(str(REPO / "generator"), keywords={"_": None, "N_": None})}
    with (REPO / "generator" / "locale" / "en" / "LC_MESSAGES" / "vbgen.po").open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id for m in catalog if m.id and m.string}
    assert code - translated == set(), "run pybabel extract/update and translate (README)"


def _broken(data_copy: Path) -> Path:
    plan = data_copy / "so-gtvt-tay-ninh" / "2024" / "ke-hoach-dan-van.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("issuer: so-gtvt-tay-ninh", "issuer: so-gtvt"), encoding="utf-8"
    )
    return data_copy


def test_english_with_lang_en(data_copy: Path, tmp_path: Path) -> None:
    try:
        result = CliRunner().invoke(
            main, ["--lang", "en", "build", str(_broken(data_copy)), "--out", str(tmp_path / "o")]
        )
    finally:
        set_language(None)
    assert result.exit_code == 2
    assert "error:" in result.output and "no body 'so-gtvt' in the directory of bodies" in result.output
    assert "field 'plan.issuer'" in result.output and "did you mean 'so-gtvt-tay-ninh'?" in result.output


def test_vietnamese_by_default_and_english_from_the_environment(data_copy: Path, tmp_path: Path) -> None:
    data = _broken(data_copy)
    vi = CliRunner(env={"VBGEN_LANG": "", "LANG": "C.UTF-8", "LC_ALL": ""}).invoke(
        main, ["build", str(data), "--out", str(tmp_path / "a")]
    )
    assert "lỗi:" in vi.output and "không có cơ quan 'so-gtvt' trong danh mục cơ quan" in vi.output
    en = CliRunner(env={"VBGEN_LANG": "en"}).invoke(main, ["build", str(data), "--out", str(tmp_path / "b")])
    assert "no body 'so-gtvt'" in en.output
    from_locale = CliRunner(env={"VBGEN_LANG": "", "LC_ALL": "en_US.UTF-8"}).invoke(
        main, ["build", str(data), "--out", str(tmp_path / "c")]
    )
    assert "no body 'so-gtvt'" in from_locale.output


def test_translations_use_the_same_fields() -> None:
    """A translation naming a field its message does not have would fail when shown."""
    import string

    def fields(text: str) -> set[str]:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}

    with (REPO / "generator" / "locale" / "en" / "LC_MESSAGES" / "vbgen.po").open("rb") as fh:
        catalog = read_po(fh)
    wrong = [(m.id, m.string) for m in catalog if m.id and fields(m.string) != fields(m.id)]
    assert wrong == []


def test_lint_in_english() -> None:
    fixture = REPO / "tests" / "fixtures" / "lint" / "hand-edited-libreoffice.docx"
    try:
        result = CliRunner().invoke(main, ["--lang", "en", "lint", str(fixture)])
    finally:
        set_language(None)
    assert "SIG-01 error 'K/T GIÁM ĐỐC': wrong authority abbreviation (use TM./KT./TL./TUQ./Q.)" in result.output
    assert "(signature table, right cell, paragraph 1)" in result.output
    assert "3 errors, 0 warnings" in result.output
