"""Lint many files, in a pool of processes when asked (`vbgen lint --jobs N`)."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from generator.lint import Finding, lint_file


def _lint(path: Path) -> list[Finding]:
    return lint_file(path)


def lint_files(paths: list[Path], jobs: int = 1) -> list[tuple[Path, list[Finding]]]:
    """(path, findings) for each file, in the order given; `jobs` > 1 spreads them over processes."""
    if jobs <= 1 or len(paths) < 2:
        return [(p, lint_file(p)) for p in paths]
    with ProcessPoolExecutor(max_workers=min(jobs, len(paths))) as pool:
        chunk = max(1, len(paths) // (jobs * 4))
        return list(zip(paths, pool.map(_lint, paths, chunksize=chunk), strict=True))
