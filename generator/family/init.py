"""`vbgen init`: a new agency's directory entries and a first plan (a DỰ THẢO that builds at once)."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import textwrap
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from slugify import slugify

from generator.data.model import AUTHORITIES, SIGNER_FORMS
from generator.errors import DataError, OutputError, Place
from generator.i18n import _
from generator.word.writer import write_atomic

FILL = "ĐIỀN"  # the mark of every place the clerk has to write (grep for it)
DEFAULT_TITLE = "Thực hiện công tác dân vận chính quyền năm {{ year }}"
# Unit ids the catalogue's sub-plan kinds look for (a kind is drafted by the first unit it finds).
UNIT_IDS = (
    (("văn phòng",), "vp"),
    (("thanh tra",), "thanh-tra"),
    (("kế hoạch", "tài chính"), "ke-hoach-tai-chinh"),
    (("tổ chức",), "to-chuc-can-bo"),
)


@dataclass(frozen=True)
class ListedBody:
    """One body of the shipped list of a province's bodies (generator/data/province-bodies.yaml)."""

    key: str
    kind: str  # province | department | inspection | office | board | commune | party
    fields: dict[str, Any]
    in_every_province: bool
    unverified: tuple[str, ...]
    note: str | None

    def label(self, province: str = "…") -> str:
        return fill(self.fields["name"], province, "xã/phường …")


CITY_PREFIXES = ("thành phố ", "tp. ", "tp ")


def province_parts(province: str) -> tuple[str, bool]:
    """The province's name without its level, and whether it is a centrally-run city
    ("Thành phố Hà Nội" → ("Hà Nội", True)); the list's "tỉnh" becomes "thành phố" for a city."""
    low = province.strip().lower()
    for prefix in CITY_PREFIXES:
        if low.startswith(prefix):
            return province.strip()[len(prefix) :].strip(), True
    return province.strip(), False


def fill(text: str, province: str, commune: str = "") -> str:
    """A template of the list with the province (and commune) named: "Sở Y tế tỉnh {province}"."""
    name, city = province_parts(province)
    if city:  # a centrally-run city: Thành ủy, UBND thành phố, Thanh tra thành phố
        text = text.replace("Tỉnh ủy", "Thành ủy").replace("tỉnh", "thành phố")
    return text.replace("{province}", name).replace("{commune}", commune)


# --- provinces --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Province:
    """A province or centrally-run city of the shipped list (province-bodies.yaml, `provinces`)."""

    name: str  # Tây Ninh, Hà Nội
    city: bool = False

    @property
    def typed(self) -> str:
        """As `vbgen init` writes it and fill() reads it: "Tây Ninh", "Thành phố Hà Nội"."""
        return f"Thành phố {self.name}" if self.city else self.name

    @property
    def named(self) -> str:
        """As running text names it: "tỉnh Tây Ninh", "thành phố Hà Nội"."""
        return f"{'thành phố' if self.city else 'tỉnh'} {self.name}"


@dataclass(frozen=True)
class Provinces:
    """The provinces from `since` on, and what became of the former ones."""

    since: dt.date
    current: dict[str, Province]  # by province_key() of its name and aliases
    former: dict[str, tuple[str, Province | None]]  # key → (its name, the province it became part of)


_LEVEL_WORDS = re.compile(r"^(tinh|thanh pho|tp)\b\.?\s*")


def province_key(text: str) -> str:
    """A name as compared: no diacritics, case, level word ("tỉnh", "thành phố", "TP.") or
    punctuation: "Tỉnh Tây Ninh", "tay ninh", "TÂY NINH" → "tayninh"."""
    text = unicodedata.normalize("NFD", text.strip().lower().replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _LEVEL_WORDS.sub("", " ".join(text.split()))
    return "".join(c for c in text if c.isalnum())


def provinces() -> Provinces:
    """The shipped list of provinces (the 2025 reorganisation), keyed for matching typed names."""
    from ruamel.yaml import YAML

    with resources.files("generator.data").joinpath("province-bodies.yaml").open("r", encoding="utf-8") as fh:
        data = YAML(typ="safe").load(fh)["provinces"]
    current: dict[str, Province] = {}
    former: dict[str, tuple[str, Province | None]] = {}
    for name, entry in data["current"].items():
        entry = entry or {}
        province = Province(name, bool(entry.get("city")))
        for alias in (name, *entry.get("aliases", [])):
            current[province_key(alias)] = province
        for old in entry.get("merged", []):
            former[province_key(old)] = (old, province)
    for old in data.get("ended") or []:
        former[province_key(old)] = (old, None)
    return Provinces(data["since"], current, former)


def resolve_province(text: str, year: int | None = None) -> tuple[str, str | None]:
    """The province a typed name means, as init writes it ("Tây Ninh", "Thành phố Hà Nội"), and a
    line saying which was taken when it was not typed so. A name the 2025 reorganisation removed
    is refused for a plan of a year that reaches `since` (an undated draft is taken at its year's
    end, so 2025 on), naming the province it became part of; an unknown name, with the closest."""
    typed = " ".join(unicodedata.normalize("NFC", text).split())
    if not typed:
        raise DataError(_("cần tên tỉnh, thành phố (--province)"), Place(None))
    known = provinces()
    key = province_key(typed)
    province = known.current.get(key)
    if province is None and key in known.former:
        old, became = known.former[key]
        if year is None or dt.date(year, 12, 31) >= known.since:
            since = f"{known.since.day:02d}/{known.since.month}/{known.since.year}"
            if became is None:
                raise DataError(
                    _("tỉnh {old} không còn từ {since} (sắp xếp đơn vị hành chính năm 2025); dùng tên tỉnh, "
                      "thành phố mới", old=old, since=since),
                    Place(None),
                )  # fmt: skip
            raise DataError(
                _("tỉnh {old} không còn từ {since}: đã nhập vào {new}; kế hoạch từ năm {year} dùng --province "
                  "\"{name}\"", old=old, since=since, new=became.named, year=known.since.year, name=became.name),
                Place(None),
            )  # fmt: skip
        province = Province(old)  # a plan from before the reorganisation keeps the province of its time
    if province is None:
        names = [p.name for p in dict.fromkeys(known.current.values())]
        by_key = {province_key(n): n for n in names}
        close = [by_key[k] for k in difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.7)]
        raise DataError(
            _("không có tỉnh, thành phố '{typed}' trong danh sách sau sắp xếp năm 2025", typed=typed),
            Place(None),
            _("có phải: {names}?", names=", ".join(close))
            if close
            else _("các tỉnh, thành phố: {names}", names=", ".join(sorted(names, key=province_key))),
        )
    if province.typed == typed:
        return typed, None
    return province.typed, _("đã hiểu '{typed}' là {province}", typed=typed, province=province.named)


def listed_bodies() -> dict[str, ListedBody]:
    """The shipped list, each entry completed from the defaults of its kind."""
    from ruamel.yaml import YAML

    source = resources.files("generator.data").joinpath("province-bodies.yaml")
    with source.open("r", encoding="utf-8") as fh:
        data = YAML(typ="safe").load(fh)
    defaults = data.get("defaults") or {}
    out: dict[str, ListedBody] = {}
    for key, entry in data["bodies"].items():
        entry = dict(entry)
        base = dict(defaults.get(entry["kind"], {}))
        unverified = list(entry.pop("unverified", []))
        if base:
            unverified += [f for f in base.pop("unverified", []) if f not in entry]
            entry = {**base, **entry}
        out[key] = ListedBody(
            key=key,
            kind=entry.pop("kind"),
            in_every_province=bool(entry.pop("in_every_province", False)),
            unverified=tuple(dict.fromkeys(unverified)),
            note=entry.pop("note", None),
            fields=entry,
        )
    return out


def agency_choices() -> list[ListedBody]:
    """The bodies a clerk may pick as the issuing agency (Party bodies are only recipients)."""
    return [b for b in listed_bodies().values() if b.kind != "party"]


TYPED_AGENCY = "khac"  # --agency khac: an agency not in the list, described by the flags below


def unknown_agency(key: str) -> DataError:
    """The error for an --agency that is not in the list: the closest ids (an id with the province
    appended, or the agency's name typed, are matched too), and how to describe a new agency."""
    choices = {b.key: b for b in agency_choices()}
    slug = slugify(key)
    close = [k for k in choices if slug == k or slug.startswith(k + "-")] or difflib.get_close_matches(
        slug, list(choices), n=3, cutoff=0.6
    )
    known = (
        _("có phải: {ids}?", ids=", ".join(f"{k} ({choices[k].label()})" for k in close))
        if close
        else _("các mã trong danh sách: {ids}.", ids=", ".join(choices))
    )
    return DataError(
        _("không có cơ quan '{key}' trong danh sách cơ quan của tỉnh sau sắp xếp năm 2025; {known} "
          "Một cơ quan không có trong danh sách: --agency {typed} --name \"Tên cơ quan\" --code MÃ --units "
          "\"Văn phòng (VP)\"; thêm --head-title, --deputy-title khi chức danh không phải Giám đốc, Phó Giám đốc",
          key=key, known=known, typed=TYPED_AGENCY),
        Place(None),
    )  # fmt: skip


def unit_id(name: str) -> str:
    """The id of a unit, as the sub-plan kinds name it when they look for one (vp, thanh-tra …)."""
    low = name.lower()
    for words, uid in UNIT_IDS:
        if all(w in low for w in words):
            return uid
    return slugify(name) or "don-vi"


def parse_units(text: str) -> list[tuple[str, str, str]]:
    """`Văn phòng Sở (VP); Thanh tra Sở (TTr)` → [(vp, Văn phòng Sở, VP), (thanh-tra, …)]."""
    units = []
    for part in (p.strip() for p in re.split(r"[;\n]", text)):
        if not part:
            continue
        m = re.fullmatch(r"(.+?)\s*\(\s*([A-Za-zĐđ0-9-]+)\s*\)", part)
        if not m:
            raise DataError(
                _("đơn vị '{unit}' cần có mã trong ngoặc, ví dụ: Văn phòng Sở (VP)", unit=part), Place(None)
            )
        units.append((unit_id(m.group(1)), m.group(1).strip(), m.group(2)))
    return units


def check_code(code: str) -> str:
    """A body's abbreviation as the ký hiệu writes it: capitals and digits (ND30 Phụ lục I)."""
    code = code.strip()
    if not re.fullmatch(r"[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*", code):
        raise DataError(_("chữ viết tắt '{code}' chỉ gồm chữ in hoa và chữ số, ví dụ: SNV", code=code), Place(None))
    return code


def format_units(units: list[tuple[str, str, str]] | list[list[str]]) -> str:
    return "; ".join(f"{name} ({code})" for _uid, name, code in units)


def signer_authority(value: str) -> str:
    """A signer's authority from a name (deputy) or an ND30 form (KT.)."""
    if value in AUTHORITIES:
        return value
    form = value.strip().upper().rstrip(".") + "."
    if form in SIGNER_FORMS:
        return SIGNER_FORMS[form]
    raise DataError(
        _("'{value}' không phải thẩm quyền ký; dùng TM., KT., Q., TL., TUQ. (hoặc head, deputy …)", value=value),
        Place(None),
    )


@dataclass
class InitSpec:
    """What `vbgen init` asks for."""

    province: str
    agency: str  # a key of the shipped list, or "" for an agency typed in
    year: int
    name: str | None = None  # the typed agency's name, or the commune's ("Phường Long An")
    code: str | None = None
    units: list[tuple[str, str, str]] | None = None
    head_title: str | None = None
    deputy_title: str | None = None
    signer: str = "deputy"
    signer_name: str | None = None
    subplans: list[str] = field(default_factory=list)
    title: str = DEFAULT_TITLE


@dataclass
class InitResult:
    """The files written, the agency's id and the plan file."""

    agency_id: str
    files: list[Path]
    plan: Path


def agency_defaults(key: str, province: str = "…", name: str | None = None) -> dict[str, Any]:
    """What the prompts offer for an agency of the list: code, units, titles."""
    listed = listed_bodies().get(key)
    # typed in: a Sở-like body; the clerk corrects what differs
    fields = listed.fields if listed else {**_department_defaults(), "name": name or ""}
    return {
        "code": fields.get("code") or "",
        "units": [tuple(u) for u in fields.get("units") or []],
        "head_title": fields.get("head_title") or "",
        "deputy_title": fields.get("deputy_title") or "",
    }


def _department_defaults() -> dict[str, Any]:
    from ruamel.yaml import YAML

    with resources.files("generator.data").joinpath("province-bodies.yaml").open("r", encoding="utf-8") as fh:
        defaults = YAML(typ="safe").load(fh).get("defaults", {}).get("department", {})
    return {k: v for k, v in defaults.items() if k != "unverified"}


# --- the data written ------------------------------------------------------------------------------


def _province_slug(province: str) -> str:
    return slugify(province_parts(province)[0])


def _body_entry(
    listed: ListedBody, province: str, parent: str | None, commune: str = ""
) -> tuple[dict[str, Any], dict[str, str]]:
    """A directory entry from a listed body, and the comments of its fields."""
    f = {k: v for k, v in listed.fields.items() if k != "role"}
    name = fill(f["name"], province, commune)
    entry: dict[str, Any] = {"name": name}
    comments: dict[str, str] = {}
    if f.get("short"):
        entry["short"] = fill(f["short"], province, commune)
    if listed.kind == "party":
        entry["code"] = f["code"]
        entry["party"] = True
    else:
        if listed.kind == "commune":
            entry["full_name"] = f"{name}, " + fill("tỉnh {province}", province)
        elif listed.kind != "province":
            entry["full_name"] = f"{name} " + fill("tỉnh {province}", province)
        else:
            entry["full_name"] = name
        if f.get("header"):
            entry["header"] = [fill(h, province, commune) for h in f["header"]]
        if f.get("header_short"):
            entry["header_short"] = fill(f["header_short"], province, commune)
        entry["code"] = f["code"]
        comments["code"] = "chữ viết tắt trong ký hiệu: Số: …/KH-" + str(f["code"])
        if parent:
            entry["parent"] = parent
        entry["place"] = commune if listed.kind == "commune" else province_parts(province)[0]
        if listed.kind == "commune":
            comments["place"] = f"{FILL}: địa danh ở dòng ngày tháng, theo Nghị định 30/2020/NĐ-CP"
        if f.get("collective"):
            entry["collective"] = f["collective"]
            comments["collective"] = 'ký "TM. ỦY BAN NHÂN DÂN"'
        for key in ("head_title", "deputy_title"):
            if f.get(key):
                entry[key] = f[key]
    return entry, comments


HEADER_WIDTH_MM = 70  # an agency name wider than this (13 pt, bold, capitals) is written on two lines


def header_lines(name: str) -> list[str] | None:
    """A long agency name split in two lines of balanced width for the header, or None."""
    from generator.word.docxfmt import text_width_mm

    def width(text: str) -> float:
        return text_width_mm(text.upper(), 13, bold=True)

    if width(name) <= HEADER_WIDTH_MM:
        return None
    words = name.split()
    cuts = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    if not cuts:
        return None
    first, second = min(cuts, key=lambda c: max(width(c[0]), width(c[1])))
    return [first, second]


def _unverified_note(fields: tuple[str, ...]) -> str:
    return (
        "do vbgen init viết; chưa đối chiếu: "
        + ", ".join(fields)
        + "; đối chiếu với quyết định thành lập, quy chế làm việc rồi ghi verified: true"
    )


def _agency_entry(spec: InitSpec, listed: ListedBody | None, parent: str | None) -> tuple[dict, dict, str]:
    """The issuing agency's directory entry (with its units), its comments, and its id."""
    province = spec.province
    if listed is None:  # typed in: a body of the province, like a Sở
        name = (spec.name or "").strip()
        if not name:
            raise DataError(_("cần tên cơ quan ban hành (--name)"), Place(None))
        fields = {**_department_defaults(), "name": name, "code": spec.code or ""}
        listed = ListedBody("", "department", fields, False, ("name", "code", "units", "all_units"), None)
        agency_id = f"{slugify(name)}-{_province_slug(province)}"
    elif listed.kind == "commune":
        if not spec.name:
            raise DataError(_("cần tên xã, phường (--name), ví dụ: Phường Long An"), Place(None))
        agency_id = f"ubnd-{slugify(spec.name)}-{_province_slug(province)}"
    else:
        agency_id = f"{listed.key}-{_province_slug(province)}"
    entry, comments = _body_entry(listed, province, parent, spec.name or "")
    if listed.kind == "province":
        entry.pop("parent", None)
    if "header" not in entry:
        lines = header_lines(entry["name"])
        if lines:
            entry = {**{k: v for k, v in entry.items() if k != "code"}, "header": lines, "code": entry["code"]}
            comments["header"] = "tên cơ quan ở góc trái, xuống dòng như thế này"
    if spec.code:
        entry["code"] = spec.code
        comments["code"] = "chữ viết tắt trong ký hiệu: Số: …/KH-" + spec.code
    if spec.head_title:
        entry["head_title"] = spec.head_title
    if spec.deputy_title:
        entry["deputy_title"] = spec.deputy_title
    entry.setdefault("head_title", "Giám đốc")
    head = entry["head_title"].upper()
    comments["head_title"] = f"chức danh người đứng đầu: {head}, KT. {head} (cấp phó ký)"
    if listed.fields.get("leadership"):
        leader = listed.fields["leadership"]
        entry["leadership"] = {"name": leader, "recipient": leader}
        comments["leadership"] = "dòng Nơi nhận của lãnh đạo cơ quan"
    units = spec.units if spec.units is not None else [tuple(u) for u in listed.fields.get("units") or []]
    if not units:
        raise DataError(_("cơ quan cần ít nhất một đơn vị (đơn vị soạn thảo), ví dụ: Văn phòng Sở (VP)"), Place(None))
    entry["units"] = {uid: {"name": name, "code": code} for uid, name, code in units}
    comments["units"] = 'các đơn vị thuộc cơ quan; mã (code) đứng ở dòng "- Lưu: VT, VP."'
    if listed.fields.get("all_units"):
        entry["all_units"] = fill(listed.fields["all_units"], province, spec.name or "")
        comments["all_units"] = "dòng Nơi nhận cho mọi đơn vị thuộc cơ quan"
    unverified = tuple(f for f in listed.unverified if f in entry and not (f == "code" and spec.code))
    if spec.units is not None:
        unverified = tuple(f for f in unverified if f != "units")
    if unverified:
        entry["verified"] = False
        entry["note"] = _unverified_note(unverified)
    return entry, comments, agency_id


def directory(spec: InitSpec) -> tuple[str, dict[str, dict], dict[str, dict[str, str]], list[str]]:
    """The agency's id, the directory entries (the agency, the province's bodies with their
    `authorities`), their comments, and the ids of the province's bodies."""
    bodies = listed_bodies()
    slug = _province_slug(spec.province)
    if spec.agency and spec.agency not in bodies:
        raise unknown_agency(spec.agency)
    province_id = f"ubnd-tinh-{slug}"
    listed = bodies.get(spec.agency) if spec.agency else None
    agency, agency_comments, agency_id = _agency_entry(spec, listed, province_id)
    entries: dict[str, dict] = {agency_id: agency}
    comments: dict[str, dict[str, str]] = {agency_id: agency_comments}
    authorities: dict[str, str] = {}
    for key, body in bodies.items():
        body_id = f"{key}-{slug}"
        if body.fields.get("role"):
            authorities[body.fields["role"]] = body_id
        if body.kind == "commune" or body_id == agency_id or not (body.in_every_province or body.kind == "party"):
            continue
        entry, _comments = _body_entry(body, spec.province, None if body.kind in ("province", "party") else province_id)
        if body.kind not in ("province",):
            for k in ("header", "header_short", "collective", "head_title", "deputy_title", "place"):
                entry.pop(k, None)
        unverified = tuple(f for f in body.unverified if f in entry)  # what is written and not confirmed
        if unverified:
            entry["verified"] = False
            entry["note"] = _unverified_note(unverified) + (f" ({body.note})" if body.note else "")
        entries[body_id] = entry
    province = entries[province_id]
    province["authorities"] = authorities
    comments.setdefault(province_id, {})["authorities"] = (
        "cơ quan nhận báo cáo của các kế hoạch con, theo vai trò: thanh tra, tài chính, nội vụ"
    )
    return agency_id, entries, comments, [b for b in entries if b != agency_id]


def plan_data(spec: InitSpec, agency_id: str, agency: dict, parent: str | None) -> tuple[dict, dict[str, str]]:
    """The plan: a DỰ THẢO (no number, no date) that builds; each place to write is commented."""
    authority = signer_authority(spec.signer)
    drafting = next(iter(agency["units"]))
    signer: dict[str, Any] = {"authority": authority}
    if spec.signer_name:
        signer["name"] = spec.signer_name
    if authority in ("by_order", "by_delegation"):
        signer["title"] = f"Chánh {agency['units'][drafting]['name']}"
    item_tasks = "[ĐIỀN: nhiệm vụ, giải pháp thứ nhất của cơ quan trong năm]"
    items: list[Any] = [item_tasks, "[ĐIỀN: nhiệm vụ, giải pháp thứ hai]"]
    if spec.subplans:
        items.append("Xây dựng và tổ chức thực hiện: {{ subplan_list() }} năm {{ year }}.")
    plan: dict[str, Any] = {
        "type": "KH",
        "year": spec.year,
        "issuer": agency_id,
        "title": spec.title,
        "short_name": _short_name(spec.title),
        "drafted_by": drafting,
        "signer": signer,
        "opening": (
            "Thực hiện chức năng, nhiệm vụ được giao, {{ issuer.full_name }} xây dựng Kế hoạch năm {{ year }} "
            "với các nội dung sau:"
        ),
        "sections": [
            {
                "title": "Mục đích, yêu cầu",
                "paragraphs": [
                    "Xác định rõ nhiệm vụ, trách nhiệm của các đơn vị, cá nhân trong việc thực hiện Kế hoạch.",
                    "Việc thực hiện bảo đảm thiết thực, hiệu quả, đúng tiến độ; "
                    "kịp thời báo cáo những khó khăn, vướng mắc.",
                ],
            },
            {"title": "Nội dung", "items": items},
            {
                "title": "Tổ chức thực hiện",
                "items": [
                    "{{ unit('" + drafting + "') }} tham mưu, theo dõi, đôn đốc việc thực hiện Kế hoạch; tổng hợp, "
                    "báo cáo kết quả trước ngày {{ deadline('bao-cao-ket-qua') }}.",
                    "Các đơn vị căn cứ Kế hoạch này triển khai thực hiện.",
                ],
            },
        ],
        "closing": "Trên đây là Kế hoạch năm {{ year }} của {{ issuer.short }}",
        "deadlines": [
            {
                "id": "bao-cao-ket-qua",
                "date": f"{spec.year}-11-15",
                "what": "Báo cáo kết quả thực hiện Kế hoạch năm {{ year }}",
                **({"to": parent} if parent else {}),
            }
        ],
        "recipients": {
            "report": [parent] if parent else [],
            "leadership": "leadership" in agency,
            "implement": ["all-units"] if "all_units" in agency else [],
        },
    }
    if spec.subplans:
        plan["subplans"] = list(spec.subplans)
    comments = {
        "type": "KH: Kế hoạch (Phụ lục III Nghị định 30/2020/NĐ-CP)",
        "year": f"{FILL}: khi có số và ngày ban hành, thêm hai dòng: number: 12 và date: {spec.year}-03-15; "
        "chưa có thì văn bản in số, ngày để trống và ô DỰ THẢO",
        "title": f"{FILL}: trích yếu; viết năm là {{{{ year }}}} để bản năm sau tự đúng",
        "short_name": "vài chữ cho tên tệp .docx",
        "drafted_by": 'đơn vị soạn thảo: "- Lưu: VT, <mã đơn vị>."',
        "signer": f"{FILL}: thẩm quyền ký: TM., KT., Q., TL., TUQ. (hoặc head, deputy …) và họ tên (name)",
        "opening": f"{FILL}: viết lại phần mở đầu; trích dẫn văn bản cấp trên: {{{{ cite('id-van-ban') }}}} "
        "(khai báo văn bản trong references.yaml)",
        "sections": f"{FILL}: nội dung kế hoạch: mỗi mục có title và paragraphs, items (1. 2. …) hoặc bullets",
        "closing": '"./." được thêm tự động',
        "deadlines": f"{FILL}: các thời hạn; trong văn bản: {{{{ deadline('bao-cao-ket-qua') }}}}",
        "recipients": "Nơi nhận theo vai trò; danh sách do vbgen tính",
        "subplans": "các kế hoạch con, dựng từ danh mục có sẵn; mỗi bảng điền trong một tệp subplan:",
    }
    return plan, comments


def _short_name(title: str) -> str:
    text = re.sub(r"\{\{.*?\}\}", "", title)
    text = re.sub(r"^(thực hiện|triển khai)\s+(công tác\s+)?", "", text.strip(), flags=re.I)
    text = re.sub(r"\s+năm\s*$", "", text.strip(), flags=re.I)
    return text.strip().lower() or "ke-hoach"


# --- block-style YAML with comments ------------------------------------------------------------------

_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^#]*")
_SPECIAL = {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"}


def scalar(value: Any) -> str:
    """A YAML scalar: plain when YAML reads it back as the same text, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    plain = (
        _PLAIN.fullmatch(text)
        and ": " not in text
        and not text.endswith(":")
        and text.lower() not in _SPECIAL
        and (not re.fullmatch(r"[-+0-9.e]+", text) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", text))
        and text == text.strip()
    )
    return text if plain else json.dumps(text, ensure_ascii=False)


def _folded(text: str, indent: int) -> str | None:
    """A long text as a folded block (`>-`), wrapped at 100 columns; None when it cannot be one."""
    if len(text) + indent < 96 or "\n" in text or text != text.strip() or "  " in text:
        return None
    pad = " " * (indent + 2)
    return ">-\n" + "\n".join(pad + line for line in textwrap.wrap(text, 100 - len(pad), break_long_words=False))


def emit(value: Any, indent: int = 0, comments: dict[str, str] | None = None) -> str:
    """`value` (dicts, lists, scalars) as block-style YAML; `comments` go above the keys they name."""
    pad = " " * indent
    comments = comments or {}
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in comments:
                out += [f"{pad}# {line}" for line in textwrap.wrap(comments[key], 100 - indent - 2)]
            out.append(f"{pad}{key}:" + _after_key(item, indent))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                first, *rest = emit(item, indent + 2).splitlines()
                out.append(f"{pad}- {first.lstrip()}")
                out += rest
            else:
                out.append(f"{pad}-" + _after_key(item, indent))
    return "\n".join(out)


def _after_key(item: Any, indent: int) -> str:
    if isinstance(item, dict):
        return "\n" + emit(item, indent + 2) if item else " {}"
    if isinstance(item, list):
        if not item:
            return " []"
        if all(not isinstance(i, (dict, list)) for i in item) and sum(len(str(i)) + 2 for i in item) + indent < 70:
            return " [" + ", ".join(scalar(i) for i in item) + "]"
        return "\n" + emit(item, indent + 2)
    if isinstance(item, str):
        folded = _folded(item, indent)
        if folded:
            return " " + folded
    return " " + scalar(item)


# --- writing -----------------------------------------------------------------------------------------


def _existing_ids(out: Path) -> set[str]:
    """The body ids already defined in a data folder (to add only what is missing)."""
    from generator.data.load import yaml_files
    from generator.data.yamlsource import Source

    ids: set[str] = set()
    if out.is_dir():
        for file in yaml_files(out):
            data = Source.load(file).data
            if isinstance(data, dict) and isinstance(data.get("bodies"), dict):
                ids |= set(data["bodies"])
    return ids


def init(spec: InitSpec, out: Path | str, *, force: bool = False) -> InitResult:
    """Write the agency's directory entries and its first plan into the data folder `out`.

    A new folder gets `directory.yaml`; in a folder that has one, the bodies it lacks go into
    `<agency>/co-quan.yaml`. The plan is `<agency>/<year>/ke-hoach.yaml`. An existing different
    file is not replaced without `force`.
    """
    out = Path(out)
    if spec.code:
        spec.code = check_code(spec.code)
    spec.province, _note = resolve_province(spec.province, spec.year)
    agency_id, entries, comments, _province = directory(spec)
    parent = entries[agency_id].get("parent")
    plan, plan_comments = plan_data(spec, agency_id, entries[agency_id], parent)
    existing = _existing_ids(out) if (out / "directory.yaml").is_file() else set()
    new_bodies = {k: v for k, v in entries.items() if k not in existing}
    name = entries[agency_id]["name"]
    files: dict[Path, str] = {}
    if new_bodies:
        target = out / "directory.yaml" if not existing else out / agency_id / "co-quan.yaml"
        head = (
            f"# Danh mục cơ quan: {name} và các cơ quan của {fill('tỉnh {province}', spec.province)} mà kế hoạch "
            "gửi đến, dẫn chiếu.\n"
            "# Do `vbgen init` viết từ danh sách cơ quan sau sắp xếp năm 2025; mỗi cơ quan ghi verified: false\n"
            f'# còn điều cần đối chiếu (xem note). Các chỗ cần viết lại có dấu "{FILL}".\n'
        )
        body_text = "\n".join(
            f"  {body_id}:\n" + emit(entry, 4, comments.get(body_id)) for body_id, entry in new_bodies.items()
        )
        files[target] = head + "bodies:\n" + body_text + "\n"
    plan_head = (
        f"# Kế hoạch năm {spec.year} của {name}: bản DỰ THẢO do `vbgen init` viết.\n"
        f'# Viết lại mọi chỗ có dấu "{FILL}" (tìm: {FILL}), rồi dựng: vbgen build {out.as_posix()} --out out\n'
        "# Khi có số và ngày ban hành, thêm number: và date: (xem ghi chú ở year).\n"
    )
    files[out / agency_id / str(spec.year) / "ke-hoach.yaml"] = (
        plan_head + "plan:\n" + emit(plan, 2, plan_comments) + "\n"
    )
    for target, text in files.items():
        if target.exists() and target.read_text(encoding="utf-8") != text and not force:
            raise OutputError(
                _("tệp đã có với nội dung khác; không ghi đè"), Place(target), _("dùng --force để ghi đè")
            )
    for target, text in files.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text.encode("utf-8"), force=True)
    plan_path = out / agency_id / str(spec.year) / "ke-hoach.yaml"
    return InitResult(agency_id, list(files), plan_path)


def this_year() -> int:
    return dt.date.today().year


def subplan_kinds() -> list[tuple[str, str]]:
    """The sub-plan kinds of the shipped catalogue: (id, title)."""
    from ruamel.yaml import YAML

    from generator.data.load import CATALOGUE

    with (CATALOGUE / "kinds.yaml").open("r", encoding="utf-8") as fh:
        kinds = YAML(typ="safe").load(fh)["kinds"]
    return [(kind_id, str(kind.get("name", kind_id))) for kind_id, kind in kinds.items()]
