"""Rich text: data text with **bold**/*italic* marks and {{ variables }}, rendered in a sandbox."""

from __future__ import annotations

import contextvars
import functools
import math
import re
import types
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer
from markdown_it import MarkdownIt

from generator.errors import DataError, Place, TemplateError, suggest
from generator.i18n import _
from generator.limits import current, over_limit
from generator.nd30.dates import long_date, short_date
from generator.nd30.figures import vn_number


# Characters a value inserted by {{ }} must not contribute to the emphasis markup: they are swapped
# for stand-ins before the markup is parsed, and swapped back inside each run. The stand-ins are
# U+FFFE and U+FFFF, which XML cannot hold: the loader removes them from all data, so no value
# can contain them.
def guarded(text: str) -> str:
    """`text` with its emphasis marks swapped for characters no one types (* → U+FFFE, _ →
    U+FFFF): what a variable prints cannot open or close emphasis. str.replace, as str.translate with a table is
    several times slower, and most texts hold neither mark."""
    if "*" in text or "_" in text:
        return text.replace("*", "\ufffe").replace("_", "\uffff")
    return text


def unguarded(text: str) -> str:
    """The marks guarded() swapped, back as the characters they were."""
    if "\ufffe" in text or "\uffff" in text:
        return text.replace("\ufffe", "*").replace("\uffff", "_")
    return text


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
        return Rich.plain(unguarded(text))
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
            runs.append(Run(unguarded(token.content), bold > 0, italic > 0))
    return Rich(_merge(runs))


class ExpressionLimit(Exception):  # noqa: N818 - a user-facing stop, not a program fault
    """A sandboxed expression went past a limit, or did something that cannot be printed; the
    message says which (the caller adds the place)."""


class _Budget:
    """The work one rendering may still do: loop turns and calls (steps)."""

    __slots__ = ("left",)

    def __init__(self, steps: int) -> None:
        self.left = steps

    def charge(self, steps: int = 1) -> None:
        self.left -= steps
        if self.left < 0:
            raise ExpressionLimit(
                over_limit(_("số bước tính (vòng lặp, lời gọi)"), current().expression_steps + 1, "expression_steps")
            )


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("vbgen_budget", default=None)
_FORBIDDEN_TAGS = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)
_DIGITS = re.compile(r"\d+")
_WIDTHS = re.compile(r"%[-+ #0]*(\*|\d*)(?:\.(\*|\d*))?|\{([^{}]*)\}")  # %-spec widths, {…:spec} fields
_NESTED = re.compile(r"\{[^{}]*\{")  # a {…:{…}} field: its width comes from an argument


def _charge(steps: int = 1) -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.charge(steps)


def _too_big(size: int) -> ExpressionLimit:
    return ExpressionLimit(over_limit(_("kích thước giá trị do biểu thức tạo"), size, "expression_size"))


def _check_size(value: Any) -> Any:
    if isinstance(value, (str, list, tuple, bytes)) and len(value) > current().expression_size:
        raise _too_big(len(value))
    return value


# Filters and str methods whose int arguments are sizes of what they make (a width, a count).
_SIZING = frozenset({"center", "indent", "wordwrap", "batch", "slice", "ljust", "rjust", "zfill", "expandtabs"})


def _check_args(name: str, args: Iterable[Any]) -> None:
    """No argument that would make a filter or method build a huge value: a width or count past
    `expression_size` (other calls may take any number: `default(2500000)` is fine)."""
    if name not in _SIZING:
        return
    most = current().expression_size
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > most:
            raise _too_big(abs(arg))


def _check_format(text: str, args: Any = ()) -> None:
    """A format string may not ask for a width or precision past `expression_size` (`%999999999s`,
    `{:>999999999}`), nor take one from `args` that is (`%*s`, `{0:{1}}`); other numbers in its
    text do not matter."""
    most = current().expression_size
    from_args = _NESTED.search(text) is not None
    for m in _WIDTHS.finditer(text):
        numbers = [m.group(1), m.group(2)] if m.group(3) is None else _DIGITS.findall(m.group(3).partition(":")[2])
        from_args = from_args or "*" in numbers
        for number in numbers:
            if number and number != "*" and (len(number) > 12 or int(number) > most):
                raise _too_big(int(number))
    if from_args:
        values = args if isinstance(args, (tuple, list)) else (args,)
        for value in values:
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > most:
                raise _too_big(abs(value))


def _loop(iterable: Any) -> Iterator[Any]:
    """Every {% for %} iterates through this: each turn costs a step."""
    budget = _BUDGET.get()
    if budget is None:
        yield from iterable
        return
    for item in iterable:
        budget.left -= 1
        if budget.left < 0:
            budget.charge(0)  # raises
        yield item


def _bounded_range(*args: int) -> range:
    items = range(*args)
    if len(items) > current().expression_size:
        raise _too_big(len(items))
    _charge(len(items))
    return items


def _bounded_filter(func: Any, name: str) -> Any:
    """A filter that refuses arguments that would make a huge value, and a huge value."""

    @functools.wraps(func)  # keeps jinja's pass_context / pass_environment marks
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _charge()
        _check_args(name, [*args[1:], *kwargs.values()])
        if name == "format" and args and isinstance(args[0], str):
            _check_format(args[0], [*args[1:], *kwargs.values()])
        if name == "replace" and len(args) >= 3:
            _check_size_of_replace(args[0], args[1], args[2])
        return _check_size(func(*args, **kwargs))

    return bounded


def _check_size_of_replace(text: Any, old: Any, new: Any) -> None:
    text, old, new = str(text), str(old), str(new)
    grows = len(new) - len(old)
    if grows > 0:
        count = text.count(old) if old else len(text) + 1
        if len(text) + count * grows > current().expression_size:
            raise _too_big(len(text) + count * grows)


class _Bounder(NodeTransformer):
    """Rewrites a parsed template so that its work is counted: loops go through `_loop`, `~`
    joins through a size check; and refuses the tags that would read other files."""

    def generic_visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        if isinstance(node, _FORBIDDEN_TAGS):
            raise jinja2.TemplateSyntaxError(
                _("không được dùng {{% include %}}, {{% import %}}, {{% extends %}}: mỗi văn bản chỉ dùng biến của nó"),
                node.lineno,
            )
        return super().generic_visit(node, *args, **kwargs)

    def visit_For(self, node: nodes.For) -> nodes.Node:  # noqa: N802 - the visitor's naming
        node = self.generic_visit(node)
        node.iter = _filter(node.iter, "vbgen_loop", node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:  # noqa: N802
        node = self.generic_visit(node)
        return _filter(nodes.List(node.nodes, lineno=node.lineno), "vbgen_concat", node.lineno)


def _filter(expr: nodes.Expr, name: str, lineno: int) -> nodes.Filter:
    return nodes.Filter(expr, name, [], [], None, None, lineno=lineno)


@jinja2.pass_eval_context
def _concat(eval_ctx: Any, parts: list[Any]) -> str:
    _check_size(parts)
    total = sum(len(p) if isinstance(p, str) else 0 for p in parts)
    if total > current().expression_size:
        raise _too_big(total)
    joined = markup_join(parts) if eval_ctx.autoescape else str_join(parts)
    return _check_size(joined)


class BoundedTemplate(jinja2.Template):
    """A template whose rendering has a budget of steps and a bound on its output."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        token = _BUDGET.set(_Budget(current().expression_steps))
        try:
            name = getattr(self.environment, "output_limit", "text_chars")  # a field of Limits
            most = getattr(current(), name)
            out: list[str] = []
            size = 0
            try:  # as jinja2.Template.render, with the output counted as it comes
                for chunk in self.root_render_func(self.new_context(dict(*args, **kwargs))):
                    size += len(chunk)
                    if size > most:
                        raise ExpressionLimit(over_limit(_("độ dài kết quả"), size, name))
                    out.append(chunk)
            except Exception:
                self.environment.handle_exception()
            return self.environment.concat(out)  # type: ignore[attr-defined]
        finally:
            _BUDGET.reset(token)


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with the work of an expression bounded (loops, calls, ranges,
    string and list repetition and joins, filters, powers, output) and no tag that reads another
    file. Used for data text and, by generator.word.render, for templates."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    template_class = BoundedTemplate

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["range"] = _bounded_range
        for name in ("lipsum", "cycler", "joiner"):  # not for documents; lipsum can write a lot
            self.globals.pop(name, None)
        self.filters = {name: _bounded_filter(f, name) for name, f in self.filters.items()}
        self.filters["vbgen_loop"] = _loop
        self.filters["vbgen_concat"] = _concat

    output_limit = "text_chars"  # the limit on what one rendering writes

    def _generate(self, source: nodes.Template, *args: Any, **kwargs: Any) -> Any:
        return super()._generate(_Bounder().visit(source), *args, **kwargs)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _charge()
        method = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        owner = getattr(method, "__self__", None)
        if isinstance(owner, str):
            _check_args(getattr(method, "__name__", ""), [*args, *kwargs.values()])
            if getattr(method, "__name__", "") in ("format", "format_map"):
                _check_format(
                    owner, [*args, *kwargs.values(), *(args[0].values() if args and isinstance(args[0], dict) else ())]
                )
            if getattr(method, "__name__", "") == "replace" and len(args) >= 2:
                _check_size_of_replace(owner, args[0], args[1])
        return _check_size(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        most = current().expression_size
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * max(n, 0) > most:
                    raise _too_big(len(seq) * n)
            if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > 4 * most:
                raise _too_big(left.bit_length() + right.bit_length())
        elif operator == "**":
            ints = isinstance(left, int) and isinstance(right, int)
            if ints and right > 0 and abs(left) > 1 and right * left.bit_length() > 4 * most:
                raise _too_big(right * left.bit_length())
        elif operator == "+":
            seqs = isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple))
            if seqs and len(left) + len(right) > most:
                raise _too_big(len(left) + len(right))
        elif operator == "%" and isinstance(left, str):
            _check_format(left, right)
        return _check_size(super().call_binop(context, operator, left, right))


def _guard(value: Any) -> Any:
    """Applied to every {{ }} output: the value cannot open or close emphasis; a function printed
    without being called is refused (it would print a memory address, different every run)."""
    if value is None:
        return value
    if callable(value) and not isinstance(value, (str, jinja2.Undefined)):
        raise ExpressionLimit(_no_call(value))
    return guarded(str(value))


def _no_call(value: Any) -> str:
    name = getattr(value, "__name__", None) or type(value).__name__
    return _("'{name}' là một hàm: gọi nó, ví dụ {{{{ {name}('…') }}}}", name=name)


def refuse_callable(value: Any) -> Any:
    """The templates' finalize: a function printed without being called is refused."""
    if callable(value) and not isinstance(value, (str, jinja2.Undefined)) and not hasattr(value, "__html__"):
        raise ExpressionLimit(_no_call(value))
    return value


class _Env(BoundedSandbox):
    pass


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The one sandbox every text field renders in: strict undefined, no autoescape (escaping is
    done once, when runs become XML), values guarded from the markup."""
    env = _Env(undefined=jinja2.StrictUndefined, autoescape=False, finalize=_guard, keep_trailing_newline=False)
    env.filters["long_date"] = _bounded_filter(long_date, "long_date")
    env.filters["short_date"] = _bounded_filter(short_date, "short_date")
    env.filters["number"] = _bounded_filter(bounded_number, "number")
    return env


def bounded_number(value: Any) -> str:
    """The `number` filter: a figure of at most `number_digits` digits."""
    digits = current().number_digits
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and (not math.isfinite(value) or not -(10**digits) < value < 10**digits):
        raise ExpressionLimit(over_limit(_("số chữ số của một số"), len(str(value)), "number_digits"))
    return vn_number(value)


@functools.lru_cache(maxsize=4096)
def _compile(source: str) -> jinja2.Template:
    return environment().from_string(source)


# {{ name }}, {{ name.key }} or {{ name('literal') }} (a text function called with one plain string)
_SIMPLE_TAG = re.compile(
    r"\{\{[ \t]*([A-Za-z_][A-Za-z0-9_]*)"
    r"(?:\.([A-Za-z][A-Za-z0-9_]*)|\((?:'([^'\\{}\n]*)'|\"([^\"\\{}\n]*)\")\))?[ \t]*\}\}"
)


# Names Jinja reads as constants or operators, not as variables.
_JINJA_WORDS = frozenset(
    {"true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if", "else"}
)


def _substituted(source: str, variables: Mapping[str, Any]) -> str | None:
    """What the sandbox renders for a text whose only tags are `{{ name }}` or `{{ name.key }}`
    naming a text or a whole number (most data text: "năm {{ year }}"), or `{{ name('id') }}`
    calling one of the text functions (cite, unit …) that returns one, without compiling it (a
    compile costs milliseconds; most texts are new to a batch): each value guarded as _guard
    does, in place of its tag. None for any other text (a filter, a statement, a name that is not
    there, another kind of value, a call that fails): the sandbox renders it, and says why."""
    if "{%" in source or "{#" in source or "\n" in source or "\r" in source:
        return None
    out: list[str] = []
    pos = 0
    for m in _SIMPLE_TAG.finditer(source):
        if m.group(1) in _JINJA_WORDS:
            return None
        value = variables.get(m.group(1), _SIMPLE_TAG)
        key = m.group(2)
        literal = m.group(3) if m.group(3) is not None else m.group(4)
        if literal is not None:  # only vbgen's own functions: data cannot hold one
            if type(value) is not types.FunctionType:
                return None
            try:
                value = value(literal)
            except Exception:  # the sandbox calls it again and reports the error
                return None
        elif key is not None:  # the sandbox reads a dict's key when the dict has no such attribute
            if type(value) is not dict or key not in value or hasattr(value, key):
                return None
            value = value[key]
        if type(value) is not str and type(value) is not int:
            return None
        out += (source[pos : m.start()], guarded(str(value)))
        pos = m.end()
    out.append(source[pos:])
    if any("{{" in out[i] for i in range(0, len(out), 2)):  # a tag of another form is left
        return None
    text = "".join(out)
    return text if len(text) <= current().text_chars else None


def render_text(source: str, variables: Mapping[str, Any], place: Place | None = None) -> str:
    """Render one data text field in the sandbox; errors become DataError at `place`."""
    if "{" not in source:
        return source
    if len(source) > current().text_chars:
        raise DataError(over_limit(_("độ dài văn bản (ký tự)"), len(source), "text_chars"), place)
    simple = _substituted(source, variables)
    if simple is not None:
        return simple
    try:
        return _compile(source).render(variables)
    except ExpressionLimit as exc:
        raise DataError(str(exc), place) from None
    except RecursionError:
        raise DataError(_("biểu thức gọi lồng nhau quá sâu (macro đệ quy?)"), place) from None
    except (ArithmeticError, MemoryError, TypeError, ValueError) as exc:
        what = f"{type(exc).__name__}: {exc}"[:300]
        raise DataError(_("không tính được biểu thức: {what}", what=what), place) from None
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
    return unguarded(one_line(render_text(source, variables, place)))


def rich(source: str, variables: Mapping[str, Any], place: Place | None = None) -> Rich:
    """A data text field as runs: variables rendered, then the emphasis marks applied."""
    return parse_markup(render_text(source, variables, place))


def paragraphs(source: str) -> list[str]:
    """A text value split at newlines into paragraphs, blank ones dropped."""
    return [line.strip() for line in source.splitlines() if line.strip()]


def one_line(source: str) -> str:
    """A text value that must be one line (a title): newlines become spaces."""
    return " ".join(source.split())
