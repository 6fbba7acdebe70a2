"""The documents a data root already builds, to recognise an imported document among them.

A document is the one the data builds when it has the same issuer, type and year, and the same
number (numbered on both sides: its số/ký hiệu) or else the same trích yếu. A sub-plan found so is
not imported as a second, independent plan: what the Word file adds to it (its number and date,
once issued) goes into its `subplan:` file, and the parts whose text differs from the data's build
are named for review. Any other document found so is imported with a warning naming it.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docx import Document
from ruamel.yaml.comments import CommentedMap

from generator.data.load import Corpus, LoadedDocument, load
from generator.data.model import Body
from generator.errors import VbgenError
from generator.i18n import N_, _
from generator.importer.directory import norm
from generator.importer.source import open_docx
from generator.importer.text import clean
from generator.lint.anatomy import Anatomy, analyse
from generator.nd30 import citations

if TYPE_CHECKING:
    from generator.build import Job

# The parts compared between the Word file and the data's build (its number and date may differ:
# they are what the Word file adds).
PARTS = (
    (N_("trích yếu"), ("summary",)),
    (N_("căn cứ và nội dung"), ("basis", "body")),
    (N_("nơi nhận"), ("recipients",)),
    (N_("chữ ký"), ("authority",)),
)


@dataclass
class Existing:
    """A document of the data root that an imported one is."""

    job: Job
    label: str  # "Kế hoạch số 22/KH-SGTVT"; a sub-plan: "kế hoạch con 'Thanh tra, kiểm tra năm 2024' của …"
    file: Path  # its data file in the root: a sub-plan's `subplan:` file (which may not exist yet)

    @property
    def subplan(self) -> bool:
        return self.job.loaded.kind is not None and self.job.loaded.parent is not None


class ExistingDocuments:
    """The documents `root` builds (none when it does not build: its own errors are the build's)."""

    def __init__(self, root: Path) -> None:
        from generator.build import derive

        self.root = root
        self.corpus: Corpus = load([root])  # its own load: deriving registers documents as references
        try:
            self.jobs = derive(self.corpus, [])
        except VbgenError:
            self.jobs = []

    def find(self, plan: dict[str, Any], title: str) -> Existing | None:
        """The data's document that the imported `plan` (printed trích yếu `title`) is."""
        year = plan.get("year") or plan["date"].year
        for job in self.jobs:
            doc = job.loaded.document
            if (doc.issuer, doc.type, doc.plan_year) != (plan["issuer"], plan["type"], year):
                continue
            number = plan.get("number")
            same = number == doc.number if number and doc.number else norm(title) == norm(job.context.title)
            if same:
                return self._existing(job)
        return None

    def _existing(self, job: Job) -> Existing:
        loaded = job.loaded
        bodies = self.corpus.bodies
        if loaded.kind is None or loaded.parent is None:
            return Existing(job, _label(loaded, bodies), loaded.source.path)
        parent = loaded.parent
        label = _("kế hoạch con '{title}' của {plan}", title=job.context.title, plan=_label(parent, bodies))
        own = self.corpus.subplans.get((parent.doc_id, loaded.kind))
        # The README's place for it: beside the main plan, named by its kind.
        file = own.source.path if own else parent.source.path.parent / f"{loaded.kind}.yaml"
        return Existing(job, label, file)

    def subplan_file(self, existing: Existing, plan: dict[str, Any]) -> tuple[Path, Any, dict[str, Any]]:
        """The `subplan:` file of a recognised sub-plan: its path in the root, its content (the
        root's own file, or a new one) with the number and date of the Word file where they are
        new, and those new values."""
        loaded = existing.job.loaded
        assert loaded.parent is not None and loaded.kind is not None
        from generator.family.draft import _yaml

        if existing.file.is_file():
            data = _yaml().load(existing.file.read_text(encoding="utf-8"))
        else:
            data = CommentedMap({"subplan": CommentedMap({"plan": loaded.parent.doc_id, "kind": loaded.kind})})
        spec = data["subplan"]
        new = {
            k: plan[k] for k in ("number", "date") if plan.get(k) is not None and plan[k] != getattr(loaded.document, k)
        }
        at = list(spec).index("kind") + 1 if "kind" in spec else len(spec)  # after the kind, as the README
        for key, value in new.items():
            if key in spec:
                spec[key] = value
            else:
                spec.insert(at, key, value)
                at += 1
        return existing.file.resolve().relative_to(self.root.resolve()), data, new

    def differences(self, existing: Existing, source: Path) -> list[str]:
        """The parts whose words differ between the Word file and the data's build of it."""
        from generator.word.render import prepare, render_input, template_path

        try:
            built = render_input(prepare(existing.job.context), template_path(existing.job.template))
            ours = _parts(analyse(Document(io.BytesIO(built))))
            theirs = _parts(analyse(open_docx(source)))
        except VbgenError:
            return []
        return [_(name) for name, _keys in PARTS if ours[name] != theirs[name]]


def _label(loaded: LoadedDocument, bodies: Mapping[str, Body]) -> str:
    """How a document of the data is named to the user: by its số/ký hiệu, else its trích yếu."""
    from generator.family.derive import document_reference

    doc = loaded.document
    ref = document_reference(loaded, doc.plan_year)
    if doc.number is None:
        return _("{kind} '{title}' (chưa có số)", kind=ref.kind, title=ref.subject or "")
    return citations.short_cite(ref, bodies)


def _parts(a: Anatomy) -> dict[str, list[str]]:
    """The words of each compared part."""
    return {name: " ".join(clean(ln.text) for key in keys for ln in getattr(a, key)).split() for name, keys in PARTS}
