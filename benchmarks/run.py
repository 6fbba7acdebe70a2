"""The throughput benchmark (issue 8): run with `python benchmarks/run.py` (not part of the tests).

Measures in one run, on this machine:
  (a) `vbgen build` of a synthetic province (100 agencies × 9 documents = 900) with --jobs 2;
  (b) a plain docxtpl loop over the same templates and contexts (load, render, save, one at a time);
  (c) `vbgen --help`;
  (d) peak memory (RSS of the build's whole process tree);
  (e) `--pdf` (one LibreOffice process per worker) against one `soffice --convert-to pdf` per file,
      on the same documents.
Prints documents per second and the ratios; machines are shared and noisy, so compare ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.province import make_province  # noqa: E402


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, from /proc (Linux), in MB."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack += [int(c) for c in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total / 1024


def run_measured(cmd: list[str]) -> tuple[float, float, int]:
    """Run `cmd`; return (seconds, peak tree RSS in MB, exit code)."""
    peak = 0.0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_mb(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    return elapsed, peak, code


def plain_loop(data: Path, out: Path) -> tuple[float, int]:
    """docxtpl as most scripts use it: load the template, render, save, document by document."""
    from docxtpl import DocxTemplate

    from generator.build import derive
    from generator.data.load import load
    from generator.word.render import NATIONAL, template_path, template_values

    jobs = derive(load([data]))
    contexts = [(template_path(j.template), template_values({**j.context.values, "national": NATIONAL}), j.name)
                for j in jobs]  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for template, context, name in contexts:
        tpl = DocxTemplate(str(template))
        tpl.render(context, autoescape=True)
        tpl.save(str(out / name))
    return time.perf_counter() - start, len(contexts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agencies", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--pdf-docs", type=int, default=24, help="documents in the PDF comparison (0: skip)")
    args = parser.parse_args()
    vbgen = [sys.executable, "-m", "generator"]
    work = Path(tempfile.mkdtemp(prefix="vbgen-bench-"))
    try:
        data = make_province(work / "province", args.agencies)
        seconds, peak, code = run_measured(
            [*vbgen, "build", str(data), "--out", str(work / "a"), "--jobs", str(args.jobs)]
        )
        docs = len(list((work / "a").glob("*.docx")))
        assert code == 0 and docs == args.agencies * 9, (code, docs)
        plain_seconds, plain_docs = plain_loop(data, work / "b")
        rate, plain_rate = docs / seconds, plain_docs / plain_seconds
        print(f"documents: {docs}")
        print(
            f"(a) vbgen build --jobs {args.jobs}: {seconds:6.1f} s  {rate:6.1f} documents/s  (all steps)"
        )
        print(
            f"(b) plain docxtpl loop:      {plain_seconds:6.1f} s  {plain_rate:6.1f} documents/s  (render, save)"
        )
        print(f"    ratio (a)/(b): {rate / plain_rate:.2f}x   (target >= 3x)")
        print(f"(d) peak memory of the build (process tree RSS): {peak:.0f} MB   (target < 500 MB)")

        helps = []
        for _ in range(5):
            t0 = time.perf_counter()
            subprocess.run([*vbgen, "--help"], check=True, capture_output=True)
            helps.append(time.perf_counter() - t0)
        print(f"(c) vbgen --help: {min(helps):.3f} s (best of 5; target <= 0.3 s)")

        if args.pdf_docs and shutil.which("soffice"):
            sample = sorted((work / "a").glob("*.docx"))[: args.pdf_docs]
            sub = work / "pdf-sample"
            sub.mkdir()
            for f in sample:
                shutil.copy(f, sub / f.name)
            t0 = time.perf_counter()
            for f in sample:
                subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work / "p1"), str(f)],
                               check=True, capture_output=True)  # fmt: skip
            per_file = time.perf_counter() - t0
            from generator.word.pdf import convert

            t0 = time.perf_counter()
            convert(sample, work / "p2", workers=args.jobs)
            batched = time.perf_counter() - t0
            print(f"(e) PDF of {len(sample)} documents: one soffice per file {per_file:.1f} s, "
                  f"vbgen --pdf {batched:.1f} s: {per_file / batched:.1f}x   (target >= 8x)")  # fmt: skip
        elif args.pdf_docs:
            print("(e) skipped: LibreOffice (soffice) is not installed")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
