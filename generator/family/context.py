"""The render context of a document: every value a template places, computed by the ND30 rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.data.load import Corpus, LoadedDocument
from generator.data.model import Body, Bullet, Document, Node, Recipients, TableSpec, Target
from generator.data.tables import TableData, build_table
from generator.errors import DataError, Place, suggest
from generator.i18n import _
from generator.nd30 import citations
from generator.nd30.dates import date_line, short_date
from generator.nd30.figures import vn_number
from generator.nd30.numbering import number_line, point_letter, roman, type_name
from generator.nd30.recipients import HEADING, recipient_lines
from generator.nd30.signature import authority_lines
from generator.nd30.text import Rich, Run, one_line, paragraphs, plain_text, rich

END_MARK = "./."  # the body of a document ends with "./."
DRAFT_MARK = "DỰ THẢO"
MAX_LEVEL = 3  # I. → 1. → a); deeper content is written as "-" bullets
# How each comparison is said in a chỉ tiêu's sentence, around the figure ({{ target }}).
COMPARISON_WORDS = {
    "at_least": "ít nhất {}",
    "more_than": "trên {}",
    "at_most": "không quá {}",
    "less_than": "dưới {}",
    "exactly": "{}",
    "all": "{}",
}


def target_figure(target: Target) -> str:
    """The figure of a chỉ tiêu with its unit: 95%, 2 mô hình."""
    if target.value is None:
        return ""
    figure = vn_number(target.value)
    return f"{figure}{target.unit}" if target.unit == "%" else f"{figure} {target.unit}" if target.unit else figure


def target_phrase(target: Target) -> str:
    """The figure as the sentence says it, from `value` and the comparison: "trên 95%"."""
    if target.value is None:
        return ""
    return COMPARISON_WORDS[target.compare].format(target_figure(target))


@dataclass
class Block:
    """One body block: its kind (the template's paragraph style, or a table) and its text."""

    kind: str  # h1 | h2 | h3 | p | end (the closing paragraph) | caption | table
    text: Rich
    id: str | None = None  # the numbering path, "II.1.a", for reports that mirror the plan
    table: TableData | None = None

    def to_json(self) -> dict[str, Any]:
        out = {"kind": self.kind, "id": self.id, **self.text.to_json()}
        if self.table is not None:
            out["table"] = self.table.to_json()
        return out


@dataclass
class AppendixBlocks:
    """One phụ lục as the template places it: its heading lines, then its blocks."""

    heading: Rich  # "PHỤ LỤC I": starts a page
    title: list[Rich]  # the title lines, printed centred and bold as the heading
    note: list[Rich]  # the "(Kèm theo …)" lines, printed centred in italics
    blocks: list[Block]

    def to_json(self) -> dict[str, Any]:
        return {
            "heading": self.heading.to_json(),
            "title": [r.to_json() for r in self.title],
            "note": [r.to_json() for r in self.note],
            "blocks": [b.to_json() for b in self.blocks],
        }


@dataclass
class DocumentContext:
    """What a template receives, plus the facts the writer needs (file name, properties)."""

    document: Document
    issuer: Body
    values: dict[str, Any]
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unverified: set[str] = field(default_factory=set)  # ids of cited references not yet checked
    empty_tables: list[tuple[Place, str]] = field(default_factory=list)  # tables left out: no rows
    appendices: list[AppendixBlocks] = field(default_factory=list)  # after the signature block

    @property
    def title(self) -> str:
        return str(self.values["title"])


def _body_facts(body: Body) -> dict[str, str]:
    return {
        "name": body.name,
        "short": body.short or body.name,
        "full_name": body.full_name or body.name,
        "place": body.place or "",
    }


def text_variables(corpus: Corpus, loaded: LoadedDocument) -> dict[str, Any]:
    """The variables and functions of a document's text fields (documented in the README)."""
    doc = loaded.document
    deadlines = {d.id: d for d in doc.deadlines}

    # Errors raised here carry no place: render_text gives them the place of the field being
    # rendered, which is where the user wrote the call.
    def cite(ref_id: str, issuer: bool = True, subject: bool = True) -> str:
        ref = corpus.reference(ref_id, None)
        return citations.cite(ref, corpus.bodies, issuer=issuer, subject=subject)

    def cite_short(ref_id: str) -> str:
        return citations.short_cite(corpus.reference(ref_id, None), corpus.bodies)

    def deadline(deadline_id: str) -> str:
        if deadline_id not in deadlines:
            raise DataError(
                _("không có hạn '{id}' trong 'deadlines'", id=deadline_id), None, suggest(deadline_id, deadlines)
            )
        return short_date(deadlines[deadline_id].date)

    def body(body_id: str) -> dict[str, str]:
        return _body_facts(corpus.body(body_id, None))

    issuer = corpus.bodies[doc.issuer]

    def unit(unit_id: str) -> str:
        """A unit's name; the drafting unit's when the agency has no such unit."""
        chosen = issuer.units.get(unit_id)
        if chosen is None or not chosen.exists(doc.plan_year, doc.date):  # gone that year: the drafter
            chosen = issuer.units.get(doc.drafted_by)
        return chosen.name if chosen else issuer.name

    def subplan_list() -> str:
        names = [corpus.kinds[c if isinstance(c, str) else c.kind].name for c in doc.subplans]
        return "; ".join(names)

    main = loaded.parent or loaded
    variables: dict[str, Any] = {
        **loaded.extra,
        "year": doc.plan_year,
        "theme": doc.theme or (loaded.parent.document.theme if loaded.parent else None) or "",
        "issuer": _body_facts(issuer),
        "cite": cite,
        "cite_short": cite_short,
        "deadline": deadline,
        "body": body,
        "unit": unit,
        "subplan_list": subplan_list,
    }
    if main.document.id in corpus.references:
        ref, place = corpus.references[main.doc_id], main.place("issuer")  # an error here is the issuer's
        variables["plan"] = {
            "cite": citations.cite(ref, corpus.bodies, place=place),
            "cite_short": citations.short_cite(ref, corpus.bodies, place),
        }
    return variables


class _BodyWriter:
    """Walks sections and items, numbering them I. / 1. / a) / - / +."""

    def __init__(self, variables: dict[str, Any], loaded: LoadedDocument, corpus: Corpus | None = None) -> None:
        self.variables = variables
        self.loaded = loaded
        self.corpus = corpus
        self.blocks: list[Block] = []
        self.warnings: list[str] = []
        self.empty_tables: list[tuple[Place, str]] = []
        self.assigned: list[str] = []  # bodies named as lead or support, in order

    def body_name(self, body_id: str, *loc: str | int) -> str:
        """A body's name in running text (its id checked against the directory)."""
        if self.corpus is None:
            return body_id
        return self.corpus.body(body_id, self.loaded.place(*loc)).name

    def text(self, source: str, *loc: str | int) -> Rich:
        # A text without {{ }} cannot fail to render: its place is not needed (nor worked out).
        return rich(source, self.variables, self.loaded.place(*loc) if "{" in source else None)

    def paragraph_texts(self, source: str, *loc: str | int) -> list[Rich]:
        return [self.text(p, *loc) for p in paragraphs(source)]

    def add(self, kind: str, text: Rich, node_id: str | None = None) -> None:
        self.blocks.append(Block(kind, text, node_id))

    def section(self, index: int, section: Node) -> None:
        number = roman(index)
        loc: tuple[str | int, ...] = ("sections", index - 1)
        assert section.title is not None
        title = self.text(one_line(section.title), *loc, "title").upper()
        node_id = section.id or number
        self.add("h1", title.prefixed(f"{number}. "), node_id)
        self.content(section, 1, node_id, loc)

    def content(self, node: Node, level: int, node_id: str, loc: tuple[str | int, ...]) -> None:
        if node.title and node.text:
            for para in self.paragraph_texts(node.text, *loc, "text"):
                self.add("p", para)
        for i, para in enumerate(node.paragraphs):
            for text in self.paragraph_texts(para, *loc, "paragraphs", i):
                self.add("p", text)
        for i, bullet in enumerate(node.bullets):
            self.bullet(bullet, (*loc, "bullets", i))
        children: list[tuple[Node | str | Target, tuple[str | int, ...]]] = [
            (item, (*loc, "items", i)) for i, item in enumerate(node.items)
        ]
        children += [(t, (*loc, "targets", i)) for i, t in enumerate(node.targets)]
        for n, (child, child_loc) in enumerate(children, start=1):
            self.child(child, level + 1, n, node_id, child_loc)
        if node.table is not None:
            self.table(node.table, (*loc, "table"))

    def table(self, spec: TableSpec, loc: tuple[str | int, ...]) -> None:
        place = self.loaded.place(*loc)
        base_dir = Path(str(place.file)).parent if place.file else Path(".")

        def render(text: str) -> str:
            return plain_text(text, self.variables, place)

        data = build_table(spec, base_dir, place, render)
        if data is None:  # no rows: the table and the sentence announcing it are left out
            self.empty_tables.append((self.rows_place(place), spec.title or ""))
            return
        if spec.intro:
            for text in self.paragraph_texts(spec.intro, *loc, "intro"):
                self.add("p", text)
        if data.title:
            self.add("caption", Rich.plain(render(data.title)))
        self.blocks.append(Block("table", Rich.plain(""), None, data))

    def rows_place(self, place: Place) -> Place:
        """Where the rows of a sub-plan's empty table can be added: the agency's sub-plan file
        (beside the main plan, named after the kind), not the shared catalogue."""
        parent, kind = self.loaded.parent, self.loaded.kind
        if parent is None or kind is None or self.corpus is None:
            return place
        sub = self.corpus.subplans.get((parent.doc_id, kind))
        if sub is not None:
            return sub.place("table")
        folder = Path(str(parent.place().file)).parent
        return Place(folder / f"{kind}.yaml", field="subplan.table.rows")

    def bullet(self, bullet: Bullet | str, loc: tuple[str | int, ...]) -> None:
        if isinstance(bullet, str):
            for text in self.paragraph_texts(bullet, *loc):
                self.add("p", text.prefixed("- "))
            return
        for text in self.paragraph_texts(bullet.text, *loc, "text"):
            self.add("p", text.prefixed("- "))
        for j, sub in enumerate(bullet.bullets):
            for text in self.paragraph_texts(sub, *loc, "bullets", j):
                self.add("p", text.prefixed("+ "))

    def child(self, child: Node | str | Target, level: int, n: int, parent_id: str, loc: tuple[str | int, ...]) -> None:
        if level > MAX_LEVEL:
            raise DataError(
                _("nội dung lồng quá ba cấp (I. → 1. → a)); dùng 'bullets' cho cấp sâu hơn"), self.loaded.place(*loc)
            )
        label = f"{n}." if level == 2 else f"{point_letter(n)})"
        node_id = f"{parent_id}.{n if level == 2 else point_letter(n)}"
        if isinstance(child, Target):
            self.add("p", self.target_text(child, loc).prefixed(f"{label} "), child.id or node_id)
            return
        if isinstance(child, str):
            texts = self.paragraph_texts(child, *loc)
            self.add("p", texts[0].prefixed(f"{label} "), node_id)
            for extra in texts[1:]:
                self.add("p", extra)
            return
        node_id = child.id or node_id
        if child.lead or child.support:
            self.assigned += [b for b in [child.lead, *child.support] if b and b not in self.assigned]
        if child.title or child.lead:
            kind = "h2" if level == 2 else "h3"
            title = (
                self.text(one_line(child.title), *loc, "title")
                if child.title
                else Rich.plain(self.body_name(child.lead or "", *loc, "lead"))
            )
            self.add(kind, title.prefixed(f"{label} "), node_id)
            if child.lead and not child.title and child.text:  # the lead's name is the title
                for para in self.paragraph_texts(child.text, *loc, "text"):
                    self.add("p", para)
        else:
            assert child.text is not None or child.paragraphs or child.bullets or child.items or child.targets
            texts = self.paragraph_texts(child.text, *loc, "text") if child.text else [Rich.plain("")]
            self.add("p", texts[0].prefixed(f"{label} "), node_id)
            for extra in texts[1:]:
                self.add("p", extra)
        roles = []
        if child.lead and child.title:  # else the lead's name is the item's title
            roles.append(f"chủ trì: {self.body_name(child.lead, *loc, 'lead')}")
        if child.support:
            names = [self.body_name(b, *loc, "support", i) for i, b in enumerate(child.support)]
            roles.append(f"phối hợp: {', '.join(names)}")
        if roles:
            line = "; ".join(roles)
            self.add("p", Rich.plain(f"- {line[:1].upper()}{line[1:]}."))
        self.content(child, level, node_id, loc)

    def target_text(self, target: Target, loc: tuple[str | int, ...]) -> Rich:
        """A chỉ tiêu's sentence; {{ target }} prints its figure from `value` ("trên 95%")."""
        variables = {**self.variables, "target": target_phrase(target), "value": target_figure(target)}
        text = rich(one_line(target.text), variables, self.loaded.place(*loc, "text"))
        if target.value is not None and vn_number(target.value) not in str(text):
            self.warnings.append(
                _(
                    "{place}: câu chỉ tiêu không nêu con số {value} của 'value'; viết {{{{ target }}}} để in nó",
                    place=self.loaded.place(*loc, "text"),
                    value=target_figure(target),
                )
            )
        return text


def appendix_blocks(
    variables: dict[str, Any], loaded: LoadedDocument, corpus: Corpus, writer: _BodyWriter
) -> list[AppendixBlocks]:
    """The phụ lục of a document, each written by the body's block machinery; their warnings and
    left-out tables join `writer`'s."""
    out = []
    for i, appendix in enumerate(loaded.document.appendices):
        loc: tuple[str | int, ...] = ("appendices", i)
        part = _BodyWriter(variables, loaded, corpus)
        heading = part.text(one_line(appendix.heading), *loc, "heading")
        title = part.paragraph_texts(appendix.title, *loc, "title") if appendix.title else []
        note = part.paragraph_texts(appendix.note, *loc, "note") if appendix.note else []
        note = [Rich(tuple(Run(r.text, r.bold, True) for r in line.runs)) for line in note]  # printed in italics
        for j, node in enumerate(appendix.content):
            _appendix_part(part, node, (*loc, "content", j))
        writer.warnings += part.warnings
        writer.empty_tables += part.empty_tables
        out.append(AppendixBlocks(heading, title, note, part.blocks))
    return out


def _appendix_part(part: _BodyWriter, node: Node | str, loc: tuple[str | int, ...]) -> None:
    """One part of a phụ lục: a paragraph, or a node (its title bold, unnumbered; its items 1., a))."""
    if isinstance(node, str):
        for text in part.paragraph_texts(node, *loc):
            part.add("p", text)
        return
    if node.title:
        part.add("h2", part.text(one_line(node.title), *loc, "title"))
    elif node.text:
        for text in part.paragraph_texts(node.text, *loc, "text"):
            part.add("p", text)
    part.content(node, 1, node.id or "PL", loc)


def header_values(corpus: Corpus, doc: Document, issuer: Body, place: Place) -> dict[str, Any]:
    """The header table's lines: chủ quản, agency name, Số, place and date."""
    if not issuer.code:
        raise DataError(_("{agency} chưa có 'code' (chữ viết tắt trong ký hiệu)", agency=issuer.name), place)
    if not issuer.place:
        raise DataError(_("{agency} chưa có 'place' (địa danh của dòng ngày tháng)", agency=issuer.name), place)
    parent_line = ""
    if issuer.parent:
        parent = corpus.bodies[issuer.parent]
        parent_line = (parent.header_short or parent.short or parent.name).upper()
    return {
        "parent_line": parent_line,  # a line too long for the header cell is wrapped when rendered
        "agency_lines": [line.upper() for line in (issuer.header or [issuer.name])],
        "number_line": number_line(doc.number, doc.type, issuer.code),
        "date_line": date_line(issuer.place, doc.date, doc.plan_year, doc.month),
        # A document without its number or date is a draft: boxed "DỰ THẢO" under the number
        # (the older TT 55/2005 convention; ND30 has no draft mark), gone once both are set.
        "draft_box": DRAFT_MARK if doc.number is None or doc.date is None else "",
    }


def build_context(corpus: Corpus, loaded: LoadedDocument) -> DocumentContext:
    """The full render context of one document; raises DataError naming the field at fault."""
    doc = loaded.document
    issuer = corpus.bodies[doc.issuer]
    variables = text_variables(corpus, loaded)
    writer = _BodyWriter(variables, loaded, corpus)

    basis = []
    for i, ref_id in enumerate(doc.basis):
        ref = corpus.reference(ref_id, loaded.place("basis", i))
        end = "." if i == len(doc.basis) - 1 else ";"  # ND30: each căn cứ ends ";", the last "."
        basis.append(Rich.plain(f"Căn cứ {citations.cite(ref, corpus.bodies, place=loaded.place('basis', i))}{end}"))

    for i, para in enumerate(doc.opening):
        for text in writer.paragraph_texts(para, "opening", i):
            writer.add("p", text)
    for index, section in enumerate(doc.sections, start=1):
        writer.section(index, section)
    if doc.closing:
        for text in writer.paragraph_texts(doc.closing, "closing"):
            writer.add("p", text)
    if not writer.blocks:
        raise DataError(_("văn bản không có nội dung (opening, sections, closing)"), loaded.place())
    last = next(b for b in reversed(writer.blocks) if b.kind != "table")
    if not str(last.text).rstrip().endswith(END_MARK):
        last.text = last.text.ending(END_MARK)
    if writer.blocks[-1] is last and last.kind == "p":
        last.kind = "end"  # the closing paragraph: kept on the page of the signature block

    drafting_unit = issuer.units[doc.drafted_by]
    signer_name = doc.signer.name or ""
    typist = ""
    if doc.typist:
        typist = doc.typist.initials + (f"/{doc.typist.copies}" if doc.typist.copies else "")

    values: dict[str, Any] = {
        "header": header_values(corpus, doc, issuer, loaded.place("issuer")),
        "type_name": type_name(doc.type),
        "title": writer.text(one_line(doc.title), "title"),
        "basis": basis,
        "body": writer.blocks,
        "signature": {
            "lines": authority_lines(doc.signer, issuer, loaded.place("signer")),
            "name": signer_name,
        },
        "deadlines": [
            {
                "id": d.id,
                "date": d.date.isoformat(),
                "what": str(writer.text(one_line(d.what), "deadlines", i, "what")),
                "to": d.to,
                "via": d.via,
            }
            for i, d in enumerate(doc.deadlines)
        ],
        "recipients_heading": HEADING,
        "recipients": recipient_lines(
            _with_assigned(doc.recipients, writer.assigned),
            issuer,
            drafting_unit,
            corpus.bodies,
            loaded.place("recipients"),
        ),
        "typist": typist,
        "appendices": appendix_blocks(variables, loaded, corpus, writer),
        "year": doc.plan_year,
        "document": {
            "type": doc.type,
            "number": doc.number,
            "date": doc.date.isoformat() if doc.date else None,
            "issuer": doc.issuer,
        },
    }
    unverified = {r for r in doc.basis if not corpus.references[r].verified}
    warnings = [*writer.warnings, *existence_warnings(corpus, loaded)]
    return DocumentContext(
        doc, issuer, values, writer.blocks, warnings, unverified, writer.empty_tables, values["appendices"]
    )


def existence_warnings(corpus: Corpus, loaded: LoadedDocument) -> list[str]:
    """The issuer and the bodies a document sends to that did not exist in its year: ended
    (`succeeded`) before the year began, or set up (`since`) after it ended."""
    doc = loaded.document
    start, end = dt.date(doc.plan_year, 1, 1), dt.date(doc.plan_year, 12, 31)
    named: list[tuple[str, tuple[str | int, ...]]] = [(doc.issuer, ("issuer",))]
    for role in ("report", "inform", "implement"):
        named += [(b, ("recipients", role, i)) for i, b in enumerate(getattr(doc.recipients, role))]
    for i, d in enumerate(doc.deadlines):
        named += [(b, ("deadlines", i, key)) for key, b in (("to", d.to), ("via", d.via)) if b]
    out = []
    for body_id, loc in named:
        body = corpus.bodies.get(body_id)
        if body is None:
            continue  # an own unit or organisation
        gone = body.succeeded
        if gone is not None and gone.date <= start:
            by = corpus.bodies[gone.by].name if gone.by and gone.by in corpus.bodies else None
            out.append(
                _(
                    "{place}: {name} không còn từ ngày {date}{successor}",
                    place=loaded.place(*loc),
                    name=body.name,
                    date=short_date(gone.date),
                    successor=_(" (kế thừa: {name})", name=by) if by else "",
                )
            )
        elif body.since is not None and body.since > end:
            out.append(
                _(
                    "{place}: {name} chỉ có từ ngày {date}",
                    place=loaded.place(*loc),
                    name=body.name,
                    date=short_date(body.since),
                )
            )
    return out


def _with_assigned(recipients: Recipients, assigned: list[str]) -> Recipients:
    """The Nơi nhận roles with the bodies the text assigns work to added as implementers."""
    named = {*recipients.report, *recipients.inform, *recipients.implement}
    extra = [b for b in assigned if b not in named]
    if not recipients.assigned or not extra:
        return recipients
    return recipients.model_copy(update={"implement": [*recipients.implement, *extra]})


def to_json(value: Any) -> Any:
    """The context as JSON-able data (for `vbgen context` and template authors)."""
    if isinstance(value, (Rich, Block, AppendixBlocks)):
        return value.to_json()
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    return value
