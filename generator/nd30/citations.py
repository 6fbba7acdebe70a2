"""Citations of other documents, built from structured references so every document cites alike."""

from __future__ import annotations

from collections.abc import Mapping

from generator.data.model import Body, Reference
from generator.errors import DataError, Place
from generator.i18n import _
from generator.nd30.dates import long_date, short_date
from generator.nd30.numbering import kind_code


def _issuer_code(ref: Reference, bodies: Mapping[str, Body], place: Place | None) -> str:
    if ref.issuer_code:
        return ref.issuer_code
    codes = [bodies[b].code for b in ref.issuers]
    for body_id, c in zip(ref.issuers, codes, strict=True):
        if c is None:
            raise DataError(
                _(
                    "cơ quan ban hành '{body}' ({name}) chưa có 'code' để viết ký hiệu của văn bản dẫn chiếu; "
                    "thêm 'code' vào cơ quan đó trong danh mục cơ quan, hoặc 'issuer_code' vào văn bản",
                    body=body_id,
                    name=bodies[body_id].name,
                ),
                place,
            )
    return "-".join(c for c in codes if c)


def symbol(ref: Reference, bodies: Mapping[str, Body], place: Place | None = None) -> str | None:
    """Số và ký hiệu in the issuer's numbering style, or None for an unnumbered reference.

    State: 859/KH-UBND · Party: 04-CTr/BDVTU-BCSĐUBND · normative: 59/2023/NĐ-CP · law: 10/2022/QH15.
    """
    if ref.number is None:
        return None
    issuer = _issuer_code(ref, bodies, place)
    if ref.kind.startswith("Luật") or ref.kind.startswith("Bộ luật"):
        return f"{ref.number}/{ref.number_year}/{issuer}" if ref.number_year else f"{ref.number}/{issuer}"
    first = bodies[ref.issuers[0]]
    if ref.code is not None:
        code: str | None = ref.code or None  # code: "" states that the ký hiệu has no type code
    else:
        code = kind_code(ref.kind, party=first.party) if first.type_code else None
    if ref.number_year:
        return f"{ref.number}/{ref.number_year}/{code}-{issuer}" if code else f"{ref.number}/{ref.number_year}/{issuer}"
    if first.party:
        if not code:
            raise DataError(_("không biết mã loại của '{kind}'; thêm 'code'", kind=ref.kind), place)
        return f"{ref.number}-{code}/{issuer}"
    return f"{ref.number}/{code}-{issuer}" if code else f"{ref.number}/{issuer}"


def _issuer_phrase(ref: Reference, bodies: Mapping[str, Body]) -> str:
    if ref.issued_as:
        return f"của {ref.issued_as}"
    names = [bodies[b].short or bodies[b].name for b in ref.issuers]
    if len(names) == 1:
        return f"của {names[0]}"
    joined = ", ".join(names[:-1]) + f" và {names[-1]}"
    # A joint programme is "between" its parties; any other joint document is "of" them.
    return f"giữa {joined}" if "phối hợp" in ref.kind else f"của {joined}"


def cite(
    ref: Reference,
    bodies: Mapping[str, Body],
    *,
    issuer: bool = True,
    subject: bool = True,
    place: Place | None = None,
) -> str:
    """The full citation (ND30 viện dẫn): kind, số/ký hiệu, date, issuer, subject; laws by name."""
    if ref.kind.startswith("Luật") or ref.kind.startswith("Bộ luật"):
        text = f"{ref.kind} {ref.name}" if ref.name else ref.kind
        sym = symbol(ref, bodies, place)
        if sym and ref.cite_number:
            text += f" số {sym}"
        if ref.date and ref.cite_date:
            text += f" {long_date(ref.date)}"
        return text
    parts = [short_cite(ref, bodies, place)]
    if ref.date:
        parts.append(long_date(ref.date) if ref.date_form == "long" else f"ngày {short_date(ref.date)}")
    if issuer:
        parts.append(_issuer_phrase(ref, bodies))
    if subject and ref.subject:
        parts.append(f"{ref.link} {ref.subject}" if ref.link else ref.subject)
    return " ".join(parts)


def short_cite(ref: Reference, bodies: Mapping[str, Body], place: Place | None = None) -> str:
    """The later-citation form: kind and số/ký hiệu ("Kế hoạch số 859/KH-UBND"); laws by name."""
    if ref.kind.startswith("Luật") or ref.kind.startswith("Bộ luật"):
        return f"{ref.kind} {ref.name}" if ref.name else ref.kind
    sym = symbol(ref, bodies, place)
    return f"{ref.kind} số {sym}" if sym else ref.kind
