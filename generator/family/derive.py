"""Deriving the family of documents: each sub-plan a main plan calls for, from the catalogue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from generator.data.load import ALL_UNITS, Corpus, LoadedDocument, LoadedSubplan
from generator.data.model import Body, Document, Kind, Recipients, Reference, Section, SubplanCall, TableSpec
from generator.errors import DataError, Place
from generator.i18n import _
from generator.nd30.numbering import DOC_TYPES
from generator.nd30.text import plain_text


def subject_of(title: str) -> str:
    """A title as the subject of a citation: its first letter in lower case ("thực hiện …")."""
    return title[:1].lower() + title[1:] if title else title


def document_reference(loaded: LoadedDocument, year: int) -> Reference:
    """The reference by which every other document cites `loaded` (one form, everywhere)."""
    doc = loaded.document
    title = plain_text(doc.title, {"year": year}, loaded.place("title"))
    return Reference(
        kind=DOC_TYPES[doc.type],
        number=f"{doc.number:02d}" if doc.number is not None else None,
        issuers=[doc.issuer],
        date=doc.date,
        subject=subject_of(title),
    )


def register_documents(corpus: Corpus) -> None:
    """Make every main document citable by its id: cite('so-gtvt-tay-ninh/2024/ke-hoach-dan-van')."""
    for doc_id, loaded in corpus.all_documents.items():
        if doc_id not in corpus.references:
            corpus.references[doc_id] = document_reference(loaded, loaded.document.plan_year)


def in_force(ref: Reference, year: int, on: dt.date | None = None) -> bool:
    """Whether a reference applies to a document of `year` issued `on` that day: issued by then,
    in force then. An undated document (a draft) is taken at the end of its year, so that a
    text replaced during the year gives way to the one replacing it, never both."""
    at = on or dt.date(year, 12, 31)
    if ref.date is not None and ref.date > at:
        return False
    if ref.valid_from is not None and ref.valid_from > at:
        return False
    return not (ref.valid_to is not None and ref.valid_to < at)


def authority(corpus: Corpus, issuer_id: str, role: str, place: Place | None) -> str:
    """The body holding `role` for an agency, looked up along its parent chain."""
    current: str | None = issuer_id
    seen: set[str] = set()
    while current and current not in seen:
        seen.add(current)
        body = corpus.bodies[current]
        if role in body.authorities:
            return body.authorities[role]
        current = body.parent
    raise DataError(
        _(
            "không biết cơ quan nào giữ vai trò '{role}' đối với '{agency}'; "
            "thêm 'authorities: {{{role}: <id cơ quan>}}' vào cơ quan chủ quản",
            role=role,
            agency=issuer_id,
        ),
        place,
    )


def _drafting_unit(kind: Kind, issuer: Body, main: Document, on: dt.date | None = None) -> str:
    """The first of the kind's usual drafting units the agency has that year, else the main plan's."""
    year = main.plan_year
    return next((u for u in kind.drafted_by if u in issuer.units and issuer.units[u].exists(year, on)), main.drafted_by)


def _merge_sections(
    kind: Kind, sub: LoadedSubplan | None, warnings: list[str]
) -> tuple[list[Section], dict[tuple[str | int, ...], tuple[str | int, ...]]]:
    """The kind's sections with the agency file's replacements and additions, and for each part
    taken from the agency file, the path it came from there."""
    origin: dict[int, tuple[str | int, ...]] = {}
    if sub is None:
        return list(kind.sections), {}  # shared, never changed: nothing to copy
    sections = [s.model_copy(deep=True) for s in kind.sections]
    spec = sub.subplan
    for j, extra in enumerate(spec.sections):
        ids = [s.id for s in sections]
        if extra.id is not None and extra.id in ids:
            at = ids.index(extra.id)
            sections[at] = extra
        else:
            at = max(len(sections) - 1, 0)  # new parts go before "Tổ chức thực hiện"
            sections.insert(at, extra)
            origin = {(k + 1 if k >= at else k): v for k, v in origin.items()}
        origin[at] = ("sections", j)
    if spec.targets is not None or spec.add_targets:
        holder = next((s for s in sections if s.targets), None)
        if holder is None:
            holder = Section(id="chi-tieu", title="Chỉ tiêu", targets=[])
            sections.insert(max(len(sections) - 1, 0), holder)
        holder.targets = [*(spec.targets if spec.targets is not None else holder.targets), *spec.add_targets]
    if spec.table is not None:
        holder = next((s for s in sections if s.table is not None), None)
        if holder is None:
            warnings.append(
                _(
                    "{v}: loại '{kind}' không có bảng; bảng được thêm vào phần cuối",
                    v=sub.place("table"),
                    kind=spec.kind,
                )
            )
            holder = sections[max(len(sections) - 2, 0)]
            holder.table = TableSpec(columns=spec.table.columns)
        assert holder.table is not None
        base = holder.table
        # A table file is named relative to the agency's file, wherever the table is printed.
        file = str((sub.source.path.parent / spec.table.file).resolve()) if spec.table.file else None
        holder.table = TableSpec(
            title=spec.table.title or base.title,
            columns=spec.table.columns or base.columns,
            rows=spec.table.rows if (spec.table.rows is not None or spec.table.file) else base.rows,
            file=file,
            sheet=spec.table.sheet,
            add_rows=[*base.add_rows, *spec.table.add_rows],
            numbered=spec.table.numbered,
        )
        at = next(i for i, sec in enumerate(sections) if sec is holder)
        return sections, {**_origin_paths(origin), ("sections", at, "table"): ("table",)}
    return sections, _origin_paths(origin)


def _origin_paths(origin: dict[int, tuple[str | int, ...]]) -> dict[tuple[str | int, ...], tuple[str | int, ...]]:
    return {("sections", i): where for i, where in origin.items()}


def subplans(corpus: Corpus, main: LoadedDocument, warnings: list[str]) -> Iterator[LoadedDocument]:
    """Each sub-plan `main` calls for, as a document of its own."""
    doc = main.document
    year = doc.plan_year
    issuer = corpus.bodies[doc.issuer]
    for index, raw_call in enumerate(doc.subplans):
        call = SubplanCall(kind=raw_call) if isinstance(raw_call, str) else raw_call
        kind = corpus.kinds[call.kind]
        kind_source, kind_base = corpus.sources[("kinds", call.kind)]
        sub = corpus.subplans.get((main.doc_id, call.kind))
        spec = sub.subplan if sub else None
        call_place = main.place("subplans", index)

        on = (spec.date if spec and spec.date else None) or call.date
        basis = (
            list(spec.basis)
            if spec and spec.basis is not None
            else [r for r in kind.basis if in_force(corpus.references[r], year, on)]
        )
        if not (spec and spec.basis is not None) and kind.yearly_basis:
            yearly = [r for r in kind.yearly_basis if in_force(corpus.references[r], year, on)]
            if not yearly:
                warnings.append(
                    _(
                        "{call_place}: danh mục chưa có văn bản hằng năm cho năm {year} của loại '{kind}' (đã có: {v}); cần bổ sung",
                        call_place=call_place,
                        year=year,
                        kind=call.kind,
                        v=", ".join(kind.yearly_basis),
                    )
                )
            basis += yearly
        basis += [*(spec.add_basis if spec else []), main.doc_id]

        recipients = Recipients(
            report=[authority(corpus, doc.issuer, role, call_place) for role in kind.reports_to],
            leadership=True,
            implement=[u for u in kind.implement if u != ALL_UNITS or issuer.all_units],
        )
        if spec and spec.recipients is not None:
            recipients = recipients.model_copy(
                update={f: getattr(spec.recipients, f) for f in spec.recipients.model_fields_set}
            )
        if spec and spec.drafted_by and spec.drafted_by not in issuer.units:
            raise DataError(
                _("'{unit}' không phải đơn vị của {agency}", unit=spec.drafted_by, agency=issuer.name),
                sub.place("drafted_by") if sub else None,
            )
        sections, section_origin = _merge_sections(kind, sub, warnings)
        derived = Document(
            id=f"{main.doc_id}#{call.kind}",
            type="KH",
            number=(spec.number if spec and spec.number else None) or call.number,
            date=(spec.date if spec and spec.date else None) or call.date,
            year=year,
            issuer=doc.issuer,
            title=spec.title if spec and spec.title else kind.title,
            short_name=kind.short_name,
            basis=basis,
            opening=spec.opening if spec and spec.opening is not None else kind.opening,
            sections=sections,
            closing=spec.closing if spec and spec.closing else kind.closing,
            signer=spec.signer if spec and spec.signer else doc.signer,
            recipients=recipients,
            drafted_by=spec.drafted_by if spec and spec.drafted_by else _drafting_unit(kind, issuer, doc, on),
            typist=spec.typist if spec else None,
        )
        origins: dict = {
            ("basis",): (main.source, (*main.base, "subplans", index)),
            ("recipients",): (kind_source, (*kind_base, "reports_to")),
            # The signer is the main plan's unless the sub-plan file gives its own (a kind has none).
            ("signer",): (sub.source, (*sub.base, "signer")) if spec and spec.signer else main.origin("signer"),
        }
        for i in range(len(sections)):
            origins[("sections", i)] = (kind_source, (*kind_base, "sections", i))
        if sub is not None:
            for key, where in section_origin.items():
                origins[key] = (sub.source, (*sub.base, *where))
            for key in ("opening", "closing", "title", "recipients", "drafted_by"):
                if getattr(spec, key, None) is not None:
                    origins[(key,)] = (sub.source, (*sub.base, key))
        yield LoadedDocument(
            derived,
            kind_source,
            kind_base,
            parent=main,
            kind=call.kind,
            origins=origins,
        )
