"""The default match at the sizes a ministry survey or a complaint batch has: 1,000 to 3,000
petition titles, where `auto` mixes in sentence embeddings (the dense path up to 2,000 rows, the
sparse join above), warm, side by side with an older tree, alternating run by run.

    python bench/midsize.py [--rounds 3] [--old /tmp/old/src] [--sizes 1000,2000,3000]

The embeddings are computed once (a cold run of the largest size, ~1 min) into a cache both trees
read: the embedder and its cache key are the same in both. Every figure is a whole `taskdedup
cluster ... -o m.csv` process (wall seconds, peak RSS, the cluster stage from -v); the table gives
medians and says whether both trees wrote the same CSV. Needs ../shared/datasets (the petitions).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from datasets import PETITIONS, petition_titles  # noqa: E402
from runs import timed, tree_env  # noqa: E402
from targets import stage  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--old", type=Path, help="the src/ folder of a tree to run alongside")
    parser.add_argument("--sizes", default="1000,2000,3000")
    args = parser.parse_args()
    if not PETITIONS.exists():
        raise SystemExit(f"{PETITIONS} not found")
    sizes = [int(s) for s in args.sizes.split(",")]
    trees = {"new": ROOT / "src"} | ({"old": args.old} if args.old else {})
    py = sys.executable
    figures: dict[tuple[int, str], list[tuple[float, int, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        lines = petition_titles(work).read_text(encoding="utf-8").splitlines(keepends=True)
        inputs = {}
        for size in sizes:
            inputs[size] = work / f"p{size}.csv"
            inputs[size].write_text("".join(lines[: size + 1]), encoding="utf-8")
        cache = ["--cache-dir", str(work / "cache")]
        for name, src in trees.items():  # embeddings into the shared cache once, and numba's kernels compiled for each tree
            for size in sorted(sizes, reverse=True):
                timed([py, "-m", "taskdedup", "cluster", str(inputs[size]), "-q", *cache, "-o", "w.csv"], tree_env(src), work)
        for round_ in range(args.rounds):
            for size in sizes:
                for name, src in trees.items():
                    command = [py, "-m", "taskdedup", "cluster", str(inputs[size]), "-v", *cache, "-o", f"{name}-{size}.csv"]
                    seconds, kb, err = timed(command, tree_env(src), work)
                    figures.setdefault((size, name), []).append((seconds, kb, stage(err, "cluster")))
            print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr, flush=True)
        same = {size: len({(work / f"{name}-{size}.csv").read_bytes() for name in trees}) == 1 for size in sizes}
    print(f"{args.rounds} alternating rounds, medians, warm (embeddings cached)\n")
    print("| titles | tree | seconds | cluster stage s | peak MB | same CSV |")
    print("|---|---|---|---|---|---|")
    for (size, name), values in figures.items():
        print(f"| {size:,} | {name} | {statistics.median(v[0] for v in values):.2f} | {statistics.median(v[2] for v in values):.2f} "
              f"| {statistics.median(v[1] for v in values) / 1024:.0f} | {same[size]} |")


if __name__ == "__main__":
    main()
