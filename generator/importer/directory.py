"""Bodies and references met while importing: matched by name to the data and the catalogue, or new."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from slugify import slugify

from generator.data.load import Corpus
from generator.data.model import Body, Reference


def norm(text: str) -> str:
    """A name as compared: NFC, one space, case-folded, the two spellings of uỷ/ủy made one."""
    text = unicodedata.normalize("NFC", " ".join(text.split())).casefold()
    for old, new in (("uỷ", "ủy"), ("hoà", "hòa"), ("thuỷ", "thủy")):
        text = text.replace(old, new)
    return text


# Abbreviations kept in capitals when a capitalised header line is put in sentence case.
ABBREVIATIONS = {"UBND", "HĐND", "MTTQ", "MTTQVN", "TW", "BCĐ", "GTVT", "CCHC", "KHCN", "BCH", "TP", "TX", "VN",
                 "CAND", "QĐND", "ĐMST", "CĐS", "PCT", "BQL", "KCN"}  # fmt: skip


TITLES = ("Chủ tịch", "Giám đốc", "Trưởng ban", "Chánh Văn phòng", "Chánh Thanh tra", "Trưởng phòng", "Cục trưởng",
          "Tổng cục trưởng", "Vụ trưởng", "Bí thư", "Thủ trưởng")  # fmt: skip


ORG_WORDS = ("Sở", "Bộ", "Ban", "Phòng", "Cục", "Chi cục", "Trung tâm", "Văn phòng", "Thanh tra")


def soft_case(line: str, keep: tuple[str, ...] = ()) -> str:
    """A header line typed in capitals, in sentence case where that prints back the same:
    "SỞ GIAO THÔNG VẬN TẢI" → "Sở giao thông vận tải"; words in `keep` (places) and
    abbreviations (UBND, HĐND, MTTQ) keep their own case."""
    words = line.split()
    out = []
    for i, w in enumerate(words):
        bare = w.strip(",.;:()")
        if bare in ABBREVIATIONS or any(c.isdigit() for c in w):
            out.append(w)
        else:
            out.append(w.capitalize() if i == 0 else w.lower())
    # ND30 Phụ lục II: the word after the kind of body is capitalised ("Sở Giao thông vận tải").
    for n in (2, 1):
        if len(out) > n and " ".join(out[:n]) in ORG_WORDS:
            out[n] = out[n][:1].upper() + out[n][1:]
            break
    text = " ".join(out)
    for title in TITLES:  # "PHÓ CHỦ TỊCH" → "Phó Chủ tịch", as ND30's examples write titles
        text = re.sub(rf"(?<=Phó ){title.lower()}\b", title, text)
    for name in keep:
        text = re.sub(re.escape(name), name, text, flags=re.IGNORECASE)
    return text if text.upper() == line.upper() else line


def slug_id(text: str, taken: Mapping[str, Any] | set[str]) -> str:
    """A new id from a name, unique among `taken`."""
    base = slugify(text, max_length=60, word_boundary=True) or "co-quan"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


@dataclass
class Directory:
    """The bodies and references an import can use: the data's, the catalogue's, and new ones."""

    corpus: Corpus
    new_bodies: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → YAML fields
    copied: set[str] = field(default_factory=set)  # data bodies to copy into the output
    new_refs: dict[str, dict[str, Any]] = field(default_factory=dict)
    copied_refs: set[str] = field(default_factory=set)
    _bodies: dict[str, Body] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._bodies = dict(self.corpus.bodies)

    @property
    def bodies(self) -> Mapping[str, Body]:
        return self._bodies

    def is_catalogue(self, body_id: str) -> bool:
        return ("bodies", body_id) in self.corpus.catalogue_ids

    def names(self, body: Body) -> list[str]:
        names = [body.name, body.short, body.full_name, body.recipient, body.header_short]
        if body.header:
            names.append(" ".join(body.header))
        return [n for n in names if n]

    def find(self, name: str, *, code: str | None = None, parent: str | None = None) -> str | None:
        """The id of the body called `name` (any of its names), preferring one with `code`/`parent`."""
        wanted = norm(name)
        hits = [bid for bid, b in self._bodies.items() if any(norm(n) == wanted for n in self.names(b))]
        if not hits:
            return None
        hits.sort(key=lambda b: (self._bodies[b].code != code, self._bodies[b].parent != parent, b))
        return hits[0]

    def use(self, body_id: str) -> str:
        """Mark a data body (and the bodies it names) to be written with the import."""
        stack = [body_id]
        while stack:
            bid = stack.pop()
            if bid in self.copied or bid in self.new_bodies or self.is_catalogue(bid) or bid not in self._bodies:
                continue
            self.copied.add(bid)
            b = self._bodies[bid]
            stack += [x for x in (b.parent, b.succeeded.by if b.succeeded else None) if x]
            stack += list(b.authorities.values())
        return body_id

    def add(self, fields: dict[str, Any], hint: str) -> str:
        """A new body, marked unverified; returns its id."""
        body_id = slug_id(hint, {*self._bodies, *self.new_bodies})
        fields = {**fields, "verified": False}
        self.new_bodies[body_id] = fields
        self._bodies[body_id] = Body.model_validate(fields)
        return body_id

    def update(self, body_id: str, **changes: Any) -> None:
        """Change a body being written (new or copied): the YAML and the model alike."""
        if body_id in self.new_bodies:
            self.new_bodies[body_id].update(changes)
            data = self.new_bodies[body_id]
        else:
            self.use(body_id)
            data = {**self._bodies[body_id].model_dump(exclude_defaults=True), **changes}
            self.new_bodies[body_id] = data
            self.copied.discard(body_id)
        self._bodies[body_id] = Body.model_validate(data)

    def find_reference(self, ref: Reference) -> str | None:
        facts = {"verified", "note", "valid_from", "valid_to"}  # what a citation does not print
        wanted = ref.model_dump(exclude=facts)
        for rid, r in self.corpus.references.items():
            if r.model_dump(exclude=facts) == wanted:
                if ("references", rid) not in self.corpus.catalogue_ids:
                    self.copied_refs.add(rid)
                    for b in r.issuers:
                        self.use(b)
                return rid
        for rid, data in self.new_refs.items():
            if Reference.model_validate(data) == ref:
                return rid
        return None

    def add_reference(self, data: dict[str, Any], hint: str) -> str:
        rid = slug_id(hint, {*self.corpus.references, *self.new_refs})
        self.new_refs[rid] = data
        return rid

    def reference(self, rid: str) -> Reference:
        if rid in self.new_refs:
            return Reference.model_validate(self.new_refs[rid])
        return self.corpus.references[rid]

    def bodies_out(self) -> dict[str, dict[str, Any]]:
        """The directory entries to write: data bodies used, then new ones."""
        out: dict[str, dict[str, Any]] = {}
        for bid in sorted(self.copied):
            out[bid] = self._bodies[bid].model_dump(exclude_defaults=True, mode="json")
        out.update(self.new_bodies)
        return out

    def refs_out(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for rid in sorted(self.copied_refs):
            out[rid] = self.corpus.references[rid].model_dump(exclude_defaults=True, mode="json")
        out.update(self.new_refs)
        return out
