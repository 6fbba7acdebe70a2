"""Bodies and references met while importing: matched by name to the data and the catalogue, or new."""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
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

# The words a body's name starts with (its kind): a part of a list of names that starts with none
# of them ("Đào tạo" in "Bộ Giáo dục và Đào tạo") continues the name before it.
BODY_WORDS = ("Bộ", "Sở", "Ban", "Phòng", "Cục", "Chi cục", "Tổng cục", "Vụ", "Viện", "Học viện", "Trung tâm",
              "Văn phòng", "Thanh tra", "Ủy ban", "Hội đồng", "Hội", "Hiệp hội", "Liên đoàn", "Liên hiệp",
              "Liên minh", "Đoàn", "Tỉnh đoàn", "Thành đoàn", "Mặt trận", "Công an", "Tòa án", "Viện kiểm sát",
              "Kho bạc", "Ngân hàng", "Bảo hiểm", "Báo", "Đài", "Chính phủ", "Quốc hội", "Thủ tướng", "Tỉnh ủy",
              "Thành ủy", "Huyện ủy", "Đảng ủy", "Đảng bộ", "Chi bộ", "Bộ Chỉ huy", "Bộ Tư lệnh", "Quân khu",
              "Cảnh sát", "Trường", "Bệnh viện", "Công ty", "Tổng công ty", "Tập đoàn", "Hợp tác xã", "Tổ", "Đội",
              "Các", "Thường trực", "Chủ tịch", "Bí thư", "Giám đốc", "Lãnh đạo", "Cơ quan", "Quỹ", "Kiểm toán",
              "Hải quan", "Chi nhánh", "Đại học", "Nhà xuất bản", "Câu lạc bộ")  # fmt: skip
_BODY_WORDS = sorted((norm(w) for w in BODY_WORDS), key=len, reverse=True)
# What separates the names of a list: "A, B và C".
_NAME_SEPARATOR = re.compile(r"(,\s*|\s+và\s+)")
MAX_LIST_PARTS = 12  # a longer list is split where a part starts with a body word, without search


def body_like(name: str) -> bool:
    """Whether `name` starts as the name of a body does: a kind of body ("Bộ", "Ủy ban" …) or an
    abbreviation ("UBND", "MTTQ")."""
    words = name.split()
    if not words:
        return False
    if len(words[0]) >= 2 and words[0].isupper():
        return True
    low = norm(name)
    return words[0][:1].isupper() and any(low == w or low.startswith(w + " ") for w in _BODY_WORDS)


def _field(name: str) -> str:
    """A normalised name without the kind of body it starts with: "sở giáo dục và đào tạo" → "giáo dục và
    đào tạo" (the same field names the ministry, the department, the office)."""
    for w in _BODY_WORDS:
        if name.startswith(w + " "):
            return name[len(w) + 1 :]
    return ""


def _has_known_head(name: str, known: set[str]) -> bool:
    """`name` (normalised) is a known name, or one followed by words that hold no list separator
    (a place: "sở giáo dục và đào tạo tỉnh lâm đồng")."""
    if name in known:
        return True
    words = name.split(" ")
    for i in range(len(words) - 1, 1, -1):  # a head of two words at least: not "ban" alone
        head, tail = " ".join(words[:i]), " ".join(words[i:])
        if head in known and not _NAME_SEPARATOR.search(f" {tail} ") and "," not in tail:
            return True
    return False


@cache
def _listed_names() -> tuple[str, ...]:
    """The names of the shipped list of a province's bodies, up to the place they are filled with."""
    from generator.family.init import listed_bodies

    names = []
    for body in listed_bodies().values():
        for key in ("name", "short", "full_name", "header_short"):
            text = body.fields.get(key)
            if isinstance(text, str) and text.split("{")[0].strip():
                names.append(text.split("{")[0].strip())
    return tuple(names)


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
    # New references read from a citation without its date: cited through cite_short() only, so that
    # a later citation of the same document with its date can complete them.
    provisional: set[str] = field(default_factory=set)
    _bodies: dict[str, Body] = field(default_factory=dict)
    _known: tuple[set[str], set[str]] | None = None  # names and fields of the bodies known beforehand

    def __post_init__(self) -> None:
        self._bodies = dict(self.corpus.bodies)

    # --- what an import may take back ------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The state of what is to be written, for `restore` (a document, or a reading, that failed)."""
        return {
            "new_bodies": copy.deepcopy(self.new_bodies),
            "copied": set(self.copied),
            "new_refs": copy.deepcopy(self.new_refs),
            "copied_refs": set(self.copied_refs),
            "provisional": set(self.provisional),
            "_bodies": dict(self._bodies),
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Back to the state of a `snapshot` (which stays usable)."""
        self.new_bodies = copy.deepcopy(state["new_bodies"])
        self.new_refs = copy.deepcopy(state["new_refs"])
        self._bodies = dict(state["_bodies"])
        self.copied, self.copied_refs, self.provisional = (
            set(state[k]) for k in ("copied", "copied_refs", "provisional")
        )

    # --- names -------------------------------------------------------------------------------------

    def _known_names(self) -> tuple[set[str], set[str]]:
        if self._known is None:
            names = {norm(n) for b in self.corpus.bodies.values() for n in self.names(b)}
            names |= {norm(n) for n in _listed_names()}
            self._known = names, {f for f in map(_field, names) if f}
        return self._known

    def known_name(self, name: str) -> bool:
        """Whether `name` names a body of the data, the catalogue or the province list (possibly
        followed by its place), or one of the same field as such a body ("Bộ Giáo dục và Đào tạo"
        beside "Sở Giáo dục và Đào tạo")."""
        names, fields = self._known_names()
        wanted = norm(name)
        own = _field(wanted)
        return _has_known_head(wanted, names) or (bool(own) and _has_known_head(own, fields))

    def split_names(self, phrase: str, count: int = 0) -> list[str]:
        """The bodies a list names ("Bộ Công an, Bộ Giáo dục và Đào tạo"): split at its commas and
        "và" only where that gives names, a known name kept whole; `count` is how many issuers
        the ký hiệu names (0: not known)."""
        parts = _NAME_SEPARATOR.split(phrase.strip())
        pieces, seps = parts[0::2], parts[1::2]
        if len(pieces) > MAX_LIST_PARTS:  # without search: a part that is not a name continues one
            names = [pieces[0]]
            for sep, piece in zip(seps, pieces[1:], strict=True):
                if body_like(piece):
                    names.append(piece)
                else:
                    names[-1] += sep + piece
            return names
        known: dict[str, bool] = {}  # each candidate name is looked up once

        def is_known(name: str) -> bool:
            if name not in known:
                known[name] = self.known_name(name)
            return known[name]

        best: tuple[tuple[int, ...], list[str]] | None = None
        for cuts in range(2 ** (len(pieces) - 1)):  # bit i set: a name ends after piece i
            names, sizes, start = [], [], 0
            for i in range(len(pieces)):
                if i == len(pieces) - 1 or cuts >> i & 1:
                    names.append(
                        "".join(p + s for p, s in zip(pieces[start:i], seps[start:i], strict=True)) + pieces[i]
                    )
                    sizes.append(i + 1 - start)
                    start = i + 1
            covered = sum(n for name, n in zip(names, sizes, strict=True) if is_known(name))
            unlike = sum(1 for name in names if not body_like(name) and not is_known(name))
            counted = len(names) == count if count > 1 else len(names) >= 2
            score = (covered, -unlike, counted, len(names))
            if best is None or score > best[0]:
                best = (score, names)
        assert best is not None
        return best[1]

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

    def mark_cited(self, rid: str) -> None:
        """Mark a reference cited by the import: a data reference is copied into the output."""
        if rid in self.corpus.references and ("references", rid) not in self.corpus.catalogue_ids:
            self.copied_refs.add(rid)
            for b in self.corpus.references[rid].issuers:
                self.use(b)

    def all_references(self) -> list[tuple[str, Reference]]:
        """The references of the data and the catalogue, then those of this import."""
        return [*self.corpus.references.items(), *((r, self.reference(r)) for r in self.new_refs)]

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
