import datetime as dt

import pytest

from generator.nd30.dates import date_line, long_date, short_date
from generator.nd30.text import environment

D = dt.date


@pytest.mark.parametrize(
    ("d", "long", "short"),
    [
        (D(2024, 4, 3), "ngày 03 tháng 4 năm 2024", "03/4/2024"),
        (D(2024, 1, 5), "ngày 05 tháng 01 năm 2024", "05/01/2024"),
        (D(2023, 2, 28), "ngày 28 tháng 02 năm 2023", "28/02/2023"),
        (D(2024, 3, 25), "ngày 25 tháng 3 năm 2024", "25/3/2024"),
        (D(2023, 3, 12), "ngày 12 tháng 3 năm 2023", "12/3/2023"),
        (D(2024, 12, 31), "ngày 31 tháng 12 năm 2024", "31/12/2024"),
        (D(2024, 10, 9), "ngày 09 tháng 10 năm 2024", "09/10/2024"),
    ],
)
def test_nd30_padding(d: dt.date, long: str, short: str) -> None:
    assert long_date(d) == long
    assert short_date(d) == short


def test_date_line_and_blank_draft() -> None:
    assert date_line("Tây Ninh", D(2024, 4, 3)) == "Tây Ninh, ngày 03 tháng 4 năm 2024"
    assert date_line("Tây Ninh", None, 2025) == "Tây Ninh, ngày      tháng      năm 2025"


def test_jinja_filters() -> None:
    tpl = environment().from_string("{{ d | long_date }} / {{ d | short_date }}")
    assert tpl.render(d=D(2024, 1, 5)) == "ngày 05 tháng 01 năm 2024 / 05/01/2024"
