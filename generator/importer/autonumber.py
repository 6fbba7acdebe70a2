"""The labels Word's automatic numbering shows ("1.", "a)", "II.", "-"), which are not in the text."""

from __future__ import annotations

from typing import Any

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn

from generator.nd30.numbering import roman

# A bullet glyph (often a Symbol-font character) reads as the "- " of a vbgen bullet.
BULLET = "-"


def _fmt(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "upperRoman":
        return roman(n)
    if fmt == "lowerRoman":
        return roman(n).lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _letters(n: int) -> str:
    """Word's letters: A … Z, then AA, BB … (the letter repeated)."""
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _val(el: Any, tag: str) -> str | None:
    child = el.find(qn(tag)) if el is not None else None
    return child.get(qn("w:val")) if child is not None else None


class AutoNumbers:
    """Walks the paragraphs in order and gives each numbered one the label Word shows."""

    def __init__(self, doc: DocxDocument) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId → ilvl → (fmt, text, start)
        self.counters: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        try:
            numbering = doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in numbering.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in an.findall(qn("w:lvl")):
                start = _val(lvl, "w:start")
                levels[int(lvl.get(qn("w:ilvl")))] = (
                    _val(lvl, "w:numFmt") or "decimal",
                    _val(lvl, "w:lvlText") or "",
                    int(start) if start and start.isdigit() else 1,
                )
            abstract[an.get(qn("w:abstractNumId"))] = levels
        for num in numbering.findall(qn("w:num")):
            levels = dict(abstract.get(_val(num, "w:abstractNumId") or "", {}))
            for override in num.findall(qn("w:lvlOverride")):
                ilvl = int(override.get(qn("w:ilvl")))
                start = _val(override, "w:startOverride")
                if start and start.isdigit() and ilvl in levels:
                    fmt, text, _old = levels[ilvl]
                    levels[ilvl] = (fmt, text, int(start))
            self.levels[num.get(qn("w:numId"))] = levels
        for style in doc.styles.element.findall(qn("w:style")):
            ppr = style.find(qn("w:pPr"))
            numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
            if numpr is not None and _val(numpr, "w:numId"):
                self.style_num[style.get(qn("w:styleId"))] = (
                    _val(numpr, "w:numId") or "",
                    int(_val(numpr, "w:ilvl") or 0),
                )

    def label(self, p: Any) -> str | None:
        """The label of paragraph element `p`, counting it; None when it is not numbered."""
        ppr = p.pPr
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        num_id, ilvl = None, 0
        if numpr is not None:
            num_id, ilvl = _val(numpr, "w:numId"), int(_val(numpr, "w:ilvl") or 0)
        elif ppr is not None and _val(ppr, "w:pStyle") in self.style_num:
            num_id, ilvl = self.style_num[_val(ppr, "w:pStyle") or ""]
        if not num_id or num_id == "0" or num_id not in self.levels or ilvl not in self.levels[num_id]:
            return None
        levels = self.levels[num_id]
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl][2] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]  # a higher level restarts the ones below it
        fmt, text, _start = levels[ilvl]
        if fmt == "bullet":
            return BULLET
        if fmt == "none":
            return None
        for k in range(9):
            if f"%{k + 1}" in text:
                level = levels.get(k, ("decimal", "", 1))
                text = text.replace(f"%{k + 1}", _fmt(counters.get(k, level[2]), level[0]))
        return text or None
