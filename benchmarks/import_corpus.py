"""Fidelity of `vbgen import`: every Kế hoạch and Báo cáo of the shared corpus, imported and rebuilt.

For each document whose tên loại (as the anatomy finds it) is KẾ HOẠCH or BÁO CÁO: import it
(no data root: every body is new), build the imported folder, and compare the rebuilt text with the
source's (word similarity as tests/test_reference_plan.py measures it), the lines of the header,
Số, date, tên loại, trích yếu, signature and Nơi nhận (exact), and `vbgen lint` errors of the
rebuilt file. Prints one row per document and the distribution; the corpus text is not stored.

    python benchmarks/import_corpus.py [--corpus ../shared/corpus/real-docx] [--json]
"""

from __future__ import annotations

import argparse
import difflib
import json
import statistics
import sys
import tempfile
import unicodedata
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.build import build  # noqa: E402
from generator.errors import VbgenError  # noqa: E402
from generator.importer.api import import_documents  # noqa: E402
from generator.importer.reader import signature_block  # noqa: E402
from generator.lint import lint_file  # noqa: E402
from generator.lint.anatomy import analyse  # noqa: E402
from generator.nd30.numbering import parse_type_name  # noqa: E402
from tests.helpers import lines  # noqa: E402

# Beside the checkout (../shared), or beside the folder of worktrees.
CORPUS = next(
    (
        p / "shared" / "corpus" / "real-docx"
        for p in (REPO.parent, REPO.parent.parent)
        if (p / "shared" / "corpus" / "real-docx").is_dir()
    ),
    REPO.parent / "shared" / "corpus" / "real-docx",
)
KINDS = {"KẾ HOẠCH": "KH", "BÁO CÁO": "BC"}


def words(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).split()


def similarity(a: list[str], b: list[str]) -> float:
    return difflib.SequenceMatcher(a=words("\n".join(a)), b=words("\n".join(b)), autojunk=False).ratio()


def parts(path: Path) -> dict[str, list[str]]:
    """The lines that must come back exactly, by part (whitespace collapsed)."""
    a = analyse(Document(str(path)))
    sig = signature_block(a)

    def texts(ls) -> list[str]:
        return [" ".join(unicodedata.normalize("NFC", x).split()) for ln in ls for x in ln.paragraph.text.split("\n")
                if x.strip()]  # fmt: skip

    return {
        "header": texts([*a.parent, *a.agency]),
        "number": texts([a.number] if a.number else []),
        "date": texts([a.date] if a.date else []),
        "type": texts([a.title] if a.title else []),
        "summary": [t for t in [" ".join(" ".join(texts(a.summary)).split())] if t],
        "signature": [" ".join(unicodedata.normalize("NFC", t).split()) for t in sig.authority],
        "recipients": [" ".join(unicodedata.normalize("NFC", t).split()) for t in sig.recipients],
    }


def main_lines(path: Path) -> list[str]:
    """The document's lines up to its signature block: without an appendix after it."""
    doc = Document(str(path))
    sig = signature_block(analyse(doc)).table
    out: list[str] = []
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            out += [Paragraph(child, doc).text.strip()]
        elif child.tag == qn("w:tbl"):
            out += [p.text.strip() for row in Table(child, doc).rows for c in row.cells for p in c.paragraphs]
            if sig is not None and child is sig._tbl:
                break
    return [t for t in out if t]


def measure(path: Path) -> dict:
    row: dict = {"file": path.name}
    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "data", Path(tmp) / "out"
        try:
            report = import_documents([path], data)
            result = build([data], out)
        except VbgenError as exc:
            row["error"] = str(exc).splitlines()[0][:200]
            return row
        built = sorted(out.glob("*.docx"))
        if not built:
            row["error"] = "; ".join(str(e) for _j, e in result.failed)[:200] or "nothing built"
            return row
        rebuilt = built[0]
        src, got = lines(path), lines(rebuilt)
        row["similarity"] = round(similarity(src, got), 4)
        row["main_similarity"] = round(similarity(main_lines(path), main_lines(rebuilt)), 4)
        row["words"] = len(words("\n".join(src)))
        want, have = parts(path), parts(rebuilt)
        missing = {k: [w for w in v if w not in have[k]] for k, v in want.items()}
        row["inexact"] = {k: v for k, v in missing.items() if v}
        row["lint_errors"] = sorted({f.rule for f in lint_file(rebuilt) if f.severity == "error"})
        row["review"] = len(report.documents[0].review)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--all", action="store_true", help="every document with a Phụ lục III tên loại, not only KH/BC")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"corpus not found: {args.corpus}")
    rows = []
    for path in sorted(args.corpus.glob("*.docx")):
        try:
            a = analyse(Document(str(path)))
        except Exception:
            continue
        name = " ".join(unicodedata.normalize("NFC", a.title.text).split()) if a.title else ""
        kind = KINDS.get(name) or (parse_type_name(name) if args.all and name else None)
        if kind:
            rows.append({"kind": kind, **measure(path)})
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        if "error" in r:
            print(f"{r['file']} {r['kind']}  ERROR {r['error']}")
            continue
        inexact = ",".join(f"{k}:{len(v)}" for k, v in r["inexact"].items()) or "-"
        print(f"{r['file']} {r['kind']}  sim {r['similarity']:.4f} (main part {r['main_similarity']:.4f})  words {r['words']:5d}  inexact {inexact}"
              f"  lint {','.join(r['lint_errors']) or '-'}  review {r['review']}")  # fmt: skip
    sims = [r["similarity"] for r in rows if "similarity" in r]
    if sims:
        print(f"\n{len(rows)} documents, {len(sims)} rebuilt; similarity min {min(sims):.4f} median "
              f"{statistics.median(sims):.4f} mean {statistics.mean(sims):.4f}; >= 0.97: "
              f"{sum(s >= 0.97 for s in sims)}")  # fmt: skip


if __name__ == "__main__":
    main()
