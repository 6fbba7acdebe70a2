"""Tables of a document: rows inline or read from .csv/.xlsx, checked against their columns."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import math
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.data.load import find_root
from generator.data.model import Cell, Column, TableSpec
from generator.errors import DataError, Place, suggest
from generator.i18n import _
from generator.limits import current, inside, over_limit, read_regular
from generator.nd30.dates import short_date
from generator.nd30.figures import vn_number
from generator.word.package import read_package

STT = "STT"
STT_WIDTH = 0.9  # relative; wide enough that "STT" does not wrap beside columns of width 2-4


@dataclass
class TableData:
    """A table ready to place: heading cells, body rows as text, relative widths."""

    title: str | None
    header: list[str]
    rows: list[list[str]]
    widths: list[float]
    aligns: list[str]  # left | center | right, for the body cells of each column
    bold_rows: list[int] = field(default_factory=list)  # body rows printed bold (group and total rows)

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).casefold()


def _cell_text(value: Any, column: Column, render: Callable[[str], str], where: Callable[[], Place]) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return short_date(value)
    if column.number:
        if isinstance(value, str):
            raw = value.replace(".", "").replace(" ", "").replace(",", ".")
            try:
                value = float(raw) if "." in raw else int(raw)
            except ValueError:
                raise DataError(
                    _("cột '{column}' cần một số, có '{value}'", column=column.title, value=value[:100]), where()
                ) from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise DataError(_("cột '{column}' cần một số, có '{value}'", column=column.title, value=value), where())
        digits = current().number_digits
        if not math.isfinite(value) or not -(10**digits) < value < 10**digits:
            raise DataError(over_limit(_("số chữ số của một số"), len(str(value)), "number_digits"), where())
        return vn_number(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and len(value) > current().text_chars:  # a cell of a table file
        raise DataError(over_limit(_("độ dài văn bản (ký tự)"), len(value), "text_chars"), where())
    return render(unicodedata.normalize("NFC", str(value)).strip())


def read_rows(
    spec: TableSpec, columns: list[Column], base_dir: Path, place: Place
) -> list[tuple[dict[str, Any], Place]]:
    """Rows of a table file as {column key: value}, each with its place (file, sheet, row)."""
    assert spec.file is not None
    root = find_root(base_dir)
    path = (base_dir / spec.file).resolve()
    if not inside(path, root):
        # Refused before it is opened: nothing of a file outside the data may reach a message.
        raise DataError(
            _(
                "tệp bảng '{name}' nằm ngoài thư mục dữ liệu {root} (hay là liên kết ra ngoài); chỉ đọc tệp trong thư mục dữ liệu",
                name=spec.file,
                root=root,
            ),
            place,
        )
    if not path.exists():
        raise DataError(
            _("không tìm thấy tệp bảng '{name}' (tìm ở {path})", name=Path(spec.file).name, path=path), place
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        grid = _read_csv(path, place)
        sheet_label = None
    elif suffix in (".xlsx", ".xlsm"):
        grid, sheet_label = _read_xlsx(path, spec.sheet, place)
    else:
        raise DataError(_("tệp bảng '{name}' phải là .csv hoặc .xlsx", name=spec.file), place)
    label = f"{path.name}" + (f", trang '{sheet_label}'" if sheet_label else "")
    # The heading row: the first row holding every column's heading (a title may stand above it).
    wanted = {c.key: _norm(c.source or c.title) for c in columns}
    start = None
    best: tuple[int, int] = (-1, 0)  # (matches, row) of the closest row, for the error
    for i, row in enumerate(grid):
        headings = {_norm(c): j for j, c in enumerate(row) if str(c or "").strip()}
        matches = sum(1 for w in wanted.values() if w in headings)
        if matches == len(wanted):
            start, index = i, {key: headings[w] for key, w in wanted.items()}
            break
        if matches > best[0]:
            best = (matches, i)
    if start is None:
        if not any(any(str(c or "").strip() for c in row) for row in grid):
            raise DataError(_("{table}: bảng trống", table=label), Place(path))
        row = grid[best[1]]
        found = [str(c) for c in row if str(c or "").strip()]
        have = {_norm(c) for c in found}
        missing = [c.source or c.title for c in columns if _norm(c.source or c.title) not in have]
        raise DataError(
            _(
                "{table}: thiếu cột {missing} ở dòng tiêu đề {row}; có: {found}",
                table=label,
                missing=", ".join(repr(m) for m in missing),
                row=best[1] + 1,
                found=", ".join(found),
            ),
            Place(path, best[1] + 1),
            suggest(missing[0], found),
        )
    out = []
    for r, row in enumerate(grid[start + 1 :], start=start + 2):
        if not any(str(c or "").strip() for c in row):
            continue
        values = {key: (row[j] if j < len(row) else None) for key, j in index.items()}
        out.append((values, functools.partial(Place, label, r)))
    return out


def _bounded(rows: Iterable[Sequence[Any]], label: str, where: Callable[[int], Place]) -> list[list[Any]]:
    """The rows, refused past `table_rows` rows or `table_columns` columns (counted as they come,
    from the cells really there: a declared size is not believed, and not much is read past a limit)."""
    limits = current()
    grid: list[list[Any]] = []
    for r, row in enumerate(rows, start=1):
        if r > limits.table_rows:
            raise DataError(over_limit(_("{table}: số dòng", table=label), r, "table_rows"), where(r))
        width = len(row)
        if width > limits.table_columns:
            while width and row[width - 1] in (None, ""):  # empty cells at the end do not count
                width -= 1
            if width > limits.table_columns:
                raise DataError(over_limit(_("{table}: số cột", table=label), width, "table_columns"), where(r))
            row = row[:width]
        grid.append(list(row))
    return grid


def _read_csv(path: Path, place: Place) -> list[list[Any]]:
    data = read_regular(path, "table_file_bytes", place)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(_("tệp không phải UTF-8 (byte lỗi ở vị trí {at})", at=exc.start), Place(path.name)) from None
    limit = current().text_chars
    csv.field_size_limit(max(limit, csv.field_size_limit()))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _bounded(reader, path.name, lambda r: Place(path.name, r))
    except csv.Error as exc:
        raise DataError(_("tệp CSV hỏng: {reason}", reason=exc), Place(path.name, reader.line_num)) from None


def _read_xlsx(path: Path, sheet: str | None, place: Place) -> tuple[list[list[Any]], str]:
    from openpyxl import load_workbook  # heavy: only when a table comes from Excel

    data = read_package(path, "table_file_bytes", place)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds on a broken file
        raise DataError(_("không đọc được tệp Excel '{name}': {reason}", name=path.name, reason=exc), place) from None
    try:
        if sheet is None:
            if not wb.worksheets:  # only chart sheets
                raise DataError(_("{table}: bảng trống", table=path.name), place)
            ws = wb.worksheets[0]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise DataError(
                _(
                    "tệp '{name}' không có trang '{sheet}'; có: {sheets}",
                    name=path.name,
                    sheet=sheet,
                    sheets=", ".join(wb.sheetnames),
                ),
                place,
                suggest(sheet, wb.sheetnames),
            )
        label = f"{path.name}, trang '{ws.title}'"
        try:
            ws.reset_dimensions()  # the declared <dimension> (A1:XFD1048576) is not believed
            grid = _bounded(ws.iter_rows(values_only=True), label, lambda r: Place(label, r))
        except DataError:
            raise
        except Exception as exc:  # a broken sheet part: openpyxl raises several kinds
            raise DataError(
                _("không đọc được tệp Excel '{name}': {reason}", name=path.name, reason=exc), place
            ) from None
        return grid, ws.title
    finally:
        wb.close()


def build_table(
    spec: TableSpec,
    base_dir: Path,
    place: Place,
    render: Callable[[str], str],
) -> TableData | None:
    """The table `spec` describes, as text; None when it has no rows."""
    columns = spec.columns or []
    if not columns:
        raise DataError(_("bảng cần 'columns'"), place)
    keys = {c.key for c in columns}
    # Where each row is, worked out only for an error message (it may parse the YAML again).
    rows: list[tuple[dict[str, Cell], Callable[[], Place]]] = []
    if spec.file:
        rows += read_rows(spec, columns, base_dir, place)
    for i, row in enumerate([*(spec.rows or []), *spec.add_rows]):
        for key in row:
            if key not in keys and not key.startswith("_"):  # "_bold" and the like are row options
                raise DataError(
                    _("dòng {row} của bảng có cột '{key}' không khai báo", row=i + 1, key=key),
                    place,
                    suggest(key, keys),
                )
        rows.append(
            (row, functools.partial(lambda i: Place(place.file, place.line, None, f"{place.field}.rows.{i}"), i))
        )
    if not rows:
        return None
    body = []
    bold_rows = [n for n, (row, _where) in enumerate(rows) if row.get("_bold")]
    for n, (row, where) in enumerate(rows, start=1):
        cells = []
        for c in columns:
            cell_place = functools.partial(
                lambda w, t: Place(w().file, w().line, None, _("cột '{name}'", name=t)), where, c.title
            )
            cells.append(_cell_text(row.get(c.key), c, render, cell_place))
        body.append(([str(n)] if spec.numbered else []) + cells)
    header = ([STT] if spec.numbered else []) + [c.title for c in columns]
    widths = ([STT_WIDTH] if spec.numbered else []) + [c.width for c in columns]
    aligns = (["center"] if spec.numbered else []) + ["right" if c.number else "left" for c in columns]
    return TableData(spec.title, header, body, widths, aligns, bold_rows)
