"""Text of a Word paragraph as a vbgen text field: **bold**/*italic* marks, literal characters kept."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from generator.nd30.text import parse_markup, render_text

# Characters that mean something in a text field are written as variables that print them:
# {{ '*' }} prints "*" and cannot open emphasis (README: values never become marks).
_ESCAPES = {"{": "{{ '{' }}", "}": "{{ '}' }}", "*": "{{ '*' }}", "_": "{{ '_' }}"}


def clean(text: str) -> str:
    """NFC, tabs and line breaks as spaces, one space between words."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def escape(text: str) -> str:
    """Plain text as a text field that prints it unchanged."""
    return "".join(_ESCAPES.get(c, c) for c in text)


def _segments(runs: Iterable[tuple[str, bool, bool]]) -> list[tuple[str, bool, bool]]:
    out: list[tuple[str, bool, bool]] = []
    for text, bold, italic in runs:
        text = unicodedata.normalize("NFC", text).replace("\t", " ").replace("\n", " ")
        if not text:
            continue
        if not text.strip():  # spaces take the format of their neighbours
            bold = out[-1][1] if out else bold
            italic = out[-1][2] if out else italic
        if out and (out[-1][1], out[-1][2]) == (bold, italic):
            out[-1] = (out[-1][0] + text, bold, italic)
        else:
            out.append((text, bold, italic))
    return out


def marked(runs: Iterable[tuple[str, bool, bool]]) -> tuple[str, bool]:
    """The paragraph's runs as one text field with marks; (text, True) when the marks give back
    the same emphasis, else the plain text and False (the emphasis is then listed for review)."""
    segments = _segments(runs)
    plain = clean("".join(t for t, _b, _i in segments))
    parts = []
    for text, bold, italic in segments:
        core = text.strip()
        if not core:
            parts.append(text)
            continue
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        mark = "***" if bold and italic else "**" if bold else "*" if italic else ""
        parts.append(f"{lead}{mark}{escape(core)}{mark}{trail}")
    source = clean("".join(parts))
    if not any(b or i for _t, b, i in segments):
        return escape(plain), True
    want = [(clean(t), b, i) for t, b, i in segments if t.strip()]
    rich = parse_markup(render_text(source, {}))
    got = [(r.text, r.bold, r.italic) for r in rich.runs]
    if clean(str(rich)) == plain and _same_emphasis(want, got):
        return source, True
    return escape(plain), False


def _same_emphasis(a: list[tuple[str, bool, bool]], b: list[tuple[str, bool, bool]]) -> bool:
    def chars(segs: list[tuple[str, bool, bool]]) -> list[tuple[bool, bool]]:
        return [(bold, italic) for text, bold, italic in segs for c in text if not c.isspace()]

    return chars(a) == chars(b)
