"""User-facing errors: one hierarchy, each error knowing where in the user's files it comes from."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.i18n import _

SHIPPED = Path(__file__).resolve().parent / "data" / "catalogue"


def shown_path(file: Path | str) -> tuple[str, bool]:
    """How a file is named to a user, and whether it is shipped with vbgen: a shipped catalogue
    file as "catalogue/kinds.yaml" (its place inside site-packages means nothing to a clerk)."""
    path = Path(file)
    if path.is_absolute() and path.parts[-2:-1] == ("catalogue",):
        try:
            return "catalogue/" + path.resolve().relative_to(SHIPPED).as_posix(), True
        except ValueError:
            pass
    return str(file), False


@dataclass(frozen=True)
class Place:
    """Where a problem is: a file, and optionally a line, a column and a field path."""

    file: Path | str | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    field: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file is not None:
            where, shipped = shown_path(self.file)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            parts.append(_("danh mục có sẵn ({path})", path=where) if shipped else where)
        if self.field:
            parts.append(_("trường '{field}'", field=self.field))
        return ", ".join(parts)


class VbgenError(Exception):
    """Base of every error vbgen reports to a user; `exit_code` is what the CLI returns."""

    exit_code = 2

    def __init__(self, message: str, place: Place | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.place = place
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.place}: {self.message}" if self.place and str(self.place) else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class DataError(VbgenError):
    """The data files are wrong: YAML syntax, schema, unknown ids, impossible values."""


class UnknownIdError(DataError):
    """An id names a body, reference, unit or document that the data does not define."""


class InputError(VbgenError):
    """An input document cannot be read: not a .docx, encrypted, truncated, no recognisable header."""


class TemplateError(VbgenError):
    """A template cannot be rendered: syntax, undefined variable, unsafe access."""


class OutputError(VbgenError):
    """An output cannot be written: an existing different file, an unsafe name, a full disk."""


class KeptFileError(OutputError):
    """An output file exists and was changed since vbgen wrote it (or vbgen never wrote it): kept."""


class ConversionError(VbgenError):
    """Converting to PDF failed or is not possible on this machine."""


class CombinedError(DataError):
    """Several data errors found in one pass, reported together."""

    def __init__(self, errors: list[VbgenError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def suggest(name: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest valid choice, or None when nothing is close."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return _("có phải '{name}'?", name=close[0]) if close else None
