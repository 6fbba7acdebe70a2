"""The layout passes over a rendered body give what docxtpl's own passes give, on any table shape."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from generator.word import layout
from generator.word.render import prepared, template_path

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def _cell(span: int) -> str:
    props = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span > 1 else ""
    return f"<w:tc>{props}<w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>"


def _body(tables: list[tuple[list[int], list[list[int]]]]) -> str:
    """A body of tables: each (its grid's column widths, its rows as the spans of their cells)."""
    out = []
    for grid, rows in tables:
        cols = "".join(f'<w:gridCol w:w="{w}"/>' for w in grid)
        body_rows = "".join("<w:tr>" + "".join(_cell(s) for s in row) + "</w:tr>" for row in rows)
        out.append(f"<w:tbl><w:tblGrid>{cols}</w:tblGrid>{body_rows}</w:tbl>")
    drawing = '<w:p><w:r><w:drawing><wp:inline><wp:docPr id="7" name="a"/></wp:inline></w:drawing></w:r></w:p>'
    return f'<w:body xmlns:w="{W}" xmlns:wp="{WP}">{"".join(out)}{drawing * 2}</w:body>'


def _docxtpl(xml: str) -> bytes:
    """docxtpl's fix_tables and fix_docpr_ids, as vbgen called them before layout.py."""
    tpl = prepared(str(template_path("kehoach.docx")), template_path("kehoach.docx").stat().st_mtime_ns).tpl
    tree = tpl.fix_tables(xml)
    tpl.docx_ids_index = 1000
    tpl.fix_docpr_ids(tree)
    return etree.tostring(tree)


def _ours(xml: str) -> bytes:
    tree = layout.parse(xml)
    layout.fit_grids(tree)
    layout.number_drawings(tree)
    return etree.tostring(tree)


tables = st.lists(
    st.tuples(
        st.lists(st.integers(min_value=100, max_value=5000), min_size=1, max_size=6),
        st.lists(st.lists(st.integers(min_value=1, max_value=3), min_size=1, max_size=7), min_size=1, max_size=4),
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_grids_and_drawing_ids_match_docxtpl(shape: list[tuple[list[int], list[list[int]]]]) -> None:
    xml = _body(shape)
    assert _ours(xml) == _docxtpl(xml)


def test_the_cases_that_change_a_grid() -> None:
    wider = _body([([1000, 2000], [[1, 1, 1], [1]])])  # a row with more cells than columns
    narrower = _body([([1000, 1000, 1000, 1000], [[1, 1], [2]])])  # fewer: columns removed
    merged = _body([([1000, 1000, 1000], [[2, 1], [3]])])  # merged cells fill the grid
    for xml in (wider, narrower, merged):
        assert _ours(xml) == _docxtpl(xml)
    grid = layout.parse(_ours(narrower).decode()).find(f"{{{W}}}tbl/{{{W}}}tblGrid")
    assert [c.get(f"{{{W}}}w") for c in grid] == ["2000", "2000"]
