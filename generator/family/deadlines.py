"""`vbgen deadlines`: every deadline the plans set, sorted, and as an iCalendar file."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.build import documents
from generator.data.load import load
from generator.family.context import text_variables
from generator.nd30.citations import short_cite
from generator.nd30.text import plain_text


@dataclass(frozen=True)
class DeadlineEntry:
    """One deadline of one plan."""

    date: dt.date
    what: str
    plan: str  # how the plan is cited: "Kế hoạch số 22/KH-SGTVT"
    issuer: str
    to: str | None
    via: str | None
    uid: str  # stable across runs, for calendar applications

    def days_left(self, today: dt.date) -> int:
        return (self.date - today).days

    def to_json(self, today: dt.date) -> dict[str, object]:
        return {
            "date": self.date.isoformat(),
            "days_left": self.days_left(today),
            "what": self.what,
            "plan": self.plan,
            "issuer": self.issuer,
            "to": self.to,
            "via": self.via,
        }


def collect(paths: Iterable[Path | str]) -> list[DeadlineEntry]:
    """The deadlines of every plan under `paths` (sub-plans included), sorted by date."""
    corpus = load(paths)
    warnings: list[str] = []
    entries = []
    for loaded in documents(corpus, warnings):
        doc = loaded.document
        if not doc.deadlines:
            continue
        variables = text_variables(corpus, loaded)
        plan = (
            short_cite(corpus.references[loaded.doc_id], corpus.bodies)
            if loaded.doc_id in corpus.references
            else doc.title
        )
        issuer = corpus.bodies[doc.issuer]
        for i, d in enumerate(doc.deadlines):
            uid = hashlib.sha1(f"{loaded.doc_id}|{d.id}".encode()).hexdigest()[:20] + "@vbgen"
            entries.append(
                DeadlineEntry(
                    date=d.date,
                    what=plain_text(d.what, variables, loaded.place("deadlines", i, "what")),
                    plan=plan,
                    issuer=issuer.short or issuer.name,
                    to=(corpus.bodies[d.to].short or corpus.bodies[d.to].name) if d.to else None,
                    via=corpus.bodies[d.via].name if d.via else None,
                    uid=uid,
                )
            )
    return sorted(entries, key=lambda e: (e.date, e.plan, e.what))


def to_ics(entries: list[DeadlineEntry]) -> bytes:
    """An iCalendar file with one all-day event per deadline (stable UIDs; no clock time in it)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//vbgen//hạn báo cáo//VI")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Hạn thực hiện kế hoạch")
    for e in entries:
        event = Event()
        event.add("uid", e.uid)
        event.add("dtstamp", dt.datetime(e.date.year, 1, 1, tzinfo=dt.timezone.utc))
        event.add("dtstart", e.date)
        event.add("dtend", e.date + dt.timedelta(days=1))
        event.add("summary", f"Hạn: {e.what}")
        recipient = f" — gửi {e.to}" + (f" (qua {e.via})" if e.via else "") if e.to else ""
        event.add("description", f"{e.plan} của {e.issuer}{recipient}")
        cal.add_component(event)
    return cal.to_ical()


def write_ics(entries: list[DeadlineEntry], path: Path, *, force: bool = False) -> str:
    """Write the calendar to `path` through the atomic writer: an existing different file is kept
    unless `force`, and a symbolic link is never followed (`path` is not resolved)."""
    from generator.word.writer import write_atomic

    return write_atomic(path.absolute(), to_ics(entries), force=force)
