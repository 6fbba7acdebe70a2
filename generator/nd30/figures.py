"""Numbers as Vietnamese documents print them (1.234.567; 12,5), through Babel's locale data."""

from __future__ import annotations

import functools
from decimal import Decimal

from babel.numbers import format_decimal

LOCALE = "vi_VN"


def vn_number(value: float | int | Decimal | None) -> str:
    """`1234567` → `1.234.567`, `12.5` → `12,5`; None → empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if type(value) in (int, float):  # the same figures recur across a batch: formatted once
        return _formatted(type(value), value)
    return format_decimal(value, locale=LOCALE)


@functools.lru_cache(maxsize=4096)
def _formatted(_type: type, value: float | int) -> str:  # the type is in the key: 1 and 1.0 differ
    return format_decimal(value, locale=LOCALE)
