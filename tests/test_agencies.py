"""Issue 13: plans of other agencies and other years, written as their offices would write them."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from generator.build import build
from generator.cli import main
from generator.data.load import load
from generator.data.model import Reference, Target, TargetResult
from generator.errors import DataError
from generator.family.derive import in_force
from generator.family.draft import ended, successor
from generator.family.reports import target_status
from generator.lint import lint_file
from generator.lint.anatomy import analyse
from generator.nd30.citations import symbol
from generator.nd30.header import wrap_name
from generator.word.docxfmt import container_width_mm, text_width_mm

from .helpers import DATA, lines


def _data(tmp_path: Path, files: dict[str, str]) -> Path:
    """The bundled data root (directory, references) with these files added, as a user adds them."""
    root = tmp_path / "data"
    root.mkdir()
    for name in ("directory.yaml", "references.yaml"):
        shutil.copy(DATA / name, root / name)
    shutil.copytree(DATA / "tieu-chi", root / "tieu-chi")
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _build(root: Path, out: Path) -> dict[str, Path]:
    result = build([root], out)
    assert result.exit_code == 0, [str(f.error) for f in result.failed]
    return {p.name: p for p in result.written}


# -- 1. targets --------------------------------------------------------------------------------------

VHTTDL_PLAN = """\
plan:
  type: KH
  number: 15
  date: 2025-03-20
  issuer: so-van-hoa-the-thao-du-lich-tay-ninh
  title: Thực hiện công tác dân vận chính quyền năm {{ year }}
  short_name: dân vận chính quyền
  theme: Năm dân vận chính quyền thân thiện, gần dân, vì dân phục vụ
  drafted_by: vp
  signer: {authority: head, name: Nguyễn Văn A}
  deadlines:
    - {id: bao-cao, date: 2025-11-10, what: "Báo cáo kết quả năm {{ year }}", to: ubnd-tinh-tay-ninh}
  opening: >-
    Thực hiện chủ đề “{{ theme }}”, {{ issuer.short }} ban hành Kế hoạch như sau:
  sections:
    - title: Mục đích, yêu cầu
      paragraphs: [Nâng cao chất lượng phục vụ người dân, doanh nghiệp.]
    - title: Chỉ tiêu
      targets:
        - {id: quan-triet, comparison: all, text: "{{ target }} công chức, viên chức được quán triệt."}
        - id: hai-long
          text: Tỷ lệ người dân hài lòng với việc giải quyết thủ tục hành chính đạt {{ target }}.
          value: 95
          unit: "%"
          comparison: more_than
        - {id: dung-han, text: "Hồ sơ giải quyết đúng hạn đạt {{ target }}.", value: 98, unit: "%", comparison: at_least}
        - {id: tre-han, text: "Hồ sơ trễ hạn {{ target }}.", value: 2, unit: "%", comparison: less_than}
        - {id: vuot-cap, text: "Đơn thư vượt cấp {{ target }}.", value: 1, unit: vụ, comparison: at_most}
        - {id: mo-hinh, text: "Xây dựng {{ target }} “Dân vận khéo”.", value: 2, unit: mô hình, comparison: exactly}
    - title: Tổ chức thực hiện
      items: [Văn phòng Sở theo dõi, tổng hợp, báo cáo.]
  closing: Trên đây là Kế hoạch của {{ issuer.short }}
  recipients:
    report: [ubnd-tinh-tay-ninh]
    implement: [all-units]
"""

VHTTDL_RESULTS = """\
results:
  plan: so-van-hoa-the-thao-du-lich-tay-ninh/2025/ke-hoach-dan-van
  items: {}
  targets:
    quan-triet: 100
    hai-long: 95
    dung-han: 99
    tre-han: 2
    vuot-cap: 0
    mo-hinh: 2
  assessment: {strengths: [Triển khai đồng bộ.]}
"""


@pytest.mark.parametrize(
    ("comparison", "value", "achieved", "status"),
    [
        ("at_least", 95, 95, "đạt"), ("at_least", 95, 97, "vượt"), ("at_least", 95, 94.9, "không đạt"),
        ("more_than", 95, 95, "không đạt"), ("more_than", 95, 95.5, "đạt"),
        ("at_most", 5, 5, "đạt"), ("at_most", 5, 3, "vượt"), ("at_most", 5, 6, "không đạt"),
        ("less_than", 5, 5, "không đạt"), ("less_than", 5, 4, "đạt"),
        ("exactly", 2, 2, "đạt"), ("exactly", 2, 3, "không đạt"),
        ("all", None, 100, "đạt"), ("all", None, 99.5, "không đạt"),
    ],
)  # fmt: skip
def test_target_status_for_each_comparison(comparison: str, value: float | None, achieved: float, status: str) -> None:
    target = Target(text="x", value=value, comparison=comparison)
    assert target_status(target, TargetResult(achieved=achieved)) == status


def test_targets_print_their_value_once_and_reports_compute_status(tmp_path: Path) -> None:
    root = _data(
        tmp_path,
        {
            "so-van-hoa-the-thao-du-lich-tay-ninh/2025/ke-hoach-dan-van.yaml": VHTTDL_PLAN,
            "so-van-hoa-the-thao-du-lich-tay-ninh/2025/ket-qua.yaml": VHTTDL_RESULTS,
        },
    )
    docs = _build(root, tmp_path / "out")
    plan = lines(docs["2025-15-KH-SVHTTDL-dan-van-chinh-quyen.docx"])
    assert "1. 100% công chức, viên chức được quán triệt." in plan
    assert "2. Tỷ lệ người dân hài lòng với việc giải quyết thủ tục hành chính đạt trên 95%." in plan
    assert "3. Hồ sơ giải quyết đúng hạn đạt ít nhất 98%." in plan
    assert "4. Hồ sơ trễ hạn dưới 2%." in plan
    assert "5. Đơn thư vượt cấp không quá 1 vụ." in plan
    assert "6. Xây dựng 2 mô hình “Dân vận khéo”." in plan
    assert any("Năm dân vận chính quyền thân thiện, gần dân, vì dân phục vụ" in x for x in plan)
    report = Document(str(docs["2025-BC-SVHTTDL-ket-qua-dan-van-chinh-quyen.docx"]))
    table = next(t for t in report.tables if t.rows[0].cells[-1].text == "Đánh giá")
    got = {r.cells[1].text[:12]: (r.cells[2].text, r.cells[3].text, r.cells[4].text) for r in table.rows[1:]}
    assert got == {
        "100% công ch": ("100%", "100%", "Đạt"),
        "Tỷ lệ người ": ("Trên 95%", "95%", "Không đạt"),  # more than 95, 95 achieved
        "Hồ sơ giải q": ("98%", "99%", "Vượt"),
        "Hồ sơ trễ hạ": ("Dưới 2%", "2%", "Không đạt"),
        "Đơn thư vượt": ("Không quá 1 vụ", "0 vụ", "Vượt"),
        "Xây dựng 2 m": ("2 mô hình", "2 mô hình", "Đạt"),
    }


def test_a_figure_typed_twice_and_differing_is_warned(tmp_path: Path) -> None:
    plan = VHTTDL_PLAN.replace("đạt {{ target }}.\n", "đạt trên 90%.\n")
    root = _data(tmp_path, {"so-van-hoa-the-thao-du-lich-tay-ninh/2025/ke-hoach-dan-van.yaml": plan})
    result = build([root], tmp_path / "out")
    assert any("không nêu con số 95%" in w for w in result.warnings), result.warnings


# -- 2. plans assigning work to other bodies ---------------------------------------------------------

UBND_PLAN = """\
# Kế hoạch của UBND tỉnh giao việc cho các sở, ngành và UBND cấp xã.
plan:
  type: KH
  number: 120
  date: 2026-02-10
  issuer: ubnd-tinh-tay-ninh
  title: Thực hiện công tác dân vận chính quyền năm {{ year }} trên địa bàn tỉnh
  short_name: dân vận chính quyền
  drafted_by: vp
  signer: {authority: deputy, name: Trần Văn B}
  deadlines:
    - {id: bao-cao, date: 2026-11-20, what: "Báo cáo kết quả năm {{ year }}", to: ban-tuyen-giao-dan-van-tinh-uy}
  sections:
    - title: Mục đích, yêu cầu
      paragraphs: [Phát huy quyền làm chủ của Nhân dân.]
    - title: Nhiệm vụ
      items:
        - Tuyên truyền, quán triệt các văn bản về công tác dân vận chính quyền.
    - title: Tổ chức thực hiện
      items:
        - lead: so-noi-vu-tay-ninh
          support: [so-tai-chinh-tay-ninh, thanh-tra-tinh-tay-ninh]
          text: Tham mưu UBND tỉnh theo dõi, đôn đốc, tổng hợp kết quả thực hiện Kế hoạch.
        - lead: cac-so-ban-nganh-tinh
          text: Xây dựng kế hoạch thực hiện công tác dân vận chính quyền năm {{ year }} của cơ quan, đơn vị.
        - lead: ubnd-cac-xa-phuong-tay-ninh
          text: Tổ chức đối thoại với Nhân dân trên địa bàn ít nhất 01 lần trong năm.
  closing: Trên đây là Kế hoạch của {{ issuer.short }}
  recipients:
    report: [ban-tuyen-giao-dan-van-tinh-uy]
    inform: [hdnd-tinh-tay-ninh]
    leadership: false
    implement: [cac-so-ban-nganh-tinh, ubnd-cac-xa-phuong-tay-ninh]
    marks: {implement: t/h}
"""

UBND_RESULTS = """\
results:
  plan: ubnd-tinh-tay-ninh/2026/ke-hoach-dan-van
  items:
    II.1: Đã tổ chức quán triệt.
    III.1: Sở Nội vụ đã tham mưu tổng hợp.
    III.2: 100% sở, ngành đã ban hành kế hoạch.
    III.3: Các xã, phường đã tổ chức đối thoại.
  assessment: {strengths: [Triển khai đồng bộ.]}
"""


def test_a_ubnd_plan_assigns_work_to_bodies_and_groups(tmp_path: Path) -> None:
    root = _data(
        tmp_path,
        {
            "ubnd-tinh-tay-ninh/2026/ke-hoach-dan-van.yaml": UBND_PLAN,
            "ubnd-tinh-tay-ninh/2026/ket-qua.yaml": UBND_RESULTS,
        },
    )
    docs = _build(root, tmp_path / "out")
    got = lines(docs["2026-120-KH-UBND-dan-van-chinh-quyen.docx"])
    assert got[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH TÂY NINH"]
    at = got.index("III. TỔ CHỨC THỰC HIỆN")
    assert got[at + 1 : at + 8] == [
        "1. Sở Nội vụ",
        "Tham mưu UBND tỉnh theo dõi, đôn đốc, tổng hợp kết quả thực hiện Kế hoạch.",
        "- Phối hợp: Sở Tài chính, Thanh tra tỉnh.",
        "2. Các sở, ban, ngành tỉnh",
        "Xây dựng kế hoạch thực hiện công tác dân vận chính quyền năm 2026 của cơ quan, đơn vị.",
        "3. UBND các xã, phường",
        "Tổ chức đối thoại với Nhân dân trên địa bàn ít nhất 01 lần trong năm.",
    ]
    start = got.index("Nơi nhận:")
    assert got[start + 1 : start + 9] == [
        "- Ban Tuyên giáo và Dân vận Tỉnh ủy;",
        "- HĐND tỉnh;",
        "- Các sở, ban, ngành tỉnh (t/h);",
        "- UBND các xã, phường (t/h);",
        "- Sở Nội vụ (t/h);",  # bodies the text assigns work to receive it as implementers
        "- Sở Tài chính (t/h);",
        "- Thanh tra tỉnh (t/h);",
        "- Lưu: VT, VP.",
    ]
    assert "TM. ỦY BAN NHÂN DÂN" in got and "KT. CHỦ TỊCH" in got
    report = lines(docs["2026-BC-UBND-ket-qua-dan-van-chinh-quyen.docx"])
    for item, result in [
        ("Sở Nội vụ", "Sở Nội vụ đã tham mưu tổng hợp."),
        ("Các sở, ban, ngành tỉnh", "100% sở, ngành đã ban hành kế hoạch."),
        ("UBND các xã, phường", "Các xã, phường đã tổ chức đối thoại."),
    ]:
        assert report[report.index(next(x for x in report if x.endswith(item))) + 1] == result
    assert report[report.index("Nơi nhận:") + 1] == "- Ban Tuyên giáo và Dân vận Tỉnh ủy;"


def test_an_unknown_assigned_body_is_a_located_error(tmp_path: Path) -> None:
    root = _data(
        tmp_path,
        {"ubnd-tinh-tay-ninh/2026/ke-hoach-dan-van.yaml": UBND_PLAN.replace("lead: so-noi-vu", "lead: so-noi")},
    )
    with pytest.raises(DataError) as info:
        build([root], tmp_path / "out")
    message = str(info.value)
    assert "ke-hoach-dan-van.yaml:21:17" in message and "plan.sections.2.items.0.lead" in message
    assert "so-noi-vu-tay-ninh" in message  # the closest name


# -- 3. numbering ---------------------------------------------------------------------------------------

NUMBERING_REFS = """\
references:
  nq-12-hdnd-2024:
    kind: Nghị quyết
    number: "12"
    number_year: 2024
    issuers: hdnd-tinh-tay-ninh
    date: 2024-07-10
    link: ""
    subject: quy định mức chi bảo đảm cho công tác dân vận
  kh-141-bdvtu-2025:
    kind: Kế hoạch
    number: "141"
    issuers: ban-tuyen-giao-dan-van-tinh-uy
    issuer_code: BDVTU
    date: 2025-01-15
    subject: công tác dân vận năm 2025
  qdinh-268-tu:
    kind: Quy định
    number: "268"
    issuers: ban-thuong-vu-tinh-uy
    date: 2024-03-01
    subject: thực hiện Quy chế dân vận
  kl-121-tw-2025:
    kind: Kết luận
    number: "121"
    issuers: bch-trung-uong
    date: 2025-01-24
    subject: tổng kết Nghị quyết số 18-NQ/TW
  nq-203-qh15:
    kind: Nghị quyết
    number: "203"
    number_year: 2025
    issuers: quoc-hoi
    issuer_code: QH15
  tb-45-snv:
    kind: Văn bản
    code: ""
    number: "45"
    issuers: so-noi-vu-tay-ninh
    issuer_code: SNV-XDCQ
"""


def test_numbering_of_assemblies_party_and_forms_without_a_type_code(tmp_path: Path) -> None:
    root = _data(tmp_path, {"refs.yaml": NUMBERING_REFS})
    corpus = load([root])
    sym = {r: symbol(corpus.references[r], corpus.bodies) for r in corpus.references}
    assert sym["nq-74-2022-qh15"] == "74/2022/QH15"  # Quốc hội: no type code
    assert sym["nq-203-qh15"] == "203/2025/QH15"
    assert sym["nq-12-hdnd-2024"] == "12/2024/NQ-HĐND"
    assert sym["kh-141-bdvtu-2025"] == "141-KH/BDVTU"
    assert sym["qdinh-268-tu"] == "268-QĐ/TU"  # a Party Quy định is QĐ
    assert sym["kl-121-tw-2025"] == "121-KL/TW"
    assert sym["tb-45-snv"] == "45/SNV-XDCQ"  # code: "" — the form has no type code
    assert sym["luat-thanh-tra-2025"] == "84/2025/QH15"


def test_a_derived_subplan_cites_them_right(tmp_path: Path) -> None:
    sub = (
        "subplan:\n  plan: so-van-hoa-the-thao-du-lich-tay-ninh/2025/ke-hoach-dan-van\n"
        "  kind: thuc-hanh-tiet-kiem\n  add_basis: [nq-12-hdnd-2024, kh-141-bdvtu-2025]\n"
    )
    plan = VHTTDL_PLAN.replace("  recipients:", "  subplans: [thuc-hanh-tiet-kiem]\n  recipients:")
    root = _data(
        tmp_path,
        {
            "refs.yaml": NUMBERING_REFS,
            "so-van-hoa-the-thao-du-lich-tay-ninh/2025/ke-hoach-dan-van.yaml": plan,
            "so-van-hoa-the-thao-du-lich-tay-ninh/2025/thuc-hanh-tiet-kiem.yaml": sub,
        },
    )
    docs = _build(root, tmp_path / "out")
    basis = [
        x for x in lines(docs["2025-KH-SVHTTDL-thuc-hanh-tiet-kiem-chong-lang-phi.docx"]) if x.startswith("Căn cứ")
    ]
    text = "\n".join(basis)
    assert "Căn cứ Nghị quyết số 74/2022/QH15 ngày 15/11/2022 của Quốc hội" in text
    assert "Căn cứ Nghị quyết số 12/2024/NQ-HĐND ngày 10/7/2024 của HĐND tỉnh quy định mức chi" in text
    assert "Căn cứ Kế hoạch số 141-KH/BDVTU ngày 15/01/2025 của Ban Tuyên giáo và Dân vận Tỉnh ủy" in text
    assert (
        basis[-1].startswith("Căn cứ Kế hoạch số 15/KH-SVHTTDL ngày 20/3/2025 của Sở VHTTDL") and basis[-1][-1] == "."
    )


# -- 4. long agency names ---------------------------------------------------------------------------

LONG_NAMES = """\
bodies:
  ubnd-tinh-day-du:
    name: Ủy ban nhân dân tỉnh Tây Ninh
    short: UBND tỉnh
    header_short: Ủy ban nhân dân tỉnh Tây Ninh   # the chủ quản written in full: two lines
    code: UBND
    place: Tây Ninh
    authorities: {inspection: thanh-tra-tinh-tay-ninh, finance: so-tai-chinh-tay-ninh, home-affairs: so-noi-vu-tay-ninh}
  vhttdl:
    name: Sở Văn hóa, Thể thao và Du lịch
    short: Sở VHTTDL
    code: SVHTTDL
    parent: ubnd-tinh-day-du
    place: Tây Ninh
    head_title: Giám đốc
    units: {vp: {name: Văn phòng Sở, code: VP}}
  nnmt:
    name: Sở Nông nghiệp và Môi trường
    code: SNNMT
    parent: ubnd-tinh-day-du
    place: Tây Ninh
    head_title: Giám đốc
    units: {vp: {name: Văn phòng Sở, code: VP}}
  bqlkcn:
    name: Ban Quản lý các khu công nghiệp
    short: Ban Quản lý
    code: BQLKCN
    parent: ubnd-tinh-day-du
    place: Tây Ninh
    head_title: Trưởng ban
    units: {vp: {name: Văn phòng Ban, code: VP}}
"""


def _short_plan(issuer: str, number: int) -> str:
    return (
        f"plan:\n  type: KH\n  number: {number}\n  date: 2026-01-15\n  issuer: {issuer}\n"
        "  title: Thực hiện công tác dân vận chính quyền năm {{ year }}\n  drafted_by: vp\n"
        "  sections:\n    - title: Nội dung\n      paragraphs: [Triển khai thực hiện.]\n"
        "  recipients: {leadership: false}\n"
    )


def test_long_names_wrap_at_a_word_boundary_and_build_and_lint_agree(tmp_path: Path) -> None:
    files = {"bodies.yaml": LONG_NAMES}
    for n, issuer in enumerate(("vhttdl", "nnmt", "bqlkcn"), start=1):
        files[f"{issuer}/2026/ke-hoach.yaml"] = _short_plan(issuer, n)
    docs = _build(_data(tmp_path, files), tmp_path / "out")
    expected = {
        "SVHTTDL": ["SỞ VĂN HÓA,", "THỂ THAO VÀ DU LỊCH"],
        "SNNMT": ["SỞ NÔNG NGHIỆP", "VÀ MÔI TRƯỜNG"],
        "BQLKCN": ["BAN QUẢN LÝ", "CÁC KHU CÔNG NGHIỆP"],
    }
    for code, agency in expected.items():
        path = next(p for name, p in docs.items() if f"-KH-{code}-" in name)
        a = analyse(Document(str(path)))
        assert [ln.text for ln in a.parent] == ["ỦY BAN NHÂN DÂN", "TỈNH TÂY NINH"]
        assert [ln.text for ln in a.agency] == agency
        cell = a.header_table.rows[0].cells[0]
        width = container_width_mm(a.doc, cell)
        for ln in a.agency:
            assert text_width_mm(ln.text, ln.run.size or 13, True) <= width  # each line fits its cell
        longest = max(text_width_mm(ln.text, ln.run.size or 13, True) for ln in a.agency)
        rule = a.rules_left[0]
        length = width - rule.para.left_mm - rule.para.right_mm
        assert longest / 3 <= length <= longest / 2  # sized from the longest rendered line
        findings = [f for f in lint_file(path) if f.rule.startswith("HDR") and f.severity == "error"]
        assert not findings, findings


def test_wrap_name_keeps_short_names_and_breaks_naturally() -> None:
    def measure(t: str) -> float:
        return text_width_mm(t, 12, True)

    assert wrap_name("SỞ GIAO THÔNG VẬN TẢI", 61.2, measure) == ["SỞ GIAO THÔNG VẬN TẢI"]
    assert wrap_name("SỞ KHOA HỌC VÀ CÔNG NGHỆ", 61.2, measure) == ["SỞ KHOA HỌC", "VÀ CÔNG NGHỆ"]
    many = wrap_name("BAN QUẢN LÝ CÁC KHU KINH TẾ TỈNH TÂY NINH VÀ CÁC KHU CÔNG NGHIỆP", 40, measure)
    assert len(many) > 2 and all(measure(x) <= 40 for x in many)


# -- 5, 6. the year's theme; citations not in force ---------------------------------------------------


def test_draft_flags_the_theme_and_every_citation_no_longer_in_force(tmp_path: Path) -> None:
    plan = VHTTDL_PLAN.replace(
        "  sections:\n", "  implements: [luat-thanh-tra-2022, nd-101-2017]\n  sections:\n", 1
    ).replace("number: 15\n  date: 2025-03-20", "number: 15\n  date: 2025-01-20")
    root = _data(tmp_path, {"so-van-hoa-the-thao-du-lich-tay-ninh/2025/ke-hoach-dan-van.yaml": plan})
    result = CliRunner().invoke(main, ["draft", str(root), "--year", "2026", "--out", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "chủ đề năm 'Năm dân vận chính quyền thân thiện, gần dân, vì dân phục vụ' là của năm 2025" in out
    assert "'luat-thanh-tra-2022' (Luật) hết hiệu lực ngày 30/6/2025" in out
    assert "'nd-101-2017' (Nghị định) hết hiệu lực ngày 30/6/2025" in out
    drafted = (tmp_path / "d/so-van-hoa-the-thao-du-lich-tay-ninh/2026/ke-hoach-dan-van.yaml").read_text("utf-8")
    assert drafted.startswith("# XEM LẠI (vbgen draft 2026):") and "chủ đề năm" in drafted.split("plan:")[0]


def test_a_subplans_bases_are_those_in_force_for_its_date(tmp_path: Path) -> None:
    root = _data(tmp_path, {})
    corpus = load([root])
    refs = corpus.references
    # An undated 2025 draft (taken at the year's end) no longer cites the decree replaced in 2025 …
    assert not in_force(refs["nd-101-2017"], 2025) and in_force(refs["nd-171-2025"], 2025)
    # … while a plan signed before the replacement does.
    assert in_force(refs["nd-101-2017"], 2025, dt.date(2025, 3, 1))
    assert not in_force(refs["nd-171-2025"], 2025, dt.date(2025, 3, 1))
    assert in_force(Reference(kind="Quyết định", issuers=["thu-tuong"], valid_to=dt.date(2024, 12, 31)), 2024)


# -- 7. the 2025 reorganisation ------------------------------------------------------------------------

KIND_BASES = {  # what each sub-plan kind must cite in each year, and what it must not (catalogue dates)
    2025: {
        "thanh-tra-kiem-tra": (
            ["Luật Thanh tra số 84/2025/QH15", "Thông tư số 04/2025/TT-TTCP"],
            ["ngày 14 tháng 11 năm 2022"],
        ),
        "dao-tao-boi-duong": (["Nghị định số 171/2025/NĐ-CP"], ["101/2017/NĐ-CP", "89/2021/NĐ-CP"]),
        "thuc-hanh-tiet-kiem": (
            ["Luật Thực hành tiết kiệm, chống lãng phí ngày 26 tháng 11 năm 2013"],
            ["110/2025/QH15"],
        ),
    },
    2026: {
        "thuc-hanh-tiet-kiem": (
            ["Luật Tiết kiệm, chống lãng phí số 110/2025/QH15"],
            ["ngày 26 tháng 11 năm 2013", "1845/QĐ-TTg"],
        ),
        "dao-tao-boi-duong": (["Luật Cán bộ, công chức ngày 24 tháng 6 năm 2025"], ["101/2017"]),
    },
    2027: {
        "thanh-tra-kiem-tra": (["Luật Thanh tra số 84/2025/QH15"], ["43/2023/NĐ-CP", "03/2024/NĐ-CP"]),
        "phong-chong-tham-nhung": (["Luật Phòng, chống tham nhũng ngày 20 tháng 11 năm 2018"], []),
        "thuc-hanh-tiet-kiem": (["110/2025/QH15", "Nghị quyết số 74/2022/QH15"], ["84/2014/NĐ-CP"]),
    },
}


@pytest.fixture(scope="module")
def drafts_2027(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    base = tmp_path_factory.mktemp("d2027")
    result = CliRunner().invoke(main, ["draft", str(DATA), "--year", "2027", "--out", str(base / "d")])
    assert result.exit_code == 0, result.output
    built = build([base / "d"], base / "o")
    assert built.exit_code == 0
    return base / "d", {p.name: p for p in built.written}


def test_2027_drafts_are_issued_by_bodies_that_exist_then(drafts_2027: tuple[Path, dict[str, Path]]) -> None:
    d, docs = drafts_2027
    corpus = load([d])
    assert successor(corpus, "so-gtvt-tay-ninh", 2027) == "so-xay-dung-tay-ninh"
    assert successor(corpus, "ubnd-tinh-long-an", 2027) == "ubnd-tinh-tay-ninh"
    assert ended(corpus, "ubnd-tp-tay-ninh", 2027) == dt.date(2025, 7, 1)
    issuers = {corpus.all_documents[k].document.issuer for k in corpus.all_documents}
    assert issuers == {"so-xay-dung-tay-ninh", "so-tu-phap-tay-ninh"}  # UBND Phường 1: ended, not drafted
    assert sorted(n.split("-")[2] for n in docs) == ["STP"] * 7 + ["SXD"] * 7
    gone = [
        b for b_id, b in corpus.bodies.items() if ended(corpus, b_id, 2027) or successor(corpus, b_id, 2027) != b_id
    ]
    gone_names = {x for b in gone for x in (b.name, b.short, b.recipient) if x}
    for name, path in docs.items():
        got = lines(path)
        if "-SXD-" in name:
            assert got[:2] == ["UBND TỈNH TÂY NINH", "SỞ XÂY DỰNG"] and "Số:      /KH-SXD" in got
        assert "Tây Ninh, ngày      tháng      năm 2027" in got
        recipients = got[got.index("Nơi nhận:") + 1 :]
        for line in recipients:
            assert line.removeprefix("- ").split(" (")[0].rstrip(";.") not in gone_names, (name, line)
        assert "Thanh tra Sở" not in " ".join(got)  # department inspectorates ended on 30/6/2025
        assert "- Lưu: VT, VP." in recipients  # drafted by the Văn phòng, not the former Thanh tra Sở
        assert not [f for f in lint_file(path) if f.severity == "error"], name
    plan = lines(docs["2027-KH-SXD-dan-van-chinh-quyen.docx"])
    assert "- Ban Tuyên giáo và Dân vận Tỉnh ủy;" in plan and "- Ban Dân vận Tỉnh ủy;" not in plan


@pytest.mark.parametrize("year", sorted(KIND_BASES))
def test_subplan_bases_in_force_each_year(tmp_path: Path, year: int) -> None:
    result = CliRunner().invoke(main, ["draft", str(DATA), "--year", str(year), "--out", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    docs = {p.name: p for p in build([tmp_path / "d"], tmp_path / "o").written}
    corpus = load([tmp_path / "d"])
    slugs = {k: corpus.kinds[k].short_name for k in corpus.kinds}
    for kind, (present, absent) in KIND_BASES[year].items():
        name = next(n for n in docs if n.startswith(f"{year}-KH-SXD-") and _slug(slugs[kind]) in n)
        basis = " ".join(x for x in lines(docs[name]) if x.startswith("Căn cứ"))
        for text in present:
            assert text in basis, (year, kind, text, basis)
        for text in absent:
            assert text not in basis, (year, kind, text)


def _slug(text: str) -> str:
    from generator.word.writer import _slug as slug

    return slug(text)


def test_a_document_naming_a_body_that_did_not_exist_that_year_is_warned(tmp_path: Path) -> None:
    plan = (
        "plan:\n  type: KH\n  year: 2027\n  issuer: so-gtvt-tay-ninh\n  title: Thực hiện công tác dân vận năm {{ year }}\n"
        "  drafted_by: vp\n  sections:\n    - title: Nội dung\n      paragraphs: [Triển khai.]\n"
        "  recipients: {report: [ban-dan-van-tinh-uy, ubnd-tp-tay-ninh]}\n"
    )
    root = _data(tmp_path, {"so-gtvt-tay-ninh/2027/ke-hoach.yaml": plan})
    warnings = build([root], tmp_path / "out").warnings
    assert any(
        "plan.issuer" in w and "Sở Giao thông vận tải không còn từ ngày 01/3/2025 (kế thừa: Sở Xây dựng)" in w
        for w in warnings
    )
    assert any("recipients.report.0" in w and "Ban Dân vận Tỉnh ủy không còn từ ngày 01/3/2025" in w for w in warnings)
    assert any("recipients.report.1" in w and "không còn từ ngày 01/7/2025" in w for w in warnings)
    assert not [w for w in build([DATA], tmp_path / "o2").warnings if "không còn từ" in w]  # 2024: all existed
