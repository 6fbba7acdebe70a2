"""A synthetic province for benchmarks and scale tests: N agencies, each with a plan, its six
sub-plans and its two reports (9 documents an agency). Synthetic data, not real agencies."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KINDS = ["tuyen-truyen-cchc", "thanh-tra-kiem-tra", "phong-chong-tham-nhung",
         "thuc-hanh-tiet-kiem", "dao-tao-boi-duong", "chuyen-doi-vi-tri"]  # fmt: skip

PLAN = """plan:
  type: KH
  number: {number}
  date: 2024-03-{day:02d}
  issuer: {agency}
  title: Thực hiện công tác dân vận chính quyền năm {{{{ year }}}}
  short_name: dân vận chính quyền
  implements: [kh-859-ubnd-2024]
  drafted_by: vp
  signer: {{authority: deputy}}
  deadlines:
    - {{id: bao-cao, date: 2024-11-01, what: "Báo cáo kết quả năm {{{{ year }}}}", to: ubnd-tinh-tay-ninh}}
    - {{id: cham-diem, date: 2024-11-15, what: "Hồ sơ tự chấm điểm năm {{{{ year }}}}", to: so-noi-vu-tay-ninh}}
  opening: "Thực hiện {{{{ cite('kh-859-ubnd-2024') }}}}, {{{{ issuer.short }}}} xây dựng Kế hoạch như sau:"
  sections:
    - title: Mục đích, yêu cầu
      paragraphs: ["Nâng cao nhận thức về công tác dân vận chính quyền năm {{{{ year }}}}."]
    - title: Nội dung
      items:
{items}
    - title: Chỉ tiêu
      targets:
        - {{id: quan-triet, text: 100% công chức được quán triệt., value: 100, unit: "%"}}
        - {{id: mo-hinh, text: Xây dựng mô hình “Dân vận khéo”., value: 2, unit: mô hình}}
    - title: Tổ chức thực hiện
      items: ["Văn phòng theo dõi, tổng hợp, báo cáo **trước ngày {{{{ deadline('bao-cao') }}}}**."]
  closing: Trên đây là Kế hoạch của {{{{ issuer.short }}}} năm {{{{ year }}}}
  recipients: {{report: [ban-dan-van-tinh-uy, so-noi-vu-tay-ninh], implement: [all-units]}}
  subplans: [{kinds}]
"""
RESULTS = """results:
  plan: {agency}/2024/ke-hoach
  items:
{items}
  targets: {{quan-triet: 100, mo-hinh: 3}}
  assessment: {{strengths: [Triển khai đồng bộ.], weaknesses: [Còn chậm.], causes: [Nhân lực ít.]}}
  next_year: [Tiếp tục thực hiện.]
  scoring:
    criteria: dan-van-chinh-quyen-vi-du
    deadline: cham-diem
    scores: {{ke-hoach: 10, quan-triet: 9, cai-cach-hanh-chinh: 18, tiep-cong-dan: 17, van-hoa-cong-vu: 9,
             cong-khai: 10, hoi-nghi: 9, mo-hinh: 8}}
"""


def make_province(target: Path, agencies: int = 100, items: int = 5) -> Path:
    """Write the province's data under `target` (replaced if present) and return it."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    data = ROOT / "data"
    shutil.copy(data / "references.yaml", target / "references.yaml")
    shutil.copytree(data / "tieu-chi", target / "tieu-chi")
    directory = (data / "directory.yaml").read_text(encoding="utf-8")
    lines = [directory.rstrip(), "", "  # --- synthetic agencies (benchmarks/province.py) ---"]
    for n in range(1, agencies + 1):
        agency = f"so-mau-{n:03d}"
        lines += [
            f"  {agency}:",
            f"    name: Sở Mẫu {n:03d}",
            f"    short: Sở Mẫu {n:03d}",
            f"    code: SM{n:03d}",
            "    parent: ubnd-tinh-tay-ninh",
            "    place: Tây Ninh",
            "    head_title: Giám đốc",
            "    deputy_title: Phó Giám đốc",
            "    leadership: {name: Ban Giám đốc Sở}",
            "    units: {vp: {name: Văn phòng Sở, code: VP}, thanh-tra: {name: Thanh tra Sở, code: TTr}}",
            "    all_units: Các phòng, đơn vị thuộc Sở",
        ]
        folder = target / agency / "2024"
        folder.mkdir(parents=True)
        item_yaml = "\n".join(
            f'        - title: "Nhiệm vụ {i} của năm {{{{ year }}}}"\n          bullets: [Triển khai nội dung {i}.]'
            for i in range(1, items + 1)
        )
        (folder / "ke-hoach.yaml").write_text(
            PLAN.format(number=n, day=1 + n % 28, agency=agency, items=item_yaml, kinds=", ".join(KINDS)),
            encoding="utf-8",
        )
        result_items = "\n".join(f"    II.{i}: Đã thực hiện nội dung {i}." for i in range(1, items + 1))
        (folder / "ket-qua.yaml").write_text(RESULTS.format(agency=agency, items=result_items), encoding="utf-8")
    (target / "directory.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("province")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    print(make_province(out, n))
