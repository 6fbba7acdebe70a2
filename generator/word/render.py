"""Rendering a context through a docxtpl template, in a Jinja sandbox, into the bytes of a .docx."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
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
from generator.nd30.text import BoundedSandbox, ExpressionLimit, Rich, bounded_number, refuse_callable
from generator.word import layout
from generator.word.docxfmt import Styles
from generator.word.package import read_package
from generator.word.writer import compress_members, zip_members

NATIONAL = {"name": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "motto": "Độc lập - Tự do - Hạnh phúc"}


@functools.lru_cache(maxsize=1)  # asked for each document of a batch; the install does not move
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
    page: layout.Page  # its styles and text width, for the layout passes
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
    pt = PreparedTemplate(
        tpl, members, document[: m.start()], document[m.end() :], headers, layout.Page(Styles(tpl.docx), width)
    )
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
    body = layout.parse(body_xml)
    layout.lay_out(body, inp.tables, pt.page)
    replaced = {
        "word/document.xml": (pt.document_head + etree.tostring(body, encoding="unicode") + pt.document_tail).encode(),
        "docProps/core.xml": core_properties(inp),
        **parts,
    }
    return zip_members([(name, replaced.get(name)) for name, _data in pt.members], pt.raw)


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
