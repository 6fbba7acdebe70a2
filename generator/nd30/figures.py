"""Numbers as Vietnamese documents print them (1.234.567; 12,5), through Babel's locale data."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal

LOCALE = "vi_VN"


def vn_number(value: float | int | Decimal | None) -> str:
    """`1234567` → `1.234.567`, `12.5` → `12,5`; None → empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return format_decimal(value, locale=LOCALE)
