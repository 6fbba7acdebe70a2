"""Reports derived from a plan: the results report and the self-assessment (tự chấm điểm)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from generator.data.load import Corpus, LoadedDocument, LoadedResults
from generator.data.model import (
    Bullet,
    Column,
    CriteriaSet,
    Deadline,
    Document,
    Node,
    Recipients,
    Score,
    Section,
    TableSpec,
    Target,
    TargetResult,
)
from generator.data.yamlsource import Source
from generator.errors import DataError, Place, suggest
from generator.family.context import target_figure, target_phrase, text_variables
from generator.family.derive import subject_of
from generator.i18n import _
from generator.nd30.figures import vn_number
from generator.nd30.numbering import roman
from generator.nd30.text import plain_text

NO_RESULT = "Chưa có kết quả."
SKIPPED_TITLES = ("mục đích", "tổ chức thực hiện")  # parts a results report does not mirror


def last_working_day_before(day: dt.date) -> dt.date:
    """The last Monday-Friday before `day` (public holidays are not known here)."""
    d = day - dt.timedelta(days=1)
    while d.weekday() >= 5:
        d -= dt.timedelta(days=1)
    return d


def mirrored(section: Section) -> bool:
    """Whether a results report mirrors this plan part item by item: parts with items, other than
    the purposes and the organisation of the work, unless the latter assigns work to bodies."""
    if section.report is not None:
        return section.report
    if any(isinstance(item, Node) and item.lead for item in section.items):
        return True  # each assigned body reports on its item
    return bool(section.items) and not section.title.strip().lower().startswith(SKIPPED_TITLES)


def target_status(target: Target, result: TargetResult) -> str | None:
    """đạt / không đạt / vượt: computed from the figures, or as stated when there is no figure.

    A bound that is met with room to spare is "vượt" (≥ 90 with 95; ≤ 5 with 3); a strict bound
    ("trên 95%", "dưới 5") is met or not, and meeting it is "đạt": 95 for "trên 95%" is không đạt.
    """
    achieved = result.achieved
    if target.value is None or not isinstance(achieved, (int, float)):
        return result.status
    value, how = target.value, target.compare
    if how == "at_least":
        return "vượt" if achieved > value else "đạt" if achieved == value else "không đạt"
    if how == "at_most":
        return "vượt" if achieved < value else "đạt" if achieved == value else "không đạt"
    met = {
        "more_than": achieved > value,
        "less_than": achieved < value,
        "exactly": achieved == value,
        "all": achieved >= value,
    }[how]
    return "đạt" if met else "không đạt"


def _planned(target: Target) -> str:
    """The "Kế hoạch" cell: the figure, with its bound when it is not the plain "at least"."""
    if target.compare in ("more_than", "at_most", "less_than"):
        phrase = target_phrase(target)
        return phrase[:1].upper() + phrase[1:]
    return target_figure(target)


def _figure(value: float | str | None, unit: str | None) -> str:
    if value is None:
        return ""
    text = vn_number(value) if isinstance(value, (int, float)) else str(value)
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}" if unit else text


def _deadline(plan: Document, wanted: str | None, place: Place) -> Deadline | None:
    if wanted is None:
        return plan.deadlines[0] if plan.deadlines else None
    for d in plan.deadlines:
        if d.id == wanted:
            return d
    raise DataError(
        _("kế hoạch không có hạn '{wanted}'", wanted=wanted), place, suggest(wanted, [d.id for d in plan.deadlines])
    )


def _recipients(plan: Document, deadline: Deadline | None, given: Recipients | None) -> Recipients:
    """The body reported to first, then the body it goes through and the plan's own superiors."""
    report = [deadline.to] if deadline and deadline.to else list(plan.recipients.report)
    inform = [
        b for b in ([deadline.via] if deadline and deadline.via else []) + plan.recipients.report if b not in report
    ]
    rec = Recipients(report=report, inform=inform, leadership=True)
    if given is not None:
        rec = rec.model_copy(update={f: getattr(given, f) for f in given.model_fields_set})
    return rec


class _PlanItems:
    """The plan's items as its text shows them, for the report to name with the plan's numbering."""

    def __init__(self, corpus: Corpus, plan: LoadedDocument) -> None:
        self.variables = text_variables(corpus, plan)
        self.plan = plan
        self.texts: dict[str, str] = {}

    def text(self, source: str, *loc: str | int) -> str:
        return plain_text(source, self.variables, self.plan.place(*loc))


def results_report(corpus: Corpus, plan: LoadedDocument, res: LoadedResults) -> LoadedDocument:
    """The "Báo cáo kết quả thực hiện …" of `plan` from its results file."""
    doc, spec = plan.document, res.results
    items = _PlanItems(corpus, plan)
    problems: list[str] = []
    known_ids: set[str] = set()

    def result_node(node_id: str, title_source: str, loc: tuple[str | int, ...]) -> Node:
        known_ids.add(node_id)
        items.texts[node_id] = items.text(title_source, *loc)
        text = spec.items.get(node_id)
        if text is None:
            problems.append(
                _(
                    "{v}: chưa có kết quả của mục {node_id} “{v2}”",
                    v=res.place("items"),
                    node_id=node_id,
                    v2=items.texts[node_id][:60],
                )
            )
            text = NO_RESULT
        return Node(id=node_id, title=f"{{{{ plan_item('{node_id}') }}}}", paragraphs=[text])

    mirrored_sections = [(i, s) for i, s in enumerate(doc.sections) if mirrored(s)]
    result_items: list[Node | str] = []
    for i, section in mirrored_sections:
        section_id = section.id or roman(i + 1)
        children = []
        for n, item in enumerate(section.items, start=1):
            item_id = (item.id if isinstance(item, Node) and item.id else None) or f"{section_id}.{n}"
            source = item if isinstance(item, str) else (item.title or item.text or "")
            if isinstance(item, Node) and item.lead and not item.title:  # titled with the lead's name
                source = corpus.body(item.lead, plan.place("sections", i, "items", n - 1, "lead")).name
            children.append(result_node(item_id, source, ("sections", i, "items", n - 1)))
        if len(mirrored_sections) == 1:
            result_items.extend(children)
        else:
            items.texts[section_id] = items.text(section.title, "sections", i, "title")
            result_items.append(Node(id=section_id, title=f"{{{{ plan_item('{section_id}') }}}}", items=children))
    for unknown in sorted(set(spec.items) - known_ids):
        raise DataError(
            _("kết quả cho mục '{unknown}' mà kế hoạch không có", unknown=unknown),
            res.place("items", unknown),
            suggest(unknown, known_ids),
        )

    targets = [(i, t) for i, s in enumerate(doc.sections) for t in s.targets]
    rows: list[dict[str, Any]] = []
    for i, target in targets:
        tid = target.id or f"{roman(i + 1)}.{len(rows) + 1}"
        items.texts[f"target:{tid}"] = plain_text(
            target.text,
            {**items.variables, "target": target_phrase(target), "value": target_figure(target)},
            plan.place("sections", i, "targets", len(rows)),
        )
        raw = spec.targets.get(tid)
        result = raw if isinstance(raw, TargetResult) else TargetResult(achieved=raw)
        status = target_status(target, result)
        if raw is None or status is None:
            problems.append(
                _("{v}: chưa có kết quả (hoặc đánh giá) của chỉ tiêu '{tid}'", v=res.place("targets"), tid=tid)
            )
        rows.append({
            "chi-tieu": f"{{{{ plan_item('target:{tid}') }}}}",
            "ke-hoach": _planned(target),
            "thuc-hien": _figure(result.achieved, target.unit if isinstance(result.achieved, (int, float)) else None),
            "danh-gia": (status or "chưa đánh giá").capitalize(),
        })  # fmt: skip
    for unknown in sorted(set(spec.targets) - {t.id for _i, t in targets if t.id}):
        raise DataError(
            _("kết quả cho chỉ tiêu '{unknown}' mà kế hoạch không có", unknown=unknown), res.place("targets", unknown)
        )
    if rows:
        result_items.append(
            Node(
                title="Kết quả thực hiện các chỉ tiêu",
                table=TableSpec(
                    title=None,
                    columns=[
                        Column(key="chi-tieu", title="Chỉ tiêu", width=4.2),
                        Column(key="ke-hoach", title="Kế hoạch", width=1.2),
                        Column(key="thuc-hien", title="Thực hiện", width=1.2),
                        Column(key="danh-gia", title="Đánh giá", width=1.4),
                    ],
                    rows=rows,
                ),
            )
        )

    sections: list[Section] = []
    if spec.leadership:
        sections.append(Section(title="Công tác lãnh đạo, chỉ đạo, triển khai thực hiện", paragraphs=spec.leadership))
    sections.append(Section(id="ket-qua", title="Kết quả thực hiện", items=result_items or [NO_RESULT]))
    a = spec.assessment
    assessment: list[Node | str] = []
    if a.strengths:
        assessment.append(Node(title="Ưu điểm", bullets=list(a.strengths)))
    if a.weaknesses or a.causes:
        bullets: list[Bullet | str] = list(a.weaknesses)
        if a.causes:
            bullets.append(Bullet(text="Nguyên nhân:", bullets=list(a.causes)))
        assessment.append(Node(title="Hạn chế, nguyên nhân", bullets=bullets))
    if assessment:
        sections.append(Section(title="Đánh giá chung", items=assessment))
    else:
        problems.append(_("{v}: chưa có đánh giá chung (ưu điểm, hạn chế)", v=res.place("assessment")))
    if spec.next_year:
        sections.append(Section(title="Phương hướng, nhiệm vụ năm {{ year + 1 }}", bullets=list(spec.next_year)))
    if spec.proposals:
        sections.append(Section(title="Kiến nghị, đề xuất", bullets=list(spec.proposals)))

    deadline = _deadline(doc, spec.deadline, res.place("deadline"))
    date = spec.date or (last_working_day_before(deadline.date) if deadline else None)
    plan_title = items.text(doc.title, "title")
    title = spec.title or (
        f"Kết quả {subject_of(plan_title)}"
        if plan_title.lower().startswith("thực hiện")
        else f"Kết quả thực hiện Kế hoạch {subject_of(plan_title)}"
    )
    cited = [*doc.implements, plan.doc_id]
    opening = (
        "Thực hiện " + "; ".join(f"{{{{ cite('{r}') }}}}" for r in cited)
        + ", {{ issuer.short }} báo cáo kết quả thực hiện như sau:"
    )  # fmt: skip
    report = Document(
        id=f"{plan.doc_id}@bao-cao-ket-qua",
        type="BC",
        number=spec.number,
        date=date,
        year=doc.plan_year,
        issuer=doc.issuer,
        title=title,
        short_name=f"kết quả {doc.short_name or plan_title}",
        opening=[opening],
        sections=sections,
        closing=f"Trên đây là báo cáo {subject_of(title)} của {{{{ issuer.short }}}}",
        signer=spec.signer or doc.signer,
        recipients=_recipients(doc, deadline, spec.recipients),
        drafted_by=spec.drafted_by or doc.drafted_by,
        typist=spec.typist,
    )
    return LoadedDocument(
        report,
        res.source,
        res.base,
        parent=plan,
        extra={"plan_item": _lookup(items.texts)},
        problems=problems,
        origins={("signer",): _signer_origin(plan, res)},
    )


def _signer_origin(plan: LoadedDocument, res: LoadedResults) -> tuple[Source, tuple[str | int, ...]]:
    """Where a report's signer is written: the results file's own, else the plan's it inherits."""
    return (res.source, (*res.base, "signer")) if res.results.signer else plan.origin("signer")


def _lookup(texts: dict[str, str]) -> Any:
    def plan_item(item_id: str) -> str:
        return texts[item_id]

    return plan_item


def _score(value: float | Score) -> Score:
    return value if isinstance(value, Score) else Score(score=value)


def scoring_report(corpus: Corpus, plan: LoadedDocument, res: LoadedResults) -> LoadedDocument | None:
    """The self-assessment report: the criteria table with the self scores, totals and rating."""
    spec = res.results.scoring
    if spec is None:
        return None
    doc = plan.document
    if spec.criteria not in corpus.criteria:
        raise DataError(
            _("không có bảng tiêu chí '{criteria}'", criteria=spec.criteria),
            res.place("scoring", "criteria"),
            suggest(spec.criteria, corpus.criteria),
        )
    criteria: CriteriaSet = corpus.criteria[spec.criteria]
    known = {cid: c for g in criteria.groups for cid, c in g.criteria.items()}
    problems: list[str] = []
    for cid, raw in spec.scores.items():
        place = res.place("scoring", "scores", cid)
        if cid not in known:
            raise DataError(
                _("tiêu chí '{cid}' không có trong bảng '{criteria}'", cid=cid, criteria=spec.criteria),
                place,
                suggest(cid, known),
            )
        score = _score(raw).score
        if score < 0:
            raise DataError(_("điểm tự chấm của tiêu chí '{cid}' âm ({v})", cid=cid, v=vn_number(score)), place)
        if score > known[cid].max:
            raise DataError(
                _(
                    "điểm tự chấm của tiêu chí '{cid}' ({v}) vượt điểm tối đa ({v2})",
                    cid=cid,
                    v=vn_number(score),
                    v2=vn_number(known[cid].max),
                ),
                place,
            )
    rows: list[dict[str, Any]] = []
    total = 0.0
    n = 0
    for g, group in enumerate(criteria.groups, start=1):
        group_row: dict[str, Any] = {"stt": roman(g), "tieu-chi": group.title, "_bold": True}
        rows.append(group_row)
        subtotal = 0.0
        for cid, criterion in group.criteria.items():
            n += 1
            given = spec.scores.get(cid)
            if given is None:
                problems.append(_("{v}: chưa chấm tiêu chí '{cid}'", v=res.place("scoring", "scores"), cid=cid))
            score = _score(given) if given is not None else None
            subtotal += score.score if score else 0
            rows.append({
                "stt": str(n), "tieu-chi": criterion.text, "toi-da": criterion.max,
                "tu-cham": score.score if score else None,
                "kiem-chung": (score.evidence if score and score.evidence else criterion.evidence) or "",
            })  # fmt: skip
        group_row.update({"toi-da": sum(c.max for c in group.criteria.values()), "tu-cham": subtotal})
        total += subtotal
    rows.append({"stt": "", "tieu-chi": "Tổng cộng", "toi-da": criteria.total_max, "tu-cham": total, "_bold": True})
    rating = next((r.label for r in sorted(criteria.ratings, key=lambda r: -r.min) if total >= r.min), None)
    if rating is None:
        raise DataError(
            _("bảng '{criteria}' không có mức xếp loại cho tổng điểm {v}", criteria=spec.criteria, v=vn_number(total)),
            res.place("scoring"),
        )

    deadline = _deadline(doc, spec.deadline or (doc.deadlines[-1].id if doc.deadlines else None), res.place("scoring"))
    plan_title = plain_text(doc.title, {"year": doc.plan_year}, plan.place("title"))
    title = spec.title or f"Tự đánh giá, chấm điểm kết quả {subject_of(plan_title)}"
    cites = [f"{{{{ cite('{plan.doc_id}') }}}}"]
    if criteria.stands_for:
        cites.append(f"{{{{ cite('{criteria.stands_for}') }}}}")
    paragraphs = []
    if criteria.example:
        against = f" ban hành kèm theo {{{{ cite_short('{criteria.stands_for}') }}}}" if criteria.stands_for else ""
        paragraphs.append(
            f"*Bảng tiêu chí dưới đây là VÍ DỤ cùng cấu trúc, dùng thay cho bảng điểm{against}; "
            "cơ quan thay bằng bảng điểm chính thức trước khi gửi.*"
        )
    table = TableSpec(
        columns=[
            Column(key="stt", title="STT", width=0.9),
            Column(key="tieu-chi", title="Tiêu chí", width=4.2),
            Column(key="toi-da", title="Điểm tối đa", width=1.1, number=True),
            Column(key="tu-cham", title="Điểm tự chấm", width=1.1, number=True),
            Column(key="kiem-chung", title="Tài liệu kiểm chứng", width=2.2),
        ],
        rows=rows,
        numbered=False,
    )
    sections = [
        Section(id="ket-qua-cham-diem", title="Kết quả tự chấm điểm", paragraphs=paragraphs or [], table=table),
        Section(
            id="xep-loai",
            title="Tự xếp loại",
            paragraphs=[
                f"Tổng điểm tự chấm: **{vn_number(total)}/{vn_number(criteria.total_max)} điểm**; "
                f"tự xếp loại: **{rating}**."
            ],
        ),
    ]
    report = Document(
        id=f"{plan.doc_id}@tu-cham-diem",
        type="BC",
        number=spec.number,
        date=spec.date or (last_working_day_before(deadline.date) if deadline else None),
        year=doc.plan_year,
        issuer=doc.issuer,
        title=title,
        short_name=f"tự chấm điểm {doc.short_name or plan_title}",
        opening=["Thực hiện " + "; ".join(cites) + ", {{ issuer.short }} tự đánh giá, chấm điểm như sau:"],
        sections=sections,
        closing=f"Trên đây là báo cáo {subject_of(title)} của {{{{ issuer.short }}}}",
        signer=res.results.signer or doc.signer,
        recipients=_recipients(doc, deadline, None),
        drafted_by=res.results.drafted_by or doc.drafted_by,
    )
    return LoadedDocument(
        report,
        res.source,
        (*res.base, "scoring"),
        parent=plan,
        problems=problems,
        origins={("signer",): _signer_origin(plan, res)},
    )


def reports(corpus: Corpus, plan: LoadedDocument) -> Iterator[LoadedDocument]:
    """The reports the data asks for on `plan`: the results report, then the self-assessment."""
    res = corpus.results.get(plan.doc_id)
    if res is None:
        return
    yield results_report(corpus, plan, res)
    scoring = scoring_report(corpus, plan, res)
    if scoring is not None:
        yield scoring
