"""`taskdedup link` at scale: the 85,856 petition titles split in two, the first 43,000 rows as the
existing projects and the other 42,856 as the new proposals, for two source trees side by side.

    git worktree add /tmp/old <commit>
    python bench/link.py --old /tmp/old/src [--rounds 4]

Each tree first fills its own token cache (and numba's compiled kernels), then the warm runs
alternate between the trees, `link new.csv existing.csv -q --cache-dir <warm> -o l.csv`. Prints
the median seconds and peak RSS of each, the new/old ratio, and whether the CSVs are identical.
Needs GNU time (/usr/bin/time) and ../shared/datasets.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from datasets import petition_titles  # noqa: E402
from runs import timed, tree_env  # noqa: E402

EXISTING_ROWS = 43_000


def split(titles: Path, folder: Path) -> tuple[Path, Path]:
    """(new, existing): the titles' rows after the first EXISTING_ROWS, and those."""
    import pandas as pd

    frame = pd.read_csv(titles, dtype=str, keep_default_na=False)
    new, existing = folder / "new.csv", folder / "existing.csv"
    frame.iloc[EXISTING_ROWS:].to_csv(new, index=False)
    frame.iloc[:EXISTING_ROWS].to_csv(existing, index=False)
    return new, existing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="the src/ folder of the tree to compare with")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    trees = {"old": args.old, "new": ROOT / "src"}
    figures: dict[str, list[tuple[float, int]]] = {name: [] for name in trees}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        new, existing = split(petition_titles(work), work)

        def run(name: str) -> tuple[float, int]:
            command = [sys.executable, "-m", "taskdedup", "link", str(new), str(existing), "-q", "--cache-dir", str(work / f"cache-{name}"),
                       "-o", "l.csv"]
            seconds, kb, _ = timed(command, tree_env(trees[name]), work / name)
            return seconds, kb

        for name in trees:
            (work / name).mkdir()
            run(name)  # fills the cache
        for round_ in range(args.rounds):
            for name in trees:
                figures[name].append(run(name))
            print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr, flush=True)
        same = (work / "old" / "l.csv").read_bytes() == (work / "new" / "l.csv").read_bytes()
    print(f"link: {len(figures['new'])} alternating rounds, medians; CSVs identical: {same}\n")
    print("| tree | seconds | peak MB |")
    print("|---|---|---|")
    for name, values in figures.items():
        print(f"| {name} | {statistics.median(v[0] for v in values):.2f} | {statistics.median(v[1] for v in values) / 1024:.0f} |")
    ratio = statistics.median(v[0] for v in figures["new"]) / statistics.median(v[0] for v in figures["old"])
    print(f"\nnew / old: x{ratio:.2f}")


if __name__ == "__main__":
    main()
