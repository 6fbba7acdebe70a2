"""Pages of a built document as images (LibreOffice, then poppler), cached by the document's content;
a plain HTML reading of it when LibreOffice is not installed."""

from __future__ import annotations

import html
import io
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from generator.errors import ConversionError
from generator.web.workspace import file_hash
from generator.word.pdf import convert, page_count

RESOLUTION = 60  # dpi of the page images: a readable A4 page in about 500 × 700 px
_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


def available() -> bool:
    """Whether page images can be made here (LibreOffice and pdftoppm are installed)."""
    return bool((shutil.which("soffice") or shutil.which("libreoffice")) and shutil.which("pdftoppm"))


def _lock(key: str) -> threading.Lock:
    with _guard:
        return _locks.setdefault(key, threading.Lock())


def pdf(data: bytes, cache: Path, name: str) -> Path:
    """The PDF of a .docx (cached by its content)."""
    folder = cache / "preview" / file_hash(data)
    target = folder / (Path(name).stem + ".pdf")
    with _lock(str(folder)):
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            source = folder / name
            source.write_bytes(data)
            convert([source], folder)
    return target


def pages(data: bytes, cache: Path, name: str) -> list[Path]:
    """The page images of a .docx, in order (cached by its content: a second call costs nothing)."""
    document = pdf(data, cache, name)
    folder = document.parent
    with _lock(str(folder) + "#png"):
        done = sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1]))
        if done:
            return done
        count = page_count(document)

        # One pdftoppm per page, two at a time: the machine has two cores.
        def render(n: int) -> None:
            subprocess.run(
                ["pdftoppm", "-png", "-r", str(RESOLUTION), "-f", str(n), "-l", str(n), "-singlefile",
                 str(document), str(folder / f"page-{n}")],
                check=True, capture_output=True, timeout=60,
            )  # fmt: skip

        try:
            with ThreadPoolExecutor(max_workers=2) as pool:
                list(pool.map(render, range(1, count + 1)))
        except (subprocess.SubprocessError, OSError) as exc:
            raise ConversionError(str(exc)) from exc
        return [folder / f"page-{n}.png" for n in range(1, count + 1)]


def as_html(data: bytes) -> str:
    """A readable HTML rendering of a .docx: paragraphs with their bold and italic, and tables."""
    doc = Document(io.BytesIO(data))
    out: list[str] = []
    for block in doc.element.body.iterchildren():
        if block.tag == qn("w:p"):
            out.append(_paragraph(block))
        elif block.tag == qn("w:tbl"):
            rows = []
            for tr in block.iter(qn("w:tr")):
                cells = "".join(
                    "<td>" + "".join(_paragraph(p) for p in tc.iter(qn("w:p"))) + "</td>" for tc in tr.iter(qn("w:tc"))
                )
                rows.append(f"<tr>{cells}</tr>")
            out.append("<table class='docx'>" + "".join(rows) + "</table>")
    return "\n".join(out)


def _paragraph(p) -> str:
    parts = []
    for r in p.iter(qn("w:r")):
        text = html.escape("".join(t.text or "" for t in r.iter(qn("w:t"))))
        if not text:
            continue
        rpr = r.find(qn("w:rPr"))
        if rpr is not None and rpr.find(qn("w:b")) is not None:
            text = f"<b>{text}</b>"
        if rpr is not None and rpr.find(qn("w:i")) is not None:
            text = f"<i>{text}</i>"
        parts.append(text)
    ppr = p.find(qn("w:pPr"))
    jc = ppr.find(qn("w:jc")) if ppr is not None else None
    align = jc.get(qn("w:val")) if jc is not None else "left"
    return f"<p class='al-{html.escape(align)}'>{''.join(parts) or '&nbsp;'}</p>"
