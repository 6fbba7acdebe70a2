"""The validated data model: bodies, legal references and documents, as pydantic classes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]
NodeId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=80)]  # "II.1"
DocId = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_./#@-]*$", max_length=200)
]  # may hold "/", "#", "@"
Text = Annotated[str, StringConstraints(min_length=1)]
Code = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-zĐđ0-9]+(-[A-Za-zĐđ0-9]+)*$", max_length=30)
]  # ký hiệu parts are short


def _text_or_mapping(value: object) -> str:
    return "<text>" if isinstance(value, str) else "<mapping>"


def TextOr(model: type) -> object:  # noqa: N802 - reads as a type
    """`model | Text`, told apart by the value's YAML shape so that errors name one branch only."""
    return Annotated[
        Annotated[model, Tag("<mapping>")] | Annotated[Text, Tag("<text>")],
        Discriminator(_text_or_mapping),
    ]


class Strict(BaseModel):
    """Base of every data class: unknown fields are errors, text is stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- the directory of bodies -------------------------------------------------------------------


class Unit(Strict):
    """An internal unit of an agency (Văn phòng = VP); its code ends the "Lưu" line."""

    name: Text
    code: Code
    recipient: Text | None = None  # how it is written in Nơi nhận; default: its name
    until: dt.date | None = None  # its last day (a department inspectorate: 30/6/2025)

    def exists(self, year: int, on: dt.date | None = None) -> bool:
        """Whether the unit exists for a document of `year` issued `on` (undated: the year's end)."""
        return self.until is None or self.until >= (on or dt.date(year, 12, 31))


class Group(Strict):
    """A named group inside an agency: the leadership, a mass organisation."""

    name: Text
    recipient: Text | None = None


class Succession(Strict):
    """From `date` on, the body is replaced by `by` (a merger, a renaming), or, with no `by`, ends."""

    by: Id | None = None  # None: the body ended without a successor named here (the district level)
    date: dt.date
    verified: bool = True  # False: the date or the successor is inferred, not read in the decision
    note: str | None = None


class Body(Strict):
    """An agency or an outside body, written once and referred to by id."""

    name: Text  # as written in running text: "Sở Giao thông vận tải", "Ủy ban nhân dân tỉnh Tây Ninh"
    short: Text | None = None  # in citations and running text: "Sở GTVT", "UBND tỉnh"
    full_name: Text | None = None  # with its place: "Sở Giao thông vận tải tỉnh Tây Ninh"
    recipient: Text | None = None  # its line in a Nơi nhận list; default: short, else name
    code: Code | None = None  # abbreviation in ký hiệu: SGTVT, UBND, TW
    header: list[Text] | None = None  # header lines of its name, when it wraps: [Ủy ban nhân dân, tỉnh Tây Ninh]
    header_short: Text | None = None  # its chủ quản line above a child's name: "UBND tỉnh Tây Ninh"
    parent: Id | None = None  # cơ quan chủ quản trực tiếp
    place: Text | None = None  # địa danh of the date line
    party: bool = False  # Party body: its documents are numbered 04-CTr/BDVTU
    collective: Text | None = None  # a collective body signs "TM. <collective>": "Ủy ban nhân dân"
    head_title: Text | None = None  # "Giám đốc", "Chủ tịch"
    deputy_title: Text | None = None  # "Phó Giám đốc", "Phó Chủ tịch"
    leadership: Group | None = None
    organisations: dict[Id, Group] = Field(default_factory=dict)
    units: dict[Id, Unit] = Field(default_factory=dict)
    all_units: Text | None = None  # Nơi nhận line naming every unit at once
    marks: dict[Literal["report", "inform", "implement"], str] | None = None  # Nơi nhận suffixes
    succeeded: Succession | None = None
    since: dt.date | None = None  # the day it was set up (a body formed by a merger)
    # A set of bodies named together in Nơi nhận and assignments ("Các sở, ban, ngành tỉnh",
    # "UBND các xã, phường, thị trấn"); it never issues documents.
    group: bool = False
    # Whether the ký hiệu of its documents carries a type code: the Quốc hội's do not
    # (Nghị quyết số 74/2022/QH15, Luật số 10/2022/QH15).
    type_code: bool = True
    # Bodies by role for the agencies below this one (looked up along the parent chain): whom a
    # sub-plan of a kind reports to, e.g. {inspection: thanh-tra-tinh-tay-ninh}.
    authorities: dict[Id, Id] = Field(default_factory=dict)
    verified: bool = True
    note: str | None = None


# --- legal references --------------------------------------------------------------------------


class Reference(Strict):
    """A document that plans cite, written once: "Kế hoạch số 859/KH-UBND ngày 25/3/2024 của UBND tỉnh …"."""

    kind: Text  # tên loại as cited: Kế hoạch, Nghị định, Luật, Quy định, Chương trình phối hợp
    code: str | None = None  # type code in the ký hiệu when it differs from the kind's: QĐ for a Party Quy định
    number: Annotated[str, StringConstraints(pattern=r"^\d+[a-z]?$")] | None = None
    number_year: int | None = None  # normative numbering: 59/2023/NĐ-CP, laws: 10/2022/QH15
    issuers: list[Id] = Field(min_length=1)
    issuer_code: str | None = None  # the ký hiệu's issuer part when not the issuers' codes joined
    issued_as: Text | None = None  # who is named as issuer when not the body: "Chủ tịch UBND tỉnh"
    date: dt.date | None = None
    date_form: Literal["short", "long"] = "short"
    name: Text | None = None  # a law's name: "Thực hiện dân chủ ở cơ sở"
    subject: Text | None = None  # trích yếu of the cited document
    link: str = "về việc"  # words between issuer and subject; "" when the subject has its own verb
    cite_number: bool = True  # a law cited with its number
    cite_date: bool = False  # a law cited with its date
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    verified: bool = True
    note: str | None = None

    @field_validator("issuers", mode="before")
    @classmethod
    def _one_issuer(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


# --- documents ---------------------------------------------------------------------------------


Comparison = Literal["at_least", "more_than", "at_most", "less_than", "exactly", "all"]


class Target(Strict):
    """A chỉ tiêu: its sentence, and optionally the figure a report compares results with.

    The figure is typed once, in `value`; the sentence prints it with `{{ target }}` ("trên 95%").
    """

    id: Id | None = None
    text: Text
    value: float | None = None
    unit: str | None = None  # "%", "mô hình"
    # How a result compares with the value: at_least (≥, "ít nhất 95%"), more_than (>, "trên 95%"),
    # at_most (≤, "không quá 5"), less_than (<, "dưới 5"), exactly (=), all ("100%": every one).
    comparison: Comparison | None = None
    direction: Literal["at_least", "at_most"] = "at_least"  # older form of comparison

    @model_validator(mode="after")
    def _all_is_100(self) -> Target:
        if self.comparison == "all":
            if self.value is not None and self.value != 100:
                raise ValueError("chỉ tiêu 'all' (100%) không nhận 'value' khác 100")
            self.value, self.unit = 100, self.unit or "%"
        return self

    @property
    def compare(self) -> str:
        """The comparison in force: `comparison`, else the older `direction`."""
        return self.comparison or self.direction


class Column(Strict):
    """A table column: its heading, the key rows use for it, its share of the width."""

    key: Id
    title: Text
    width: float = Field(default=1.0, gt=0)  # relative to the other columns
    number: bool = False  # a figure: right-aligned, printed 1.234.567
    source: Text | None = None  # the spreadsheet heading it is read from; default: title


Cell = str | int | float | None


class TableSpec(Strict):
    """A table of a document: rows inline, or read from a .csv/.xlsx file."""

    title: Text | None = None  # a line above the table
    columns: list[Column] | None = None  # default: the kind's columns
    rows: list[dict[str, Cell]] | None = None
    file: Text | None = None  # relative to the data file: danh-sach.xlsx, khoa-hoc.csv
    sheet: Text | None = None  # .xlsx sheet; default: the first
    add_rows: list[dict[str, Cell]] = Field(default_factory=list)  # appended to the kind's rows
    numbered: bool = True  # an "STT" column first
    # The sentence announcing the table ("… như bảng dưới đây."): printed before it, and left out
    # with it when the table has no rows.
    intro: Text | None = None

    @model_validator(mode="after")
    def _one_source(self) -> TableSpec:
        if self.rows is not None and self.file is not None:
            raise ValueError("bảng có cả 'rows' và 'file': chọn một")
        return self


class Bullet(Strict):
    """A "-" line, with optional "+" lines under it."""

    text: Text
    bullets: list[Text] = Field(default_factory=list)


class Node(Strict):
    """A part of the body: a section (I.), an item (1.) or a point (a)), with what it holds."""

    id: NodeId | None = None
    title: Text | None = None
    text: Text | None = None  # the item's own sentence when it has no title
    paragraphs: list[Text] = Field(default_factory=list)
    bullets: list[TextOr(Bullet)] = Field(default_factory=list)
    items: list[TextOr(Node)] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    table: TableSpec | None = None  # printed after the node's other content
    # An assignment: the body that leads this item and those that support it, by directory id
    # (a body or a group). The item is titled with the lead's name when it has no title, the
    # bodies receive the plan as implementers, and the results report follows them.
    lead: Id | None = None
    support: list[Id] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_content(self) -> Node:
        if not (
            self.title or self.text or self.paragraphs or self.bullets or self.items or self.targets or self.table
            or self.lead
        ):  # fmt: skip
            raise ValueError("phần này trống: cần title, text, paragraphs, bullets, items, targets hoặc table")
        return self


class Section(Node):
    """A top-level part (I., II. …): it must have a title."""

    title: Text
    # Whether a results report mirrors this part item by item; default: parts with items, other
    # than "Mục đích, yêu cầu" and "Tổ chức thực hiện".
    report: bool | None = None


class Deadline(Strict):
    """A date the plan sets: a report due, a task to finish; cited in text as deadline('id')."""

    id: Id
    date: dt.date
    what: Text
    to: Id | None = None  # the body that receives it
    via: Id | None = None  # the body it goes through ("qua Sở Nội vụ")


# The ND30 prefixes a clerk knows, for each authority (Điều 13 ND30): TM. is the head signing for
# a collective body (a deputy signing for it is "KT."; the "TM." line is added for the collective).
SIGNER_FORMS = {"TM.": "head", "KT.": "deputy", "Q.": "acting", "TL.": "by_order", "TUQ.": "by_delegation"}
AUTHORITIES = ("head", "deputy", "acting", "by_order", "by_delegation")


class Signer(Strict):
    """Who signs and by what authority; the block's wording is computed from this."""

    authority: Literal["head", "deputy", "acting", "by_order", "by_delegation"] = Field(
        "head",
        json_schema_extra={"enum": [*AUTHORITIES, *SIGNER_FORMS]},  # editors accept "KT." too
    )
    title: Text | None = None  # own title for by_order/by_delegation ("Chánh Văn phòng")
    also: list[Text] = Field(default_factory=list)  # a concurrent office under the titles: "Phó Chủ tịch UBND tỉnh"
    name: Text | None = None

    @field_validator("authority", mode="before")
    @classmethod
    def _nd30_form(cls, value: object) -> object:
        """`KT.`, `TL.`, `TUQ.`, `Q.`, `TM.` (any case, dot optional) are read as the names."""
        if not isinstance(value, str) or value in AUTHORITIES:
            return value
        form = value.strip().upper().rstrip(".") + "."
        if form in SIGNER_FORMS:
            return SIGNER_FORMS[form]
        from generator.errors import suggest
        from generator.i18n import _

        close = suggest(value, [*AUTHORITIES, *SIGNER_FORMS])
        raise ValueError(
            _(
                "'{value}' không phải thẩm quyền ký; dùng head (cấp trưởng ký, TM. nếu là tập thể), "
                "deputy (KT., cấp phó ký thay), acting (Q., quyền), by_order (TL., thừa lệnh) hoặc "
                "by_delegation (TUQ., thừa ủy quyền); viết tắt TM./KT./Q./TL./TUQ. cũng được",
                value=value,
            )
            + (f" ({close})" if close else "")
        )


class Recipients(Strict):
    """Nơi nhận by role; the list itself is computed."""

    report: list[Id] = Field(default_factory=list)  # bodies reported to
    inform: list[Id] = Field(default_factory=list)  # bodies sent to for information
    leadership: bool = True
    # Own organisations and units, "all-units", or any body or group of the directory
    implement: list[Id] = Field(default_factory=list)
    extra: list[Text] = Field(default_factory=list)  # other lines, kept as written
    keep: str | None = None  # copies kept, after the drafting unit: "02b"
    marks: dict[Literal["report", "inform", "implement"], str] | None = None  # this document's suffixes
    assigned: bool = True  # bodies named as lead or support in the text also receive it (implement)


class Typist(Strict):
    """Ký hiệu người soạn thảo and the number of copies: Kh/38."""

    initials: Text
    copies: int | None = Field(default=None, ge=1)


DocType = Literal[
    "NQ", "QĐ", "CT", "QC", "QyĐ", "TC", "TB", "HD", "CTr", "KH", "PA", "ĐA", "DA", "BC", "BB", "TTr",
    "HĐ", "CĐ", "BGN", "BTT", "GUQ", "GM", "GGT", "GNP", "PG", "PC", "PB",
]  # fmt: skip


class SubplanCall(Strict):
    """A sub-plan the main plan calls for: a catalogue kind, with what is already known of it."""

    kind: Id
    number: int | None = Field(default=None, ge=1)
    date: dt.date | None = None


class Appendix(Strict):
    """A phụ lục after the signature block: its heading lines, then its content in order."""

    heading: Text  # "PHỤ LỤC I", printed as written
    title: Text | None = None  # its name; one printed line per line
    note: Text | None = None  # "(Kèm theo Kế hoạch số … ngày … của …)"; one printed line per line
    # Parts in order: a text is a paragraph; a part holds paragraphs, bullets, numbered items and
    # a table, as a body's part does (its title printed bold, without a number).
    content: list[TextOr(Node)] = Field(default_factory=list)


class Document(Strict):
    """A document with a type name (Kế hoạch, Báo cáo …) as its data file states it."""

    id: DocId | None = None  # how sub-plans and reports name it; default: its file's path in the data root
    type: DocType = "KH"
    number: int | None = Field(default=None, ge=1)
    date: dt.date | None = None
    year: int | None = Field(default=None, ge=1945, le=2200)
    month: int | None = Field(default=None, ge=1, le=12)  # an undated draft dated to the month
    issuer: Id
    title: Text  # trích yếu; may use {{ year }}
    short_name: Text | None = None  # a few words for the file name: "dân vận chính quyền"
    theme: Text | None = None  # the year's theme ("Năm … chính quyền thân thiện …"): {{ theme }} in text
    basis: list[DocId] = Field(default_factory=list)  # căn cứ lines, by reference or document id
    implements: list[DocId] = Field(default_factory=list)  # what it carries out; its reports cite these
    opening: list[Text] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    closing: Text | None = None
    deadlines: list[Deadline] = Field(default_factory=list)
    signer: Signer = Field(default_factory=Signer)
    recipients: Recipients = Field(default_factory=Recipients)
    drafted_by: Id  # the unit that drafts it: "- Lưu: VT, VP."
    typist: Typist | None = None
    subplans: list[TextOr(SubplanCall)] = Field(default_factory=list)  # kind ids, or {kind, number, date}
    appendices: list[Appendix] = Field(default_factory=list)  # printed after the signature, each from a new page

    @field_validator("opening", mode="before")
    @classmethod
    def _paragraph_list(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _year(self) -> Document:
        if self.year is None:
            if self.date is None:
                raise ValueError("cần 'year' khi văn bản chưa có ngày")
            self.year = self.date.year
        return self

    @property
    def plan_year(self) -> int:
        assert self.year is not None
        return self.year


class Kind(Strict):
    """A kind of sub-plan in the catalogue: its title, legal bases, recipients and default text."""

    name: Text  # as a list of plans names it: "Kế hoạch phòng, chống tham nhũng"
    title: Text  # trích yếu; may use {{ year }}
    short_name: Text  # the file name's slug
    basis: list[Id] = Field(default_factory=list)  # legal bases; those not in force in the year are left out
    yearly_basis: list[Id] = Field(default_factory=list)  # one is expected for each year (a yearly programme)
    drafted_by: list[Id] = Field(default_factory=list)  # units that usually draft it, first found wins
    reports_to: list[Id] = Field(default_factory=list)  # authority roles (see Body.authorities)
    implement: list[Id] = Field(default_factory=lambda: ["all-units"])
    opening: list[Text] = Field(default_factory=list)
    sections: list[Section] = Field(min_length=1)
    closing: Text | None = None
    note: str | None = None

    @field_validator("opening", mode="before")
    @classmethod
    def _paragraph_list(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class SubplanFile(Strict):
    """What one agency's sub-plan has that the catalogue kind does not: any part, replaced or added."""

    plan: DocId  # the main plan's id
    kind: Id
    number: int | None = Field(default=None, ge=1)
    date: dt.date | None = None
    title: Text | None = None
    signer: Signer | None = None
    drafted_by: Id | None = None
    typist: Typist | None = None
    basis: list[Id] | None = None  # replaces the kind's legal bases
    add_basis: list[DocId] = Field(default_factory=list)  # cited after them (e.g. the provincial plan)
    opening: list[Text] | None = None
    sections: list[Section] = Field(default_factory=list)  # same id as a kind's section: replaces it; else added
    targets: list[Target] | None = None  # replaces the kind's chỉ tiêu
    add_targets: list[Target] = Field(default_factory=list)
    table: TableSpec | None = None  # rows or file replace the kind's rows; add_rows extends them
    closing: Text | None = None
    recipients: Recipients | None = None  # the roles given replace the kind's

    @field_validator("opening", mode="before")
    @classmethod
    def _paragraph_list(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class TargetResult(Strict):
    """What was achieved of a chỉ tiêu: a figure (compared with the target) or a stated status."""

    achieved: float | str | None = None
    status: Literal["đạt", "không đạt", "vượt"] | None = None  # for targets without a figure
    note: str | None = None


class Assessment(Strict):
    """Đánh giá chung."""

    strengths: list[Text] = Field(default_factory=list)  # ưu điểm
    weaknesses: list[Text] = Field(default_factory=list)  # hạn chế
    causes: list[Text] = Field(default_factory=list)  # nguyên nhân


class Score(Strict):
    """A self-assessed score of one criterion."""

    score: float
    evidence: Text | None = None  # tài liệu kiểm chứng


class Scoring(Strict):
    """The self-assessment (tự chấm điểm) against a criteria set."""

    criteria: Id
    number: int | None = Field(default=None, ge=1)
    date: dt.date | None = None
    title: Text | None = None
    deadline: Id | None = None  # the plan's deadline it answers; default: the one it is sent for
    scores: dict[Id, float | Score] = Field(default_factory=dict)


class ResultsFile(Strict):
    """Results of a plan (main or sub-plan), for its results report and its self-assessment."""

    plan: DocId  # the plan's id; a sub-plan's is "<main id>#<kind>"
    number: int | None = Field(default=None, ge=1)
    date: dt.date | None = None  # default: the last working day before the reporting deadline
    deadline: Id | None = None  # the plan's deadline this report answers; default: its first
    title: Text | None = None
    signer: Signer | None = None
    drafted_by: Id | None = None
    typist: Typist | None = None
    leadership: list[Text] = Field(default_factory=list)  # công tác lãnh đạo, chỉ đạo, triển khai
    items: dict[str, Text] = Field(default_factory=dict)  # result text by plan item id ("II.1")
    targets: dict[Id, TargetResult | float | str] = Field(default_factory=dict)
    assessment: Assessment = Field(default_factory=Assessment)
    next_year: list[Text] = Field(default_factory=list)  # phương hướng, nhiệm vụ năm tới
    proposals: list[Text] = Field(default_factory=list)  # kiến nghị, đề xuất
    recipients: Recipients | None = None
    scoring: Scoring | None = None

    @field_validator("leadership", "next_year", "proposals", mode="before")
    @classmethod
    def _paragraph_list(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class Criterion(Strict):
    """One criterion of a scoring table."""

    text: Text
    max: float = Field(gt=0)
    evidence: Text | None = None  # tài liệu kiểm chứng required


class CriteriaGroup(Strict):
    title: Text
    criteria: dict[Id, Criterion] = Field(min_length=1)


class Rating(Strict):
    min: float  # lowest total for this rating
    label: Text  # Tốt, Khá, Trung bình, Yếu


class CriteriaSet(Strict):
    """A scoring table (bảng điểm): groups of criteria with their maximum points, and ratings."""

    title: Text
    stands_for: DocId | None = None  # the decision whose table this is (or stands in for)
    example: bool = False  # an example of the same shape, not the real table
    groups: list[CriteriaGroup] = Field(min_length=1)
    ratings: list[Rating] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> CriteriaSet:
        seen: set[str] = set()
        for group in self.groups:
            for cid in group.criteria:
                if cid in seen:
                    raise ValueError(f"tiêu chí '{cid}' có hai lần")
                seen.add(cid)
        return self

    @property
    def total_max(self) -> float:
        return sum(c.max for g in self.groups for c in g.criteria.values())


Node.model_rebuild()
