"""Issue 7: property-based tests: arbitrary text in the data reads back from the .docx the same,
after the documented rules (NFC; characters XML cannot hold removed; a newline starts a paragraph;
titles on one line; the body ends "./.")."""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import tempfile
import unicodedata
from pathlib import Path

from docx import Document
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from generator.build import derive
from generator.data.load import LoadedDocument, load
from generator.data.model import Body
from generator.data.model import Document as PlanDocument
from generator.data.yamlsource import Source, clean_text
from generator.nd30.text import one_line, paragraphs
from generator.word.render import render, template_path

from .helpers import FIXTURES, iter_paragraphs

EXAMPLES = int(os.environ.get("VBGEN_PROPERTY_EXAMPLES", "1000"))  # per property: 2,000 in all
FOLDER = Path(tempfile.mkdtemp(prefix="vbgen-prop-"))
for f in (FIXTURES / "ubnd-tinh").glob("*.yaml"):
    shutil.copy(f, FOLDER / f.name)

# Text for fields that take {{ variables }} and emphasis marks: anything but those characters, and
# but U+0085, U+2028, U+2029, which YAML writers fold into spaces (ruamel's too): YAML cannot carry
# them inside a value, so no data file can.
NOT_IN_YAML = "\x85\u2028\u2029"
free_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="{}*_%#" + NOT_IN_YAML), min_size=1, max_size=40
)
# A value inserted by a variable: anything on one line, template and markup characters included.
value_text = st.text(
    st.characters(blacklist_categories=("Cs", "Zl", "Zp", "Cc"), blacklist_characters=NOT_IN_YAML),
    min_size=1,
    max_size=40,
)


def clean(text: str) -> str:
    return clean_text(text)[0].strip()


shutil.copy(FIXTURES / "ubnd-tinh" / "ke-hoach.yaml", FOLDER / "ke-hoach.yaml")
CORPUS = load([FOLDER])  # loaded once; each example swaps in its own plan (and issuer)
YAML_OUT = YAML()
YAML_OUT.width = 10_000


def read_back(plan: dict, issuer_update: dict | None = None) -> list[str]:
    """Dump the plan to YAML, read it back the way the loader does, build and render it."""
    path = FOLDER / "example.yaml"
    path.write_text(_dump(YAML_OUT, {"plan": plan}), encoding="utf-8")
    source = Source.load(path)
    loaded = LoadedDocument(PlanDocument.model_validate(source.plain()["plan"]), source, ("plan",))
    loaded.document.id = "example"
    bodies = dict(CORPUS.bodies)
    if issuer_update:
        bodies["ubnd-tinh-tay-ninh"] = bodies["ubnd-tinh-tay-ninh"].model_copy(
            update={k: Body.model_validate({"name": "x", k: v}).__dict__[k] for k, v in issuer_update.items()}
        )
    corpus = dataclasses.replace(
        CORPUS, bodies=bodies, references=dict(CORPUS.references), documents=[loaded],
        all_documents={"example": loaded}, warnings=[],
    )  # fmt: skip
    [job] = derive(corpus)
    doc = Document(io.BytesIO(render(job.context, template_path(job.template))))
    return [p.text for p in iter_paragraphs(doc)]


def _dump(yaml: YAML, data: dict) -> str:
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def base_plan(**texts: object) -> dict:
    return {
        "type": "KH", "number": 7, "date": "2024-01-09", "issuer": "ubnd-tinh-tay-ninh",
        "title": texts.get("title", "Tiêu đề"), "drafted_by": "vp", "signer": {"authority": "deputy"},
        "opening": texts.get("opening", "Mở đầu"),
        "sections": [{"title": "Nội dung", "paragraphs": [texts.get("paragraph", "Đoạn")],
                      "bullets": [texts.get("bullet", "Ý")]}],
        "closing": texts.get("closing", "Kết"),
        "recipients": {"report": ["ban-dan-van-tinh-uy"]},
    }  # fmt: skip


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(title=free_text, opening=free_text, paragraph=free_text, bullet=free_text, closing=free_text)
def test_text_fields_read_back_the_same(title: str, opening: str, paragraph: str, bullet: str, closing: str) -> None:
    cleaned = {k: clean(v) for k, v in locals().items()}
    assume(all(v.strip() for v in cleaned.values()))
    got = read_back(base_plan(title=title, opening=opening, paragraph=paragraph, bullet=bullet, closing=closing))
    assert one_line(cleaned["title"]) in got
    for para in paragraphs(cleaned["opening"]) + paragraphs(cleaned["paragraph"]):
        assert para in got, (para, got)
    for line in paragraphs(cleaned["bullet"]):  # each line of a bullet is a "- " line of its own
        assert "- " + line in got, (line, got)
    closing_paras = paragraphs(cleaned["closing"])
    last = closing_paras[-1]
    expected_last = last if last.endswith("./.") else last.rstrip(" .;,") + "./."
    assert expected_last in got, (expected_last, got)
    assert all(unicodedata.is_normalized("NFC", line) for line in got)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(name=value_text)
def test_body_names_are_values_never_templates(name: str) -> None:
    cleaned = " ".join(clean(name).split())
    assume(cleaned)
    plan = base_plan(opening="{{ issuer.full_name }} ban hành Kế hoạch.")
    got = read_back(plan, {"full_name": cleaned, "header": [cleaned]})  # validated like data
    assert f"{cleaned} ban hành Kế hoạch." in got  # verbatim: no emphasis, no template, & < > kept
    assert cleaned.upper() in " ".join(got)  # the header line(s): a name too wide for its cell wraps
