"""Start-up against the floor: `taskdedup --version` and the 52-row sample, whole process, next to
what any run must pay (the interpreter; importing pandas and scikit-learn's TF-IDF).

    git worktree add /tmp/old <commit>
    python bench/startup.py [--old /tmp/old/src] [--runs 7]

Every command runs once per round, rounds alternate, medians are printed with each command's ratio
to the floor measured in the same rounds (2 shared cores: absolute seconds drift, ratios less).
The sample runs are warm (the token and embedding cache of a first run), as an analyst's second
run is; the first, cold run costs the embedding model's start on top (bench/speed.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from runs import tree_env  # noqa: E402

SAMPLE = ROOT / "data" / "samples" / "survey_2018.xlsx"
FLOOR = "import pandas, sklearn.feature_extraction.text"


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="the src/ folder of a tree to compare with")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    trees = {"new": ROOT / "src", **({"old": args.old} if args.old else {})}
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        commands: dict[str, tuple[list[str], dict[str, str]]] = {
            "python -c pass": ([py, "-c", "pass"], dict(os.environ)),
            f'floor: python -c "{FLOOR}"': ([py, "-c", FLOOR], dict(os.environ)),
        }
        for name, src in trees.items():
            env = tree_env(src)
            cache = str(work / f"cache-{name}")
            run = [py, "-m", "taskdedup", "cluster", str(SAMPLE), "-q", "--cache-dir", cache]
            subprocess.run(run, env=env, capture_output=True, check=True)  # fills the cache
            commands[f"{name}: taskdedup --version"] = ([py, "-m", "taskdedup", "--version"], env)
            commands[f"{name}: sample, terminal only"] = (run, env)
            commands[f"{name}: sample -o proposals.xlsx (README)"] = ([*run, "-o", str(work / f"{name}.xlsx")], env)
        seconds: dict[str, list[float]] = {k: [] for k in commands}
        for round_ in range(args.runs):
            for label, (command, env) in commands.items():
                seconds[label].append(timed(command, env))
            print(f"round {round_ + 1}/{args.runs} done", file=sys.stderr, flush=True)
    floor = statistics.median(seconds[f'floor: python -c "{FLOOR}"'])
    print(f"{args.runs} alternating rounds, medians\n")
    print("| command | seconds | / floor |")
    print("|---|---|---|")
    for label, values in seconds.items():
        median = statistics.median(values)
        print(f"| {label} | {median:.2f} | x{median / floor:.2f} |")


if __name__ == "__main__":
    main()
