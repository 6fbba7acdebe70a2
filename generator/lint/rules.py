"""The ND30 rules a .docx is checked against (nd30-format.md §7), each with its id and source."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from ..docxfmt import container_width_mm, text_width_mm
from ..numbering import DOC_TYPES
from .anatomy import Anatomy, Line

Severity = Literal["error", "warning"]
MM_TOL = 0.5
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
TYPE_CODES = "|".join(DOC_TYPES)
NUM_RE = re.compile(rf"^Số: ?(0[1-9]|[1-9]\d+)?\s*/({TYPE_CODES})-[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*$")
CV_RE = re.compile(r"^Số: ?(0[1-9]|[1-9]\d+)?\s*/[A-ZĐ0-9]+(-[A-ZĐ0-9]+)+$")
DATE_RE = re.compile(r"^(?P<place>[^,]+), ngày (0[1-9]|[12]\d|3[01]) tháng (01|02|[3-9]|1[0-2]) năm \d{4}$")
BLANK_DATE_RE = re.compile(r"^(?P<place>[^,]+), ngày\s+tháng\s+(\S+\s+)?năm \d{4}$")
PREFIXES = ("TM. ", "KT. ", "TL. ", "TUQ. ", "Q. ")
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
        RULES.append(Rule(rule_id, severity, source, summary, fn))
        return fn

    return register


def _size_in(line: Line, lo: float, hi: float) -> bool:
    return line.run.size is not None and lo <= line.run.size <= hi


def _fmt(line: Line) -> str:
    size = f"{line.run.size:g}" if line.run.size else "?"
    return f"cỡ {size}, {'đậm' if line.run.bold else 'không đậm'}, {'nghiêng' if line.run.italic else 'đứng'}"


# -- page ------------------------------------------------------------------------------------------


@rule("PAGE-01", "error", "NĐ30 Phụ lục I: khổ giấy A4 (nd30-format §1)", "Khổ A4 (210 × 297 mm), trang đứng")
def page_size(a: Anatomy):
    for i, sec in enumerate(a.doc.sections, start=1):
        if sec.page_width is None or sec.page_height is None:
            raise NotEvaluated("tệp không ghi khổ giấy")
        w, h = sec.page_width.mm, sec.page_height.mm
        portrait = abs(w - 210) <= MM_TOL and abs(h - 297) <= MM_TOL
        landscape = abs(w - 297) <= MM_TOL and abs(h - 210) <= MM_TOL
        # Landscape is allowed for a section that holds a wide table (nd30-format §1).
        data_tables = len(a.doc.tables) - (a.header_table is not None) - (a.signature_table is not None)
        if not portrait and not (landscape and data_tables > 0):
            yield f"khổ giấy {w:.1f} × {h:.1f} mm, cần A4 đứng 210 × 297 mm", f"mục {i}"


def _margin_rule(a: Anatomy, names: tuple[str, str], ranges: tuple[tuple[float, float], ...]):
    for i, sec in enumerate(a.doc.sections, start=1):
        for name, (lo, hi) in zip(names, ranges, strict=True):
            value = getattr(sec, f"{name}_margin")
            if value is None:
                raise NotEvaluated("tệp không ghi lề trang")
            mm = value.mm
            if not lo - MM_TOL <= mm <= hi + MM_TOL:
                label = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}[name]
                yield f"lề {label} {mm:.1f} mm, cần {lo:g}–{hi:g} mm", f"mục {i}"


@rule("PAGE-02", "error", "NĐ30 Phụ lục I: lề trang (nd30-format §1)", "Lề trên, dưới 20–25 mm")
def margins_tb(a: Anatomy):
    yield from _margin_rule(a, ("top", "bottom"), ((20, 25), (20, 25)))


@rule("PAGE-03", "error", "NĐ30 Phụ lục I: lề trang (nd30-format §1)", "Lề trái 30–35 mm, lề phải 15–20 mm")
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


@rule("PAGE-04", "error", "NĐ30 Phụ lục I: số trang (nd30-format §1)", "Số trang ở giữa phần đầu trang, cỡ 13–14, đứng")
def page_number(a: Anatomy):
    pages, estimated = _estimated_pages(a)
    if pages < 2:
        raise NotEvaluated("văn bản một trang" + (" (ước tính)" if estimated else ""))
    sec = a.doc.sections[0]
    header = sec.header
    if header.is_linked_to_previous and not _has_page_field(header._element.xml if header._element is not None else ""):
        yield "không có số trang ở phần đầu trang (header)", "phần đầu trang"
        return
    paragraphs = [p for p in header.paragraphs if _has_page_field(p._p.xml)]
    if not paragraphs:
        yield "không có trường số trang (PAGE) ở phần đầu trang", "phần đầu trang"
        return
    p = paragraphs[0]
    fmt = a.styles.paragraph_format(p)
    run = a.styles.run_format(p, p.runs[0] if p.runs else None)
    if fmt.alignment != "center":
        yield f"số trang không căn giữa ({fmt.alignment})", "phần đầu trang"
    if run.size is not None and not 13 <= run.size <= 14:
        yield f"số trang cỡ {run.size:g}, cần 13–14", "phần đầu trang"
    if run.italic:
        yield "số trang in nghiêng, cần chữ đứng", "phần đầu trang"


@rule("PAGE-05", "error", "NĐ30 Phụ lục I: không đánh số trang thứ nhất (nd30-format §1)", "Trang 1 không có số trang")
def no_number_on_first_page(a: Anatomy):
    sec = a.doc.sections[0]
    if not sec.different_first_page_header_footer:
        if _has_page_field(sec.header._element.xml if not sec.header.is_linked_to_previous else ""):
            yield "số trang hiện cả ở trang 1 (chưa bật 'trang đầu khác')", "phần đầu trang"
        return
    first = sec.first_page_header
    if first.is_linked_to_previous:
        return
    xml = first._element.xml
    if _has_page_field(xml) or any(ch.isdigit() for p in first.paragraphs for ch in p.text):
        yield "phần đầu trang của trang 1 có số trang", "phần đầu trang 1"


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
    "Mọi chữ là Times New Roman, màu đen",
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
                yield f"chữ màu {fmt.color}: '{text[:30]}'", line.where
    for fonts, places in bad_font.items():
        more = f" và {len(places) - 1} chỗ khác" if len(places) > 1 else ""
        yield f"phông {fonts} (cần Times New Roman)", places[0] + more


@rule(
    "FONT-02",
    "error",
    "NĐ30 Phụ lục I: bộ mã Unicode TCVN 6909:2001 (nd30-format §2)",
    "Văn bản Unicode dạng NFC, không phông .Vn/VNI",
)
def unicode_nfc(a: Anatomy):
    for line in _all_lines(a):
        if line.text != unicodedata.normalize("NFC", line.text):
            yield "chữ không ở dạng Unicode NFC (dấu tổ hợp)", line.where
        for _text, fmt in line.runs:
            for f in fmt.fonts:
                if f and (f.startswith(".Vn") or f.upper().startswith("VNI")):
                    yield f"phông TCVN3/VNI '{f}'", line.where
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
        raise NotEvaluated("không tìm thấy phần nội dung")
    return lines


@rule(
    "BODY-01",
    "error",
    "NĐ30 Phụ lục I: nội dung cỡ chữ 13–14 (nd30-format §2)",
    "Cỡ chữ nội dung 13 hoặc 14, một cỡ trong toàn văn bản",
)
def body_size(a: Anatomy):
    sizes: dict[float, int] = {}
    for line in _body(a):
        for text, fmt in line.runs:
            if text.strip() and fmt.size is not None:
                if fmt.size not in (13, 14):
                    yield f"cỡ chữ {fmt.size:g}, cần 13 hoặc 14", line.where
                    break
                sizes[fmt.size] = sizes.get(fmt.size, 0) + 1
    if len(sizes) > 1:
        yield Finding("BODY-01", "warning", f"nội dung dùng nhiều cỡ chữ: {', '.join(f'{s:g}' for s in sizes)}", None)


@rule("BODY-02", "error", "NĐ30 Phụ lục I: nội dung căn đều hai lề (nd30-format §2)", "Nội dung căn đều hai lề")
def body_alignment(a: Anatomy):
    for line in _body(a):
        if line.para.alignment not in ("both", "distribute"):
            yield f"căn lề '{line.para.alignment or 'left'}', cần căn đều", line.where


@rule("BODY-03", "error", "NĐ30 Phụ lục I: lùi đầu dòng 1–1,27 cm (nd30-format §2)", "Lùi đầu dòng 1–1,27 cm")
def body_indent(a: Anatomy):
    for line in _body(a):
        first = line.para.first_line_mm or 0.0
        if not 10 - MM_TOL <= first <= 12.7 + MM_TOL:
            yield f"lùi đầu dòng {first / 10:.2f} cm, cần 1–1,27 cm", line.where


@rule("BODY-04", "error", "NĐ30 Phụ lục I: khoảng cách đoạn tối thiểu 6 pt (nd30-format §2)", "Cách đoạn ≥ 6 pt")
def body_spacing(a: Anatomy):
    for line in _body(a):
        if max(line.para.space_before_pt or 0, line.para.space_after_pt or 0) < 6:
            yield "khoảng cách giữa các đoạn dưới 6 pt", line.where


@rule(
    "BODY-05", "error", "NĐ30 Phụ lục I: giãn dòng đơn đến 1,5 dòng (nd30-format §2)", "Giãn dòng từ đơn đến 1,5 dòng"
)
def body_line_spacing(a: Anatomy):
    for line in _body(a):
        rule_, value = line.para.line_rule, line.para.line_value
        if rule_ in (None, "auto"):
            if value is not None and not 1.0 - 0.01 <= value <= 1.5 + 0.01:
                yield f"giãn dòng {value:.2f} lần, cần 1–1,5", line.where
        else:
            yield Finding("BODY-05", "warning", f"giãn dòng kiểu '{rule_}' {value:g} pt: cần xem lại", line.where)


# -- header ----------------------------------------------------------------------------------------


def _need_header(a: Anatomy) -> None:
    if a.header_table is None:
        raise NotEvaluated("không có bảng tiêu đề ở đầu văn bản")


def _rule_length(a: Anatomy, rule_line: Line, cell_index: int) -> float:
    cell = a.header_table.rows[0].cells[cell_index] if a.header_table is not None else a.doc
    return container_width_mm(a.doc, cell) - rule_line.para.left_mm - rule_line.para.right_mm


def _has_shape(cell_xml: str) -> bool:
    return "<w:drawing" in cell_xml or "<w:pict" in cell_xml or "v:line" in cell_xml


@rule(
    "HDR-01",
    "error",
    "NĐ30 Phụ lục I: Quốc hiệu (nd30-format §3)",
    "Bảng tiêu đề hai cột; Quốc hiệu đúng chữ, in hoa, đậm, cỡ 12–13",
)
def quoc_hieu(a: Anatomy):
    if a.header_table is None:
        yield "không có bảng tiêu đề hai cột ở đầu văn bản", "đầu văn bản"
        return
    if len(a.header_table.columns) != 2:
        yield f"bảng tiêu đề có {len(a.header_table.columns)} cột, cần 2", "bảng tiêu đề"
    right = [ln for ln in a.header_right if ln.text]
    if not right:
        yield "ô phải của bảng tiêu đề trống", "bảng tiêu đề"
        return
    qh = right[0]
    if qh.text != QUOC_HIEU:
        yield f"Quốc hiệu là '{qh.text}', cần '{QUOC_HIEU}'", qh.where
    if not (qh.run.bold and not qh.run.italic and _size_in(qh, 12, 13)):
        yield f"Quốc hiệu {_fmt(qh)}; cần cỡ 12–13, đậm, đứng", qh.where


@rule(
    "HDR-02",
    "error",
    "NĐ30 Phụ lục I: Tiêu ngữ (nd30-format §3)",
    "Tiêu ngữ đúng chữ, đậm, cỡ 13–14, có đường kẻ dài bằng dòng chữ",
)
def tieu_ngu(a: Anatomy):
    _need_header(a)
    right = [ln for ln in a.header_right if ln.text]
    if len(right) < 2:
        yield "thiếu dòng Tiêu ngữ", "bảng tiêu đề, ô phải"
        return
    qh, tn = right[0], right[1]
    if tn.text != TIEU_NGU:
        yield f"Tiêu ngữ là '{tn.text}', cần '{TIEU_NGU}' (gạch nối có cách hai bên)", tn.where
    if not (tn.run.bold and not tn.run.italic and _size_in(tn, 13, 14)):
        yield f"Tiêu ngữ {_fmt(tn)}; cần cỡ 13–14, đậm, đứng", tn.where
    if qh.run.size and tn.run.size and tn.run.size != qh.run.size + 1:
        yield Finding(
            "HDR-02",
            "warning",
            f"Tiêu ngữ cỡ {tn.run.size:g}, thường lớn hơn Quốc hiệu ({qh.run.size:g}) một cỡ",
            tn.where,
        )
    if not a.rules_right:
        if _has_shape(a.header_table.rows[0].cells[-1]._tc.xml):
            yield Finding("HDR-02", "not-evaluated", "đường kẻ dưới Tiêu ngữ vẽ bằng hình, không đo được", tn.where)
        else:
            yield "không có đường kẻ dưới Tiêu ngữ", tn.where
        return
    length = _rule_length(a, a.rules_right[0], -1)
    width = text_width_mm(tn.text, tn.run.size or 13, tn.run.bold)
    if abs(length - width) > 0.15 * width:
        yield f"đường kẻ dài {length:.0f} mm, dòng Tiêu ngữ {width:.0f} mm (cần ±15%)", a.rules_right[0].where


@rule(
    "HDR-03",
    "error",
    "NĐ30 Phụ lục I: tên cơ quan, cơ quan chủ quản (nd30-format §3)",
    "Tên cơ quan in hoa đậm 12–13; cơ quan chủ quản in hoa không đậm",
)
def agency_name(a: Anatomy):
    _need_header(a)
    if not a.agency:
        yield "không tìm thấy tên cơ quan ban hành (dòng in hoa, đậm) ở ô trái", "bảng tiêu đề, ô trái"
    for line in a.agency:
        if not line.all_caps:
            yield f"tên cơ quan '{line.text}' chưa in hoa", line.where
        if not _size_in(line, 12, 13):
            yield f"tên cơ quan {_fmt(line)}; cần cỡ 12–13, đậm", line.where
    for line in a.parent:
        if not line.all_caps:
            yield f"cơ quan chủ quản '{line.text}' chưa in hoa", line.where
        if line.run.bold or not _size_in(line, 12, 13):
            yield f"cơ quan chủ quản {_fmt(line)}; cần cỡ 12–13, không đậm", line.where


@rule(
    "HDR-04",
    "error",
    "NĐ30 Phụ lục I: đường kẻ dưới tên cơ quan (nd30-format §3)",
    "Đường kẻ dưới tên cơ quan dài 1/3–1/2 dòng chữ, ở giữa",
)
def agency_rule(a: Anatomy):
    _need_header(a)
    if not a.agency:
        raise NotEvaluated("không có tên cơ quan")
    if not a.rules_left:
        if _has_shape(a.header_table.rows[0].cells[0]._tc.xml):
            raise NotEvaluated("đường kẻ vẽ bằng hình, không đo được")
        yield "không có đường kẻ dưới tên cơ quan", a.agency[-1].where
        return
    rule_line = a.rules_left[0]
    length = _rule_length(a, rule_line, 0)
    width = max(text_width_mm(ln.text, ln.run.size or 13, True) for ln in a.agency)
    if not width / 3 - 1 <= length <= width / 2 + 1:
        yield (
            f"đường kẻ dài {length:.0f} mm; tên cơ quan rộng {width:.0f} mm (cần {width / 3:.0f}–{width / 2:.0f} mm)",
            rule_line.where,
        )
    if abs(rule_line.para.left_mm - rule_line.para.right_mm) > 1 and rule_line.para.alignment not in ("center",):
        yield "đường kẻ không ở giữa", rule_line.where


# -- number, date, title ---------------------------------------------------------------------------


def _is_cong_van(a: Anatomy) -> bool:
    return a.title is None and any(ln.text.startswith("V/v") for ln in a.header_left)


@rule(
    "NUM-01",
    "error",
    "NĐ30 Phụ lục I, Phụ lục III: số, ký hiệu (nd30-format §3.2)",
    "Số, ký hiệu dạng 'Số: 22/KH-SGTVT', mã loại khớp tên loại",
)
def number_form(a: Anatomy):
    _need_header(a)
    if _is_cong_van(a):
        raise NotEvaluated("công văn: xem NUM-02")
    if a.number is None:
        yield "không có dòng 'Số: …' ở ô trái bảng tiêu đề", "bảng tiêu đề, ô trái"
        return
    m = NUM_RE.match(a.number.text)
    if not m:
        yield (
            f"'{a.number.text}' sai dạng (cần 'Số: 22/KH-SGTVT': số dưới 10 thêm 0, không cách quanh '-')",
            a.number.where,
        )
        return
    if a.title is not None:
        name = DOC_TYPES.get(m.group(2), "").upper()
        if name and a.title.text != name:
            yield f"mã loại {m.group(2)} ({name}) không khớp tên loại '{a.title.text}'", a.number.where


@rule(
    "NUM-02",
    "error",
    "NĐ30 Phụ lục I: số, ký hiệu công văn (nd30-format §3.2)",
    "Công văn: 'Số: 123/SGTVT-VP', không có tên loại, có dòng 'V/v'",
)
def number_cong_van(a: Anatomy):
    if not _is_cong_van(a):
        raise NotEvaluated("không phải công văn")
    if a.number is None or not CV_RE.match(a.number.text):
        yield "số, ký hiệu công văn sai dạng (cần 'Số: 123/SGTVT-VP')", a.number.where if a.number else None
    elif a.number.text.split("/", 1)[1].split("-")[0] in DOC_TYPES:
        yield "công văn không dùng mã loại văn bản trong ký hiệu", a.number.where


@rule(
    "NUM-03",
    "error",
    "NĐ30 Phụ lục I: số, ký hiệu cỡ 13, đứng (nd30-format §3)",
    "'Số: …' cỡ 13, không đậm, không nghiêng",
)
def number_style(a: Anatomy):
    if a.number is None:
        raise NotEvaluated("không có dòng 'Số'")
    n = a.number
    if n.run.size != 13 or n.run.bold or n.run.italic:
        yield f"'Số' {_fmt(n)}; cần cỡ 13, không đậm, đứng", n.where
    if re.search(r" -|- ", n.text.split("/", 1)[-1]):
        yield "ký hiệu có khoảng trắng quanh '-'", n.where


@rule(
    "DATE-01",
    "error",
    "NĐ30 Phụ lục I: ngày tháng (nd30-format §3.3)",
    "'<Địa danh>, ngày 03 tháng 4 năm 2024': ngày < 10 và tháng 1, 2 thêm 0",
)
def date_form(a: Anatomy):
    _need_header(a)
    if a.date is None:
        yield "không có dòng địa danh, ngày tháng ở ô phải bảng tiêu đề", "bảng tiêu đề, ô phải"
        return
    if not (DATE_RE.match(a.date.text) or BLANK_DATE_RE.match(a.date.text)):
        yield f"'{a.date.text}' sai dạng (ngày dưới 10 và tháng 1, 2 thêm số 0; tháng 3–12 không thêm)", a.date.where


@rule(
    "DATE-02",
    "error",
    "NĐ30 Phụ lục I: ngày tháng in nghiêng (nd30-format §3)",
    "Dòng ngày tháng nghiêng, cỡ 13–14, cùng hàng với 'Số'",
)
def date_style(a: Anatomy):
    if a.date is None:
        raise NotEvaluated("không có dòng ngày tháng")
    if not (a.date.run.italic and _size_in(a.date, 13, 14)):
        yield f"dòng ngày tháng {_fmt(a.date)}; cần nghiêng, cỡ 13–14", a.date.where
    if a.number_row is not None and a.date_row is not None and a.number_row != a.date_row:
        yield "dòng ngày tháng không cùng hàng với dòng 'Số'", a.date.where


@rule("DATE-03", "error", "NĐ30 Phụ lục I: địa danh (nd30-format §3.3)", "Địa danh viết đủ, không viết tắt (TP., T.)")
def date_place(a: Anatomy):
    if a.date is None:
        raise NotEvaluated("không có dòng ngày tháng")
    place = a.date.text.split(",", 1)[0]
    if re.search(r"\b(TP|Tp|T|Q|H)\.", place):
        yield f"địa danh '{place}' viết tắt", a.date.where


@rule(
    "TITLE-01",
    "error",
    "NĐ30 Phụ lục I, Phụ lục III: tên loại (nd30-format §3)",
    "Tên loại in hoa, đậm, cỡ 13–14, giữa trang, thuộc Phụ lục III",
)
def title_type(a: Anatomy):
    if a.title is None:
        if _is_cong_van(a):
            raise NotEvaluated("công văn không có tên loại")
        yield "không tìm thấy tên loại văn bản (KẾ HOẠCH, BÁO CÁO …) dưới bảng tiêu đề", None
        return
    t = a.title
    names = {n.upper() for n in DOC_TYPES.values()} | {"CÔNG ĐIỆN", "QUYẾT ĐỊNH", "NGHỊ QUYẾT"}
    if t.text not in names:
        yield f"tên loại '{t.text}' không thuộc Phụ lục III", t.where
    if not (t.run.bold and _size_in(t, 13, 14) and t.para.alignment == "center"):
        yield f"tên loại {_fmt(t)}, căn '{t.para.alignment}'; cần đậm, cỡ 13–14, giữa", t.where


@rule(
    "TITLE-02",
    "error",
    "NĐ30 Phụ lục I: trích yếu (nd30-format §3)",
    "Trích yếu đậm, đứng, cỡ 13–14, giữa, có đường kẻ 1/3–1/2 dòng chữ",
)
def title_summary(a: Anatomy):
    if a.title is None:
        raise NotEvaluated("không có tên loại")
    if not a.summary:
        yield "không có trích yếu dưới tên loại", a.title.where
        return
    for s in a.summary:
        if not (s.run.bold and not s.run.italic and _size_in(s, 13, 14) and s.para.alignment == "center"):
            yield f"trích yếu {_fmt(s)}, căn '{s.para.alignment}'; cần đậm, đứng, cỡ 13–14, giữa", s.where
    if a.summary_rule is None:
        yield "không có đường kẻ dưới trích yếu", a.summary[-1].where
        return
    avail = container_width_mm(a.doc, a.doc)
    length = avail - a.summary_rule.para.left_mm - a.summary_rule.para.right_mm
    width = min(max(text_width_mm(s.text, s.run.size or 14, True) for s in a.summary), avail)
    if not width / 3 - 1 <= length <= width / 2 + 1:
        yield (
            f"đường kẻ dài {length:.0f} mm; trích yếu rộng {width:.0f} mm (cần {width / 3:.0f}–{width / 2:.0f} mm)",
            a.summary_rule.where,
        )


@rule(
    "CV-01",
    "error",
    "NĐ30 Phụ lục I: trích yếu công văn (nd30-format §3)",
    "Công văn: dòng 'V/v …' cỡ 12–13, không đậm, giữa ô trái",
)
def cong_van_summary(a: Anatomy):
    vv = [ln for ln in a.header_left if ln.text.startswith("V/v")]
    if not vv:
        raise NotEvaluated("không phải công văn")
    for line in vv:
        if line.run.bold or not _size_in(line, 12, 13) or line.para.alignment != "center":
            yield f"dòng V/v {_fmt(line)}; cần cỡ 12–13, không đậm, giữa", line.where


@rule(
    "KG-01",
    "error",
    "NĐ30 Phụ lục I: Kính gửi (nd30-format §3.8)",
    "'Kính gửi:' cỡ 13–14, đứng; nhiều nơi: '- …;' và dòng cuối '.'",
)
def kinh_gui(a: Anatomy):
    idx = next((i for i, ln in enumerate(a.body) if ln.text.startswith("Kính gửi")), None)
    if idx is None:
        raise NotEvaluated("không có 'Kính gửi'")
    head = a.body[idx]
    if head.run.italic or not _size_in(head, 13, 14):
        yield f"'Kính gửi' {_fmt(head)}; cần đứng, cỡ 13–14", head.where
    items = []
    for ln in a.body[idx + 1 :]:
        if not ln.text.startswith("- "):
            break
        items.append(ln)
    for i, ln in enumerate(items):
        end = "." if i == len(items) - 1 else ";"
        if not ln.text.endswith(end):
            yield f"dòng nơi gửi cần kết thúc bằng '{end}'", ln.where


@rule(
    "CANCU-01",
    "error",
    "NĐ30 Phụ lục I: căn cứ ban hành (nd30-format §3.5)",
    "Căn cứ in nghiêng, cỡ 13–14; mỗi dòng kết thúc ';', dòng cuối '.'",
)
def can_cu(a: Anatomy):
    if not a.basis:
        raise NotEvaluated("không có căn cứ")
    for i, line in enumerate(a.basis):
        if not (line.run.italic and _size_in(line, 13, 14)):
            yield f"căn cứ {_fmt(line)}; cần nghiêng, cỡ 13–14", line.where
        end = "." if i == len(a.basis) - 1 else ";"
        if not line.text.endswith(end):
            which = "dòng căn cứ cuối" if end == "." else "dòng căn cứ"
            yield f"{which} cần kết thúc bằng '{end}'", line.where


# -- structure -------------------------------------------------------------------------------------


@rule(
    "STRUCT-01",
    "warning",
    "Phụ lục I (thông lệ Kế hoạch/Báo cáo; nd30-format §3.5 [U])",
    "Mục lớn 'I. TÊN MỤC' in hoa, đậm, số La Mã liên tục",
)
def roman_headings(a: Anatomy):
    from ..numbering import roman

    heads = [ln for ln in a.body if re.match(r"^[IVXLC]+\. ", ln.text)]
    if not heads:
        raise NotEvaluated("không có mục đánh số La Mã")
    for i, ln in enumerate(heads, start=1):
        number, _, title = ln.text.partition(". ")
        if number != roman(i):
            yield f"mục '{number}.' không liền số (cần {roman(i)}.)", ln.where
        if title != title.upper() or not ln.run.bold:
            yield "tên mục lớn cần in hoa, đậm", ln.where


@rule("STRUCT-02", "warning", "Phụ lục I (thông lệ; nd30-format §3.5 [U])", "Mục '1.', điểm 'a)' đánh số liên tục")
def numbered_items(a: Anatomy):
    from ..numbering import point_letter

    expect_num, expect_letter = 1, 1
    for ln in a.body:
        if re.match(r"^[IVXLC]+\. ", ln.text):
            expect_num, expect_letter = 1, 1
            continue
        m = re.match(r"^(\d+)\. ", ln.text)
        if m:
            if int(m.group(1)) != expect_num:
                yield f"khoản '{m.group(1)}.' không liền số (cần {expect_num}.)", ln.where
            expect_num = int(m.group(1)) + 1
            expect_letter = 1
            continue
        m = re.match(r"^([a-zđ])\) ", ln.text)
        if m:
            if m.group(1) != point_letter(expect_letter):
                yield f"điểm '{m.group(1)})' không liền (cần {point_letter(expect_letter)}))", ln.where
            expect_letter += 1


@rule("END-01", "warning", "Mẫu 1.4 Phụ lục III (thông lệ [K]; nd30-format §3.5)", "Nội dung kết thúc bằng './.'")
def end_mark(a: Anatomy):
    if not a.body:
        raise NotEvaluated("không có phần nội dung")
    if not a.body[-1].text.endswith("./."):
        yield "đoạn cuối của nội dung không kết thúc bằng './.'", a.body[-1].where


# -- signature and recipients ----------------------------------------------------------------------


def _need_signature(a: Anatomy) -> None:
    if a.signature_table is None or not a.authority:
        raise NotEvaluated("không tìm thấy bảng chữ ký (Nơi nhận | chức vụ)")


@rule(
    "SIG-01",
    "error",
    "NĐ30 Điều 13, Phụ lục I: thẩm quyền ký (nd30-format §3.6)",
    "TM./KT./TL./TUQ./Q. viết hoa có dấu chấm; không 'K/T'; in hoa, đậm, 13–14",
)
def signature_prefix(a: Anatomy):
    _need_signature(a)
    caps = [ln for ln in a.authority if ln.all_caps]
    for ln in caps:
        if BAD_PREFIX.match(ln.text):
            yield f"'{ln.text}': viết tắt thẩm quyền sai (dùng TM./KT./TL./TUQ./Q.)", ln.where
        if not (ln.run.bold and _size_in(ln, 13, 14)):
            yield f"chức vụ người ký {_fmt(ln)}; cần in hoa, đậm, cỡ 13–14", ln.where


@rule("SIG-02", "error", "NĐ30 Phụ lục I: ký thay (nd30-format §3.6)", "Sau 'KT. …' là chức vụ cấp phó ('PHÓ …')")
def signature_deputy(a: Anatomy):
    _need_signature(a)
    texts = [ln.text for ln in a.authority]
    kt = [i for i, t in enumerate(texts) if t.startswith("KT. ")]
    if not kt:
        raise NotEvaluated("không ký thay")
    for i in kt:
        if i + 1 >= len(texts) or not texts[i + 1].startswith("PHÓ "):
            yield "sau 'KT. …' cần chức vụ cấp phó ('PHÓ …')", a.authority[i].where


@rule(
    "SIG-03",
    "error",
    "NĐ30 Phụ lục I: họ tên người ký (nd30-format §3.6)",
    "Họ tên người ký đậm, 13–14, không in hoa toàn bộ, không học hàm/học vị",
)
def signature_name(a: Anatomy):
    _need_signature(a)
    names = [ln for ln in a.authority if not ln.all_caps]
    if not names:
        raise NotEvaluated("chưa có họ tên người ký")
    name = names[-1]
    if not (name.run.bold and _size_in(name, 13, 14)):
        yield f"họ tên {_fmt(name)}; cần đậm, cỡ 13–14", name.where
    if DEGREES.match(name.text):
        yield f"họ tên có học hàm/học vị '{name.text.split()[0]}'", name.where


@rule(
    "NN-01",
    "error",
    "NĐ30 Phụ lục I: Nơi nhận (nd30-format §3.8)",
    "'Nơi nhận:' cỡ 12, đậm, nghiêng, căn trái, đầu ô trái bảng chữ ký",
)
def noi_nhan_head(a: Anatomy):
    if a.signature_table is None:
        yield "không có 'Nơi nhận:' ở ô trái bảng chữ ký", None
        return
    head = a.recipients[0]
    if head.text != "Nơi nhận:":
        yield f"dòng đầu ô trái là '{head.text}', cần 'Nơi nhận:'", head.where
    if not (head.run.bold and head.run.italic and head.run.size == 12):
        yield f"'Nơi nhận:' {_fmt(head)}; cần cỡ 12, đậm, nghiêng", head.where
    if head.para.alignment not in (None, "left", "start", "both"):
        yield f"'Nơi nhận:' căn '{head.para.alignment}', cần căn trái", head.where


def _recipient_lines(a: Anatomy) -> list[Line]:
    if a.signature_table is None:
        raise NotEvaluated("không có Nơi nhận")
    lines = a.recipients[1:]
    luu = next((i for i, ln in enumerate(lines) if "Lưu" in ln.text), None)
    return lines[: luu + 1] if luu is not None else lines


@rule("NN-02", "error", "NĐ30 Phụ lục I: Nơi nhận (nd30-format §3.8)", "Mỗi nơi nhận '- …;' cỡ 11, không đậm")
def noi_nhan_lines(a: Anatomy):
    lines = _recipient_lines(a)
    for i, ln in enumerate(lines):
        if not ln.text.startswith("- "):
            yield f"'{ln.text[:40]}' cần bắt đầu bằng '- '", ln.where
        if ln.run.size != 11 or ln.run.bold:
            yield f"nơi nhận {_fmt(ln)}; cần cỡ 11, không đậm", ln.where
        if i < len(lines) - 1 and not ln.text.endswith(";"):
            yield f"'{ln.text[:40]}' cần kết thúc bằng ';'", ln.where


@rule(
    "NN-03", "error", "NĐ30 Phụ lục I: Nơi nhận, lưu (nd30-format §3.8)", "Dòng cuối '- Lưu: VT, <đơn vị soạn thảo>.'"
)
def noi_nhan_luu(a: Anatomy):
    lines = _recipient_lines(a)
    if not lines:
        yield "Nơi nhận trống", a.recipients[0].where if a.recipients else None
        return
    last = lines[-1]
    if not LUU_RE.match(last.text):
        yield f"dòng cuối '{last.text[:40]}' cần dạng '- Lưu: VT, VP.'", last.where


# -- capitalisation --------------------------------------------------------------------------------


@rule(
    "CAP-01", "warning", "NĐ30 Phụ lục II: viết hoa (nd30-format §6)", "Trong câu không viết tên cơ quan in hoa toàn bộ"
)
def caps_in_body(a: Anatomy):
    names = [ln.text for ln in a.agency + a.parent]
    if not names:
        raise NotEvaluated("không có tên cơ quan để đối chiếu")
    for ln in a.body:
        if re.match(r"^[IVXLC]+\. ", ln.text):
            continue
        for name in names:
            if len(name) > 6 and name in ln.text:
                yield f"'{name}' in hoa trong câu", ln.where


@rule(
    "CAP-02",
    "warning",
    "NĐ30 Phụ lục II: viết hoa khi viện dẫn (nd30-format §6)",
    "Viện dẫn: 'Điều/Chương/Mục/Phần' hoa, 'khoản/điểm' thường",
)
def caps_citations(a: Anatomy):
    for ln in a.body:
        for m in re.finditer(r"\b(điều|chương|phần) (\d+|[IVXLC]+)\b", ln.text):
            before = ln.text[: m.start()].rstrip()
            if before.endswith(("khoản", "điểm")) or re.search(r"(khoản \d+|điểm [a-zđ])$", before):
                yield f"'{m.group(0)}' cần viết hoa khi viện dẫn", ln.where
        for m in re.finditer(r"\b(Khoản|Điểm) (\d+|[a-zđ])\b (?:khoản|Điều)", ln.text):
            yield f"'{m.group(1)}' cần viết thường khi viện dẫn", ln.where
