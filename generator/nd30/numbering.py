"""Numbers and symbols: the document types of ND30 Phụ lục III, số/ký hiệu, and body numbering."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

from generator.nd30.dates import BLANK

# ND30 Phụ lục III: tên loại → abbreviation (mixed case kept: QyĐ, CTr, TTr).
DOC_TYPES: dict[str, str] = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế", "QyĐ": "Quy định",
    "TC": "Thông cáo", "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình", "KH": "Kế hoạch",
    "PA": "Phương án", "ĐA": "Đề án", "DA": "Dự án", "BC": "Báo cáo", "BB": "Biên bản", "TTr": "Tờ trình",
    "HĐ": "Hợp đồng", "CĐ": "Công điện", "BGN": "Bản ghi nhớ", "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền", "GM": "Giấy mời", "GGT": "Giấy giới thiệu", "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi", "PC": "Phiếu chuyển", "PB": "Phiếu báo",
}  # fmt: skip

# Codes of cited kinds that are not in Phụ lục III (normative and Party documents).
CITED_KINDS: dict[str, str] = {
    **{name: code for code, name in DOC_TYPES.items()},
    "Nghị định": "NĐ",
    "Thông tư liên tịch": "TTLT",
    "Thông tư": "TT",
    "Nghị quyết liên tịch": "NQLT",
    "Pháp lệnh": "PL",
}

# Party documents use their own codes for some kinds (Hướng dẫn 36-HD/VPTW): a Party Quy định is
# "QĐ" (268-QĐ/TU), a Kết luận "KL", a Thông tri "TT", a Chương trình "CTr".
PARTY_KINDS: dict[str, str] = {"Quy định": "QĐ", "Kết luận": "KL", "Thông tri": "TT", "Công văn": "CV"}

# Điểm are lettered with the Vietnamese alphabet: no f, j, w, z; đ follows d.
POINT_LETTERS = "abcdđeghiklmnopqrstuvxy"


def type_name(code: str) -> str:
    """The tên loại of a Phụ lục III code, as the title line prints it: KH → KẾ HOẠCH."""
    return DOC_TYPES[code].upper()


def kind_code(kind: str, party: bool = False) -> str | None:
    """The type code of a cited kind, by its longest known prefix: Chương trình phối hợp → CTr;
    a Party body's Quy định → QĐ."""
    for name, code in _longest_first(party):
        if kind == name or kind.startswith(name + " "):
            return code
    return None


@functools.lru_cache(maxsize=2)
def _longest_first(party: bool) -> tuple[tuple[str, str], ...]:
    """kind_code's table, longest names first: sorted once per process, not on every call."""
    table = {**CITED_KINDS, **PARTY_KINDS} if party else CITED_KINDS
    return tuple((name, table[name]) for name in sorted(table, key=len, reverse=True))


def own_number(number: int | None) -> str:
    """The sequence number as ND30 writes it: 01 … 09, 10 …; blank on an unnumbered draft."""
    return BLANK if number is None else f"{number:02d}"


def number_line(number: int | None, type_code: str, agency_code: str) -> str:
    """`Số: 22/KH-SGTVT`, or `Số:      /KH-SGTVT` while the number is not assigned; with no type
    code (a form that has none, such as a công văn) `Số: 15/SXD-VP`."""
    symbol = f"{type_code}-{agency_code}" if type_code else agency_code
    return f"Số:{' ' + own_number(number) if number is not None else BLANK}/{symbol}"


def roman(n: int) -> str:
    """Roman numerals for the top-level parts: 1 → I, 4 → IV."""
    if not 0 < n < 4000:
        raise ValueError(f"cannot write {n} in Roman numerals")
    out = []
    for value, letters in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def point_letter(n: int) -> str:
    """The letter of the n-th điểm (1-based): a, b, c, d, đ, e …; past y, aa, ab …"""
    base = len(POINT_LETTERS)
    if n <= base:
        return POINT_LETTERS[n - 1]
    return point_letter((n - 1) // base) + POINT_LETTERS[(n - 1) % base]


# --- reading -----------------------------------------------------------------------------------
# Readers of the forms above. They accept any `<number>/<code>-<issuer>`, `<number>/<year>/<code>-
# <issuer>` or Party `<number>-<code>/<issuer>` symbol, so new issuers need no change here.
_NUMBER_LINE_RE = re.compile(r"^Số\s*:?\s*(?P<n>\d+)?\s*/\s*(?P<rest>\S+)$")
SYMBOL_PATTERN = (
    r"\d+[a-z]?(?:/\d{4})?/[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-Za-zĐđ0-9]+)*"  # 859/KH-UBND, 59/2023/NĐ-CP
    r"|\d+[a-z]?-[A-ZĐ][A-Za-zĐđ]*/[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-Za-zĐđ0-9]+)*"  # 04-CTr/BDVTU-BCSĐUBND
)
_SYMBOL_RE = re.compile(
    r"^(?P<n>\d+[a-z]?)(?:(?:/(?P<y>\d{4}))?/(?P<state>[^/\s]+)|-(?P<pcode>[^/\s]+)/(?P<party>[^/\s]+))$"
)
_KNOWN_CODES = {*CITED_KINDS.values(), "CV", "TTLT", "QyĐ"}


class Symbol(NamedTuple):
    """A số/ký hiệu read back: 59/2023/NĐ-CP → (59, 2023, NĐ, CP, party=False)."""

    number: str
    number_year: int | None
    code: str | None  # the type code, when the symbol has one
    issuer: str  # the issuer part, dashes kept: BDVTU-BCSĐUBND, QH15
    party: bool


def parse_symbol(text: str) -> Symbol | None:
    """`859/KH-UBND`, `59/2023/NĐ-CP`, `10/2022/QH15`, `04-CTr/BDVTU-BCSĐUBND` → its parts."""
    m = _SYMBOL_RE.match(text.strip())
    if not m:
        return None
    year = int(m["y"]) if m["y"] else None
    if m["party"]:
        return Symbol(m["n"], year, m["pcode"], m["party"], True)
    head, _, tail = m["state"].partition("-")
    if tail and head in _KNOWN_CODES:
        return Symbol(m["n"], year, head, tail, False)
    return Symbol(m["n"], year, None, m["state"], False)


class NumberLine(NamedTuple):
    """What a "Số:" line says; the number is None on an unnumbered draft."""

    number: int | None
    type_code: str | None
    agency_code: str


def parse_number_line(text: str) -> NumberLine | None:
    """`Số: 22/KH-SGTVT` → (22, KH, SGTVT); `Số:      /KH-UBND` → (None, KH, UBND)."""
    m = _NUMBER_LINE_RE.match(" ".join(unicodedata.normalize("NFC", text).split()))
    if not m:
        return None
    head, _, tail = m["rest"].partition("-")
    number = int(m["n"]) if m["n"] else None
    if tail and head in DOC_TYPES:
        return NumberLine(number, head, tail)
    return NumberLine(number, None, m["rest"])


def parse_type_name(text: str) -> str | None:
    """The Phụ lục III code of a tên loại line: KẾ HOẠCH → KH; None for an unknown one."""
    wanted = " ".join(unicodedata.normalize("NFC", text).split()).upper()
    return next((code for code, name in DOC_TYPES.items() if name.upper() == wanted), None)


def parse_roman(text: str) -> int | None:
    """I → 1, IV → 4; None when `text` is not a Roman numeral as roman() writes it."""
    if not text or not re.fullmatch(r"[IVXLCDM]+", text):
        return None
    value = 0
    for ch, nxt in zip(text, [*text[1:], ""], strict=False):
        v = _ROMAN_VALUES[ch]
        value += -v if nxt and _ROMAN_VALUES[nxt] > v else v
    return value if 0 < value < 4000 and roman(value) == text else None


_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def parse_point_letter(text: str) -> int | None:
    """a → 1, đ → 6 (the inverse of point_letter); None when not a point letter."""
    if not text or any(c not in POINT_LETTERS for c in text):
        return None
    n = 0
    for c in text:
        n = n * len(POINT_LETTERS) + POINT_LETTERS.index(c) + 1
    return n
