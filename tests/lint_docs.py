"""Build small ND30 documents with python-docx and lxml, in the Word constructs offices use, for the lint tests."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from generator.lint import Finding, lint_file

WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"


def line_shape_xml(length_mm: float, offset_mm: float = 16.7) -> str:
    """A w:r holding a DrawingML line (Word's Insert › Shapes › Line) of `length_mm`."""
    cx = int(length_mm * 36000)
    return (
        f'<w:r {nsdecls("w", "wp", "a")} xmlns:wps="{WPS}"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" '
        'locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="column"><wp:posOffset>{int(offset_mm * 36000)}</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>10000</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="0"/><wp:wrapNone/><wp:docPr id="{cx % 100000 + 7}" name="Line"/>'
        f'<a:graphic><a:graphicData uri="{WPS}"><wps:wsp><wps:cNvCnPr/><wps:spPr>'
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="0"/></a:xfrm><a:prstGeom prst="line"><a:avLst/></a:prstGeom>'
        '<a:ln w="9525"><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln></wps:spPr><wps:bodyPr/></wps:wsp>'
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"
    )


def vml_line_xml(length_mm: float) -> str:
    """A w:r holding a VML v:line (older Word) of `length_mm`."""
    pt = length_mm * 72 / 25.4
    return (
        f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict>'
        f'<v:line from="20pt,2pt" to="{20 + pt:.2f}pt,2pt" style="position:absolute"/></w:pict></w:r>'
    )


def add_shape(paragraph, xml: str) -> None:
    paragraph._p.append(parse_xml(xml))


def fmt(paragraph, size: float, bold: bool = False, italic: bool = False, align=None):
    for r in paragraph.runs:
        r.font.size = Pt(size)
        r.font.bold = bold
        r.font.italic = italic
    if align is not None:
        paragraph.alignment = align
    return paragraph


def cell_text(cell, texts: list[tuple[str, float, bool, bool]]) -> None:
    """Fill a cell with centred lines (text, size, bold, italic)."""
    first = True
    for text, size, bold, italic in texts:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.add_run(text)
        fmt(p, size, bold, italic, WD_ALIGN_PARAGRAPH.CENTER)


def page_field(paragraph, size: float = 13) -> None:
    """A PAGE field (complex field) in `paragraph`, TNR `size`."""
    for kind, child in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "2"), ("end", None)):
        r = paragraph.add_run()
        r.font.size = Pt(size)
        r.font.name = "Times New Roman"
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = child
            r._r.append(el)
        elif kind == "text":
            r.text = child
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            r._r.append(el)


def body_para(doc: DocxDocument, text: str, *, indent_mm: float | None = 12.7, after: float = 6, before: float = 0):
    p = doc.add_paragraph(text)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf = p.paragraph_format
    if indent_mm is not None:
        pf.first_line_indent = Mm(indent_mm)
    pf.space_after = Pt(after)
    pf.space_before = Pt(before)
    pf.line_spacing = 1.0
    return p


def nd30_document(
    *,
    kind: str = "KH",
    body: list[str] | None = None,
    pages: int | None = 2,
    header_table: bool = True,
    signature_rows: int = 1,
    authority: tuple[str, str] = ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
) -> DocxDocument:
    """A document that follows ND30 (lint finds no error or warning); `kind` "KH" has a tên loại,
    "CV" is a công văn with V/v and Kính gửi."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin = sec.bottom_margin = Mm(20)
    sec.left_margin, sec.right_margin = Mm(30), Mm(15)
    sec.different_first_page_header_footer = True
    hp = sec.header.paragraphs[0]
    hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page_field(hp, 13)
    # Header: agency | Quốc hiệu, Số | date.
    code = "UBND-VP" if kind == "CV" else "KH-UBND"
    if header_table:
        t = doc.add_table(rows=1, cols=2)
        left, right = t.rows[0].cells
        left.width, right.width = Mm(65), Mm(100)
        cell_text(left, [("ỦY BAN NHÂN DÂN", 13, False, False), ("TỈNH TÂY NINH", 13, True, False)])
        add_shape(left.paragraphs[-1], line_shape_xml(15))
        p = left.add_paragraph("Số: 12/" + code)
        fmt(p, 13, align=WD_ALIGN_PARAGRAPH.CENTER)
        if kind == "CV":
            p = left.add_paragraph("V/v triển khai công tác văn thư")
            fmt(p, 12, align=WD_ALIGN_PARAGRAPH.CENTER)
        cell_text(
            right,
            [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, True, False), ("Độc lập - Tự do - Hạnh phúc", 14, True, False)],
        )
        add_shape(right.paragraphs[-1], line_shape_xml(62))
        p = right.add_paragraph("Tây Ninh, ngày 05 tháng 3 năm 2025")
        fmt(p, 14, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if kind != "CV":
        p = doc.add_paragraph("KẾ HOẠCH")
        fmt(p, 14, True, align=WD_ALIGN_PARAGRAPH.CENTER)
        p = doc.add_paragraph("Triển khai công tác văn thư năm 2025")
        fmt(p, 14, True, align=WD_ALIGN_PARAGRAPH.CENTER)
        add_shape(p, line_shape_xml(35))
    else:
        p = doc.add_paragraph("Kính gửi: Sở Nội vụ tỉnh Tây Ninh")
        fmt(p, 14, align=WD_ALIGN_PARAGRAPH.CENTER)
    texts = body or [
        "Thực hiện chương trình công tác năm 2025, Ủy ban nhân dân tỉnh ban hành kế hoạch như sau:",
        "Các cơ quan, đơn vị tổ chức thực hiện nghiêm túc kế hoạch này./.",
    ]
    for text in texts:
        body_para(doc, text)
    # Signature: Nơi nhận | authority.
    t = doc.add_table(rows=signature_rows, cols=2)
    left, right = t.rows[0].cells
    p = left.paragraphs[0]
    p.add_run("Nơi nhận:")
    fmt(p, 12, True, True)
    for text in ("- Như trên;", "- Lưu: VT, VP."):
        fmt(left.add_paragraph(text), 11)
    cell_text(right, [(authority[0], 14, True, False), (authority[1], 14, True, False), ("", 14, False, False)])
    name_cell = t.rows[1].cells[1] if signature_rows > 1 else right
    p = name_cell.add_paragraph("Nguyễn Văn An") if signature_rows == 1 else name_cell.paragraphs[0]
    if signature_rows > 1:
        p.add_run("Nguyễn Văn An")
    fmt(p, 14, True, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.core_properties.last_modified_by = "Word"
    doc._test_pages = pages  # type: ignore[attr-defined]
    return doc


def save(doc: DocxDocument, path: Path) -> Path:
    """Save `doc`, with docProps/app.xml recording its page count as Word would."""
    import zipfile

    doc.save(str(path))
    pages = getattr(doc, "_test_pages", None)
    if pages is None:
        return path
    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i.filename)) for i in z.infolist()]
    app = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>Microsoft Office Word</Application><Pages>{pages}</Pages></Properties>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            z.writestr(info, app.encode() if info.filename == "docProps/app.xml" else data)
        if "docProps/app.xml" not in {i.filename for i, _d in members}:
            z.writestr("docProps/app.xml", app)
    return path


def findings(doc: DocxDocument, tmp: Path, name: str = "doc.docx") -> list[Finding]:
    return lint_file(save(doc, tmp / name))


def reported(found: list[Finding]) -> dict[str, list[Finding]]:
    """Errors and warnings by rule."""
    out: dict[str, list[Finding]] = {}
    for f in found:
        if f.severity in ("error", "warning"):
            out.setdefault(f.rule, []).append(f)
    return out
