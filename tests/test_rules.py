"""The rules that live in code: citations, số/ký hiệu, Nơi nhận, signature."""

from __future__ import annotations

import pytest

from generator.data.model import Body, Group, Recipients, Reference, Signer, Unit
from generator.errors import DataError
from generator.nd30.citations import cite, short_cite, symbol
from generator.nd30.numbering import number_line, point_letter, roman
from generator.nd30.recipients import recipient_lines
from generator.nd30.signature import authority_lines

BODIES = {
    "ubnd": Body(name="Ủy ban nhân dân tỉnh Tây Ninh", short="UBND tỉnh", code="UBND"),
    "bdvtu": Body(name="Ban Dân vận Tỉnh ủy", code="BDVTU", party=True),
    "bcsd": Body(name="Ban cán sự Đảng UBND tỉnh", code="BCSĐUBND", party=True),
    "tw": Body(name="Ban Chấp hành Trung ương", code="TW", party=True),
    "cp": Body(name="Chính phủ", code="CP"),
    "qh": Body(name="Quốc hội", code="QH"),
}


def ref(**kw: object) -> Reference:
    return Reference.model_validate(kw)


def test_state_citation_matches_issue_example() -> None:
    r = ref(kind="Kế hoạch", number="859", issuers="ubnd", date="2024-03-25",
            subject="thực hiện công tác dân vận chính quyền năm 2024")  # fmt: skip
    assert cite(r, BODIES) == (
        "Kế hoạch số 859/KH-UBND ngày 25/3/2024 của UBND tỉnh về việc thực hiện công tác dân vận chính quyền năm 2024"
    )
    assert short_cite(r, BODIES) == "Kế hoạch số 859/KH-UBND"


def test_party_joint_and_normative_symbols() -> None:
    joint = ref(kind="Chương trình phối hợp", number="04", issuers=["bdvtu", "bcsd"], date="2021-10-21",
                link="về", subject="công tác dân vận giai đoạn 2021-2026")  # fmt: skip
    assert symbol(joint, BODIES) == "04-CTr/BDVTU-BCSĐUBND"
    assert cite(joint, BODIES) == (
        "Chương trình phối hợp số 04-CTr/BDVTU-BCSĐUBND ngày 21/10/2021 giữa Ban Dân vận Tỉnh ủy"
        " và Ban cán sự Đảng UBND tỉnh về công tác dân vận giai đoạn 2021-2026"
    )
    assert symbol(ref(kind="Quyết định", number="23", issuers="tw"), BODIES) == "23-QĐ/TW"
    assert symbol(ref(kind="Nghị định", number="59", number_year=2023, issuers="cp"), BODIES) == "59/2023/NĐ-CP"
    assert symbol(ref(kind="Quy định", code="QĐ", number="124", issuers="tw"), BODIES) == "124-QĐ/TW"


def test_law_by_name_number_and_date() -> None:
    law = ref(kind="Luật", name="Thực hiện dân chủ ở cơ sở", number="10", number_year=2022, issuers="qh",
              issuer_code="QH15", date="2022-11-10")  # fmt: skip
    assert cite(law, BODIES) == "Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15"
    dated = law.model_copy(update={"cite_number": False, "cite_date": True})
    assert cite(dated, BODIES) == "Luật Thực hiện dân chủ ở cơ sở ngày 10 tháng 11 năm 2022"
    assert short_cite(law, BODIES) == "Luật Thực hiện dân chủ ở cơ sở"


def test_long_date_form_and_partial_citation() -> None:
    r = ref(kind="Kế hoạch", number="26", issuers="ubnd", date="2024-01-31", date_form="long", subject="x")
    assert cite(r, BODIES, issuer=False, subject=False) == "Kế hoạch số 26/KH-UBND ngày 31 tháng 01 năm 2024"


def test_number_line() -> None:
    assert number_line(22, "KH", "SGTVT") == "Số: 22/KH-SGTVT"
    assert number_line(5, "BC", "UBND") == "Số: 05/BC-UBND"
    assert number_line(None, "KH", "SGTVT") == "Số:      /KH-SGTVT"


def test_numbering_sequences() -> None:
    assert [roman(i) for i in (1, 2, 3, 4, 9, 14)] == ["I", "II", "III", "IV", "IX", "XIV"]
    assert [point_letter(i) for i in range(1, 8)] == ["a", "b", "c", "d", "đ", "e", "g"]


SO = Body(
    name="Sở Giao thông vận tải", short="Sở GTVT", code="SGTVT", head_title="Giám đốc", deputy_title="Phó Giám đốc",
    leadership=Group(name="Ban Giám đốc Sở", recipient="BGD Sở GTVT"),
    organisations={"cd": Group(name="Công đoàn", recipient="BCHCĐCS Sở GTVT")},
    units={"vp": Unit(name="Văn phòng Sở", code="VP")}, all_units="Các phòng, đ/vị thuộc Sở",
)  # fmt: skip
UBND = Body(name="Ủy ban nhân dân tỉnh Tây Ninh", code="UBND", collective="Ủy ban nhân dân",
            head_title="Chủ tịch", deputy_title="Phó Chủ tịch")  # fmt: skip


@pytest.mark.parametrize(
    ("issuer", "signer", "expected"),
    [
        (SO, Signer(authority="head"), ["GIÁM ĐỐC"]),
        (SO, Signer(authority="deputy"), ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
        (SO, Signer(authority="acting"), ["Q. GIÁM ĐỐC"]),
        (SO, Signer(authority="by_order", title="Chánh Văn phòng"), ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"]),
        (SO, Signer(authority="by_delegation", title="Trưởng phòng Quản lý vận tải"),
         ["TUQ. GIÁM ĐỐC", "TRƯỞNG PHÒNG QUẢN LÝ VẬN TẢI"]),
        (UBND, Signer(authority="head"), ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
        (UBND, Signer(authority="deputy"), ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    ],
)  # fmt: skip
def test_signature_block(issuer: Body, signer: Signer, expected: list[str]) -> None:
    lines = authority_lines(signer, issuer)
    assert lines == expected
    assert not any("K/T" in line or "T/L" in line for line in lines)


def test_signature_needs_titles() -> None:
    with pytest.raises(DataError, match="deputy_title"):
        authority_lines(Signer(authority="deputy"), Body(name="X", head_title="Giám đốc"))


def test_recipients_reference_plan_order_and_dedup() -> None:
    bodies = {"bdv": Body(name="Ban Dân vận Tỉnh ủy"), "snv": Body(name="Sở Nội vụ")}
    rec = Recipients(report=["bdv", "snv"], inform=["snv"], implement=["cd", "all-units"])
    assert recipient_lines(rec, SO, SO.units["vp"], bodies) == [
        "- Ban Dân vận Tỉnh ủy;",
        "- Sở Nội vụ;",
        "- BGD Sở GTVT;",
        "- BCHCĐCS Sở GTVT (T/hiện);",
        "- Các phòng, đ/vị thuộc Sở (T/hiện);",
        "- Lưu: VT, VP.",
    ]


def test_recipients_marks_and_copies() -> None:
    bodies = {"ubnd": Body(name="UBND tỉnh")}
    issuer = SO.model_copy(update={"marks": {"report": "b/c"}})
    rec = Recipients(report=["ubnd"], leadership=False, keep="02b")
    assert recipient_lines(rec, issuer, SO.units["vp"], bodies) == ["- UBND tỉnh (b/c);", "- Lưu: VT, VP, 02b."]
