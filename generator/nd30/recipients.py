"""The Nơi nhận list, computed from roles: who is reported to, informed, leads and implements."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

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


# --- reading -----------------------------------------------------------------------------------
# Marks clerks put after a name, and the role each says (b/c: báo cáo, T/hiện: thực hiện, đ/b:
# để biết); a line without a mark has no role of its own.
MARK_ROLES = {"b/c": "report", "t/hiện": "implement", "th/hiện": "implement", "đ/b": "inform", "p/h": "implement"}
_LINE_RE = re.compile(r"^[-–+•]?\s*(?P<name>.*?)\s*(?:\((?P<mark>[^()]{1,20})\))?\s*[;.,]?$")
_KEEP_RE = re.compile(r"^[-–]?\s*Lưu\s*:?\s*(?P<what>.*?)\s*\.?$")
_TYPIST_RE = re.compile(r"^(?P<initials>[A-Za-zĐđÀ-ỹ.]{1,12})\s*/\s*(?P<copies>\d{1,4})?b?$")


class RecipientLine(NamedTuple):
    """A Nơi nhận line read back: the name, its mark, and the role the mark says (or None)."""

    name: str
    mark: str
    role: str | None


def parse_recipient_line(text: str) -> RecipientLine:
    """`- Ban Dân vận Tỉnh ủy (b/c);` → (Ban Dân vận Tỉnh ủy, b/c, report)."""
    m = _LINE_RE.match(" ".join(text.split()))
    assert m is not None  # the pattern matches any line
    mark = (m["mark"] or "").strip()
    return RecipientLine(m["name"].strip(), mark, MARK_ROLES.get(mark.lower()))


def parse_keep_line(text: str) -> tuple[str | None, str | None] | None:
    """`- Lưu: VT, VP, 02b.` → (VP, 02b): the drafting unit's code and the copies kept."""
    m = _KEEP_RE.match(" ".join(text.split()))
    if not m:
        return None
    # "VT, VP" as written; "VT. VP" as sometimes typed (a full stop followed by a space).
    parts = [p.strip() for p in re.split(r"\s*,\s*|\s*\.\s+", m["what"]) if p.strip()]
    if parts and parts[0] == "VT":
        parts = parts[1:]
    unit = parts[0] if parts else None
    keep = ", ".join(parts[1:]) or None
    return unit, keep


def typist_line(initials: str, copies: int | None) -> str:
    """Ký hiệu người soạn thảo and copies under Nơi nhận: `Kh/38`."""
    return initials + (f"/{copies}" if copies else "")


def parse_typist(text: str) -> tuple[str, int | None] | None:
    """`Kh/38` → (Kh, 38); None when the line is not a typist mark."""
    m = _TYPIST_RE.match(text.strip())
    if not m or "/" not in text:
        return None
    return m["initials"], int(m["copies"]) if m["copies"] else None
