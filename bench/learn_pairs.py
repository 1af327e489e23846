"""What learning from 50 labelled pairs buys on each public set (issue #13).

    python bench/learn_pairs.py [--sets sample,korsts,question_pair,parakqc] [--draws 10] [--pairs 50] [--select] [--cache-dir DIR]

Per set, the signals' cosines are computed as the pipeline computes them on that set alone (word
TF-IDF with mecab and the lexicon, character 2-3-grams, the e5 embedding; fit_match.py does the
same). A set's labelled pairs (a pair set's own; for a cluster set, its gold pairs and as many
hardest negatives, as fit_match.py draws them) are shuffled with a fixed seed and halved: the
training part and the held-out part. Each draw takes `--pairs` pairs from the training part,
refits the built-in hybrid model on them exactly as `taskdedup learn` does
(clustering/learn.py), and scores both models on the whole held-out part: pairwise precision,
recall and F1 with p >= 0.5 as "same". With --select, each draw goes through `learn()` as the
command does: the refit is kept only when its cross-validated F1 on the drawn pairs beats the
built-in model's. Prints one row per set: the built-in F1, the mean and range of the learned F1
over the draws, and how many draws improved it, left it or lowered it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from datasets import ALL, Dataset  # noqa: E402
from fit_match import pairs_of  # noqa: E402
from quality import embeddings_of  # noqa: E402

from taskdedup.clustering.learn import STRENGTH, fit, learn, probabilities, scores  # noqa: E402
from taskdedup.clustering.match import match_model  # noqa: E402
from taskdedup.clustering.tree import similarity_matrix  # noqa: E402
from taskdedup.text.lexicon import builtin  # noqa: E402
from taskdedup.text.normalize import normalize  # noqa: E402
from taskdedup.text.tokenizers import make_tokenizer  # noqa: E402
from taskdedup.text.tokens import tokens_of  # noqa: E402
from taskdedup.text.vectors import char_grams, vectorize  # noqa: E402


def signal_matrices(data: Dataset, cache_dir: Path | None) -> list[np.ndarray]:
    """Each signal's rows, L2-normalised: words, characters, embedding."""
    texts = [normalize(t) for t in data.texts]
    words = vectorize(tokens_of(texts, make_tokenizer("mecab"), builtin())).matrix
    chars = vectorize(char_grams(texts)).matrix
    emb = embeddings_of(data, cache_dir).astype(np.float64)
    emb /= np.where(np.linalg.norm(emb, axis=1, keepdims=True) == 0, 1.0, np.linalg.norm(emb, axis=1, keepdims=True))
    return [words, chars, emb]


def pair_cosines(parts: list, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    out = []
    for m in parts:
        if isinstance(m, np.ndarray):
            out.append((m[left] * m[right]).sum(axis=1))
        else:
            out.append(np.asarray(m[left].multiply(m[right]).sum(axis=1)).ravel())
    return np.column_stack(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="sample,korsts,question_pair,parakqc")
    parser.add_argument("--draws", type=int, default=10)
    parser.add_argument("--pairs", type=int, default=50)
    parser.add_argument("--strength", type=float, default=STRENGTH)
    parser.add_argument("--cache-dir", type=Path)
    parser.add_argument("--select", action="store_true", help="keep the built-in model unless cross-validation on the drawn pairs favours the refit")
    args = parser.parse_args()
    prior = match_model("hybrid")
    print(f"| set | labelled pairs (train / held out) | built-in F1 | learned F1, mean of {args.draws} draws of {args.pairs} | range | draws better / same / worse |")
    print("|---|---|---|---|---|---|")
    for name in args.sets.split(","):
        try:
            data = ALL[name]()
        except FileNotFoundError as exc:
            print(f"skipping {name}: {exc}", file=sys.stderr)
            continue
        parts = signal_matrices(data, args.cache_dir)
        if data.gold is not None:  # the mixed similarity of the built-in model, for the hardest negatives
            mixed = sum(w * similarity_matrix(p if isinstance(p, np.ndarray) else p) for w, p in
                        zip((prior.word_weight, prior.char_weight, prior.embedding_weight), parts, strict=True))
            labelled = pairs_of(data, np.round(mixed, 9))
            del mixed
        else:
            labelled = data.pairs
        rng = np.random.default_rng(0)
        order = rng.permutation(len(labelled))
        train, held = order[: len(order) // 2], order[len(order) // 2 :]
        left = np.array([labelled[k][0] for k in range(len(labelled))])
        right = np.array([labelled[k][1] for k in range(len(labelled))])
        same = np.array([labelled[k][2] for k in range(len(labelled))], dtype=bool)
        features = pair_cosines(parts, left, right)
        base = scores(same[held], probabilities(prior, features[held]) >= 0.5)
        learned = []
        for draw in range(args.draws):
            pick = np.random.default_rng(1 + draw).choice(train, size=min(args.pairs, len(train)), replace=False)
            model = learn(features[pick], same[pick], prior, args.strength).model if args.select else fit(features[pick], same[pick], prior, args.strength)
            learned.append(scores(same[held], probabilities(model, features[held]) >= 0.5).f1)
        better, worse = sum(f > base.f1 for f in learned), sum(f < base.f1 for f in learned)
        print(f"| {data.name} | {len(train):,} / {len(held):,} | {base.f1:.3f} | {np.mean(learned):.3f} | {min(learned):.3f}-{max(learned):.3f} | "
              f"{better} / {len(learned) - better - worse} / {worse} |", flush=True)


if __name__ == "__main__":
    main()
