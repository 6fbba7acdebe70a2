"""The form of a data file: its fields as inputs, and the posted values written back into the YAML."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.i18n import _
from generator.nd30.dates import NoSuchDateError, read_typed_date

# What a clerk calls each field; keys not listed show their own name.
LABELS = {
    "type": "Loại văn bản (mã)",
    "number": "Số",
    "date": "Ngày ban hành",
    "year": "Năm",
    "issuer": "Cơ quan ban hành",
    "title": "Trích yếu / tiêu đề",
    "short_name": "Tên ngắn (tên tệp)",
    "basis": "Căn cứ",
    "implements": "Thực hiện văn bản",
    "opening": "Đoạn mở đầu",
    "sections": "Các phần",
    "paragraphs": "Đoạn văn",
    "items": "Các mục",
    "bullets": "Gạch đầu dòng",
    "targets": "Chỉ tiêu",
    "text": "Nội dung",
    "value": "Giá trị",
    "unit": "Đơn vị tính",
    "closing": "Đoạn kết",
    "deadlines": "Thời hạn",
    "what": "Việc phải làm",
    "to": "Gửi đến",
    "via": "Qua",
    "signer": "Người ký",
    "authority": "Thẩm quyền ký",
    "name": "Họ tên",
    "recipients": "Nơi nhận",
    "report": "Để báo cáo (b/c)",
    "inform": "Để biết",
    "leadership": "Lãnh đạo cơ quan",
    "implement": "Để thực hiện (T/hiện)",
    "extra": "Dòng khác",
    "keep": "Số bản lưu",
    "drafted_by": "Đơn vị soạn thảo",
    "typist": "Người đánh máy",
    "initials": "Chữ viết tắt",
    "copies": "Số bản",
    "subplans": "Kế hoạch con",
    "table": "Bảng",
    "rows": "Các dòng",
    "plan": "Kế hoạch",
    "kind": "Loại kế hoạch con",
    "id": "Mã (id)",
    "theme": "Chủ đề năm",
}

# The ND30 forms of signing (Điều 13), as a clerk knows them.
AUTHORITIES = [
    ("head", "Người đứng đầu ký (hoặc TM. tập thể)"),
    ("deputy", "KT. — cấp phó ký thay"),
    ("acting", "Q. — quyền"),
    ("by_order", "TL. — thừa lệnh"),
    ("by_delegation", "TUQ. — thừa ủy quyền"),
]

ID_LISTS = {("recipients", "report"), ("recipients", "inform"), ("recipients", "implement")}
DATE_KEYS = {"date", "valid_from", "valid_to"}
INT_KEYS = {"number", "year", "copies"}
LONG_KEYS = {"title", "opening", "paragraphs", "closing", "text", "what", "extra", "bullets"}


@dataclass
class Field:
    """One input of the form (or a heading, when `kind` is "group")."""

    path: str  # dotted path in the file: plan.sections.0.title
    label: str
    kind: str  # group | text | textarea | lines | date | int | select | multi | bool
    value: Any = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    depth: int = 0

    @property
    def name(self) -> str:
        return "f:" + self.path


class FormError(ValueError):
    """A posted value that cannot be what its field holds (a date that does not exist)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def yaml() -> YAML:
    y = YAML()  # round trip: order and comments kept
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def parse(text: str) -> Any:
    return yaml().load(text)


def dump(data: Any) -> str:
    buf = io.StringIO()
    yaml().dump(data, buf)
    return buf.getvalue()


def _label(key: str | int) -> str:
    if isinstance(key, int):
        return _("Mục {n}", n=key + 1)
    return LABELS.get(key, key)


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def show_date(value: Any) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year}" if isinstance(value, dt.date) else str(value or "")


def fields(data: Mapping, id_choices: list[tuple[str, str]]) -> list[Field]:
    """The form's fields for every value of the file's document, in the file's order."""
    out: list[Field] = []

    def walk(node: Any, path: tuple[str | int, ...]) -> None:
        key = path[-1]
        dotted = ".".join(str(p) for p in path)
        depth = len(path) - 1
        label = _label(key)
        if key == "date" and "deadlines" in path:
            label = _("Hạn (ngày)")
        if isinstance(node, Mapping):
            out.append(Field(dotted, label, "group", depth=depth))
            for k, v in node.items():
                walk(v, (*path, k))
        elif path[-2:] in ID_LISTS:
            values = [str(v) for v in node or []]
            choices = list(id_choices) + [(v, v) for v in values if v not in dict(id_choices)]
            out.append(Field(dotted, label, "multi", values, choices, depth))
        elif _is_text_list(node):
            out.append(Field(dotted, label, "lines", "\n".join(node), depth=depth))
        elif isinstance(node, list):
            out.append(Field(dotted, label, "group", depth=depth))
            for i, v in enumerate(node):
                walk(v, (*path, i))
        elif key in ("issuer", "to", "via") and isinstance(node, str) and id_choices:
            choices = list(id_choices) + ([] if node in dict(id_choices) else [(node, node)])
            out.append(Field(dotted, label, "select", node, choices, depth))
        elif key == "authority":
            out.append(Field(dotted, label, "select", str(node), AUTHORITIES, depth))
        elif isinstance(node, bool):
            out.append(Field(dotted, label, "bool", node, depth=depth))
        elif key in DATE_KEYS or isinstance(node, dt.date):
            out.append(Field(dotted, label, "date", show_date(node), depth=depth))
        elif key in INT_KEYS and (node is None or isinstance(node, int)):
            out.append(Field(dotted, label, "int", "" if node is None else str(node), depth=depth))
        else:
            text = "" if node is None else str(node)
            kind = "textarea" if (key in LONG_KEYS or len(text) > 80 or "\n" in text) else "text"
            out.append(Field(dotted, label, kind, text, depth=depth))

    for top, value in data.items():
        if isinstance(value, Mapping):
            for k, v in value.items():
                walk(v, (top, k))
            # keys the model knows but the file leaves out, that a clerk most often fills in
            for k in ("number", "date") if top == "plan" else ():
                if k not in value:
                    walk(None, (top, k))
    return out


def read_date(path: str, text: str) -> dt.date | None:
    """A date typed as 03/4/2024 (as documents print it) or 2024-04-03; None when left empty."""
    if not text.strip():
        return None
    try:
        day = read_typed_date(text)
    except NoSuchDateError:
        raise FormError(path, _("ngày không có thật: {text}", text=text.strip())) from None
    if day is None:
        raise FormError(path, _("ngày phải viết dạng ngày/tháng/năm, ví dụ 03/4/2024: '{text}'", text=text.strip()))
    return day


def _convert(kind: str, path: str, raw: Any, old: Any) -> Any:
    if kind == "date":
        return read_date(path, raw)
    if kind == "int":
        raw = raw.strip()
        if not raw:
            return None
        if not raw.isdigit() or len(raw) > 9:
            raise FormError(path, _("cần một số nguyên dương: '{text}'", text=raw))
        return int(raw)
    if kind == "bool":
        return bool(raw)
    if kind == "lines":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    if kind == "multi":
        return list(raw)
    text = raw.replace("\r\n", "\n")
    return text if text.strip() or old is not None else None


def apply(data: Any, form: list[Field], posted: Mapping[str, Any], shown: set[str]) -> list[FormError]:
    """Write the posted values into `data` (the round-trip YAML) where they changed; the values
    that cannot be read are returned and left as they were. `shown` names the lists and check
    boxes that were on the page: a browser sends nothing for an empty one."""
    errors: list[FormError] = []
    for f in form:
        if f.kind == "group":
            continue
        empty = {"multi": [], "bool": False}.get(f.kind) if f.path in shown else None
        raw = posted.get(f.name, empty)
        if raw is None:
            continue
        parts: list[str | int] = [int(p) if p.isdigit() else p for p in f.path.split(".")]
        parent = data
        for p in parts[:-1]:
            parent = parent[p]
        key = parts[-1]
        old = parent.get(key) if isinstance(parent, Mapping) else parent[key]
        try:
            new = _convert(f.kind, f.path, raw, old)
        except FormError as exc:
            errors.append(exc)
            continue
        if _same(new, old):
            continue
        if new is None or new == []:
            if isinstance(parent, CommentedMap) and key in parent and f.kind in ("date", "int"):
                del parent[key]
            elif f.kind == "multi" and isinstance(parent, CommentedMap):
                parent[key] = CommentedSeq()
            continue
        if isinstance(old, CommentedSeq) and isinstance(new, list):
            old[:] = new  # keeps the list's comments
        else:
            parent[key] = new
    return errors


def _same(new: Any, old: Any) -> bool:
    if isinstance(old, list) and isinstance(new, list):
        return [str(v) for v in old] == [str(v) for v in new]
    if old is None:
        return new in (None, "", [])
    return new == old or (isinstance(old, str) and str(new) == old)
