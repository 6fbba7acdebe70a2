"""Places of values: the fast libyaml lookup gives the line and column the round-trip tree gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from generator.data.yamlsource import Source, _marks

ROOT = Path(__file__).resolve().parents[1]

# Texts where the two parsers could disagree: empty values, flow collections, wide characters,
# block and multi-line scalars, keys YAML reads as numbers, dates or booleans, comments.
TEXTS = {
    "empty": "a:\nb: 1\nc:\n  - \n  -\n  - x\nd: {e: , f: 'ệ😀', g: [1, 2, ]}\n",
    "flow": "x: {a: \"Tiếng Việt ệ\", b: [ệ, 😀, {c: d}], 'k': v}\ny: |\n  block\n  text\nz: >-\n  folded\n",
    "multi": 'a: plain\n  continued\nb: "dq\n  cont"\n# comment\nc:\n  # c2\n  - a: 1\n    b: 2\n  - - x\n    - y\n',
    "docstart": "---\na: 1\n...\n",
    "keys": "2024: a\nyes: c\ntrue: d\n2024-01-01: e\nII.1: f\n",
    "nested": "a:\n  b:\n    c:\n      - d: e\n        f:\n      - g\n",
    "indentless": "a:\n- x\n- y: 1\n  z: 2\nb: ~\n",
    "seqroot": "- a\n- b: 1\n  c: [1,2]\n",
    "bom": "\ufeffa: 1\nb: ệ\n",
    # the lookup leaves these to the round-trip tree
    "alias": "a: &x {b: 1}\nc: *x\n",
    "tag": "!!str 3: x\nk: !!str 4\n",
}


def _paths(node, loc=()):
    yield loc
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*loc, str(k)))
        yield (*loc, "missing")
        yield (*loc, "missing", 0)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*loc, i))
        yield (*loc, len(node))
        yield (*loc, "x")


def _texts():
    files = sorted((ROOT / "data").rglob("*.yaml")) + sorted(
        (ROOT / "generator" / "data" / "catalogue").rglob("*.yaml")
    )
    return [(f.name, f.read_text(encoding="utf-8")) for f in files] + list(TEXTS.items())


@pytest.mark.parametrize(("name", "text"), _texts(), ids=[n for n, _t in _texts()])
def test_fast_places_match_the_round_trip_tree(name: str, text: str) -> None:
    data = YAML(typ="safe", pure=False).load(text)
    tree = Source(Path(name), text, None)
    fast = Source(Path(name), text, None)
    for loc in [*_paths(data), (0,), ("a", 0), (1, "x")]:
        line, col = tree._tree_mark(loc)
        expected = (line + 1 if line is not None else None, col + 1 if col is not None else None)
        got = fast.exact_place(loc)
        assert (got.line, got.column) == expected, (name, loc)


def test_the_lookup_defers_to_the_tree_where_they_may_differ() -> None:
    assert _marks(TEXTS["alias"]) is None
    assert _marks(TEXTS["tag"]) is None
    assert _marks(TEXTS["flow"]) is not None
    source = Source(Path("flow"), TEXTS["flow"], None)
    assert source.exact_place(("x", "b", 1)).column == 31
    assert source._tree is None  # the slow round-trip tree was never built
