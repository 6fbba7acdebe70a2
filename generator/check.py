"""`vbgen check`: every template rendered with every data file, in memory and strictly."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx import Document
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import nodes
from lxml import etree

from generator.build import derive, load_all, template_for
from generator.errors import TemplateError, VbgenError
from generator.family.context import to_json
from generator.i18n import _
from generator.word.package import read_package
from generator.word.render import NATIONAL, jinja_env, render, template_dir

TEMPLATES = ("kehoach.docx", "baocao.docx")
TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
OPEN_RE = re.compile(r"\{\{|\{%|\{#")
LEFTOVER_RE = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
CURLY = "“”‘’"
JINJA_GLOBALS = {"loop", "range", "dict", "lipsum", "cycler", "joiner", "namespace", "true", "false", "none"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong, with the data file and template it concerns."""

    # file | syntax | split-tag | curly-quotes | unclosed-tag | undefined | leftover-tag | invalid-docx | schema | data
    kind: str
    template: str | None
    message: str
    data: str | None = None
    where: str | None = None

    def __str__(self) -> str:
        parts = [p for p in (self.data, self.template) if p]
        head = " · ".join(parts)
        where = f" ({self.where})" if self.where else ""
        return f"{head}: [{self.kind}] {self.message}{where}" if head else f"[{self.kind}] {self.message}{where}"


def _package(path: Path) -> bytes:
    """A template's bytes, through the safe reader (a regular file, within the limits, no bomb)."""
    return read_package(path, "template_file_bytes", error=TemplateError)


def _parts(path: Path) -> Iterator[tuple[str, bytes]]:
    """The XML parts of a .docx that docxtpl renders: the body, headers and footers."""
    with zipfile.ZipFile(io.BytesIO(_package(path))) as z:
        for name in z.namelist():
            if re.match(r"word/(document|header\d*|footer\d*)\.xml$", name):
                yield name, z.read(name)


def static_problems(template: Path) -> list[Problem]:
    """Tags split across runs, curly quotes and unclosed tags, by paragraph, in the template XML."""
    problems: list[Problem] = []
    for part, xml in _parts(template):
        root = etree.fromstring(xml)
        for n, p in enumerate(root.iter(qn("w:p")), start=1):
            pieces: list[tuple[int, str]] = []
            for r_index, r in enumerate(p.iter(qn("w:r"))):
                for t in r.iter(qn("w:t")):
                    pieces.append((r_index, t.text or ""))
            text = "".join(s for _, s in pieces)
            if not OPEN_RE.search(text) and "}}" not in text and "%}" not in text:
                continue
            owner: list[int] = [r for r, s in pieces for _ in s]
            where = _("{part}, đoạn {n}: “{text}”", part=part, n=n, text=text.strip()[:60])
            covered = set()
            for m in TAG_RE.finditer(text):
                covered.update(range(m.start(), m.end()))
                runs = set(owner[m.start() : m.end()])
                if len(runs) > 1:
                    problems.append(Problem(
                        "split-tag", template.name,
                        _('thẻ {v!r} bị Word tách qua {v2} đoạn chữ (run); gõ lại thẻ liền một lần', v=m.group(0), v2=len(runs)),
                        where=where,
                    ))  # fmt: skip
                if any(c in m.group(0) for c in CURLY):
                    problems.append(Problem(
                        "curly-quotes", template.name,
                        _('thẻ {v!r} có dấu nháy cong của Word; dùng nháy thẳng \' hoặc "', v=m.group(0)), where=where,
                    ))  # fmt: skip
            for m in OPEN_RE.finditer(text):
                if m.start() not in covered:
                    problems.append(
                        Problem("unclosed-tag", template.name, _("thẻ mở {v!r} không đóng", v=m.group(0)), where=where)
                    )
    return problems


def _patched_sources(template: Path) -> list[tuple[str, str]]:
    """The Jinja source docxtpl compiles for each part (after its own tag clean-up)."""
    tpl = DocxTemplate(io.BytesIO(_package(template)))
    tpl.init_docx()
    out = [("word/document.xml", tpl.patch_xml(tpl.get_xml()))]
    for rel in tpl.docx._part.rels.values():
        if rel.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI):
            out.append((rel.target_part.partname.lstrip("/"), tpl.patch_xml(tpl.get_part_xml(rel.target_part))))
    return out


def syntax_problems(template: Path) -> list[Problem]:
    problems = []
    for part, source in _patched_sources(template):
        try:
            jinja_env().compile(source)  # compiled, not only parsed: {% include %} and the like are refused then
        except jinja2.TemplateSyntaxError as exc:
            lines = source.splitlines()
            around = " ".join(re.sub(r"<[^>]+>", "", ln) for ln in lines[max(exc.lineno - 2, 0) : exc.lineno + 1])
            problems.append(Problem(
                "syntax", template.name, _('lỗi cú pháp: {message}', message=exc.message), where=f"{part}; quanh: “{around.strip()[:120]}”"
            ))  # fmt: skip
    return problems


def used_paths(template: Path) -> set[str]:
    """Dotted paths the template reads: `header.number_line`, `body[].kind` (loop items as [])."""
    paths: set[str] = set()
    for _part, source in _patched_sources(template):
        try:
            ast = jinja_env().parse(source)
        except jinja2.TemplateSyntaxError:
            continue
        loops: dict[str, str] = {}
        for loop in ast.find_all(nodes.For):
            if isinstance(loop.target, nodes.Name):
                base = _path(loop.iter, loops)
                if base:
                    loops[loop.target.name] = base + "[]"
        for node in ast.find_all((nodes.Getattr, nodes.Name)):
            path = _path(node, loops)
            if path:
                paths.add(path)
    return {p for p in paths if p.split(".")[0].split("[")[0] not in JINJA_GLOBALS}


def _path(node: Any, loops: dict[str, str]) -> str | None:
    if isinstance(node, nodes.Name):
        return loops.get(node.name, node.name)
    if isinstance(node, nodes.Getattr):
        base = _path(node.node, loops)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        base = _path(node.node, loops)
        return f"{base}.{node.arg.value}" if base else None
    return None


def context_paths(value: Any, prefix: str = "") -> Iterator[str]:
    """Every dotted path a JSON-able context defines."""
    if prefix:
        yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from context_paths(v, f"{prefix}.{k}" if prefix else k)
    elif isinstance(value, list):
        for item in value:
            yield from context_paths(item, f"{prefix}[]")


def static_paths() -> set[str]:
    """Paths every context may define, whether or not the current data uses them (a table block)."""
    from generator.data.tables import TableData
    from generator.family.context import AppendixBlocks, Block
    from generator.nd30.text import Rich

    sample = Block("table", Rich.plain("x"), "I", TableData("t", ["h"], [["c"]], [1.0], ["left"], [0]))
    appendix = AppendixBlocks(Rich.plain("x"), [Rich.plain("x")], [Rich.plain("x")], [sample])
    return set(context_paths({"body": [to_json(sample)], "appendices": [to_json(appendix)]}))


def leftover_tags(data: bytes) -> list[str]:
    """Template tags still present in a rendered document's text."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if re.match(r"word/(document|header\d*|footer\d*)\.xml$", name):
                text = "".join(etree.fromstring(z.read(name)).itertext())
                for m in LEFTOVER_RE.finditer(text):
                    found.append(f"{name}: “…{text[max(m.start() - 25, 0) : m.end() + 25]}…”")
    return found


def check(paths: Iterable[Path | str], template_folder: Path | None = None) -> list[Problem]:
    """Every problem found rendering the templates with the data at `paths`."""
    folder = template_folder or template_dir()
    # Whatever is there under a template's name is checked: a FIFO or a folder is reported, not skipped.
    templates = {name: folder / name for name in TEMPLATES if (folder / name).exists()}
    problems: list[Problem] = []
    broken: set[str] = set()
    for name, path in templates.items():
        try:
            found = static_problems(path) + syntax_problems(path)
        except VbgenError as exc:  # not a regular file, too large, a zip bomb, not a zip
            problems.append(Problem("file", name, exc.message, where=str(path)))
            broken.add(name)
            continue
        problems += found
        if any(p.kind == "syntax" for p in found):
            broken.add(name)
    try:
        jobs = derive(load_all(paths))
    except VbgenError as exc:
        return [*problems, *(Problem("data", None, line) for line in str(exc).splitlines())]
    defined: dict[str, set[str]] = {}  # per template some data used: the paths its contexts define
    for job in jobs:
        name = template_for(job.loaded.document.type)
        if name not in templates or name in broken:
            continue
        data_file = str(job.loaded.source.path)
        values = to_json({**job.context.values, "national": NATIONAL})
        defined.setdefault(name, static_paths()).update(context_paths(values))
        try:
            data = render(job.context, templates[name])
        except VbgenError as exc:
            problems.append(Problem("undefined", name, exc.message, data=data_file))
            continue
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                bad = z.testzip()
            if bad:
                raise ValueError(_("phần {part} hỏng", part=bad))
            Document(io.BytesIO(data))
        except Exception as exc:  # anything that stops Word opening it
            problems.append(
                Problem("invalid-docx", name, _("kết quả không phải .docx hợp lệ: {exc}", exc=exc), data=data_file)
            )
            continue
        for where in leftover_tags(data):
            problems.append(
                Problem("leftover-tag", name, _("thẻ mẫu còn lại trong văn bản"), data=data_file, where=where)
            )
    for name, paths_defined in defined.items():
        for path in sorted(used_paths(templates[name]) - paths_defined):
            problems.append(
                Problem("schema", name, _("mẫu dùng biến '{path}' mà ngữ cảnh không có (xem vbgen context)", path=path))
            )
    return problems


@dataclass(frozen=True)
class Fact:
    """A fact of the catalogue or the data marked `verified: false`: to check against its source."""

    kind: str  # reference | body
    id: str
    place: object
    note: str | None
    used: int  # how many documents of the data cite it (references)

    def __str__(self) -> str:
        if self.kind == "reference":
            text = _("căn cứ '{id}' chưa được xác minh ({count} văn bản dẫn)", id=self.id, count=self.used)
        else:
            text = _("cơ quan '{id}' chưa được xác minh", id=self.id)
        return f"{self.place}: {text}" + (f": {self.note}" if self.note else "")


def facts(paths: Iterable[Path | str]) -> list[Fact]:
    """Every fact marked `verified: false` in the catalogue and the data at `paths`, each once,
    with how many of the data's documents cite it (`vbgen check --facts`)."""
    corpus = load_all(paths)
    used: dict[str, int] = {}
    for job in derive(corpus, warnings=[]):
        for ref_id in job.context.unverified:
            used[ref_id] = used.get(ref_id, 0) + 1
    out = [
        Fact("reference", ref_id, corpus.places.get(("references", ref_id)), ref.note, used.get(ref_id, 0))
        for ref_id, ref in corpus.references.items()
        if not ref.verified and ("references", ref_id) in corpus.places
    ]
    out += [
        Fact("body", body_id, corpus.places.get(("bodies", body_id)), body.note, 0)
        for body_id, body in corpus.bodies.items()
        if not body.verified
    ]
    return sorted(out, key=lambda f: (f.kind != "reference", -f.used, f.id))
