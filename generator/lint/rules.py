"""The ND30 rules a .docx is checked against (nd30-format.md §7), each with its id and source."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from generator.i18n import N_, _
from generator.lint.anatomy import Anatomy, Line
from generator.nd30.numbering import DOC_TYPES
from generator.word.docxfmt import container_width_mm, text_width_mm

Severity = Literal["error", "warning"]
MM_TOL = 0.5
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
TYPE_CODES = "|".join(DOC_TYPES)
NUM_RE = re.compile(rf"^Số: ?(0[1-9]|[1-9]\d+)?\s*/({TYPE_CODES})-[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*$")
CV_RE = re.compile(r"^Số: ?(0[1-9]|[1-9]\d+)?\s*/[A-ZĐ0-9]+(-[A-ZĐ0-9]+)+$")
DATE_RE = re.compile(r"^(?P<place>[^,]+), ngày (0[1-9]|[12]\d|3[01]) tháng (01|02|[3-9]|1[0-2]) năm \d{4}$")
BLANK_DATE_RE = re.compile(r"^(?P<place>[^,]+), ngày\s+tháng\s+(\S+\s+)?năm \d{4}$")
BAD_PREFIX = re.compile(r"^(K/T|T/M|T/L|TUQ/|KT |TM |TL |Q )")
LUU_RE = re.compile(r"^- Lưu: VT(, [^,;.]+)*\.$")
DEGREES = re.compile(r"^(TS|ThS|PGS|GS|BS|KS|CN)\.")


@dataclass(frozen=True)
class Finding:
    """One result: a rule broken, or a rule that could not be evaluated on this file."""

    rule: str
    severity: str  # error | warning | not-evaluated
    message: str
    where: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"rule": self.rule, "severity": self.severity, "message": self.message, "where": self.where}


class NotEvaluated(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a check that cannot judge this file; reported, never counted as passed."""


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    source: str  # where the rule comes from
    summary: str
    check: Callable[[Anatomy], Iterator[tuple[str, str | None] | Finding]]


RULES: list[Rule] = []


def rule(rule_id: str, severity: Severity, source: str, summary: str) -> Callable:
    def register(fn: Callable[[Anatomy], Iterator[tuple[str, str | None] | Finding]]) -> Callable:
        RULES.append(Rule(rule_id, severity, source, summary, fn))  # summary: translated where shown
        return fn

    return register


def _size_in(line: Line, lo: float, hi: float) -> bool:
    return line.run.size is not None and lo <= line.run.size <= hi


def _fmt(line: Line) -> str:
    size = f"{line.run.size:g}" if line.run.size else "?"
    weight = _("đậm") if line.run.bold else _("không đậm")
    slant = _("nghiêng") if line.run.italic else _("đứng")
    return _("cỡ {size}, {weight}, {slant}", size=size, weight=weight, slant=slant)


# -- page ------------------------------------------------------------------------------------------


@rule("PAGE-01", "error", "NĐ30 Phụ lục I: khổ giấy A4 (nd30-format §1)", N_("Khổ A4 (210 × 297 mm), trang đứng"))
def page_size(a: Anatomy):
    for i, sec in enumerate(a.doc.sections, start=1):
        if sec.page_width is None or sec.page_height is None:
            raise NotEvaluated(_("tệp không ghi khổ giấy"))
        w, h = sec.page_width.mm, sec.page_height.mm
        portrait = abs(w - 210) <= MM_TOL and abs(h - 297) <= MM_TOL
        landscape = abs(w - 297) <= MM_TOL and abs(h - 210) <= MM_TOL
        # Landscape is allowed for a section that holds a wide table (nd30-format §1).
        data_tables = len(a.doc.tables) - (a.header_table is not None) - (a.signature_table is not None)
        if not portrait and not (landscape and data_tables > 0):
            yield _("khổ giấy {w:.1f} × {h:.1f} mm, cần A4 đứng 210 × 297 mm", w=w, h=h), _("mục {i}", i=i)


def _margin_rule(a: Anatomy, names: tuple[str, str], ranges: tuple[tuple[float, float], ...]):
    for i, sec in enumerate(a.doc.sections, start=1):
        for name, (lo, hi) in zip(names, ranges, strict=True):
            value = getattr(sec, f"{name}_margin")
            if value is None:
                raise NotEvaluated(_("tệp không ghi lề trang"))
            mm = value.mm
            if not lo - MM_TOL <= mm <= hi + MM_TOL:
                label = {"top": _("trên"), "bottom": _("dưới"), "left": _("trái"), "right": _("phải")}[name]
                yield (
                    _("lề {label} {mm:.1f} mm, cần {lo:g}–{hi:g} mm", label=label, mm=mm, lo=lo, hi=hi),
                    _("mục {i}", i=i),
                )


@rule("PAGE-02", "error", "NĐ30 Phụ lục I: lề trang (nd30-format §1)", N_("Lề trên, dưới 20–25 mm"))
def margins_tb(a: Anatomy):
    yield from _margin_rule(a, ("top", "bottom"), ((20, 25), (20, 25)))


@rule("PAGE-03", "error", "NĐ30 Phụ lục I: lề trang (nd30-format §1)", N_("Lề trái 30–35 mm, lề phải 15–20 mm"))
def margins_lr(a: Anatomy):
    yield from _margin_rule(a, ("left", "right"), ((30, 35), (15, 20)))


def _has_page_field(xml: str) -> bool:
    return bool(re.search(r"instrText[^>]*>\s*PAGE\b|w:instr=\"\s*PAGE\b", xml))


def _estimated_pages(a: Anatomy) -> tuple[int, bool]:
    """Pages as recorded in docProps/app.xml when that says 2+, else an estimate from the text
    (python-docx and docxtpl leave the template's count there)."""
    if a.pages and a.pages >= 2:
        return a.pages, False
    width = container_width_mm(a.doc, a.doc)
    lines = 0.0
    for p in a.doc.paragraphs:
        lines += max(1.0, text_width_mm(p.text, 14) / max(width, 1))
    for t in a.doc.tables:
        lines += 3 * len(t.rows)
    return int(lines * 7.5 / 250) + 1, True  # ~7.5 mm a line with spacing, ~250 mm of text height


@rule(
    "PAGE-04",
    "error",
    "NĐ30 Phụ lục I: số trang (nd30-format §1)",
    N_("Số trang ở giữa phần đầu trang, cỡ 13–14, đứng"),
)
def page_number(a: Anatomy):
    pages, estimated = _estimated_pages(a)
    if pages < 2:
        raise NotEvaluated(_("văn bản một trang") + (_(" (ước tính)") if estimated else ""))
    sec = a.doc.sections[0]
    header = sec.header
    if header.is_linked_to_previous and not _has_page_field(header._element.xml if header._element is not None else ""):
        yield _("không có số trang ở phần đầu trang (header)"), _("phần đầu trang")
        return
    paragraphs = [p for p in header.paragraphs if _has_page_field(p._p.xml)]
    if not paragraphs:
        yield _("không có trường số trang (PAGE) ở phần đầu trang"), _("phần đầu trang")
        return
    p = paragraphs[0]
    fmt = a.styles.paragraph_format(p)
    run = a.styles.run_format(p, p.runs[0] if p.runs else None)
    if fmt.alignment != "center":
        yield _("số trang không căn giữa ({alignment})", alignment=fmt.alignment), _("phần đầu trang")
    if run.size is not None and not 13 <= run.size <= 14:
        yield _("số trang cỡ {size:g}, cần 13–14", size=run.size), _("phần đầu trang")
    if run.italic:
        yield _("số trang in nghiêng, cần chữ đứng"), _("phần đầu trang")


@rule(
    "PAGE-05", "error", "NĐ30 Phụ lục I: không đánh số trang thứ nhất (nd30-format §1)", N_("Trang 1 không có số trang")
)
def no_number_on_first_page(a: Anatomy):
    sec = a.doc.sections[0]
    if not sec.different_first_page_header_footer:
        if _has_page_field(sec.header._element.xml if not sec.header.is_linked_to_previous else ""):
            yield _("số trang hiện cả ở trang 1 (chưa bật 'trang đầu khác')"), _("phần đầu trang")
        return
    first = sec.first_page_header
    if first.is_linked_to_previous:
        return
    xml = first._element.xml
    if _has_page_field(xml) or any(ch.isdigit() for p in first.paragraphs for ch in p.text):
        yield _("phần đầu trang của trang 1 có số trang"), _("phần đầu trang 1")


# -- fonts -----------------------------------------------------------------------------------------


def _all_lines(a: Anatomy) -> Iterator[Line]:
    seen: set[int] = set()
    for group in (a.header_left, a.header_right, a.body, a.recipients, a.authority):
        for line in group:
            if id(line.paragraph._p) not in seen:
                seen.add(id(line.paragraph._p))
                yield line
    if a.title:
        yield a.title
    yield from a.summary


@rule(
    "FONT-01",
    "error",
    "NĐ30 Phụ lục I: phông Times New Roman, màu đen (nd30-format §2)",
    N_("Mọi chữ là Times New Roman, màu đen"),
)
def font_family(a: Anatomy):
    bad_font: dict[str, list[str]] = {}
    for line in _all_lines(a):
        for text, fmt in line.runs:
            if not text.strip():
                continue
            fonts = {f for f in fmt.fonts if f}
            if not fonts:
                continue
            wrong = sorted(f for f in fonts if f != "Times New Roman")
            if wrong:
                bad_font.setdefault(", ".join(wrong), []).append(line.where)
            if fmt.color and fmt.color.lower() not in ("auto", "000000"):
                yield _("chữ màu {color}: '{v}'", color=fmt.color, v=text[:30]), line.where
    for fonts, places in bad_font.items():
        more = _(" và {n} chỗ khác", n=len(places) - 1) if len(places) > 1 else ""
        yield _("phông {fonts} (cần Times New Roman)", fonts=fonts), places[0] + more


@rule(
    "FONT-02",
    "error",
    "NĐ30 Phụ lục I: bộ mã Unicode TCVN 6909:2001 (nd30-format §2)",
    N_("Văn bản Unicode dạng NFC, không phông .Vn/VNI"),
)
def unicode_nfc(a: Anatomy):
    for line in _all_lines(a):
        if line.text != unicodedata.normalize("NFC", line.text):
            yield _("chữ không ở dạng Unicode NFC (dấu tổ hợp)"), line.where
        for _text, fmt in line.runs:
            for f in fmt.fonts:
                if f and (f.startswith(".Vn") or f.upper().startswith("VNI")):
                    yield _("phông TCVN3/VNI '{f}'", f=f), line.where
                    break


# -- body ------------------------------------------------------------------------------------------


def body_paragraphs(a: Anatomy) -> list[Line]:
    """Body text: not headings (I., bold titles), not căn cứ, not the signature."""
    out = []
    for line in a.body:
        if line in a.basis or re.match(r"^[IVXLC]+\. ", line.text) or line.all_bold:
            continue
        out.append(line)
    return out


def _body(a: Anatomy) -> list[Line]:
    lines = body_paragraphs(a)
    if not lines:
        raise NotEvaluated(_("không tìm thấy phần nội dung"))
    return lines


@rule(
    "BODY-01",
    "error",
    "NĐ30 Phụ lục I: nội dung cỡ chữ 13–14 (nd30-format §2)",
    N_("Cỡ chữ nội dung 13 hoặc 14, một cỡ trong toàn văn bản"),
)
def body_size(a: Anatomy):
    sizes: dict[float, int] = {}
    for line in _body(a):
        for text, fmt in line.runs:
            if text.strip() and fmt.size is not None:
                if fmt.size not in (13, 14):
                    yield _("cỡ chữ {size:g}, cần 13 hoặc 14", size=fmt.size), line.where
                    break
                sizes[fmt.size] = sizes.get(fmt.size, 0) + 1
    if len(sizes) > 1:
        yield Finding(
            "BODY-01", "warning", _("nội dung dùng nhiều cỡ chữ: {v}", v=", ".join(f"{s:g}" for s in sizes)), None
        )


@rule("BODY-02", "error", "NĐ30 Phụ lục I: nội dung căn đều hai lề (nd30-format §2)", N_("Nội dung căn đều hai lề"))
def body_alignment(a: Anatomy):
    for line in _body(a):
        if line.para.alignment not in ("both", "distribute"):
            yield _("căn lề '{v}', cần căn đều", v=line.para.alignment or "left"), line.where


@rule("BODY-03", "error", "NĐ30 Phụ lục I: lùi đầu dòng 1–1,27 cm (nd30-format §2)", N_("Lùi đầu dòng 1–1,27 cm"))
def body_indent(a: Anatomy):
    for line in _body(a):
        first = line.para.first_line_mm or 0.0
        if not 10 - MM_TOL <= first <= 12.7 + MM_TOL:
            yield _("lùi đầu dòng {v:.2f} cm, cần 1–1,27 cm", v=first / 10), line.where


@rule("BODY-04", "error", "NĐ30 Phụ lục I: khoảng cách đoạn tối thiểu 6 pt (nd30-format §2)", N_("Cách đoạn ≥ 6 pt"))
def body_spacing(a: Anatomy):
    for line in _body(a):
        if max(line.para.space_before_pt or 0, line.para.space_after_pt or 0) < 6:
            yield _("khoảng cách giữa các đoạn dưới 6 pt"), line.where


@rule(
    "BODY-05",
    "error",
    "NĐ30 Phụ lục I: giãn dòng đơn đến 1,5 dòng (nd30-format §2)",
    N_("Giãn dòng từ đơn đến 1,5 dòng"),
)
def body_line_spacing(a: Anatomy):
    for line in _body(a):
        rule_, value = line.para.line_rule, line.para.line_value
        if rule_ in (None, "auto"):
            if value is not None and not 1.0 - 0.01 <= value <= 1.5 + 0.01:
                yield _("giãn dòng {value:.2f} lần, cần 1–1,5", value=value), line.where
        else:
            yield Finding(
                "BODY-05",
                "warning",
                _("giãn dòng kiểu '{rule}' {value:g} pt: cần xem lại", rule=rule_, value=value),
                line.where,
            )


# -- header ----------------------------------------------------------------------------------------


def _need_header(a: Anatomy) -> None:
    if a.header_table is None:
        raise NotEvaluated(_("không có bảng tiêu đề ở đầu văn bản"))


def _rule_length(a: Anatomy, rule_line: Line, cell_index: int) -> float:
    cell = a.header_table.rows[0].cells[cell_index] if a.header_table is not None else a.doc
    return container_width_mm(a.doc, cell) - rule_line.para.left_mm - rule_line.para.right_mm


def _has_shape(cell_xml: str) -> bool:
    return "<w:drawing" in cell_xml or "<w:pict" in cell_xml or "v:line" in cell_xml


@rule(
    "HDR-01",
    "error",
    "NĐ30 Phụ lục I: Quốc hiệu (nd30-format §3)",
    N_("Bảng tiêu đề hai cột; Quốc hiệu đúng chữ, in hoa, đậm, cỡ 12–13"),
)
def quoc_hieu(a: Anatomy):
    if a.header_table is None:
        yield _("không có bảng tiêu đề hai cột ở đầu văn bản"), _("đầu văn bản")
        return
    if len(a.header_table.columns) != 2:
        yield _("bảng tiêu đề có {v} cột, cần 2", v=len(a.header_table.columns)), _("bảng tiêu đề")
    right = [ln for ln in a.header_right if ln.text]
    if not right:
        yield _("ô phải của bảng tiêu đề trống"), _("bảng tiêu đề")
        return
    qh = right[0]
    if qh.text != QUOC_HIEU:
        yield _("Quốc hiệu là '{text}', cần '{QUOC_HIEU}'", text=qh.text, QUOC_HIEU=QUOC_HIEU), qh.where
    if not (qh.run.bold and not qh.run.italic and _size_in(qh, 12, 13)):
        yield _("Quốc hiệu {v}; cần cỡ 12–13, đậm, đứng", v=_fmt(qh)), qh.where


@rule(
    "HDR-02",
    "error",
    "NĐ30 Phụ lục I: Tiêu ngữ (nd30-format §3)",
    N_("Tiêu ngữ đúng chữ, đậm, cỡ 13–14, có đường kẻ dài bằng dòng chữ"),
)
def tieu_ngu(a: Anatomy):
    _need_header(a)
    right = [ln for ln in a.header_right if ln.text]
    if len(right) < 2:
        yield _("thiếu dòng Tiêu ngữ"), _("bảng tiêu đề, ô phải")
        return
    qh, tn = right[0], right[1]
    if tn.text != TIEU_NGU:
        yield (
            _("Tiêu ngữ là '{text}', cần '{TIEU_NGU}' (gạch nối có cách hai bên)", text=tn.text, TIEU_NGU=TIEU_NGU),
            tn.where,
        )
    if not (tn.run.bold and not tn.run.italic and _size_in(tn, 13, 14)):
        yield _("Tiêu ngữ {v}; cần cỡ 13–14, đậm, đứng", v=_fmt(tn)), tn.where
    if qh.run.size and tn.run.size and tn.run.size != qh.run.size + 1:
        yield Finding(
            "HDR-02",
            "warning",
            _("Tiêu ngữ cỡ {size:g}, thường lớn hơn Quốc hiệu ({size2:g}) một cỡ", size=tn.run.size, size2=qh.run.size),
            tn.where,
        )
    if not a.rules_right:
        if _has_shape(a.header_table.rows[0].cells[-1]._tc.xml):
            yield Finding("HDR-02", "not-evaluated", _("đường kẻ dưới Tiêu ngữ vẽ bằng hình, không đo được"), tn.where)
        else:
            yield _("không có đường kẻ dưới Tiêu ngữ"), tn.where
        return
    length = _rule_length(a, a.rules_right[0], -1)
    width = text_width_mm(tn.text, tn.run.size or 13, tn.run.bold)
    if abs(length - width) > 0.15 * width:
        yield (
            _("đường kẻ dài {length:.0f} mm, dòng Tiêu ngữ {width:.0f} mm (cần ±15%)", length=length, width=width),
            a.rules_right[0].where,
        )


@rule(
    "HDR-03",
    "error",
    "NĐ30 Phụ lục I: tên cơ quan, cơ quan chủ quản (nd30-format §3)",
    N_("Tên cơ quan in hoa đậm 12–13; cơ quan chủ quản in hoa không đậm"),
)
def agency_name(a: Anatomy):
    _need_header(a)
    if not a.agency:
        yield _("không tìm thấy tên cơ quan ban hành (dòng in hoa, đậm) ở ô trái"), _("bảng tiêu đề, ô trái")
    for line in a.agency:
        if not line.all_caps:
            yield _("tên cơ quan '{text}' chưa in hoa", text=line.text), line.where
        if not _size_in(line, 12, 13):
            yield _("tên cơ quan {v}; cần cỡ 12–13, đậm", v=_fmt(line)), line.where
    for line in a.parent:
        if not line.all_caps:
            yield _("cơ quan chủ quản '{text}' chưa in hoa", text=line.text), line.where
        if line.run.bold or not _size_in(line, 12, 13):
            yield _("cơ quan chủ quản {v}; cần cỡ 12–13, không đậm", v=_fmt(line)), line.where


@rule(
    "HDR-04",
    "error",
    "NĐ30 Phụ lục I: đường kẻ dưới tên cơ quan (nd30-format §3)",
    N_("Đường kẻ dưới tên cơ quan dài 1/3–1/2 dòng chữ, ở giữa"),
)
def agency_rule(a: Anatomy):
    _need_header(a)
    if not a.agency:
        raise NotEvaluated(_("không có tên cơ quan"))
    if not a.rules_left:
        if _has_shape(a.header_table.rows[0].cells[0]._tc.xml):
            raise NotEvaluated(_("đường kẻ vẽ bằng hình, không đo được"))
        yield _("không có đường kẻ dưới tên cơ quan"), a.agency[-1].where
        return
    rule_line = a.rules_left[0]
    length = _rule_length(a, rule_line, 0)
    width = max(text_width_mm(ln.text, ln.run.size or 13, True) for ln in a.agency)
    if not width / 3 - 1 <= length <= width / 2 + 1:
        yield (
            _(
                "đường kẻ dài {length:.0f} mm; tên cơ quan rộng {width:.0f} mm (cần {v:.0f}–{v2:.0f} mm)",
                length=length,
                width=width,
                v=width / 3,
                v2=width / 2,
            ),
            rule_line.where,
        )
    if abs(rule_line.para.left_mm - rule_line.para.right_mm) > 1 and rule_line.para.alignment not in ("center",):
        yield _("đường kẻ không ở giữa"), rule_line.where


# -- number, date, title ---------------------------------------------------------------------------


def _is_cong_van(a: Anatomy) -> bool:
    return a.title is None and any(ln.text.startswith("V/v") for ln in a.header_left)


@rule(
    "NUM-01",
    "error",
    "NĐ30 Phụ lục I, Phụ lục III: số, ký hiệu (nd30-format §3.2)",
    N_("Số, ký hiệu dạng 'Số: 22/KH-SGTVT', mã loại khớp tên loại"),
)
def number_form(a: Anatomy):
    _need_header(a)
    if _is_cong_van(a):
        raise NotEvaluated(_("công văn: xem NUM-02"))
    if a.number is None:
        yield _("không có dòng 'Số: …' ở ô trái bảng tiêu đề"), _("bảng tiêu đề, ô trái")
        return
    m = NUM_RE.match(a.number.text)
    if not m:
        yield (
            _("'{text}' sai dạng (cần 'Số: 22/KH-SGTVT': số dưới 10 thêm 0, không cách quanh '-')", text=a.number.text),
            a.number.where,
        )
        return
    if a.title is not None:
        name = DOC_TYPES.get(m.group(2), "").upper()
        if name and a.title.text != name:
            yield (
                _("mã loại {v} ({name}) không khớp tên loại '{text}'", v=m.group(2), name=name, text=a.title.text),
                a.number.where,
            )


@rule(
    "NUM-02",
    "error",
    "NĐ30 Phụ lục I: số, ký hiệu công văn (nd30-format §3.2)",
    N_("Công văn: 'Số: 123/SGTVT-VP', không có tên loại, có dòng 'V/v'"),
)
def number_cong_van(a: Anatomy):
    if not _is_cong_van(a):
        raise NotEvaluated(_("không phải công văn"))
    if a.number is None or not CV_RE.match(a.number.text):
        yield _("số, ký hiệu công văn sai dạng (cần 'Số: 123/SGTVT-VP')"), a.number.where if a.number else None
    elif a.number.text.split("/", 1)[1].split("-")[0] in DOC_TYPES:
        yield _("công văn không dùng mã loại văn bản trong ký hiệu"), a.number.where


@rule(
    "NUM-03",
    "error",
    "NĐ30 Phụ lục I: số, ký hiệu cỡ 13, đứng (nd30-format §3)",
    N_("'Số: …' cỡ 13, không đậm, không nghiêng"),
)
def number_style(a: Anatomy):
    if a.number is None:
        raise NotEvaluated(_("không có dòng 'Số'"))
    n = a.number
    if n.run.size != 13 or n.run.bold or n.run.italic:
        yield _("'Số' {v}; cần cỡ 13, không đậm, đứng", v=_fmt(n)), n.where
    if re.search(r" -|- ", n.text.split("/", 1)[-1]):
        yield _("ký hiệu có khoảng trắng quanh '-'"), n.where


@rule(
    "DATE-01",
    "error",
    "NĐ30 Phụ lục I: ngày tháng (nd30-format §3.3)",
    N_("'<Địa danh>, ngày 03 tháng 4 năm 2024': ngày < 10 và tháng 1, 2 thêm 0"),
)
def date_form(a: Anatomy):
    _need_header(a)
    if a.date is None:
        yield _("không có dòng địa danh, ngày tháng ở ô phải bảng tiêu đề"), _("bảng tiêu đề, ô phải")
        return
    if not (DATE_RE.match(a.date.text) or BLANK_DATE_RE.match(a.date.text)):
        yield (
            _("'{text}' sai dạng (ngày dưới 10 và tháng 1, 2 thêm số 0; tháng 3–12 không thêm)", text=a.date.text),
            a.date.where,
        )


@rule(
    "DATE-02",
    "error",
    "NĐ30 Phụ lục I: ngày tháng in nghiêng (nd30-format §3)",
    N_("Dòng ngày tháng nghiêng, cỡ 13–14, cùng hàng với 'Số'"),
)
def date_style(a: Anatomy):
    if a.date is None:
        raise NotEvaluated(_("không có dòng ngày tháng"))
    if not (a.date.run.italic and _size_in(a.date, 13, 14)):
        yield _("dòng ngày tháng {v}; cần nghiêng, cỡ 13–14", v=_fmt(a.date)), a.date.where
    if a.number_row is not None and a.date_row is not None and a.number_row != a.date_row:
        yield _("dòng ngày tháng không cùng hàng với dòng 'Số'"), a.date.where


@rule(
    "DATE-03", "error", "NĐ30 Phụ lục I: địa danh (nd30-format §3.3)", N_("Địa danh viết đủ, không viết tắt (TP., T.)")
)
def date_place(a: Anatomy):
    if a.date is None:
        raise NotEvaluated(_("không có dòng ngày tháng"))
    place = a.date.text.split(",", 1)[0]
    if re.search(r"\b(TP|Tp|T|Q|H)\.", place):
        yield _("địa danh '{place}' viết tắt", place=place), a.date.where


@rule(
    "TITLE-01",
    "error",
    "NĐ30 Phụ lục I, Phụ lục III: tên loại (nd30-format §3)",
    N_("Tên loại in hoa, đậm, cỡ 13–14, giữa trang, thuộc Phụ lục III"),
)
def title_type(a: Anatomy):
    if a.title is None:
        if _is_cong_van(a):
            raise NotEvaluated(_("công văn không có tên loại"))
        yield _("không tìm thấy tên loại văn bản (KẾ HOẠCH, BÁO CÁO …) dưới bảng tiêu đề"), None
        return
    t = a.title
    names = {n.upper() for n in DOC_TYPES.values()} | {"CÔNG ĐIỆN", "QUYẾT ĐỊNH", "NGHỊ QUYẾT"}
    if t.text not in names:
        yield _("tên loại '{text}' không thuộc Phụ lục III", text=t.text), t.where
    if not (t.run.bold and _size_in(t, 13, 14) and t.para.alignment == "center"):
        yield (
            _("tên loại {v}, căn '{alignment}'; cần đậm, cỡ 13–14, giữa", v=_fmt(t), alignment=t.para.alignment),
            t.where,
        )


@rule(
    "TITLE-02",
    "error",
    "NĐ30 Phụ lục I: trích yếu (nd30-format §3)",
    N_("Trích yếu đậm, đứng, cỡ 13–14, giữa, có đường kẻ 1/3–1/2 dòng chữ"),
)
def title_summary(a: Anatomy):
    if a.title is None:
        raise NotEvaluated(_("không có tên loại"))
    if not a.summary:
        yield _("không có trích yếu dưới tên loại"), a.title.where
        return
    for s in a.summary:
        if not (s.run.bold and not s.run.italic and _size_in(s, 13, 14) and s.para.alignment == "center"):
            yield (
                _(
                    "trích yếu {v}, căn '{alignment}'; cần đậm, đứng, cỡ 13–14, giữa",
                    v=_fmt(s),
                    alignment=s.para.alignment,
                ),
                s.where,
            )
    if a.summary_rule is None:
        yield _("không có đường kẻ dưới trích yếu"), a.summary[-1].where
        return
    avail = container_width_mm(a.doc, a.doc)
    length = avail - a.summary_rule.para.left_mm - a.summary_rule.para.right_mm
    width = min(max(text_width_mm(s.text, s.run.size or 14, True) for s in a.summary), avail)
    if not width / 3 - 1 <= length <= width / 2 + 1:
        yield (
            _(
                "đường kẻ dài {length:.0f} mm; trích yếu rộng {width:.0f} mm (cần {v:.0f}–{v2:.0f} mm)",
                length=length,
                width=width,
                v=width / 3,
                v2=width / 2,
            ),
            a.summary_rule.where,
        )


@rule(
    "CV-01",
    "error",
    "NĐ30 Phụ lục I: trích yếu công văn (nd30-format §3)",
    N_("Công văn: dòng 'V/v …' cỡ 12–13, không đậm, giữa ô trái"),
)
def cong_van_summary(a: Anatomy):
    vv = [ln for ln in a.header_left if ln.text.startswith("V/v")]
    if not vv:
        raise NotEvaluated(_("không phải công văn"))
    for line in vv:
        if line.run.bold or not _size_in(line, 12, 13) or line.para.alignment != "center":
            yield _("dòng V/v {v}; cần cỡ 12–13, không đậm, giữa", v=_fmt(line)), line.where


@rule(
    "KG-01",
    "error",
    "NĐ30 Phụ lục I: Kính gửi (nd30-format §3.8)",
    N_("'Kính gửi:' cỡ 13–14, đứng; nhiều nơi: '- …;' và dòng cuối '.'"),
)
def kinh_gui(a: Anatomy):
    idx = next((i for i, ln in enumerate(a.body) if ln.text.startswith("Kính gửi")), None)
    if idx is None:
        raise NotEvaluated(_("không có 'Kính gửi'"))
    head = a.body[idx]
    if head.run.italic or not _size_in(head, 13, 14):
        yield _("'Kính gửi' {v}; cần đứng, cỡ 13–14", v=_fmt(head)), head.where
    items = []
    for ln in a.body[idx + 1 :]:
        if not ln.text.startswith("- "):
            break
        items.append(ln)
    for i, ln in enumerate(items):
        end = "." if i == len(items) - 1 else ";"
        if not ln.text.endswith(end):
            yield _("dòng nơi gửi cần kết thúc bằng '{end}'", end=end), ln.where


@rule(
    "CANCU-01",
    "error",
    "NĐ30 Phụ lục I: căn cứ ban hành (nd30-format §3.5)",
    N_("Căn cứ in nghiêng, cỡ 13–14; mỗi dòng kết thúc ';', dòng cuối '.'"),
)
def can_cu(a: Anatomy):
    if not a.basis:
        raise NotEvaluated(_("không có căn cứ"))
    for i, line in enumerate(a.basis):
        if not (line.run.italic and _size_in(line, 13, 14)):
            yield _("căn cứ {v}; cần nghiêng, cỡ 13–14", v=_fmt(line)), line.where
        end = "." if i == len(a.basis) - 1 else ";"
        if not line.text.endswith(end):
            which = _("dòng căn cứ cuối") if end == "." else _("dòng căn cứ")
            yield _("{which} cần kết thúc bằng '{end}'", which=which, end=end), line.where


# -- structure -------------------------------------------------------------------------------------


@rule(
    "STRUCT-01",
    "warning",
    "Phụ lục I (thông lệ Kế hoạch/Báo cáo; nd30-format §3.5 [U])",
    N_("Mục lớn 'I. TÊN MỤC' in hoa, đậm, số La Mã liên tục"),
)
def roman_headings(a: Anatomy):
    from generator.nd30.numbering import roman

    heads = [ln for ln in a.body if re.match(r"^[IVXLC]+\. ", ln.text)]
    if not heads:
        raise NotEvaluated(_("không có mục đánh số La Mã"))
    for i, ln in enumerate(heads, start=1):
        number, _dot, title = ln.text.partition(". ")
        if number != roman(i):
            yield _("mục '{number}.' không liền số (cần {v}.)", number=number, v=roman(i)), ln.where
        if title != title.upper() or not ln.run.bold:
            yield _("tên mục lớn cần in hoa, đậm"), ln.where


@rule("STRUCT-02", "warning", "Phụ lục I (thông lệ; nd30-format §3.5 [U])", N_("Mục '1.', điểm 'a)' đánh số liên tục"))
def numbered_items(a: Anatomy):
    from generator.nd30.numbering import point_letter

    expect_num, expect_letter = 1, 1
    for ln in a.body:
        if re.match(r"^[IVXLC]+\. ", ln.text):
            expect_num, expect_letter = 1, 1
            continue
        m = re.match(r"^(\d+)\. ", ln.text)
        if m:
            if int(m.group(1)) != expect_num:
                yield _("khoản '{v}.' không liền số (cần {expect_num}.)", v=m.group(1), expect_num=expect_num), ln.where
            expect_num = int(m.group(1)) + 1
            expect_letter = 1
            continue
        m = re.match(r"^([a-zđ])\) ", ln.text)
        if m:
            if m.group(1) != point_letter(expect_letter):
                yield _("điểm '{v})' không liền (cần {v2}))", v=m.group(1), v2=point_letter(expect_letter)), ln.where
            expect_letter += 1


@rule("END-01", "warning", "Mẫu 1.4 Phụ lục III (thông lệ [K]; nd30-format §3.5)", N_("Nội dung kết thúc bằng './.'"))
def end_mark(a: Anatomy):
    if not a.body:
        raise NotEvaluated(_("không có phần nội dung"))
    if not a.body[-1].text.endswith("./."):
        yield _("đoạn cuối của nội dung không kết thúc bằng './.'"), a.body[-1].where


# -- signature and recipients ----------------------------------------------------------------------


def _need_signature(a: Anatomy) -> None:
    if a.signature_table is None or not a.authority:
        raise NotEvaluated(_("không tìm thấy bảng chữ ký (Nơi nhận | chức vụ)"))


@rule(
    "SIG-01",
    "error",
    "NĐ30 Điều 13, Phụ lục I: thẩm quyền ký (nd30-format §3.6)",
    N_("TM./KT./TL./TUQ./Q. viết hoa có dấu chấm; không 'K/T'; in hoa, đậm, 13–14"),
)
def signature_prefix(a: Anatomy):
    _need_signature(a)
    caps = [ln for ln in a.authority if ln.all_caps]
    for ln in caps:
        if BAD_PREFIX.match(ln.text):
            yield _("'{text}': viết tắt thẩm quyền sai (dùng TM./KT./TL./TUQ./Q.)", text=ln.text), ln.where
        if not (ln.run.bold and _size_in(ln, 13, 14)):
            yield _("chức vụ người ký {v}; cần in hoa, đậm, cỡ 13–14", v=_fmt(ln)), ln.where


@rule("SIG-02", "error", "NĐ30 Phụ lục I: ký thay (nd30-format §3.6)", N_("Sau 'KT. …' là chức vụ cấp phó ('PHÓ …')"))
def signature_deputy(a: Anatomy):
    _need_signature(a)
    texts = [ln.text for ln in a.authority]
    kt = [i for i, t in enumerate(texts) if t.startswith("KT. ")]
    if not kt:
        raise NotEvaluated(_("không ký thay"))
    for i in kt:
        if i + 1 >= len(texts) or not texts[i + 1].startswith("PHÓ "):
            yield _("sau 'KT. …' cần chức vụ cấp phó ('PHÓ …')"), a.authority[i].where


@rule(
    "SIG-03",
    "error",
    "NĐ30 Phụ lục I: họ tên người ký (nd30-format §3.6)",
    N_("Họ tên người ký đậm, 13–14, không in hoa toàn bộ, không học hàm/học vị"),
)
def signature_name(a: Anatomy):
    _need_signature(a)
    names = [ln for ln in a.authority if not ln.all_caps]
    if not names:
        raise NotEvaluated(_("chưa có họ tên người ký"))
    name = names[-1]
    if not (name.run.bold and _size_in(name, 13, 14)):
        yield _("họ tên {v}; cần đậm, cỡ 13–14", v=_fmt(name)), name.where
    if DEGREES.match(name.text):
        yield _("họ tên có học hàm/học vị '{v}'", v=name.text.split()[0]), name.where


@rule(
    "NN-01",
    "error",
    "NĐ30 Phụ lục I: Nơi nhận (nd30-format §3.8)",
    N_("'Nơi nhận:' cỡ 12, đậm, nghiêng, căn trái, đầu ô trái bảng chữ ký"),
)
def noi_nhan_head(a: Anatomy):
    if a.signature_table is None:
        yield _("không có 'Nơi nhận:' ở ô trái bảng chữ ký"), None
        return
    head = a.recipients[0]
    if head.text != "Nơi nhận:":
        yield _("dòng đầu ô trái là '{text}', cần 'Nơi nhận:'", text=head.text), head.where
    if not (head.run.bold and head.run.italic and head.run.size == 12):
        yield _("'Nơi nhận:' {v}; cần cỡ 12, đậm, nghiêng", v=_fmt(head)), head.where
    if head.para.alignment not in (None, "left", "start", "both"):
        yield _("'Nơi nhận:' căn '{alignment}', cần căn trái", alignment=head.para.alignment), head.where


def _recipient_lines(a: Anatomy) -> list[Line]:
    if a.signature_table is None:
        raise NotEvaluated(_("không có Nơi nhận"))
    lines = a.recipients[1:]
    luu = next((i for i, ln in enumerate(lines) if "Lưu" in ln.text), None)
    return lines[: luu + 1] if luu is not None else lines


@rule("NN-02", "error", "NĐ30 Phụ lục I: Nơi nhận (nd30-format §3.8)", N_("Mỗi nơi nhận '- …;' cỡ 11, không đậm"))
def noi_nhan_lines(a: Anatomy):
    lines = _recipient_lines(a)
    for i, ln in enumerate(lines):
        if not ln.text.startswith("- "):
            yield _("'{v}' cần bắt đầu bằng '- '", v=ln.text[:40]), ln.where
        if ln.run.size != 11 or ln.run.bold:
            yield _("nơi nhận {v}; cần cỡ 11, không đậm", v=_fmt(ln)), ln.where
        if i < len(lines) - 1 and not ln.text.endswith(";"):
            yield _("'{v}' cần kết thúc bằng ';'", v=ln.text[:40]), ln.where


@rule(
    "NN-03",
    "error",
    "NĐ30 Phụ lục I: Nơi nhận, lưu (nd30-format §3.8)",
    N_("Dòng cuối '- Lưu: VT, <đơn vị soạn thảo>.'"),
)
def noi_nhan_luu(a: Anatomy):
    lines = _recipient_lines(a)
    if not lines:
        yield _("Nơi nhận trống"), a.recipients[0].where if a.recipients else None
        return
    last = lines[-1]
    if not LUU_RE.match(last.text):
        yield _("dòng cuối '{v}' cần dạng '- Lưu: VT, VP.'", v=last.text[:40]), last.where


# -- capitalisation --------------------------------------------------------------------------------


@rule(
    "CAP-01",
    "warning",
    "NĐ30 Phụ lục II: viết hoa (nd30-format §6)",
    N_("Trong câu không viết tên cơ quan in hoa toàn bộ"),
)
def caps_in_body(a: Anatomy):
    names = [ln.text for ln in a.agency + a.parent]
    if not names:
        raise NotEvaluated(_("không có tên cơ quan để đối chiếu"))
    for ln in a.body:
        if re.match(r"^[IVXLC]+\. ", ln.text):
            continue
        for name in names:
            if len(name) > 6 and name in ln.text:
                yield _("'{name}' in hoa trong câu", name=name), ln.where


@rule(
    "CAP-02",
    "warning",
    "NĐ30 Phụ lục II: viết hoa khi viện dẫn (nd30-format §6)",
    N_("Viện dẫn: 'Điều/Chương/Mục/Phần' hoa, 'khoản/điểm' thường"),
)
def caps_citations(a: Anatomy):
    for ln in a.body:
        for m in re.finditer(r"\b(điều|chương|phần) (\d+|[IVXLC]+)\b", ln.text):
            before = ln.text[: m.start()].rstrip()
            if before.endswith(("khoản", "điểm")) or re.search(r"(khoản \d+|điểm [a-zđ])$", before):
                yield _("'{v}' cần viết hoa khi viện dẫn", v=m.group(0)), ln.where
        for m in re.finditer(r"\b(Khoản|Điểm) (\d+|[a-zđ])\b (?:khoản|Điều)", ln.text):
            yield _("'{v}' cần viết thường khi viện dẫn", v=m.group(1)), ln.where
