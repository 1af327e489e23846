"""Clustering quality of each tokenizer over a range of thresholds, on the public sets.

    python bench/quality.py [--tokenizers mecab,okt,...] [--sets parakqc,korsts,question_pair,sample]
    python bench/quality.py --match lexical,hybrid --thresholds 0.5 [--sets ...]   # the shipped match models

For each set and tokenizer: build the merge tree once with the project's own pipeline pieces, cut
it at every threshold, score pairwise F1 (cluster sets: all pairs; pair sets: the labelled pairs),
and time the tokenizer. Prints markdown tables; sets whose files are missing are skipped.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from datasets import ALL, Dataset  # noqa: E402

from taskdedup.clustering.match import MatchModel, match_model  # noqa: E402
from taskdedup.clustering.tree import Similarity, build_tree, similarity_matrix  # noqa: E402
from taskdedup.quality.metrics import pair_labels, pairwise  # noqa: E402
from taskdedup.quality.tune import best_silhouette, thresholds_between  # noqa: E402
from taskdedup.text.embeddings import E5Embedder, cached_embeddings  # noqa: E402
from taskdedup.text.lexicon import EMPTY, Lexicon, builtin  # noqa: E402
from taskdedup.text.normalize import normalize  # noqa: E402
from taskdedup.text.token_cache import TokenCache, default_cache_dir  # noqa: E402
from taskdedup.text.tokenizers import make_tokenizer  # noqa: E402
from taskdedup.text.tokens import tokens_of  # noqa: E402
from taskdedup.text.vectors import vectors_for  # noqa: E402

THRESHOLDS = [round(x, 2) for x in np.arange(0.20, 0.91, 0.05)]


def score(data: Dataset, labels: np.ndarray) -> float:
    if data.gold is not None:
        return pairwise(list(labels), data.gold).f1
    return pair_labels(list(labels), data.pairs).f1


def embeddings_of(data: Dataset, cache_dir: Path | None) -> np.ndarray:
    """The set's sentence embeddings, through the token cache (embedding 10,000 sentences takes minutes)."""
    cache = TokenCache(cache_dir or default_cache_dir())
    return cached_embeddings(data.texts, E5Embedder(), cache, lambda *a: None, [])


def evaluate(data: Dataset, tokenizer_name: str, linkage: str, lexicon: Lexicon, with_auto: bool, char_weight: float,
             embedding_weight: float = 0.0, cache_dir: Path | None = None, match: MatchModel | None = None) -> dict:
    """F1 at each of THRESHOLDS: similarities, or with `match` probabilities of that match model
    (whose weights then replace char_weight and embedding_weight)."""
    if match is not None:
        char_weight, embedding_weight = match.char_weight, match.embedding_weight
    tokenizer = make_tokenizer(tokenizer_name)
    started = time.perf_counter()
    tokenizer.start()
    load = time.perf_counter() - started
    texts = [normalize(t) for t in data.texts]
    started = time.perf_counter()
    tokens = tokens_of(texts, tokenizer, lexicon)
    tokenise = time.perf_counter() - started
    embeddings = embeddings_of(data, cache_dir) if embedding_weight > 0 else None
    vectors = vectors_for(texts, tokens, tokenizer, char_weight, embeddings, embedding_weight)
    started = time.perf_counter()
    similarity = similarity_matrix(vectors.matrix)
    tree = build_tree(similarity, linkage)  # type: ignore[arg-type]
    cluster = time.perf_counter() - started
    f1 = {t: score(data, tree.cut(match.score_at(t) if match else t)) for t in THRESHOLDS}
    auto = best_silhouette(Similarity(vectors.matrix, similarity), tree, thresholds_between(0.15, 0.60, 0.05)) if with_auto else None
    return {
        "load_s": load, "tokenise_s": tokenise, "per_s": len(texts) / tokenise, "cluster_s": cluster, "f1": f1,
        "auto": auto, "auto_f1": score(data, tree.cut(auto)) if auto is not None else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokenizers", default="mecab,okt,komoran,hannanum,kiwi,char")
    parser.add_argument("--sets", default="sample,korsts,question_pair,parakqc")
    parser.add_argument("--linkage", default="average")
    parser.add_argument("--lexicon", choices=["builtin", "none"], default="builtin")
    parser.add_argument("--char-weight", type=float, default=0.3, help="0 for words only")
    parser.add_argument("--embedding-weight", type=float, default=0.0, help="share of e5 sentence-embedding similarity")
    parser.add_argument("--cache-dir", type=Path, help="token and embedding cache [default: the user cache folder]")
    parser.add_argument("--thresholds", help="comma-separated thresholds to score [default: 0.20 to 0.90 by 0.05]")
    parser.add_argument("--auto", action="store_true", help="also score --threshold auto (best silhouette)")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--match", help="comma-separated shipped match models (lexical, hybrid) scored with mecab; thresholds are then probabilities")
    args = parser.parse_args()
    if args.thresholds:
        THRESHOLDS[:] = [float(t) for t in args.thresholds.split(",")]
    results: dict[str, dict[str, dict]] = {}
    rows = (args.match or args.tokenizers).split(",")
    for set_name in args.sets.split(","):
        try:
            data = ALL[set_name]()
        except FileNotFoundError as exc:
            print(f"skipping {set_name}: {exc.filename} not found", file=sys.stderr)
            continue
        results[data.name] = {}
        lexicon = builtin() if args.lexicon == "builtin" else EMPTY
        for name in rows:
            print(f"{data.name}: {name} ...", file=sys.stderr, flush=True)
            tokenizer, match = ("mecab", match_model(name)) if args.match else (name, None)
            results[data.name][name] = evaluate(
                data, tokenizer, args.linkage, lexicon, args.auto, args.char_weight, args.embedding_weight, args.cache_dir, match
            )
    print(
        f"Pairwise F1, TF-IDF (sublinear) + {args.linkage} linkage, lexicon {args.lexicon}, "
        f"char weight {args.char_weight:g}, embedding weight {args.embedding_weight:g}, by similarity threshold\n"
    )
    for set_name, by_tok in results.items():
        print(f"### {set_name}\n")
        print("| tokenizer | " + " | ".join(f"{t:.2f}" for t in THRESHOLDS) + " | best | auto | texts/s |")
        print("|---|" + "---|" * (len(THRESHOLDS) + 3))
        for name, r in by_tok.items():
            best = max(r["f1"], key=r["f1"].get)
            cells = " | ".join(f"{r['f1'][t]:.3f}" for t in THRESHOLDS)
            auto = f"{r['auto_f1']:.3f} @{r['auto']:.2f}" if r["auto"] is not None else "-"
            print(f"| {name} | {cells} | {r['f1'][best]:.3f} @{best:.2f} | {auto} | {r['per_s']:,.0f} |")
        print()
    tokenizers = rows
    print("### Mean F1 over the sets above, one threshold for all\n")
    print("| tokenizer | " + " | ".join(f"{t:.2f}" for t in THRESHOLDS) + " |")
    print("|---|" + "---|" * len(THRESHOLDS))
    for name in tokenizers:
        means = [np.mean([results[s][name]["f1"][t] for s in results]) for t in THRESHOLDS]
        print(f"| {name} | " + " | ".join(f"{m:.3f}" for m in means) + " |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
