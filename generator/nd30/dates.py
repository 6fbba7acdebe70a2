"""Dates as Nghị định 30/2020/NĐ-CP writes them: day < 10 and months 1-2 padded with a zero."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import NamedTuple

# ND30 Phụ lục I: the day below 10 and the months 1 and 2 take a leading zero, so that no digit
# can be added later (1 → 11, 2 → 12); months 3-12 are written as they are.
BLANK = "      "  # the space a clerk fills in by hand on an undated draft


def day_str(d: dt.date) -> str:
    """The day of month, padded below 10: 03, 28."""
    return f"{d.day:02d}"


def month_str(d: dt.date) -> str:
    """The month, padded only for January and February: 01, 02, 3 … 12."""
    return f"{d.month:02d}" if d.month <= 2 else str(d.month)


def long_date(d: dt.date | None, year: int | None = None, month: int | None = None) -> str:
    """`ngày 03 tháng 4 năm 2024`; without a date, the blank form of a draft for `year` (and
    `month`, when the draft is dated to the month: `ngày      tháng 3 năm 2026`)."""
    if d is None:
        month_part = f" {month:02d} " if month is not None and month <= 2 else f" {month} " if month else BLANK
        return f"ngày{BLANK}tháng{month_part}năm {year if year is not None else BLANK}"
    return f"ngày {day_str(d)} tháng {month_str(d)} năm {d.year}"


def short_date(d: dt.date) -> str:
    """`03/4/2024`, `05/01/2024`: the form used inside the body and in citations."""
    return f"{day_str(d)}/{month_str(d)}/{d.year}"


def date_line(place: str, d: dt.date | None, year: int | None = None, month: int | None = None) -> str:
    """The place-and-date line of the header: `Tây Ninh, ngày 03 tháng 4 năm 2024`."""
    return f"{place}, {long_date(d, year, month)}"


def add_years(d: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


# --- reading -----------------------------------------------------------------------------------
# The readers accept what a clerk types (no padding, extra spaces) and return the date; whether
# the writer would print the same words is the caller's check (compare with long_date/short_date).
SHORT_DATE_PATTERN = r"(?P<sd>\d{1,2})\s*/\s*(?P<sm>\d{1,2})\s*/\s*(?P<sy>\d{4})"
LONG_DATE_PATTERN = r"ngày\s+(?P<ld>\d{1,2})\s+tháng\s+(?P<lm>\d{1,2})\s+năm\s+(?P<ly>\d{4})"
_SHORT_RE = re.compile(rf"^{SHORT_DATE_PATTERN}$")
_LONG_RE = re.compile(rf"^{LONG_DATE_PATTERN}$")
# "Tây Ninh, ngày 03 tháng 4 năm 2024"; a draft leaves day, month or year blank.
_DATE_LINE_RE = re.compile(
    r"^(?P<place>[^,]+?)\s*,\s*ngày\s*(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?\s*năm\s*(?P<y>\d{4})?\s*\.?$"
)


def _date(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_short_date(text: str) -> dt.date | None:
    """`03/4/2024` (or `3/4/2024`) → the date; None when it is not one."""
    m = _SHORT_RE.match(text.strip())
    return _date(m["sy"], m["sm"], m["sd"]) if m else None


class NoSuchDateError(ValueError):
    """Written as a date, but no such day exists (31/02/2025)."""


def read_typed_date(text: str) -> dt.date | None:
    """A date as a clerk types it, short form (03/4/2024) or ISO (2024-04-03); None when the text is
    neither form, NoSuchDateError when it is one of them but names no real day."""
    text = text.strip()
    m = _SHORT_RE.match(text)
    parts = (m["sy"], m["sm"], m["sd"]) if m else None
    if parts is None and (iso := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)):
        parts = iso.groups()
    if parts is None:
        return None
    day = _date(*parts)
    if day is None:
        raise NoSuchDateError(text)
    return day


def parse_long_date(text: str) -> dt.date | None:
    """`ngày 03 tháng 4 năm 2024` → the date; None when it is not one."""
    m = _LONG_RE.match(" ".join(unicodedata.normalize("NFC", text).split()))
    return _date(m["ly"], m["lm"], m["ld"]) if m else None


class DateLine(NamedTuple):
    """What a date line says: the place, the date when complete, the year, the month when given."""

    place: str
    date: dt.date | None
    year: int | None
    month: int | None = None


def parse_date_line(text: str) -> DateLine | None:
    """`Tây Ninh, ngày 03 tháng 4 năm 2024` → (Tây Ninh, 2024-04-03, 2024); None if not a date line."""
    m = _DATE_LINE_RE.match(" ".join(unicodedata.normalize("NFC", text).split()))
    if not m:
        return None
    year = int(m["y"]) if m["y"] else None
    month = int(m["m"]) if m["m"] else None
    day = _date(m["y"], m["m"], m["d"]) if m["y"] and m["m"] and m["d"] else None
    return DateLine(m["place"].strip(), day, year, month)
