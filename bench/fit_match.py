"""Fit the match model: one logistic over the signals' cosines, the probability that two rows are
the same project, on labelled pairs of the public sets. Issue #11's calibration, first measurement.

    python bench/fit_match.py [--sets sample,korsts,question_pair,parakqc] [--cache-dir DIR] [--json out.json]

Per set, the cosines are computed as the pipeline computes them on that set alone (TF-IDF is fitted
per input): word TF-IDF (mecab + lexicon), character 2-3-grams, e5 embedding. Pairs: a pair set's
labelled pairs; for a cluster set, every pair inside a gold cluster and as many pairs across
clusters, the most similar first (the hard negatives a threshold has to separate). Each set weighs
the same and its two classes weigh the same. Coefficients are kept non-negative, so the
probability never falls when a signal rises. Prints the coefficients, the clustering weights and
threshold they imply, and leave-one-set-out log loss.
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
from quality import embeddings_of  # noqa: E402

from taskdedup.text.lexicon import builtin  # noqa: E402
from taskdedup.text.normalize import normalize  # noqa: E402
from taskdedup.text.tokenizers import make_tokenizer  # noqa: E402
from taskdedup.text.tokens import tokens_of  # noqa: E402
from taskdedup.text.vectors import char_grams, vectorize  # noqa: E402

SIGNALS = ("word", "char", "embedding")


def pairs_of(data: Dataset, words: np.ndarray, limit: int = 20_000) -> list[tuple[int, int, bool]]:
    if data.gold is None:
        return data.pairs
    gold = np.array(data.gold)
    same = [(i, j, True) for i in range(len(gold)) for j in np.flatnonzero(gold == gold[i]).tolist() if j > i]
    rng = np.random.default_rng(0)
    same = [same[k] for k in sorted(rng.choice(len(same), min(limit, len(same)), replace=False))]
    # hard negatives: each row's most similar rows (by words) outside its cluster
    negatives: list[tuple[int, int, bool]] = []
    per_row = max(1, len(same) // len(gold))
    for i in range(len(gold)):
        sims = words[i]
        order = np.argsort(-sims)
        picked = [int(j) for j in order if gold[j] != gold[i]][:per_row]
        negatives += [(min(i, j), max(i, j), False) for j in picked]
    return same + sorted(set(negatives))


def features(data: Dataset, cache_dir: Path | None) -> tuple[np.ndarray, np.ndarray]:
    texts = [normalize(t) for t in data.texts]
    tokenizer = make_tokenizer("mecab")
    words = vectorize(tokens_of(texts, tokenizer, builtin())).matrix
    chars = vectorize(char_grams(texts)).matrix
    emb = embeddings_of(data, cache_dir).astype(np.float64)
    dense_words = (words @ words.T).toarray() if data.gold is not None else None
    pairs = pairs_of(data, dense_words) if dense_words is not None else data.pairs
    i = np.array([p[0] for p in pairs])
    j = np.array([p[1] for p in pairs])
    x = np.column_stack([
        np.asarray(words[i].multiply(words[j]).sum(axis=1)).ravel(),
        np.asarray(chars[i].multiply(chars[j]).sum(axis=1)).ravel(),
        np.einsum("ij,ij->i", emb[i], emb[j]),
    ])
    return x, np.array([p[2] for p in pairs], dtype=float)


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted logistic regression, slopes >= 0, a little L2 on the slopes."""
    def loss(beta: np.ndarray) -> tuple[float, np.ndarray]:
        z = beta[0] + x @ beta[1:]
        p = 1 / (1 + np.exp(-z))
        eps = 1e-12
        value = -np.sum(w * (y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))) / w.sum() + 1e-4 * np.sum(beta[1:] ** 2)
        grad_z = w * (p - y) / w.sum()
        return value, np.concatenate([[grad_z.sum()], x.T @ grad_z + 2e-4 * beta[1:]])

    start = np.zeros(1 + x.shape[1])
    bounds = [(None, None)] + [(0, None)] * x.shape[1]
    return minimize(loss, start, jac=True, bounds=bounds, method="L-BFGS-B").x


def weights_for(xs: dict[str, np.ndarray], ys: dict[str, np.ndarray], names: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.vstack([xs[n] for n in names])
    y = np.concatenate([ys[n] for n in names])
    w = np.concatenate([np.where(ys[n] > 0, 0.5 / max(1, ys[n].sum()), 0.5 / max(1, (1 - ys[n]).sum())) for n in names])
    return x, y, w


def implied(beta: np.ndarray) -> dict[str, float]:
    total = float(beta[1:].sum())
    out = {f"{s}_weight": float(b / total) for s, b in zip(SIGNALS, beta[1:], strict=True)}
    out["threshold_at_p50"] = float(-beta[0] / total)  # the mixed cosine where p = 0.5
    out["scale"] = total
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="sample,korsts,question_pair,parakqc")
    parser.add_argument("--cache-dir", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    xs, ys = {}, {}
    for name in args.sets.split(","):
        data = ALL[name]()
        xs[name], ys[name] = features(data, args.cache_dir)
        print(f"{data.name}: {len(ys[name])} pairs, {int(ys[name].sum())} same", file=sys.stderr, flush=True)
    names = list(xs)
    beta = fit(*weights_for(xs, ys, names))
    result = {"intercept": float(beta[0]), **{f"{s}_coefficient": float(b) for s, b in zip(SIGNALS, beta[1:], strict=True)}, **implied(beta)}
    print(json.dumps(result, indent=1))
    print("leave one set out: implied weights and threshold when the set is not seen", file=sys.stderr)
    for held in names:
        rest = [n for n in names if n != held]
        b = fit(*weights_for(xs, ys, rest))
        print(held, json.dumps({k: round(v, 3) for k, v in implied(b).items()}), file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
