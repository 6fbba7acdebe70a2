"""Issue 15: `vbgen init` writes an agency's directory and a draft plan that builds lint-clean."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from generator.cli import main
from generator.family.init import InitSpec, init, listed_bodies, scalar

from .helpers import lines

SUBPLANS = "tuyen-truyen-cchc,thanh-tra-kiem-tra,phong-chong-tham-nhung"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def build_and_lint(data: Path, out: Path) -> list[Path]:
    built = run("build", str(data), "--out", str(out))
    assert built.exit_code == 0, built.output
    docs = sorted(out.glob("*.docx"))
    linted = run("lint", *map(str, docs))
    assert linted.exit_code == 0, linted.output  # no error (warnings and not-evaluated allowed)
    assert all(f"{d}: 0 lỗi" in linted.output for d in docs), linted.output
    return docs


@pytest.fixture(scope="module")
def so_noi_vu(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    base = tmp_path_factory.mktemp("init")
    result = run(
        "init", "--out", str(base / "data"), "--province", "Tây Ninh", "--agency", "so-noi-vu",
        "--year", "2026", "--signer", "KT.", "--signer-name", "Nguyễn Văn A", "--subplans", SUBPLANS, "--yes",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return base / "data", build_and_lint(base / "data", base / "out")


def test_init_with_flags_builds_lint_clean(so_noi_vu: tuple[Path, list[Path]]) -> None:
    data, docs = so_noi_vu
    assert {p.name for p in docs} == {
        "2026-KH-SNV-dan-van-chinh-quyen.docx",
        "2026-KH-SNV-tuyen-truyen-cai-cach-hanh-chinh.docx",
        "2026-KH-SNV-thanh-tra-kiem-tra.docx",
        "2026-KH-SNV-phong-chong-tham-nhung.docx",
    }
    got = lines(data.parent / "out" / "2026-KH-SNV-dan-van-chinh-quyen.docx")
    for line in ("UBND TỈNH TÂY NINH", "SỞ NỘI VỤ", "Số:      /KH-SNV", "DỰ THẢO", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC",
                 "Nguyễn Văn A", "- UBND tỉnh;", "- Ban Giám đốc Sở;", "- Lưu: VT, VP."):  # fmt: skip
        assert line in got, line
    assert "Tây Ninh, ngày      tháng      năm 2026" in got
    # The sub-plans report to the bodies the province's `authorities` name.
    inspection = lines(data.parent / "out" / "2026-KH-SNV-thanh-tra-kiem-tra.docx")
    assert "- Thanh tra tỉnh;" in inspection


def test_written_files_are_block_yaml_with_places_to_fill(so_noi_vu: tuple[Path, list[Path]]) -> None:
    data, _docs = so_noi_vu
    plan = (data / "so-noi-vu-tay-ninh" / "2026" / "ke-hoach.yaml").read_text(encoding="utf-8")
    assert plan.count("ĐIỀN") >= 6 and "DỰ THẢO" in plan
    assert {"number", "date"} & set(YAML(typ="safe").load(plan)["plan"]) == set()  # a draft
    assert "{text:" not in plan and "\t" not in plan  # block style: one field per line
    assert "authority: deputy" in plan
    directory = YAML(typ="safe").load((data / "directory.yaml").read_text(encoding="utf-8"))["bodies"]
    province = directory["ubnd-tinh-tay-ninh"]
    assert province["authorities"] == {
        "home-affairs": "so-noi-vu-tay-ninh", "finance": "so-tai-chinh-tay-ninh",
        "inspection": "thanh-tra-tinh-tay-ninh",
    }  # fmt: skip
    for body_id in ("so-tu-phap-tay-ninh", "thanh-tra-tinh-tay-ninh", "van-phong-ubnd-tinh-tay-ninh",
                    "ban-dan-van-tinh-uy-tay-ninh", "tinh-uy-tay-ninh"):  # fmt: skip
        assert body_id in directory, body_id
    assert "so-ngoai-vu-tay-ninh" not in directory  # only in some provinces: not written unless chosen
    agency = directory["so-noi-vu-tay-ninh"]
    assert agency["verified"] is False and "code" in agency["note"]  # the abbreviation is not confirmed
    assert directory["ban-dan-van-tinh-uy-tay-ninh"]["party"] is True


def test_facts_lists_what_init_could_not_confirm(so_noi_vu: tuple[Path, list[Path]]) -> None:
    data, _docs = so_noi_vu
    result = run("check", str(data), "--facts")
    assert result.exit_code == 0, result.output
    assert "cơ quan 'so-noi-vu-tay-ninh' chưa được xác minh" in result.output
    assert "danh mục có sẵn (catalogue/references.yaml:" in result.output
    assert "site-packages" not in result.output


def test_prompts(tmp_path: Path) -> None:
    """A clerk answering the questions: a ward, with a wrong abbreviation asked again."""
    commune = next(i for i, b in enumerate(_choices(), start=1) if b == "ubnd-xa")
    answers = [
        "Tây Ninh", str(commune), "Phường Long An",
        "ubnd", "UBND",                               # a wrong code is asked again
        "Văn phòng HĐND và UBND (VP); Phòng Văn hóa - Xã hội (VHXH)",
        "", "",                                       # head and deputy titles: the defaults
        "TM.", "Trần Thị B", "2025", "1,2", "",
    ]  # fmt: skip
    result = run("init", "--out", str(tmp_path / "data"), input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "chỉ gồm chữ in hoa" in result.output  # the wrong answer was refused, then asked again
    docs = build_and_lint(tmp_path / "data", tmp_path / "out")
    assert len(docs) == 3
    got = lines(tmp_path / "out" / "2025-KH-UBND-dan-van-chinh-quyen.docx")
    for line in ("ỦY BAN NHÂN DÂN", "PHƯỜNG LONG AN", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trần Thị B"):
        assert line in got, line


def _choices() -> list[str]:
    from generator.family.init import agency_choices

    return [b.key for b in agency_choices()]


@pytest.mark.parametrize("agency", ["ubnd-tinh", "thanh-tra-tinh", "van-phong-ubnd-tinh", "so-du-lich"])
def test_every_kind_of_agency_builds_lint_clean(tmp_path: Path, agency: str) -> None:
    result = init(InitSpec(province="Đồng Nai", agency=agency, year=2025, signer="KT.", subplans=["phong-chong-tham-nhung"]),
                  tmp_path / "data")  # fmt: skip
    assert result.plan.is_file()
    assert len(build_and_lint(tmp_path / "data", tmp_path / "out")) == 2


def test_typed_agency_and_a_second_agency_in_the_same_folder(tmp_path: Path) -> None:
    first = run("init", "--out", str(tmp_path), "--province", "Tây Ninh", "--agency", "so-y-te", "--year", "2026",
                "--subplans", "none", "--yes")  # fmt: skip
    assert first.exit_code == 0, first.output
    second = run(
        "init", "--out", str(tmp_path), "--province", "Tây Ninh", "--agency", "khac", "--name",
        "Ban Quản lý dự án đầu tư xây dựng tỉnh", "--code", "BQLDA", "--units", "Phòng Hành chính - Tổng hợp (HCTH)",
        "--head-title", "Giám đốc", "--deputy-title", "Phó Giám đốc", "--year", "2026", "--subplans", "none", "--yes",
    )  # fmt: skip
    assert second.exit_code == 0, second.output
    bodies = tmp_path / "ban-quan-ly-du-an-dau-tu-xay-dung-tinh-tay-ninh" / "co-quan.yaml"
    assert bodies.is_file()  # the province's bodies are already in directory.yaml: only the new agency
    assert list(YAML(typ="safe").load(bodies.read_text(encoding="utf-8"))["bodies"]) == [
        "ban-quan-ly-du-an-dau-tu-xay-dung-tinh-tay-ninh"
    ]
    docs = build_and_lint(tmp_path, tmp_path.parent / "out")
    assert {p.name for p in docs} == {"2026-KH-SYT-dan-van-chinh-quyen.docx", "2026-KH-BQLDA-dan-van-chinh-quyen.docx"}
    again = run("init", "--out", str(tmp_path), "--province", "Tây Ninh", "--agency", "so-y-te", "--year", "2026",
                "--subplans", "none", "--yes")  # fmt: skip
    assert again.exit_code == 0, again.output  # same answers, same files: nothing to refuse


def test_missing_flag_with_yes_is_a_usage_error(tmp_path: Path) -> None:
    result = run("init", "--out", str(tmp_path), "--yes")
    assert result.exit_code == 2 and "--province" in result.output


def test_the_shipped_list_marks_what_its_source_does_not_confirm() -> None:
    bodies = listed_bodies()
    assert (
        len([b for b in bodies.values() if b.in_every_province and b.kind in ("department", "inspection", "office")])
        == 12
    )
    assert all("code" in b.unverified for b in bodies.values() if b.kind == "department")
    assert "name" in bodies["ban-dan-van-tinh-uy"].unverified


@pytest.mark.parametrize("text", ["Sở Nội vụ", "a: b", "- x", "{{ year }}", "true", "12", "x #y", "[ĐIỀN: a]", "'q'"])
def test_scalars_read_back_as_written(text: str) -> None:
    assert YAML(typ="safe").load(f"k: {scalar(text)}\n")["k"] == text


def test_the_guide_works_as_written(tmp_path: Path) -> None:
    """docs/huong-dan.md: its `vbgen init` line, then its sub-plan and results files, build lint-clean."""
    import re
    import shlex

    guide = (Path(__file__).resolve().parents[1] / "docs" / "huong-dan.md").read_text(encoding="utf-8")
    for image in re.findall(r"\]\((img/[^)]+)\)", guide):
        path = Path(__file__).resolve().parents[1] / "docs" / image
        assert path.is_file() and path.stat().st_size < 100_000, image
    command = re.search(r"vbgen init --province .*?--yes", guide, re.S).group(0).replace("\\\n", " ")
    result = run(*shlex.split(command)[1:], "--out", str(tmp_path / "data"))
    assert result.exit_code == 0, result.output
    for block in re.findall(r"```yaml\n# (data/\S+)\n(.*?)```", guide, re.S):
        target = tmp_path / block[0]
        target.write_text(block[1], encoding="utf-8")
    docs = {p.name for p in build_and_lint(tmp_path / "data", tmp_path / "out")}
    assert docs == {"2026-KH-SNV-dan-van-chinh-quyen.docx", "2026-KH-SNV-tuyen-truyen-cai-cach-hanh-chinh.docx",
                    "2026-KH-SNV-thanh-tra-kiem-tra.docx", "2026-BC-SNV-ket-qua-dan-van-chinh-quyen.docx"}  # fmt: skip
    table = lines(tmp_path / "out" / "2026-KH-SNV-thanh-tra-kiem-tra.docx")
    assert "Kiểm tra việc thực hiện quy chế dân chủ ở cơ sở" in table
    draft = run("draft", str(tmp_path / "data"), "--year", "2027", "--out", str(tmp_path / "du-thao-2027"))
    assert draft.exit_code == 0, draft.output
    assert len(build_and_lint(tmp_path / "du-thao-2027", tmp_path / "out-2027")) == 3


def test_a_centrally_run_city(tmp_path: Path) -> None:
    result = run("init", "--out", str(tmp_path / "data"), "--province", "Thành phố Hà Nội", "--agency", "so-tu-phap",
                 "--year", "2026", "--subplans", "phong-chong-tham-nhung", "--yes")  # fmt: skip
    assert result.exit_code == 0, result.output
    build_and_lint(tmp_path / "data", tmp_path / "out")
    got = lines(tmp_path / "out" / "2026-KH-STP-dan-van-chinh-quyen.docx")
    assert got[:2] == ["UBND THÀNH PHỐ HÀ NỘI", "SỞ TƯ PHÁP"]
    assert "Hà Nội, ngày      tháng      năm 2026" in got and "- UBND thành phố;" in got
    directory = (tmp_path / "data" / "directory.yaml").read_text(encoding="utf-8")
    assert "name: Thành ủy Hà Nội" in directory and "name: Thanh tra thành phố" in directory


# --- the province and the agency as typed (QA: a province merged away, no diacritics, unknown ids) ---


def init_args(tmp_path: Path, province: str, *more: str, year: str = "2026") -> list[str]:
    return ["init", "--out", str(tmp_path / "data"), "--province", province, "--agency", "so-tu-phap",
            "--year", year, "--subplans", "none", "--yes", *more]  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "taken", "header"),
    [("Tay Ninh", "tỉnh Tây Ninh", "UBND TỈNH TÂY NINH"), ("TÂY NINH", "tỉnh Tây Ninh", "UBND TỈNH TÂY NINH"),
     ("tinh tay ninh", "tỉnh Tây Ninh", "UBND TỈNH TÂY NINH"),
     ("ha noi", "thành phố Hà Nội", "UBND THÀNH PHỐ HÀ NỘI"),  # a city: "thành phố", not "tỉnh"
     ("TP HCM", "thành phố Hồ Chí Minh", "UBND THÀNH PHỐ HỒ CHÍ MINH")],
)  # fmt: skip
def test_a_province_typed_without_diacritics_is_the_province_it_means(
    tmp_path: Path, typed: str, taken: str, header: str
) -> None:
    result = CliRunner().invoke(main, init_args(tmp_path, typed))
    assert result.exit_code == 0, result.output
    assert f"đã hiểu '{typed}' là {taken}" in result.stderr, result.stderr  # it says which it took
    got = lines(build_and_lint(tmp_path / "data", tmp_path / "out")[0])
    assert " ".join(got[:3]).startswith(header), got[:3]  # a long name is put over two lines
    directory = (tmp_path / "data" / "directory.yaml").read_text(encoding="utf-8")
    assert typed not in directory


def test_a_province_typed_as_written_is_taken_silently(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, init_args(tmp_path, "Tây Ninh"))
    assert result.exit_code == 0 and "'Tây Ninh'" not in result.stderr, result.stderr


@pytest.mark.parametrize(("old", "new"), [("Long An", "tỉnh Tây Ninh"), ("long an", "tỉnh Tây Ninh"),
                                          ("Bình Dương", "thành phố Hồ Chí Minh"), ("Ha Giang", "tỉnh Tuyên Quang")])  # fmt: skip
def test_a_province_merged_away_in_2025_is_refused_naming_its_successor(tmp_path: Path, old: str, new: str) -> None:
    result = CliRunner().invoke(main, init_args(tmp_path, old))
    assert result.exit_code == 2, result.output
    assert "01/7/2025" in result.stderr and new in result.stderr, result.stderr
    assert not (tmp_path / "data").exists()


def test_a_plan_before_the_reorganisation_keeps_the_old_province(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, init_args(tmp_path, "long an", year="2024"))
    assert result.exit_code == 0, result.output
    directory = YAML(typ="safe").load((tmp_path / "data" / "directory.yaml").read_text(encoding="utf-8"))["bodies"]
    assert directory["ubnd-tinh-long-an"]["name"] == "Ủy ban nhân dân tỉnh Long An"


def test_the_library_refuses_a_merged_province_too(tmp_path: Path) -> None:
    from generator.errors import DataError

    with pytest.raises(DataError, match="Tây Ninh"):
        init(InitSpec(province="Long An", agency="so-tu-phap", year=2025), tmp_path / "data")


@pytest.mark.parametrize(("typed", "words"), [("Tây Nin", "Tây Ninh"), ("Xyzabc", "Tây Ninh")])
def test_an_unknown_province_is_refused_with_suggestions(tmp_path: Path, typed: str, words: str) -> None:
    result = CliRunner().invoke(main, init_args(tmp_path, typed))
    assert result.exit_code == 2, result.output
    assert f"'{typed}'" in result.stderr and words in result.stderr, result.stderr
    assert not (tmp_path / "data").exists()


def test_prompts_ask_the_province_again_until_it_exists(tmp_path: Path) -> None:
    answers = ["Long An", "Tay Ninh", "", "", "", "", "KT.", "", "2026", "", ""]
    result = CliRunner().invoke(main, ["init", "--out", str(tmp_path / "data"), "--agency", "so-tu-phap"],
                                input="\n".join(answers) + "\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "01/7/2025: đã nhập vào tỉnh Tây Ninh" in result.output  # Long An: refused, asked again
    assert "đã hiểu 'Tay Ninh' là tỉnh Tây Ninh" in result.output
    assert (tmp_path / "data" / "so-tu-phap-tay-ninh" / "2026" / "ke-hoach.yaml").is_file()


@pytest.mark.parametrize(("typed", "close"), [("so-noi-vuu", "so-noi-vu"), ("so-noi-vu-tay-ninh", "so-noi-vu"),
                                              ("Sở Tư pháp", "so-tu-phap")])  # fmt: skip
@pytest.mark.parametrize("yes", [True, False])
def test_an_unknown_agency_says_so_with_close_ids_and_how_to_give_a_new_one(
    tmp_path: Path, typed: str, close: str, yes: bool
) -> None:
    args = ["init", "--out", str(tmp_path / "data"), "--province", "Tây Ninh", "--agency", typed, "--year", "2026"]
    result = CliRunner().invoke(main, args + (["--yes"] if yes else []), input="")
    assert result.exit_code == 2, result.output
    assert "thiếu --code" not in result.output and "Chữ viết tắt" not in result.output  # nothing asked
    assert f"không có cơ quan '{typed}'" in result.stderr and close in result.stderr, result.stderr
    for flag in ("--agency khac", "--name", "--code", "--units"):
        assert flag in result.stderr, flag
    assert not (tmp_path / "data").exists()


def test_the_shipped_provinces_are_the_34_of_2025_and_their_keys_do_not_collide() -> None:
    from ruamel.yaml import YAML

    from generator.family.init import province_key, provinces

    known = provinces()
    current = set(known.current.values())
    assert len(current) == 34 and sum(p.city for p in current) == 6  # 28 provinces, 6 cities
    assert len(known.former) == 30  # 29 merged away (52 into 23) and Thừa Thiên Huế, now Huế
    assert not set(known.current) & set(known.former)
    raw = YAML(typ="safe").load(
        (Path(__file__).resolve().parents[1] / "generator" / "data" / "province-bodies.yaml").read_text("utf-8")
    )["provinces"]["current"]
    names = [*raw, *(old for e in raw.values() if e for old in e.get("merged", []))]
    assert len({province_key(n) for n in names}) == len(names)  # no two names read alike without diacritics
