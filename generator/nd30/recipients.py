"""The Nơi nhận list, computed from roles: who is reported to, informed, leads and implements."""

from __future__ import annotations

from collections.abc import Mapping

from generator.data.model import Body, Recipients, Unit
from generator.errors import DataError, Place
from generator.i18n import _

HEADING = "Nơi nhận:"
ALL_UNITS = "all-units"  # the recipient id that means every unit of the issuer
# Conventional suffixes by role (ND30 leaves them to practice); an agency may set its own in `marks`.
DEFAULT_MARKS = {"report": "", "inform": "", "implement": "T/hiện"}


def recipient_name(body: Body) -> str:
    """How a body is written in a Nơi nhận line."""
    return body.recipient or body.short or body.name


def recipient_lines(
    recipients: Recipients,
    issuer: Body,
    drafting_unit: Unit,
    bodies: Mapping[str, Body],
    place: Place | None = None,
) -> list[str]:
    """The lines under "Nơi nhận:", each "- X;" and the last "- Lưu: VT, <unit>.".

    Order: bodies reported to, bodies informed, the leadership, the implementing organisations
    and units (as listed), extra lines; then the archive line. A name given twice is kept once.
    """
    marks = {**DEFAULT_MARKS, **(issuer.marks or {}), **(recipients.marks or {})}
    entries: list[tuple[str, str]] = []
    for body_id in recipients.report:
        entries.append((recipient_name(bodies[body_id]), marks["report"]))
    for body_id in recipients.inform:
        entries.append((recipient_name(bodies[body_id]), marks["inform"]))
    if recipients.leadership and issuer.leadership:
        entries.append((issuer.leadership.recipient or issuer.leadership.name, ""))
    for item in recipients.implement:
        if item == ALL_UNITS:
            if not issuer.all_units:
                raise DataError(
                    _("{agency} chưa có 'all_units' (dòng Nơi nhận cho mọi đơn vị)", agency=issuer.name), place
                )
            name = issuer.all_units
        elif item in issuer.organisations:
            org = issuer.organisations[item]
            name = org.recipient or org.name
        elif item in issuer.units:
            unit = issuer.units[item]
            name = unit.recipient or unit.name
        elif item in bodies:  # another body or a group the plan assigns work to
            name = recipient_name(bodies[item])
        else:
            raise DataError(_("không có cơ quan, đơn vị '{id}' để gửi", id=item), place)
        entries.append((name, marks["implement"]))
    entries.extend((line, "") for line in recipients.extra)

    lines: list[str] = []
    seen: set[str] = set()
    for name, mark in entries:
        name = name.strip().removeprefix("-").strip().rstrip(";.")
        if name in seen:
            continue
        seen.add(name)
        lines.append(f"- {name} ({mark});" if mark else f"- {name};")
    keep = f"VT, {drafting_unit.code}" + (f", {recipients.keep}" if recipients.keep else "")
    lines.append(f"- Lưu: {keep}.")
    return lines
