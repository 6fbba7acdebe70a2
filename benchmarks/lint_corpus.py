"""`vbgen lint` over a folder of real documents: findings per rule, precision and recall on the labelled ones.

    python benchmarks/lint_corpus.py ../shared/corpus/real-docx --verdicts tests/corpus_verdicts.yaml --jobs 2

A finding group is (file, rule) over errors and warnings. Where the verdict file labels a document,
a reported group is true when the rule is in its `true` list (precision) and a listed `true` rule that
is not reported is a miss (recall). A document labelled `in_scope: false` must get exactly the one
SCOPE-01 finding (its other labels describe the file, not what lint should say). A not-evaluated rule
on a labelled in-scope document counts as wrong unless the rule is in its `absent` list.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ruamel.yaml import YAML

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.lint import lint_file

SCOPE = "SCOPE-01"


def _timed(path: Path) -> tuple[str, list[tuple[str, str]], float, str | None]:
    start = time.perf_counter()
    try:
        findings = [(f.rule, f.severity) for f in lint_file(path)]
        error = None
    except Exception as exc:  # a crash is a result to report, not a reason to stop
        findings, error = [], f"{type(exc).__name__}: {exc}"
    return path.name, findings, time.perf_counter() - start, error


def load_verdicts(path: Path) -> dict[str, dict]:
    return dict(YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {})


def true_list(verdict: dict) -> list[dict]:
    """The `true` list (YAML reads the bare key `true` as the boolean True)."""
    return verdict.get("true", verdict.get(True)) or []


def score(results: dict[str, list[tuple[str, str]]], verdicts: dict[str, dict]) -> dict:
    """Per rule and overall: true/false reported groups, misses, wrongly not-evaluated rules."""
    per_rule: dict[str, Counter] = defaultdict(Counter)
    false_groups: list[tuple[str, str]] = []
    misses: list[tuple[str, str]] = []
    wrong_ne: list[tuple[str, str]] = []
    for name, verdict in verdicts.items():
        if name not in results:
            continue
        found = results[name]
        reported = {r for r, sev in found if sev in ("error", "warning")}
        not_eval = {r for r, sev in found if sev == "not-evaluated"}
        in_scope = verdict.get("in_scope", True)
        expected = {t["rule"] for t in true_list(verdict)} if in_scope else {SCOPE}
        for r in reported:
            ok = r in expected
            per_rule[r]["tp" if ok else "fp"] += 1
            if not ok:
                false_groups.append((name, r))
        for r in expected - reported:
            per_rule[r]["fn"] += 1
            misses.append((name, r))
        if in_scope:
            absent = set(verdict.get("absent") or [])
            for r in sorted(not_eval - absent):
                wrong_ne.append((name, r))
    tp = sum(c["tp"] for c in per_rule.values())
    fp = sum(c["fp"] for c in per_rule.values())
    fn = sum(c["fn"] for c in per_rule.values())
    return {
        "per_rule": per_rule,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "false_groups": false_groups,
        "misses": misses,
        "wrong_not_evaluated": wrong_ne,
    }


def run(folder: Path, jobs: int = 1) -> tuple[dict[str, list[tuple[str, str]]], dict[str, float], dict[str, str]]:
    files = sorted(folder.glob("*.docx"))
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            out = list(pool.map(_timed, files, chunksize=4))
    else:
        out = [_timed(f) for f in files]
    results = {name: findings for name, findings, _t, _e in out}
    times = {name: t for name, _f, t, _e in out}
    errors = {name: e for name, _f, _t, e in out if e}
    return results, times, errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--verdicts", type=Path, help="labelled verdicts (tests/corpus_verdicts.yaml)")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--details", action="store_true", help="list every false group, miss and wrong not-evaluated")
    args = ap.parse_args(argv)
    wall = time.perf_counter()
    results, times, errors = run(args.folder, args.jobs)
    wall = time.perf_counter() - wall
    counts: dict[str, Counter] = defaultdict(Counter)
    for findings in results.values():
        for r, sev in findings:
            counts[r][sev] += 1
    print(f"{len(results)} files, {wall:.1f} s wall with {args.jobs} job(s); "
          f"per file mean {sum(times.values()) / max(len(times), 1):.3f} s, max {max(times.values(), default=0):.3f} s "
          f"({max(times, key=times.get) if times else '-'})")  # fmt: skip
    if errors:
        print(f"CRASHES: {len(errors)}")
        for name, e in errors.items():
            print(f"  {name}: {e}")
    print(f"\n{'rule':<10} {'error':>6} {'warn':>6} {'not-ev':>7} {'files':>6}")
    for r in sorted(counts):
        files = sum(1 for fs in results.values() if any(x == r and s in ("error", "warning") for x, s in fs))
        c = counts[r]
        print(f"{r:<10} {c['error']:>6} {c['warning']:>6} {c['not-evaluated']:>7} {files:>6}")
    if args.verdicts:
        verdicts = load_verdicts(args.verdicts)
        s = score(results, verdicts)
        labelled = [n for n in verdicts if n in results]
        print(f"\nlabelled documents: {len(labelled)}")
        print(f"{'rule':<10} {'true':>5} {'false':>6} {'missed':>7} {'precision':>10} {'recall':>7}")
        for r in sorted(s["per_rule"]):
            c = s["per_rule"][r]
            p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else float("nan")
            rc = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else float("nan")
            print(f"{r:<10} {c['tp']:>5} {c['fp']:>6} {c['fn']:>7} {p:>10.2f} {rc:>7.2f}")
        total = s["tp"] + s["fp"]
        print(
            f"overall: {s['tp']} true, {s['fp']} false of {total} groups "
            f"({100 * s['fp'] / max(total, 1):.1f}% false); precision {s['precision']:.3f}, "
            f"recall {s['recall']:.3f} ({s['fn']} missed); "
            f"{len(s['wrong_not_evaluated'])} not-evaluated where the part is present"
        )
        if args.details:
            for label, rows in (("false", s["false_groups"]), ("missed", s["misses"]),
                                ("not-evaluated, part present", s["wrong_not_evaluated"])):  # fmt: skip
                for name, r in sorted(rows):
                    print(f"  {label}: {name} {r}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
