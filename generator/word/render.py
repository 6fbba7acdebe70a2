"""Rendering a context through a docxtpl template, in a Jinja sandbox, into the bytes of a .docx."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import weakref
import zipfile
from copy import deepcopy as copy_element
from dataclasses import dataclass, field
from html import escape as html_escape
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate, RichText
from jinja2.sandbox import SecurityError
from lxml import etree

from generator.data.tables import TableData
from generator.errors import TemplateError
from generator.family.context import AppendixBlocks, Block, DocumentContext
from generator.i18n import _
from generator.nd30.header import wrap_name
from generator.nd30.text import BoundedSandbox, ExpressionLimit, Rich, bounded_number, refuse_callable
from generator.word.docxfmt import CELL_MARGIN_MM, TWIPS_PER_MM, Styles, qn, text_width_mm
from generator.word.package import read_package
from generator.word.writer import compress_members, zip_members

NATIONAL = {"name": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "motto": "Độc lập - Tự do - Hạnh phúc"}
RULE_STYLES = {"VB Rule Short": 0.4, "VB Rule Full": 1.0}  # line length as a share of the text above
ALIGN = {"left": 0, "center": 1, "right": 2}  # WD_ALIGN_PARAGRAPH values
BOX_STYLES = {"VB Draft"}  # boxed paragraphs: the box hugs the text
NAME_STYLES = ("VB Parent", "VB Agency")  # header names wrapped to their cell
BOX_PADDING_MM = 3.0


def template_dir() -> Path:
    """The bundled templates: generator/templates/ once installed, templates/ in a checkout."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


def template_path(name: str, folder: Path | None = None) -> Path:
    path = (folder or template_dir()) / name
    if not path.is_file():
        raise TemplateError(_("không tìm thấy mẫu '{name}' trong {folder}", name=name, folder=folder or template_dir()))
    return path


class _Sandbox(BoundedSandbox):
    """The template sandbox, compiling each distinct source once per process: docxtpl hands it the
    same template XML for every document of a batch. Its work is bounded as the data text's is;
    its output (a document's XML) as a package's content is."""

    output_limit = "zip_bytes"

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one environment per process, kept for its life
    def _compiled(self, source: str) -> jinja2.Template:
        return super().from_string(source)

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> jinja2.Template:
        if globals is None and template_class is None and isinstance(source, str):
            return self._compiled(source)
        return super().from_string(source, globals, template_class)


class _Template(DocxTemplate):
    """docxtpl with its tag clean-up (patch_xml) done once per distinct part and process, and its
    listing pass skipped when no value holds a character it would act on."""

    def resolve_listing(self, xml: str) -> str:
        if any(ch in xml for ch in "\n\t\a\f"):
            return super().resolve_listing(xml)
        return xml

    _patched: dict[str, str] = {}  # noqa: RUF012 - source XML → docxtpl's cleaned XML, per process

    def part_source(self, xml: str) -> str:
        """A part's XML as render_xml_part hands it to Jinja (cleaned, a line per paragraph):
        computed once per template and process, then given to render_source for each document."""
        return re.sub(r"<w:p([ >])", r"\n<w:p\1", self.patch_xml(xml))

    def render_source(self, src_xml: str, part: Any, context: dict[str, Any], jinja_env: jinja2.Environment) -> str:
        """docxtpl's render_xml_part from a part_source(): the same steps and result, without
        redoing the per-template work for each document."""
        try:
            self.current_rendering_part = part
            dst_xml = jinja_env.from_string(src_xml).render(context)
        except jinja2.TemplateError as exc:
            if getattr(exc, "lineno", None) is not None:
                line_number = max(exc.lineno - 4, 0)  # type: ignore[attr-defined]
                around = src_xml.splitlines()[line_number : line_number + 7]
                exc.docx_context = [re.sub(r"<[^>]+>", "", x) for x in around]  # type: ignore[attr-defined]
            raise
        dst_xml = dst_xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")  # docxtpl's re.sub, faster
        dst_xml = dst_xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        return self.resolve_listing(dst_xml)

    def patch_xml(self, src_xml: str) -> str:
        cached = self._patched.get(src_xml)
        if cached is None:
            if len(self._patched) > 256:  # a handful of parts per template: only a safety bound
                self._patched.clear()
            cached = self._patched[src_xml] = super().patch_xml(src_xml)
        return cached


@functools.lru_cache(maxsize=1)
def jinja_env() -> jinja2.Environment:
    """The sandbox every template renders in: strict about undefined names, escaping every value."""
    from generator.nd30.dates import long_date, short_date

    env = _Sandbox(undefined=jinja2.StrictUndefined, autoescape=True, finalize=refuse_callable)
    env.filters["long_date"] = long_date
    env.filters["short_date"] = short_date
    env.filters["number"] = bounded_number
    return env


# The run properties RichText.add writes for (bold, italic), and nothing else of its options used.
_RUN_PROPS = {(False, False): "", (True, False): "<w:b/>", (False, True): "<w:i/>", (True, True): "<w:b/><w:i/>"}


def rich_text(value: Rich) -> RichText:
    # The XML docxtpl's RichText.add(text, bold=…, italic=…) writes for each run, made here in one
    # join: add() appends to an attribute (quadratic in the runs) and goes through all its options.
    pieces = []
    for run in value.runs:
        props = _RUN_PROPS[(bool(run.bold), bool(run.italic))]
        pieces.append(
            f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}"
            f'<w:t xml:space="preserve">{html_escape(run.text)}</w:t></w:r>'
        )
    rt = RichText()
    rt.xml = "".join(pieces)
    return rt


def template_values(values: Any) -> Any:
    """The context with rich texts as docxtpl RichText (which escapes its text)."""
    if isinstance(value := values, Rich):
        return rich_text(value)
    if isinstance(value, Block):
        table = value.table.to_json() if value.table is not None else None
        return {"kind": value.kind, "id": value.id, "text": rich_text(value.text), "table": table}
    if isinstance(value, AppendixBlocks):
        return {k: template_values(getattr(value, k)) for k in ("heading", "title", "note", "blocks")}
    if isinstance(value, dict):
        return {k: template_values(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [template_values(v) for v in value]
    return value


@dataclass
class PreparedTemplate:
    """A template read once per process: its docxtpl object (never changed by a render), its
    package members, its styles, and where the body sits in its document part."""

    tpl: _Template
    members: list[tuple[str, bytes]]
    document_head: str  # document.xml up to <w:body>
    document_tail: str  # from </w:body>
    header_members: dict[str, str]  # relationship id → member name, for headers and footers
    styles: Styles
    text_width_mm: float
    body_source: str = ""  # the body as Jinja source (part_source)
    tagged_parts: list[tuple[str, str, Any, str]] = field(default_factory=list)  # member, source, part, encoding
    raw: dict[str, Any] = field(default_factory=dict)  # members the same in every document, compressed once


@functools.lru_cache(maxsize=8)
def prepared(path: str, _mtime_ns: int) -> PreparedTemplate:
    """The template at `path`, prepared (cached per process and file version)."""
    package = read_package(Path(path), "template_file_bytes", error=TemplateError)  # no bomb, no FIFO
    try:
        tpl = _Template(io.BytesIO(package))
        tpl.render_init()
        with zipfile.ZipFile(io.BytesIO(package)) as z:
            members = [(info.filename, z.read(info.filename)) for info in z.infolist()]
        document = dict(members)["word/document.xml"].decode("utf-8")
    except Exception as exc:  # a zip that is not a Word document: python-docx raises many kinds
        what = f"{type(exc).__name__}: {exc}"
        raise TemplateError(_("mẫu {template}: {what}", template=Path(path).name, what=what)) from None
    m = re.search(r"<w:body\b[^>]*>.*</w:body>", document, re.S)
    if m is None:
        raise TemplateError(_("mẫu {template}: word/document.xml không có <w:body>", template=Path(path).name))
    headers = {
        rel_id: rel.target_part.partname.lstrip("/")
        for rel_id, rel in tpl.docx.part.rels.items()
        if rel.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI)
    }
    section = tpl.docx.sections[0]
    width = (section.page_width - section.left_margin - section.right_margin) / 36000
    pt = PreparedTemplate(tpl, members, document[: m.start()], document[m.end() :], headers, Styles(tpl.docx), width)
    pt.body_source = tpl.part_source(tpl.get_xml())
    # Headers and footers as docxtpl renders them (in its order); one without a tag gives the same
    # XML for every document, so it is rendered here once and compressed with the static members.
    constant: dict[str, bytes] = {}
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for rel_id, part in tpl.get_headers_footers(uri):
            xml = tpl.get_part_xml(part)
            encoding = tpl.get_headers_footers_encoding(xml)
            source = tpl.part_source(xml)
            name = headers[rel_id]
            if any(mark in source for mark in ("{{", "{%", "{#")):
                pt.tagged_parts.append((name, source, part, encoding))
            else:
                constant[name] = tpl.render_source(source, part, {}, jinja_env()).encode(encoding)
    changing = {"word/document.xml", "docProps/core.xml"} | {name for name, *_ in pt.tagged_parts}
    pt.raw = compress_members((name, constant.get(name, data)) for name, data in members if name not in changing)
    return pt


@dataclass
class RenderInput:
    """What a worker needs to render one document: plain values, cheap to send to another process."""

    values: dict[str, Any]  # the template's values, rich text already as docxtpl RichText
    tables: list[TableData]
    title: str
    subject: str
    author: str
    date: dt.date


def prepare(ctx: DocumentContext) -> RenderInput:
    """The render input of a context (the main process makes it; a worker renders it)."""
    return RenderInput(
        template_values({**ctx.values, "national": NATIONAL}),
        [b.table for b in [*ctx.blocks, *appendix_blocks(ctx)] if b.table is not None],
        ctx.title,
        str(ctx.values["type_name"]),
        ctx.issuer.full_name or ctx.issuer.name,
        ctx.document.date or dt.date(ctx.document.plan_year, 1, 1),
    )


def appendix_blocks(ctx: DocumentContext) -> list[Block]:
    """The blocks of the phụ lục, in order: their tables follow the body's in the document."""
    return [b for appendix in ctx.appendices for b in appendix.blocks]


def render(ctx: DocumentContext, template: Path) -> bytes:
    """Render `ctx` through `template` into .docx bytes (the same bytes for the same input)."""
    return render_input(prepare(ctx), template)


def render_input(inp: RenderInput, template: Path) -> bytes:
    """Render a prepared input through `template`; template faults become TemplateError naming it."""
    pt = prepared(str(template), template.stat().st_mtime_ns)
    values = inp.values
    env = jinja_env()
    try:
        body_xml = pt.tpl.render_source(pt.body_source, pt.tpl.docx._part, values, env)
        parts = {
            name: pt.tpl.render_source(source, part, values, env).encode(encoding)
            for name, source, part, encoding in pt.tagged_parts
        }
    except ExpressionLimit as exc:
        raise TemplateError(_("mẫu {template}: {what}", template=template.name, what=exc)) from None
    except RecursionError:
        raise TemplateError(
            _(
                "mẫu {template}: {what}",
                template=template.name,
                what=_("biểu thức gọi lồng nhau quá sâu (macro đệ quy?)"),
            )
        ) from None
    except jinja2.UndefinedError as exc:
        if "unsafe" in (exc.message or ""):  # the sandbox hides Python internals as "undefined"
            raise TemplateError(
                _(
                    "mẫu {template}: thao tác không được phép trong sandbox: {what}",
                    template=template.name,
                    what=exc.message,
                )
            ) from None
        raise TemplateError(
            _("mẫu {template}: biến không xác định: {what}", template=template.name, what=exc.message)
        ) from None
    except SecurityError as exc:
        raise TemplateError(
            _("mẫu {template}: thao tác không được phép trong sandbox: {what}", template=template.name, what=exc)
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        around = " ".join(getattr(exc, "docx_context", []) or [])
        raise TemplateError(
            _(
                "mẫu {template}: lỗi cú pháp: {what}; quanh: {around}",
                template=template.name,
                what=exc.message,
                around=around.strip()[:200],
            )
        ) from None
    body = pt.tpl.fix_tables(body_xml)
    pt.tpl.docx_ids_index = 1000  # drawing ids numbered alike in every document
    pt.tpl.fix_docpr_ids(body)
    wrap_names(body, pt)
    size_rules(body, pt)
    shape_tables(body, inp.tables, pt)
    replaced = {
        "word/document.xml": (pt.document_head + etree.tostring(body, encoding="unicode") + pt.document_tail).encode(),
        "docProps/core.xml": core_properties(inp),
        **parts,
    }
    return zip_members([(name, replaced.get(name)) for name, _data in pt.members], pt.raw)


# -- layout computed from the text -----------------------------------------------------------------


def _text(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def _first_run(p: Any) -> Any | None:
    return next((r for r in p.iter(qn("w:r")) if any((t.text or "").strip() for t in r.iter(qn("w:t")))), None)


_WIDTHS: weakref.WeakKeyDictionary[Styles, dict[tuple, float]] = weakref.WeakKeyDictionary()


def _width_of(p: Any, styles: Styles) -> float:
    """The printed width of a paragraph's text (in its first run's font), remembered per styles,
    paragraph style, run formatting and text: a batch sizes the same few texts again and again."""
    run = _first_run(p)
    text = _text(p).strip()
    ps = p.find(qn("w:pPr") + "/" + qn("w:pStyle"))
    rpr = run.find(qn("w:rPr")) if run is not None else None
    key = (ps.get(qn("w:val")) if ps is not None else None, etree.tostring(rpr) if rpr is not None else b"", text)
    cache = _WIDTHS.setdefault(styles, {})
    width = cache.get(key)
    if width is None:
        if len(cache) > 4096:  # a bound for a long-lived process; a batch needs a few hundred
            cache.clear()
        fmt = styles.run_format(p, run)
        width = cache[key] = text_width_mm(text, fmt.size or 14, fmt.bold)
    return width


def _cell_width(tc: Any, pt: PreparedTemplate) -> float:
    width = pt.text_width_mm
    tcw = tc.find(qn("w:tcPr") + "/" + qn("w:tcW"))
    if tcw is not None and tcw.get(qn("w:type")) in ("dxa", None) and tcw.get(qn("w:w")):
        width = int(tcw.get(qn("w:w"))) / TWIPS_PER_MM - 2 * CELL_MARGIN_MM
    return width


def wrap_names(body: Any, pt: PreparedTemplate) -> None:
    """Put an agency or chủ quản name too wide for its header cell over two lines, one paragraph
    each, so that the rule under the name is sized from the longest line (and lint reads the same)."""
    wanted = {pt.styles.style_id(n) for n in NAME_STYLES} - {None}
    header = body.find(qn("w:tbl"))  # the header table comes first; no other table holds names
    if header is None:
        return
    for tc in header.iter(qn("w:tc")):  # its cells
        avail = _cell_width(tc, pt)
        for p in [c for c in tc if c.tag == qn("w:p")]:
            ps = p.find(qn("w:pPr") + "/" + qn("w:pStyle"))
            if ps is None or ps.get(qn("w:val")) not in wanted or not _text(p).strip():
                continue
            size, bold = _name_format(p, pt)
            lines = wrap_name(_text(p).strip(), avail, functools.partial(_measure, size=size, bold=bold))
            for line in reversed(lines[1:]):
                copy = copy_element(p)
                _set_text(copy, line)
                p.addnext(copy)
            if len(lines) > 1:
                _set_text(p, lines[0])


_NAME_FORMATS: dict[tuple[int, str, bytes], tuple[float, bool]] = {}


def _name_format(p: Any, pt: PreparedTemplate) -> tuple[float, bool]:
    """Size and boldness of a header name, resolved once per template, style and run format (every
    document of a batch places its names in the same runs)."""
    run = _first_run(p)
    rpr = run.find(qn("w:rPr")) if run is not None else None
    ps = p.find(qn("w:pPr") + "/" + qn("w:pStyle"))
    key = (id(pt), ps.get(qn("w:val")) if ps is not None else "", etree.tostring(rpr) if rpr is not None else b"")
    found = _NAME_FORMATS.get(key)
    if found is None:
        fmt = pt.styles.run_format(p, run)
        found = _NAME_FORMATS[key] = (fmt.size or 14, bool(fmt.bold))
    return found


def _measure(text: str, size: float, bold: bool) -> float:
    return text_width_mm(text, size, bold)


def _set_text(p: Any, text: str) -> None:
    """Make `text` the paragraph's only text, in its first text run's format."""
    texts = list(p.iter(qn("w:t")))
    for t in texts[1:]:
        t.text = ""
    texts[0].text = text


def size_rules(body: Any, pt: PreparedTemplate) -> None:
    """Set each rule line's length from the text above it (ND30: the agency name's rule 1/3-1/2 of
    the name, the tiêu ngữ's as long as the tiêu ngữ, the trích yếu's 1/3-1/2 of it), and the
    DỰ THẢO box to its text. Only the few paragraphs in a rule or box style are visited, each in
    its container (the body or a table cell), and widths are remembered (see _width_of)."""
    styles = pt.styles
    wanted = {styles.style_id(n) for n in (*RULE_STYLES, *BOX_STYLES)} - {None}
    w_p, w_ppr, w_tc, w_val = qn("w:p"), qn("w:pPr"), qn("w:tc"), qn("w:val")
    for ps in body.iter(qn("w:pStyle")):
        if ps.get(w_val) not in wanted:
            continue
        ppr = ps.getparent()
        p = ppr.getparent() if ppr.tag == w_ppr else None
        if p is None or p.tag != w_p or p.find(w_ppr + "/" + qn("w:pStyle")) is not ps:
            continue
        container = p.getparent()
        if container is body:
            avail = pt.text_width_mm
        elif container is not None and container.tag == w_tc:
            avail = _cell_width(container, pt)
        else:
            continue
        style_name = styles.style_name(p) or ""
        if style_name in BOX_STYLES and _text(p).strip():
            _set_indent(p, max((avail - _width_of(p, styles) - 2 * BOX_PADDING_MM) / 2, 0))
            continue
        share = RULE_STYLES.get(style_name)
        if share is None:
            continue
        # The text just above: the nearest paragraphs with text that share one style.
        group: list[Any] = []
        name = None
        for q in p.itersiblings(w_p, preceding=True):
            if not _text(q).strip():
                continue
            q_name = styles.style_name(q)
            if group and q_name != name:
                break
            name = q_name
            group.append(q)
        if not group:
            continue
        length = min(max(_width_of(q, styles) for q in group), avail) * share
        _set_indent(p, max((avail - length) / 2, 0))


def shape_tables(body: Any, tables: list[TableData], pt: PreparedTemplate) -> None:
    """Give each data table (style "VB Data Table", in body order) its column widths, alignment
    and bold rows."""
    if not tables:
        return
    data_style = pt.styles.style_id("VB Data Table")
    placed = [t for t in body.iter(qn("w:tbl")) if _table_style(t) == data_style]
    for tbl, data in zip(placed, tables, strict=False):
        total = sum(data.widths) or 1.0
        widths = [round(pt.text_width_mm * w / total * TWIPS_PER_MM) for w in data.widths]
        for col, w in zip(tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol")), widths, strict=False):
            col.set(qn("w:w"), str(w))
        for r, tr in enumerate(tbl.findall(qn("w:tr"))):
            for c, tc in enumerate(tr.findall(qn("w:tc"))[: len(widths)]):
                tcw = _child(_child(tc, "w:tcPr", first=True), "w:tcW")
                tcw.set(qn("w:w"), str(widths[c]))
                tcw.set(qn("w:type"), "dxa")
                if r == 0:
                    continue
                for p in tc.findall(qn("w:p")):
                    if data.aligns[c] != "left":  # figures line up on the right, STT in the middle
                        _child(_child(p, "w:pPr", first=True), "w:jc").set(qn("w:val"), data.aligns[c])
                    if r - 1 in data.bold_rows:
                        for run in p.iter(qn("w:r")):
                            _child(_child(run, "w:rPr", first=True), "w:b")


def _child(parent: Any, tag: str, *, first: bool = False) -> Any:
    """`parent`'s child `tag`, made when missing (first in order for the *Pr elements)."""
    el = parent.find(qn(tag))
    if el is None:
        el = etree.Element(qn(tag))
        if first:
            parent.insert(0, el)
        else:
            parent.append(el)
    return el


def _table_style(tbl: Any) -> str | None:
    ts = tbl.find(qn("w:tblPr") + "/" + qn("w:tblStyle"))
    return ts.get(qn("w:val")) if ts is not None else None


def _set_indent(p: Any, side_mm: float) -> None:
    """Indent a paragraph by `side_mm` on both sides (centres a rule or a box of that width)."""
    ind = _child(_child(p, "w:pPr", first=True), "w:ind")
    ind.set(qn("w:left"), str(round(side_mm * TWIPS_PER_MM)))
    ind.set(qn("w:right"), str(round(side_mm * TWIPS_PER_MM)))


# -- properties ----------------------------------------------------------------------------------

_CORE_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}


def core_properties(inp: RenderInput) -> bytes:
    """docProps/core.xml from the data (title, agency, the document's date), never the clock, so
    that a rebuild gives the same bytes."""
    stamp = f"{inp.date.isoformat()}T00:00:00Z"
    root = etree.Element(f"{{{_CORE_NS['cp']}}}coreProperties", nsmap=_CORE_NS)

    def add(ns: str, tag: str, text: str, w3cdtf: bool = False) -> None:
        el = etree.SubElement(root, f"{{{_CORE_NS[ns]}}}{tag}")
        el.text = text
        if w3cdtf:
            el.set(f"{{{_CORE_NS['xsi']}}}type", "dcterms:W3CDTF")

    add("dc", "title", inp.title)
    add("dc", "subject", inp.subject)
    add("dc", "creator", inp.author)
    add("cp", "lastModifiedBy", "vbgen")
    add("cp", "revision", "1")
    add("dcterms", "created", stamp, w3cdtf=True)
    add("dcterms", "modified", stamp, w3cdtf=True)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
