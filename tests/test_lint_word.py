"""Issue 11: `vbgen lint` reads the Word constructs real offices type as Word renders them.

Each test builds a document (tests/lint_docs.py) in one construct seen in the real corpus and
asserts that lint gives no false finding, or the right one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from generator.lint.anatomy import analyse
from generator.lint.autonumber import Numbering

from .lint_docs import (
    add_shape,
    body_para,
    findings,
    fmt,
    line_shape_xml,
    nd30_document,
    reported,
    vml_line_xml,
)


def header_cells(doc):
    return doc.tables[0].rows[0].cells


def para_with(doc, start: str):
    from .helpers import iter_paragraphs

    return next(p for p in iter_paragraphs(doc) if p.text.strip().startswith(start))


def set_text(p, text: str) -> None:
    runs = [r for r in p.runs if r.text]
    runs[0].text = text
    for r in runs[1:]:
        r.text = ""


def errors_and_warnings(doc, tmp_path: Path) -> set[str]:
    return set(reported(findings(doc, tmp_path)))


def test_base_documents_are_clean(tmp_path: Path) -> None:
    for kind in ("KH", "CV"):
        assert errors_and_warnings(nd30_document(kind=kind), tmp_path) == set(), kind


# -- part 1: reading Word as it renders ------------------------------------------------------------


def vml_motto_line(doc) -> None:
    right = header_cells(doc)[1]
    motto = right.paragraphs[1]
    for r in list(motto._p):
        if r.find(qn("w:drawing")) is not None:
            motto._p.remove(r)
    add_shape(motto, vml_line_xml(60))


def lines_in_second_row(doc) -> None:
    """Offices draw both rules in a second header row (empty paragraphs holding the shapes)."""
    t = doc.tables[0]
    for cell in t.rows[0].cells:
        for p in cell.paragraphs:
            for r in list(p._p):
                if r.find(qn("w:drawing")) is not None:
                    p._p.remove(r)
    row = t.add_row()
    add_shape(row.cells[0].paragraphs[0], line_shape_xml(15))
    add_shape(row.cells[1].paragraphs[0], line_shape_xml(60))


def short_agency_line(doc) -> None:
    left = header_cells(doc)[0]
    for p in left.paragraphs:
        for r in list(p._p):
            if r.find(qn("w:drawing")) is not None:
                p._p.remove(r)
    add_shape(left.paragraphs[1], line_shape_xml(6))


def page_in_content_control(doc) -> None:
    """Word's page-number gallery puts the PAGE field in a w:sdt."""
    header = doc.sections[0].header
    p = header.paragraphs[0]
    runs = list(p._p.iter(qn("w:r")))
    sdt = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtPr><w:docPartObj><w:docPartGallery w:val='Page Numbers (Top of Page)'/></w:docPartObj></w:sdtPr><w:sdtContent/></w:sdt>"
    )
    content = sdt.find(qn("w:sdtContent"))
    inner = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    jc = OxmlElement("w:jc")
    jc.set(qn("w:val"), "center")
    ppr.append(jc)
    inner.append(ppr)
    for r in runs:
        inner.append(r)
    content.append(inner)
    p._p.addnext(sdt)
    p._p.getparent().remove(p._p)


def page_centred_by_tab(doc) -> None:
    p = doc.sections[0].header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT
    p.paragraph_format.tab_stops.add_tab_stop(Mm(82), alignment=1)  # WD_TAB_ALIGNMENT.CENTER
    tab = OxmlElement("w:r")
    tab.append(OxmlElement("w:tab"))
    p._p.insert(1, tab)


def page_number_12pt(doc) -> None:
    p = doc.sections[0].header.paragraphs[0]
    for r in p.runs:
        r.font.size = Pt(12)


def one_page_app_xml(doc) -> None:
    doc.sections[0].header.paragraphs[0]._p.getparent().remove(doc.sections[0].header.paragraphs[0]._p)
    doc._test_pages = 1


def leading_tab_indent(doc) -> None:
    """A first-line indent typed as a tab, at Word's default 1.27 cm stop."""
    for p in doc.paragraphs:
        if p.text.startswith(("Thực hiện", "Các cơ quan")):
            p.paragraph_format.first_line_indent = Mm(0)
            p.runs[0].text = "\t" + p.runs[0].text


def three_plus_three_points(doc) -> None:
    for p in doc.paragraphs:
        if p.text.startswith(("Thực hiện", "Các cơ quan")):
            p.paragraph_format.space_before = Pt(3)
            p.paragraph_format.space_after = Pt(3)


def contextual_spacing(doc) -> None:
    """Same style on both and contextualSpacing: Word drops the 6 pt between them."""
    for p in doc.paragraphs:
        if p.text.startswith(("Thực hiện", "Các cơ quan")):
            p._p.get_or_add_pPr().append(OxmlElement("w:contextualSpacing"))


def east_asia_calibri(doc) -> None:
    for p in doc.paragraphs:
        for r in p.runs:
            rf = r._r.get_or_add_rPr().get_or_add_rFonts()
            rf.set(qn("w:eastAsia"), "Calibri")
            rf.set(qn("w:cs"), "Arial")


def near_black(doc) -> None:
    for p in doc.paragraphs:
        for r in p.runs:
            r.font.color.rgb = __import__("docx.shared", fromlist=["RGBColor"]).RGBColor(0x0D, 0x0D, 0x0D)


def arial_latin(doc) -> None:
    para_with(doc, "Thực hiện").runs[0].font.name = "Arial"


def smart_tag_nam(doc) -> None:
    """'NAM' of the Quốc hiệu wrapped in a w:smartTag (Word's place-name tag)."""
    p = header_cells(doc)[1].paragraphs[0]
    r = p.runs[0]
    r.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT "
    tag = parse_xml(
        f'<w:smartTag {nsdecls("w")} w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="place"/>'
    )
    nam = parse_xml(r._r.xml)
    nam.find(qn("w:t")).text = "NAM"
    tag.append(nam)
    r._r.addnext(tag)


def vv_in_text_box(doc) -> None:
    """A công văn whose V/v line sits in a text box anchored in the left header cell."""
    left = header_cells(doc)[0]
    vv = next(p for p in left.paragraphs if p.text.startswith("V/v"))
    text = vv.text
    set_text(vv, "")
    box = parse_xml(
        f'<w:r {nsdecls("w", "wp", "a")} xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="2" behindDoc="0" locked="0" '
        'layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV><wp:extent cx="2200000" cy="400000"/>'
        '<wp:wrapNone/><wp:docPr id="99" name="Text Box"/><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr><wps:txbx><w:txbxContent>'
        f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:sz w:val="24"/></w:rPr><w:t>{text}</w:t></w:r></w:p>'
        "</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"
    )
    vv._p.append(box)


def noi_nhan_line_break(doc) -> None:
    """'Nơi nhận:' and the first recipient in one paragraph, split by a line break."""
    left = doc.tables[-1].rows[0].cells[0]
    head, first = left.paragraphs[0], left.paragraphs[1]
    br = OxmlElement("w:r")
    br.append(OxmlElement("w:br"))
    head._p.append(br)
    for r in first.runs:
        head._p.append(r._r)
    first._p.getparent().remove(first._p)


def qh_and_motto_one_paragraph(doc) -> None:
    right = header_cells(doc)[1]
    qh, tn = right.paragraphs[0], right.paragraphs[1]
    br = OxmlElement("w:r")
    br.append(OxmlElement("w:br"))
    qh._p.append(br)
    for child in list(tn._p):
        if child.tag == qn("w:r"):
            qh._p.append(child)
    tn._p.getparent().remove(tn._p)


def three_column_header(doc) -> None:
    t = doc.tables[0]
    t.add_column(Mm(5))
    row = t.rows[0]
    # move the right cell's content to the new last column, leaving an empty middle column
    mid, last = row.cells[1], row.cells[2]
    for p in list(mid._tc.iter(qn("w:p"))):
        last._tc.append(p)
    mid._tc.append(OxmlElement("w:p"))
    for p in last._tc.findall(qn("w:p")):
        if not "".join(t.text or "" for t in p.iter(qn("w:t"))) and p.find(qn("w:r")) is None:
            last._tc.remove(p)
            break


def merged_header_cells(doc) -> None:
    """Four grid columns: the agency over one, the Quốc hiệu side merged over three (gridSpan)."""
    t = doc.tables[0]
    t.add_column(Mm(20))
    t.add_column(Mm(20))
    row = t.rows[0]
    merged = row.cells[1].merge(row.cells[3])
    for p in merged.paragraphs:
        if not p.text.strip() and not list(p._p.iter(qn("w:drawing"))):
            p._p.getparent().remove(p._p)


def header_laid_out_with_tabs(doc) -> None:
    """No header table: agency and Quốc hiệu side by side, separated by tabs."""
    t = doc.tables[0]
    body = t._tbl.getparent()
    rows = [
        ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, True),
        ("TỈNH TÂY NINH", "Độc lập - Tự do - Hạnh phúc", 13, True),
        ("Số: 12/KH-UBND", "Tây Ninh, ngày 05 tháng 3 năm 2025", 13, False),
    ]
    anchor = t._tbl
    for i, (left, right, size, bold) in enumerate(rows):
        p = doc.add_paragraph()
        r1 = p.add_run(left)
        r1.font.size, r1.font.bold = Pt(size), bold and i == 1
        p.add_run("\t\t")
        r2 = p.add_run(right)
        r2.font.size = Pt(14 if i else 13) if i < 2 else Pt(14)
        r2.font.bold = i < 2
        r2.font.italic = i == 2
        anchor.addnext(p._p)
        anchor = p._p
        if i == 1:
            add_shape(p, line_shape_xml(15))
            add_shape(p, line_shape_xml(62, offset_mm=95))
    body.remove(t._tbl)


def trich_yeu_in_table(doc) -> None:
    """The trích yếu boxed in a 1×1 table under the tên loại, its rule in the paragraph below."""
    summary = para_with(doc, "Triển khai công tác")
    t = doc.add_table(rows=1, cols=1)
    cell = t.rows[0].cells[0]
    cell.paragraphs[0].add_run(summary.text)
    fmt(cell.paragraphs[0], 14, True, align=WD_ALIGN_PARAGRAPH.CENTER)
    summary._p.addprevious(t._tbl)
    for t_el in summary._p.iter(qn("w:t")):  # keep the run holding the drawn rule
        t_el.text = ""


CLEAN: dict[str, tuple[Callable, str]] = {
    # construct: (mutation, rule that must not fire)
    "vml-line-under-motto": (vml_motto_line, "HDR-02"),
    "lines-in-second-header-row": (lines_in_second_row, "HDR-04"),
    "lines-in-second-header-row-motto": (lines_in_second_row, "HDR-02"),
    "page-field-in-sdt": (page_in_content_control, "PAGE-04"),
    "page-centred-by-tab-stop": (page_centred_by_tab, "PAGE-04"),
    "leading-tab-indent": (leading_tab_indent, "BODY-03"),
    "gap-3-plus-3": (three_plus_three_points, "BODY-04"),
    "east-asia-and-cs-slots": (east_asia_calibri, "FONT-01"),
    "smart-tag-in-quoc-hieu": (smart_tag_nam, "HDR-01"),
    "quoc-hieu-and-motto-one-paragraph": (qh_and_motto_one_paragraph, "HDR-02"),
    "three-column-header": (three_column_header, "HDR-01"),
    "merged-header-cells": (merged_header_cells, "HDR-02"),
    "header-with-tabs": (header_laid_out_with_tabs, "HDR-01"),
    "header-with-tabs-title": (header_laid_out_with_tabs, "TITLE-01"),
    "trich-yeu-in-1x1-table": (trich_yeu_in_table, "TITLE-02"),
}


@pytest.mark.parametrize("case", sorted(CLEAN))
def test_construct_gives_no_false_finding(case: str, tmp_path: Path) -> None:
    mutate, rule_id = CLEAN[case]
    doc = nd30_document()
    mutate(doc)
    found = reported(findings(doc, tmp_path))
    assert rule_id not in found, (case, found.get(rule_id))
    assert set(found) == set(), (case, found)


FINDS: dict[str, tuple[Callable, str, str]] = {
    # construct: (mutation, rule that must fire, severity)
    "rule-too-short": (short_agency_line, "HDR-04", "error"),
    "page-number-12pt": (page_number_12pt, "PAGE-04", "error"),
    "contextual-spacing": (contextual_spacing, "BODY-04", "error"),
    "near-black-colour": (near_black, "FONT-01", "warning"),
    "arial-in-latin-slot": (arial_latin, "FONT-01", "error"),
}


@pytest.mark.parametrize("case", sorted(FINDS))
def test_construct_gives_the_right_finding(case: str, tmp_path: Path) -> None:
    mutate, rule_id, severity = FINDS[case]
    doc = nd30_document()
    mutate(doc)
    found = reported(findings(doc, tmp_path))
    assert set(found) == {rule_id}, (case, found)
    assert {f.severity for f in found[rule_id]} == {severity}


def test_near_black_is_one_warning_per_document(tmp_path: Path) -> None:
    doc = nd30_document()
    near_black(doc)
    assert len(reported(findings(doc, tmp_path))["FONT-01"]) == 1


def test_one_page_document_from_app_xml(tmp_path: Path) -> None:
    doc = nd30_document()
    one_page_app_xml(doc)
    by_rule = {f.rule: f for f in findings(doc, tmp_path)}
    assert by_rule["PAGE-04"].severity == "not-evaluated"


def test_stale_page_count_of_a_generator_is_not_trusted(tmp_path: Path) -> None:
    """vbgen and python-docx keep the template's <Pages>1</Pages>: the estimate decides."""
    doc = nd30_document(body=["Nội dung thực hiện kế hoạch trong năm, bảo đảm đúng tiến độ đề ra. " * 8] * 12)
    one_page_app_xml(doc)
    doc.core_properties.last_modified_by = "python-docx"
    found = reported(findings(doc, tmp_path))
    assert "PAGE-04" in found


def test_text_box_vv_makes_a_cong_van(tmp_path: Path) -> None:
    doc = nd30_document(kind="CV")
    vv_in_text_box(doc)
    found = findings(doc, tmp_path)
    not_evaluated = {f.rule for f in found if f.severity == "not-evaluated"}
    assert "NUM-02" not in not_evaluated and "CV-01" not in not_evaluated  # judged, and right
    assert "NUM-01" in not_evaluated
    assert set(reported(found)) == set()


def test_noi_nhan_with_line_break(tmp_path: Path) -> None:
    doc = nd30_document()
    noi_nhan_line_break(doc)
    assert set(reported(findings(doc, tmp_path))) == set()


def test_two_row_signature_table(tmp_path: Path) -> None:
    doc = nd30_document(signature_rows=2)
    path = tmp_path / "sig.docx"
    from .lint_docs import save

    save(doc, path)
    from docx import Document

    a = analyse(Document(str(path)))
    assert a.signer is not None and a.signer.text == "Nguyễn Văn An"
    assert set(reported(findings(doc, tmp_path))) == set()


def _numbered(doc, num_xml: str, items: list[tuple[str, int, str]]) -> None:
    """Add numbering.xml definitions and paragraphs (text, level, numId) numbered by Word."""
    numbering = doc.part.numbering_part.element
    for el in parse_xml(f"<w:numbering {nsdecls('w')}>{num_xml}</w:numbering>"):
        if el.tag == qn("w:abstractNum"):
            first_num = numbering.find(qn("w:num"))
            if first_num is not None:
                first_num.addprevious(el)
            else:
                numbering.append(el)
        else:
            numbering.append(el)
    last = next(p for p in doc.paragraphs if p.text.startswith("Các cơ quan"))
    for text, level, num_id in items:
        p = body_para(doc, text)
        pr = p._p.get_or_add_pPr()
        numpr = parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
        pr.insert(0, numpr)
        last._p.addprevious(p._p)


ABSTRACT = (
    '<w:abstractNum w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
    '<w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
    '<w:lvlText w:val="%2)"/></w:lvl></w:abstractNum>'
)


def test_auto_numbering_labels_and_a_skipped_point(tmp_path: Path) -> None:
    """Word's labels (1., a), b) …) are what STRUCT-02 reads: lowerLetter runs a b c d e, so a
    list of five points skips the Vietnamese 'đ)'."""
    doc = nd30_document()
    items = [("Nhiệm vụ chung", 0, "90")] + [(f"Điểm thứ {i}", 1, "90") for i in range(1, 6)]
    _numbered(doc, ABSTRACT + '<w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>', items)
    path = tmp_path / "num.docx"
    from .lint_docs import save

    save(doc, path)
    from docx import Document

    a = analyse(Document(str(path)))
    labels = [ln.label for ln in a.body if ln.label]
    assert labels == ["1.", "a)", "b)", "c)", "d)", "e)"]
    found = reported(findings(doc, tmp_path))
    assert set(found) == {"STRUCT-02"}
    assert "đ" in found["STRUCT-02"][0].message


def test_auto_numbering_restarts_with_start_override(tmp_path: Path) -> None:
    doc = nd30_document()
    nums = (
        '<w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>'
        '<w:num w:numId="91"><w:abstractNumId w:val="90"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/>'
        "</w:lvlOverride></w:num>"
    )
    _numbered(doc, ABSTRACT + nums, [("Một", 0, "90"), ("Hai", 0, "90"), ("Lại một", 0, "91"), ("Lại hai", 0, "91")])
    path = tmp_path / "num.docx"
    from .lint_docs import save

    save(doc, path)
    from docx import Document

    d = Document(str(path))
    numbering = Numbering(d)
    assert [numbering.next_label("90", 0), numbering.next_label("90", 0)] == ["1.", "2."]
    assert [numbering.next_label("91", 0), numbering.next_label("91", 0)] == ["1.", "2."]
    a = analyse(d)
    assert [ln.label for ln in a.body if ln.label] == ["1.", "2.", "1.", "2."]


# -- part 2: kinds of document and their parts -----------------------------------------------------


def test_cong_van_kinh_gui_block_is_not_body(tmp_path: Path) -> None:
    doc = nd30_document(kind="CV")
    kg = para_with(doc, "Kính gửi")
    set_text(kg, "Kính gửi:")
    anchor = kg._p
    for text in ("- Sở Nội vụ;", "- Sở Tài chính."):
        p = doc.add_paragraph(text)
        fmt(p, 14, align=WD_ALIGN_PARAGRAPH.LEFT)
        anchor.addnext(p._p)
        anchor = p._p
    path = tmp_path / "cv.docx"
    from .lint_docs import save

    save(doc, path)
    from docx import Document

    a = analyse(Document(str(path)))
    assert [ln.text for ln in a.kinh_gui] == ["Kính gửi:", "- Sở Nội vụ;", "- Sở Tài chính."]
    assert not any(ln.text.startswith(("Kính gửi", "- Sở")) for ln in a.body)
    assert a.kind == "CV" and [ln.text for ln in a.vv] == ["V/v triển khai công tác văn thư"]
    assert set(reported(findings(doc, tmp_path))) == set()


def quyet_dinh(doc, *, last_basis_end: str = ";") -> None:
    """Turn the plan into a Quyết định: authority line, căn cứ, 'Theo đề nghị', Điều/khoản."""
    title = para_with(doc, "KẾ HOẠCH")
    set_text(title, "QUYẾT ĐỊNH")
    set_text(para_with(doc, "Số:"), "Số: 12/QĐ-UBND")
    summary = para_with(doc, "Triển khai")
    set_text(summary, "Về việc ban hành Quy chế công tác văn thư")
    for p in list(doc.paragraphs):
        if p.text.startswith(("Thực hiện", "Các cơ quan")):
            p._p.getparent().remove(p._p)
    sig = doc.tables[-1]._tbl
    lines = [
        ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH TÂY NINH", "center", True, False),
        ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;", "both", False, True),
        (
            "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư"
            + last_basis_end,
            "both",
            False,
            True,
        ),
        ("Theo đề nghị của Chánh Văn phòng Ủy ban nhân dân tỉnh.", "both", False, True),
        ("QUYẾT ĐỊNH:", "center", True, False),
        ("Điều 1. Ban hành kèm theo Quyết định này Quy chế công tác văn thư.", "both", False, False),
        ("1. Quy chế áp dụng cho các cơ quan thuộc tỉnh.", "both", False, False),
        ("2. Các cơ quan tổ chức thực hiện.", "both", False, False),
        ("Điều 2. Quyết định này có hiệu lực từ ngày ký.", "both", False, False),
        ("1. Chánh Văn phòng theo dõi thực hiện.", "both", False, False),
        ("2. Các sở, ngành chịu trách nhiệm thi hành Quyết định này./.", "both", False, False),
    ]
    for text, align, bold, italic in lines:
        p = body_para(doc, text, indent_mm=None if align == "center" else 12.7)
        for r in p.runs:
            r.font.bold, r.font.italic = bold, italic
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER if align == "center" else WD_ALIGN_PARAGRAPH.JUSTIFY
        sig.addprevious(p._p)


def test_quyet_dinh_parts(tmp_path: Path) -> None:
    doc = nd30_document()
    quyet_dinh(doc)
    path = tmp_path / "qd.docx"
    from .lint_docs import save

    save(doc, path)
    from docx import Document

    a = analyse(Document(str(path)))
    assert a.kind == "QĐ"
    assert a.decision_authority is not None and a.decision_authority.text.startswith("CHỦ TỊCH")
    assert len(a.basis) == 2 and a.proposal is not None and a.decides is not None
    assert a.body[0].text.startswith("Điều 1.")
    # authority line is not CAP-01; the last căn cứ ends ";" before "Theo đề nghị"; khoản restart per Điều
    assert set(reported(findings(doc, tmp_path))) == set()


def test_quyet_dinh_last_basis_with_full_stop_before_proposal(tmp_path: Path) -> None:
    doc = nd30_document()
    quyet_dinh(doc, last_basis_end=".")
    assert set(reported(findings(doc, tmp_path))) == {"CANCU-01"}


def test_body_sentence_starting_can_cu_is_not_basis(tmp_path: Path) -> None:
    doc = nd30_document(
        body=[
            "Thực hiện chương trình công tác năm 2025, Ủy ban nhân dân tỉnh ban hành kế hoạch như sau:",
            "Căn cứ chức năng, nhiệm vụ được giao, các sở, ngành triển khai thực hiện kế hoạch",
            "Các cơ quan, đơn vị tổ chức thực hiện nghiêm túc kế hoạch này./.",
        ]
    )
    found = findings(doc, tmp_path)
    assert {f.rule: f.severity for f in found}["CANCU-01"] == "not-evaluated"
    assert set(reported(found)) == set()


def test_kt_bo_truong_thu_truong(tmp_path: Path) -> None:
    doc = nd30_document(authority=("KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"))
    assert set(reported(findings(doc, tmp_path))) == set()


def test_two_spaces_after_so(tmp_path: Path) -> None:
    doc = nd30_document()
    set_text(para_with(doc, "Số:"), "Số:  12/KH-UBND")
    assert set(reported(findings(doc, tmp_path))) == set()


@pytest.mark.parametrize("case", ["party", "phieu-trinh", "no-header-annex"])
def test_out_of_scope_gets_one_finding(case: str, tmp_path: Path) -> None:
    doc = nd30_document()
    if case == "party":
        set_text(header_cells(doc)[1].paragraphs[0], "ĐẢNG CỘNG SẢN VIỆT NAM")
    elif case == "phieu-trinh":
        set_text(para_with(doc, "KẾ HOẠCH"), "PHIẾU TRÌNH")
    else:
        doc.tables[0]._tbl.getparent().remove(doc.tables[0]._tbl)
    found = findings(doc, tmp_path)
    assert [(f.rule, f.severity) for f in found] == [("SCOPE-01", "warning")], found


# -- part 3: the misses ----------------------------------------------------------------------------


def test_page_numbers_in_every_section(tmp_path: Path) -> None:
    from docx.enum.section import WD_SECTION

    doc = nd30_document(pages=3)
    sec = doc.add_section(WD_SECTION.NEW_PAGE)
    body_para(doc, "Phụ lục: danh sách các cơ quan thực hiện.")
    sec.header.is_linked_to_previous = False  # its own header, with no page number
    found = reported(findings(doc, tmp_path))
    assert set(found) == {"PAGE-04"}
    assert "2" in found["PAGE-04"][0].where


def test_luu_without_full_stop_in_paragraph_layout(tmp_path: Path) -> None:
    """No signature table: 'Nơi nhận:' and the title on one line with tabs, the lines below."""
    doc = nd30_document()
    sig = doc.tables[-1]._tbl
    rows = [
        ("Nơi nhận:\t\tKT. GIÁM ĐỐC", 12),
        ("- Như trên;\t\tPHÓ GIÁM ĐỐC", 11),
        ("- Lưu: VT, VP", 11),
        ("\t\t\tNguyễn Văn An", 14),
    ]
    for text, size in rows:
        p = doc.add_paragraph(text)
        fmt(p, size, bold=size != 11, italic=size == 12)
        sig.addprevious(p._p)
    sig.getparent().remove(sig)
    path = tmp_path / "p.docx"
    from .lint_docs import save

    save(doc, path)
    from docx import Document

    a = analyse(Document(str(path)))
    assert [ln.text for ln in a.recipients] == ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP"]
    assert "NN-03" in reported(findings(doc, tmp_path))


@pytest.mark.parametrize("text", ["Tây Ninh, ngày      tháng 03 năm 2025", "Tây Ninh, ngày 05 tháng 03 năm 2025"])
def test_padded_month(text: str, tmp_path: Path) -> None:
    doc = nd30_document()
    set_text(para_with(doc, "Tây Ninh, ngày"), text)
    assert set(reported(findings(doc, tmp_path))) == {"DATE-01"}


def test_blank_draft_date_is_right(tmp_path: Path) -> None:
    doc = nd30_document()
    set_text(para_with(doc, "Tây Ninh, ngày"), "Tây Ninh, ngày      tháng      năm 2025")
    assert set(reported(findings(doc, tmp_path))) == set()


def test_so_not_centred(tmp_path: Path) -> None:
    doc = nd30_document()
    para_with(doc, "Số:").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    assert set(reported(findings(doc, tmp_path))) == {"NUM-03"}


def test_signature_not_centred(tmp_path: Path) -> None:
    doc = nd30_document()
    for p in doc.tables[-1].rows[0].cells[1].paragraphs:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    assert set(reported(findings(doc, tmp_path))) == {"SIG-01", "SIG-03"}


def test_tl_without_space(tmp_path: Path) -> None:
    doc = nd30_document(authority=("TL.CHỦ TỊCH", "CHÁNH VĂN PHÒNG"))
    assert set(reported(findings(doc, tmp_path))) == {"SIG-01"}


def test_tcvn3_font_in_header(tmp_path: Path) -> None:
    doc = nd30_document()
    p = doc.sections[0].header.add_paragraph("Trang")
    p.runs[0].font.name = ".VnTime"
    found = reported(findings(doc, tmp_path))
    assert set(found) == {"FONT-02"}
    assert "VnTime" in found["FONT-02"][0].message


# -- one fault in many paragraphs: one finding (QA: 71 BODY-04 findings for one setting) ----------


def spaced_body(gaps: list[float]) -> object:
    """A document whose body paragraphs 2… have `gaps[i]` pt above them (after 0, before the gap);
    the first body paragraph keeps its 6 pt."""
    texts = [f"Nội dung thứ {i} của kế hoạch năm 2025." for i in range(len(gaps) + 1)]
    doc = nd30_document(body=[*texts[:-1], texts[-1][:-1] + "./."])
    body = [p for p in doc.paragraphs if p.text.startswith("Nội dung thứ")]
    for p in body:
        p.paragraph_format.space_after = Pt(0)
    body[0].paragraph_format.space_before = Pt(6)
    for p, gap in zip(body[1:], gaps, strict=True):
        p.paragraph_format.space_before = Pt(gap)
    return doc


def _body_numbers(doc, tmp_path: Path) -> list[str]:
    """The `where` of each body paragraph as lint names it ("đoạn 7")."""
    from generator.lint.rules import body_paragraphs

    from .lint_docs import save

    analysed = analyse(__import__("docx").Document(str(save(doc, tmp_path / "n.docx"))))
    return [ln.where for ln in body_paragraphs(analysed)]


def test_one_spacing_fault_in_every_paragraph_is_one_finding(tmp_path: Path) -> None:
    doc = spaced_body([5] * 11)
    where = _body_numbers(doc, tmp_path)
    found = reported(findings(doc, tmp_path))
    assert set(found) == {"BODY-04"}, found
    (f,) = found["BODY-04"]
    assert f.count == 11 and "5 pt" in f.message and "11 đoạn" in f.message, f
    assert f.where == f"từ {where[1]} đến {where[-1]}", (f.where, where)


def test_the_same_fault_in_two_runs_is_one_finding_naming_both(tmp_path: Path) -> None:
    doc = spaced_body([5, 5, 5, 6, 5, 5, 2])  # a paragraph in order, then another run; 2 pt is another fault
    where = _body_numbers(doc, tmp_path)
    found = reported(findings(doc, tmp_path))["BODY-04"]
    assert [(f.count, f.where) for f in found] == [
        (5, f"từ {where[1]} đến {where[3]}; từ {where[5]} đến {where[6]}"),
        (1, where[7]),
    ], found
    assert "5 đoạn" in found[0].message and "2 nhóm" in found[0].message
    assert found[1].message == "khoảng cách với đoạn trên 2 pt, cần ≥ 6 pt"  # one paragraph: as before


def test_lint_json_gives_the_count(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from generator.cli import main

    from .lint_docs import save

    path = save(spaced_body([5] * 4), tmp_path / "gaps.docx")
    result = CliRunner().invoke(main, ["lint", "--format", "json", str(path)])
    (finding,) = [f for f in json.loads(result.stdout)[0]["findings"] if f["rule"] == "BODY-04"]
    assert set(finding) == {"rule", "severity", "message", "where", "count"} and finding["count"] == 4
    others = [f for f in json.loads(result.stdout)[0]["findings"] if f["rule"] != "BODY-04"]
    assert all(f["count"] == 1 for f in others)
