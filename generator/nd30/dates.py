"""Dates as Nghị định 30/2020/NĐ-CP writes them: day < 10 and months 1-2 padded with a zero."""

from __future__ import annotations

import datetime as dt

# ND30 Phụ lục I: the day below 10 and the months 1 and 2 take a leading zero, so that no digit
# can be added later (1 → 11, 2 → 12); months 3-12 are written as they are.
BLANK = "      "  # the space a clerk fills in by hand on an undated draft


def day_str(d: dt.date) -> str:
    """The day of month, padded below 10: 03, 28."""
    return f"{d.day:02d}"


def month_str(d: dt.date) -> str:
    """The month, padded only for January and February: 01, 02, 3 … 12."""
    return f"{d.month:02d}" if d.month <= 2 else str(d.month)


def long_date(d: dt.date | None, year: int | None = None) -> str:
    """`ngày 03 tháng 4 năm 2024`; without a date, the blank form of a draft for `year`."""
    if d is None:
        return f"ngày{BLANK}tháng{BLANK}năm {year if year is not None else BLANK}"
    return f"ngày {day_str(d)} tháng {month_str(d)} năm {d.year}"


def short_date(d: dt.date) -> str:
    """`03/4/2024`, `05/01/2024`: the form used inside the body and in citations."""
    return f"{day_str(d)}/{month_str(d)}/{d.year}"


def date_line(place: str, d: dt.date | None, year: int | None = None) -> str:
    """The place-and-date line of the header: `Tây Ninh, ngày 03 tháng 4 năm 2024`."""
    return f"{place}, {long_date(d, year)}"


def add_years(d: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)
