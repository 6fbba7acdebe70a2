"""--jobs N: the data files parsed between the workers load the same corpus as parsing them all."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.data.load import data_files, load, parse_share
from generator.errors import VbgenError

ROOT = Path(__file__).resolve().parents[1]


def _parsed(paths: list[Path], shares: int) -> dict:
    parsed: dict = {}
    for k in range(shares):
        part = parse_share(paths, k, shares)
        assert not set(part) & set(parsed)  # each file is parsed by one worker only
        parsed.update(part)
    return parsed


@pytest.mark.parametrize("shares", [1, 2, 3])
def test_shares_cover_every_file_once_and_load_alike(shares: int) -> None:
    paths = [ROOT / "data"]
    parsed = _parsed(paths, shares)
    assert sorted(parsed) == sorted(str(f) for f, _root in data_files(paths))
    whole, split = load(paths), load(paths, parsed)
    assert list(split.all_documents) == list(whole.all_documents)
    assert split.bodies == whole.bodies and split.references == whole.references
    assert split.warnings == whole.warnings
    assert [str(d.place("title")) for d in split.documents] == [str(d.place("title")) for d in whole.documents]


def test_a_file_that_does_not_parse_is_reported_by_load(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    broken = data / "so-tu-phap-tay-ninh" / "2024" / "ke-hoach.yaml"
    broken.write_text("plan:\n  title: [unclosed\n", encoding="utf-8")
    parsed = _parsed([data], 2)
    assert str(broken) not in parsed
    with pytest.raises(VbgenError) as split:
        load([data], parsed)
    with pytest.raises(VbgenError) as whole:
        load([data])
    assert str(split.value) == str(whole.value)
