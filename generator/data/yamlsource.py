"""YAML files loaded with the line and column of every value, so errors can point into them."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML, events, nodes
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.resolver import VersionedResolver

from generator.errors import DataError, Place
from generator.i18n import N_, _
from generator.limits import current, over_limit, read_regular

try:  # libyaml's event parser: fast, and iterative (no recursion however deep the data nests)
    from ruamel.yaml.cyaml import CParser
except ImportError:  # pragma: no cover - without ruamel.yaml.clib
    CParser = None

YAML11_BREAKS = ("\x85", "\u2028", "\u2029")  # line breaks to libyaml, ordinary characters to YAML 1.2
# Characters XML 1.0 cannot hold: C0 controls except tab, newline and carriage return; lone
# surrogates ("\ud800" in a quoted YAML string), which UTF-8 cannot even encode.
_XML_FORBIDDEN = {c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)} | {0xFFFE, 0xFFFF} | set(range(0xD800, 0xE000))


class _Constructor(RoundTripConstructor):
    """Keeps YAML timestamps as text: pydantic then parses them and reports an impossible date
    (2024-02-30) with its place, instead of the loader failing without one."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


class _SafeConstructor(SafeConstructor):
    """The fast loader's constructor: timestamps stay text, as in the round-trip loader."""


_SafeConstructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


class _Resolver(VersionedResolver):
    """ruamel's resolver with the rules of the document's YAML version looked up once, not up to
    three times for every value (a third of a file's load). A loader made by _fast_yaml or
    _marks reads one document, whose version its directives set before any value."""

    _rules: Any = None

    @property
    def versioned_resolver(self) -> Any:
        if self._rules is None:
            self._rules = VersionedResolver.versioned_resolver.fget(self)  # type: ignore[attr-defined]
        return self._rules


def _fast_yaml() -> YAML:
    """libyaml (C) when installed: plain data, no positions; used first, as data is mostly right."""
    yaml = YAML(typ="safe", pure=False)
    yaml.Constructor = _SafeConstructor
    yaml.Resolver = _Resolver
    return yaml


# Tags the C composer gives nodes that the round-trip tree builds the same way (as str, int …,
# CommentedMap, CommentedSeq); any other tag (a merge key, !!omap, !!set …) sends the place lookup
# to the round-trip tree itself.
_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
_STR_KEY_TAGS = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp")  # timestamps load as text
_TAG = re.compile(r"(?:^|[\s\[{,])![^\s]")  # what may be an explicit tag (!!str, !x): the trees differ


def _marks(text: str) -> Any:
    """The node tree of `text` from libyaml (C), with the line and column of every node; about
    ten times faster than the round-trip tree. None when the text uses what the two trees may
    place differently (aliases, merge keys, other tags, keys that are not scalars, a key twice):
    the round-trip tree answers then."""
    if CParser is None or "%YAML" in text or _TAG.search(text):
        return None
    try:
        yaml = YAML(typ="safe", pure=False)
        yaml.Resolver = _Resolver
        root = yaml.compose(text)
    except (YAMLError, RecursionError):
        return None
    seen: set[int] = set()
    index: dict[int, dict[str, Any]] = {}  # id of each mapping → its str keys (as the round-trip tree's)
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen or node.tag not in _PLAIN_TAGS:
            return None  # an alias (the same node twice) or a tag the trees may build differently
        seen.add(id(node))
        if isinstance(node, nodes.MappingNode):
            keys: dict[str, Any] = {}
            for key, value in node.value:
                if not isinstance(key, nodes.ScalarNode) or key.tag not in _PLAIN_TAGS:
                    return None
                if key.tag in _STR_KEY_TAGS:
                    if key.value in keys:
                        return None
                    keys[key.value] = (key, value)
                stack.append(value)
            index[id(node)] = keys
        elif isinstance(node, nodes.SequenceNode):
            stack.extend(node.value)
    return root, index


def make_yaml() -> YAML:
    """The round-trip loader/dumper used for every data file (keeps order and comments)."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _events(text: str) -> Any:
    if CParser is not None:
        parser = CParser(text)
        while True:
            event = parser.get_event()
            yield event
            if isinstance(event, events.StreamEndEvent):
                return
    yield from YAML(typ="safe", pure=True).parse(text)


def scan(text: str, path: Path) -> None:
    """Refuse, before any loader builds it, a YAML text nested deeper than `yaml_depth`, with more
    than `yaml_aliases` aliases, or more than `yaml_nodes` values once its aliases are expanded
    (an alias bomb): the loaders recurse on nesting (the C one can crash the process) and every
    later step walks the expanded tree. A syntax error is left to the loader, which locates it."""
    limits = current()
    sizes: dict[str, int] = {}  # anchor → its node's expanded size
    stack: list[list[Any]] = []  # open collections: [anchor, expanded size so far]
    aliases = total = 0

    def place(event: Any) -> Place:
        mark = event.start_mark
        return Place(path, mark.line + 1, mark.column + 1)

    def done(size: int, anchor: str | None, event: Any) -> None:
        nonlocal total
        if anchor:
            sizes[anchor] = size
        if stack:
            stack[-1][1] += size
        else:
            total += size
            if total > limits.yaml_nodes:
                raise DataError(
                    over_limit(_("số giá trị YAML sau khi mở rộng bí danh"), total, "yaml_nodes"), place(event)
                )

    try:
        for event in _events(text):
            if isinstance(event, events.CollectionStartEvent):
                stack.append([event.anchor, 1])
                if len(stack) > limits.yaml_depth:
                    raise DataError(over_limit(_("độ sâu lồng nhau của YAML"), len(stack), "yaml_depth"), place(event))
            elif isinstance(event, events.CollectionEndEvent) and stack:
                anchor, size = stack.pop()
                done(size, anchor, event)
            elif isinstance(event, events.ScalarEvent):
                done(1, event.anchor, event)
            elif isinstance(event, events.AliasEvent):
                aliases += 1
                if aliases > limits.yaml_aliases:
                    raise DataError(over_limit(_("số bí danh (*alias) YAML"), aliases, "yaml_aliases"), place(event))
                done(sizes.get(event.anchor, 1), None, event)
            if stack and stack[-1][1] > limits.yaml_nodes:
                raise DataError(
                    over_limit(_("số giá trị YAML sau khi mở rộng bí danh"), stack[-1][1], "yaml_nodes"), place(event)
                )
    except YAMLError:
        return


# ruamel's wording of the usual mistakes, said in the user's language with what to do; braces are
# passed as values, so that every message is a format string.
BRACES = {"braces": "{…}", "close": "}", "tag": "{{ }}", "example": "{{ year }}"}
_SYNTAX = (
    ("cannot start any token", N_("có ký tự Tab: dùng dấu cách, không dùng Tab, để thụt lề và ngăn cách")),
    (
        "mapping values are not allowed here",
        N_("dấu ':' không được đứng ở đây: một giá trị có ': ' phải đặt trong ngoặc kép, hoặc dòng này thụt lề sai"),
    ),
    ("found duplicate key", N_("một khóa được viết hai lần trong cùng một bảng")),
    (
        "expected ',' or '}'",
        N_(
            "trong {braces} sau mỗi trường cần ',' hoặc '{close}': một giá trị có ': ' hay ',' phải đặt trong "
            "ngoặc kép, hoặc viết mỗi trường một dòng"
        ),
    ),
    ("expected ',' or ']'", N_("danh sách [ … ] chưa đóng, hoặc một phần tử có ',' hay ': ' chưa đặt trong ngoặc kép")),
    ("while scanning a quoted scalar", N_("ngoặc kép mở mà chưa đóng")),
    (
        "expected <block end>",
        N_("thụt lề không khớp: các khóa cùng cấp phải thẳng cột, phần tử danh sách '- ' thẳng cột với nhau"),
    ),
    ("could not find expected ':'", N_("thiếu dấu ':' sau khóa, hoặc một giá trị nhiều dòng chưa thụt lề")),
)


def syntax_message(exc: MarkedYAMLError, text: str, line: int | None) -> tuple[str, str | None]:
    """A YAML syntax error in words a clerk can act on, and a hint when one helps."""
    said = f"{exc.problem or ''} {exc.context or ''}"
    what = next((_(message, **BRACES) for key, message in _SYNTAX if key in said), None)
    what = _("lỗi cú pháp YAML: {what}", what=what or exc.problem or exc.context or _("lỗi cú pháp"))
    hint = None
    nearby = text.splitlines()[max((line or 1) - 3, 0) : line or 1]
    flow = "cannot start any token" not in said and "duplicate" not in said  # a Tab or a key twice: not {{ }}
    if flow and any("{{" in t for t in nearby):
        hint = _('một giá trị có {tag} nằm trong [...] hay {braces} phải đặt trong ngoặc kép: "… {example}"', **BRACES)
    return what, hint


def clean_text(text: str) -> tuple[str, list[str]]:
    """NFC-normalise `text` and drop characters XML cannot hold; returns the text and what was dropped."""
    dropped = [f"U+{ord(ch):04X}" for ch in text if ord(ch) in _XML_FORBIDDEN]
    if dropped:
        text = "".join(ch for ch in text if ord(ch) not in _XML_FORBIDDEN)
    return unicodedata.normalize("NFC", text), dropped


class LazyPlace:
    """A Place computed on first use: file, line, column and field of a value in a Source."""

    __slots__ = ("_field", "_loc", "_place", "_source")

    def __init__(self, source: Source, loc: tuple[str | int, ...], field_path: str | None) -> None:
        self._source, self._loc, self._field, self._place = source, loc, field_path, None

    def resolve(self) -> Place:
        if self._place is None:
            self._place = self._source.exact_place(self._loc, self._field)
        return self._place

    @property
    def file(self) -> Path:
        return self._source.path

    @property
    def line(self) -> int | None:
        return self.resolve().line

    @property
    def column(self) -> int | None:
        return self.resolve().column

    @property
    def field(self) -> str | None:
        return self.resolve().field

    def __str__(self) -> str:
        return str(self.resolve())


# The node trees of the last few files whose places were asked for (a batch locates its warnings
# file by file): kept for a few files only, as a tree weighs ten times its text and a batch of a
# thousand files would otherwise hold them all. Each entry holds its Source, so its id stays its own.
_MARKS: OrderedDict[int, tuple[Source, Any]] = OrderedDict()
_MARKS_KEPT = 8


def _recent_marks(source: Source) -> Any:
    """_marks(source.text), or False when the round-trip tree must answer."""
    hit = _MARKS.get(id(source))
    if hit is not None and hit[0] is source:
        _MARKS.move_to_end(id(source))
        return hit[1]
    nodes = _marks(source.text) or False
    _MARKS[id(source)] = (source, nodes)
    while len(_MARKS) > _MARKS_KEPT:
        _MARKS.popitem(last=False)
    return nodes


@dataclass
class Source:
    """One loaded YAML file: its plain data, and (built when a place is needed) its round-trip
    tree with the line and column of every value."""

    path: Path
    text: str
    data: Any
    warnings: list[str] = field(default_factory=list)
    _tree: Any = None

    @classmethod
    def load(cls, path: Path) -> Source:
        try:
            raw = read_regular(path, "data_file_bytes").decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataError(_("tệp không phải UTF-8 (byte lỗi ở vị trí {at})", at=exc.start), Place(path)) from None
        if "\r" in raw:  # universal newlines, as a text-mode read gives
            raw = raw.replace("\r\n", "\n").replace("\r", "\n")
        scan(raw, path)
        try:
            return cls._parse(path, raw)
        except RecursionError:  # scan() bounds the depth; this is only a last guard
            raise DataError(_("YAML lồng nhau quá sâu"), Place(path)) from None

    @classmethod
    def _parse(cls, path: Path, raw: str) -> Source:
        if any(ch in raw for ch in YAML11_BREAKS):
            # libyaml reads these as line breaks (YAML 1.1); the data must mean what YAML 1.2 says.
            source = cls(path, raw, None)
            source.data = source.tree
            return source
        try:
            return cls(path, raw, _fast_yaml().load(raw))
        except YAMLError:
            source = cls(path, raw, None)
            source.data = source.tree  # the round-trip loader says where the error is
            return source

    @property
    def tree(self) -> Any:
        """The round-trip tree (for positions), parsed on first use."""
        if self._tree is None:
            try:
                self._tree = make_yaml().load(self.text)
            except RecursionError:  # scan() bounds the depth; this is only a last guard
                raise DataError(_("YAML lồng nhau quá sâu"), Place(self.path)) from None
            except MarkedYAMLError as exc:
                mark = exc.problem_mark or exc.context_mark
                line = mark.line + 1 if mark else None
                col = mark.column + 1 if mark else None
                message, hint = syntax_message(exc, self.text, line)
                raise DataError(message, Place(self.path, line, col), hint) from None
        return self._tree

    def place(self, loc: Sequence[str | int], field_path: str | None = None) -> Place:
        """Where the value at `loc` is, worked out only when someone reads it (it needs the
        round-trip tree, which most runs never parse)."""
        return LazyPlace(self, tuple(loc), field_path)  # type: ignore[return-value]

    def exact_place(self, loc: Sequence[str | int], field_path: str | None = None) -> Place:
        """The place of the value at `loc`; as deep as the tree goes (a missing key: its parent)."""
        nodes = _recent_marks(self) if self._tree is None else False
        found = _mark_of(nodes, loc) if nodes is not False else None
        line, col = found if found is not None else self._tree_mark(loc)
        return Place(
            self.path,
            line + 1 if line is not None else None,
            col + 1 if col is not None else None,
            field_path or ".".join(str(k) for k in loc) or None,
        )

    def _tree_mark(self, loc: Sequence[str | int]) -> tuple[int | None, int | None]:
        node = self.tree
        line = col = None
        if isinstance(node, (CommentedMap, CommentedSeq)):
            line, col = node.lc.line, node.lc.col
        for key in loc:
            if isinstance(node, CommentedMap) and key in node:
                line, col = (
                    node.lc.value(key) if not isinstance(node[key], (CommentedMap, CommentedSeq)) else node.lc.key(key)
                )
                node = node[key]
            elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
                line, col = node.lc.item(key)
                node = node[key]
            elif isinstance(node, CommentedMap) and isinstance(key, str):
                continue  # a union tag or a field that is not there: stay on the parent
            else:
                break
        return line, col

    def plain(self) -> Any:
        """The data as plain dicts, lists and NFC strings; dropped characters become warnings."""

        limits = current()
        biggest = 10**limits.number_digits

        def walk(node: Any, loc: tuple[str | int, ...]) -> Any:
            if isinstance(node, dict):
                return {str(k): walk(v, (*loc, str(k))) for k, v in node.items()}
            if isinstance(node, list):
                return [walk(v, (*loc, i)) for i, v in enumerate(node)]
            if isinstance(node, (bytes, bytearray, set, frozenset)):  # !!binary, !!set
                raise DataError(
                    _("kiểu giá trị YAML không dùng được ở đây (!!binary, !!set …); ghi dạng văn bản"), self.place(loc)
                )
            if isinstance(node, int) and not isinstance(node, bool) and not -biggest < node < biggest:
                raise DataError(
                    over_limit(_("số chữ số của một số"), len(str(abs(node))), "number_digits"), self.place(loc)
                )
            if isinstance(node, float) and not math.isfinite(node):
                raise DataError(_("số không hữu hạn (.inf, .nan) không dùng được"), self.place(loc))
            if isinstance(node, str):
                if len(node) > limits.text_chars:
                    raise DataError(over_limit(_("độ dài văn bản (ký tự)"), len(node), "text_chars"), self.place(loc))
                text, dropped = clean_text(str(node))
                if dropped:
                    self.warnings.append(
                        f"{self.place(loc)}: "
                        + _("đã bỏ ký tự điều khiển XML không chứa được: {chars}", chars=", ".join(dropped))
                    )
                return text
            return node

        return walk(self.data, ())


def _mark_of(marks: Any, loc: Sequence[str | int]) -> tuple[int | None, int | None] | None:
    """Source._tree_mark's walk, over _marks()'s nodes: the same line and column (0-based); None
    for a key that is not text at a mapping (the round-trip tree may hold it as a number)."""
    node, index = marks
    line = col = None
    if isinstance(node, (nodes.MappingNode, nodes.SequenceNode)):
        line, col = node.start_mark.line, node.start_mark.column
    for key in loc:
        if isinstance(node, nodes.MappingNode) and not isinstance(key, str):
            return None
        if isinstance(node, nodes.MappingNode) and key in index[id(node)]:
            key_node, value = index[id(node)][key]
            if _empty(value):
                return None
            mark = (
                key_node.start_mark if isinstance(value, (nodes.MappingNode, nodes.SequenceNode)) else value.start_mark
            )
            line, col = mark.line, mark.column
            node = value
        elif isinstance(node, nodes.MappingNode):
            continue  # a union tag or a field that is not there: stay on the parent
        elif isinstance(node, nodes.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            node = node.value[key]
            if _empty(node):
                return None
            line, col = node.start_mark.line, node.start_mark.column
        else:
            break
    return line, col


def _empty(node: Any) -> bool:
    """An empty value (`key:` with nothing after it): libyaml places it after the colon, the
    round-trip tree at the next token; the tree answers for it."""
    return isinstance(node, nodes.ScalarNode) and node.value == "" and not node.style
