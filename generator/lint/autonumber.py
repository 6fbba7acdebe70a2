"""Word auto-numbering (w:numPr): the label each numbered paragraph shows, resolved from numbering.xml."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn

from generator.nd30.numbering import roman

BULLET_LABEL = {"\uf0b7": "•", "\uf0a7": "▪", "\uf02d": "-", "\uf0d8": "➢", "o": "o", "\uf0fc": "✓"}


def _letters(n: int, upper: bool) -> str:
    # Word's lowerLetter: a … z, then aa … zz (the letter repeated)
    if n < 1:
        return ""
    ch = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
    return ch.upper() if upper else ch


def format_number(n: int, fmt: str) -> str:
    if fmt in ("decimal", "decimalEnclosedFullstop", "decimalEnclosedParen"):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "lowerLetter":
        return _letters(n, False)
    if fmt == "upperLetter":
        return _letters(n, True)
    if fmt in ("upperRoman", "lowerRoman") and 0 < n < 4000:
        return roman(n) if fmt == "upperRoman" else roman(n).lower()
    if fmt == "none":
        return ""
    return str(n)


@dataclass
class Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    restart: int | None = None  # lvlRestart: restart after this (1-based) level; None = any higher level
    ppr: Any = None  # the level's paragraph properties (indents)
    is_lgl: bool = False


@dataclass
class _Num:
    abstract: str
    overrides: dict[int, int] = field(default_factory=dict)  # level → startOverride
    levels: dict[int, Level] = field(default_factory=dict)  # lvlOverride/lvl


class Numbering:
    """Counters for every list in one document, advanced paragraph by paragraph in reading order.

    Lists that share an abstract definition share the counters, as Word does; a w:num with a
    startOverride restarts its levels the first time it is used."""

    def __init__(self, document: DocxDocument) -> None:
        self.abstract: dict[str, dict[int, Level]] = {}
        self.nums: dict[str, _Num] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self._started: set[tuple[str, int]] = set()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for an in root.findall(qn("w:abstractNum")):
            aid = an.get(qn("w:abstractNumId"))
            levels = {int(lvl.get(qn("w:ilvl"), "0")): _level(lvl) for lvl in an.findall(qn("w:lvl"))}
            link = an.find(qn("w:numStyleLink"))
            self.abstract[aid] = levels
            if link is not None and not levels:
                self.abstract[aid] = {}
        for num in root.findall(qn("w:num")):
            nid = num.get(qn("w:numId"))
            ref = num.find(qn("w:abstractNumId"))
            entry = _Num(ref.get(qn("w:val")) if ref is not None else "")
            for ov in num.findall(qn("w:lvlOverride")):
                ilvl = int(ov.get(qn("w:ilvl"), "0"))
                so = ov.find(qn("w:startOverride"))
                if so is not None:
                    entry.overrides[ilvl] = int(so.get(qn("w:val"), "1"))
                lvl = ov.find(qn("w:lvl"))
                if lvl is not None:
                    entry.levels[ilvl] = _level(lvl)
            self.nums[nid] = entry

    def level(self, num_id: str, ilvl: int) -> Level | None:
        num = self.nums.get(num_id)
        if num is None:
            return None
        return num.levels.get(ilvl) or self.abstract.get(num.abstract, {}).get(ilvl)

    def next_label(self, num_id: str, ilvl: int) -> str:
        """Advance the list `num_id` at level `ilvl` and return the label shown ("1.", "a)", "-")."""
        num = self.nums.get(num_id)
        lvl = self.level(num_id, ilvl)
        if num is None or lvl is None or num_id == "0":
            return ""
        key = num.abstract or num_id
        counters = self.counters.setdefault(key, {})
        if ilvl in num.overrides and (num_id, ilvl) not in self._started:
            self._started.add((num_id, ilvl))
            counters[ilvl] = num.overrides[ilvl] - 1
            for deeper in [k for k in counters if k > ilvl]:
                del counters[deeper]
        counters[ilvl] = counters.get(ilvl, lvl.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            dl = self.level(num_id, deeper)
            if dl is None or dl.restart != 0:
                del counters[deeper]
        if lvl.fmt == "bullet":
            return BULLET_LABEL.get(lvl.text, lvl.text)
        label = lvl.text
        for k in range(9, -1, -1):
            if f"%{k + 1}" in label:
                ref = self.level(num_id, k)
                value = counters.get(k, (ref.start if ref else 1))
                fmt = "decimal" if lvl.is_lgl else (ref.fmt if ref else "decimal")
                label = label.replace(f"%{k + 1}", format_number(value, fmt))
        return label

    def level_ppr(self, num_id: str, ilvl: int) -> Any:
        lvl = self.level(num_id, ilvl)
        return lvl.ppr if lvl is not None else None


def _level(lvl: Any) -> Level:
    def val(tag: str) -> str | None:
        el = lvl.find(qn(tag))
        return el.get(qn("w:val")) if el is not None else None

    restart = val("w:lvlRestart")
    return Level(
        fmt=val("w:numFmt") or "decimal",
        text=val("w:lvlText") if val("w:lvlText") is not None else "",
        start=int(val("w:start") or 1),
        restart=int(restart) if restart is not None else None,
        ppr=lvl.find(qn("w:pPr")),
        is_lgl=lvl.find(qn("w:isLgl")) is not None,
    )


def num_pr(ppr_chain: list[Any]) -> tuple[str, int] | None:
    """(numId, ilvl) from the nearest pPr that has a numPr (direct formatting, then the style)."""
    num_id = ilvl = None
    for ppr in ppr_chain:
        np_ = ppr.find(qn("w:numPr"))
        if np_ is None:
            continue
        if num_id is None:
            n = np_.find(qn("w:numId"))
            if n is not None:
                num_id = n.get(qn("w:val"))
        if ilvl is None:
            i = np_.find(qn("w:ilvl"))
            if i is not None:
                ilvl = int(i.get(qn("w:val"), "0"))
        if num_id is not None and ilvl is not None:
            break
    if num_id is None or num_id == "0":
        return None
    return num_id, ilvl or 0
