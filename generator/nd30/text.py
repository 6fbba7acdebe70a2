"""Rich text: data text with **bold**/*italic* marks and {{ variables }}, rendered in a sandbox."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markdown_it import MarkdownIt

from generator.errors import DataError, Place, TemplateError, suggest
from generator.i18n import _
from generator.nd30.dates import long_date, short_date
from generator.nd30.figures import vn_number

# Characters a value inserted by {{ }} must not contribute to the emphasis markup: they are swapped
# for stand-ins before the markup is parsed, and swapped back inside each run. The stand-ins are
# U+FFFE and U+FFFF, which XML cannot hold: the loader removes them from all data, so no value
# can contain them.
_GUARD = {"*": "\ufffe", "_": "\uffff"}
_UNGUARD = str.maketrans({v: k for k, v in _GUARD.items()})
_GUARD_TABLE = str.maketrans(_GUARD)

_markdown = MarkdownIt("zero").enable(["emphasis"])


@dataclass(frozen=True)
class Run:
    """A stretch of text with one formatting."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Rich:
    """A paragraph's text as runs; str() gives the plain text."""

    runs: tuple[Run, ...]

    @classmethod
    def plain(cls, text: str, *, bold: bool = False, italic: bool = False) -> Rich:
        return cls((Run(text, bold, italic),)) if text else cls(())

    def __str__(self) -> str:
        return "".join(r.text for r in self.runs)

    def __add__(self, other: Rich | str) -> Rich:
        tail = other.runs if isinstance(other, Rich) else (Run(other),)
        return Rich(_merge((*self.runs, *tail)))

    def prefixed(self, prefix: str) -> Rich:
        """The same text after `prefix` ("1. ", "- "), the prefix taking the first run's format."""
        if not prefix:
            return self
        first = self.runs[0] if self.runs else Run("")
        return Rich(_merge((Run(prefix, first.bold, first.italic), *self.runs)))

    def ending(self, mark: str) -> Rich:
        """The same text ending with `mark` in place of any final punctuation (". ; ,")."""
        runs = list(self.runs)
        while runs and not runs[-1].text.rstrip(" .;,"):
            runs.pop()
        if runs:
            last = runs[-1]
            runs[-1] = Run(last.text.rstrip(" .;,"), last.bold, last.italic)
        return Rich(tuple(runs)) + mark

    def upper(self) -> Rich:
        return Rich(tuple(Run(r.text.upper(), r.bold, r.italic) for r in self.runs))

    def to_json(self) -> dict[str, Any]:
        return {"text": str(self), "runs": [r.__dict__ for r in self.runs]}


def _merge(runs: Iterable[Run]) -> tuple[Run, ...]:
    out: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        if out and (out[-1].bold, out[-1].italic) == (run.bold, run.italic):
            out[-1] = Run(out[-1].text + run.text, run.bold, run.italic)
        else:
            out.append(run)
    return tuple(out)


def parse_markup(text: str) -> Rich:
    """Split **bold** and *italic* marks (CommonMark rules) into runs; all else stays verbatim."""
    if "*" not in text and "_" not in text:
        return Rich.plain(text.translate(_UNGUARD))
    runs: list[Run] = []
    bold = italic = 0
    for token in _markdown.parseInline(text)[0].children or ():
        if token.type == "strong_open":
            bold += 1
        elif token.type == "strong_close":
            bold -= 1
        elif token.type == "em_open":
            italic += 1
        elif token.type == "em_close":
            italic -= 1
        else:
            runs.append(Run(token.content.translate(_UNGUARD), bold > 0, italic > 0))
    return Rich(_merge(runs))


def _guard(value: Any) -> Any:
    """Applied to every {{ }} output: the value cannot open or close emphasis."""
    if value is None:
        return value
    return str(value).translate(_GUARD_TABLE)


class _Env(ImmutableSandboxedEnvironment):
    pass


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The one sandbox every text field renders in: strict undefined, no autoescape (escaping is
    done once, when runs become XML), values guarded from the markup."""
    env = _Env(undefined=jinja2.StrictUndefined, autoescape=False, finalize=_guard, keep_trailing_newline=False)
    env.filters["long_date"] = long_date
    env.filters["short_date"] = short_date
    env.filters["number"] = vn_number
    return env


@functools.lru_cache(maxsize=4096)
def _compile(source: str) -> jinja2.Template:
    return environment().from_string(source)


def render_text(source: str, variables: Mapping[str, Any], place: Place | None = None) -> str:
    """Render one data text field in the sandbox; errors become DataError at `place`."""
    if "{" not in source:
        return source
    try:
        return _compile(source).render(variables)
    except jinja2.UndefinedError as exc:
        if "unsafe" in (exc.message or ""):
            raise TemplateError(
                _("văn bản dùng thao tác không được phép trong sandbox: {what}", what=exc.message), place
            ) from None
        name = re.search(r"'([^']+)' is undefined", exc.message or "")
        hint = suggest(name.group(1), variables) if name else None
        shown = f"'{name.group(1)}'" if name else exc.message
        raise DataError(
            _(
                "biến không xác định trong văn bản: {name}; dùng được: {names}",
                name=shown,
                names=", ".join(sorted(variables)),
            ),
            place,
            hint,
        ) from None
    except SecurityError as exc:
        raise TemplateError(_("văn bản dùng thao tác không được phép trong sandbox: {what}", what=exc), place) from None
    except jinja2.TemplateSyntaxError as exc:
        raise DataError(_("lỗi cú pháp biến {{{{ }}}} trong văn bản: {what}", what=exc.message), place) from None
    except DataError as exc:
        if exc.place is None:
            exc.place = place
        raise


def plain_text(source: str, variables: Mapping[str, Any], place: Place | None = None) -> str:
    """A data text field rendered to plain text (no emphasis): for table cells and citations."""
    return one_line(render_text(source, variables, place)).translate(_UNGUARD)


def rich(source: str, variables: Mapping[str, Any], place: Place | None = None) -> Rich:
    """A data text field as runs: variables rendered, then the emphasis marks applied."""
    return parse_markup(render_text(source, variables, place))


def paragraphs(source: str) -> list[str]:
    """A text value split at newlines into paragraphs, blank ones dropped."""
    return [line.strip() for line in source.splitlines() if line.strip()]


def one_line(source: str) -> str:
    """A text value that must be one line (a title): newlines become spaces."""
    return " ".join(source.split())
