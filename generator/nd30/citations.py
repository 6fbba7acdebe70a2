"""Citations of other documents, built from structured references so every document cites alike."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from generator.data.model import Body, Reference
from generator.errors import DataError, Place
from generator.i18n import _
from generator.nd30.dates import (
    LONG_DATE_PATTERN,
    SHORT_DATE_PATTERN,
    long_date,
    parse_long_date,
    parse_short_date,
    short_date,
)
from generator.nd30.numbering import CITED_KINDS, SYMBOL_PATTERN, Symbol, kind_code, parse_symbol


def _issuer_code(ref: Reference, bodies: Mapping[str, Body], place: Place | None) -> str:
    if ref.issuer_code:
        return ref.issuer_code
    codes = [bodies[b].code for b in ref.issuers]
    for body_id, c in zip(ref.issuers, codes, strict=True):
        if c is None:
            raise DataError(
                _(
                    "cơ quan ban hành '{body}' ({name}) chưa có 'code' để viết ký hiệu của văn bản dẫn chiếu; "
                    "thêm 'code' vào cơ quan đó trong danh mục cơ quan, hoặc 'issuer_code' vào văn bản",
                    body=body_id,
                    name=bodies[body_id].name,
                ),
                place,
            )
    return "-".join(c for c in codes if c)


def symbol(ref: Reference, bodies: Mapping[str, Body], place: Place | None = None) -> str | None:
    """Số và ký hiệu in the issuer's numbering style, or None for an unnumbered reference.

    State: 859/KH-UBND · Party: 04-CTr/BDVTU-BCSĐUBND · normative: 59/2023/NĐ-CP · law: 10/2022/QH15.
    """
    if ref.number is None:
        return None
    issuer = _issuer_code(ref, bodies, place)
    if ref.kind.startswith("Luật") or ref.kind.startswith("Bộ luật"):
        return f"{ref.number}/{ref.number_year}/{issuer}" if ref.number_year else f"{ref.number}/{issuer}"
    first = bodies[ref.issuers[0]]
    if ref.code is not None:
        code: str | None = ref.code or None  # code: "" states that the ký hiệu has no type code
    else:
        code = kind_code(ref.kind, party=first.party) if first.type_code else None
    if ref.number_year:
        return f"{ref.number}/{ref.number_year}/{code}-{issuer}" if code else f"{ref.number}/{ref.number_year}/{issuer}"
    if first.party:
        if not code:
            raise DataError(_("không biết mã loại của '{kind}'; thêm 'code'", kind=ref.kind), place)
        return f"{ref.number}-{code}/{issuer}"
    return f"{ref.number}/{code}-{issuer}" if code else f"{ref.number}/{issuer}"


def _issuer_phrase(ref: Reference, bodies: Mapping[str, Body]) -> str:
    if ref.issued_as:
        return f"của {ref.issued_as}"
    names = [bodies[b].short or bodies[b].name for b in ref.issuers]
    if len(names) == 1:
        return f"của {names[0]}"
    joined = ", ".join(names[:-1]) + f" và {names[-1]}"
    # A joint programme is "between" its parties; any other joint document is "of" them.
    return f"giữa {joined}" if "phối hợp" in ref.kind else f"của {joined}"


def cite(
    ref: Reference,
    bodies: Mapping[str, Body],
    *,
    issuer: bool = True,
    subject: bool = True,
    place: Place | None = None,
) -> str:
    """The full citation (ND30 viện dẫn): kind, số/ký hiệu, date, issuer, subject; laws by name."""
    if ref.kind.startswith("Luật") or ref.kind.startswith("Bộ luật"):
        text = f"{ref.kind} {ref.name}" if ref.name else ref.kind
        sym = symbol(ref, bodies, place)
        if sym and ref.cite_number:
            text += f" số {sym}"
        if ref.date and ref.cite_date:
            text += f" {long_date(ref.date)}"
        return text
    parts = [short_cite(ref, bodies, place)]
    if ref.date:
        parts.append(long_date(ref.date) if ref.date_form == "long" else f"ngày {short_date(ref.date)}")
    if issuer:
        parts.append(_issuer_phrase(ref, bodies))
    if subject and ref.subject:
        parts.append(f"{ref.link} {ref.subject}" if ref.link else ref.subject)
    return " ".join(parts)


def short_cite(ref: Reference, bodies: Mapping[str, Body], place: Place | None = None) -> str:
    """The later-citation form: kind and số/ký hiệu ("Kế hoạch số 859/KH-UBND"); laws by name."""
    if ref.kind.startswith("Luật") or ref.kind.startswith("Bộ luật"):
        return f"{ref.kind} {ref.name}" if ref.name else ref.kind
    sym = symbol(ref, bodies, place)
    return f"{ref.kind} số {sym}" if sym else ref.kind


# --- reading -----------------------------------------------------------------------------------
# The reader of the forms above: a citation in running text or a căn cứ line, back into its
# parts. Where a citation ends is a judgement (a subject has no closing mark), so the importer
# keeps a citation only when cite() of what was read gives back the same words.
_LOWER_WORD = r"[a-zàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]+"
_KINDS = sorted({*CITED_KINDS, "Công văn", "Thông báo", "Kết luận", "Quy định", "Hiến pháp"}, key=len, reverse=True)
_CITE_RE = re.compile(
    r"(?:(?P<law>Bộ luật|Luật)\s+(?P<name>[^;:.,“”()]{1,150}?)"
    r"|(?P<kind>(?:" + "|".join(map(re.escape, _KINDS)) + rf")(?:\s+(?!số\b){_LOWER_WORD}){{0,3}}?))"
    rf"\s+số\s+(?P<sym>{SYMBOL_PATTERN})"
    rf"(?P<comma>\s*,)?(?:\s+(?:ngày\s+{SHORT_DATE_PATTERN}|{LONG_DATE_PATTERN}))?"
)
# A law cited by its name and date, without its number: "Luật Tổ chức chính quyền địa phương ngày
# 19 tháng 6 năm 2015" (cite() prints it so with `cite_date: true` and no number).
_LAW_RE = re.compile(rf"(?P<law>Bộ luật|Luật)\s+(?P<name>[^;:.“”()]{{1,150}}?)\s+{LONG_DATE_PATTERN}")
_LINKS = ("về việc ", "về ")
# Words that usually open a subject with its own verb ("của UBND tỉnh ban hành Quy định …").
_SUBJECT_VERBS = ("ban hành ", "quy định ", "hướng dẫn ", "thực hiện ", "phê duyệt ", "sửa đổi ", "triển khai ",
                  "tăng cường ", "tổ chức ", "công bố ", "quy định ", "chỉ đạo ", "“")  # fmt: skip
# A citation ends at a stop mark, or where emphasis marks or a {{ variable }} begin.
_STOPS = re.compile(r";|\.\.\.|\.(?=[\s*]|$)|,\s*\.\.\.|:|\n|\*|\{\{")


@dataclass(frozen=True)
class FoundCitation:
    """A citation read from text: where it is and what it says."""

    start: int
    end: int
    kind: str
    symbol: Symbol | None  # None: a law cited by name and date only
    name: str | None = None  # a law's name
    date: dt.date | None = None
    date_form: str = "short"
    comma: bool = False  # a comma before "ngày" (ND30 writes none)
    issuer_phrase: str | None = None  # after "của": "UBND tỉnh"; "Ban A và Ban B" after "giữa"
    joint: bool = False  # "giữa A và B"
    link: str | None = None  # "về việc", "về", "" (subject with its own verb), None: no subject
    subject: str | None = None
    short_end: int = 0  # where the words short_cite() prints end: after the số/ký hiệu (a law: its name)


def _stop(text: str, pos: int, limit: int) -> int:
    """The end of a citation starting its tail at `pos`: the first stop mark outside quotes."""
    depth = parens = 0
    i = pos
    while i < limit:
        ch = text[i]
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth = max(0, depth - 1)
        elif ch == "(":
            parens += 1
        elif ch == ")":
            if parens == 0:
                return i  # the citation was inside brackets: "(… của Chính phủ)"
            parens -= 1
        elif depth == 0 and _STOPS.match(text, i):
            return i
        i += 1
    return limit


def find_citations(text: str, issuers: Iterable[str] = ()) -> list[FoundCitation]:
    """Every citation in `text`, in order; `issuers` are known issuer names that end an issuer
    phrase ("của Tỉnh ủy thực hiện …": the subject starts after the known name)."""
    known = sorted({n for n in issuers if n}, key=len, reverse=True)
    matches = list(_CITE_RE.finditer(text))
    found: list[FoundCitation] = []
    for k, m in enumerate(matches):
        symbol = parse_symbol(m["sym"])
        if symbol is None:
            continue
        kind = m["law"] or m["kind"]
        name = m["name"]
        date = None
        form = "short"
        if m["sd"]:
            date = parse_short_date(f"{m['sd']}/{m['sm']}/{m['sy']}")
        elif m["ld"]:
            date, form = parse_long_date(f"ngày {m['ld']} tháng {m['lm']} năm {m['ly']}"), "long"
        limit = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        end = m.end()
        tail = text[end:limit]
        phrase = link = subject = None
        joint = False
        if tail.startswith((" của ", " giữa ")):
            joint = tail.startswith(" giữa ")
            skip = 6 if joint else 5
            stop = _stop(text, end + skip, limit)
            rest = text[end + skip : stop]
            # Before the next citation, "," or " và " belongs to the list, not to this one.
            rest = re.sub(r"(,|\s+và)\s*$", "", rest) if stop == limit and k + 1 < len(matches) else rest
            who = next((n for n in known if rest == n or rest.startswith(n + " ")), None)
            if who is not None and joint and rest[len(who) :].startswith((", ", " và ")):
                who = None  # the first of the parties a joint document lists: the list goes on
            if who is None:
                cut = min(
                    (i for i in (rest.find(" " + w) for w in (*_LINKS, *_SUBJECT_VERBS)) if i > 0), default=len(rest)
                )
                who = rest[:cut]
            phrase = who
            after = rest[len(who) :].lstrip(" ")
            if after:
                link = next((lk.strip() for lk in _LINKS if after.startswith(lk)), "")
                subject = after[len(link) :].lstrip(" ") if link else after
            end = end + skip + len(rest.rstrip())
        elif not m["law"] and tail[:1] == " " and tail.lstrip().startswith(_LINKS):
            stop = _stop(text, end + 1, limit)
            after = text[end + 1 : stop].rstrip()
            link = next(lk.strip() for lk in _LINKS if after.startswith(lk))
            subject = after[len(link) + 1 :]
            end = end + 1 + len(after)
        short_end = m.end("name") if m["law"] else m.end("sym")  # where short_cite()'s words end
        citation = FoundCitation(m.start(), end, kind, symbol, name, date, form, bool(m["comma"]), phrase, joint,
                                 link, subject, short_end)  # fmt: skip
        found.append(citation)
    for m in _LAW_RE.finditer(text):
        if any(f.start < m.end() and m.start() < f.end for f in found) or " số " in f" {m['name']} ":
            continue
        date = parse_long_date(f"ngày {m['ld']} tháng {m['lm']} năm {m['ly']}")
        found.append(
            FoundCitation(m.start(), m.end(), m["law"], None, m["name"], date, "long", short_end=m.end("name"))
        )
    return sorted(found, key=lambda f: f.start)
