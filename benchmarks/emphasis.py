"""Emphasis benchmark (issue 14): run with `python benchmarks/emphasis.py` (not part of the tests).

Times, for a paragraph of `*a* b ` repeated to 100 KB and to 1 MB (one italic run every 6
characters, the worst case for run handling):
  parse   - generator.nd30.text.rich: the sandbox render and the emphasis parse into runs;
  runs    - generator.word.render.rich_text: the runs as docxtpl RichText XML;
  build   - a whole `build()` of a one-plan data folder holding that paragraph, read back.
Prints seconds and the 1 MB / 100 KB ratio of each: about 10 means linear (100 KB of this text
took 27 s before the runs were joined once instead of appended one by one).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from generator.build import build  # noqa: E402
from generator.nd30.text import rich  # noqa: E402
from generator.word.render import rich_text  # noqa: E402

FIXTURE = REPO / "tests" / "fixtures" / "ubnd-tinh"
ANCHOR = "        - Nâng cao nhận thức về công tác dân vận chính quyền năm {{ year }}."
UNIT = "*a* b "


def timed(func, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = func(*args)
    return time.perf_counter() - start, value


def build_with(text: str, work: Path) -> float:
    data = work / "data"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(FIXTURE, data)
    plan = data / "ke-hoach.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace(ANCHOR, f"        - '{text}'"), encoding="utf-8")
    seconds, result = timed(build, [data], work / "out")
    assert result.exit_code == 0, [str(o.error) for o in result.failed]
    return seconds


def main() -> None:
    sizes = {"100 KB": 100_000, "1 MB": 1_000_000}
    rows: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, size in sizes.items():
            text = UNIT * (size // len(UNIT))
            t_parse, value = timed(rich, text, {})
            t_runs, _rt = timed(rich_text, value)
            t_build = build_with(text, Path(tmp) / label.replace(" ", ""))
            rows[label] = {"parse": t_parse, "runs": t_runs, "build": t_build}
            print(
                f"{label:>7}: {len(value.runs):>7} runs  parse {t_parse:6.2f} s  runs {t_runs:6.2f} s  build {t_build:6.2f} s"
            )
    small, large = rows["100 KB"], rows["1 MB"]
    ratios = "  ".join(f"{k} {large[k] / small[k]:.1f}" for k in small)
    print(f"ratio 1 MB / 100 KB: {ratios}  (10 = linear)")


if __name__ == "__main__":
    main()
