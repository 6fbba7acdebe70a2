"""The build: load → derive → render → write, callable from Python without the CLI."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator.data.load import Corpus, LoadedDocument, combined, load_collecting
from generator.errors import DataError, OutputError, UnknownIdError, VbgenError, suggest
from generator.family.context import DocumentContext, build_context
from generator.family.derive import document_reference, register_documents, subplans
from generator.family.reports import reports
from generator.i18n import _
from generator.word.render import RenderInput, prepare, render_input, template_path
from generator.word.writer import clean_stale_temporaries, finalize, output_name, safe_target, write_temporary


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
    status: str = "written"  # written | unchanged | failed
    error: VbgenError | None = None


@dataclass
class BuildResult:
    """The outcome of a build: what was written, what failed, and the warnings."""

    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def written(self) -> list[Path]:
        return [o.path for o in self.outcomes if o.path is not None]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


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


class _Collector:
    """Warnings gathered while jobs are made, some summed up over the whole batch."""

    def __init__(self, corpus: Corpus, warnings: list[str]) -> None:
        self.corpus = corpus
        self.warnings = warnings
        self.unverified: dict[str, int] = {}
        self.empty: dict[str, set[str]] = {}  # files where the rows of an empty table go, by folder

    def add(self, loaded: LoadedDocument, ctx: DocumentContext) -> None:
        self.warnings.extend(loaded.problems)
        self.warnings.extend(w for w in ctx.warnings if w not in self.warnings)
        for place, _title in ctx.empty_tables:
            file = Path(str(getattr(place, "file", "") or "."))
            self.empty.setdefault(str(file.parent), set()).add(file.name)
        for ref_id in ctx.unverified:
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
    type and year (ND30 Điều 15); the date falls in the plan's year (or its December before: plans
    are often issued then); no deadline comes before the document's date."""
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


def iter_jobs(corpus: Corpus, warnings: list[str], prior: list[VbgenError] | None = None) -> Iterator[Job]:
    """Every document the data describes, with its context, one at a time. A document with a data
    error is skipped and its error kept; they are raised together after the last document (so a
    build writes nothing, and the user sees every document's error at once).

    `prior` holds the errors loading found: the documents are then derived only to find more
    errors, and what merely repeats an earlier error (an unknown id met again, a failure caused
    by a part that did not load) is left out."""
    names: dict[str, Path] = {}
    numbers: dict[tuple, LoadedDocument] = {}
    collector = _Collector(corpus, warnings)
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
        collector.add(loaded, ctx)
        name = output_name(loaded.document, ctx.issuer, ctx.title)
        if name in names:
            errors.append(
                OutputError(
                    _(
                        "hai văn bản cùng tên tệp đầu ra '{name}': {first} và {second}",
                        name=name,
                        first=names[name],
                        second=loaded.source.path,
                    )
                )
            )
            continue
        names[name] = loaded.source.path
        yield Job(loaded, template_for(loaded.document.type), ctx, name)
    collector.close()
    errors = [e for e in errors if e.message not in seen]
    if errors:
        raise combined(errors)


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


def strict_problem(job: Job) -> VbgenError | None:
    """Under --strict, the warnings that make a document fail (a plan item without its result)."""
    if not job.loaded.problems:
        return None
    return DataError("--strict: " + "; ".join(job.loaded.problems))


def render_to_temporary(inp: RenderInput, template: Path, target: Path) -> tuple[Path | None, VbgenError | None]:
    """Render one prepared document into a hidden temporary file beside `target` (in a worker)."""
    try:
        return write_temporary(target, render_input(inp, template)), None
    except VbgenError as exc:
        return None, exc


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
) -> BuildResult:
    """Build every document under `paths` into `out`, rendering in `jobs` worker processes.

    Documents are rendered as soon as they are made, into hidden temporary files; only when every
    document of the batch has been made without a data error are the files put in place. So bad
    data raises a DataError and leaves nothing written, while a document that fails to render or
    to be written is recorded in the result and the others still go on. `on_start` is told how many
    documents there are, `on_progress` each time one is rendered, `on_outcome` each outcome, in
    document order, once the batch is placed.
    """
    corpus = load_all(paths)
    out = Path(out)
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(out)
    result = BuildResult(warnings=list(corpus.warnings))
    if on_start:
        on_start(count_documents(corpus))
    pending: list[tuple[_Pending | Outcome, Path | None, Future | tuple]] = []
    pool = ProcessPoolExecutor(max_workers=jobs) if jobs > 1 else None
    window: deque[Future] = deque()
    try:
        for job in iter_jobs(corpus, result.warnings):
            problem = strict_problem(job) if strict else None
            try:
                target = safe_target(out, job.name)
                template = template_path(job.template, template_folder)
            except VbgenError as exc:
                problem = exc
            if problem is not None:
                pending.append((Outcome(job.name, job.loaded.source.path, None, "failed", problem), None, ()))
                continue
            if pool is None:
                done = render_to_temporary(prepare(job.context), template, target)
                pending.append((_slim(job), target, done))
                if on_progress:
                    on_progress()
                continue
            future = pool.submit(render_to_temporary, prepare(job.context), template, target)
            if on_progress:
                future.add_done_callback(lambda _f: on_progress())
            pending.append((_slim(job), target, future))
            window.append(future)
            while len(window) > 4 * jobs:  # bounded: memory stays flat however large the batch
                window.popleft().result()
        done_all = [(item, target, f.result() if isinstance(f, Future) else f) for item, target, f in pending]
    except BaseException:
        # A data error (or Ctrl-C): nothing is put in place; the temporary files go.
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        for _item, _target, f in pending:
            temp = (f.result()[0] if isinstance(f, Future) and f.done() and not f.cancelled() else
                    (f[0] if isinstance(f, tuple) and f else None))  # fmt: skip
            if temp is not None:
                Path(temp).unlink(missing_ok=True)
        if created and not any(out.iterdir()):
            out.rmdir()  # bad data leaves nothing behind, not even the folder
        raise
    if pool is not None:
        pool.shutdown(wait=True)
    for item, target, rendered in done_all:
        if isinstance(item, Outcome):
            outcome = item
        else:
            temp, error = rendered
            if error is None:
                try:
                    outcome = Outcome(item.name, item.source, target, finalize(temp, target, force=force))
                except VbgenError as exc:
                    outcome = Outcome(item.name, item.source, None, "failed", exc)
            else:
                outcome = Outcome(item.name, item.source, None, "failed", error)
        result.outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)
    return result


@dataclass(frozen=True)
class _Pending:
    """What is kept of a job while the batch renders: its name and data file, not its context."""

    name: str
    source: Path


def _slim(job: Job) -> _Pending:
    return _Pending(job.name, job.loaded.source.path)
