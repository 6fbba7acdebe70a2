"""Mechanical edits of Word XML for `vbgen lint --fix`: text in place, run formatting, a page-number header."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

TNR = "Times New Roman"


def _t_nodes(runs: list[Any]) -> list[Any]:
    seen, out = set(), []
    for r in runs:
        if id(r) in seen:
            continue
        seen.add(id(r))
        out.extend(r.findall(qn("w:t")))
    return out


def edit_text(runs: list[Any], change: Callable[[str], str]) -> bool:
    """Apply `change` to the text of `runs` (their w:t nodes joined), editing only the characters
    that differ so each run keeps its formatting. Returns whether anything changed."""
    nodes = _t_nodes(runs)
    old = "".join(t.text or "" for t in nodes)
    new = change(old)
    if new == old or not nodes:
        return False
    bounds, pos = [], 0
    for t in nodes:
        bounds.append((pos, pos + len(t.text or "")))
        pos += len(t.text or "")

    def locate(i: int) -> tuple[int, int]:
        for k, (a, b) in enumerate(bounds):
            if a <= i < b or (i == b and k == len(bounds) - 1):
                return k, i - a
        return len(nodes) - 1, len(nodes[-1].text or "")

    ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in reversed(ops):
        if tag == "equal":
            continue
        repl = new[j1:j2]
        if i1 == i2:  # insertion: into the node before the point (or the first node)
            k, off = locate(max(i1 - 1, 0))
            off = off + 1 if i1 > 0 else 0
            text = nodes[k].text or ""
            nodes[k].text = text[:off] + repl + text[off:]
            continue
        # replace/delete spanning nodes: the first node takes the replacement, the others lose their part
        k1, o1 = locate(i1)
        k2, o2 = locate(i2 - 1)
        if k1 == k2:
            text = nodes[k1].text or ""
            nodes[k1].text = text[:o1] + repl + text[o2 + 1 :]
        else:
            t1 = nodes[k1].text or ""
            nodes[k1].text = t1[:o1] + repl
            for k in range(k1 + 1, k2):
                nodes[k].text = ""
            t2 = nodes[k2].text or ""
            nodes[k2].text = t2[o2 + 1 :]
    for t in nodes:
        if t.text and (t.text[0] == " " or t.text[-1] == " "):
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return True


def _font(r: Any) -> Any:
    """python-docx's Font of a w:r: it writes rPr children in the order the schema (and Word) wants."""
    return Run(r, None).font


def set_size(runs: list[Any], size: float) -> None:
    for r in runs:
        _font(r).size = Pt(size)


def set_flag(runs: list[Any], tag: str, on: bool) -> None:
    """Bold (w:b) or italic (w:i) on or off, directly on each run."""
    for r in runs:
        setattr(_font(r), "bold" if tag == "w:b" else "italic", on)


def set_font(r: Any, slots: tuple[str, ...] = ("ascii", "hAnsi", "cs")) -> None:
    _font(r).name = TNR  # ascii and hAnsi
    rf = r.rPr.rFonts
    for slot in slots:
        rf.set(qn(f"w:{slot}"), TNR)
        theme = qn(f"w:{slot}Theme")
        if theme in rf.attrib:
            del rf.attrib[theme]


def set_black(r: Any) -> None:
    _font(r).color.rgb = RGBColor(0, 0, 0)
    color = r.rPr.find(qn("w:color"))
    for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
        if qn(attr) in color.attrib:
            del color.attrib[qn(attr)]


# What follows w:contextualSpacing in a w:pPr (ECMA-376 CT_PPrBase): Word reads the sequence in order.
_AFTER_CONTEXTUAL = (
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def set_space_before(p: Any, points: float, *, contextual_off: bool = False) -> None:
    """The paragraph's own space before, in whole twentieths of a point (rounded up: never short);
    with `contextual_off`, a direct w:contextualSpacing w:val="0" over what its style says."""
    Paragraph(p, None).paragraph_format.space_before = Pt(-(-round(points * 20, 6) // 1) / 20)
    spacing = p.pPr.find(qn("w:spacing"))
    spacing.attrib.pop(qn("w:beforeLines"), None)  # it would win over w:before
    if spacing.get(qn("w:beforeAutospacing")) is not None:
        spacing.set(qn("w:beforeAutospacing"), "0")
    if contextual_off:
        ppr = p.get_or_add_pPr()
        el = ppr.find(qn("w:contextualSpacing"))
        if el is None:
            el = OxmlElement("w:contextualSpacing")
            ppr.insert_element_before(el, *_AFTER_CONTEXTUAL)
        el.set(qn("w:val"), "0")


def set_alignment(p: Any, value: str) -> None:
    Paragraph(p, None).alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "both": WD_ALIGN_PARAGRAPH.JUSTIFY}.get(
        value, WD_ALIGN_PARAGRAPH.LEFT
    )


def page_number_header(doc: DocxDocument, section_index: int, size_pt: float = 13) -> None:
    """Give a section a header with a centred PAGE field (Times New Roman `size_pt`, upright) from
    page 2 on: 'different first page' on, with an empty first-page header."""
    sec = doc.sections[section_index]
    sec.different_first_page_header_footer = True
    header = sec.header
    header.is_linked_to_previous = False
    for p in list(header.paragraphs):
        if not p.text.strip():
            p._p.getparent().remove(p._p)
    para = header.add_paragraph()
    header._element.insert(0, para._p)
    set_alignment(para._p, "center")

    def run(child: Any) -> Any:
        r = OxmlElement("w:r")
        pr = OxmlElement("w:rPr")
        fonts = OxmlElement("w:rFonts")
        for slot in ("ascii", "hAnsi", "cs"):
            fonts.set(qn(f"w:{slot}"), TNR)
        pr.append(fonts)
        for tag in ("w:sz", "w:szCs"):
            el = OxmlElement(tag)
            el.set(qn("w:val"), str(round(size_pt * 2)))
            pr.append(el)
        r.append(pr)
        r.append(child)
        para._p.append(r)
        return r

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run(begin)
    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = " PAGE "
    run(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run(sep)
    t = OxmlElement("w:t")
    t.text = "2"
    run(t)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run(end)
    first = sec.first_page_header
    first.is_linked_to_previous = False
    for p in first.paragraphs:
        if p.text.strip() or "PAGE" in p._p.xml:
            p._p.getparent().remove(p._p)
    if not first.paragraphs:
        first.add_paragraph()
