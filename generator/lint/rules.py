"""The ND30 rules a .docx is checked against (nd30-format.md §7), each with its id and source."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from generator.i18n import N_, _
from generator.lint import edit
from generator.lint.anatomy import Anatomy, Line
from generator.lint.wordxml import field_runs, has_field, paragraph_runs, run_text
from generator.nd30.numbering import DOC_TYPES
from generator.word.docxfmt import RunFormat, qn, text_width_mm

Severity = Literal["error", "warning"]
MM_TOL = 0.5
# "1/3–1/2 of the text" for a rule drawn by eye: a hand-drawn 0.30 still reads as a third; past 0.6 it
# is no longer a short rule.
RULE_MIN, RULE_MAX = 0.30, 0.60
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
TYPE_CODES = "|".join(DOC_TYPES)
# Two spaces after "Số:" are a typing slip, not a wrong number (the fix closes them up).
NUM_RE = re.compile(rf"^Số:\s*(0[1-9]|[1-9]\d+)?\s*/({TYPE_CODES})-[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*$")
CV_RE = re.compile(r"^Số:\s*(0[1-9]|[1-9]\d+)?\s*/[A-ZĐ0-9]+(-[A-ZĐ0-9]+)+$")
MONTH = r"(01|02|[3-9]|1[0-2])"
DATE_RE = re.compile(rf"^(?P<place>[^,]+), ngày (0[1-9]|[12]\d|3[01]) tháng {MONTH} năm \d{{4}}$")
# A draft leaves the day (and the month, even the year) blank until the number is given.
BLANK_DATE_RE = re.compile(rf"^(?P<place>[^,]+), ngày( (0[1-9]|[12]\d|3[01]))? tháng( {MONTH})? năm( \d{{4}})?$")
BAD_PREFIX = re.compile(r"^(K/T|T/M|T/L|TUQ/|KT |TM |TL |Q |(TM|KT|TL|TUQ)\.(?=\S))")
LUU_RE = re.compile(r"^- Lưu: VT(,\s*[^,;]+)*\.$")  # "VT, NC.Châu." yes; "VT. NC." and no final "." no
DEPUTY_RE = re.compile(r"^(PHÓ|THỨ TRƯỞNG)\b")
VN_LEGACY_FONT = re.compile(r"^(\.Vn|VNI[- ]|VNI$|VN[A-Z]*Times)", re.IGNORECASE)
DEGREES = re.compile(r"^(TS|ThS|PGS|GS|BS|KS|CN)\.")


@dataclass(frozen=True)
class Finding:
    """One result: a rule broken, or a rule that could not be evaluated on this file."""

    rule: str
    severity: str  # error | warning | not-evaluated
    message: str
    where: str | None = None
    count: int = 1  # the places it covers: one fault found in several paragraphs is one finding

    def to_json(self) -> dict[str, str | int | None]:
        return {
            "rule": self.rule, "severity": self.severity, "message": self.message, "where": self.where,
            "count": self.count,
        }  # fmt: skip


class NotEvaluated(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a check that cannot judge this file; reported, never counted as passed."""


@dataclass
class Rule:
    """A checkable rule; `fix`, where the fix is mechanical and changes no word of the text, edits
    the analysed document in place and returns what it changed (one message per change)."""

    id: str
    severity: Severity
    source: str  # where the rule comes from
    summary: str
    check: Callable[[Anatomy], Iterator[tuple[str, str | None] | Finding]]
    fix: Callable[[Anatomy], list[str]] | None = None


RULES: list[Rule] = []


def rule(rule_id: str, severity: Severity, source: str, summary: str) -> Callable:
    def register(fn: Callable[[Anatomy], Iterator[tuple[str, str | None] | Finding]]) -> Callable:
        RULES.append(Rule(rule_id, severity, source, summary, fn))  # summary: translated where shown
        return fn

    return register


def fixes(rule_id: str) -> Callable:
    """Attach a fix to the rule `rule_id` (declared just above it)."""

    def register(fn: Callable[[Anatomy], list[str]]) -> Callable:
        next(r for r in RULES if r.id == rule_id).fix = fn
        return fn

    return register


def off_centre(a: Anatomy, line: Line) -> float | None:
    """How far the centre of a line in a table cell sits from the cell's centre, as a share of the
    cell's width (0 = centred), counting alignment, indents, and leading spaces and tabs; None when
    the line is not in a cell of known width."""
    from generator.word.docxfmt import container_width_mm

    tc = line.paragraph._p.getparent()
    if tc.tag != qn("w:tc"):
        return None

    class _Cell:
        _tc = tc

    cell = container_width_mm(a.doc, _Cell)
    if cell <= 5:
        return None
    size = line.run.size or 13
    text = min(text_width_mm(line.text, size, line.run.bold), cell)
    if line.centred:
        return 0.0
    left = line.para.left_mm + max(line.para.first_line_mm or 0.0, 0.0)
    raw = line.raw.replace("\n", " ")
    lead = raw[: len(raw) - len(raw.lstrip(" \t"))]
    for ch in lead:
        if ch == "\t":
            step = a.styles.default_tab_mm() or 12.7
            left = (int(left / step + 1e-6) + 1) * step
        else:
            left += text_width_mm(" ", size)
    if line.para.alignment == "right":
        left = cell - line.para.right_mm - text
    return abs(left + text / 2 - cell / 2) / cell


def _not_centred(a: Anatomy, line: Line) -> bool:
    """In a table cell, and visibly off the cell's centre (more than a fifth of its width)."""
    off = off_centre(a, line)
    return off is not None and off > 0.2


def _size_in(line: Line, lo: float, hi: float) -> bool:
    return line.run.size is not None and lo <= line.run.size <= hi


def _fmt(line: Line) -> str:
    size = f"{line.run.size:g}" if line.run.size else "?"
    weight = _("đậm") if line.run.bold else _("không đậm")
    slant = _("nghiêng") if line.run.italic else _("đứng")
    return _("cỡ {size}, {weight}, {slant}", size=size, weight=weight, slant=slant)


# -- scope -----------------------------------------------------------------------------------------


@rule(
    "SCOPE-01",
    "warning",
    "NĐ30 Điều 1–2: phạm vi áp dụng (nd30-format §0)",
    N_("Văn bản thuộc phạm vi Nghị định 30 (không phải văn bản Đảng, phiếu trình nội bộ, phụ lục rời)"),
)
def scope(a: Anatomy):
    if not a.in_scope:
        yield _("{reason}: không kiểm tra thể thức", reason=a.scope_reason), None


# -- page ------------------------------------------------------------------------------------------


def _data_tables(a: Anatomy) -> int:
    return len(a.doc.tables) - (a.header_table is not None) - (a.signature_table is not None)


@rule("PAGE-01", "error", "NĐ30 Phụ lục I: khổ giấy A4 (nd30-format §1)", N_("Khổ A4 (210 × 297 mm), trang đứng"))
def page_size(a: Anatomy):
    for i, sec in enumerate(a.doc.sections, start=1):
        if sec.page_width is None or sec.page_height is None:
            raise NotEvaluated(_("tệp không ghi khổ giấy"))
        w, h = sec.page_width.mm, sec.page_height.mm
        portrait = abs(w - 210) <= MM_TOL and abs(h - 297) <= MM_TOL
        landscape = abs(w - 297) <= MM_TOL and abs(h - 210) <= MM_TOL
        # Landscape is allowed for a section that holds a wide table (nd30-format §1).
        if not portrait and not (landscape and _data_tables(a) > 0):
            yield _("khổ giấy {w:.1f} × {h:.1f} mm, cần A4 đứng 210 × 297 mm", w=w, h=h), _("mục {i}", i=i)


@fixes("PAGE-01")
def fix_page_size(a: Anatomy) -> list[str]:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    out = []
    for i, sec in enumerate(a.doc.sections, start=1):
        if sec.page_width is None or sec.page_height is None:
            continue
        w, h = sec.page_width.mm, sec.page_height.mm
        landscape = w > h
        if landscape and abs(w - 297) <= MM_TOL and abs(h - 210) <= MM_TOL and _data_tables(a) > 0:
            continue
        if abs(w - 210) <= MM_TOL and abs(h - 297) <= MM_TOL:
            continue
        if landscape and _data_tables(a) > 0:
            sec.orientation, sec.page_width, sec.page_height = WD_ORIENT.LANDSCAPE, Mm(297), Mm(210)
        else:
            sec.orientation, sec.page_width, sec.page_height = WD_ORIENT.PORTRAIT, Mm(210), Mm(297)
        out.append(_("mục {i}: khổ giấy {w:.1f} × {h:.1f} mm → A4", i=i, w=w, h=h))
    return out


MARGINS = {"top": (20, 25), "bottom": (20, 25), "left": (30, 35), "right": (15, 20)}


def _margin_label(name: str) -> str:
    return {"top": _("trên"), "bottom": _("dưới"), "left": _("trái"), "right": _("phải")}[name]


def _margin_rule(a: Anatomy, names: tuple[str, ...]):
    for i, sec in enumerate(a.doc.sections, start=1):
        for name in names:
            lo, hi = MARGINS[name]
            value = getattr(sec, f"{name}_margin")
            if value is None:
                raise NotEvaluated(_("tệp không ghi lề trang"))
            mm = value.mm
            if not lo - MM_TOL <= mm <= hi + MM_TOL:
                yield (
                    _("lề {label} {mm:.1f} mm, cần {lo:g}–{hi:g} mm", label=_margin_label(name), mm=mm, lo=lo, hi=hi),
                    _("mục {i}", i=i),
                )


def _fix_margins(a: Anatomy, names: tuple[str, ...]) -> list[str]:
    from docx.shared import Mm

    out = []
    for i, sec in enumerate(a.doc.sections, start=1):
        for name in names:
            lo, hi = MARGINS[name]
            value = getattr(sec, f"{name}_margin")
            if value is None or lo - MM_TOL <= value.mm <= hi + MM_TOL:
                continue
            new = lo if value.mm < lo else hi
            setattr(sec, f"{name}_margin", Mm(new))
            out.append(
                _("mục {i}: lề {label} {old:.1f} → {new:g} mm", i=i, label=_margin_label(name), old=value.mm, new=new)
            )
    return out


@rule("PAGE-02", "error", "NĐ30 Phụ lục I: lề trang (nd30-format §1)", N_("Lề trên, dưới 20–25 mm"))
def margins_tb(a: Anatomy):
    yield from _margin_rule(a, ("top", "bottom"))


@fixes("PAGE-02")
def fix_margins_tb(a: Anatomy) -> list[str]:
    return _fix_margins(a, ("top", "bottom"))


@rule("PAGE-03", "error", "NĐ30 Phụ lục I: lề trang (nd30-format §1)", N_("Lề trái 30–35 mm, lề phải 15–20 mm"))
def margins_lr(a: Anatomy):
    yield from _margin_rule(a, ("left", "right"))


@fixes("PAGE-03")
def fix_margins_lr(a: Anatomy) -> list[str]:
    return _fix_margins(a, ("left", "right"))


def _section_headers(a: Anatomy) -> list[tuple[int, object | None]]:
    """(section number, the header element Word shows from page 2 of that section), following
    'same as previous' back to the section that defines it."""
    out, current = [], None
    for i, sec in enumerate(a.doc.sections, start=1):
        header = sec.header
        if not header.is_linked_to_previous:
            current = header._element
        out.append((i, current))
    return out


def _page_paragraphs(header_el) -> list:
    return [p for p in header_el.iter(qn("w:p")) if has_field(p, "PAGE")]


def _page_centred(a: Anatomy, p) -> bool:
    """Centred by alignment, by a centre tab stop the field sits at, or by a frame centred on the page."""
    fmt = a.styles.paragraph_format(p)
    if fmt.alignment in ("center", "centre"):
        return True
    ppr = p.find(qn("w:pPr"))
    frame = ppr.find(qn("w:framePr")) if ppr is not None else None
    if frame is not None and frame.get(qn("w:xAlign")) == "center":
        return True
    if any(kind == "center" for kind, _pos in fmt.tabs):
        before = ""
        for r in paragraph_runs(p):
            if r in field_runs(p, "PAGE"):
                break
            before += run_text(r)
        return "\t" in before and not before.replace("\t", "").strip()
    return False


def _page_format(a: Anatomy, p) -> RunFormat:
    runs = field_runs(p, "PAGE")
    shown = [r for r in runs if r.find(qn("w:t")) is not None] or runs
    return a.styles.run_format(p, shown[0] if shown else None)


@rule(
    "PAGE-04",
    "error",
    "NĐ30 Phụ lục I: số trang (nd30-format §1)",
    N_("Số trang ở giữa phần đầu trang mọi mục, cỡ 13–14, đứng"),
)
def page_number(a: Anatomy):
    pages, estimated = a.page_count
    if pages < 2:
        raise NotEvaluated(_("văn bản một trang") + (_(" (ước tính)") if estimated else ""))
    for i, header in _section_headers(a):
        where = _("phần đầu trang, mục {i}", i=i)
        found = _page_paragraphs(header) if header is not None else []
        if not found:
            yield _("không có trường số trang (PAGE) ở phần đầu trang"), where
            continue
        p = found[0]
        run = _page_format(a, p)
        if not _page_centred(a, p):
            yield _("số trang không căn giữa ({alignment})", alignment=a.styles.paragraph_format(p).alignment), where
        if run.size is not None and not 13 <= run.size <= 14:
            yield _("số trang cỡ {size:g}, cần 13–14", size=run.size), where
        if run.italic:
            yield _("số trang in nghiêng, cần chữ đứng"), where
        font = run.font
        if font and font != edit.TNR:
            yield _("số trang phông {font}, cần Times New Roman", font=font), where


@fixes("PAGE-04")
def fix_page_number(a: Anatomy) -> list[str]:
    out = []
    pages, _est = a.page_count
    if pages < 2:
        return out
    for i, header in _section_headers(a):
        found = _page_paragraphs(header) if header is not None else []
        if not found:
            edit.page_number_header(a.doc, i - 1)
            out.append(_("mục {i}: thêm số trang giữa phần đầu trang, từ trang 2", i=i))
            continue
        p = found[0]
        changed = []
        if not _page_centred(a, p):
            edit.set_alignment(p, "center")
            changed.append(_("căn giữa"))
        run = _page_format(a, p)
        runs = field_runs(p, "PAGE")
        if run.size is not None and not 13 <= run.size <= 14:
            edit.set_size(runs, 13)
            changed.append(_("cỡ 13"))
        if run.italic:
            edit.set_flag(runs, "w:i", False)
            changed.append(_("chữ đứng"))
        if run.font and run.font != edit.TNR:
            for r in runs:
                edit.set_font(r)
            changed.append("Times New Roman")
        if changed:
            out.append(_("mục {i}: số trang {v}", i=i, v=", ".join(changed)))
    return out


@rule(
    "PAGE-05", "error", "NĐ30 Phụ lục I: không đánh số trang thứ nhất (nd30-format §1)", N_("Trang 1 không có số trang")
)
def no_number_on_first_page(a: Anatomy):
    sec = a.doc.sections[0]
    if not sec.different_first_page_header_footer:
        header = sec.header
        if not header.is_linked_to_previous and has_field(header._element, "PAGE"):
            yield _("số trang hiện cả ở trang 1 (chưa bật 'trang đầu khác')"), _("phần đầu trang")
        return
    first = sec.first_page_header
    if first.is_linked_to_previous:
        return
    xml = first._element
    if has_field(xml, "PAGE") or any(ch.isdigit() for p in first.paragraphs for ch in p.text):
        yield _("phần đầu trang của trang 1 có số trang"), _("phần đầu trang 1")


@fixes("PAGE-05")
def fix_first_page(a: Anatomy) -> list[str]:
    sec = a.doc.sections[0]
    if sec.different_first_page_header_footer or not has_field(sec.header._element, "PAGE"):
        return []
    sec.different_first_page_header_footer = True
    first = sec.first_page_header
    first.is_linked_to_previous = False
    return [_("bật 'trang đầu khác': trang 1 không hiện số trang")]


# -- fonts -----------------------------------------------------------------------------------------


def _every_run(a: Anatomy) -> list[tuple[str, RunFormat, str, object]]:
    """(text, format, where, w:r) of every run with text (spaces too: a fix may type into them):
    the main text (tables and text boxes included), then every header and footer."""
    cached = getattr(a, "_every_run", None)
    if cached is not None:
        return cached
    out = []
    body = a.doc.element.body
    for n, p in enumerate(body.iter(qn("w:p")), start=1):
        for r in paragraph_runs(p):
            text = run_text(r)
            if text:
                out.append((text, a.styles.run_format(p, r), _("đoạn {n}", n=n), r))
    seen: set[int] = set()
    for i, sec in enumerate(a.doc.sections, start=1):
        for part, label in (
            (sec.header, _("phần đầu trang")),
            (sec.first_page_header, _("phần đầu trang 1")),
            (sec.even_page_header, _("phần đầu trang chẵn")),
            (sec.footer, _("phần cuối trang")),
            (sec.first_page_footer, _("phần cuối trang 1")),
        ):
            if part.is_linked_to_previous or id(part.part) in seen:
                continue
            seen.add(id(part.part))
            for p in part._element.iter(qn("w:p")):
                for r in paragraph_runs(p):
                    text = run_text(r)
                    if text:
                        out.append((text, a.styles.run_format(p, r), _("{label}, mục {i}", label=label, i=i), r))
    a._every_run = out  # type: ignore[attr-defined]
    return out


def _rendering_fonts(text: str, fmt: RunFormat) -> set[str]:
    """The fonts that draw `text`: the ascii slot for ASCII letters, hAnsi for the rest of Latin
    (Vietnamese letters); the eastAsia and cs slots draw none of it."""
    out = set()
    if any(ord(c) < 0x80 and not c.isspace() for c in text) and (fmt.fonts[0] or fmt.fonts[1]):
        out.add(fmt.fonts[0] or fmt.fonts[1])
    if any(ord(c) >= 0x80 for c in text) and (fmt.fonts[1] or fmt.fonts[0]):
        out.add(fmt.fonts[1] or fmt.fonts[0])
    return out


def _near_black(color: str) -> bool:
    try:
        rgb = [int(color[i : i + 2], 16) for i in (0, 2, 4)]
    except ValueError:
        return False
    return max(rgb) <= 0x40


def _is_black(color: str | None) -> bool:
    return not color or color.lower() in ("auto", "000000")


@rule(
    "FONT-01",
    "error",
    "NĐ30 Phụ lục I: phông Times New Roman, màu đen (nd30-format §2)",
    N_("Mọi chữ là Times New Roman, màu đen"),
)
def font_family(a: Anatomy):
    bad_font: dict[str, list[str]] = {}
    colours: dict[str, list[str]] = {}
    for text, fmt, where, _r in _every_run(a):
        if not text.strip():
            continue
        for f in _rendering_fonts(text, fmt):
            if f != edit.TNR and not VN_LEGACY_FONT.match(f):  # TCVN3/VNI: FONT-02
                bad_font.setdefault(f, []).append(where)
        if not _is_black(fmt.color):
            colours.setdefault(fmt.color.upper(), []).append(where)
    for font, places in bad_font.items():
        more = _(" và {n} chỗ khác", n=len(places) - 1) if len(places) > 1 else ""
        yield _("phông {fonts} (cần Times New Roman)", fonts=font), places[0] + more
    near = {c: p for c, p in colours.items() if _near_black(c)}
    if near:
        places = [w for p in near.values() for w in p]
        yield Finding(
            "FONT-01",
            "warning",
            _("chữ màu gần đen {v} ({n} đoạn chữ), cần màu đen", v=", ".join(sorted(near)), n=len(places)),
            places[0],
        )
    for colour, places in colours.items():
        if colour not in near:
            more = _(" và {n} chỗ khác", n=len(places) - 1) if len(places) > 1 else ""
            yield _("chữ màu {color}, cần màu đen", color=colour), places[0] + more


@fixes("FONT-01")
def fix_fonts(a: Anatomy) -> list[str]:
    fonts: set[str] = set()
    colours: set[str] = set()
    for text, fmt, _where, r in _every_run(a):
        rendering = _rendering_fonts(text, fmt) if text.strip() else set()
        wrong = {f for f in rendering if f != edit.TNR}
        if wrong and not any(VN_LEGACY_FONT.match(f) for f in wrong):  # TCVN3 text is not Unicode: not mechanical
            edit.set_font(r)
            fonts |= wrong
            # "Times New Roman Bold" as a face name drew bold: keep the look with the bold flag.
            if any(re.search(r"\bBold\b", f) for f in wrong):
                edit.set_flag([r], "w:b", True)
            if any(re.search(r"\bItalic\b", f) for f in wrong):
                edit.set_flag([r], "w:i", True)
        if not _is_black(fmt.color):
            edit.set_black(r)
            colours.add(fmt.color.upper())
    out = []
    if fonts:
        out.append(_("phông {v} → Times New Roman", v=", ".join(sorted(fonts))))
    if colours:
        out.append(_("màu chữ {v} → đen", v=", ".join(sorted(colours))))
    return out


@rule(
    "FONT-02",
    "error",
    "NĐ30 Phụ lục I: bộ mã Unicode TCVN 6909:2001 (nd30-format §2)",
    N_("Văn bản Unicode dạng NFC, không phông .Vn/VNI"),
)
def unicode_nfc(a: Anatomy):
    not_nfc: list[str] = []
    legacy: dict[str, list[str]] = {}
    for text, fmt, where, _r in _every_run(a):
        if text != unicodedata.normalize("NFC", text):
            not_nfc.append(where)
        for f in _rendering_fonts(text, fmt) if text.strip() else ():
            if VN_LEGACY_FONT.match(f):
                legacy.setdefault(f, []).append(where)
    if not_nfc:
        more = _(" và {n} chỗ khác", n=len(not_nfc) - 1) if len(not_nfc) > 1 else ""
        yield _("chữ không ở dạng Unicode NFC (dấu tổ hợp)"), not_nfc[0] + more
    for f, places in legacy.items():
        more = _(" và {n} chỗ khác", n=len(places) - 1) if len(places) > 1 else ""
        yield _("phông TCVN3/VNI '{f}'", f=f), places[0] + more


@fixes("FONT-02")
def fix_nfc(a: Anatomy) -> list[str]:
    n = 0
    for _text, _fmt, _where, r in _every_run(a):
        for t in r.findall(qn("w:t")):
            if t.text and t.text != unicodedata.normalize("NFC", t.text):
                t.text = unicodedata.normalize("NFC", t.text)
                n += 1
    return [_("chuyển {n} đoạn chữ sang Unicode NFC", n=n)] if n else []


# -- body ------------------------------------------------------------------------------------------

HEADING_RE = re.compile(r"^([IVXLC]+\.|Chương [IVXLC\d]+|Mục \d+|Phần [IVXLC\d]+)(\s|$)")


def body_paragraphs(a: Anatomy) -> list[Line]:
    """Body text: not headings (I., bold titles), not căn cứ, not the signature."""
    out = []
    for line in a.body:
        if line in a.basis or HEADING_RE.match(line.numbered) or line.all_bold or (line.all_caps and line.centred):
            continue
        if line.centred and line.text.startswith("(") and line.text.endswith((")", ").")):
            continue  # a centred note "(Kèm theo …)" / "(Phân công …)" under a heading, not prose
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


def first_line_indent_mm(a: Anatomy, line: Line) -> float:
    """Where the first line starts, from the left indent: the first-line indent, or the tab stop a
    leading tab moves it to (a custom stop, else the default tab grid)."""
    first = line.para.first_line_mm or 0.0
    if not line.leading_tab or line.label:
        return first
    start = line.para.left_mm + first
    stop = next((pos for kind, pos in line.para.tabs if pos > start + 0.1 and kind != "clear"), None)
    if stop is None:
        step = a.styles.default_tab_mm() or 12.7
        stop = (int(start / step + 1e-6) + 1) * step
    return stop - line.para.left_mm


@rule("BODY-03", "error", "NĐ30 Phụ lục I: lùi đầu dòng 1–1,27 cm (nd30-format §2)", N_("Lùi đầu dòng 1–1,27 cm"))
def body_indent(a: Anatomy):
    for line in _body(a):
        first = first_line_indent_mm(a, line)
        if not 10 - MM_TOL <= first <= 12.7 + MM_TOL:
            yield _("lùi đầu dòng {v:.2f} cm, cần 1–1,27 cm", v=first / 10), line.where


@rule(
    "BODY-04",
    "error",
    "NĐ30 Phụ lục I: khoảng cách đoạn tối thiểu 6 pt (nd30-format §2)",
    N_("Cách đoạn ≥ 6 pt (sau đoạn trên + trước đoạn dưới)"),
)
def body_spacing(a: Anatomy):
    body = _body(a)
    # Only paragraphs with a text neighbour above have a gap: the others do not break a run.
    lines = [ln for ln in body if ln.gap_before_pt is not None]
    short: dict[float, list[int]] = {}  # gap → the paragraphs with it: one setting, one finding
    for i, line in enumerate(lines):
        if line.gap_before_pt is not None and line.gap_before_pt < 6 - 0.05:
            short.setdefault(round(line.gap_before_pt, 1), []).append(i)
    for gap, at in short.items():
        message = _("khoảng cách với đoạn trên {v:g} pt, cần ≥ 6 pt", v=gap)
        yield _grouped("BODY-04", "error", message, lines, at, every=len(at) == len(body))


@fixes("BODY-04")
def fix_body_spacing(a: Anatomy) -> list[str]:
    """Every paragraph a BODY-04 finding covers gets the space before that brings its gap to 6 pt:
    what the paragraph above gives (its space after, unless contextual spacing drops it) is kept,
    and the paragraph's own contextual spacing, which drops the space before, is turned off."""
    lines = {id(ln.paragraph._p): ln for ln in a.body}
    relieved: set[int] = set()  # paragraphs whose contextual spacing was turned off here
    n = 0
    for line in body_paragraphs(a):
        gap = line.gap_before_pt
        if gap is None or gap >= 6 - 0.05:
            continue
        p = line.paragraph._p
        prev = _block_before(p)  # a paragraph with text: the gap was measured from it
        above = lines.get(id(prev))
        fmt = above.para if above else a.styles.paragraph_format(prev)
        style = above.style_id if above else a.styles.para_style_id(prev)
        dropped = fmt.contextual and style == line.style_id and id(prev) not in relieved
        given = 0.0 if dropped else (fmt.space_after_pt or 0.0)
        edit.set_space_before(p, max(0.0, 6 - given), contextual_off=line.para.contextual)
        if line.para.contextual:
            relieved.add(id(p))
        n += 1
    return [_("khoảng cách với đoạn trên thành 6 pt ở {n} đoạn nội dung", n=n)] if n else []


def _block_before(p: object) -> object | None:
    """The paragraph or table just above `p` (bookmarks and the like between them skipped)."""
    prev = p.getprevious()  # type: ignore[attr-defined]
    while prev is not None and prev.tag not in (qn("w:p"), qn("w:tbl"), qn("w:sdt")):
        prev = prev.getprevious()
    return prev


MAX_RUNS_NAMED = 4


def _grouped(
    rule_id: str, severity: Severity, message: str, lines: list[Line], at: list[int], *, every: bool = False
) -> Finding:
    """One finding for the same fault in the paragraphs `lines[i]` for i in `at` (in order): how
    many, and where each run of neighbouring ones starts and ends (the first few runs); `every`:
    they are all the body's paragraphs."""
    runs: list[tuple[int, int]] = []
    for i in at:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    if len(at) == 1:
        return Finding(rule_id, severity, message, lines[at[0]].where)
    if every:
        message += _(": mọi đoạn nội dung ({n} đoạn)", n=len(at))
    elif len(runs) == 1:
        message += _(": {n} đoạn nội dung liền nhau", n=len(at))
    else:
        message += _(": {n} đoạn nội dung, {runs} nhóm liền nhau", n=len(at), runs=len(runs))
    named = [
        lines[a].where if a == b else _("từ {first} đến {last}", first=lines[a].where, last=lines[b].where)
        for a, b in runs[:MAX_RUNS_NAMED]
    ]
    where = "; ".join(named)
    if len(runs) > MAX_RUNS_NAMED:
        where += _(" và {n} nhóm khác", n=len(runs) - MAX_RUNS_NAMED)
    return Finding(rule_id, severity, message, where, count=len(at))


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
        elif value is not None:
            # Exactly/at least N pt: single spacing of Times New Roman is ≈ 1.15 × the size; TT 01/2011
            # allowed "exactly ≥ 15 pt". Inside that band it is single to 1.5 lines.
            size = line.run.size or 14
            if not 15 - 0.01 <= value <= size * 1.15 * 1.5 + 0.5:
                yield Finding(
                    "BODY-05",
                    "warning",
                    _("giãn dòng kiểu '{rule}' {value:g} pt: cần xem lại", rule=rule_, value=value),
                    line.where,
                )


# -- header ----------------------------------------------------------------------------------------


def _need_header(a: Anatomy) -> None:
    if a.header_layout is None:
        raise NotEvaluated(_("không có bảng tiêu đề ở đầu văn bản"))


def _fix_line_format(lines: list[Line], size: tuple[float, float], bold: bool | None, italic: bool | None) -> bool:
    """Size into [lo, hi] (the nearest bound), bold and italic as asked; True if something changed."""
    changed = False
    lo, hi = size
    for ln in lines:
        runs = [r for r in ln.elements]
        fmts = [f for t, f in ln.runs if t.strip()]
        if any(f.size is None or not lo <= f.size <= hi for f in fmts):
            current = ln.run.size or lo
            edit.set_size(runs, lo if current < lo else hi)
            changed = True
        if bold is not None and any(f.bold != bold for f in fmts):
            edit.set_flag(runs, "w:b", bold)
            changed = True
        if italic is not None and any(f.italic != italic for f in fmts):
            edit.set_flag(runs, "w:i", italic)
            changed = True
    return changed


@rule(
    "HDR-01",
    "error",
    "NĐ30 Phụ lục I: Quốc hiệu (nd30-format §3)",
    N_("Phần đầu có Quốc hiệu đúng chữ, in hoa, đậm, cỡ 12–13"),
)
def quoc_hieu(a: Anatomy):
    if a.header_layout is None:
        yield _("không có phần đầu (cơ quan ban hành | Quốc hiệu) ở đầu văn bản"), _("đầu văn bản")
        return
    qh = a.national or next((ln for ln in a.header_right if ln.text), None)
    if qh is None:
        yield _("không có Quốc hiệu ở phần đầu"), _("bảng tiêu đề")
        return
    if re.sub(r"\s+", " ", qh.text) != QUOC_HIEU:
        yield _("Quốc hiệu là '{text}', cần '{QUOC_HIEU}'", text=qh.text, QUOC_HIEU=QUOC_HIEU), qh.where
    if not (qh.all_bold and not qh.run.italic and _size_in(qh, 12, 13)):
        yield _("Quốc hiệu {v}; cần cỡ 12–13, đậm, đứng", v=_fmt(qh)), qh.where


@fixes("HDR-01")
def fix_quoc_hieu(a: Anatomy) -> list[str]:
    if a.national is not None and _fix_line_format([a.national], (12, 13), True, False):
        return [_("Quốc hiệu: cỡ 12–13, đậm, đứng")]
    return []


def _dash_fixed(text: str) -> str:
    """'Độc lập – Tự do — Hạnh phúc' / 'Độc lập-Tự do-Hạnh phúc' → hyphens with one space each side."""
    return re.sub(r"\s*[-–—‒−]\s*", " - ", text)


@rule(
    "HDR-02",
    "error",
    "NĐ30 Phụ lục I: Tiêu ngữ (nd30-format §3)",
    N_("Tiêu ngữ đúng chữ, đậm, cỡ 13–14, có đường kẻ dài bằng dòng chữ"),
)
def tieu_ngu(a: Anatomy):
    _need_header(a)
    tn = a.motto
    if tn is None:
        yield _("thiếu dòng Tiêu ngữ"), _("bảng tiêu đề, ô phải")
        return
    if re.sub(r"\s+", " ", tn.text) != TIEU_NGU:
        yield (
            _("Tiêu ngữ là '{text}', cần '{TIEU_NGU}' (gạch nối có cách hai bên)", text=tn.text, TIEU_NGU=TIEU_NGU),
            tn.where,
        )
    if not (tn.all_bold and not tn.run.italic and _size_in(tn, 13, 14)):
        yield _("Tiêu ngữ {v}; cần cỡ 13–14, đậm, đứng", v=_fmt(tn)), tn.where
    width = text_width_mm(TIEU_NGU, tn.run.size or 13, True)
    if a.motto_shapes:
        length = max(s.length_mm for s in a.motto_shapes)
    elif a.rules_right:
        rl = a.rules_right[0]
        length = _border_length(a, rl)
    else:
        if not _typed_rule(a.header_right):
            yield _("không có đường kẻ dưới Tiêu ngữ"), tn.where
        return
    if length is not None and abs(length - width) > 0.2 * width:
        yield (
            _("đường kẻ dài {length:.0f} mm, dòng Tiêu ngữ {width:.0f} mm", length=length, width=width),
            tn.where,
        )


def _typed_rule(lines: list[Line]) -> bool:
    return any(re.fullmatch(r"[-_–—]{3,}", ln.text) for ln in lines)


def _border_length(a: Anatomy, line: Line) -> float | None:
    """The length of a paragraph border in a header cell: the cell's width less indents."""
    from generator.word.docxfmt import container_width_mm

    tc = line.paragraph._p.getparent()
    if tc.tag != qn("w:tc"):
        return None

    class _Cell:
        _tc = tc

    return container_width_mm(a.doc, _Cell) - line.para.left_mm - line.para.right_mm


@fixes("HDR-02")
def fix_tieu_ngu(a: Anatomy) -> list[str]:
    out = []
    tn = a.motto
    if tn is None:
        return out
    fixable = re.sub(r"\s+", " ", _dash_fixed(tn.text)).strip() == TIEU_NGU and tn.text != TIEU_NGU
    if fixable and edit.edit_text(tn.elements, lambda s: re.sub(r"\s*[-–—‒−]\s*", " - ", s)):
        out.append(_("Tiêu ngữ: gạch nối '-' có cách hai bên"))
    if _fix_line_format([tn], (13, 14), True, False):
        out.append(_("Tiêu ngữ: cỡ 13–14, đậm, đứng"))
    return out


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
        if not (_size_in(line, 12, 13) and line.all_bold):
            yield _("tên cơ quan {v}; cần cỡ 12–13, đậm", v=_fmt(line)), line.where
    for line in a.parent:
        if not line.all_caps:
            yield _("cơ quan chủ quản '{text}' chưa in hoa", text=line.text), line.where
        if line.run.bold or not _size_in(line, 12, 13):
            yield _("cơ quan chủ quản {v}; cần cỡ 12–13, không đậm", v=_fmt(line)), line.where


@fixes("HDR-03")
def fix_agency(a: Anatomy) -> list[str]:
    out = []
    if _fix_line_format(a.agency, (12, 13), True, None):
        out.append(_("tên cơ quan: cỡ 12–13, đậm"))
    if _fix_line_format(a.parent, (12, 13), False, None):
        out.append(_("cơ quan chủ quản: cỡ 12–13, không đậm"))
    return out


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
    cell = _cell_width(a, a.agency[0])
    width = max(min(text_width_mm(ln.text, ln.run.size or 13, True), cell) for ln in a.agency)
    if a.agency_shapes:
        length = max(s.length_mm for s in a.agency_shapes)
        where = a.agency[-1].where
    elif a.rules_left:
        rl = a.rules_left[0]
        length = _border_length(a, rl)
        where = rl.where
        if abs(rl.para.left_mm - rl.para.right_mm) > 1 and not rl.centred:
            yield _("đường kẻ không ở giữa"), rl.where
    else:
        if not _typed_rule(a.header_left):
            yield _("không có đường kẻ dưới tên cơ quan"), a.agency[-1].where
        return
    if length is not None and not RULE_MIN * width - MM_TOL <= length <= RULE_MAX * width + MM_TOL:
        yield (
            _(
                "đường kẻ dài {length:.0f} mm; tên cơ quan rộng {width:.0f} mm (cần {v:.0f}–{v2:.0f} mm)",
                length=length,
                width=width,
                v=width / 3,
                v2=width / 2,
            ),
            where,
        )


def _cell_width(a: Anatomy, line: Line) -> float:
    """The width a line can take: its table cell's, else the text area's (less its indents)."""
    from generator.word.docxfmt import container_width_mm

    tc = line.paragraph._p.getparent()

    class _Cell:
        _tc = tc

    if tc.tag == qn("w:tc"):
        return container_width_mm(a.doc, _Cell) - line.para.left_mm - line.para.right_mm
    return container_width_mm(a.doc, a.doc) - line.para.left_mm - line.para.right_mm


# -- number, date, title ---------------------------------------------------------------------------


def _is_cong_van(a: Anatomy) -> bool:
    return a.kind == "CV"


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
    text = re.sub(r"\s+", " ", a.number.text)
    m = NUM_RE.match(text)
    if not m:
        yield (
            _("'{text}' sai dạng (cần 'Số: 22/KH-SGTVT': số dưới 10 thêm 0, không cách quanh '-')", text=a.number.text),
            a.number.where,
        )
        return
    if a.title is not None:
        name = DOC_TYPES.get(m.group(2), "").upper()
        if name and re.sub(r"\s+", " ", a.title.text) != name:
            yield (
                _("mã loại {v} ({name}) không khớp tên loại '{text}'", v=m.group(2), name=name, text=a.title.text),
                a.number.where,
            )


@fixes("NUM-01")
def fix_number_spacing(a: Anatomy) -> list[str]:
    """'Số:  2114/TTr-SNV' → 'Số: 2114/TTr-SNV' (a blank left for the number stays)."""
    if a.number is None:
        return []
    if edit.edit_text(a.number.elements, lambda s: re.sub(r"^(\s*Số:) {2,}(?=\d)", r"\1 ", s)):
        return [_("'Số:' cách số một dấu cách")]
    return []


@rule(
    "NUM-02",
    "error",
    "NĐ30 Phụ lục I: số, ký hiệu công văn (nd30-format §3.2)",
    N_("Công văn: 'Số: 123/SGTVT-VP', không có tên loại, có dòng 'V/v'"),
)
def number_cong_van(a: Anatomy):
    if not _is_cong_van(a):
        raise NotEvaluated(_("không phải công văn"))
    text = re.sub(r"\s+", " ", a.number.text) if a.number else ""
    if a.number is None or not CV_RE.match(text):
        yield _("số, ký hiệu công văn sai dạng (cần 'Số: 123/SGTVT-VP')"), a.number.where if a.number else None
    elif text.split("/", 1)[1].split("-")[0] in DOC_TYPES:
        yield _("công văn không dùng mã loại văn bản trong ký hiệu"), a.number.where
    if not a.vv:
        yield _("công văn thiếu dòng trích yếu 'V/v …'"), a.number.where if a.number else None


@rule(
    "NUM-03",
    "error",
    "NĐ30 Phụ lục I: số, ký hiệu cỡ 13, đứng (nd30-format §3)",
    N_("'Số: …' cỡ 13, không đậm, không nghiêng, giữa dưới tên cơ quan"),
)
def number_style(a: Anatomy):
    if a.number is None:
        raise NotEvaluated(_("không có dòng 'Số'"))
    n = a.number
    fmts = [f for t, f in n.runs if t.strip()]
    if any(f.size != 13 or f.bold or f.italic for f in fmts):
        bad = next(f for f in fmts if f.size != 13 or f.bold or f.italic)
        size = f"{bad.size:g}" if bad.size else "?"
        yield (
            _("'Số' cỡ {size}{bold}; cần cỡ 13, không đậm, đứng", size=size, bold=_(", đậm") if bad.bold else ""),
            n.where,
        )
    if re.search(r" -|- ", n.text.split("/", 1)[-1]):
        yield _("ký hiệu có khoảng trắng quanh '-'"), n.where
    if a.header_layout == "table" and _not_centred(a, n):
        yield _("dòng 'Số' không căn giữa dưới tên cơ quan (căn '{v}')", v=n.para.alignment or "left"), n.where


@fixes("NUM-03")
def fix_number_style(a: Anatomy) -> list[str]:
    out: list[str] = []
    if a.number is None:
        return out

    def close_up(s: str) -> str:  # "Số: 12/KH - UBND" → "Số: 12/KH-UBND"
        head, slash, tail = s.partition("/")
        return head + slash + re.sub(r"\s*-\s*", "-", tail) if slash else s

    if edit.edit_text(a.number.elements, close_up):
        out.append(_("ký hiệu: bỏ khoảng trắng quanh '-'"))
    if _fix_line_format([a.number], (13, 13), False, False):
        out.append(_("dòng 'Số': cỡ 13, không đậm, đứng"))
    return out


def _date_text(line: Line) -> str:
    return re.sub(r"\s+", " ", line.text).strip()


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
    text = _date_text(a.date)
    if not (DATE_RE.match(text) or BLANK_DATE_RE.match(text)):
        yield (
            _("'{text}' sai dạng (ngày dưới 10 và tháng 1, 2 thêm số 0; tháng 3–12 không thêm)", text=text),
            a.date.where,
        )


def _pad_date(text: str) -> str:
    def day(m: re.Match) -> str:
        return f"{m.group(1)}{int(m.group(2)):02d}"

    def month(m: re.Match) -> str:
        n = int(m.group(2))
        return f"{m.group(1)}{n:02d}" if n <= 2 else f"{m.group(1)}{n}"

    text = re.sub(r"(ngày\s+)(\d{1,2})(?=\s+tháng)", day, text)
    return re.sub(r"(tháng\s+)(\d{1,2})(?=\s+năm)", month, text)


@fixes("DATE-01")
def fix_date(a: Anatomy) -> list[str]:
    if a.date is not None and edit.edit_text(a.date.elements, _pad_date):
        return [_("ngày tháng: ngày dưới 10 và tháng 1, 2 thêm số 0; tháng 3–12 bỏ số 0")]
    return []


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


TITLE_NAMES = {n.upper() for n in DOC_TYPES.values()} | {"CÔNG ĐIỆN", "QUYẾT ĐỊNH", "NGHỊ QUYẾT"}


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
    text = re.sub(r"\s+", " ", t.text)
    if text not in TITLE_NAMES:
        yield _("tên loại '{text}' không thuộc Phụ lục III", text=t.text), t.where
    if not (t.all_bold and _size_in(t, 13, 14) and t.centred):
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
        if not (s.all_bold and not s.run.italic and _size_in(s, 13, 14) and (s.centred or s.in_table)):
            yield (
                _(
                    "trích yếu {v}, căn '{alignment}'; cần đậm, đứng, cỡ 13–14, giữa",
                    v=_fmt(s),
                    alignment=s.para.alignment,
                ),
                s.where,
            )
    width = max(min(text_width_mm(s.text, s.run.size or 14, True), _cell_width(a, s)) for s in a.summary)
    rl = a.summary_rule
    if a.summary_shapes:
        length = max(sh.length_mm for sh in a.summary_shapes)
    elif rl is not None and rl.text:  # typed "_____"
        length = text_width_mm(rl.text, rl.run.size or 14, rl.run.bold)
    elif rl is not None:
        length = _cell_width(a, rl)
    else:
        yield _("không có đường kẻ dưới trích yếu"), a.summary[-1].where
        return
    if not RULE_MIN * width - MM_TOL <= length <= RULE_MAX * width + MM_TOL:
        yield (
            _(
                "đường kẻ dài {length:.0f} mm; trích yếu rộng {width:.0f} mm (cần {v:.0f}–{v2:.0f} mm)",
                length=length,
                width=width,
                v=width / 3,
                v2=width / 2,
            ),
            a.summary[-1].where,
        )


@rule(
    "CV-01",
    "error",
    "NĐ30 Phụ lục I: trích yếu công văn (nd30-format §3)",
    N_("Công văn: dòng 'V/v …' cỡ 12–13, không đậm, giữa ô trái"),
)
def cong_van_summary(a: Anatomy):
    if not a.vv:
        raise NotEvaluated(_("không phải công văn"))
    for line in a.vv:
        if line.all_bold or not _size_in(line, 12, 13) or not (line.centred or not line.in_table):
            yield _("dòng V/v {v}; cần cỡ 12–13, không đậm, giữa", v=_fmt(line)), line.where
            break


@rule(
    "KG-01",
    "error",
    "NĐ30 Phụ lục I: Kính gửi (nd30-format §3.8)",
    N_("'Kính gửi:' cỡ 13–14, đứng; nhiều nơi: '- …;' và dòng cuối '.'"),
)
def kinh_gui(a: Anatomy):
    if not a.kinh_gui:
        raise NotEvaluated(_("không có 'Kính gửi'"))
    head = a.kinh_gui[0]
    if head.run.italic or not _size_in(head, 13, 14):
        yield _("'Kính gửi' {v}; cần đứng, cỡ 13–14", v=_fmt(head)), head.where
    items = a.kinh_gui[1:]
    for i, ln in enumerate(items):
        end = "." if i == len(items) - 1 else ";"
        if not ln.text.rstrip().endswith(end):
            yield _("dòng nơi gửi cần kết thúc bằng '{end}'", end=end), ln.where


@rule(
    "CANCU-01",
    "error",
    "NĐ30 Phụ lục I: căn cứ ban hành (nd30-format §3.5)",
    N_("Căn cứ in nghiêng, cỡ 13–14; mỗi dòng kết thúc ';', dòng cuối '.' (hoặc ';' khi có 'Theo đề nghị')"),
)
def can_cu(a: Anatomy):
    if not a.basis:
        raise NotEvaluated(_("không có căn cứ"))
    for i, line in enumerate(a.basis):
        if not (line.run.italic and _size_in(line, 13, 14)):
            yield _("căn cứ {v}; cần nghiêng, cỡ 13–14", v=_fmt(line)), line.where
        last = i == len(a.basis) - 1
        # "Theo đề nghị …" closes the căn cứ: then every căn cứ line ends ";".
        end = "." if last and a.proposal is None else ";"
        if not line.text.rstrip().endswith(end):
            which = _("dòng căn cứ cuối") if end == "." else _("dòng căn cứ")
            yield _("{which} cần kết thúc bằng '{end}'", which=which, end=end), line.where


# -- structure -------------------------------------------------------------------------------------

ROMAN_HEAD = re.compile(r"^([IVXLC]+)\.\s")


@rule(
    "STRUCT-01",
    "warning",
    "Phụ lục I (thông lệ Kế hoạch/Báo cáo; nd30-format §3.5 [U])",
    N_("Mục lớn 'I. TÊN MỤC' in hoa, đậm, số La Mã liên tục"),
)
def roman_headings(a: Anatomy):
    from generator.nd30.numbering import roman

    heads = [ln for ln in a.body if ROMAN_HEAD.match(ln.numbered)]
    if not heads:
        raise NotEvaluated(_("không có mục đánh số La Mã"))
    for i, ln in enumerate(heads, start=1):
        number, _dot, title = ln.numbered.partition(". ")
        if number != roman(i):
            yield _("mục '{number}.' không liền số (cần {v}.)", number=number, v=roman(i)), ln.where
        if title != title.upper() or not ln.run.bold:
            yield _("tên mục lớn cần in hoa, đậm"), ln.where


@rule("STRUCT-02", "warning", "Phụ lục I (thông lệ; nd30-format §3.5 [U])", N_("Mục '1.', điểm 'a)' đánh số liên tục"))
def numbered_items(a: Anatomy):
    from generator.nd30.numbering import point_letter

    expect_num, expect_letter = 1, 1
    in_khoan = False
    wrong_forms: set[str] = set()
    for ln in a.body:
        text = ln.numbered
        # Under a khoản "1.", the third level is "a)": not "1.1.", "(1)" or "a." (nd30-format §7 STRUCT-02).
        form = re.match(r"^(\d+\.\d+\.?|\(\d+\)|[a-zđ]\.)\s", text)
        if in_khoan and form:
            kind = re.sub(r"\d+", "1", re.sub(r"[a-zđ]", "a", form.group(1)))
            if kind not in wrong_forms:
                wrong_forms.add(kind)
                yield _("điểm đánh số '{v}', cần dạng 'a)'", v=form.group(1)), ln.where
            continue
        # Each Phần/Chương/Mục/Điều and each Roman part starts its khoản from 1 again.
        if ROMAN_HEAD.match(text) or ARTICLE.match(text) or HEADING_RE.match(text):
            expect_num, expect_letter = 1, 1
            in_khoan = False
            continue
        m = re.match(r"^(\d+)\.\s", text)
        if m:
            if int(m.group(1)) != expect_num:
                yield _("khoản '{v}.' không liền số (cần {expect_num}.)", v=m.group(1), expect_num=expect_num), ln.where
            expect_num = int(m.group(1)) + 1
            expect_letter = 1
            in_khoan = True
            continue
        m = re.match(r"^([a-zđ])\)\s", text)
        if m:
            if m.group(1) != point_letter(expect_letter):
                yield _("điểm '{v})' không liền (cần {v2}))", v=m.group(1), v2=point_letter(expect_letter)), ln.where
            expect_letter = _letter_index(m.group(1)) + 1


ARTICLE = re.compile(r"^Điều\s+\d+\s*[.:]")


def _letter_index(letter: str) -> int:
    from generator.nd30.numbering import POINT_LETTERS

    return POINT_LETTERS.index(letter) + 1 if letter in POINT_LETTERS else 1


@rule("END-01", "warning", "Mẫu 1.4 Phụ lục III (thông lệ [K]; nd30-format §3.5)", N_("Nội dung kết thúc bằng './.'"))
def end_mark(a: Anatomy):
    if not a.body:
        raise NotEvaluated(_("không có phần nội dung"))
    if not a.body[-1].text.rstrip().endswith("./."):
        yield _("đoạn cuối của nội dung không kết thúc bằng './.'"), a.body[-1].where


# -- signature and recipients ----------------------------------------------------------------------


def _need_signature(a: Anatomy) -> None:
    if not a.authority:
        raise NotEvaluated(_("không tìm thấy phần chữ ký (chức vụ, họ tên người ký)"))


@rule(
    "SIG-01",
    "error",
    "NĐ30 Điều 13, Phụ lục I: thẩm quyền ký (nd30-format §3.6)",
    N_("TM./KT./TL./TUQ./Q. viết hoa có dấu chấm và dấu cách; in hoa, đậm, 13–14, giữa"),
)
def signature_prefix(a: Anatomy):
    _need_signature(a)
    caps = [ln for ln in a.authority if ln.all_caps]
    for ln in caps:
        if BAD_PREFIX.match(ln.text):
            yield _("'{text}': viết tắt thẩm quyền sai (dùng TM./KT./TL./TUQ./Q.)", text=ln.text), ln.where
        if not (ln.all_bold and _size_in(ln, 13, 14)):
            yield _("chức vụ người ký {v}; cần in hoa, đậm, cỡ 13–14", v=_fmt(ln)), ln.where
        if _not_centred(a, ln):
            yield _("chức vụ người ký không căn giữa (căn '{v}')", v=ln.para.alignment or "left"), ln.where


@rule("SIG-02", "error", "NĐ30 Phụ lục I: ký thay (nd30-format §3.6)", N_("Sau 'KT. …' là chức vụ cấp phó"))
def signature_deputy(a: Anatomy):
    _need_signature(a)
    texts = [re.sub(r"\s+", " ", ln.text) for ln in a.authority]
    kt = [i for i, t in enumerate(texts) if re.match(r"^KT\.\s*", t)]
    if not kt:
        raise NotEvaluated(_("không ký thay"))
    for i in kt:
        # A deputy's title is "PHÓ …", or a title of its own (THỨ TRƯỞNG under KT. BỘ TRƯỞNG).
        if i + 1 >= len(texts) or not DEPUTY_RE.match(texts[i + 1]):
            yield _("sau 'KT. …' cần chức vụ cấp phó ('PHÓ …', 'THỨ TRƯỞNG')"), a.authority[i].where


@rule(
    "SIG-03",
    "error",
    "NĐ30 Phụ lục I: họ tên người ký (nd30-format §3.6)",
    N_("Họ tên người ký đậm, 13–14, giữa, không in hoa toàn bộ, không học hàm/học vị"),
)
def signature_name(a: Anatomy):
    _need_signature(a)
    name = a.signer
    if name is None:
        raise NotEvaluated(_("chưa có họ tên người ký"))
    if not (name.all_bold and _size_in(name, 13, 14)):
        yield _("họ tên {v}; cần đậm, cỡ 13–14", v=_fmt(name)), name.where
    if DEGREES.match(name.text):
        yield _("họ tên có học hàm/học vị '{v}'", v=name.text.split()[0]), name.where
    if _not_centred(a, name):
        yield _("họ tên người ký không căn giữa (căn '{v}')", v=name.para.alignment or "left"), name.where


@rule(
    "NN-01",
    "error",
    "NĐ30 Phụ lục I: Nơi nhận (nd30-format §3.8)",
    N_("'Nơi nhận:' cỡ 12, đậm, nghiêng, căn trái"),
)
def noi_nhan_head(a: Anatomy):
    if not a.recipients:
        yield _("không có 'Nơi nhận:'"), None
        return
    head = a.recipients[0]
    if re.sub(r"\s+", " ", head.text) != "Nơi nhận:":
        yield _("dòng đầu là '{text}', cần 'Nơi nhận:'", text=head.text), head.where
    if not (head.all_bold and head.run.italic and head.run.size == 12):
        yield _("'Nơi nhận:' {v}; cần cỡ 12, đậm, nghiêng", v=_fmt(head)), head.where
    if head.para.alignment not in (None, "left", "start", "both"):
        yield _("'Nơi nhận:' căn '{alignment}', cần căn trái", alignment=head.para.alignment), head.where


@fixes("NN-01")
def fix_noi_nhan_head(a: Anatomy) -> list[str]:
    out: list[str] = []
    if a.recipients and re.match(r"^Nơi\s*nhận", a.recipients[0].text):
        head = a.recipients[0]
        if edit.edit_text(head.elements, lambda s: re.sub(r"Nơi\s+nhận\s*:", "Nơi nhận:", s, count=1)):
            out.append(_("'Nơi nhận:' viết liền, không cách trước ':'"))
        if _fix_line_format([head], (12, 12), True, True):
            out.append(_("'Nơi nhận:': cỡ 12, đậm, nghiêng"))
    return out


def _recipient_lines(a: Anatomy) -> list[Line]:
    if not a.recipients:
        raise NotEvaluated(_("không có Nơi nhận"))
    lines = a.recipients[1:]
    luu = next((i for i, ln in enumerate(lines) if re.match(r"^-?\s*Lưu\b", ln.text)), None)
    return lines[: luu + 1] if luu is not None else lines


@rule("NN-02", "error", "NĐ30 Phụ lục I: Nơi nhận (nd30-format §3.8)", N_("Mỗi nơi nhận '- …;' cỡ 11, không đậm"))
def noi_nhan_lines(a: Anatomy):
    lines = _recipient_lines(a)
    for i, ln in enumerate(lines):
        if not ln.text.startswith("-") and ln.label not in ("-", "–"):
            yield _("'{v}' cần bắt đầu bằng '- '", v=ln.text[:40]), ln.where
        if ln.run.size != 11 or ln.run.bold:
            yield _("nơi nhận {v}; cần cỡ 11, không đậm", v=_fmt(ln)), ln.where
        if i < len(lines) - 1 and not ln.text.rstrip().endswith(";"):
            yield _("'{v}' cần kết thúc bằng ';'", v=ln.text[:40]), ln.where


@fixes("NN-02")
def fix_noi_nhan_lines(a: Anatomy) -> list[str]:
    try:
        lines = _recipient_lines(a)
    except NotEvaluated:
        return []
    if _fix_line_format(lines, (11, 11), False, None):
        return [_("các dòng nơi nhận: cỡ 11, không đậm")]
    return []


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
    if not LUU_RE.match(re.sub(r"\s+", " ", last.text).strip()):
        yield _("dòng cuối '{v}' cần dạng '- Lưu: VT, VP.'", v=last.text[:40]), last.where


@fixes("NN-03")
def fix_luu(a: Anatomy) -> list[str]:
    try:
        lines = _recipient_lines(a)
    except NotEvaluated:
        return []
    if not lines or not re.match(r"^-\s*Lưu\b", lines[-1].text):
        return []
    last = lines[-1]
    if last.text.rstrip().endswith("."):
        return []

    def close(s: str) -> str:
        # Only this line's text: the paragraph may hold more lines (line breaks) before it.
        head, sep, tail = s.rpartition(last.text.rstrip(";, ")) if last.text.rstrip(";, ") in s else ("", "", s)
        return head + sep + re.sub(r"[;,]?\s*$", ".", tail, count=1) if sep else re.sub(r"[;,]?\s*$", ".", s, count=1)

    if edit.edit_text(last.elements, close):
        return [_("thêm dấu '.' cuối dòng '- Lưu'")]
    return []


# -- capitalisation --------------------------------------------------------------------------------


@rule(
    "CAP-01",
    "warning",
    "NĐ30 Phụ lục II: viết hoa (nd30-format §6)",
    N_("Trong câu không viết tên cơ quan in hoa toàn bộ"),
)
def caps_in_body(a: Anatomy):
    names = [re.sub(r"\s+", " ", ln.text) for ln in a.agency + a.parent]
    if not names:
        raise NotEvaluated(_("không có tên cơ quan để đối chiếu"))
    for ln in a.body:
        if HEADING_RE.match(ln.numbered) or ln.all_caps:
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
        # "điều 5", "điều 256a": a cited article is always "Điều" (nd30-format §6.5).
        for m in re.finditer(r"(?<![\w])điều (\d+[a-zđ]?)(?![\w/])", ln.text):
            yield _("'{v}' cần viết hoa khi viện dẫn", v=m.group(0)), ln.where
        for m in re.finditer(r"\b(chương|phần) (\d+|[IVXLC]+)\b", ln.text):
            before = ln.text[: m.start()].rstrip()
            if before.endswith(("khoản", "điểm")) or re.search(r"(khoản \d+|điểm [a-zđ])$", before):
                yield _("'{v}' cần viết hoa khi viện dẫn", v=m.group(0)), ln.where
        for m in re.finditer(r"\b(Khoản|Điểm) (\d+|[a-zđ])\b (?:khoản|Điều)", ln.text):
            yield _("'{v}' cần viết thường khi viện dẫn", v=m.group(1)), ln.where
