"""Data text with only {{ name }}, {{ name.key }} and {{ f('id') }} tags is filled in without Jinja,
exactly as the sandbox renders it."""

from __future__ import annotations

import pytest

from generator.errors import DataError
from generator.nd30.text import _substituted, environment, render_text


def _cite(ref_id: str) -> str:
    if ref_id == "none":
        raise ValueError("no such reference")
    return {"kh-1": "Kế hoạch số 1/KH-UBND *ngày* 02/01/2024", "n": 7, "z": None}.get(ref_id, ref_id)  # type: ignore[return-value]


VARIABLES = {
    "cite": _cite,
    "year": 2024,
    "issuer": {"short": "Sở *A*_b", "items": "x", "name": "Sở Mẫu"},
    "nothing": None,
    "call": len,
    "flag": True,
    "braces": "a{{b}}",
    "true": "shadowed",
}
SOURCES = [
    "năm {{ year }}",
    "{{year}}{{ issuer.short }}",
    "{{\tyear\t}} và {{ issuer.name }}.",
    "{{ braces }} x",
    "{{ year }}}",
    "{{ year }} }} {",
    "Thực hiện {{ cite('kh-1') }}; {{ cite(\"n\") }}, {{ issuer.short }} báo cáo",
    "{{cite('a b')}}",
    # left to the sandbox
    "{{ cite('z') }}",
    "{{ cite('none') }}",
    "{{ cite('a', 'b') }}",
    "{{ cite('a\\'b') }}",
    "{{ cite(year) }}",
    "{{ call('abc') }}",
    "{{ issuer.items }}",
    "{{ nothing }}",
    "{{ flag }}",
    "{{ year|string }}",
    "a {{- year }}",
    "{{ true }}",
    "{{ year }}\n",
    "{% if year %}{{ year }}{% endif %}",
    "{# note #}{{ year }}",
]


@pytest.mark.parametrize("source", SOURCES)
def test_the_shortcut_renders_what_the_sandbox_renders(source: str) -> None:
    try:
        expected = environment().from_string(source).render(VARIABLES)
    except Exception:  # the sandbox refuses it (a function printed): so must render_text
        assert _substituted(source, VARIABLES) is None
        with pytest.raises(DataError):
            render_text(source, VARIABLES)
        return
    fast = _substituted(source, VARIABLES)
    assert fast is None or fast == expected
    assert render_text(source, VARIABLES) == expected


def test_the_shortcut_takes_the_plain_tags_and_leaves_the_rest() -> None:
    assert _substituted("năm {{ year }} của {{ issuer.name }}", VARIABLES) == "năm 2024 của Sở Mẫu"
    called = "{{ cite('kh-1') }}."  # a text function's call, taken without compiling
    assert _substituted(called, VARIABLES) == environment().from_string(called).render(VARIABLES)
    assert _substituted(called, VARIABLES) is not None
    for source in ("{{ call('x') }}", "{{ cite('none') }}", "{{ cite('z') }}"):  # a builtin; a failing call; None
        assert _substituted(source, VARIABLES) is None, source
    for source in ("{{ nothing }}", "{{ call }}", "{{ missing }}", "{{ issuer.nope }}", "{{ true }}", "{{ year }}{{"):
        assert _substituted(source, VARIABLES) is None, source
