"""One Word document read back into vbgen data: the anatomy's parts through each ND30 rule's reader."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from docx.oxml.ns import qn
from docx.table import Table

from generator.data.model import Recipients, Reference, Signer
from generator.errors import DataError, InputError, Place
from generator.family.derive import authority
from generator.i18n import _
from generator.importer.autonumber import AutoNumbers
from generator.importer.directory import ABBREVIATIONS, Directory, norm, slug_id, soft_case
from generator.importer.source import open_docx
from generator.importer.text import clean, escape, marked
from generator.lint.anatomy import Anatomy, Line, analyse
from generator.nd30 import citations
from generator.nd30.dates import parse_date_line, parse_short_date, short_date
from generator.nd30.numbering import (
    DOC_TYPES,
    kind_code,
    parse_number_line,
    parse_point_letter,
    parse_roman,
    parse_symbol,
    parse_type_name,
)
from generator.nd30.recipients import (
    ALL_UNITS,
    DEFAULT_MARKS,
    parse_keep_line,
    parse_recipient_line,
    parse_typist,
    recipient_lines,
)
from generator.nd30.signature import authority_lines, read_authority
from generator.nd30.text import parse_markup, render_text

END_MARK = "./."
_SECTION_RE = re.compile(r"^(?P<n>[IVXLC]+)\s*\.\s+(?P<rest>\S.*)$")
_ITEM_RE = re.compile(r"^(?P<n>\d{1,2})\.\s+(?P<rest>\S.*)$")
_POINT_RE = re.compile(r"^(?P<n>[a-zđ]{1,2})\)\s+(?P<rest>\S.*)$")
_DEADLINE_RE = re.compile(r"trước ngày (?P<d>\d{1,2}/\d{1,2}/\d{4})")
_PERCENT_RE = re.compile(r"(\d+(?:,\d+)?)\s*%")
_APPENDIX_RE = re.compile(r"^ph[ụu] l[ụu]c\b", re.I)  # "PHỤ LỤC I", "Phụ lục 02"
_GROUP_LINE = ("Các ", "Như ", "Chủ tịch", "Chánh", "Thường trực", "Lãnh đạo", "Website", "Cổng ", "CT,", "Trang ")


@dataclass
class _Node:
    """A part of the body as read: its label's level, title or text, content and children."""

    level: int  # 0 the document, 1 I., 2 1., 3 a)
    title: str | None = None
    text: str | None = None
    entries: list[tuple[str, Any]] = field(default_factory=list)  # (p|b|sb|table, value), before children
    children: list[_Node] = field(default_factory=list)
    target: bool = False


@dataclass
class Imported:
    """One document read back: its data, the file it goes to, and what to review."""

    source: Path
    plan: dict[str, Any]
    issuer: str
    relpath: Path
    review: list[str] = field(default_factory=list)
    title: str = ""  # the trích yếu as printed
    subplan: Any = None  # a sub-plan the data root builds: its `subplan:` file, written instead of `plan`


class DocumentReader:
    """Reads one .docx with the help of a Directory shared by all documents of an import."""

    def __init__(self, path: Path, directory: Directory) -> None:
        self.path = path
        self.dir = directory
        self.review: list[str] = []
        self.emphasis_lost = 0
        self.year: int | None = None
        self.deadlines: list[dict[str, Any]] = []
        self.date: dt.date | None = None
        self.place_name = ""
        self.sig_table: Table | None = None
        self.month: int | None = None
        self.subplans: list[str] = []
        self.issuer_id = ""
        self.autonumbered = 0

    def note(self, message: str) -> None:
        if message not in self.review:
            self.review.append(message)

    # --- the whole document ---------------------------------------------------------------

    def read(self) -> Imported:
        doc = open_docx(self.path)
        a = analyse(doc)
        recipients, signature = self._signature_parts(a)
        head = self._header(a)
        issuer_id, type_code, number = head
        self.issuer_id = issuer_id
        plan: dict[str, Any] = {"type": type_code}
        if number is not None:
            plan["number"] = number
        if self.date is not None:
            plan["date"] = self.date
        if self.date is None or self.year != self.date.year:
            plan["year"] = self.year
        if self.date is None and self.month:
            plan["month"] = self.month
        plan["issuer"] = issuer_id
        # A part heading ("I. …") printed bold right under the trích yếu is the body's start.
        cut = next((i for i, ln in enumerate(a.summary) if i and _SECTION_RE.match(clean(ln.text))), None)
        if cut is not None:
            a.body[:0] = a.summary[cut:]
            del a.summary[cut:]
        title = clean(" ".join(ln.text for ln in a.summary)) or self._proposed_title(a)
        if not title:
            raise InputError(_("không thấy trích yếu (dòng tên văn bản dưới tên loại)"), Place(self.path))
        plan["title"] = self._year_var(escape(title))
        drafted_by, keep, typist, roles = self._recipients(recipients, issuer_id)
        plan["drafted_by"] = drafted_by
        plan["signer"] = self._signer(signature, issuer_id)
        if typist:
            plan["typist"] = typist
        body = self._body(a)
        plan.update(body)
        appendices = self._appendices(a)  # before the deadlines and sub-plans its text may name
        if self.deadlines:
            plan["deadlines"] = self.deadlines
        if self.subplans:
            plan["subplans"] = self.subplans
        if keep:
            roles["keep"] = keep
        plan["recipients"] = roles
        if appendices:
            plan["appendices"] = appendices
        # Reorder to the README's order: identity, then text, then roles.
        order = ["type", "number", "date", "year", "month", "issuer", "title", "drafted_by", "signer", "typist", "subplans",
                 "basis", "deadlines", "opening", "sections", "closing", "recipients", "appendices"]  # fmt: skip
        plan = {k: plan[k] for k in order if k in plan}
        if self.emphasis_lost:
            self.note(
                _("{n} đoạn có chữ đậm/nghiêng không ghi lại được bằng dấu **/*: đã bỏ định dạng", n=self.emphasis_lost)
            )
        rel = Path(issuer_id) / str(self.year) / f"{slug_id(self._file_slug(type_code, title), set())}.yaml"
        return Imported(self.path, plan, issuer_id, rel, self.review, title)

    def _proposed_title(self, a: Anatomy) -> str:
        """No trích yếu under the tên loại (ND30 requires one): proposed from the sentence that
        says what is reported ("… báo cáo Bộ Nội vụ về tình hình …"), for review."""
        for ln in a.body[:6]:
            m = re.search(r"\bbáo cáo\b[^.:;]*?\bvề (?:việc )?(?P<s>[^.:;]{10,200})", clean(ln.text))
            if m:
                subject = m["s"].strip(" ,")
                self.note(_("văn bản không có trích yếu (Nghị định 30 bắt buộc): đề xuất '{t}' từ nội dung", t=subject))
                return subject[:1].upper() + subject[1:]
        return ""

    def _file_slug(self, type_code: str, title: str) -> str:
        words = " ".join(title.split()[:8])
        return f"{DOC_TYPES[type_code]} {words}"

    # --- header -----------------------------------------------------------------------------

    def _header(self, a: Anatomy) -> tuple[str, str, int | None]:
        missing = []
        agency = [clean(ln.text) for ln in a.agency] or [
            clean(ln.text) for ln in a.header_left if ln.text and ln.all_caps and not ln.text.startswith("Số")
        ]
        parent = [clean(ln.text) for ln in a.parent] if a.agency else []
        if not agency:
            missing.append(_("tên cơ quan ban hành (ô trái của bảng tiêu đề)"))
        number_line = parse_number_line(a.number.text) if a.number else None
        date_line = parse_date_line(a.date.text) if a.date else None
        if number_line is None and date_line is None:
            missing.append(_("dòng 'Số:' hoặc dòng địa danh, ngày tháng"))
        type_code = parse_type_name(a.title.text) if a.title else None
        if a.title is not None and type_code is None and number_line and number_line.type_code:
            type_code = number_line.type_code
        if type_code is None and a.title is not None and a.title.all_caps:
            missing.append(
                _("tên loại theo Phụ lục III ('{name}' không phải tên loại vbgen dựng được)", name=clean(a.title.text))
            )
        elif type_code is None and number_line is not None:
            missing.append(
                _(
                    "tên loại văn bản: '{line}' là ký hiệu công văn, vbgen chưa dựng công văn",
                    line=clean(a.number.text if a.number else ""),
                )
            )
        elif type_code is None:
            missing.append(_("tên loại văn bản (KẾ HOẠCH, BÁO CÁO … theo Phụ lục III)"))
        if missing:
            raise InputError(
                _("không nhận ra phần đầu văn bản theo Nghị định 30: thiếu {what}", what="; ".join(missing)),
                Place(self.path),
            )
        assert type_code is not None
        self.place_name = date_line.place if date_line else ""
        self.date = date_line.date if date_line else None
        self.year = (date_line.year if date_line else None) or (self.date.year if self.date else None)
        if date_line and date_line.date is None and date_line.month:
            self.month = date_line.month
        if self.year is None:
            found = re.search(r"năm (\d{4})", " ".join(ln.text for ln in a.summary))
            self.year = int(found.group(1)) if found else None
            self.note(_("dòng ngày không có năm: lấy năm {year} từ trích yếu", year=self.year))
        if self.year is None:
            raise InputError(_("không thấy năm của văn bản (dòng ngày tháng, trích yếu)"), Place(self.path))
        code = number_line.agency_code if number_line else None
        if number_line and number_line.type_code and number_line.type_code != type_code:
            self.note(
                _("ký hiệu '{sym}' không khớp tên loại {kind}", sym=a.number.text if a.number else "", kind=type_code)
            )
        issuer_id = self._issuer(agency, parent, code)
        issuer = self.dir.bodies[issuer_id]
        lacking = [what for what, have in ((_("ký hiệu (dòng 'Số: …/KH-…')"), issuer.code),
                                           (_("địa danh (dòng ngày tháng)"), issuer.place)) if not have]  # fmt: skip
        if lacking:
            raise InputError(
                _("không nhận ra phần đầu văn bản theo Nghị định 30: thiếu {what}", what="; ".join(lacking)),
                Place(self.path),
            )
        return issuer_id, type_code, number_line.number if number_line else None

    def _issuer(self, agency: list[str], parent: list[str], code: str | None) -> str:
        places = (self.place_name,) if self.place_name else ()
        parent_id = None
        if parent:
            line = " ".join(parent)
            parent_id = self.dir.find(line)
            if parent_id is None:
                name = soft_case(line, places)
                parent_id = self.dir.add({"name": name, "header_short": name}, name)
                self.note(_("cơ quan chủ quản '{name}' chưa có trong danh mục: đã thêm, chưa đối chiếu", name=line))
            else:
                self.dir.use(parent_id)
        name_line = " ".join(agency)
        found = self.dir.find(name_line, code=code, parent=parent_id)
        if found is not None:
            body = self.dir.bodies[found]
            self.dir.use(found)
            changes: dict[str, Any] = {}
            if code and body.code != code:
                changes["code"] = code
            if self.place_name and body.place != self.place_name:
                changes["place"] = self.place_name
            if [ln.upper() for ln in (body.header or [body.name])] != [ln.upper() for ln in agency]:
                changes["header"] = [soft_case(ln, places) for ln in agency]
            if changes:
                self.dir.update(found, **changes)
                self.note(_("cơ quan '{id}': dữ liệu khác văn bản ở {what}: đã lấy theo văn bản", id=found,
                            what=", ".join(changes)))  # fmt: skip
            return found
        cased = [soft_case(ln, places) for ln in agency]
        # A name's later lines continue it: "Ủy ban nhân dân" / "tỉnh Lâm Đồng".
        cased = cased[:1] + [c if c.split()[0] in ABBREVIATIONS else c[:1].lower() + c[1:] for c in cased[1:]]
        fields: dict[str, Any] = {"name": " ".join(cased)}
        if len(agency) > 1:
            fields["header"] = cased
        if code:
            fields["code"] = code
        if parent_id:
            fields["parent"] = parent_id
        if self.place_name:
            fields["place"] = self.place_name
        fields["note"] = f"nhập từ {self.path.name}"
        self.note(_("cơ quan ban hành '{name}' chưa có trong danh mục: đã thêm, chưa đối chiếu", name=name_line))
        return self.dir.add(fields, fields["name"])

    # --- signature and Nơi nhận ------------------------------------------------------------

    def _signature_parts(self, a: Anatomy) -> tuple[list[str], list[str]]:
        block = signature_block(a)
        self.sig_table = block.table
        if block.cut is not None:
            del a.body[block.cut :]
            self.note(_("khối chữ ký không nằm trong bảng: đọc theo đoạn văn"))
        if not block.recipients and not block.authority:
            self.note(_("không thấy khối Nơi nhận và chữ ký"))
        return block.recipients, block.authority

    def _signer(self, authority: list[str], issuer_id: str) -> dict[str, Any]:
        texts = [clean(t) for t in authority if t.strip()]
        caps = []
        for t in texts:
            if t.isupper() or t.startswith(("TM.", "KT.", "TL.", "TUQ.", "Q.")):
                caps.append(t)
            else:
                break
        reading = read_authority(caps)
        signer: dict[str, Any] = {}
        if reading is None:
            self.note(_("không đọc được thẩm quyền ký: tạm ghi chức danh 'Thủ trưởng cơ quan'"))
            if not self.dir.bodies[issuer_id].head_title:
                self.dir.update(issuer_id, head_title="Thủ trưởng cơ quan")
            return {}
        issuer = self.dir.bodies[issuer_id]
        places = (self.place_name,) if self.place_name else ()
        if reading.authority != "head":
            signer["authority"] = reading.authority
        if reading.own_title:
            signer["title"] = soft_case(reading.own_title, places)
        if len(caps) > reading.lines:  # a concurrent office printed under the titles
            signer["also"] = [soft_case(t, places) for t in caps[reading.lines :]]
        rest = texts[len(caps) :]
        if rest:
            signer["name"] = rest[-1]
            if len(rest) > 1:
                self.note(_("dòng trong ô chữ ký không dùng: {lines}", lines=" | ".join(rest[:-1])))
        # The titles belong to the issuer: set them when new, else check them.
        want = {"head_title": soft_case(reading.head_title, places)}
        if reading.deputy_title:
            want["deputy_title"] = soft_case(reading.deputy_title, places)
        if reading.collective:
            want["collective"] = soft_case(reading.collective, places)
        try:
            printed = authority_lines(Signer.model_validate(signer), issuer)
        except DataError:
            printed = None
        if printed != caps:
            self.dir.update(issuer_id, **want)
            if issuer_id not in self.dir.new_bodies or self.dir.new_bodies[issuer_id].get("verified", True):
                self.note(_("chức danh ký của '{id}' lấy theo văn bản: {lines}", id=issuer_id, lines=" / ".join(caps)))
        return signer

    def _recipients(self, lines: list[str], issuer_id: str) -> tuple[str, str | None, dict | None, dict[str, Any]]:
        lines = [clean(ln) for ln in lines]
        heading_seen = False
        entries: list[str] = []
        keep_line = None
        typist = None
        for line in lines:
            if line.startswith("Nơi nhận"):
                heading_seen = True
                rest = line.split(":", 1)[1].strip() if ":" in line else ""
                if rest:
                    entries.append(rest)
                continue
            if keep_line is None and re.match(r"^[-–]?\s*Lưu\b", line):
                keep_line = line
                continue
            if keep_line is not None:
                t = parse_typist(line)
                if t and typist is None:
                    typist = {"initials": t[0], **({"copies": t[1]} if t[1] else {})}
                else:
                    self.note(_("dòng sau 'Lưu' không dùng: {line}", line=line))
                continue
            if entries and not line.startswith(("-", "–", "+", "•")) and not entries[-1].rstrip().endswith((";", ".")):
                entries[-1] = f"{entries[-1]} {line}"  # a long line broken in two
                self.note(_("dòng Nơi nhận viết trên hai đoạn: ghép thành một dòng"))
                continue
            entries.append(line)
        if lines and not heading_seen:
            self.note(_("không thấy dòng 'Nơi nhận:'"))
        unit_code, keep = parse_keep_line(keep_line) if keep_line else (None, None)
        # "NC.Châu", "CCVC(Thuận)": the typist written onto the archive line.
        last = keep.split(", ")[-1] if keep else unit_code or ""
        glued = re.match(r"^(?P<code>[^.(\s]+)\s*[.(]\s*(?P<who>[^.()]+?)\)?$", last)
        if glued:
            if keep:
                keep = ", ".join([*keep.split(", ")[:-1], glued["code"]])
            else:
                unit_code = glued["code"]
            if typist is None:
                typist = {"initials": glued["who"]}
                self.note(_("ký hiệu người soạn thảo '{v}' viết liền dòng 'Lưu': đưa xuống dòng riêng", v=glued["who"]))
        if unit_code and not re.fullmatch(r"[A-Za-zĐđ0-9]+(-[A-Za-zĐđ0-9]+)*", unit_code):
            fixed = "-".join(re.findall(r"[A-Za-zĐđ0-9]+", unit_code)) or None
            self.note(_("mã đơn vị '{v}' ở dòng 'Lưu' không phải chữ viết tắt: ghi '{code}'", v=unit_code, code=fixed))
            unit_code = fixed
        drafted_by = self._unit(issuer_id, unit_code or "VP")
        if not keep_line:
            self.note(_("không thấy dòng 'Lưu: VT, …': đơn vị soạn thảo tạm là {u}", u=drafted_by))
        roles = self._roles(entries, issuer_id)
        want = [f"{ln.rstrip(';.')};" if not ln.startswith("- ") else ln for ln in entries]
        try:
            got = recipient_lines(
                Recipients.model_validate(roles),
                self.dir.bodies[issuer_id],
                self.dir.bodies[issuer_id].units[drafted_by],
                self.dir.bodies,
            )[:-1]
        except (DataError, KeyError, ValueError):
            got = None
        if got != [clean(w) for w in want]:
            roles = {"leadership": False, "extra": [e.strip().removeprefix("-").strip().rstrip(";.") for e in entries]}
            self.note(_("Nơi nhận giữ nguyên từng dòng (extra): không ghép được theo vai trò"))
        return drafted_by, keep, typist, roles

    def _unit(self, issuer_id: str, code: str) -> str:
        issuer = self.dir.bodies[issuer_id]
        for uid, unit in issuer.units.items():
            if unit.code == code:
                return uid
        uid = slug_id(code, set(issuer.units))
        units = {k: v.model_dump(exclude_defaults=True) for k, v in issuer.units.items()}
        units[uid] = {"name": f"Đơn vị {code}", "code": code}  # data, in Vietnamese whatever the language
        self.dir.update(issuer_id, units=units)
        self.note(_("đơn vị soạn thảo '{code}' chưa có trong '{id}': đã thêm, cần tên đơn vị", code=code, id=issuer_id))
        return uid

    def _roles(self, entries: list[str], issuer_id: str) -> dict[str, Any]:
        issuer = self.dir.bodies[issuer_id]
        marks = {**DEFAULT_MARKS, **(issuer.marks or {})}
        rank = {"report": 0, "inform": 1, "leadership": 2, "implement": 3, "extra": 4}
        roles: dict[str, Any] = {"report": [], "inform": [], "leadership": False, "implement": [], "extra": []}
        current = 0
        new_marks: dict[str, str] = {}
        for raw in entries:
            line = parse_recipient_line(raw)
            role, value = "extra", line.name + (f" ({line.mark})" if line.mark else "")
            lead = issuer.leadership
            own = {**{k: (g.recipient or g.name) for k, g in issuer.organisations.items()},
                   **{k: (u.recipient or u.name) for k, u in issuer.units.items()}}  # fmt: skip
            if issuer.all_units:
                own[ALL_UNITS] = issuer.all_units
            own_hit = next((k for k, n in own.items() if norm(n) == norm(line.name)), None)
            if lead and norm(line.name) in (norm(lead.name), norm(lead.recipient or lead.name)) and not line.mark:
                role, value = "leadership", True
            elif own_hit and line.mark == marks["implement"]:
                role, value = "implement", own_hit
            elif line.role in ("report", "inform") or (not line.mark and not line.name.startswith(_GROUP_LINE)):
                wanted = line.role or "report"
                body_id = self.dir.find(line.name)
                if body_id is None:
                    body_id = self.dir.add({"name": line.name}, line.name)
                    self.note(_("nơi nhận '{name}' chưa có trong danh mục: đã thêm, chưa đối chiếu", name=line.name))
                else:
                    self.dir.use(body_id)
                if line.mark != marks[wanted]:
                    new_marks[wanted] = line.mark
                role, value = wanted, body_id
            if rank[role] < current:
                role, value = "extra", line.name + (f" ({line.mark})" if line.mark else "")
            current = rank[role]
            if role == "leadership":
                roles["leadership"] = True
            else:
                roles[role].append(value)
        if new_marks and issuer_id in self.dir.new_bodies:
            self.dir.update(issuer_id, marks={**(issuer.marks or {}), **new_marks})
        return {k: v for k, v in roles.items() if v or k == "leadership"}

    # --- the body ---------------------------------------------------------------------------

    def _blocks(self, a: Anatomy) -> list[Line | Table]:
        """The body's paragraphs and tables in order, between the title block and the signature."""
        # The căn cứ lines are part of the body, or beside it (as the anatomy may give them).
        lines = {ln.paragraph._p: ln for ln in [*a.basis, *a.body]}
        if not lines:
            return []
        body = a.doc.element.body
        stops = {ln.paragraph._p for ln in a.recipients}  # a signature laid out in paragraphs
        out: list[Line | Table] = []
        started = False
        for child in body.iterchildren():
            if child in lines:
                started = True
            if not started:
                continue
            if (self.sig_table is not None and child is self.sig_table._tbl) or child in stops:
                break
            if child.tag == qn("w:p") and child in lines:
                out.append(lines[child])
            elif child.tag == qn("w:tbl"):
                out.append(Table(child, a.doc))
        return out

    def _body(self, a: Anatomy) -> dict[str, Any]:
        root = _Node(0)
        stack = [root]
        basis: list[str] = []
        basis_lines: list[Line] = []
        opening_started = False
        numbers = AutoNumbers(a.doc)
        for block in self._blocks(a):
            if isinstance(block, Table):
                stack[-1].entries.append(("table", self._table(block)))
                continue
            text = clean(block.paragraph.text)
            label = block.label if hasattr(block, "label") else numbers.label(block.paragraph._p)
            if not text:
                continue
            runs = _runs(block)
            if label:  # what Word's automatic numbering shows before the text
                first = runs[0] if runs else ("", False, False)
                runs = [(f"{label} ", first[1], first[2]), *runs]
                text = f"{label} {text}"
                self.autonumbered += 1
            if len(stack) == 1 and not opening_started and text.startswith("Căn cứ"):
                ref_id = self._basis(text)
                if ref_id is not None:
                    basis.append(ref_id)
                    basis_lines.append(block)
                    continue
            opening_started = True
            self._place(stack, text, runs, block)
        first_text = next((v for k, v in root.entries if k != "table"), "")
        # A căn cứ line that could not be read follows them: the list is kept as typed.
        broken = first_text.lstrip("*").startswith("Căn cứ")
        if basis and (broken or not self._basis_endings(basis, basis_lines)):
            # Kept as typed, in front of the opening.
            root.entries[:0] = [("p", self._text(_runs(ln), clean(ln.paragraph.text))) for ln in basis_lines]
            basis = []
        if self.autonumbered:
            self.note(_("{n} đoạn đánh số tự động của Word: số được đọc thành văn bản", n=self.autonumbered))
        result: dict[str, Any] = {}
        if basis:
            result["basis"] = basis
        self._closing(root, result)
        opening = self._content(root, result)
        if opening:
            result["opening"] = opening
        if root.children:
            result["sections"] = [self._node_data(c) for c in root.children]
        return result

    def _basis_endings(self, basis: list[str], lines: list[Line]) -> bool:
        typed = [clean(ln.paragraph.text) for ln in lines]
        for i, (rid, line) in enumerate(zip(basis, typed, strict=True)):
            end = "." if i == len(basis) - 1 else ";"
            if f"Căn cứ {citations.cite(self.dir.reference(rid), self.dir.bodies)}{end}" != line:
                if line.removeprefix("Căn cứ ").rstrip(";.,") != citations.cite(
                    self.dir.reference(rid), self.dir.bodies
                ):
                    return False
                self.note(_("dấu cuối các dòng căn cứ khác quy tắc: bản dựng viết theo Nghị định 30 (';' … '.')"))
        return True

    def _basis(self, text: str) -> str | None:
        inner = text.removeprefix("Căn cứ ").rstrip(";.")
        found = citations.find_citations(inner, self._issuer_names())
        if not found or found[0].start != 0:
            return None
        known = self._known(inner, found[0])
        if known is not None and known[1] == "" and known[2] == len(inner):
            return known[0]
        if known is not None:
            self.note(_("căn cứ '{t}' khác văn bản '{id}' của danh mục: ghi thành văn bản dẫn chiếu riêng", t=inner[:40],
                        id=known[0]))  # fmt: skip
        law = found[0].symbol is None
        if len(found) != 1 or found[0].end != len(inner) or not (found[0].issuer_phrase or law):
            return None
        rid = self._reference(inner, found[0], separate=True)
        if rid is not None:
            self.dir.provisional.discard(rid)  # a căn cứ line prints it whole: its date stays as read
        return rid

    def _place(self, stack: list[_Node], text: str, runs: list, line: Line) -> None:
        """Put one paragraph where its label says, or as content of the current part."""
        m = _SECTION_RE.match(text)
        if m and parse_roman(m["n"]) == len(stack[0].children) + 1 and (line.all_bold or m["rest"].isupper()):
            rest = m["rest"]
            title = soft_case(rest, (self.place_name,) if self.place_name else ()) if rest.isupper() else rest
            if not rest.isupper():
                self.note(_("đề mục '{t}' không viết hoa: bản dựng in hoa", t=text[:60]))
            node = _Node(1, title=self._year_var(escape(title)))
            node.target = "chỉ tiêu" in rest.casefold()
            stack[:] = [stack[0], node]
            stack[0].children.append(node)
            return
        m = _ITEM_RE.match(text)
        if m and len(stack) >= 2 and int(m["n"]) == len(stack[1].children) + 1:
            node = self._child(2, m["rest"], runs, line, len(m.group(0)) - len(m["rest"]))
            node.target = node.target or (stack[1].target and node.title is None)
            stack[1].children.append(node)
            stack[:] = [stack[0], stack[1], node]
            return
        m = _POINT_RE.match(text)
        if m and len(stack) >= 3 and parse_point_letter(m["n"]) == len(stack[2].children) + 1:
            node = self._child(3, m["rest"], runs, line, len(m.group(0)) - len(m["rest"]))
            stack[2].children.append(node)
            stack[:] = [*stack[:3], node]
            return
        if _ITEM_RE.match(text) or _POINT_RE.match(text) or _SECTION_RE.match(text):
            self.note(_("số thứ tự không liền mạch, giữ như đoạn văn: '{t}'", t=text[:50]))
        kind = "b" if text.startswith("- ") else "sb" if text.startswith("+ ") else "p"
        if kind != "p":
            runs = _strip_runs(runs, 2)
        stack[-1].entries.append((kind, self._text(runs, text if kind == "p" else text[2:])))

    def _child(self, level: int, rest: str, runs: list, line: Line, label_len: int) -> _Node:
        body_runs = _strip_runs(runs, label_len)
        if line.all_bold:
            return _Node(level, title=self._year_var(self._cites(escape(rest))))
        return _Node(level, text=self._text(body_runs, rest))

    def _text(self, runs: list, plain: str) -> str:
        source, ok = marked(runs)
        if not ok:
            self.emphasis_lost += 1
        if clean(str(parse_markup(render_text(source, {})))) != clean(plain):
            source = escape(clean(plain))
        return self._year_var(self._deadlines(self._subplans(self._cites(source))))

    def _missing_authorities(self, kinds: list[str]) -> list[str]:
        """The roles the sub-plans report to that no body up the issuer's parent chain holds."""
        lookup = SimpleNamespace(bodies=self.dir.bodies)
        missing = []
        for role in sorted({r for k in kinds for r in self.dir.corpus.kinds[k].reports_to}):
            try:
                authority(lookup, self.issuer_id, role, None)  # type: ignore[arg-type]
            except DataError:
                missing.append(role)
        return missing

    def _subplans(self, source: str) -> str:
        """The list of sub-plans a plan calls for ("Xây dựng Kế hoạch A; Kế hoạch B …") becomes
        {{ subplan_list() }}, and the kinds its `subplans:` (once per document)."""
        if self.subplans or "Kế hoạch" not in source:
            return source
        names = {kind.name: kid for kid, kind in self.dir.corpus.kinds.items()}
        one = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        for m in re.finditer(rf"(?:{one})(?:; (?:{one}))*", source):
            found = m.group(0).split("; ")
            if len(found) >= 2 or source[: m.start()].endswith("Xây dựng "):
                kinds = [names[n] for n in found]
                missing = self._missing_authorities(kinds)
                if missing:
                    self.note(_("văn bản nêu các kế hoạch con ({kinds}) nhưng danh mục chưa có 'authorities' cho vai trò "
                                "{roles}: thêm rồi ghi 'subplans:'", kinds=", ".join(kinds), roles=", ".join(missing)))  # fmt: skip
                    return source
                self.subplans = kinds
                self.note(_("kế hoạch con theo danh mục: {kinds}", kinds=", ".join(self.subplans)))
                return source[: m.start()] + "{{ subplan_list() }}" + source[m.end() :]
        return source

    def _table(self, table: Table) -> dict[str, Any]:
        rows = [[clean(c.text) for c in row.cells] for row in table.rows]
        width = max((len(r) for r in rows), default=0)
        rows = [r + [""] * (width - len(r)) for r in rows]
        header, body = (rows[0], rows[1:]) if rows else ([], [])
        keys: list[str] = []
        for i, h in enumerate(header):  # keys from the headings: "noi-dung", "thoi-gian" …
            keys.append(slug_id(h[:30], set(keys)) if slug_id(h[:30], set()) != "co-quan" else f"c{i + 1}")
        keys = [k if re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", k) else f"c{i + 1}" for i, k in enumerate(keys)]
        spec: dict[str, Any] = {
            "numbered": False,
            "columns": [{"key": k, "title": escape(h) or "."} for k, h in zip(keys, header, strict=False)],
            "rows": [{k: escape(v) for k, v in zip(keys, r, strict=False) if v} or {keys[0]: ""} for r in body],
        }
        if any(not h for h in header):
            self.note(_("bảng có ô tiêu đề trống: tạm ghi '.'"))
        if not body:
            self.note(_("bảng chỉ có một hàng: bản dựng bỏ bảng này"))
        return spec

    # --- the phụ lục after the signature block -------------------------------------------------

    def _appendices(self, a: Anatomy) -> list[dict[str, Any]]:
        """What follows the signature table, as phụ lục: each from a "Phụ lục …" line (or the
        first line), its title lines (bold or capitals), its "(Kèm theo …)" lines, then its
        paragraphs and tables in order (a bold paragraph titles the part it starts)."""
        after = _after_blocks(a, self.sig_table)
        lines = {ln.paragraph._p: ln for ln in a.all_lines}
        out: list[dict[str, Any]] = []
        state = ""  # title | note | content
        part: dict[str, Any] | None = None  # the content part being filled
        for child in after:
            if child.tag == qn("w:tbl"):
                if not out:
                    out.append({"heading": "."})
                    self.note(_("bảng sau chữ ký không có dòng 'Phụ lục': tạm ghi tiêu đề '.'"))
                content = out[-1].setdefault("content", [])
                if part is None or "table" in part:
                    part = {}
                    content.append(part)
                part["table"] = self._table(Table(child, a.doc))
                state = "content"
                continue
            line = lines.get(child)
            text = clean(line.text) if line is not None else ""
            if line is None or not text:
                continue
            plain = self._year_var(escape(text))
            if not out or (_APPENDIX_RE.match(text) and (line.all_bold or line.all_caps) and len(text) < 200):
                out.append({"heading": plain})
                state, part = "title", None
                continue
            current = out[-1]
            if (state in ("title", "note") and text.startswith("(")) or state == "note":
                current["note"] = f"{current['note']}\n{plain}" if "note" in current else plain
                state = "content" if text.endswith(")") else "note"
                continue
            if state == "title" and (line.all_bold or line.all_caps):
                current["title"] = f"{current['title']}\n{plain}" if "title" in current else plain
                continue
            state = "content"
            content = current.setdefault("content", [])
            if line.all_bold:
                part = {"title": self._year_var(escape(text))}
                content.append(part)
            elif part is not None and "table" not in part:
                part.setdefault("paragraphs", []).append(self._text(_runs(line), text))
            else:
                part = None
                content.append(self._text(_runs(line), text))
        words = sum(len(lines[c].text.split()) for c in after if c in lines)
        if out:
            self.note(_("{n} phụ lục sau chữ ký được nhập ({w} chữ ngoài bảng): xem lại tiêu đề và bảng",
                        n=len(out), w=words))  # fmt: skip
        return out

    # --- contents into data ------------------------------------------------------------------

    def _closing(self, root: _Node, result: dict[str, Any]) -> None:
        """The last paragraph "Trên đây là …" is the closing; "./." is added by the build."""
        node = root
        while node.children:
            node = node.children[-1]
        if node.entries and node.entries[-1][0] == "p":
            text = node.entries[-1][1]
            if text.startswith("Trên đây") or not root.children:
                node.entries.pop()
                result["closing"] = _unend(text)
                return
        # Otherwise the last text of the body keeps its words; the end mark is the build's.
        if node.entries and node.entries[-1][0] != "table":
            kind, text = node.entries[-1]
            node.entries[-1] = (kind, _unend(text))
        elif not node.entries and (node.text or node.title) and node.text:
            node.text = _unend(node.text)

    def _content(self, node: _Node, out: dict[str, Any]) -> list[str]:
        """The node's own content into `out` (paragraphs, bullets, table); the root's paragraphs
        are returned (they are the opening)."""
        kinds = [k for k, _v in node.entries if k != "table"]
        tables = [v for k, v in node.entries if k == "table"]
        order_ok = _bullet_order(kinds)
        tail_text = any(k != "table" for k, _v in node.entries[next((i for i, (k, _) in enumerate(node.entries)
                                                                       if k == "table"), len(node.entries)):])  # fmt: skip
        if tail_text:
            self.note(_("có đoạn văn sau bảng: bản dựng in bảng sau cùng của mục"))
        paragraphs: list[str] = []
        bullets: list[Any] = []
        for kind, value in node.entries:
            if kind == "table":
                continue
            if not order_ok or (node.level == 0 and kind != "p"):
                paragraphs.append({"p": "", "b": "- ", "sb": "+ "}[kind] + value)
            elif kind == "p":
                paragraphs.append(value)
            elif kind == "b":
                bullets.append(value)
            else:
                last = bullets[-1]
                if isinstance(last, str):
                    bullets[-1] = {"text": last, "bullets": [value]}
                else:
                    last["bullets"].append(value)
        if node.level == 0:
            if tables:
                self.note(_("bảng trước mục I.: bản dựng không in bảng ở phần mở đầu"))
            return paragraphs
        if paragraphs:
            out["paragraphs"] = paragraphs
        if bullets:
            out["bullets"] = bullets
        if tables:
            out["table"] = tables[0]
            if len(tables) > 1:
                self.note(_("một mục có {n} bảng: chỉ giữ bảng đầu", n=len(tables)))
        return []

    def _node_data(self, node: _Node) -> Any:
        data: dict[str, Any] = {}
        if node.title:
            data["title"] = node.title
        elif node.text:
            data["text"] = node.text
        self._content(node, data)
        items = [c for c in node.children if not (c.target and not c.children and not c.entries and c.text)]
        targets = [c for c in node.children if c not in items]
        if targets and items:  # numbering runs over items then targets: keep them all as items
            items, targets = node.children, []
        if items:
            data["items"] = [self._node_data(c) for c in items]
        if targets:
            data["targets"] = [self._target(c) for c in targets]
        if node.level >= 2 and set(data) == {"text"}:
            return data["text"]
        return data

    def _target(self, node: _Node) -> dict[str, Any]:
        assert node.text is not None
        target: dict[str, Any] = {"text": node.text}
        m = _PERCENT_RE.search(node.text)
        if m:
            target["value"] = float(m.group(1).replace(",", "."))
            if target["value"].is_integer():
                target["value"] = int(target["value"])
            target["unit"] = "%"
        return target

    # --- text rewriting: citations, deadlines, the year ----------------------------------------

    def _issuer_names(self) -> list[str]:
        return [n for b in self.dir.bodies.values() for n in (b.short, b.name) if n]

    def _cites(self, source: str) -> str:
        """Each citation whose words cite() gives back becomes {{ cite('id') }}; a document cited
        again in other words (without its date, with a comma before it) {{ cite_short('id') }}."""
        if "số" not in source:
            return source
        out: list[str] = []
        pos = 0
        for found in citations.find_citations(source, self._issuer_names()):
            if found.start < pos:
                continue
            typed = source[found.start : found.end]
            known = self._known(typed, found)
            if known is None:
                rid = self._reference(typed, found)
                if rid is not None and rid not in self.dir.provisional:
                    known = self._known(typed, found)  # the form of the reference just read
            if known is not None:
                rid, args, length = known
                call = f"cite('{rid}'{args})"
            else:
                short = self._short(typed, found)
                if short is None:
                    continue
                rid, length = short
                call = f"cite_short('{rid}')"
            out.append(source[pos : found.start])
            out.append(f"{{{{ {call} }}}}")
            pos = found.start + length
        out.append(source[pos:])
        return "".join(out)

    def _same(self, found: citations.FoundCitation) -> list[str]:
        """The references (of the data, the catalogue, or read before) of the document that `found`
        cites: the same kind and số/ký hiệu (a law cited by its name: the same name), no other date."""
        out = []
        for rid, ref in self.dir.all_references():
            if ref.kind != found.kind or (found.date and ref.date and ref.date != found.date):
                continue
            if found.symbol is None:
                if ref.name != found.name:
                    continue
            elif (ref.number, ref.number_year) != (found.symbol.number, found.symbol.number_year):
                continue
            else:
                try:
                    printed = citations.symbol(ref, self.dir.bodies)
                except (DataError, KeyError):
                    continue
                if printed is None or parse_symbol(printed) != found.symbol:
                    continue
            out.append(rid)
        return out

    def _known(self, typed: str, found: citations.FoundCitation) -> tuple[str, str, int] | None:
        """A reference of the data or the catalogue (or read before) that this citation names, with
        the arguments of cite() that print the longest start of the typed words, and its length."""
        forms = (("", {}), (", issuer=False", {"issuer": False}), (", subject=False", {"subject": False}),
                 (", issuer=False, subject=False", {"issuer": False, "subject": False}))  # fmt: skip
        for rid in self._same(found):
            if rid in self.dir.provisional:  # cited by its short form until its date is known
                continue
            ref = self.dir.reference(rid)
            best: tuple[str, str, int] | None = None
            for args, kw in forms:
                try:
                    printed = citations.cite(ref, self.dir.bodies, **kw)
                except (DataError, KeyError):
                    break
                fits = typed == printed or typed.startswith(printed + " ") or typed.startswith(printed + ",")
                if fits and (best is None or len(printed) > best[2]):
                    best = (rid, args, len(printed))
            if best is not None:
                self.dir.mark_cited(rid)  # copies a data reference into the output
                return best
        return None

    def _short(self, typed: str, found: citations.FoundCitation) -> tuple[str, int] | None:
        """The document cited before (or in the data), named again without the words cite() would
        print: its kind and số/ký hiệu as cite_short('id'), the rest kept as typed."""
        same = self._same(found)
        if len(same) != 1:  # none, or several documents of that number (other years): left as typed
            return None
        rid = same[0]
        try:
            printed = citations.short_cite(self.dir.reference(rid), self.dir.bodies)
        except (DataError, KeyError):
            return None
        length = found.short_end - found.start
        if length <= 0 or " ".join(typed[:length].split()) != printed:
            return None
        self.dir.mark_cited(rid)
        return rid, length

    def _reference(self, typed: str, found: citations.FoundCitation, *, separate: bool = False) -> str | None:
        """The reference of a citation, when cite() prints `typed`: found in the data, new, or a
        reference read before without its date and now completed. A document already known is not
        read again (its short form names it), unless `separate` (a căn cứ line needs cite())."""
        state = self.dir.snapshot()  # bodies are added as the issuers are read: all or none
        notes: list[str] = []
        rid = self._read_reference(typed, found, notes, separate)
        if rid is None:
            self.dir.restore(state)
            return None
        for message in notes:
            self.note(message)
        return rid

    def _read_reference(
        self, typed: str, found: citations.FoundCitation, notes: list[str], separate: bool
    ) -> str | None:
        sym = found.symbol
        if sym is None:  # a law by name and date
            return self._law(typed, found, notes, separate)
        data: dict[str, Any] = {"kind": found.kind, "number": sym.number}
        if found.name:
            data["name"] = found.name
        if sym.number_year:
            data["number_year"] = sym.number_year
        if sym.code and sym.code != kind_code(found.kind):
            data["code"] = sym.code
        issuer_ids: list[str] = []
        phrase = found.issuer_phrase
        codes = sym.issuer.split("-")
        names = self.dir.split_names(phrase, len(codes)) if phrase and found.joint else [phrase] if phrase else []
        earlier = self._earlier(found)
        if earlier is not None and not phrase:  # its issuers as the citation without the date named them
            before = self.dir.reference(earlier).issuers
            issuer_ids, names = list(before), []
            for b in before:
                self.dir.use(b)
        for i, name in enumerate(names or ([] if issuer_ids else [None])):
            code = codes[i] if len(codes) == len(names or [None]) else None
            body_id = self.dir.find(name) if name else None
            if body_id is None and name is None:
                body_id = next((b for b, body in self.dir.bodies.items() if body.code == sym.issuer), None)
            if body_id is None:
                fields: dict[str, Any] = {"name": name or sym.issuer, "code": code or sym.issuer}
                if sym.party:
                    fields["party"] = True
                body_id = self.dir.add(fields, name or sym.issuer)
                notes.append(_("cơ quan ban hành '{name}' của văn bản dẫn chiếu chưa có trong danh mục: đã thêm",
                               name=name or sym.issuer))  # fmt: skip
            else:
                self.dir.use(body_id)
            issuer_ids.append(body_id)
        data["issuers"] = issuer_ids if len(issuer_ids) > 1 else issuer_ids[0]
        bodies = self.dir.bodies
        if "-".join(bodies[b].code or "" for b in issuer_ids) != sym.issuer:
            data["issuer_code"] = sym.issuer
        if found.date:
            data["date"] = found.date
            if found.date_form == "long":
                data["date_form"] = "long"
        if found.kind.startswith(("Luật", "Bộ luật")) and found.date:
            data["cite_date"] = True
        if found.link is not None and found.subject:
            data["subject"] = found.subject
            if found.link != "về việc":
                data["link"] = found.link
        if (
            phrase
            and not found.joint
            and norm(phrase) not in [norm(n) for n in (bodies[issuer_ids[0]].short or bodies[issuer_ids[0]].name,)]
        ):
            data["issued_as"] = phrase
        try:
            ref = Reference.model_validate(data)
            printed = citations.cite(ref, bodies, issuer=bool(phrase))
        except (DataError, ValueError, KeyError):
            return None
        if printed != typed:
            if found.comma:
                self.note(_("trích dẫn '{t}' có dấu phẩy trước 'ngày': giữ nguyên như đã gõ", t=typed[:40]))
            return None
        rid = self.dir.find_reference(ref)
        if rid is None and earlier is not None:  # completed by this citation, which has its date
            self.dir.new_refs[earlier] = {**data, "verified": False}
            self.dir.provisional.discard(earlier)
            notes.append(_("văn bản dẫn chiếu '{id}': ngày và trích yếu lấy theo trích dẫn đầy đủ", id=earlier))
            rid = earlier
        if rid is None and (separate or not self._same(found)):
            hint = f"{kind_code(found.kind) or found.kind}-{sym.number}-{sym.issuer}-{found.date.year if found.date else ''}"
            rid = self._new_reference(data, hint, found)
            notes.append(_("văn bản dẫn chiếu '{id}' ({kind} số {n}) mới: kiểm tra trích yếu", id=rid, kind=found.kind,
                           n=sym.number))  # fmt: skip
        return rid

    def _earlier(self, found: citations.FoundCitation) -> str | None:
        """A reference read before from a citation of the same document without its date, which
        this one, with its date, completes (one reference, whichever citation comes first)."""
        same = self._same(found)
        if not found.date or len(same) != 1 or same[0] not in self.dir.provisional:
            return None
        return same[0]

    def _new_reference(self, data: dict[str, Any], hint: str, found: citations.FoundCitation) -> str:
        rid = self.dir.add_reference({**data, "verified": False}, hint)
        if found.date is None and not found.kind.startswith(("Luật", "Bộ luật")):
            self.dir.provisional.add(rid)  # a law is cited without its date; other documents with it
        return rid

    def _law(self, typed: str, found: citations.FoundCitation, notes: list[str], separate: bool) -> str | None:
        """A law cited by its name and date only ("Luật … ngày 19 tháng 6 năm 2015")."""
        issuer = self.dir.find("Quốc hội") or self.dir.add({"name": "Quốc hội", "code": "QH"}, "quoc-hoi")
        data: dict[str, Any] = {"kind": found.kind, "name": found.name, "issuers": issuer, "date": found.date,
                                "cite_date": True}  # fmt: skip
        try:
            if citations.cite(Reference.model_validate(data), self.dir.bodies) != typed:
                return None
        except (DataError, ValueError):
            return None
        rid = self.dir.find_reference(Reference.model_validate(data))
        if rid is None and (separate or not self._same(found)):
            assert found.date is not None
            rid = self.dir.add_reference({**data, "verified": False}, f"luat-{found.name}-{found.date.year}")
            notes.append(_("văn bản dẫn chiếu '{id}' ({kind} {name}) mới: kiểm tra", id=rid, kind=found.kind,
                           name=found.name))  # fmt: skip
        return rid

    def _deadlines(self, source: str) -> str:
        """ "trước ngày 01/11/2024" becomes a deadline where deadline() prints the same date."""

        def one(m: re.Match[str]) -> str:
            day = parse_short_date(m["d"])
            if day is None or short_date(day) != m["d"] or (self.date and day < self.date):
                return m.group(0)
            clause = re.split(r"[;.:]\s+", source[: m.start()])[-1]
            clause = re.sub(r"\{\{.*?\}\}|\*", "", clause).strip(" ,") or f"Hạn ngày {m['d']}"
            did = slug_id(clause.split(" về ")[0][:40] or "han", {d["id"] for d in self.deadlines})
            self.deadlines.append({"id": did, "date": day, "what": self._year_var(clause)})
            return f"trước ngày {{{{ deadline('{did}') }}}}"

        return _DEADLINE_RE.sub(one, source)

    def _year_var(self, source: str) -> str:
        """The document's own year as {{ year }}, outside variables."""
        if self.year is None:
            return source
        parts = re.split(r"(\{\{.*?\}\})", source)
        pattern = re.compile(rf"(?<!\d )\b(năm) {self.year}\b")  # not the year of a date "tháng 02 năm 2025"
        return "".join(p if p.startswith("{{") else pattern.sub(r"\1 {{ year }}", p) for p in parts)


@dataclass
class SignatureBlock:
    """The Nơi nhận lines and the signature lines, wherever the document put them."""

    recipients: list[str]
    authority: list[str]
    table: Table | None = None
    cut: int | None = None  # typed as paragraphs: the body ends at this line


def _cell_texts(cell: Any) -> list[str]:
    return [part.strip() for p in cell.paragraphs for part in p.text.split("\n") if part.strip()]


def _line_texts(lines: list[Line]) -> list[str]:
    return [part.strip() for ln in lines for part in ln.text.split("\n") if part.strip()]


def signature_block(a: Anatomy) -> SignatureBlock:
    """The signature block: the anatomy's table; else any table with a "Nơi nhận" cell (a first
    row left empty); else "Nơi nhận:" and what follows typed as paragraphs at the end of the body."""
    if a.recipients or a.authority:  # found by the anatomy (in a table, or laid out otherwise)
        return SignatureBlock(_line_texts(a.recipients), _line_texts(a.authority), a.signature_table)
    if a.signature_table is not None:
        cells = a.signature_table.rows[0].cells
        return SignatureBlock(_cell_texts(cells[0]), _cell_texts(cells[-1]), a.signature_table)
    header = a.header_table._tbl if a.header_table is not None else None
    for tbl in reversed(a.doc.element.body.findall(qn("w:tbl"))):
        if tbl is header:
            continue
        table = Table(tbl, a.doc)
        for row in table.rows:
            cells = row.cells
            if len(cells) >= 2 and clean(cells[0].text).startswith("Nơi nhận"):
                return SignatureBlock(_cell_texts(cells[0]), _cell_texts(cells[-1]), table)
    at = next((i for i, ln in enumerate(a.body) if clean(ln.text).startswith("Nơi nhận")), None)
    if at is None:
        return SignatureBlock([], [])
    marks = ("Nơi nhận", "-", "+")
    recipients: list[str] = []
    authority: list[str] = []
    for ln in a.body[at:]:
        for part in ln.paragraph.text.split("\n"):
            # Laid out with tabs: Nơi nhận on the left, the signature on the right of one line.
            left, _tab, right = (x.strip() for x in part.strip().partition("\t"))
            for text in (left, right):
                if text:
                    (recipients if clean(text).startswith(marks) else authority).append(clean(text))
    return SignatureBlock(recipients, authority, None, at)


def _after_blocks(a: Anatomy, table: Table | None) -> list[Any]:
    """The body's paragraphs and tables after the signature table (the phụ lục)."""
    if table is None:
        return []
    body = list(a.doc.element.body.iterchildren())
    if table._tbl not in body:
        return []
    return [c for c in body[body.index(table._tbl) + 1 :] if c.tag in (qn("w:p"), qn("w:tbl"))]


def _runs(line: Line) -> list[tuple[str, bool, bool]]:
    return [(t, bool(f.bold), bool(f.italic)) for t, f in line.runs]


def _strip_runs(runs: list, n: int) -> list:
    """The runs without their first `n` characters (a label such as "1. " or "- ")."""
    out = []
    for text, bold, italic in runs:
        if n > 0:
            cut = min(n, len(text))
            text, n = text[cut:], n - cut
        out.append((text, bold, italic))
    return out


def _bullet_order(kinds: list[str]) -> bool:
    """p* then (b sb*)*: the order the build prints paragraphs and bullets in."""
    seen_b = False
    for k in kinds:
        if k == "p" and seen_b:
            return False
        if k == "sb" and not seen_b:
            return False
        seen_b = seen_b or k == "b"
    return True


def _unend(text: str) -> str:
    text = text.rstrip()
    return text[: -len(END_MARK)].rstrip() if text.endswith(END_MARK) else text
