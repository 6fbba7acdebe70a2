"""Shared fixtures: the bundled data built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import build

from .helpers import DATA


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build data/ once; map output file names to paths."""
    out = tmp_path_factory.mktemp("out")
    result = build([DATA], out)
    assert result.exit_code == 0, [str(o.error) for o in result.failed]
    return {p.name: p for p in result.written}


@pytest.fixture(scope="session")
def plan_docx(built: dict[str, Path]) -> Path:
    return built["2024-22-KH-SGTVT-dan-van-chinh-quyen.docx"]


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ for tests that break it."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target
