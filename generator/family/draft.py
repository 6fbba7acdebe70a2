"""`vbgen draft`: next year's data files written from this year's, as drafts to review."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from generator.data.load import Corpus, find_root, load, yaml_files
from generator.errors import DataError, Place
from generator.i18n import N_, Later, _
from generator.limits import inside, read_regular
from generator.nd30.dates import add_years, short_date
from generator.word.writer import write_planned

FACT_KEYS = {"bodies", "references", "kinds", "criteria"}
CITE_RE = re.compile(r"cite(?:_short)?\(\s*'([^']+)'")
REVIEW = N_("XEM LẠI")


def _yaml() -> YAML:
    """Round-trip YAML that keeps order, comments, quotes and dates, and does not re-wrap lines."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


@dataclass
class FileReport:
    """What drafting did to one file, and what a person should look at."""

    source: str
    output: str | None
    changes: list[str] = field(default_factory=list)
    review: list[Later] = field(default_factory=list)  # also written, in Vietnamese, into the file

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "review": [str(r) for r in self.review]}


@dataclass
class DraftReport:
    """The whole draft: a report for each file."""

    year: int
    files: list[FileReport] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"year": self.year, "files": [f.to_json() for f in self.files]}


def successor(corpus: Corpus, body_id: str, year: int) -> str:
    """The body that issues for `body_id` in `year`, following successions dated up to that year
    (a body that ended without a successor is returned as it is: see `ended`)."""
    seen = {body_id}
    current = body_id
    while (s := corpus.bodies[current].succeeded) is not None and s.by and s.date.year <= year and s.by not in seen:
        seen.add(s.by)
        current = s.by
    return current


def ended(corpus: Corpus, body_id: str, year: int) -> dt.date | None:
    """The day `body_id` (after its successions up to `year`) ceased to exist, if it had by then."""
    s = corpus.bodies[successor(corpus, body_id, year)].succeeded
    return s.date if s is not None and s.by is None and s.date.year <= year else None


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value if not isinstance(value, dt.datetime) else value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _replace_year_in_path(rel: Path, old: int, new: int) -> Path:
    return Path(*[str(new) if part == str(old) else part for part in rel.parts])


def _replace_year_in_id(doc_id: str, old: int, new: int) -> str:
    return "/".join(str(new) if part == str(old) else part for part in doc_id.split("/"))


def _texts(node: Any) -> list[str]:
    """Every string inside a YAML node."""
    if isinstance(node, dict):
        return [t for v in node.values() for t in _texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _texts(v)]
    return [node] if isinstance(node, str) else []


def _not_in_force(corpus: Corpus, ref_ids: set[str], year: int) -> list[str]:
    """References cited that are no longer in force at some time in `year` (`valid_to` before its
    end): replaced before the year or during it."""
    from generator.family.derive import in_force

    return [
        r
        for r in sorted(ref_ids)
        if (ref := corpus.references.get(r)) is not None and ref.valid_to is not None and not in_force(ref, year)
    ]


def _year_tied(corpus: Corpus, ref_ids: set[str], old: int) -> list[str]:
    """References cited that belong to the old year: issued in it, or about it, or valid only then."""
    flagged = []
    for ref_id in sorted(ref_ids):
        ref = corpus.references.get(ref_id)
        if ref is None:
            continue
        tied = (ref.date is not None and ref.date.year == old) or (ref.subject and str(old) in ref.subject)
        tied = tied or (ref.valid_to is not None and ref.valid_to.year == old)
        if tied:
            flagged.append(ref_id)
    return flagged


def draft(src: Path, year: int, out: Path, *, force: bool = False) -> DraftReport:
    """Write next year's data files from `src` (a file or a folder) into `out`."""
    corpus = load([src])  # the source must be valid data: drafting bad data helps nobody
    root = find_root(src)
    files = yaml_files(src) if src.is_dir() else [src]
    if src.is_dir() and src.resolve() != root.resolve():
        files = yaml_files(root)  # the facts of the data root come along
    report = DraftReport(year)
    yaml = _yaml()
    planned: dict[Path, bytes] = {}
    tables: dict[Path, Path] = {}
    ended_plans: set[str] = set()
    for file in files:
        rel = file.resolve().relative_to(root.resolve())
        data = yaml.load(file.read_text(encoding="utf-8"))
        keys = set(data) if isinstance(data, dict) else set()
        fr = FileReport(str(file), None)
        report.files.append(fr)
        if keys and keys <= FACT_KEYS:
            planned[out / rel] = file.read_bytes()
            fr.output, fr.changes = str(out / rel), [_("dữ kiện (danh mục) chép nguyên")]
            continue
        if "results" in keys:
            fr.changes.append(_("kết quả năm cũ: không mang sang năm mới"))
            continue
        if "plan" in keys:
            issuer = str(data["plan"].get("issuer"))
            gone = ended(corpus, issuer, year) if issuer in corpus.bodies else None
            if gone is not None:  # no body issues it any more: nothing to draft
                fr.review.append(
                    Later(
                        N_(
                            "{name} không còn từ ngày {date} và danh mục chưa ghi cơ quan kế thừa "
                            "('succeeded: {{by: …}}'): không tạo dự thảo"
                        ),
                        name=corpus.bodies[issuer].name,
                        date=short_date(gone),
                    )
                )
                ended_plans.add(_doc_id(data["plan"], rel))
                continue
            old = _draft_plan(corpus, data["plan"], year, fr)
        elif "subplan" in keys:
            if str(data["subplan"].get("plan")) in ended_plans or _issuer_ended(corpus, data["subplan"], year):
                fr.review.append(
                    Later(N_("kế hoạch chính không còn cơ quan ban hành năm {year}: không tạo dự thảo"), year=year)
                )
                continue
            old = _draft_subplan(corpus, data["subplan"], year, fr, file, tables, root)
        else:
            planned[out / rel] = file.read_bytes()
            fr.output = str(out / rel)
            continue
        target = out / _replace_year_in_path(rel, old, year) if old else out / rel
        if old:
            _comments_for_year(data, old, year, fr)
        buf = io.StringIO()
        if fr.review:  # above the file's own comments, which are kept
            # Always Vietnamese: the file must not depend on the language of the messages.
            buf.write(f"# {REVIEW} (vbgen draft {year}):\n" + "".join(f"# - {r.vi()}\n" for r in fr.review))
        yaml.dump(data, buf)
        planned[target] = buf.getvalue().encode("utf-8")
        fr.output = str(target)
    for rel, source in tables.items():
        planned[out / rel] = read_regular(source, "table_file_bytes")  # a regular file, within the limit
    write_planned(planned, force=force)  # an existing different file stops the draft before anything is written
    return report


def _doc_id(plan: Any, rel: Path) -> str:
    """A plan's id as the loader gives it: its own, else its path in the data root."""
    return str(plan.get("id") or rel.with_suffix("").as_posix())


def _issuer_ended(corpus: Corpus, sub: Any, year: int) -> bool:
    main = corpus.all_documents.get(str(sub.get("plan")))
    return main is not None and ended(corpus, main.document.issuer, year) is not None


def _bodies_of_year(corpus: Corpus, node: Any, year: int, fr: FileReport) -> None:
    """Recipients and deadline bodies that no longer exist in `year`: their successor, or left out."""
    recipients = node.get("recipients") or {}
    for role in ("report", "inform", "implement"):
        items = recipients.get(role) or []
        for i in reversed(range(len(items))):
            body_id = str(items[i])
            if body_id not in corpus.bodies:
                continue  # an own unit or organisation
            new = successor(corpus, body_id, year)
            if ended(corpus, body_id, year) is not None:
                del items[i]
                fr.review.append(Later(N_("nơi nhận '{id}' không còn năm {year}: đã bỏ"), id=body_id, year=year))
            elif new != body_id:
                if new in items:
                    del items[i]
                else:
                    items[i] = new
                fr.changes.append(_("nơi nhận: {old} → {new}", old=body_id, new=new))
    for deadline in node.get("deadlines") or []:
        for key in ("to", "via"):
            body_id = deadline.get(key)
            if body_id is None or str(body_id) not in corpus.bodies:
                continue
            new = successor(corpus, str(body_id), year)
            if ended(corpus, str(body_id), year) is not None:
                del deadline[key]
                fr.review.append(
                    Later(
                        N_("hạn '{v}': cơ quan '{id}' không còn năm {year}: đã bỏ"),
                        v=deadline.get("id"),
                        id=body_id,
                        year=year,
                    )
                )
            elif new != body_id:
                deadline[key] = new
                fr.changes.append(_("hạn '{v}': {old} → {new}", v=deadline.get("id"), old=body_id, new=new))


def _shift_deadlines(node: Any, years: int, fr: FileReport) -> None:
    for deadline in node.get("deadlines") or []:
        d = _as_date(deadline.get("date"))
        if d is not None:
            moved = add_years(d, years)
            deadline["date"] = moved
            fr.changes.append(_("hạn '{v}': {v2} → {v3}", v=deadline.get("id"), v2=short_date(d), v3=short_date(moved)))


def _clear_number_and_date(node: Any, fr: FileReport) -> None:
    if node.pop("number", None) is not None:
        fr.changes.append(_("số văn bản để trống (cấp khi ban hành)"))
    if node.pop("date", None) is not None:
        fr.changes.append(_("ngày ban hành để trống (ghi khi ban hành)"))
    node.pop("month", None)


def _draft_plan(corpus: Corpus, plan: Any, year: int, fr: FileReport) -> int:
    old_date = _as_date(plan.get("date"))
    old = int(plan.get("year") or (old_date.year if old_date else year - 1))
    if year <= old:
        raise DataError(_("năm dự thảo {year} phải sau năm của kế hoạch ({old})", year=year, old=old), Place(fr.source))
    keys = list(plan)
    at = keys.index("date") if "date" in keys else keys.index("year") if "year" in keys else len(keys)
    plan.pop("year", None)
    _clear_number_and_date(plan, fr)
    plan.insert(min(at, len(plan)), "year", year)  # where the date was: readable, same order
    fr.changes.append(_("năm kế hoạch: {old} → {year}", old=old, year=year))
    _shift_deadlines(plan, year - old, fr)
    for call in plan.get("subplans") or []:
        if isinstance(call, dict):
            _clear_number_and_date(call, fr)
    if plan.get("id"):
        plan["id"] = _replace_year_in_id(str(plan["id"]), old, year)
    issuer = str(plan.get("issuer"))
    new_issuer = successor(corpus, issuer, year)
    if new_issuer != issuer:
        _move_to_successor(corpus, plan, issuer, new_issuer, fr)
    _bodies_of_year(corpus, plan, year, fr)
    body = corpus.bodies.get(str(plan.get("issuer")))
    unit = body.units.get(str(plan.get("drafted_by"))) if body else None
    if body and unit and not unit.exists(year):
        kept = next((u for u, x in body.units.items() if x.exists(year)), None)
        note = Later(N_("; tạm dùng '{unit}'"), unit=kept) if kept else ""
        fr.review.append(
            Later(
                N_("đơn vị soạn thảo '{v}' không còn năm {year}{note}"), v=plan.get("drafted_by"), year=year, note=note
            )
        )
        if kept:
            plan["drafted_by"] = kept
    if plan.get("theme"):
        fr.review.append(
            Later(
                N_("chủ đề năm '{theme}' là của năm {old}: thay bằng chủ đề năm {year}"),
                theme=str(plan["theme"]),
                old=old,
                year=year,
            )
        )
    cited = {m for t in _texts(plan) for m in CITE_RE.findall(t)}
    cited |= {str(r) for r in plan.get("implements") or []} | {str(r) for r in plan.get("basis") or []}
    stale = _not_in_force(corpus, cited, year)
    for ref_id in stale:
        ref = corpus.references[ref_id]
        assert ref.valid_to is not None
        fr.review.append(
            Later(
                N_("văn bản dẫn chiếu '{ref_id}' ({kind}) hết hiệu lực ngày {date}: không còn áp dụng năm {year}"),
                ref_id=ref_id,
                kind=ref.kind,
                date=short_date(ref.valid_to),
                year=year,
            )
        )
    for ref_id in [r for r in _year_tied(corpus, cited, old) if r not in stale]:
        ref = corpus.references[ref_id]
        fr.review.append(
            Later(
                N_("văn bản dẫn chiếu '{ref_id}' ({kind} năm {v}) gắn với năm {old}: thay bằng văn bản của năm {year}"),
                ref_id=ref_id,
                kind=ref.kind,
                v=ref.date.year if ref.date else old,
                old=old,
                year=year,
            )
        )
    for kind_call in plan.get("subplans") or []:
        kind_id = kind_call if isinstance(kind_call, str) else kind_call.get("kind")
        kind = corpus.kinds.get(str(kind_id))
        if kind and kind.yearly_basis:
            from generator.family.derive import in_force

            if not any(in_force(corpus.references[r], year) for r in kind.yearly_basis):
                fr.review.append(
                    Later(
                        N_("kế hoạch con '{kind_id}': danh mục chưa có văn bản hằng năm cho năm {year} (có: {v})"),
                        kind_id=kind_id,
                        year=year,
                        v=", ".join(kind.yearly_basis),
                    )
                )
    return old


def _move_to_successor(corpus: Corpus, plan: Any, old_id: str, new_id: str, fr: FileReport) -> None:
    """Issue under the successor; what the successor lacks (units, organisations) is flagged."""
    new = corpus.bodies[new_id]
    plan["issuer"] = new_id
    when = corpus.bodies[old_id].succeeded
    fr.changes.append(
        _(
            "cơ quan ban hành: {old_id} → {new_id} (kế thừa từ {v})",
            old_id=old_id,
            new_id=new_id,
            v=short_date(when.date) if when else "?",
        )
    )
    fr.review.append(Later(N_("cơ quan ban hành đổi thành {name}: xem lại nội dung nói về cơ quan cũ"), name=new.name))
    if plan.get("drafted_by") not in new.units:  # the old agency's unit id may not exist there
        unit = next(iter(new.units), None)
        note = Later(N_("; tạm dùng '{unit}'"), unit=unit) if unit else ""
        fr.review.append(
            Later(
                N_("đơn vị soạn thảo '{v}' không có ở {name}{note}"), v=plan.get("drafted_by"), name=new.name, note=note
            )
        )
        if unit:
            plan["drafted_by"] = unit
    recipients = plan.get("recipients") or {}
    implement = recipients.get("implement") or []
    own = {*new.units, *new.organisations, "all-units"}
    for item in [i for i in implement if i not in own]:
        implement.remove(item)
        fr.review.append(Later(N_("nơi nhận '{item}' không có ở {name}: đã bỏ"), item=item, name=new.name))


def _draft_subplan(
    corpus: Corpus, sub: Any, year: int, fr: FileReport, file: Path, tables: dict[Path, Path], root: Path
) -> int:
    """A sub-plan file for next year: its plan's new id, no number or date; its table file comes
    along, flagged, as last year's list."""
    plan_id = str(sub.get("plan"))
    main = corpus.all_documents.get(plan_id)
    old = main.document.plan_year if main else year - 1
    sub["plan"] = _replace_year_in_id(plan_id, old, year)
    _clear_number_and_date(sub, fr)
    if main is not None:
        new = corpus.bodies[successor(corpus, main.document.issuer, year)]
        unit = sub.get("drafted_by")
        if unit is not None and (str(unit) not in new.units or not new.units[str(unit)].exists(year)):
            del sub["drafted_by"]  # the kind's drafting unit, found among the successor's units
            fr.review.append(Later(N_("đơn vị soạn thảo '{v}' không có ở {name}: đã bỏ"), v=unit, name=new.name))
    _bodies_of_year(corpus, sub, year, fr)
    cited = {str(r) for r in [*(sub.get("add_basis") or []), *(sub.get("basis") or [])]}
    cited |= {m for t in _texts(sub) for m in CITE_RE.findall(t)}
    for ref_id in _not_in_force(corpus, cited, year):
        valid_to = corpus.references[ref_id].valid_to
        assert valid_to is not None
        fr.review.append(
            Later(
                N_("văn bản dẫn chiếu '{ref_id}' ({kind}) hết hiệu lực ngày {date}: không còn áp dụng năm {year}"),
                ref_id=ref_id,
                kind=corpus.references[ref_id].kind,
                date=short_date(valid_to),
                year=year,
            )
        )
    table = sub.get("table") or {}
    if table.get("file"):
        source = (file.parent / str(table["file"])).resolve()
        if not inside(source, root):  # issue 14: reads stay inside the data root
            raise DataError(
                _(
                    "tệp bảng '{name}' nằm ngoài thư mục dữ liệu {root} (hay là liên kết ra ngoài); chỉ đọc tệp trong thư mục dữ liệu",
                    name=table["file"],
                    root=root,
                ),
                Place(file),
            )
        tables[_replace_year_in_path(source.relative_to(root.resolve()), old, year)] = source
        fr.review.append(
            Later(
                N_("bảng lấy từ '{v}' là danh sách năm {old}: cập nhật cho năm {year}"),
                v=table["file"],
                old=old,
                year=year,
            )
        )
    return old


# --- comments ------------------------------------------------------------------------------------
# A drafted file keeps its comments, but one that states the old year would be wrong next year: a
# sentence about a dated document of that year (the plan itself: "Kế hoạch số 22/KH-SGTVT ngày
# 03/4/2024") is dropped; the year named on its own ("the list for 2024") becomes the new one. A
# year inside an id, a path, a span or a number ("kh-859-ubnd-2024", "…/2024/…", "2024-2025") is
# left as it is, like the years of citations in the text.

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^\s\da-z])")
_COMMENT_LINE = re.compile(r"^(\s*)#\s?(.*)$")


def _year_patterns(old: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a date or document number of year `old`, the year `old` standing alone)."""
    y = str(old)
    dated = re.compile(
        rf"\d{{1,2}}/\d{{1,2}}/{y}(?!\d)|(?<!\d){y}-\d{{1,2}}-\d{{1,2}}|\d+/{y}/|tháng\s+\d{{1,2}},?\s+năm\s+{y}(?!\d)",
        re.IGNORECASE,
    )
    return dated, re.compile(rf"(?<![\w/.-]){y}(?![\w/-])")


def _comments_for_year(data: Any, old: int, year: int, fr: FileReport) -> None:
    """Every comment of a drafted file (ruamel keeps them on the nodes) brought to `year`."""
    dated, bare = _year_patterns(old)
    dropped: list[str] = []
    renamed = [False]

    def fix(text: str, eol: bool) -> str:
        new, gone, changed = _fix_comment(text, eol, dated, bare, str(year))
        dropped.extend(gone)
        renamed[0] = renamed[0] or changed
        return new

    def walk(node: Any) -> None:
        ca = getattr(node, "ca", None)
        if ca is not None:
            if ca.comment:
                if ca.comment[0] is not None:
                    _fix_slot(ca.comment, 0, fix, eol=True)
                if ca.comment[1]:
                    _fix_slot(ca.comment, 1, fix, eol=False)
            for slots in ca.items.values():
                for i in range(len(slots)):
                    if slots[i]:
                        _fix_slot(slots, i, fix, eol=True)
            if ca.end:
                ca.end[:] = [t for t in ca.end if _fix_token(t, fix, eol=False)]
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
        for child in children:
            walk(child)

    walk(data)
    for sentence in dropped:
        fr.changes.append(_("bỏ ghi chú nói về văn bản năm {old}: '{text}'", old=old, text=sentence))
    if renamed[0]:
        fr.changes.append(_("ghi chú nêu năm {old}: đổi thành năm {year}", old=old, year=year))


def _fix_slot(slots: list[Any], i: int, fix: Any, *, eol: bool) -> None:
    """One place ruamel keeps comments: a token, or a list of tokens (one line each) read as one
    text, so that a sentence wrapped over several lines is judged whole."""
    value = slots[i]
    if isinstance(value, list):
        tokens = [t for t in value if t is not None]
        if not tokens:
            return
        text = "".join(t.value for t in tokens)
        new = fix(text, False)
        if new != text:
            tokens[0].value = new
            slots[i] = [tokens[0]] if new else None
    elif value is not None:
        _fix_token(value, fix, eol=eol and value.value.startswith("#"))


def _fix_token(token: Any, fix: Any, *, eol: bool) -> bool:
    """Whether anything is left of the token once fixed."""
    token.value = fix(token.value, eol)
    return bool(token.value)


def _fix_comment(
    text: str, eol: bool, dated: re.Pattern[str], bare: re.Pattern[str], year: str
) -> tuple[str, list[str], bool]:
    """A comment text (lines, some blank) with its blocks brought to the new year: (the text, the
    sentences dropped, whether a year was renamed). An end-of-line comment is a block of its own;
    dropped whole, it leaves its line's end."""
    lines = text.split("\n")
    out: list[str] = []
    gone: list[str] = []
    changed = False
    i = 0
    while i < len(lines):
        m = _COMMENT_LINE.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        if m.group(2).startswith(f"{REVIEW} ("):  # vbgen's own review list (import's, say): kept as it is
            out.append(lines[i])
            i += 1
            while i < len(lines) and (n := _COMMENT_LINE.match(lines[i])) and n.group(2).startswith("- "):
                out.append(lines[i])
                i += 1
            continue
        indent, alone = m.group(1), eol and i == 0
        block = [lines[i]]
        i += 1
        while not alone and i < len(lines):
            n = _COMMENT_LINE.match(lines[i])
            # A block is one paragraph: it ends at another indent, a list item, or a review list.
            if not n or n.group(1) != indent or n.group(2).startswith(("- ", f"{REVIEW} (")):
                break
            block.append(lines[i])
            i += 1
        new, dropped, renamed = _fix_block(block, indent, dated, bare, year)
        gone += dropped
        changed = changed or renamed
        out += new or ([""] if alone else [])  # the line the value is on still ends
    return "\n".join(out), gone, changed


def _fix_block(
    block: list[str], indent: str, dated: re.Pattern[str], bare: re.Pattern[str], year: str
) -> tuple[list[str], list[str], bool]:
    """One block of comment lines: the sentences about a dated document of the old year dropped
    (only the lines they touch are wrapped again), the old year standing alone renamed."""
    bodies = [_COMMENT_LINE.match(line).group(2).strip() for line in block]  # type: ignore[union-attr]
    joined, spans, at = "", [], 0
    for body in bodies:
        spans.append((at, at + len(body)))
        joined += body + " "
        at += len(body) + 1
    cuts = [0, *(m.end() for m in _SENTENCE_END.finditer(joined)), len(joined)]
    sentences = [(a, b) for a, b in itertools.pairwise(cuts) if joined[a:b].strip()]
    drop = [(a, b) for a, b in sentences if dated.search(joined[a:b])]
    if not drop:
        return [bare.sub(year, line) for line in block], [], any(bare.search(body) for body in bodies)
    renamed = False
    touched = [any(a < e and s < b for a, b in drop) for s, e in spans]
    width = max(60, *(len(line) for line in block))
    out: list[str] = []
    i = 0
    while i < len(block):
        if not touched[i]:
            renamed = renamed or bool(bare.search(bodies[i]))
            out.append(bare.sub(year, block[i]))
            i += 1
            continue
        j = i
        while j < len(block) and touched[j]:
            j += 1
        start, end = spans[i][0], spans[j - 1][1]
        kept = "".join(
            joined[max(a, start) : min(b, end)] for a, b in sentences if (a, b) not in drop and a < end and start < b
        )
        renamed = renamed or bool(bare.search(kept))
        kept = bare.sub(year, " ".join(kept.split()))
        prefix = indent + "# "
        out += textwrap.wrap(kept, width, initial_indent=prefix, subsequent_indent=prefix) if kept else []
        i = j
    return out, [" ".join(joined[a:b].split()) for a, b in drop], renamed
