"""Whole-process time and peak memory of `taskdedup cluster`, cold (empty token and embedding
cache) and warm (the cache of the run before), for two source trees side by side.

    git worktree add /tmp/old <commit>
    python bench/speed.py --old /tmp/old/src [--runs 5] [--input data/samples/survey_2018.xlsx] [--args "..."] [--suffix .csv]

Runs alternate between the trees so that drift on a shared machine hits both alike; prints the
median seconds and peak RSS of each, and the new/old ratio. Needs GNU time (/usr/bin/time).
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def once(src: Path, input_path: str, extra: list[str], cache: Path, out: Path) -> tuple[float, int]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = ["/usr/bin/time", "-f", "%e %M", sys.executable, "-m", "taskdedup", "cluster", input_path, "-q",
               "-o", str(out), "--cache-dir", str(cache), *extra]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(command)} failed:\n{done.stderr}")
    seconds, kb = done.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kb)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="the src/ folder of the tree to compare with")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--input", default=str(ROOT / "data" / "samples" / "survey_2018.xlsx"))
    parser.add_argument("--args", default="", help="extra options for both trees")
    parser.add_argument("--new-args", default="", help="extra options for the new tree only")
    parser.add_argument("--skip-cold", action="store_true")
    parser.add_argument("--suffix", default=".xlsx", help="the export written: .xlsx (the review workbook), .csv, .json, .html")
    args = parser.parse_args()
    trees = {"old": (args.old, shlex.split(args.args)), "new": (ROOT / "src", shlex.split(args.args) + shlex.split(args.new_args))}
    figures: dict[tuple[str, str], list[tuple[float, int]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for run in range(args.runs):
            for name, (src, extra) in trees.items():
                out = work / f"{name}{args.suffix}"
                warm = work / f"{name}-cold-0"  # the first cold run fills the cache the warm runs read
                if not args.skip_cold:
                    cold = work / f"{name}-cold-{run}"
                    figures.setdefault((name, "cold"), []).append(once(src, args.input, extra, cold, out))
                elif run == 0:
                    once(src, args.input, extra, warm, out)
                figures.setdefault((name, "warm"), []).append(once(src, args.input, extra, warm, out))
            print(f"run {run + 1}/{args.runs} done", file=sys.stderr, flush=True)
    print(f"`{Path(args.input).name}` {args.args} ({args.runs} runs each, alternating; medians)\n")
    print("| tree | cache | seconds | peak MB |")
    print("|---|---|---|---|")
    for (name, cache), values in figures.items():
        print(f"| {name} | {cache} | {statistics.median(v[0] for v in values):.2f} | {statistics.median(v[1] for v in values) / 1024:.0f} |")
    for cache in ("cold", "warm"):
        if ("old", cache) in figures:
            ratio = statistics.median(v[0] for v in figures[("new", cache)]) / statistics.median(v[0] for v in figures[("old", cache)])
            print(f"\nnew / old, {cache}: {ratio:.2f}")


if __name__ == "__main__":
    main()
