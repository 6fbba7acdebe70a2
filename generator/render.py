"""Rendering a context through a docxtpl template, in a Jinja sandbox, into a python-docx document."""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docxtpl import DocxTemplate, RichText
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from .context import Block, DocumentContext
from .docxfmt import TWIPS_PER_MM, Styles, container_width_mm, text_width_mm
from .errors import TemplateError
from .tables import TableData
from .text import Rich

NATIONAL = {"name": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "motto": "Độc lập - Tự do - Hạnh phúc"}
RULE_STYLES = {"VB Rule Short": 0.4, "VB Rule Full": 1.0}  # line length as a share of the text above
ALIGN = {"left": 0, "center": 1, "right": 2}  # WD_ALIGN_PARAGRAPH values
BOX_STYLES = {"VB Draft"}  # boxed paragraphs: the box hugs the text
BOX_PADDING_MM = 3.0


def template_dir() -> Path:
    """The bundled templates: generator/templates/ once installed, templates/ in a checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "templates"
    return installed if installed.is_dir() else here.parent / "templates"


def template_path(name: str, folder: Path | None = None) -> Path:
    path = (folder or template_dir()) / name
    if not path.is_file():
        raise TemplateError(f"không tìm thấy mẫu '{name}' trong {folder or template_dir()}")
    return path


@functools.lru_cache(maxsize=1)
def jinja_env() -> jinja2.Environment:
    """The sandbox every template renders in: strict about undefined names, escaping every value."""
    from .dates import long_date, short_date
    from .figures import vn_number

    env = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters["long_date"] = long_date
    env.filters["short_date"] = short_date
    env.filters["number"] = vn_number
    return env


def rich_text(value: Rich) -> RichText:
    rt = RichText()
    for run in value.runs:
        rt.add(run.text, bold=run.bold, italic=run.italic)
    return rt


def template_values(values: Any) -> Any:
    """The context with rich texts as docxtpl RichText (which escapes its text)."""
    if isinstance(value := values, Rich):
        return rich_text(value)
    if isinstance(value, Block):
        table = value.table.to_json() if value.table is not None else None
        return {"kind": value.kind, "id": value.id, "text": rich_text(value.text), "table": table}
    if isinstance(value, dict):
        return {k: template_values(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [template_values(v) for v in value]
    return value


@dataclass
class Rendered:
    """A rendered document before it is written."""

    docx: DocxDocument

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        self.docx.save(buf)
        return buf.getvalue()


def render(ctx: DocumentContext, template: Path) -> Rendered:
    """Render `ctx` through `template`; template faults become TemplateError naming the template."""
    tpl = DocxTemplate(str(template))
    values = template_values({**ctx.values, "national": NATIONAL})
    try:
        tpl.render(values, jinja_env=jinja_env(), autoescape=True)
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"mẫu {template.name}: biến không xác định: {exc.message}") from None
    except SecurityError as exc:
        raise TemplateError(f"mẫu {template.name}: thao tác không được phép trong sandbox: {exc}") from None
    except jinja2.TemplateSyntaxError as exc:
        around = " ".join(getattr(exc, "docx_context", []) or [])
        raise TemplateError(f"mẫu {template.name}: lỗi cú pháp: {exc.message}; quanh: {around.strip()[:200]}") from None
    doc = tpl.docx
    size_rules(doc)
    shape_tables(doc, [b.table for b in ctx.blocks if b.table is not None])
    set_properties(doc, ctx)
    return Rendered(doc)


def _containers(doc: DocxDocument) -> list[Any]:
    out: list[Any] = [doc]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                out.append(cell)
    return out


def size_rules(doc: DocxDocument) -> None:
    """Set each rule line's length from the text above it (ND30: the agency name's rule 1/3-1/2 of
    the name, the tiêu ngữ's as long as the tiêu ngữ, the trích yếu's 1/3-1/2 of it)."""
    styles = Styles(doc)
    for container in _containers(doc):
        paragraphs = container.paragraphs
        for i, p in enumerate(paragraphs):
            style_name = styles.style_name(p) or ""
            if style_name in BOX_STYLES and p.text.strip():
                fmt = styles.run_format(p, p.runs[0] if p.runs else None)
                width = text_width_mm(p.text.strip(), fmt.size or 14, fmt.bold) + 2 * BOX_PADDING_MM
                _set_indent(p, max((container_width_mm(doc, container) - width) / 2, 0))
                continue
            share = RULE_STYLES.get(style_name)
            if share is None:
                continue
            above = [q for q in paragraphs[:i] if q.text.strip()]
            if not above:
                continue
            name = styles.style_name(above[-1])
            group = []
            for q in reversed(above):
                if styles.style_name(q) != name:
                    break
                group.append(q)
            avail = container_width_mm(doc, container)
            widths = []
            for q in group:
                fmt = styles.run_format(q, q.runs[0] if q.runs else None)
                widths.append(text_width_mm(q.text.strip(), fmt.size or 14, fmt.bold))
            length = min(max(widths), avail) * share
            _set_indent(p, max((avail - length) / 2, 0))


def shape_tables(doc: DocxDocument, tables: list[TableData]) -> None:
    """Give each data table (style "VB Data Table", in body order) its column widths and alignment."""
    styles = Styles(doc)
    data_style = next((sid for sid, el in styles._styles.items() if _style_name(el) == "VB Data Table"), None)
    placed = [t for t in doc.tables if t._tbl.tblPr is not None and _table_style(t) == data_style]
    width_mm = container_width_mm(doc, doc)
    for table, data in zip(placed, tables, strict=False):
        total = sum(data.widths) or 1.0
        widths = [round(width_mm * w / total * TWIPS_PER_MM) for w in data.widths]
        grid = table._tbl.tblGrid
        for col, w in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
            col.set(qn("w:w"), str(w))
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                if c >= len(widths):
                    break
                cell.width = round(widths[c] / TWIPS_PER_MM * 36000)
                if r > 0 and data.aligns[c] != "left":
                    for p in cell.paragraphs:
                        p.alignment = ALIGN[data.aligns[c]]  # figures line up on the right
                if r > 0 and r - 1 in data.bold_rows:
                    for p in cell.paragraphs:
                        for run in p.runs:
                            run.bold = True


def _style_name(el: Any) -> str | None:
    name = el.find(qn("w:name"))
    return name.get(qn("w:val")) if name is not None else None


def _table_style(table: Any) -> str | None:
    ts = table._tbl.tblPr.find(qn("w:tblStyle"))
    return ts.get(qn("w:val")) if ts is not None else None


def _set_indent(p: Any, side_mm: float) -> None:
    """Indent a paragraph by `side_mm` on both sides (centres a rule or a box of that width)."""
    ppr = p._p.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    ind.set(qn("w:left"), str(round(side_mm * TWIPS_PER_MM)))
    ind.set(qn("w:right"), str(round(side_mm * TWIPS_PER_MM)))


def set_properties(doc: DocxDocument, ctx: DocumentContext) -> None:
    """Core properties from the data, so that a rebuild gives the same bytes."""
    when = ctx.document.date or dt.date(ctx.document.plan_year, 1, 1)
    stamp = dt.datetime(when.year, when.month, when.day, tzinfo=dt.timezone.utc)
    props = doc.core_properties
    props.title = ctx.title
    props.subject = ctx.values["type_name"]
    props.author = ctx.issuer.full_name or ctx.issuer.name
    props.last_modified_by = "vbgen"
    props.comments = ""
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
    props.revision = 1
