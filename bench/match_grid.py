"""Signal weights by clustering F1: for each (character, embedding) weight pair, the pairwise F1 of
the average-linkage tree of the mixed similarity on every set, at every threshold, and the best
threshold common to all sets.

    python bench/match_grid.py --configs 0.1/0.8,0.26/0.676,0.05/0.9 [--sets ...] [--grid 0.60:0.95:0.01] [--cache-dir DIR]

A config is CHAR/EMBEDDING; the words get the rest. Prints, per config, the best mean F1 at one
threshold with each set's F1 there, and each set's own best. How the shipped weights were chosen.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from datasets import ALL  # noqa: E402
from fit_match import mixed_similarity  # noqa: E402
from quality import score  # noqa: E402

from taskdedup.clustering.tree import build_tree  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", required=True)
    parser.add_argument("--sets", default="sample,korsts,question_pair,parakqc")
    parser.add_argument("--grid", default="0.60:0.95:0.01", help="thresholds start:stop:step")
    parser.add_argument("--cache-dir", type=Path)
    args = parser.parse_args()
    start, stop, step = (float(v) for v in args.grid.split(":"))
    grid = [round(t, 4) for t in np.arange(start, stop + step / 2, step)]
    configs = [tuple(float(x) for x in c.split("/")) for c in args.configs.split(",")]
    f1: dict[tuple[float, float], dict[str, dict[float, float]]] = {c: {} for c in configs}
    for key in args.sets.split(","):
        data = ALL[key]()
        for char, embedding in configs:
            tree = build_tree(mixed_similarity(data, char, embedding, args.cache_dir), "average")
            f1[(char, embedding)][data.name] = {t: score(data, tree.cut(t)) for t in grid}
            print(f"{data.name} {char}/{embedding} done", file=sys.stderr, flush=True)
    print("| word / char / embedding | best common threshold | " + " | ".join(next(iter(f1.values()))) + " | mean | each set's best |")
    print("|---|---|" + "---|" * (len(next(iter(f1.values()))) + 2))
    for (char, embedding), sets in f1.items():
        best = max(grid, key=lambda t: (np.mean([sets[n][t] for n in sets]), -t))
        cells = " | ".join(f"{sets[n][best]:.3f}" for n in sets)
        own = ", ".join(f"{max(v.values()):.3f} @{max(v, key=v.get):.2f}" for v in sets.values())
        print(f"| {1 - char - embedding:.3g} / {char:g} / {embedding:g} | {best:.2f} | {cells} | {np.mean([sets[n][best] for n in sets]):.3f} | {own} |")


if __name__ == "__main__":
    main()
