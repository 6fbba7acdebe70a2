"""`vbgen lint`: check any .docx against the checkable rules of Nghị định 30/2020/NĐ-CP."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from docx import Document

from generator.errors import VbgenError
from generator.i18n import _
from generator.lint.anatomy import Anatomy, analyse
from generator.lint.rules import RULES, Finding, NotEvaluated, Rule
from generator.word.package import read_package

__all__ = ["RULES", "Finding", "Rule", "lint_document", "lint_file"]


def _app_pages(path: Path | io.BytesIO) -> int | None:
    """The page count Word or LibreOffice recorded in docProps/app.xml, if any; None when the file
    was last written by a program that does not lay pages out (vbgen, python-docx keep the
    template's count)."""
    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read("docProps/app.xml").decode("utf-8", "replace")
            core = z.read("docProps/core.xml").decode("utf-8", "replace") if "docProps/core.xml" in z.namelist() else ""
    except (KeyError, zipfile.BadZipFile, OSError):
        return None
    if re.search(r"<cp:lastModifiedBy>\s*(vbgen|python-docx)\s*</cp:lastModifiedBy>", core):
        return None
    m = re.search(r"<Pages>(\d+)</Pages>", xml)
    return int(m.group(1)) if m else None


def lint_document(anatomy: Anatomy, rules: list[Rule] | None = None) -> list[Finding]:
    """Every finding of `rules` (default: all) on an analysed document, in rule order."""
    findings: list[Finding] = []
    if not anatomy.in_scope:  # one finding that says so, not dozens of errors
        scope = next(r for r in RULES if r.id == "SCOPE-01")
        return [Finding(scope.id, scope.severity, message, where) for message, where in scope.check(anatomy)]
    for r in rules or RULES:
        try:
            for item in r.check(anatomy):
                if isinstance(item, Finding):
                    findings.append(item)
                else:
                    message, where = item
                    findings.append(Finding(r.id, r.severity, message, where))
        except NotEvaluated as exc:
            findings.append(Finding(r.id, "not-evaluated", _("không đánh giá được: {exc}", exc=exc), None))
    return findings


def lint_file(path: Path | str) -> list[Finding]:
    """Lint one .docx; a file that is not a readable .docx is one FILE-00 error."""
    path = Path(path)
    try:
        # Read once, through the safe reader: a regular file, within the limits, not a zip bomb.
        data = read_package(path, "docx_file_bytes")
        doc = Document(io.BytesIO(data))
        if len(doc.sections) == 0:  # the rules need the page set-up
            return [Finding("FILE-00", "error", _("tệp .docx không có phần thiết lập trang (w:sectPr)"), None)]
        anatomy = analyse(doc)
    except Exception as exc:  # python-docx raises many kinds on a broken package
        if isinstance(exc, VbgenError):
            message = _("không mở được tệp .docx: {reason}", reason=exc.message)
        else:
            message = _("không mở được tệp .docx: {name}: {exc}", name=type(exc).__name__, exc=exc)
        return [Finding("FILE-00", "error", message, None)]
    anatomy.pages = _app_pages(io.BytesIO(data))
    return lint_document(anatomy)
