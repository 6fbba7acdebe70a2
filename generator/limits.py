"""Limits on what one input may cost (sizes, counts, depths), and reading a file within them."""

from __future__ import annotations

import dataclasses
import functools
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from generator.errors import DataError, Place, VbgenError
from generator.i18n import _

MB = 1024 * 1024
ENV_PREFIX = "VBGEN_MAX_"
# libxml2 (under lxml, python-docx and docxtpl) cuts a text node longer than 10,000,000 bytes without
# saying so; one character of a text field may take up to 6 bytes once escaped (&quot;), so a text
# field is never allowed past this, whatever the environment says.
TEXT_CHARS_CEILING = 1_600_000


@dataclass(frozen=True)
class Limits:
    """The limits, each raised by the environment variable VBGEN_MAX_<NAME> (e.g. VBGEN_MAX_TABLE_ROWS).

    Every check against them is O(1) per value, so a large legitimate batch is not slowed.
    """

    data_file_bytes: int = 16 * MB  # one YAML data file
    yaml_depth: int = 100  # nesting of mappings and lists in a YAML file
    yaml_aliases: int = 1_000  # *alias references in a YAML file
    yaml_nodes: int = 2_000_000  # values of a YAML file once every alias is expanded
    number_digits: int = 15  # digits of a number in data or a table (Word and Excel keep 15)
    table_file_bytes: int = 32 * MB  # one .csv or .xlsx file
    table_rows: int = 100_000  # rows of a table file, counted from the rows really there
    table_columns: int = 256  # columns of a table file, counted from the cells really there
    template_file_bytes: int = 32 * MB  # one template .docx
    docx_file_bytes: int = 64 * MB  # one .docx given to `vbgen lint`
    zip_bytes: int = 256 * MB  # uncompressed size of all members of a .xlsx or .docx
    zip_members: int = 10_000  # members of a .xlsx or .docx
    zip_ratio: int = 200  # uncompressed / compressed size, checked once a package is over 16 MB
    text_chars: int = 1_000_000  # one text field, and the value it renders to (at most 1,600,000)
    expression_steps: int = 1_000_000  # loop turns and calls of one sandboxed rendering
    expression_size: int = 1_000_000  # a string or list an expression builds (range, *, ~, filters)

    @staticmethod
    def env_name(name: str) -> str:
        return ENV_PREFIX + name.upper()


@functools.lru_cache(maxsize=1)
def current() -> Limits:
    """The limits in force: the defaults, raised or lowered by VBGEN_MAX_* variables (read once per
    process; tests call `current.cache_clear()`)."""
    values: dict[str, int] = {}
    for f in dataclasses.fields(Limits):
        raw = os.environ.get(Limits.env_name(f.name))
        if raw is None or not raw.strip():
            continue
        try:
            value = int(raw.strip().replace("_", ""))
        except ValueError:
            value = 0
        if value < 1:
            raise VbgenError(
                _(
                    "biến môi trường {name} phải là một số nguyên dương, có '{value}'",
                    name=Limits.env_name(f.name),
                    value=raw,
                )
            )
        values[f.name] = value
    if values.get("text_chars", 0) > TEXT_CHARS_CEILING:
        values["text_chars"] = TEXT_CHARS_CEILING
    return Limits(**values)


def over_limit(what: str, size: int, name: str) -> str:
    """The message for `what` being over the limit `name` (which it names, with how to raise it)."""
    limit = getattr(current(), name)
    return _(
        "{what} vượt giới hạn: {size:,} > {limit:,} ({variable}; đặt biến môi trường này để nâng giới hạn)",
        what=what,
        size=size,
        limit=limit,
        variable=Limits.env_name(name),
    )


def check_size(what: str, size: int, name: str, place: Place | None = None) -> None:
    """DataError when `size` is over the limit `name`."""
    if size > getattr(current(), name):
        raise DataError(over_limit(what, size, name), place)


def regular_file_stat(path: Path, place: Place | None = None, error: type[VbgenError] = DataError) -> os.stat_result:
    """The stat of `path`, which must be a regular file (not a folder, FIFO, device or socket)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise error(_("không đọc được tệp: {reason}", reason=exc.strerror), place or Place(path)) from None
    if not stat.S_ISREG(st.st_mode):
        raise error(_("không phải tệp thường (thư mục, thiết bị, FIFO…); không đọc"), place or Place(path))
    return st


def read_regular(path: Path, limit: str, place: Place | None = None, error: type[VbgenError] = DataError) -> bytes:
    """The bytes of the regular file `path`, refused (as `error`) when it is not a regular file or is
    over the size limit `limit` (a field of Limits) - checked before reading and while reading, so a
    file that grows or lies about its size is not read past the limit either."""
    where = place or Place(path)
    regular_file_stat(path, where, error)
    most = getattr(current(), limit)
    try:
        # O_NONBLOCK: should the path have become a FIFO since the stat, opening it does not hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise error(_("không đọc được tệp: {reason}", reason=exc.strerror), where) from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise error(_("không phải tệp thường (thư mục, thiết bị, FIFO…); không đọc"), where)
        if st.st_size > most:
            raise error(over_limit(_("kích thước tệp"), st.st_size, limit), where)
        data = fh.read(most + 1)
    if len(data) > most:
        raise error(over_limit(_("kích thước tệp"), len(data), limit), where)
    return data


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, every link followed, is `root` or inside it."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
