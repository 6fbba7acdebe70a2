"""Word XML as Word renders it: the runs and text a paragraph shows, its line shapes, text boxes, fields."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.word.docxfmt import qn

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
V = "urn:schemas-microsoft-com:vml"
EMU_PER_MM = 36000

# Containers whose runs are part of the paragraph's text (content controls, smart tags, links, tracked
# insertions, simple fields, custom XML); a deletion is not shown.
_TRANSPARENT = {
    qn(t)
    for t in (
        "w:hyperlink", "w:smartTag", "w:sdt", "w:sdtContent", "w:ins", "w:fldSimple", "w:customXml",
        "w:moveTo", "w:dir", "w:bdo",
    )
}  # fmt: skip
_SKIP = {qn(t) for t in ("w:del", "w:moveFrom", "w:pPr", "w:sdtPr", "w:sdtEndPr", "w:rPr")}


def paragraph_runs(p: Any) -> Iterator[Any]:
    """The w:r elements a paragraph shows, in order, through smart tags, content controls and links
    (python-docx's `Paragraph.runs` misses those); runs inside text boxes are not the paragraph's."""
    stack = list(reversed(list(p)))
    while stack:
        el = stack.pop()
        tag = el.tag
        if tag == qn("w:r"):
            yield el
        elif tag in _TRANSPARENT:
            stack.extend(reversed(list(el)))
        elif tag == f"{{{MC}}}AlternateContent":
            choice = el.find(f"{{{MC}}}Choice")
            if choice is not None:
                stack.extend(reversed(list(choice)))
        elif tag in _SKIP:
            continue


def run_text(r: Any) -> str:
    """What a run shows: text, tabs as "\\t", line breaks as "\\n" (page breaks are not text)."""
    out = []
    for el in r:
        tag = el.tag
        if tag == qn("w:t"):
            out.append(el.text or "")
        elif tag == qn("w:tab"):
            out.append("\t")
        elif tag == qn("w:br"):
            if el.get(qn("w:type")) in (None, "textWrapping"):
                out.append("\n")
        elif tag == qn("w:cr"):
            out.append("\n")
        elif tag == qn("w:noBreakHyphen"):
            out.append("-")
        elif tag == qn("w:softHyphen"):
            continue
    return "".join(out)


def has_page_break(p: Any) -> bool:
    """A page break in the paragraph (w:br type=page) or before it (pageBreakBefore)."""
    for br in p.iter(qn("w:br")):
        if br.get(qn("w:type")) == "page":
            return True
    ppr = p.find(qn("w:pPr"))
    pbb = ppr.find(qn("w:pageBreakBefore")) if ppr is not None else None
    return pbb is not None and pbb.get(qn("w:val")) not in ("0", "false", "off")


def textbox_paragraphs(el: Any) -> list[Any]:
    """Paragraphs inside text boxes anchored in `el` (DrawingML's copy; the VML fallback repeats it)."""
    out = []
    for tx in el.iter(qn("w:txbxContent")):
        if any(anc.tag == f"{{{MC}}}Fallback" for anc in tx.iterancestors()):
            continue
        out.extend(tx.findall(qn("w:p")))
    return out


@dataclass(frozen=True)
class Shape:
    """A line drawn as a shape: its length and its horizontal offset (mm, None when not known)."""

    length_mm: float
    offset_mm: float | None


def _vml_length(value: str) -> float | None:
    """'61.5pt' / '1.2in' / '30mm' / '2cm' / bare number (pt) → mm."""
    m = re.match(r"^\s*(-?[\d.]+)\s*(pt|in|mm|cm|px|emu)?\s*$", value or "")
    if not m:
        return None
    v = float(m.group(1))
    unit = m.group(2) or "pt"
    return {"pt": v * 25.4 / 72, "in": v * 25.4, "mm": v, "cm": v * 10, "px": v * 25.4 / 96, "emu": v / EMU_PER_MM}[
        unit
    ]


def _style(style: str) -> dict[str, str]:
    out = {}
    for part in (style or "").split(";"):
        k, _sep, v = part.partition(":")
        if k.strip():
            out[k.strip()] = v.strip()
    return out


def line_shapes(el: Any) -> list[Shape]:
    """Horizontal lines drawn as shapes inside `el`: DrawingML lines/connectors and flat rectangles,
    VML v:line, straight connectors (_x0000_t32) and flat v:rect; each once (the VML fallback of an
    mc:AlternateContent is skipped)."""
    out: list[Shape] = []
    for drawing in el.iter(qn("w:drawing")):
        frame = drawing[0] if len(drawing) else None
        if frame is None:
            continue
        extent = frame.find(f"{{{WP}}}extent")
        if extent is None:
            continue
        cx, cy = int(extent.get("cx", "0")), int(extent.get("cy", "0"))
        geom = frame.find(f".//{{{A}}}prstGeom")
        prst = geom.get("prst") if geom is not None else None
        pic = frame.find(f".//{{{A}}}graphicData")
        is_picture = pic is not None and pic.get("uri", "").endswith("/picture")
        flat = cy <= 0.8 * EMU_PER_MM and cx >= 5 * EMU_PER_MM
        if is_picture or not (prst in ("line", "straightConnector1") or (prst == "rect" and flat)):
            continue
        if cy > max(cx / 10, EMU_PER_MM):  # a steep line is not a rule under text
            continue
        off = frame.find(f"{{{WP}}}positionH/{{{WP}}}posOffset")
        offset = int(off.text) / EMU_PER_MM if off is not None and off.text else None
        out.append(Shape(cx / EMU_PER_MM, offset))
    for pict in el.iter(qn("w:pict")):
        if any(anc.tag == f"{{{MC}}}Fallback" for anc in pict.iterancestors()):
            continue
        for shape in pict.iter():
            if not isinstance(shape.tag, str) or not shape.tag.startswith(f"{{{V}}}"):
                continue
            kind = shape.tag.split("}")[1]
            style = _style(shape.get("style", ""))
            if kind == "line":
                x1y1 = (shape.get("from") or "0,0").split(",")
                x2y2 = (shape.get("to") or "0,0").split(",")
                try:
                    x1, y1 = (_vml_length(v) or 0.0 for v in [*x1y1, "0"][:2])
                    x2, y2 = (_vml_length(v) or 0.0 for v in [*x2y2, "0"][:2])
                except ValueError:
                    continue
                if abs(x2 - x1) >= 3 and abs(y2 - y1) <= abs(x2 - x1) / 10:
                    out.append(Shape(abs(x2 - x1), min(x1, x2)))
            elif kind in ("shape", "rect"):
                width = _vml_length(style.get("width", ""))
                height = _vml_length(style.get("height", "")) or 0.0
                connector = kind == "shape" and (
                    shape.get("type", "").endswith("_x0000_t32")
                    or shape.get(f"{{{'urn:schemas-microsoft-com:office:office'}}}connectortype")
                )
                if width and width >= 3 and (connector or height <= 0.8):
                    if kind == "shape" and not connector and shape.find(f"{{{V}}}textbox") is not None:
                        continue
                    out.append(Shape(width, _vml_length(style.get("margin-left", ""))))
    return out


# -- fields --------------------------------------------------------------------------------------


def field_runs(p: Any, name: str = "PAGE") -> list[Any]:
    """The runs that show the result of each `name` field in paragraph `p` (complex fields, simple
    fields, inside content controls): the formatting of the number the reader sees."""
    out: list[Any] = []
    for fs in p.iter(qn("w:fldSimple")):
        if re.match(rf"^\s*{name}\b", fs.get(qn("w:instr"), "")):
            out.extend(fs.iter(qn("w:r")))
    state = None  # None → outside; "code" → reading the instruction; "result" → showing
    instr = ""
    for r in p.iter(qn("w:r")):
        fc = r.find(qn("w:fldChar"))
        if fc is not None:
            kind = fc.get(qn("w:fldCharType"))
            if kind == "begin":
                state, instr = "code", ""
            elif kind == "separate":
                state = "result" if re.match(rf"^\s*{name}\b", instr) else "other"
            elif kind == "end":
                state = None
            continue
        it = r.find(qn("w:instrText"))
        if it is not None and state == "code":
            instr += it.text or ""
            if re.match(rf"^\s*{name}\b", instr):
                out.append(r)  # the instruction's own format is what Word uses when there is no result
            continue
        if state == "result":
            out.append(r)
    return out


def has_field(el: Any, name: str = "PAGE") -> bool:
    for fs in el.iter(qn("w:fldSimple")):
        if re.match(rf"^\s*{name}\b", fs.get(qn("w:instr"), "")):
            return True
    instr = "".join(t.text or "" for t in el.iter(qn("w:instrText")))
    return bool(re.search(rf"(^|\s){name}(\s|\\|$)", instr))
