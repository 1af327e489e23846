"""Fit a match model (src/taskdedup/data/match.json): for fixed signal weights, the probability scale
p = 1 / (1 + exp(-slope * (score - midpoint))) of the mixed score, on the public labelled sets.

    python bench/fit_match.py --model hybrid --char-weight 0.1 --embedding-weight 0.8 \
        [--sets sample,korsts,question_pair,parakqc] [--cache-dir DIR] [--write src/taskdedup/data/match.json]

Per set, the cosines are computed as the pipeline computes them on that set alone (TF-IDF is fitted
per input): word TF-IDF (mecab + lexicon), character 2-3-grams, the e5 embedding; the mixed score is
their weighted sum, as text/vectors.py makes it.

- midpoint (p = 0.5): the cut of the average-linkage tree with the best pairwise F1 averaged over
  the sets, each set weighing the same, and over thresholds within 0.01 of it (ties: the lower). The threshold decides merges of groups,
  so it is fitted on what the clustering does, not on pairs alone.
- slope: a logistic regression of "same project" on the mixed score over labelled pairs (a pair
  set's pairs; in a cluster set every pair inside a gold cluster, sampled to 20,000, and as many of
  each row's most similar pairs across clusters), each set and each class weighing the same.

The weights themselves were chosen on the same sets by clustering F1 (docs/BENCHMARKS.md): a pair
logistic over the three cosines puts them elsewhere and moves when one set is left out.
Prints the model, its F1 on each set at the midpoint, each set's own best, and the midpoint chosen
with each set left out.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from datasets import ALL, Dataset  # noqa: E402
from quality import embeddings_of, score  # noqa: E402

from taskdedup.clustering.tree import build_tree, similarity_matrix  # noqa: E402
from taskdedup.text.lexicon import builtin  # noqa: E402
from taskdedup.text.normalize import normalize  # noqa: E402
from taskdedup.text.tokenizers import make_tokenizer  # noqa: E402
from taskdedup.text.tokens import tokens_of  # noqa: E402
from taskdedup.text.vectors import char_grams, vectorize  # noqa: E402

DECIMALS = 3


def mixed_similarity(data: Dataset, char_weight: float, embedding_weight: float, cache_dir: Path | None) -> np.ndarray:
    texts = [normalize(t) for t in data.texts]
    words = similarity_matrix(vectorize(tokens_of(texts, make_tokenizer("mecab"), builtin())).matrix)
    mixed = (1.0 - char_weight - embedding_weight) * words
    del words
    if char_weight > 0:
        mixed += char_weight * similarity_matrix(vectorize(char_grams(texts)).matrix)
    if embedding_weight > 0:
        mixed += embedding_weight * similarity_matrix(embeddings_of(data, cache_dir).astype(np.float64))
    return np.round(mixed, 9)


def pairs_of(data: Dataset, sim: np.ndarray, limit: int = 20_000) -> list[tuple[int, int, bool]]:
    if data.gold is None:
        return data.pairs
    gold = np.array(data.gold)
    same = [(i, j, True) for i in range(len(gold)) for j in np.flatnonzero(gold == gold[i]).tolist() if j > i]
    rng = np.random.default_rng(0)
    same = [same[k] for k in sorted(rng.choice(len(same), min(limit, len(same)), replace=False))]
    per_row = max(1, len(same) // len(gold))
    negatives: set[tuple[int, int, bool]] = set()
    for i in range(len(gold)):
        order = np.argsort(-sim[i], kind="stable")
        picked = [int(j) for j in order if gold[j] != gold[i]][:per_row]
        negatives.update((min(i, j), max(i, j), False) for j in picked)
    return same + sorted(negatives)


def fit_slope(scores: dict[str, np.ndarray], labels: dict[str, np.ndarray]) -> tuple[float, float]:
    """Balanced logistic regression of the label on the score: (slope, intercept)."""
    x = np.concatenate(list(scores.values()))
    y = np.concatenate(list(labels.values()))
    w = np.concatenate([np.where(labels[n] > 0, 0.5 / max(1, labels[n].sum()), 0.5 / max(1, (1 - labels[n]).sum())) for n in labels])

    def loss(beta: np.ndarray) -> tuple[float, np.ndarray]:
        z = beta[0] + beta[1] * x
        p = 1 / (1 + np.exp(-z))
        eps = 1e-12
        value = -np.sum(w * (y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))) / w.sum()
        grad = w * (p - y) / w.sum()
        return value, np.array([grad.sum(), grad @ x])

    beta = minimize(loss, np.zeros(2), jac=True, bounds=[(None, None), (0, None)], method="L-BFGS-B").x
    return float(beta[1]), float(beta[0])


SMOOTH = 0.01  # the midpoint's F1 is averaged over thresholds this close to it


def best_mean(f1: dict[str, dict[float, float]], names: list[str]) -> float:
    """The threshold with the best mean F1 over the sets, averaged over its neighbourhood: where a
    set peaks sharply (the sample falls from 0.92 to 0.78 between 0.79 and 0.80), an unseen input
    whose peak sits a little apart should not fall off the edge. Ties go to the lower threshold."""
    thresholds = sorted(next(iter(f1.values())))

    def smoothed(t: float) -> float:
        near = [u for u in thresholds if abs(u - t) <= SMOOTH + 1e-9]
        return float(np.mean([f1[n][u] for n in names for u in near]))

    return max(thresholds, key=lambda t: (round(smoothed(t), 9), -t))


LOCAL_OPTIONS = ("--cache-dir", "--write", "--grid-json")  # where files go, not what is fitted


def fit_command(argv: list[str]) -> str:
    """The command that reproduces the fit, without this machine's paths."""
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in LOCAL_OPTIONS:
            skip = True
        elif not arg.startswith(tuple(f"{o}=" for o in LOCAL_OPTIONS)):
            kept.append(arg)
    return "python bench/fit_match.py " + " ".join(kept)


def score_at(curve: dict[float, float], threshold: float) -> float:
    return curve[min(curve, key=lambda t: abs(t - threshold))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, choices=["hybrid", "lexical"])
    parser.add_argument("--char-weight", type=float, required=True)
    parser.add_argument("--embedding-weight", type=float, default=0.0)
    parser.add_argument("--sets", default="sample,korsts,question_pair,parakqc")
    parser.add_argument("--grid", default="0.10:0.95:0.005", help="thresholds start:stop:step")
    parser.add_argument("--cache-dir", type=Path)
    parser.add_argument("--write", type=Path, help="update this match.json with the fitted model")
    parser.add_argument("--midpoint", type=float, help="keep this midpoint (chosen elsewhere, e.g. issue #2's lexical default) and fit the slope")
    parser.add_argument("--grid-json", type=Path, help="also write every set's F1 at every threshold here")
    args = parser.parse_args()
    start, stop, step = (float(v) for v in args.grid.split(":"))
    grid = [round(t, 4) for t in np.arange(start, stop + step / 2, step)]
    f1: dict[str, dict[float, float]] = {}
    scores: dict[str, np.ndarray] = {}
    labels: dict[str, np.ndarray] = {}
    names = []
    for key in args.sets.split(","):
        data = ALL[key]()
        sim = mixed_similarity(data, args.char_weight, args.embedding_weight, args.cache_dir)
        tree = build_tree(sim, "average")
        f1[data.name] = {t: score(data, tree.cut(t)) for t in grid}
        pairs = pairs_of(data, sim)
        scores[data.name] = np.array([sim[i, j] for i, j, _ in pairs])
        labels[data.name] = np.array([same for _, _, same in pairs], dtype=float)
        names.append(data.name)
        print(f"{data.name}: {len(pairs)} pairs, best F1 {max(f1[data.name].values()):.3f}", file=sys.stderr, flush=True)
    midpoint = args.midpoint if args.midpoint is not None else best_mean(f1, names)
    slope, intercept = fit_slope(scores, labels)
    figures = {
        "command": fit_command(sys.argv[1:]),
        "f1_at_midpoint": {n: round(score_at(f1[n], midpoint), DECIMALS) for n in names},
        "mean_f1_at_midpoint": round(float(np.mean([score_at(f1[n], midpoint) for n in names])), DECIMALS),
        "best_smoothed_midpoint": best_mean(f1, names),
        "best_per_set": {n: [round(max(f1[n].values()), DECIMALS), max(f1[n], key=lambda t, n=n: (f1[n][t], -t))] for n in names},
        "midpoint_without": {n: best_mean(f1, [m for m in names if m != n]) for n in names},
        "pair_fit_midpoint": round(-intercept / slope, 4) if slope else None,
    }
    model = {"char_weight": args.char_weight, "embedding_weight": args.embedding_weight, "slope": round(slope, 3), "midpoint": midpoint, "figures": figures}
    print(json.dumps({args.model: model}, indent=1, ensure_ascii=False))
    if args.grid_json:
        args.grid_json.write_text(json.dumps({n: {str(t): v for t, v in f1[n].items()} for n in names}, indent=0))
    if args.write:
        shipped = json.loads(args.write.read_text(encoding="utf-8")) if args.write.exists() else {"models": {}}
        shipped["models"][args.model] = model
        args.write.write_text(json.dumps(shipped, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
