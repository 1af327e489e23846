"""When do the dense and the sparse engine (and the textbook scikit-learn pipeline) part ways?

    python bench/ties.py [--slices 0:10000,30000:50000] [--trials 3000]

1. Real titles: slices of the 85,856 petition titles through taskdedup's dense engine, its sparse
   engine and scikit-learn's AgglomerativeClustering on the same vectors (raw float similarities,
   no rounding), at the default threshold; adjusted Rand index of each pair of partitions.
2. Tie-heavy vectors: small random rows of the weights 0, 1, 2 (so that exact ties between
   different pairs are everywhere), both engines, average and complete linkage, three thresholds;
   how many partitions differ.
Needs ../shared/datasets for the first part (skipped without).
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from datasets import DATASETS  # noqa: E402

PETITIONS = DATASETS / "petitions_2019_2021" / "petition_data.csv"


def real_slices(slices: list[tuple[int, int]]) -> None:
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import adjusted_rand_score

    from taskdedup.config import Settings
    from taskdedup.input.tables import read_table
    from taskdedup.pipeline import assemble, prepare

    with PETITIONS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    print("| titles | clusters dense / sparse / textbook | ARI dense-sparse | ARI textbook-dense |")
    print("|---|---|---|---|")
    for start, stop in slices:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "slice.csv"
            with path.open("w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(["번호", "제목"])
                writer.writerows([r["id"], r["title"]] for r in rows[start:stop])
            table = read_table(str(path))
        labels = {}
        for engine in ("dense", "sparse"):
            prepared = prepare(table, Settings(method=engine, similarity="lexical"), cache=None)
            result = assemble(prepared)
            by_row = {m.submission.row_id: c.cluster_id for c in result.clusters for m in c.members}
            labels[engine] = [by_row[s.row_id] for s in prepared.clustered]
        matrix = prepared.vectors.matrix
        similarity = (matrix @ matrix.T).toarray()
        cut = prepared.match.score_at(prepared.settings.threshold)
        textbook = AgglomerativeClustering(metric="precomputed", linkage="average", distance_threshold=1 - cut, n_clusters=None)
        book = textbook.fit_predict(np.clip(1 - similarity, 0, None))
        counts = " / ".join(str(len(set(x))) for x in (labels["dense"], labels["sparse"], book))
        print(f"| {start:,}-{stop:,} | {counts} | {adjusted_rand_score(labels['dense'], labels['sparse']):.5f} | "
              f"{adjusted_rand_score(book, labels['dense']):.5f} |", flush=True)


def tie_heavy(trials: int) -> None:
    from taskdedup.clustering.sparse import sparse_tree
    from taskdedup.clustering.tree import build_tree, similarity_matrix

    rng = np.random.default_rng(1)
    cases = differ = 0
    for _ in range(trials):
        n, d = int(rng.integers(4, 12)), int(rng.integers(3, 6))
        x = rng.integers(0, 3, size=(n, d)).astype(float)
        x[x.sum(axis=1) == 0, 0] = 1.0
        matrix = sp.csr_matrix(x / np.linalg.norm(x, axis=1, keepdims=True))
        dense_similarity = similarity_matrix(matrix)
        for linkage in ("average", "complete"):
            for threshold in (0.4, 0.6, 0.75):
                cases += 1
                dense = build_tree(dense_similarity, linkage).cut(threshold)
                tree, _ = sparse_tree(matrix, linkage, threshold)
                sparse = tree.cut(threshold)
                groups = [{frozenset(np.flatnonzero(lab == k).tolist()) for k in set(lab.tolist())} for lab in (dense, sparse)]
                differ += groups[0] != groups[1]
    print(f"\ntie-heavy random rows: {differ} of {cases} partitions differ between the engines ({differ / cases:.1%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slices", default="0:10000,30000:50000")
    parser.add_argument("--trials", type=int, default=3000)
    args = parser.parse_args()
    if PETITIONS.exists():
        real_slices([tuple(int(v) for v in s.split(":")) for s in args.slices.split(",")])  # type: ignore[misc]
    else:
        print(f"skipping the real titles: {PETITIONS} not found", file=sys.stderr)
    tie_heavy(args.trials)


if __name__ == "__main__":
    main()
