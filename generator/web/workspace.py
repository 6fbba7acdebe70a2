"""A data folder as the web page sees it: its documents, their built files, checks and previews."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import tempfile
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.build import Job, derive
from generator.data.load import Corpus, find_root, load, yaml_files
from generator.errors import CombinedError, DataError, InputError, OutputError, Place, VbgenError
from generator.family.draft import draft
from generator.i18n import _
from generator.importer.api import import_documents
from generator.lint import Finding, lint_file
from generator.nd30.dates import short_date
from generator.word.render import prepare, render_input, template_path
from generator.word.writer import write_atomic

DOCUMENT_KEYS = ("plan", "subplan", "results")
MAX_UPLOAD_BYTES = (
    20 * 2**20
)  # a typed plan is well under 1 MB; lint's own limits apply after  # top-level keys of a file that describes documents


class ConflictError(OutputError):
    """The file changed on disk since it was opened: saving would lose someone else's edit."""


@dataclass
class Entry:
    """One document of the data folder, as listed on the page."""

    name: str  # the output file name: also its id on the page
    doc_id: str
    type_name: str
    agency: str
    year: int
    number: str  # "22/KH-SGTVT" or "" for a draft
    date: str  # "03/4/2024" or ""
    source: str  # the data file it comes from, relative to the root
    next_deadline: str = ""
    title: str = ""
    own_file: str = ""  # for a sub-plan edited through its main plan: where its own file would go
    job: Job | None = field(default=None, repr=False)

    @property
    def derived(self) -> bool:
        """A sub-plan with no file of its own: its form is its main plan's."""
        return bool(self.own_file)

    @property
    def draft(self) -> bool:
        return not self.number


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Workspace:
    """The documents of one data folder, rebuilt when its files change; every path stays inside it."""

    def __init__(self, root: Path | str, *, cache: Path | None = None, today: dt.date | None = None) -> None:
        self.root = find_root(Path(root).resolve())
        self.cache = cache or Path(tempfile.mkdtemp(prefix="vbgen-serve-"))
        self.today = today
        self._lock = threading.RLock()
        self._stamp: tuple | None = None
        self._entries: list[Entry] = []
        self._error: VbgenError | None = None
        self._built: dict[str, bytes] = {}
        self._lint: dict[str, list[Finding]] = {}

    # -- paths ---------------------------------------------------------------------------------

    def resolve(self, rel: str) -> Path:
        """The data file `rel` names, refused when it leaves the root or is not a YAML file of it."""
        path = (self.root / rel).resolve()
        if not path.is_relative_to(self.root) or path.suffix not in (".yaml", ".yml") or not path.is_file():
            raise DataError(_("không có tệp dữ liệu '{name}' trong thư mục dữ liệu", name=rel))
        return path

    def relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.root).as_posix()

    def data_files(self) -> list[str]:
        """Every data file that describes documents (plans, sub-plans, results)."""
        out = []
        for file in yaml_files(self.root):
            head = file.read_text(encoding="utf-8", errors="replace")
            if any(line.startswith(f"{key}:") for key in DOCUMENT_KEYS for line in head.splitlines()):
                out.append(self.relative(file))
        return out

    # -- the documents -------------------------------------------------------------------------

    def _current_stamp(self) -> tuple:
        files = sorted(yaml_files(self.root))
        return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)

    def refresh(self) -> None:
        """Reload the folder when a file changed since the last look."""
        with self._lock:
            stamp = self._current_stamp()
            if stamp == self._stamp:
                return
            self._stamp, self._built, self._lint, self._error = stamp, {}, {}, None
            try:
                corpus = load([self.root])
                jobs = derive(corpus)
                self._entries = [self._entry(corpus, job) for job in jobs]
            except VbgenError as exc:
                self._entries, self._error = [], exc

    @property
    def error(self) -> VbgenError | None:
        self.refresh()
        return self._error

    def entries(self) -> list[Entry]:
        self.refresh()
        return list(self._entries)

    def entry(self, name: str) -> Entry:
        for e in self.entries():
            if e.name == name:
                return e
        raise DataError(_("không có văn bản '{name}'", name=name))

    def _entry(self, corpus: Corpus, job: Job) -> Entry:
        doc = job.context.document
        values = job.context.values
        header = values.get("header", {})
        upcoming = sorted(d.date for d in doc.deadlines if d.date >= (self.today or dt.date.today()))
        return Entry(
            name=job.name,
            doc_id=job.loaded.doc_id,
            type_name=str(values.get("type_name", doc.type)).capitalize(),
            agency=corpus.bodies[doc.issuer].name,
            year=doc.plan_year,
            number=str(header.get("number_line", "")).removeprefix("Số:").strip() if doc.number else "",
            date=short_date(doc.date) if doc.date else "",
            source=self.relative(self._editable_source(job)),
            title=job.context.title,
            own_file=self._own_file(job),
            next_deadline=short_date(upcoming[0]) if upcoming else "",
            job=job,
        )

    def _editable_source(self, job: Job) -> Path:
        """The data file a document is edited through: its own, or (for a sub-plan derived from the
        shipped catalogue alone) its main plan's."""
        loaded = job.loaded
        while loaded.parent is not None and not loaded.source.path.resolve().is_relative_to(self.root):
            loaded = loaded.parent
        return loaded.source.path

    def _own_file(self, job: Job) -> str:
        loaded = job.loaded
        if loaded.parent is None or loaded.kind is None or loaded.source.path.resolve().is_relative_to(self.root):
            return ""
        folder = self.resolve(self.relative(self._editable_source(job))).parent
        return self.relative(folder) + f"/{loaded.kind}.yaml"

    def family(self, name: str) -> list[Entry]:
        """A document with every document derived from the same main plan."""
        entry = self.entry(name)
        main = entry.job.loaded if entry.job else None
        while main is not None and main.parent is not None:
            main = main.parent
        root_id = main.doc_id if main else entry.doc_id
        out = []
        for e in self.entries():
            loaded = e.job.loaded if e.job else None
            top = loaded
            while top is not None and top.parent is not None:
                top = top.parent
            if (top.doc_id if top else e.doc_id) == root_id or e.doc_id.split("#")[0] == root_id:
                out.append(e)
        return out

    # -- built files, checks, previews ---------------------------------------------------------

    def docx(self, name: str) -> bytes:
        """The built .docx of a document, in memory (cached until the data changes)."""
        entry = self.entry(name)
        with self._lock:
            if name not in self._built:
                assert entry.job is not None
                self._built[name] = render_input(prepare(entry.job.context), template_path(entry.job.template))
            return self._built[name]

    def lint(self, name: str) -> list[Finding]:
        data = self.docx(name)
        with self._lock:
            if name not in self._lint:
                folder = self.cache / "lint" / file_hash(data)
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / name
                path.write_bytes(data)
                self._lint[name] = lint_file(path)
            return self._lint[name]

    def lint_status(self, name: str) -> tuple[int, int]:
        findings = self.lint(name)
        return (
            sum(f.severity == "error" for f in findings),
            sum(f.severity == "warning" for f in findings),
        )

    def family_zip(self, name: str) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for e in self.family(name):
                z.writestr(e.name, self.docx(e.name))
        return buf.getvalue()

    # -- next year -----------------------------------------------------------------------------

    def next_year(self, name: str) -> Path:
        """Draft next year's data of a document's folder (`vbgen draft`) into a new year folder of
        the data root, beside this year's; the folder made. The draft is made of the whole root
        (so citations and bodies resolve as in a build) and only the new folder is kept."""
        entry = self.entry(name)
        folder = self.resolve(entry.source).parent
        year = entry.year + 1
        rel = folder.relative_to(self.root)
        new_rel = Path(*(str(year) if part == str(entry.year) else part for part in rel.parts))
        if new_rel == rel:
            new_rel = rel.parent / f"{rel.name}-{year}"
        target = self.root / new_rel
        if target.exists():
            raise OutputError(_("đã có thư mục '{name}'; mở các văn bản trong đó", name=new_rel.as_posix()))
        with tempfile.TemporaryDirectory(prefix="vbgen-draft-") as tmp:
            draft(self.root, year, Path(tmp) / "out")
            made = Path(tmp) / "out" / new_rel
            if not made.is_dir():
                raise OutputError(_("bản dự thảo năm {year} không có thư mục '{name}'", year=year, name=new_rel))
            shutil.copytree(made, target)
        self._stamp = None
        return target

    # -- importing a Word document ---------------------------------------------------------------

    def import_docx(self, data: bytes, filename: str) -> Imported:
        """What `vbgen import` makes of an uploaded .docx against this folder: the document's data
        file, and the bodies and references the folder does not have yet (nothing is written)."""
        if len(data) > MAX_UPLOAD_BYTES:
            raise InputError(_("tệp tải lên quá lớn (tối đa {n} MB)", n=MAX_UPLOAD_BYTES // 2**20))
        name = Path(filename).name or "van-ban.docx"
        corpus = load([self.root])
        with tempfile.TemporaryDirectory(prefix="vbgen-import-") as tmp:
            source = Path(tmp) / (name if name.lower().endswith(".docx") else name + ".docx")
            source.write_bytes(data)
            out = Path(tmp) / "out"
            try:
                report = import_documents([source], out, self.root)
            except VbgenError as exc:  # name the file the user sent, not the temporary copy
                raise InputError(str(exc).replace(str(source), name)) from None
            doc_file = next(p for p in report.written if p.name not in ("directory.yaml", "references.yaml"))
            bodies = _new_entries(out / "directory.yaml", "bodies", set(corpus.bodies))
            refs = _new_entries(out / "references.yaml", "references", set(corpus.references))
            return Imported(
                target=doc_file.relative_to(out).as_posix(),
                document=doc_file.read_text(encoding="utf-8"),
                bodies=bodies,
                references=refs,
                review=[str(r) for d in report.documents for r in d.review],
            )

    def save_import(self, imported: Imported) -> list[VbgenError]:
        """Write an import into the folder: the document's file at its place, the new bodies and
        references beside it; refused when a file is there already, nothing written on error."""
        target = (self.root / imported.target).resolve()
        hidden = any(part.startswith(".") for part in Path(imported.target).parts)
        if hidden or not target.is_relative_to(self.root) or target.suffix != ".yaml":
            raise DataError(_("đường dẫn không hợp lệ: {name}", name=imported.target))
        if target.exists():
            raise OutputError(_("đã có tệp '{name}'; đổi tên hoặc sửa tệp đó", name=imported.target))
        files = {target: imported.document}
        if imported.bodies.strip():
            files[target.with_name(target.stem + "-co-quan.yaml")] = imported.bodies
        if imported.references.strip():
            files[target.with_name(target.stem + "-van-ban.yaml")] = imported.references
        errors = self._validate_files(files)
        if errors:
            return errors
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text.encode("utf-8"))
        self._stamp = None
        return []

    # -- saving --------------------------------------------------------------------------------

    def validate(self, rel: str, text: str) -> list[VbgenError]:
        """The errors the folder would have with `text` in place of file `rel`, found on a copy."""
        return self._validate_files({self.resolve(rel): text})

    def _validate_files(self, files: dict[Path, str]) -> list[VbgenError]:
        """The errors the folder would have with these files written (or replaced), on a copy."""
        with tempfile.TemporaryDirectory(prefix="vbgen-check-") as tmp:
            copy = Path(tmp) / "data"
            shutil.copytree(self.root, copy, ignore=shutil.ignore_patterns(".*"))
            for path, text in files.items():
                target = copy / path.relative_to(self.root)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            try:
                corpus = load([copy])
                jobs = derive(corpus)
                for job in jobs:
                    render_input(prepare(job.context), template_path(job.template))
            except CombinedError as exc:
                return [_rebased(e, copy, self.root) for e in exc.errors]
            except VbgenError as exc:
                return [_rebased(exc, copy, self.root)]
        return []

    def save(self, rel: str, text: str, opened_hash: str) -> list[VbgenError]:
        """Write `text` to file `rel` when it is valid and nobody changed the file since it was
        opened (its hash then was `opened_hash`); the errors otherwise, with nothing written."""
        path = self.resolve(rel)
        before = _document_keys(path.read_text(encoding="utf-8"))
        after = _document_keys(text)
        if before and after is not None and not before <= after:
            return [DataError(_("tệp phải còn phần {keys}: nội dung này sẽ xóa văn bản khỏi thư mục; không ghi",
                                keys=", ".join(sorted(before - after))), Place(path))]  # fmt: skip
        with self._lock:
            if file_hash(path.read_bytes()) != opened_hash:
                raise ConflictError(
                    _("tệp '{name}' đã được người khác sửa sau khi bạn mở; hãy mở lại để xem bản mới", name=rel)
                )
            errors = self.validate(rel, text)
            if errors:
                return errors
            write_atomic(path, text.encode("utf-8"), force=True)
            self._stamp = None
        return []


@dataclass
class Imported:
    """An uploaded document as data, for review before it is saved into the folder."""

    target: str  # where its data file goes, relative to the root
    document: str  # its data file (YAML)
    bodies: str  # YAML of the bodies the folder does not have yet ("" when none)
    references: str  # likewise for references
    review: list[str] = field(default_factory=list)


def _document_keys(text: str) -> set[str] | None:
    """The top-level keys of a data file that describe documents (plan, subplan, results); None
    when the text is not YAML at all (loading it then says where)."""
    from generator.web.form import parse

    try:
        data = parse(text)
    except Exception:  # ruamel raises many kinds on broken YAML
        return None
    return {k for k in DOCUMENT_KEYS if isinstance(data, dict) and data.get(k)}


def _new_entries(path: Path, key: str, known: set[str]) -> str:
    """The entries of an imported YAML file under `key` that the folder does not know, as YAML."""
    from generator.web.form import dump, parse

    data = parse(path.read_text(encoding="utf-8")) if path.is_file() else None
    entries = (data or {}).get(key) or {}
    for entry_id in [k for k in entries if k in known]:
        del entries[entry_id]
    return dump({key: entries}) if entries else ""


def _rebased(exc: VbgenError, copy: Path, root: Path) -> VbgenError:
    """An error found on the validation copy, pointing at the real file instead."""
    place = exc.place
    if place is not None and place.file is not None:
        try:
            rel = Path(place.file).resolve().relative_to(copy.resolve())
        except ValueError:
            return exc
        # a plain Place: the copy (and the lines a lazy place would read from it) is about to go
        exc = type(exc)(exc.message, Place(root / rel, place.line, place.column, place.field), exc.hint)
    return exc
