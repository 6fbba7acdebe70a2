"""The build: load → derive → render → write, callable from Python without the CLI."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .context import DocumentContext, build_context
from .errors import OutputError, VbgenError
from .load import Corpus, LoadedDocument, load
from .render import render, template_path
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


def derive(corpus: Corpus) -> list[Job]:
    """Every document the data describes, with its context; data errors surface here, before
    anything is written."""
    jobs: list[Job] = []
    names: dict[str, Job] = {}
    for loaded in corpus.documents:
        ctx = build_context(corpus, loaded)
        name = output_name(loaded.document, ctx.issuer, ctx.title)
        job = Job(loaded, template_for(loaded.document.type), ctx, name)
        if name in names:
            raise OutputError(
                f"hai văn bản cùng tên tệp đầu ra '{name}': {names[name].loaded.source.path} và {loaded.source.path}"
            )
        names[name] = job
        jobs.append(job)
    return jobs


def produce(job: Job, out: Path, *, force: bool = False, template_folder: Path | None = None) -> Outcome:
    """Render and write one job; a failure is returned, not raised, so the batch goes on."""
    try:
        target = safe_target(out, job.name)
        data = reproducible(render(job.context, template_path(job.template, template_folder)).to_bytes())
        status = write_atomic(target, data, force=force)
        return Outcome(job, target, status)
    except VbgenError as exc:
        return Outcome(job, None, "failed", exc)


def build(
    paths: Iterable[Path | str],
    out: Path | str,
    *,
    force: bool = False,
    template_folder: Path | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> BuildResult:
    """Build every document under `paths` into `out`.

    Bad data raises a DataError before any file is written; a document that fails to render or
    write is recorded in the result and the others still go on.
    """
    corpus = load(paths)
    jobs = derive(corpus)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(out)
    result = BuildResult(warnings=list(corpus.warnings))
    for outcome in _run(jobs, out, force, template_folder):
        result.outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)
    return result


def _run(jobs: list[Job], out: Path, force: bool, template_folder: Path | None) -> Iterator[Outcome]:
    for job in jobs:
        yield produce(job, out, force=force, template_folder=template_folder)
