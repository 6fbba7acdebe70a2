"""Loading a data tree: YAML files → validated bodies, references and documents, or located errors."""

from __future__ import annotations

import functools
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.data.model import Body, CriteriaSet, Document, Kind, Reference, ResultsFile, SubplanFile
from generator.data.yamlsource import Source
from generator.errors import CombinedError, DataError, Place, UnknownIdError, VbgenError, suggest
from generator.i18n import N_, _
from generator.limits import inside, regular_file_stat
from generator.nd30.dates import NoSuchDateError, read_typed_date
from generator.nd30.recipients import ALL_UNITS

ROOT_MARKER = "directory.yaml"
CATALOGUE = Path(__file__).resolve().parent / "catalogue"
SECTIONS: dict[str, type[BaseModel]] = {
    "bodies": Body,
    "references": Reference,
    "kinds": Kind,
    "criteria": CriteriaSet,
    "plan": Document,
    "subplan": SubplanFile,
    "results": ResultsFile,
}


_MESSAGES = {
    "missing": N_("thiếu trường bắt buộc"),
    "extra_forbidden": N_("trường không có trong lược đồ dữ liệu"),
    "date_parsing": N_("ngày không hợp lệ: cần một ngày có thật, dạng YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("ngày không hợp lệ: cần một ngày có thật, dạng YYYY-MM-DD"),
    "date_type": N_("cần một ngày dạng YYYY-MM-DD"),
    "int_parsing": N_("cần một số nguyên"),
    "int_type": N_("cần một số nguyên"),
    "float_parsing": N_("cần một số"),
    "bool_parsing": N_("cần true hoặc false"),
    "bool_type": N_("cần true hoặc false"),
    "string_type": N_("cần một chuỗi văn bản"),
    "string_too_short": N_("không được để trống"),
    "list_type": N_("cần một danh sách"),
    "dict_type": N_("cần một bảng khóa: giá trị"),
    "model_type": N_("cần một bảng khóa: giá trị"),
    "model_attributes_type": N_("cần một bảng khóa: giá trị"),
    "too_short": N_("danh sách cần ít nhất một phần tử"),
}


def _tags_dropped(loc: Sequence[str | int]) -> tuple[str | int, ...]:
    return tuple(k for k in loc if not (isinstance(k, str) and k.startswith("<")))


def _fields_at(model: Any, loc: Sequence[str | int]) -> list[str]:
    """Field names of the model class that `loc` leads to, for "did you mean" hints."""
    current: Any = model
    for key in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(key))
            if info is None:
                return []
            current = info.annotation
        elif typing.get_origin(current) in (list, dict):
            current = typing.get_args(current)[-1]
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(tp: Any) -> Any:
    """The model class inside Optional/Annotated/unions, if there is exactly one."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            models = [a for a in typing.get_args(tp) if _unwrap(a) is not type(None) and not _is_text(a)]
            if len(models) != 1:
                return tp
            tp = models[0]
        else:
            return tp


def _is_text(tp: Any) -> bool:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp is str


def validation_errors(
    exc: ValidationError, source: Source, base: Sequence[str | int], model: type[BaseModel]
) -> list[VbgenError]:
    """Each pydantic error as a located DataError in Vietnamese, with a hint where one helps."""
    out: list[VbgenError] = []
    for err in exc.errors(include_url=False):
        loc = _tags_dropped(err["loc"])
        full = (*base, *loc)
        kind = err["type"]
        message = _(_MESSAGES[kind]) if kind in _MESSAGES else None
        hint = None
        if kind == "literal_error":
            message = _("giá trị không hợp lệ; cần một trong: {expected}", expected=err["ctx"]["expected"])
            hint = suggest(
                str(err.get("input")), str(err["ctx"]["expected"]).replace("'", "").replace(" or ", ", ").split(", ")
            )
        elif kind == "extra_forbidden":
            hint = suggest(str(loc[-1]), _fields_at(model, loc[:-1]))
            if err.get("input") is None and _in_flow_mapping(source, full):
                message = _(
                    "'{key}' không phải một trường: dấu phẩy trong {braces} đã tách giá trị trước nó; "
                    "đặt giá trị có dấu phẩy trong ngoặc kép ({example}) hoặc viết mỗi trường một dòng",
                    key=loc[-1],
                    braces="{…}",
                    example='text: "a, b"',
                )
                hint = None
        elif kind == "string_pattern_mismatch":
            message = _(
                "'{value}' không đúng dạng (mẫu {pattern})", value=err.get("input"), pattern=err["ctx"]["pattern"]
            )
        elif kind in ("string_too_long", "too_long"):
            message = _("quá dài: tối đa {n} ký tự hoặc phần tử", n=(err.get("ctx") or {}).get("max_length", "?"))
        elif kind in ("date_parsing", "date_from_datetime_parsing") and isinstance(err.get("input"), str):
            message, hint = _date_message(err["input"]) or (message, hint)
        elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            message = _("giá trị {value} ngoài khoảng cho phép ({rule})", value=err.get("input"), rule=err["msg"])
        elif kind == "value_error":
            message = str(err["msg"]).removeprefix("Value error, ")
        if message is None:
            message = err["msg"]
        out.append(DataError(message, source.place(full), hint))
    return out


def _date_message(text: str) -> tuple[str, str | None] | None:
    """What a clerk who typed a date as documents print it (15/3/2027), or a date that does not
    exist, is told; None for anything else."""
    try:
        day = read_typed_date(text)
    except NoSuchDateError:
        return _("ngày không hợp lệ: {text} không có thật", text=text.strip()), None
    if day is None or "/" not in text:
        return None
    return _("ngày không hợp lệ: trong dữ liệu, ngày viết dạng năm-tháng-ngày"), _("viết {iso}", iso=day.isoformat())


def _in_flow_mapping(source: Source, loc: Sequence[str | int]) -> bool:
    """Whether the value at `loc` is written inside a flow mapping {…} on its line."""
    place = source.exact_place(loc)
    lines = source.text.splitlines()
    if place.line is None or place.line > len(lines):
        return False
    return "{" in lines[place.line - 1][: place.column or None]


@dataclass
class LoadedDocument:
    """A document and the file it came from, so later errors can point into it.

    A derived document (a sub-plan) takes its parts from several files: `origins` maps a top-level
    field, or ("sections", i), to the file and path it came from.
    """

    document: Document
    source: Source
    base: tuple[str | int, ...]
    parent: LoadedDocument | None = None  # the main plan of a sub-plan
    kind: str | None = None  # the catalogue kind of a sub-plan
    origins: dict[tuple[str | int, ...], tuple[Source, tuple[str | int, ...]]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # more text variables (a report's plan items)
    problems: list[str] = field(default_factory=list)  # warnings that --strict turns into failures

    def place(self, *loc: str | int) -> Place:
        source, path = self.origin(*loc)
        return source.place(path)

    def origin(self, *loc: str | int) -> tuple[Source, tuple[str | int, ...]]:
        """The file and the path in it that the value at `loc` came from: a document derived from
        this one points a field it inherits there, so its errors name the user's line."""
        for size in (3, 2, 1):
            key = tuple(loc[:size])
            if len(loc) >= size and key in self.origins:
                source, base = self.origins[key]
                return source, (*base, *loc[size:])
        return self.source, (*self.base, *loc)

    @property
    def doc_id(self) -> str:
        assert self.document.id is not None
        return self.document.id


@dataclass
class LoadedResults:
    """A results file and where it is."""

    results: ResultsFile
    source: Source
    base: tuple[str | int, ...] = ("results",)

    def place(self, *loc: str | int) -> Place:
        return self.source.place((*self.base, *loc))


@dataclass
class LoadedSubplan:
    """A per-agency sub-plan file and where it is."""

    subplan: SubplanFile
    source: Source
    base: tuple[str | int, ...]

    def place(self, *loc: str | int) -> Place:
        return self.source.place((*self.base, *loc))


@dataclass
class Corpus:
    """Everything a data tree states: bodies, references and documents, cross-checked."""

    roots: list[Path]
    bodies: dict[str, Body] = field(default_factory=dict)
    references: dict[str, Reference] = field(default_factory=dict)
    kinds: dict[str, Kind] = field(default_factory=dict)
    criteria: dict[str, CriteriaSet] = field(default_factory=dict)
    results: dict[str, LoadedResults] = field(default_factory=dict)  # by plan id
    documents: list[LoadedDocument] = field(default_factory=list)  # the main documents asked for
    all_documents: dict[str, LoadedDocument] = field(default_factory=dict)  # every main document, by id
    subplans: dict[tuple[str, str], LoadedSubplan] = field(default_factory=dict)  # (plan id, kind) → file
    places: dict[tuple[str, str], Place] = field(default_factory=dict)
    sources: dict[tuple[str, str], tuple[Source, tuple[str, ...]]] = field(default_factory=dict)
    catalogue_ids: set[tuple[str, str]] = field(default_factory=set)  # data may redefine these
    broken: set[str] = field(default_factory=set)  # ids defined with errors: not reported again as unknown
    warnings: list[str] = field(default_factory=list)

    def body(self, body_id: str, place: Place | None) -> Body:
        try:
            return self.bodies[body_id]
        except KeyError:
            raise UnknownIdError(
                _("không có cơ quan '{id}' trong danh mục cơ quan", id=body_id), place, suggest(body_id, self.bodies)
            ) from None

    def reference(self, ref_id: str, place: Place | None) -> Reference:
        try:
            return self.references[ref_id]
        except KeyError:
            raise UnknownIdError(
                _("không có văn bản '{id}' trong danh mục văn bản dẫn chiếu", id=ref_id),
                place,
                suggest(ref_id, self.references),
            ) from None


def find_root(path: Path) -> Path:
    """The data root of `path`: the nearest folder at or above it holding directory.yaml."""
    start = path if path.is_dir() else path.parent
    for folder in (start, *start.parents):
        if (folder / ROOT_MARKER).is_file():
            return folder
    return start


def yaml_files(path: Path) -> list[Path]:
    """The .yaml/.yml files at `path`, in a stable order; hidden folders are skipped."""
    if path.is_file():
        return [path]
    # Not only regular files: a FIFO or a device named *.yaml is refused when read, not skipped.
    files = [p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and not p.is_dir()]
    return sorted(p for p in files if not any(part.startswith(".") for part in p.relative_to(path).parts))


def load(paths: Iterable[Path | str], parsed: Mapping[str, Source] | None = None) -> Corpus:
    """Load and cross-check the data at `paths`; raise DataError (or CombinedError) on any problem.
    `parsed`: files already parsed (see parse_share), by path; the others are parsed here."""
    corpus, errors = load_collecting(paths, parsed)
    if errors:
        raise combined(errors)
    return corpus


def combined(errors: list[VbgenError]) -> VbgenError:
    """One error for a list of errors, each listed once (a cascade can repeat one)."""
    unique = list({str(e): e for e in errors}.values())
    return unique[0] if len(unique) == 1 else CombinedError(unique)


def data_files(targets: Sequence[Path]) -> list[tuple[Path, Path]]:
    """(file, its data root) for every data file load_collecting reads under `targets`, in its order."""
    out: list[tuple[Path, Path]] = []
    seen: set[Path] = set()
    for root in sorted({find_root(p) for p in targets}):
        for file in yaml_files(root):
            if file.resolve() not in seen:
                seen.add(file.resolve())
                out.append((file, root))
    return out


def parse_share(paths: Iterable[Path | str], share: int, shares: int) -> dict[str, Source]:
    """Every `shares`-th data file load() would read at `paths` (from `share`), parsed: the workers
    of a build parse the data between them, and each loads with all the parts (`parsed`). A file
    that does not parse is left out: load() parses it again and reports its error as usual."""
    out: dict[str, Source] = {}
    try:
        targets = [Path(p) for p in paths]
        files = data_files([p for p in targets if p.exists()])
        sizes = [f.stat().st_size for f, _root in files]
    except Exception:  # load() meets the same fault and reports it
        return out
    # Shares of about the same size (a big directory.yaml weighs as much as many small files):
    # the largest file first, each to the lightest share so far; every worker works it out alike.
    load = [0] * shares
    mine: list[tuple[Path, Path]] = []
    for i in sorted(range(len(files)), key=lambda i: (-sizes[i], i)):
        lightest = min(range(shares), key=lambda k: (load[k], k))
        load[lightest] += sizes[i] + 1
        if lightest == share:
            mine.append(files[i])
    for file, root in mine:
        try:
            if inside(file, root):
                out[str(file)] = Source.load(file)
        except Exception:  # as above: load() reports it
            continue
    return out


def load_collecting(
    paths: Iterable[Path | str], parsed: Mapping[str, Source] | None = None
) -> tuple[Corpus, list[VbgenError]]:
    """The data at `paths`, as far as it loads, and every error found on the way: a file's YAML
    or schema errors do not hide the other files' errors, nor the cross-checks of what loaded
    (so a user sees every error of a run at once). A file that cannot be parsed at all stops
    the cross-checks: what it defines is unknown, and every id it holds would be reported."""
    targets = [Path(p) for p in paths]
    errors: list[VbgenError] = []
    for p in targets:
        if not p.exists():
            raise DataError(_("không tìm thấy tệp hoặc thư mục"), Place(p))
        if not p.is_dir():
            regular_file_stat(p)  # a FIFO or a device is refused, not read as an empty data set
    roots = sorted({find_root(p) for p in targets})
    corpus = Corpus(roots=roots)
    for file in yaml_files(CATALOGUE):
        _load_file(corpus, file, root=CATALOGUE, errors=errors, catalogue=True)
    corpus.catalogue_ids = set(corpus.places)
    wanted = {f.resolve() for p in targets for f in yaml_files(p)}
    unparsed = False
    for file, root in data_files(targets):
        try:
            if not inside(file, root):
                raise DataError(
                    _("tệp dữ liệu là liên kết ra ngoài thư mục dữ liệu {root}; không đọc", root=root), Place(file)
                )
            _load_file(corpus, file, root=root, errors=errors, parsed=parsed)
        except VbgenError as exc:
            errors.append(exc)
            unparsed = True
    wanted_ids = {d.doc_id for d in corpus.all_documents.values() if d.source.path.resolve() in wanted}
    # A sub-plan file asked for brings its main plan along (the sub-plan is derived from it).
    wanted_ids |= {plan for (plan, _k), sp in corpus.subplans.items() if sp.source.path.resolve() in wanted}
    wanted_ids |= {plan.split("#")[0] for plan, res in corpus.results.items() if res.source.path.resolve() in wanted}
    corpus.documents = [d for d in corpus.all_documents.values() if d.doc_id in wanted_ids]
    if not unparsed:
        errors.extend(_cross_check(corpus))
    return corpus, errors


@functools.lru_cache(maxsize=16)
def _catalogue_source(file: Path, mtime_ns: int) -> Source:
    """The shipped catalogue is parsed once per process (it does not change under us)."""
    return Source.load(file)


def _load_file(
    corpus: Corpus,
    file: Path,
    *,
    root: Path,
    errors: list[VbgenError],
    catalogue: bool = False,
    parsed: Mapping[str, Source] | None = None,
) -> None:
    if catalogue:
        source = _catalogue_source(file, file.stat().st_mtime_ns)
    else:
        source = (parsed or {}).get(str(file)) or Source.load(file)
    if source.data is None:
        return
    if not isinstance(source.data, dict):
        raise DataError(_("tệp dữ liệu phải là một bảng khóa: giá trị ở cấp cao nhất"), source.place(()))
    data = source.plain()
    corpus.warnings.extend(source.warnings)
    for key, value in data.items():
        if key not in SECTIONS:
            errors.append(
                DataError(
                    _(
                        "khóa cấp cao nhất '{key}' không được biết; dùng một trong: {keys}",
                        key=key,
                        keys=", ".join(SECTIONS),
                    ),
                    source.place((key,)),
                    suggest(key, SECTIONS),
                )
            )
            continue
        if key == "plan":
            _load_document(corpus, source, (key,), value, errors, root)
            continue
        if key == "subplan":
            _load_subplan(corpus, source, value, errors)
            continue
        if key == "results":
            _load_results(corpus, source, value, errors)
            continue
        model = SECTIONS[key]
        if not isinstance(value, dict):
            errors.append(DataError(_("cần một bảng id: nội dung"), source.place((key,))))
            continue
        store: dict[str, Any] = getattr(corpus, key)
        for item_id, item in value.items():
            place = source.place((key, item_id))
            if item_id in store and (key, item_id) not in corpus.catalogue_ids:
                first = corpus.places[(key, item_id)]
                errors.append(DataError(_("id '{id}' đã được định nghĩa ở {place}", id=item_id, place=first), place))
                continue
            corpus.catalogue_ids.discard((key, item_id))  # a data folder's own definition wins
            validated = _validated(model, item, source, (key, item_id), errors)
            if validated is None:
                corpus.broken.add(str(item_id))
                continue
            store[item_id] = validated
            corpus.places[(key, item_id)] = place
            corpus.sources[(key, item_id)] = (source, (key, item_id))


def _validated(
    model: type[BaseModel], value: Any, source: Source, base: tuple[str | int, ...], errors: list[VbgenError]
) -> Any:
    """`value` as a `model`, or None with its located errors added to `errors`."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        errors.extend(validation_errors(exc, source, base, model))
        return None


def _load_document(
    corpus: Corpus, source: Source, base: tuple[str | int, ...], value: Any, errors: list[VbgenError], root: Path
) -> None:
    doc = _validated(Document, value, source, base, errors)
    rel = source.path.resolve().relative_to(root.resolve()).with_suffix("")
    if doc is None:
        given = value.get("id") if isinstance(value, dict) else None
        corpus.broken.add(str(given or rel.as_posix().lower()))
        return
    if doc.id is None:
        doc.id = rel.as_posix().lower()
    if doc.id in corpus.all_documents:
        other = corpus.all_documents[doc.id].source.path
        errors.append(
            DataError(_("hai văn bản cùng id '{id}' (cả {other})", id=doc.id, other=other), source.place((*base, "id")))
        )
        return
    corpus.all_documents[doc.id] = LoadedDocument(doc, source, base)


def _load_results(corpus: Corpus, source: Source, value: Any, errors: list[VbgenError]) -> None:
    res = _validated(ResultsFile, value, source, ("results",), errors)
    if res is None:
        return
    if res.plan in corpus.results:
        other = corpus.results[res.plan].source.path
        errors.append(
            DataError(
                _("đã có tệp kết quả của '{plan}' ({other})", plan=res.plan, other=other),
                source.place(("results", "plan")),
            )
        )
        return
    corpus.results[res.plan] = LoadedResults(res, source)


def _load_subplan(corpus: Corpus, source: Source, value: Any, errors: list[VbgenError]) -> None:
    sub = _validated(SubplanFile, value, source, ("subplan",), errors)
    if sub is None:
        return
    key = (sub.plan, sub.kind)
    if key in corpus.subplans:
        other = corpus.subplans[key].source.path
        errors.append(
            DataError(
                _("đã có tệp kế hoạch con '{kind}' của '{plan}' ({other})", kind=sub.kind, plan=sub.plan, other=other),
                source.place(("subplan",)),
            )
        )
        return
    corpus.subplans[key] = LoadedSubplan(sub, source, ("subplan",))


def _cross_check(corpus: Corpus) -> list[VbgenError]:
    """Every id names something that exists; parent chains have no cycle."""
    errors: list[VbgenError] = []

    def need(value: str | None, known: Iterable[str], message: str, place: Place) -> None:
        """An UnknownIdError (with the closest valid name) unless `value` is among `known`."""
        if value is not None and value not in known and value not in corpus.broken:
            errors.append(UnknownIdError(message, place, suggest(value, known)))

    def need_body(body_id: str | None, place: Place) -> None:
        need(body_id, corpus.bodies, _("không có cơ quan '{id}' trong danh mục cơ quan", id=body_id), place)

    for body_id, body in corpus.bodies.items():
        place = corpus.places[("bodies", body_id)]
        need_body(body.parent, place)
        if body.succeeded:
            need_body(body.succeeded.by, place)
        chain, current = [body_id], body
        while current.parent and current.parent in corpus.bodies:
            if current.parent in chain:
                errors.append(
                    DataError(
                        _("quan hệ cơ quan chủ quản tạo vòng: {chain}", chain=" → ".join([*chain, current.parent])),
                        place,
                    )
                )
                break
            chain.append(current.parent)
            current = corpus.bodies[current.parent]
    for ref_id, ref in corpus.references.items():
        for issuer in ref.issuers:
            need_body(issuer, corpus.places[("references", ref_id)])
    for loaded in corpus.all_documents.values():
        doc = loaded.document
        if doc.issuer not in corpus.bodies:
            need_body(doc.issuer, loaded.place("issuer"))
            continue
        issuer = corpus.bodies[doc.issuer]
        for i, ref_id in enumerate(doc.basis):
            message = _("không có văn bản '{id}' trong danh mục văn bản dẫn chiếu", id=ref_id)
            need(ref_id, corpus.references, message, loaded.place("basis", i))
        for role in ("report", "inform"):
            for i, body_id in enumerate(getattr(doc.recipients, role)):
                need_body(body_id, loaded.place("recipients", role, i))
        own = {*issuer.organisations, *issuer.units, ALL_UNITS, *corpus.bodies}  # or any body, group
        for i, item in enumerate(doc.recipients.implement):
            message = _(
                "'{item}' không phải tổ chức, đơn vị của {agency} (hay '{all}')",
                item=item,
                agency=issuer.name,
                all=ALL_UNITS,
            )
            need(item, own, message, loaded.place("recipients", "implement", i))
        message = _("'{unit}' không phải đơn vị của {agency}", unit=doc.drafted_by, agency=issuer.name)
        need(doc.drafted_by, issuer.units, message, loaded.place("drafted_by"))
        for i, deadline in enumerate(doc.deadlines):
            need_body(deadline.to, loaded.place("deadlines", i, "to"))
            need_body(deadline.via, loaded.place("deadlines", i, "via"))
        for i, call in enumerate(doc.subplans):
            kind = call if isinstance(call, str) else call.kind
            message = _("không có loại kế hoạch con '{kind}' trong danh mục", kind=kind)
            need(kind, corpus.kinds, message, loaded.place("subplans", i))
    for plan_id, res in corpus.results.items():
        message = _("không có kế hoạch '{plan}' để báo cáo kết quả", plan=plan_id)
        need(plan_id.split("#")[0], corpus.all_documents, message, res.place("plan"))
    for (plan_id, kind), sp in corpus.subplans.items():
        if plan_id not in corpus.all_documents:
            need(plan_id, corpus.all_documents, _("không có kế hoạch '{plan}'", plan=plan_id), sp.place("plan"))
            continue
        calls = {c if isinstance(c, str) else c.kind for c in corpus.all_documents[plan_id].document.subplans}
        if kind not in calls:
            errors.append(
                DataError(
                    _(
                        "kế hoạch '{plan}' không gọi kế hoạch con '{kind}'; thêm '{kind}' vào 'subplans' của nó",
                        plan=plan_id,
                        kind=kind,
                    ),
                    sp.place("kind"),
                    suggest(kind, calls),
                )
            )
    return errors
