"""`vbgen lint --fix`: apply the rules' mechanical fixes (no word of the text changes) to a copy of a .docx."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument

from generator.errors import OutputError, Place
from generator.i18n import _
from generator.lint.anatomy import analyse
from generator.lint.rules import RULES


@dataclass(frozen=True)
class Change:
    """One change a fix made: the rule it serves and what it did."""

    rule: str
    message: str


def fix_document(doc: DocxDocument, pages: int | None = None) -> list[Change]:
    """Apply every rule's fix to `doc` in place; a document outside ND30's scope is left as it is."""
    anatomy = analyse(doc)
    anatomy.pages = pages
    if not anatomy.in_scope:
        return []
    changes: list[Change] = []
    for r in RULES:
        if r.fix is not None:
            changes += [Change(r.id, message) for message in r.fix(anatomy)]
    return changes


def fix_file(source: Path | str, target: Path | str | None = None, *, in_place: bool = False) -> list[Change]:
    """Fix `source` into `target` (or into itself with `in_place`), written atomically. The source is
    never written otherwise; a target that is the source without `in_place` is refused."""
    from generator.lint import _app_pages
    from generator.word.writer import write_atomic

    source = Path(source)
    if in_place:
        target = source
    elif target is None or Path(target).resolve() == source.resolve():
        raise OutputError(_("--fix cần -o TỆP_MỚI khác tệp gốc, hoặc --in-place"), Place(source))
    doc = Document(str(source))
    changes = fix_document(doc, _app_pages(source))
    buf = io.BytesIO()
    doc.save(buf)
    write_atomic(Path(target), buf.getvalue(), force=True)
    return changes
