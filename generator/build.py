"""The build: load → derive → render → write, callable from Python without the CLI."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .context import DocumentContext, build_context
from .derive import document_reference, register_documents, subplans
from .errors import DataError, OutputError, UnknownIdError, VbgenError, suggest
from .load import Corpus, LoadedDocument, load
from .render import render, template_path
from .reports import reports
from .writer import clean_stale_temporaries, output_name, reproducible, safe_target, write_atomic


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
    """What happened to one job."""

    job: Job
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
    produced: set[str] = set()
    for main in corpus.documents:
        produced.add(main.doc_id)
        yield main
        yield from reports(corpus, main)
        for sub in subplans(corpus, main, warnings):
            corpus.references.setdefault(sub.doc_id, document_reference(sub, sub.document.plan_year))
            produced.add(sub.doc_id)
            yield sub
            yield from reports(corpus, sub)
    asked = {d.doc_id for d in corpus.documents}
    for plan_id, res in corpus.results.items():
        if plan_id not in produced and plan_id.split("#")[0] in asked:
            raise UnknownIdError(
                f"không có kế hoạch '{plan_id}' để báo cáo kết quả", res.place("plan"), suggest(plan_id, produced)
            )


def derive(corpus: Corpus, warnings: list[str] | None = None) -> list[Job]:
    """Every document the data describes, with its context; data errors surface here, before
    anything is written."""
    jobs: list[Job] = []
    names: dict[str, Job] = {}
    warnings = corpus.warnings if warnings is None else warnings
    unverified: dict[str, int] = {}
    for loaded in documents(corpus, warnings):
        ctx = build_context(corpus, loaded)
        warnings.extend(loaded.problems)
        warnings.extend(w for w in ctx.warnings if w not in warnings)
        for ref_id in ctx.unverified:
            unverified[ref_id] = unverified.get(ref_id, 0) + 1
        name = output_name(loaded.document, ctx.issuer, ctx.title)
        job = Job(loaded, template_for(loaded.document.type), ctx, name)
        if name in names:
            raise OutputError(
                f"hai văn bản cùng tên tệp đầu ra '{name}': {names[name].loaded.source.path} và {loaded.source.path}"
            )
        names[name] = job
        jobs.append(job)
    for ref_id, count in sorted(unverified.items()):
        note = corpus.references[ref_id].note
        where = corpus.places.get(("references", ref_id))
        warnings.append(
            f"{where}: căn cứ '{ref_id}' chưa được xác minh ({count} văn bản dùng)" + (f": {note}" if note else "")
        )
    return jobs


def _render_write(context: DocumentContext, template: Path, target: Path, force: bool) -> tuple[str, VbgenError | None]:
    """Render one document and write it; runs in a worker process under --jobs."""
    try:
        data = reproducible(render(context, template).to_bytes())
        return write_atomic(target, data, force=force), None
    except VbgenError as exc:
        return "failed", exc


def strict_failure(job: Job) -> Outcome | None:
    """Under --strict, a document with warnings that matter (a plan item without result) fails."""
    if not job.loaded.problems:
        return None
    return Outcome(job, None, "failed", DataError("--strict: " + "; ".join(job.loaded.problems)))


def produce(
    job: Job, out: Path, *, force: bool = False, template_folder: Path | None = None, strict: bool = False
) -> Outcome:
    """Render and write one job; a failure is returned, not raised, so the batch goes on."""
    if strict and (failure := strict_failure(job)):
        return failure
    try:
        target = safe_target(out, job.name)
        template = template_path(job.template, template_folder)
    except VbgenError as exc:
        return Outcome(job, None, "failed", exc)
    status, error = _render_write(job.context, template, target, force)
    return Outcome(job, target if error is None else None, status, error)


def build(
    paths: Iterable[Path | str],
    out: Path | str,
    *,
    force: bool = False,
    jobs: int = 1,
    strict: bool = False,
    template_folder: Path | None = None,
    on_start: Callable[[int], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> BuildResult:
    """Build every document under `paths` into `out`, with `jobs` worker processes.

    Bad data raises a DataError before any file is written; a document that fails to render or
    write is recorded in the result and the others still go on. `on_start` is told how many
    documents there are, `on_outcome` each outcome as it comes (in document order).
    """
    corpus = load(paths)
    planned = derive(corpus)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(out)
    if on_start:
        on_start(len(planned))
    result = BuildResult(warnings=list(corpus.warnings))
    runner = _run_parallel if jobs > 1 and len(planned) > 1 else _run
    for outcome in runner(planned, out, force, template_folder, jobs, strict):
        result.outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)
    return result


def _run(
    jobs: list[Job], out: Path, force: bool, template_folder: Path | None, _workers: int, strict: bool
) -> Iterator[Outcome]:
    for job in jobs:
        yield produce(job, out, force=force, template_folder=template_folder, strict=strict)


def _run_parallel(
    jobs: list[Job], out: Path, force: bool, template_folder: Path | None, workers: int, strict: bool
) -> Iterator[Outcome]:
    """Render in worker processes; outcomes come back in document order."""
    from concurrent.futures import ProcessPoolExecutor

    ready: list[tuple[Job, Path, Path] | Outcome] = []
    for job in jobs:
        if strict and (failure := strict_failure(job)):
            ready.append(failure)
            continue
        try:
            ready.append((job, template_path(job.template, template_folder), safe_target(out, job.name)))
        except VbgenError as exc:
            ready.append(Outcome(job, None, "failed", exc))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [
            item if isinstance(item, Outcome) else pool.submit(_render_write, item[0].context, item[1], item[2], force)
            for item in ready
        ]
        for item, future in zip(ready, futures, strict=True):
            if isinstance(future, Outcome):
                yield future
                continue
            assert not isinstance(item, Outcome)
            status, error = future.result()
            yield Outcome(item[0], item[2] if error is None else None, status, error)
