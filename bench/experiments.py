"""Feature variants tried for issue #3, scored like bench/quality.py (pairwise F1 by threshold).

    python bench/experiments.py [--sets ...] [--variants ...]

Kept as a record of what was tried; the winner lives in the library.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize as l2

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from datasets import ALL  # noqa: E402
from quality import THRESHOLDS, score  # noqa: E402

from taskdedup.clustering.tree import build_tree, similarity_matrix  # noqa: E402
from taskdedup.text.lexicon import EMPTY, builtin  # noqa: E402
from taskdedup.text.normalize import normalize  # noqa: E402
from taskdedup.text.tokenizers import CharNgramTokenizer, make_tokenizer  # noqa: E402
from taskdedup.text.tokens import tokens_of  # noqa: E402
from taskdedup.text.vectors import vectorize  # noqa: E402


def bigrams(tokens: list[str]) -> list[str]:
    return tokens + [f"{a}_{b}" for a, b in zip(tokens, tokens[1:])]


def hybrid(morph: list[list[str]], chars: list[list[str]], weight: float) -> sp.csr_matrix:
    a = vectorize(morph).matrix
    b = vectorize(chars).matrix
    return l2(sp.hstack([a * np.sqrt(1 - weight), b * np.sqrt(weight)]).tocsr())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default="sample,korsts,question_pair,parakqc")
    parser.add_argument("--variants", default="mecab,mecab-nolex,mecab-bigram,hybrid-0.3,hybrid-0.5,okt-hybrid-0.5")
    args = parser.parse_args()
    variants = args.variants.split(",")
    table: dict[str, dict[str, dict[float, float]]] = {v: {} for v in variants}
    for set_name in args.sets.split(","):
        data = ALL[set_name]()
        texts = [normalize(t) for t in data.texts]
        cache: dict[tuple[str, str], list[list[str]]] = {}

        def toks(analyser: str, lexicon: str) -> list[list[str]]:
            if (analyser, lexicon) not in cache:
                lx = builtin() if lexicon == "builtin" else EMPTY
                cache[(analyser, lexicon)] = tokens_of(texts, make_tokenizer(analyser), lx)
            return cache[(analyser, lexicon)]

        chars = CharNgramTokenizer().tokenize_many(texts)
        for v in variants:
            print(f"{data.name}: {v}", file=sys.stderr, flush=True)
            if v == "mecab":
                m = vectorize(toks("mecab", "builtin")).matrix
            elif v == "mecab-nolex":
                m = vectorize(toks("mecab", "none")).matrix
            elif v == "mecab-bigram":
                m = vectorize([bigrams(t) for t in toks("mecab", "builtin")]).matrix
            elif v.startswith("hybrid-"):
                m = hybrid(toks("mecab", "builtin"), chars, float(v.split("-")[1]))
            elif v.startswith("okt-hybrid-"):
                m = hybrid(toks("okt", "builtin"), chars, float(v.split("-")[2]))
            else:
                raise SystemExit(f"unknown variant {v}")
            tree = build_tree(similarity_matrix(m), "average")
            table[v][data.name] = {t: score(data, tree.cut(t)) for t in THRESHOLDS}
    sets = list(next(iter(table.values())))
    print("| variant | set | " + " | ".join(f"{t:.2f}" for t in THRESHOLDS) + " | best |")
    print("|---|---|" + "---|" * (len(THRESHOLDS) + 1))
    for v in variants:
        for s in sets + ["mean"]:
            row = table[v][s] if s != "mean" else {t: float(np.mean([table[v][x][t] for x in sets])) for t in THRESHOLDS}
            best = max(row, key=row.get)
            print(f"| {v} | {s} | " + " | ".join(f"{row[t]:.3f}" for t in THRESHOLDS) + f" | {row[best]:.3f} @{best:.2f} |")


if __name__ == "__main__":
    main()
