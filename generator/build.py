"""The build: load → derive → render → write, callable from Python without the CLI."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.data.load import Corpus, LoadedDocument, combined, load, load_collecting, parse_share
from generator.data.yamlsource import Source
from generator.errors import DataError, KeptFileError, OutputError, Place, UnknownIdError, VbgenError, suggest
from generator.family.context import DocumentContext, build_context
from generator.family.derive import document_reference, register_documents, subplans
from generator.family.reports import reports
from generator.i18n import _
from generator.word.render import RenderInput, prepare, render_input, template_path
from generator.word.writer import (
    LOCK,
    MANIFEST,
    Manifest,
    clean_stale_temporaries,
    digest,
    finalize,
    locked,
    output_name,
    prepare_out,
    safe_target,
    sync_dir,
    sync_files,
    write_temporary,
)


@dataclass
class Job:
    """One document to produce: its data, the template it uses and its output name."""

    loaded: LoadedDocument
    template: str
    context: DocumentContext
    name: str

    @property
    def label(self) -> str:
        return f"{self.loaded.source.path} → {self.name}"


@dataclass
class Outcome:
    """What happened to one document (no context kept: a batch may have thousands)."""

    name: str
    source: Path  # the data file it came from
    path: Path | None = None
    status: str = "written"  # written | unchanged | kept (changed by hand, not replaced) | failed
    error: VbgenError | None = None


@dataclass
class BuildResult:
    """The outcome of a build: what was written, what failed, and the warnings."""

    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)  # with pdf=True: the PDFs in place
    pdfs_kept: list[Path] = field(default_factory=list)  # PDFs changed by hand, not replaced
    pdf_error: VbgenError | None = None  # with pdf=True: why the PDFs could not be made

    @property
    def written(self) -> list[Path]:
        """Every document now in place, written by this build or already there with these bytes."""
        return [o.path for o in self.outcomes if o.path is not None]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def kept(self) -> list[Outcome]:
        """Files changed since vbgen wrote them (or never written by it), left as they are."""
        return [o for o in self.outcomes if o.status == "kept"]

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.kept else 0


def template_for(doc_type: str) -> str:
    """The template a document type renders through."""
    return "baocao.docx" if doc_type == "BC" else "kehoach.docx"


def documents(corpus: Corpus, warnings: list[str]) -> Iterator[LoadedDocument]:
    """The main documents asked for, each followed by its reports, then its sub-plans and theirs."""
    register_documents(corpus)
    for main in corpus.documents:
        yield from family(corpus, main, warnings)


def family(corpus: Corpus, main: LoadedDocument, warnings: list[str]) -> Iterator[LoadedDocument]:
    """One main document, its reports, then its sub-plans and theirs (register_documents first)."""
    produced = {main.doc_id}
    yield main
    yield from reports(corpus, main)
    for sub in subplans(corpus, main, warnings):
        corpus.references.setdefault(sub.doc_id, document_reference(sub, sub.document.plan_year))
        produced.add(sub.doc_id)
        yield sub
        yield from reports(corpus, sub)
    for plan_id, res in corpus.results.items():
        if plan_id not in produced and plan_id.split("#")[0] == main.doc_id:
            raise UnknownIdError(
                _("không có kế hoạch '{plan}' để báo cáo kết quả", plan=plan_id),
                res.place("plan"),
                suggest(plan_id, produced),
            )


@dataclass
class _Notes:
    """What one document adds to the batch's warnings, as plain strings (sent back by a worker)."""

    doc_id: str
    problems: list[str]
    warnings: list[str]
    empty: list[tuple[str, str, str]]  # (file, place, title) of each table without rows
    unverified: list[str]  # ids of the unverified references it cites (see _reference_notes)


def _notes(loaded: LoadedDocument, ctx: DocumentContext) -> _Notes:
    empty = [(str(getattr(place, "file", "")), str(place), title) for place, title in ctx.empty_tables]
    return _Notes(loaded.doc_id, list(loaded.problems), list(ctx.warnings), empty, list(ctx.unverified))


def _reference_notes(corpus: Corpus) -> dict[str, tuple[str, str]]:
    """Where each reference is defined and its note: what the unverified warning says of it."""
    return {
        ref_id: (str(corpus.places.get(("references", ref_id))), ref.note or "")
        for ref_id, ref in corpus.references.items()
    }


class _Collector:
    """Warnings gathered while jobs are made, some summed up over the whole batch."""

    def __init__(self, warnings: list[str], references: dict[str, tuple[str, str]]) -> None:
        self.warnings = warnings
        self.references = references
        self.unverified: dict[str, int] = {}
        self.empty: dict[str, set[str]] = {}  # files where the rows of an empty table go, by folder

    def add(self, notes: _Notes) -> None:
        self.warnings.extend(notes.problems)
        self.warnings.extend(w for w in notes.warnings if w not in self.warnings)
        for file, _place, _title in notes.empty:
            self.empty.setdefault(str(Path(file or ".").parent), set()).add(Path(file or ".").name)
        for ref_id in notes.unverified:
            self.unverified[ref_id] = self.unverified.get(ref_id, 0) + 1

    def close(self) -> None:
        # One line a folder: the example agencies leave several tables empty, and a clerk acts per folder.
        for folder, files in sorted(self.empty.items()):
            self.warnings.append(
                _(
                    "{folder}: {n} bảng chưa có dòng nào nên được bỏ qua (cả câu giới thiệu bảng); thêm dòng "
                    "(table: rows: …) vào: {files}",
                    folder=folder,
                    n=len(files),
                    files=", ".join(sorted(files)),
                )
            )
        if self.unverified:  # one line: the list is `vbgen check --facts`, not every build's output
            self.warnings.append(
                _(
                    "{n} căn cứ chưa được xác minh (trích yếu, ngày chưa đối chiếu văn bản gốc) được dẫn ở các văn bản; "
                    "xem danh sách: vbgen check --facts",
                    n=len(self.unverified),
                )
            )


def check_consistency(loaded: LoadedDocument, numbers: dict[tuple, LoadedDocument]) -> None:
    """Rules across a document's fields and across documents: a number is used once per agency,
    type and year (ND30 Điều 15), and only with a date; the date falls in the plan's year (or its
    December before: plans are often issued then); no deadline comes before the document's date,
    nor (for an undated draft) before the plan's year."""
    doc = loaded.document
    if doc.number is not None:
        key = (doc.issuer, doc.type, doc.plan_year, doc.number)
        if key in numbers:
            other = numbers[key]
            raise DataError(
                _(
                    "số {number}/{type} năm {year} đã dùng cho '{other}' ({place}); "
                    "số văn bản là duy nhất trong năm của một cơ quan",
                    number=str(doc.number).zfill(2),
                    type=doc.type,
                    year=doc.plan_year,
                    other=other.doc_id,
                    place=other.place("number"),
                ),
                loaded.place("number"),
            )
        numbers[key] = loaded
    if doc.number is not None and doc.date is None and doc.month is None:
        # ND30 Điều 15: a number is given when the document is issued, with its date
        raise DataError(
            _("văn bản có số {number} nhưng chưa có ngày: ghi 'date:' (hoặc bỏ số khi còn là dự thảo)",
              number=doc.number),
            loaded.place("number"),
        )  # fmt: skip
    if doc.date is not None:
        year = doc.plan_year
        if not (doc.date.year == year or (doc.date.year == year - 1 and doc.date.month == 12)):
            raise DataError(
                _(
                    "ngày {date} nằm ngoài năm {year} của văn bản (chỉ được sớm hơn vào tháng 12 năm {before})",
                    date=doc.date.isoformat(),
                    year=year,
                    before=year - 1,
                ),
                loaded.place("date"),
            )
        for i, d in enumerate(doc.deadlines):
            if d.date < doc.date:
                raise DataError(
                    _(
                        "hạn '{id}' ({date}) trước ngày của văn bản ({doc_date})",
                        id=d.id,
                        date=d.date.isoformat(),
                        doc_date=doc.date.isoformat(),
                    ),
                    loaded.place("deadlines", i, "date"),
                )
    for i, d in enumerate(doc.deadlines):
        if d.date.year < doc.plan_year - (1 if doc.date and doc.date.year < doc.plan_year else 0):
            raise DataError(
                _("hạn '{id}' ({date}) trước năm {year} của kế hoạch", id=d.id, date=d.date.isoformat(),
                  year=doc.plan_year),
                loaded.place("deadlines", i, "date"),
            )  # fmt: skip


def iter_jobs(corpus: Corpus, warnings: list[str], prior: list[VbgenError] | None = None) -> Iterator[Job]:
    """Every document the data describes, with its context, one at a time. A document with a data
    error is skipped and its error kept; they are raised together after the last document (so a
    build writes nothing, and the user sees every document's error at once).

    `prior` holds the errors loading found: the documents are then derived only to find more
    errors, and what merely repeats an earlier error (an unknown id met again, a failure caused
    by a part that did not load) is left out."""
    names: dict[str, Path] = {}
    numbers: dict[tuple, LoadedDocument] = {}
    collector = _Collector(warnings, _reference_notes(corpus))
    errors: list[VbgenError] = []
    seen = {e.message for e in prior or []}
    for loaded in _documents_collecting(corpus, warnings, errors, prior is not None):
        try:
            check_consistency(loaded, numbers)
            ctx = build_context(corpus, loaded)
        except VbgenError as exc:
            errors.append(exc)
            continue
        except Exception:
            if prior is None:
                raise
            continue  # a consequence of an error already reported
        collector.add(_notes(loaded, ctx))
        name = output_name(loaded.document, ctx.issuer, ctx.title)
        if name in names:
            errors.append(_same_name(name, names[name], data_file(loaded)))
            continue
        names[name] = data_file(loaded)
        yield Job(loaded, template_for(loaded.document.type), ctx, name)
    collector.close()
    errors = [e for e in _distinct(errors) if e.message not in seen]
    if errors:
        raise combined(errors)


def _distinct(errors: list[VbgenError]) -> list[VbgenError]:
    """Each error once: documents derived from one plan (its sub-plans, its reports) inherit its
    faults, which are placed at the plan's line, so one fault met in each of them is one error."""
    seen: set[tuple[str, str, str | None]] = set()
    out = []
    for error in errors:
        key = (error.message, str(error.place or ""), error.hint)
        if key not in seen:
            seen.add(key)
            out.append(error)
    return out


def _documents_collecting(
    corpus: Corpus, warnings: list[str], errors: list[VbgenError], tolerant: bool
) -> Iterator[LoadedDocument]:
    """documents(), going on past a data error in one plan's family to the next plan's."""
    try:
        register_documents(corpus)
    except VbgenError as exc:
        errors.append(exc)
        return
    except Exception:
        if not tolerant:
            raise
        return
    for main in corpus.documents:
        try:
            yield from family(corpus, main, warnings)
        except VbgenError as exc:
            errors.append(exc)
        except Exception:
            if not tolerant:
                raise


def load_all(paths: Iterable[Path | str]) -> Corpus:
    """The data at `paths`, loaded and cross-checked; on any error, raise every error of every
    stage at once (loading, ids, and those deriving the documents of what loaded finds)."""
    corpus, errors = load_collecting(paths)
    if errors:
        raise collect_errors(corpus, errors)
    return corpus


def collect_errors(corpus: Corpus, prior: list[VbgenError]) -> VbgenError:
    """The errors loading found, with those the later stages find in what did load."""
    later: list[VbgenError] = []
    try:
        for _job in iter_jobs(corpus, [], prior):
            pass
    except VbgenError as exc:
        later = list(getattr(exc, "errors", [exc]))
    return combined([*prior, *later])


def data_file(loaded: LoadedDocument) -> Path:
    """The user's file a document comes from: a sub-plan made from the shipped catalogue alone is
    named by its main plan's file, which is where the user can change it."""
    while loaded.parent is not None and loaded.kind is not None and "catalogue" in loaded.source.path.parts:
        loaded = loaded.parent
    return loaded.source.path


def _same_name(name: str, first: Path, second: Path) -> OutputError:
    return OutputError(
        _("hai văn bản cùng tên tệp đầu ra '{name}': {first} và {second}", name=name, first=first, second=second)
    )


def derive(corpus: Corpus, warnings: list[str] | None = None) -> list[Job]:
    """Every document the data describes, with its context (all at once: for check and context)."""
    return list(iter_jobs(corpus, corpus.warnings if warnings is None else warnings))


def count_documents(corpus: Corpus) -> int:
    """How many documents a build of `corpus` makes, counted without deriving them."""
    total = 0
    for main in corpus.documents:
        plans = [main.doc_id] + [f"{main.doc_id}#{c if isinstance(c, str) else c.kind}" for c in main.document.subplans]
        total += len(plans)
        for plan_id in plans:
            res = corpus.results.get(plan_id)
            if res is not None:
                total += 1 + (res.results.scoring is not None)
    return total


# -- the batch: shards rendered by workers, placed by the parent -----------------------------------


@dataclass
class _Done:
    """One document of a shard, as its worker sends it back (no context: a batch may have thousands)."""

    index: int  # its place in the batch's order
    name: str
    source: Path  # the data file it came from
    notes: _Notes
    temp: Path | None = None  # the rendered file, not yet in place
    hash: str = ""
    error: VbgenError | None = None  # this document failed (the others go on)


@dataclass
class _Shard:
    """What one worker made of its share of the batch."""

    done: list[_Done] = field(default_factory=list)
    before: dict[int, list[str]] = field(default_factory=dict)  # warnings the derivation adds before document i
    load_warnings: list[str] = field(default_factory=list)
    references: dict[str, tuple[str, str]] = field(default_factory=dict)  # _reference_notes, at the end
    stop: tuple[int, VbgenError] | None = None  # the first error that stops the batch, and where


_progress: Any = None  # in a worker: the queue its progress goes to


def _tell(what: tuple) -> None:
    if _progress is not None:
        _progress.put(what)


def _die_with(parent: int) -> None:
    """Make this worker end when the build that started it ends, even by `kill -9`: Linux's
    PR_SET_PDEATHSIG, else a thread watching the parent's pid."""
    libc = ctypes.util.find_library("c")
    try:
        prctl = ctypes.CDLL(libc, use_errno=True).prctl if libc else None
    except (OSError, AttributeError):
        prctl = None
    if prctl is not None and prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # 1: PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent went before the call took effect
            os._exit(1)
        return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _worker_init(parent: int, progress: Any) -> None:
    global _progress
    _die_with(parent)  # Ctrl-C reaches the workers too: each stops its shard at once
    _progress = progress


def _render_one(
    corpus: Corpus,
    loaded: LoadedDocument,
    index: int,
    out: Path,
    resolved: Path,
    owner: int,
    strict: bool,
    template_folder: Path | None,
) -> _Done:
    ctx = build_context(corpus, loaded)
    name = output_name(loaded.document, ctx.issuer, ctx.title)
    done = _Done(index, name, data_file(loaded), _notes(loaded, ctx))
    try:
        if strict and loaded.problems:
            raise DataError("--strict: " + "; ".join(loaded.problems))
        target = safe_target(out, name, resolved)
        template = template_path(template_for(loaded.document.type), template_folder)
    except VbgenError as exc:
        done.error = exc
        return done
    done.temp, done.hash, done.error = render_to_temporary(prepare(ctx), template, target, owner=owner, sync=False)
    return done


def render_to_temporary(
    inp: RenderInput, template: Path, target: Path, *, owner: int | None = None, sync: bool = True
) -> tuple[Path | None, str, VbgenError | None]:
    """Render one prepared document into a hidden temporary file beside `target`: (its path, the
    hash of its bytes, None), or (None, "", the error)."""
    try:
        data = render_input(inp, template)
        return write_temporary(target, data, owner=owner, sync=sync), digest(data), None
    except VbgenError as exc:
        return None, "", exc


def _build_shard(
    paths: list[Path],
    out: Path,
    shard: int,
    shards: int,
    owner: int,
    strict: bool,
    template_folder: Path | None,
    parsed: dict[str, Source] | None = None,
) -> _Shard:
    """Load the data, derive every document, and render into temporaries the documents of this
    shard (every `shards`-th, from `shard`). Every worker loads and walks the whole batch (from
    the files the workers parsed between them, `parsed`; the cross-document checks see it all),
    but only builds the context of its own share (the costly part). A data error stops the shard
    and is sent back with its place in the batch."""
    result = _Shard()
    pos = -1  # where in the batch we are: a load error comes before every document
    try:
        corpus = load(paths, parsed)
        resolved = out.resolve()  # once for the shard, not for each document
        result.load_warnings = list(corpus.warnings)
        if shard == 0:
            _tell(("start", count_documents(corpus)))
        warnings: list[str] = []
        numbers: dict[tuple, LoadedDocument] = {}
        seen = 0
        pos = 0
        for index, loaded in enumerate(documents(corpus, warnings)):
            pos = index
            if len(warnings) > seen:
                result.before[index] = warnings[seen:]
                seen = len(warnings)
            check_consistency(loaded, numbers)
            if index % shards == shard:
                result.done.append(_render_one(corpus, loaded, index, out, resolved, owner, strict, template_folder))
                _tell(("done",))
            pos = index + 1
        if len(warnings) > seen:
            result.before[pos] = warnings[seen:]
        result.references = _reference_notes(corpus)
    except VbgenError as exc:
        result.stop = (pos, exc)
    return result


def _run_shards(
    paths: list[Path],
    out: Path,
    jobs: int,
    strict: bool,
    template_folder: Path | None,
    on_start: Callable[[int], None] | None,
    on_progress: Callable[[], None] | None,
) -> list[_Shard]:
    """The shards of a batch: in this process for one job, else one per worker process."""
    owner = os.getpid()

    def told(what: tuple) -> None:
        if what[0] == "start" and on_start:
            on_start(what[1])
        elif what[0] == "done" and on_progress:
            on_progress()

    global _progress
    if jobs == 1:
        _progress = _Direct(told)
        try:
            return [_build_shard(paths, out, 0, 1, owner, strict, template_folder)]
        finally:
            _progress = None
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    progress = context.Queue() if on_start or on_progress else None
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_init, initargs=(owner, progress)) as pool:
        # The workers first parse the data files between them (the costly part of loading), so
        # that each loads the whole data set from parsed files instead of parsing every one.
        parsed: dict[str, Source] = {}
        for share in [pool.submit(parse_share, paths, k, jobs) for k in range(jobs)]:
            parsed.update(share.result())
        futures = [
            pool.submit(_build_shard, paths, out, k, jobs, owner, strict, template_folder, parsed) for k in range(jobs)
        ]
        while progress is not None and not all(f.done() for f in futures):
            with contextlib.suppress(queue.Empty):
                told(progress.get(timeout=0.05))
        with contextlib.suppress(queue.Empty):
            while progress is not None:
                told(progress.get_nowait())
        return [f.result() for f in futures]


class _Direct:
    """The progress 'queue' of a build in one process: calls back at once."""

    def __init__(self, told: Callable[[tuple], None]) -> None:
        self.put = told


def _remove_own_temporaries(out: Path, owner: int) -> None:
    """Remove every temporary this build made in `out` (named after its pid)."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(out):
            if entry.name.startswith(f".vbgen-{owner}-") and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def build(
    paths: Iterable[Path | str],
    out: Path | str,
    *,
    force: bool = False,
    jobs: int = 1,
    strict: bool = False,
    template_folder: Path | None = None,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    pdf: bool = False,
) -> BuildResult:
    """Build every document under `paths` into `out`, in `jobs` worker processes.

    Each worker loads the data, derives every document and renders its share of them into hidden
    temporary files in `out`; only when the whole batch has been made without a data error are
    the files put in place, in document order. So bad data raises a DataError and leaves nothing
    written, while a document that fails to render or to be written is recorded in the result and
    the others still go on. Putting in place: the data of every temporary is synced to disk (one
    syncfs for the batch), each is renamed over its target, then the folder is synced once; so a
    power loss after build() returns cannot leave a truncated file. A file vbgen wrote before
    (its hash is in `out/.vbgen-manifest.json`) and nobody changed since is replaced; a file
    changed by hand is kept unless `force`. `out` is locked for the build (a second build into it
    stops with an OutputError). `on_start` is told how many documents there are, `on_progress`
    each time one is rendered, `on_outcome` each outcome, in document order, once placed. With
    `pdf`, `jobs` LibreOffice converters start with the batch and convert the documents in place
    into PDFs beside them (result.pdfs; result.pdf_error says why not, the .docx files stay).
    """
    paths = [Path(p) for p in paths]
    out = Path(out)
    created = prepare_out(out)
    owner = os.getpid()
    with locked(out), contextlib.ExitStack() as stack:
        clean_stale_temporaries(out)
        converters, pdf_error = None, None
        if pdf:
            from generator.word.pdf import Converters

            try:
                converters = stack.enter_context(Converters(jobs))  # their start-up overlaps the rendering
            except VbgenError as exc:
                pdf_error = exc
        try:
            shards = _run_shards(paths, out, jobs, strict, template_folder, on_start, on_progress)
            try:
                result, done = _merge(shards)
            except DataError as exc:  # the shards stop at the first error: the user sees them all
                raise every_error(paths) or exc from None
        except BaseException:
            # A data error (or Ctrl-C): nothing is put in place; the temporary files go.
            _remove_own_temporaries(out, owner)
            if created and not any(e.name not in (LOCK, MANIFEST) for e in os.scandir(out)):
                (out / LOCK).unlink(missing_ok=True)
                with contextlib.suppress(OSError):
                    out.rmdir()  # bad data leaves nothing behind, not even the folder
            raise
        manifest = Manifest(out)
        _place(done, out, result, force, on_outcome, manifest)
        result.pdf_error = pdf_error
        if converters is not None:
            from generator.word.pdf import convert

            try:
                result.pdfs = convert(result.written, out, workers=jobs, converters=converters, force=force,
                                      manifest=manifest, kept=result.pdfs_kept)  # fmt: skip
            except VbgenError as exc:
                result.pdf_error = exc
        manifest.save()
    return result


def every_error(paths: Iterable[Path | str]) -> VbgenError | None:
    """Every error of every stage the data at `paths` has (loading, ids, deriving), as one error."""
    try:
        corpus = load_all(paths)
        for _job in iter_jobs(corpus, []):
            pass
    except VbgenError as exc:
        return exc
    return None


def _merge(shards: list[_Shard]) -> tuple[BuildResult, list[_Done]]:
    """The shards' documents in batch order, with the warnings in the order a single process
    gives them; the first error that stops the batch (in batch order) is raised."""
    done = sorted((d for s in shards for d in s.done), key=lambda d: d.index)
    # (place in the batch, rank, error): at one place, a data error comes before a name clash
    stops: list[tuple[int, int, VbgenError]] = [(s.stop[0], 0, s.stop[1]) for s in shards if s.stop is not None]
    names: dict[str, Path] = {}
    for d in done:
        if d.name in names:
            stops.append((d.index, 1, _same_name(d.name, names[d.name], d.source)))
            break
        names[d.name] = d.source
    if stops:
        raise min(stops, key=lambda s: s[:2])[2]
    result = BuildResult(warnings=list(shards[0].load_warnings))
    collector = _Collector(result.warnings, {k: v for s in shards for k, v in s.references.items()})
    before = shards[0].before
    for d in done:
        result.warnings.extend(before.get(d.index, []))
        collector.add(d.notes)
    for index in sorted(i for i in before if i >= len(done)):
        result.warnings.extend(before[index])
    collector.close()
    return result, done


def _place(
    done: list[_Done],
    out: Path,
    result: BuildResult,
    force: bool,
    on_outcome: Callable[[Outcome], None] | None,
    manifest: Manifest,
) -> None:
    """Put the batch in place: sync every temporary's data, rename each over its target (or
    keep the target), sync the folder, record what was written in the manifest."""
    temps = [d.temp for d in done if d.temp is not None]
    try:
        sync_files(temps, out)
    except OSError as exc:  # the disk refused the batch's data (full, failing): nothing is put in place
        for temp in temps:
            temp.unlink(missing_ok=True)
        raise OutputError(_("không ghi được tệp: {reason}", reason=exc.strerror), Place(out)) from None
    folder = out.resolve()
    for d in done:
        if d.error is not None or d.temp is None:
            outcome = Outcome(d.name, d.source, None, "failed", d.error)
        else:
            target = folder / d.name
            try:
                status = finalize(d.temp, target, force=force, hash_=d.hash, manifest=manifest)
                outcome = Outcome(d.name, d.source, target, status)
            except KeptFileError as exc:
                outcome = Outcome(d.name, d.source, None, "kept", exc)
            except VbgenError as exc:
                outcome = Outcome(d.name, d.source, None, "failed", exc)
        result.outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)
    sync_dir(out)
