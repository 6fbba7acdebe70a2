"""Write the bundled templates (templates/kehoach.docx, templates/baocao.docx) with python-docx.

The .docx files are what users edit in Word; this script is how the bundled ones were made and how a
maintainer remakes them after changing the layout here. They hold named styles (restyle them in
Word: "VB Body", "VB Heading 1" …) and docxtpl tags that only place values computed by the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parents[1]
FONT = "Times New Roman"
LEFT_COL_MM = 65
RIGHT_COL_MM = 100  # 165 mm of text width: 210 - 30 - 15


def set_fonts(rpr_parent, size: float | None = None) -> None:
    """Times New Roman in every font slot, no theme fonts (which Word would prefer)."""
    rpr = rpr_parent.get_or_add_rPr() if hasattr(rpr_parent, "get_or_add_rPr") else rpr_parent
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{slot}"), FONT)


def doc_defaults(doc) -> None:
    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr)
    for tag in ("w:sz", "w:szCs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            rpr.append(el)
        el.set(qn("w:val"), "28")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    set_fonts(normal.element.get_or_add_rPr())
    normal.font.size = Pt(14)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    # The default template's character and table styles name theme fonts; pin them too.
    for style in doc.styles:
        rpr_el = style.element.find(qn("w:rPr"))
        if rpr_el is not None and rpr_el.find(qn("w:rFonts")) is not None:
            set_fonts(rpr_el)


def para_style(doc, name: str, *, base: str = "Normal", size: float | None = None, bold: bool | None = None,
               italic: bool | None = None, align=None, first_line_mm: float | None = None,
               before: float | None = None, after: float | None = None, keep_next: bool = False,
               line: float | None = None):  # fmt: skip
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.quick_style = True
    font = style.font
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    pf = style.paragraph_format
    if align is not None:
        pf.alignment = align
    if first_line_mm is not None:
        pf.first_line_indent = Mm(first_line_mm)
    if before is not None:
        pf.space_before = Pt(before)
    if after is not None:
        pf.space_after = Pt(after)
    if line is not None:
        pf.line_spacing = line
    if keep_next:
        pf.keep_with_next = True
    return style


def keep_lines(style) -> None:
    """Keep the lines of a paragraph on one page."""
    style.paragraph_format.keep_together = True


def border(style, edges: tuple[str, ...] = ("bottom",)) -> None:
    ppr = style.element.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    for edge in edges:
        el = OxmlElement(f"w:{edge}")
        for k, v in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
            el.set(qn(f"w:{k}"), v)
        bdr.append(el)
    ppr.append(bdr)


def make_styles(doc) -> None:
    c, j, left = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT
    para_style(doc, "VB Body", size=14, align=j, first_line_mm=12.7, before=0, after=6, line=1.0)
    para_style(doc, "VB Heading 1", base="VB Body", bold=True, keep_next=True)
    para_style(doc, "VB Heading 2", base="VB Body", bold=True, keep_next=True)
    para_style(doc, "VB Heading 3", base="VB Body", keep_next=True)
    para_style(doc, "VB Can Cu", base="VB Body", italic=True)
    para_style(doc, "VB Parent", size=12, bold=False, align=c)
    para_style(doc, "VB Agency", size=12, bold=True, align=c)
    para_style(doc, "VB Number", size=13, align=c, before=6)
    para_style(doc, "VB Quoc Hieu", size=12, bold=True, align=c)
    para_style(doc, "VB Tieu Ngu", size=13, bold=True, align=c)
    para_style(doc, "VB Date", size=14, italic=True, align=c, before=6)
    border(para_style(doc, "VB Draft", size=13, bold=True, align=c, before=6), ("top", "left", "bottom", "right"))
    para_style(doc, "VB Title", size=14, bold=True, align=c, before=18, keep_next=True)
    para_style(doc, "VB Trich Yeu", size=14, bold=True, align=c, keep_next=True)
    for name in ("VB Rule Short", "VB Rule Full"):
        border(para_style(doc, name, size=4, align=c, before=3, after=0))
    para_style(doc, "VB Rule Space", size=14, after=6)
    # The closing paragraph stays on the page of the signature block; the block's lines keep
    # together (with the row that cannot split, the block never breaks over two pages).
    keep_lines(para_style(doc, "VB Closing", base="VB Body", keep_next=True))
    for name, kw in (
        ("VB Noi Nhan Head", {"size": 12, "bold": True, "italic": True, "align": left, "before": 6}),
        ("VB Noi Nhan", {"size": 11, "align": left}),
        ("VB Typist", {"size": 11, "align": left, "before": 6}),
        ("VB Sign Authority", {"size": 14, "bold": True, "align": c}),
        ("VB Sign Space", {"size": 14, "align": c}),
        ("VB Sign Name", {"size": 14, "bold": True, "align": c}),
    ):
        keep_lines(para_style(doc, name, keep_next=True, **kw))
    # The paragraph Word needs after the last table: too small to start a page of its own.
    para_style(doc, "VB End", size=1, before=0, after=0, line=1.0)
    para_style(doc, "VB Page Number", size=13, align=c)
    para_style(doc, "VB Table", size=13, align=left, before=2, after=2)
    para_style(doc, "VB Table Head", size=13, bold=True, align=c, before=2, after=2)
    para_style(doc, "VB Table After", size=6)
    para_style(doc, "VB Table Title", size=14, bold=True, align=c, before=6, after=6, keep_next=True)


def page_setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    section.different_first_page_header_footer = True
    # Page number centred in the header from page 2 on (ND30 Phụ lục I); page 1 has an empty header.
    header = section.header
    p = header.paragraphs[0]
    p.style = doc.styles["VB Page Number"]
    run = p.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._r.append(t)
    section.first_page_header.paragraphs[0].style = doc.styles["Normal"]


def borderless_table(doc, rows: int, widths_mm: tuple[float, float]):
    table = doc.add_table(rows=rows, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    for col, width in zip(table.columns, widths_mm, strict=True):
        col.width = Mm(width)
    return table


def fill(cell, lines: list[tuple[str, str]]) -> None:
    """Write (style, text) paragraphs into a cell, reusing its first empty paragraph."""
    first = True
    for style, text in lines:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.style = cell.part.document.styles[style]
        if text:
            p.add_run(text)


def add(doc, style: str, text: str = ""):
    p = doc.add_paragraph(style=style)
    if text:
        p.add_run(text)
    return p


def header_block(doc) -> None:
    table = borderless_table(doc, 2, (LEFT_COL_MM, RIGHT_COL_MM))
    fill(table.cell(0, 0), [
        ("VB Parent", "{%p if header.parent_line %}"),
        ("VB Parent", "{{ header.parent_line }}"),
        ("VB Parent", "{%p endif %}"),
        ("VB Agency", "{%p for line in header.agency_lines %}"),
        ("VB Agency", "{{ line }}"),
        ("VB Agency", "{%p endfor %}"),
        ("VB Rule Short", ""),
    ])  # fmt: skip
    fill(table.cell(0, 1), [
        ("VB Quoc Hieu", "{{ national.name }}"),
        ("VB Tieu Ngu", "{{ national.motto }}"),
        ("VB Rule Full", ""),
    ])  # fmt: skip
    fill(table.cell(1, 0), [
        ("VB Number", "{{ header.number_line }}"),
        ("VB Draft", "{%p if header.draft_box %}"),
        ("VB Draft", "{{ header.draft_box }}"),
        ("VB Draft", "{%p endif %}"),
    ])  # fmt: skip
    fill(table.cell(1, 1), [("VB Date", "{{ header.date_line }}")])


def title_block(doc) -> None:
    add(doc, "VB Title", "{{ type_name }}")
    add(doc, "VB Trich Yeu", "{{r title }}")
    add(doc, "VB Rule Short")
    add(doc, "VB Rule Space")
    add(doc, "VB Can Cu", "{%p for line in basis %}")
    add(doc, "VB Can Cu", "{{r line }}")
    add(doc, "VB Can Cu", "{%p endfor %}")


def body_block(doc) -> None:
    blocks_loop(doc, "body")


def blocks_loop(doc, source: str) -> None:
    """The paragraphs placing a list of blocks (the body's, or a phụ lục's) by kind."""
    add(doc, "VB Body", f"{{%p for b in {source} %}}")
    add(doc, "VB Body", "{%p if b.kind == 'h1' %}")
    add(doc, "VB Heading 1", "{{r b.text }}")
    add(doc, "VB Body", "{%p elif b.kind == 'h2' %}")
    add(doc, "VB Heading 2", "{{r b.text }}")
    add(doc, "VB Body", "{%p elif b.kind == 'h3' %}")
    add(doc, "VB Heading 3", "{{r b.text }}")
    add(doc, "VB Body", "{%p elif b.kind == 'end' %}")
    add(doc, "VB Closing", "{{r b.text }}")
    add(doc, "VB Body", "{%p elif b.kind == 'caption' %}")
    add(doc, "VB Table Title", "{{r b.text }}")
    add(doc, "VB Body", "{%p elif b.kind == 'table' %}")
    data_table(doc)
    add(doc, "VB Table After")
    add(doc, "VB Body", "{%p else %}")
    add(doc, "VB Body", "{{r b.text }}")
    add(doc, "VB Body", "{%p endif %}")
    add(doc, "VB Body", "{%p endfor %}")


def data_table(doc) -> None:
    """A bordered table whose columns and rows come from the context (widths are set at build)."""
    made = "VB Data Table" in [s.name for s in doc.styles]  # the style is made with the first table
    style = doc.styles["VB Data Table"] if made else data_table_style(doc)
    table = doc.add_table(rows=4, cols=3)
    table.style = style
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cells = [
        ("VB Table Head", "{%tc for h in b.table.header %}"), ("VB Table Head", "{{ h }}"),
        ("VB Table Head", "{%tc endfor %}"),
        ("VB Table", "{%tr for row in b.table.rows %}"), None, None,
        ("VB Table", "{%tc for c in row %}"), ("VB Table", "{{ c }}"), ("VB Table", "{%tc endfor %}"),
        ("VB Table", "{%tr endfor %}"), None, None,
    ]  # fmt: skip
    for i, spec in enumerate(cells):
        cell = table.cell(i // 3, i % 3)
        p = cell.paragraphs[0]
        p.style = doc.styles[spec[0] if spec else "VB Table"]
        if spec:
            p.add_run(spec[1])
    # The heading row repeats on every page the table runs to; no row is split across pages.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    table.rows[2]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def data_table_style(doc):
    """The table style of data tables: single borders all round and inside."""
    style = doc.styles.add_style("VB Data Table", WD_STYLE_TYPE.TABLE)
    style.base_style = doc.styles["Normal Table"]
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        for k, v in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "auto")):
            el.set(qn(f"w:{k}"), v)
        borders.append(el)
    tbl_pr = OxmlElement("w:tblPr")
    tbl_pr.append(borders)
    style.element.append(tbl_pr)
    return style


def appendix_block(doc) -> None:
    """The phụ lục after the signature block, each from a new page: the heading lines centred and
    bold, the "(Kèm theo …)" lines centred, then the blocks as the body places them. Only the
    existing styles are used (with direct centring and the page break), so that the styles of a
    document without phụ lục stay as they were."""
    add(doc, "VB Body", "{%p for ap in appendices %}")
    p = add(doc, "VB Table Title", "{{r ap.heading }}")
    p.paragraph_format.page_break_before = True  # kept with the title by the style's keep-next
    add(doc, "VB Body", "{%p for line in ap.title %}")
    add(doc, "VB Table Title", "{{r line }}")
    add(doc, "VB Body", "{%p endfor %}")
    add(doc, "VB Body", "{%p for line in ap.note %}")
    p = add(doc, "VB Body", "{{r line }}")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Mm(0)
    add(doc, "VB Body", "{%p endfor %}")
    blocks_loop(doc, "ap.blocks")
    add(doc, "VB Body", "{%p endfor %}")


def signature_block(doc) -> None:
    table = borderless_table(doc, 1, (80, 85))
    fill(table.cell(0, 0), [
        ("VB Noi Nhan Head", "{{ recipients_heading }}"),
        ("VB Noi Nhan", "{%p for line in recipients %}"),
        ("VB Noi Nhan", "{{ line }}"),
        ("VB Noi Nhan", "{%p endfor %}"),
        ("VB Typist", "{%p if typist %}"),
        ("VB Typist", "{{ typist }}"),
        ("VB Typist", "{%p endif %}"),
    ])  # fmt: skip
    fill(table.cell(0, 1), [
        ("VB Sign Authority", "{%p for line in signature.lines %}"),
        ("VB Sign Authority", "{{ line }}"),
        ("VB Sign Authority", "{%p endfor %}"),
        ("VB Sign Space", ""),
        ("VB Sign Space", ""),
        ("VB Sign Space", ""),
        ("VB Sign Space", ""),
        ("VB Sign Name", "{{ signature.name }}"),
    ])  # fmt: skip
    # The block never splits over two pages, and its paragraphs stay on the page of the row.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    add(doc, "VB End")


def slim(doc) -> None:
    """Drop what python-docx's default template carries and these templates never use: the
    Word 2010 styles copy, custom XML, the thumbnail, unused styles and latent styles. Every
    document built from the template is smaller and faster to write."""
    # The theme and the numbering definitions are unused too: every style names Times New Roman
    # and no style numbers its paragraphs (numbering is computed into the text).
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml", "/theme", "/numbering")):
            doc.part.drop_rel(rel_id)
    pkg_rels = doc.part.package.rels
    for rel_id, rel in list(pkg_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del pkg_rels[rel_id]
    styles = doc.styles.element
    by_id = {el.get(qn("w:styleId")): el for el in styles.findall(qn("w:style"))}
    wanted: set[str] = set()
    parts = [
        doc.element,
        *(s.header._element for s in doc.sections),
        *(s.first_page_header._element for s in doc.sections),
    ]
    for root in parts:
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
            wanted.update(el.get(qn("w:val")) for el in root.iter(qn(tag)))
    wanted.update(sid for sid, el in by_id.items() if el.get(qn("w:default")) in ("1", "true"))
    wanted.update(sid for sid, el in by_id.items() if el.find(qn("w:name")).get(qn("w:val")).startswith("VB "))
    stack = list(wanted)
    while stack:  # keep the styles the kept ones are based on or linked to
        el = by_id.get(stack.pop())
        if el is None:
            continue
        for tag in ("w:basedOn", "w:next", "w:link"):
            ref = el.find(qn(tag))
            if ref is not None and ref.get(qn("w:val")) not in wanted:
                wanted.add(ref.get(qn("w:val")))
                stack.append(ref.get(qn("w:val")))
    for sid, el in by_id.items():
        if sid not in wanted:
            styles.remove(el)
        else:  # a link to a style that is gone would be dangling
            for tag in ("w:next", "w:link"):
                ref = el.find(qn(tag))
                if ref is not None and ref.get(qn("w:val")) not in wanted:
                    el.remove(ref)
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)


def make(path: Path) -> None:
    doc = Document()
    doc_defaults(doc)
    make_styles(doc)
    page_setup(doc)
    header_block(doc)
    title_block(doc)
    body_block(doc)
    signature_block(doc)
    appendix_block(doc)
    slim(doc)
    props = doc.core_properties
    props.author = "vbgen"
    props.title = path.stem
    props.comments = "Mẫu của vbgen: chỉ đặt giá trị; mọi quy tắc thể thức nằm trong mã nguồn."
    doc.save(path)
    print(path)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "templates"
    out.mkdir(parents=True, exist_ok=True)
    for name in ("kehoach.docx", "baocao.docx"):
        make(out / name)


if __name__ == "__main__":
    main()
