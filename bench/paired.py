"""One taskdedup command in two source trees, in paired rounds: each round runs both (which goes
first alternates) and keeps the difference, so a host that drifts between minutes moves both
sides of a pair alike. Prints the medians and every round's difference.

    python bench/paired.py --rounds 12 --old /tmp/old/src -- cluster petitions.csv -q --cache-dir C -o m.csv
    python bench/paired.py --rounds 8 --old /tmp/old/src --fresh C -- cluster petitions.csv -q --cache-dir C -o m.csv

--fresh removes that folder before every run: first runs, with the token cache empty.

On this machine's shared cores two runs of one tree differ by 10-40 % within minutes; a change
of a few percent shows in the median difference long before it shows in either median.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from runs import timed, tree_env  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--old", type=Path, required=True, help="the src/ folder of the tree to compare with")
    parser.add_argument("--fresh", type=Path, help="a folder (the command's --cache-dir) removed before every run")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="after --: the taskdedup command line")
    options = parser.parse_args()
    args = options.args[1:] if options.args[:1] == ["--"] else options.args
    if not args:
        raise SystemExit("give the taskdedup command after --")
    trees = {"old": tree_env(options.old), "new": tree_env(ROOT / "src")}
    command = [sys.executable, "-m", "taskdedup", *args]
    seconds: dict[str, list[float]] = {"old": [], "new": []}
    for round_ in range(options.rounds):
        order = ["old", "new"] if round_ % 2 == 0 else ["new", "old"]
        for name in order:
            if options.fresh:
                shutil.rmtree(options.fresh, ignore_errors=True)
            seconds[name].append(timed(command, trees[name], Path.cwd())[0])
    differences = [new - old for old, new in zip(seconds["old"], seconds["new"], strict=True)]
    print(f"{options.rounds} paired rounds: old {statistics.median(seconds['old']):.2f} s, new {statistics.median(seconds['new']):.2f} s, "
          f"median difference {statistics.median(differences):+.2f} s")
    print("per round (new - old):", " ".join(f"{d:+.2f}" for d in differences))


if __name__ == "__main__":
    main()
