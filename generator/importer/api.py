"""`vbgen import` as a library call: read Word files, write data files that `vbgen build` reads."""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from generator.data.load import load
from generator.errors import Place, VbgenError
from generator.family.draft import REVIEW, _yaml
from generator.i18n import _
from generator.importer.directory import Directory
from generator.importer.existing import ExistingDocuments
from generator.importer.reader import DocumentReader, Imported
from generator.nd30.dates import short_date
from generator.word.writer import write_planned


@dataclass
class ImportReport:
    """What an import wrote, and for each document what a person should check."""

    documents: list[Imported] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    failed: list[VbgenError] = field(default_factory=list)  # files not imported, each error naming its file

    @property
    def exit_code(self) -> int:
        """1 when a file could not be imported (the others were), as `vbgen build` and `vbgen lint`."""
        return 1 if self.failed else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "written": [str(p) for p in self.written],
            "documents": [{"source": str(d.source), "review": d.review} for d in self.documents],
            "failed": [
                {"file": str(e.place.file) if e.place else None, "error": e.message, "message": str(e)}
                for e in self.failed
            ],
        }


def _dump(data: Any, review: list[str] | None = None, header: str | None = None) -> bytes:
    buf = io.StringIO()
    if header:
        buf.write("".join(f"# {line}\n" for line in header.splitlines()))
    if review:
        buf.write(f"# {_(REVIEW)} (vbgen import):\n" + "".join(f"# - {r}\n" for r in review))
    _yaml().dump(data, buf)
    return buf.getvalue().encode("utf-8")


def _mapping(data: dict[str, Any], comments: dict[str, str] | None = None) -> CommentedMap:
    out = CommentedMap(data)
    for key, text in (comments or {}).items():
        out.yaml_add_eol_comment(text, key)
    return out


def import_documents(
    files: list[Path],
    out: Path,
    data_root: Path | None = None,
    *,
    force: bool = False,
    keep_going: bool = False,
    recognise: bool = True,
) -> ImportReport:
    """Read every file, then write `out/directory.yaml`, `out/references.yaml` and one data file
    per document. A file that cannot be read raises its error before anything is written; with
    `keep_going`, it is in `report.failed` instead, nothing of it is written (not a body, not a
    reference it named) and the other files are imported.

    With a data root (and `recognise`), a document the root already builds is recognised: a
    sub-plan's data file is its `subplan:` file (generator/importer/existing.py), not a second
    plan; any other is imported with a warning naming the document of the root."""
    existing = None
    if data_root is not None:
        corpus = load([data_root])
        existing = ExistingDocuments(data_root) if recognise else None
    else:
        with tempfile.TemporaryDirectory() as empty:
            corpus = load([Path(empty)])  # the shipped catalogue alone
    directory = Directory(corpus)
    report = ImportReport()
    for file in files:
        before = directory.snapshot()
        try:
            doc = DocumentReader(Path(file), directory).read()
            if existing is not None:
                _recognise(doc, existing, directory, before)
            report.documents.append(doc)
        except VbgenError as exc:
            if not keep_going:
                raise
            directory.restore(before)  # what the file added so far goes with it
            if exc.place is None or exc.place.file is None:  # named by its file, as every failure is
                exc.place = replace(exc.place, file=file) if exc.place else Place(file)
            report.failed.append(exc)
    if not report.documents:
        return report  # nothing read: nothing to write
    planned: dict[Path, bytes] = {}
    bodies = directory.bodies_out()
    new = set(directory.new_bodies)
    body_comments = {b: _("mới hoặc đã sửa theo văn bản: đối chiếu") for b in bodies if b in new}
    planned[out / "directory.yaml"] = _dump(
        {"bodies": _mapping(bodies, body_comments)},
        header=_("Danh mục cơ quan do vbgen import ghi; 'verified: false' là chưa đối chiếu."),
    )
    refs = directory.refs_out()
    planned[out / "references.yaml"] = _dump(
        {"references": _mapping(refs)},
        header=_("Văn bản dẫn chiếu đọc từ các trích dẫn; 'verified: false' là chưa đối chiếu."),
    )
    for doc in report.documents:
        target = out / doc.relpath
        n = 2
        while target in planned:
            target = target.with_name(f"{doc.relpath.stem}-{n}.yaml")
            n += 1
        header = _("Nhập từ {file} (vbgen import).", file=doc.source.name)
        data = doc.subplan if doc.subplan is not None else {"plan": CommentedMap(doc.plan)}
        planned[target] = _dump(data, doc.review, header)
    report.written.extend(write_planned(planned, force=force))
    return report


def _recognise(doc: Imported, existing: ExistingDocuments, directory: Directory, before: dict[str, Any]) -> None:
    """A document the data root builds: a sub-plan becomes its `subplan:` file (what it read into
    the directory is not written: the data has it); any other is flagged, first of its review."""
    found = existing.find(doc.plan, doc.title)
    if found is None:
        return
    if not found.subplan:
        doc.review.insert(0, _("TRÙNG: văn bản này là {doc} đã có trong dữ liệu ({file}); đừng thêm tệp này vào dữ "
                               "liệu thành văn bản thứ hai", doc=found.label, file=found.file))  # fmt: skip
        return
    directory.restore(before)
    doc.relpath, doc.subplan, new = existing.subplan_file(found, doc.plan)
    target = existing.root / doc.relpath
    if new:
        what = ", ".join(_("số {n}", n=v) if k == "number" else _("ngày {d}", d=short_date(v)) for k, v in new.items())
        note = _("văn bản này là {doc}, đã có trong dữ liệu: ghi thành tệp subplan của nó với {what} của văn bản, "
                 "không thành kế hoạch thứ hai; chép tệp này vào {file}", doc=found.label, what=what, file=target)  # fmt: skip
    else:
        note = _("văn bản này là {doc}, đã có trong dữ liệu, không có số, ngày mới: không ghi thành kế hoạch thứ "
                 "hai (tệp subplan ở đây để đối chiếu với {file})", doc=found.label, file=target)  # fmt: skip
    parts = existing.differences(found, doc.source)
    notes = [note, *(_("phần '{part}' khác bản dựng từ dữ liệu: sửa trong tệp subplan nếu cần", part=p) for p in parts)]
    doc.review[:] = notes
