"""The local engine: this machine's processes and threads, the functions the pipeline always used."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING

import numpy as np

from taskdedup.text.embeddings import Embedder, embed_batches
from taskdedup.text.lexicon import Lexicon
from taskdedup.text.tokenizers import Tokenizer
from taskdedup.text.tokens import tokens_parallel

if TYPE_CHECKING:
    import scipy.sparse as sp

    from taskdedup.clustering.join import Join, JoinArrays, PairSet
    from taskdedup.clustering.sparse import ChainTask
    from taskdedup.clustering.tree import Similarity
    from taskdedup.input.submissions import Submission
    from taskdedup.review.proposals import Cluster


class LocalEngine:
    name = "local"

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs

    def tokenize(self, normalised: list[str], tokenizer: Tokenizer, lexicon: Lexicon, report: Callable[[int], None] | None) -> list[list[str]]:
        return tokens_parallel(normalised, tokenizer, lexicon, self.jobs, report)

    def embed(self, batches: list[list[str]], embedder: Embedder, report: Callable[[int], None] | None) -> list[np.ndarray]:
        return embed_batches(batches, embedder, report)

    def join_blocks(self, arrays: JoinArrays, limit: float, report: Callable[[int], None]) -> PairSet:
        from taskdedup.clustering.join import LocalPairs, join_blocks_local

        return LocalPairs.joined(join_blocks_local(arrays, limit, self.jobs, report))

    def chain_components(self, units: ChainTask, join: Join, report: Callable[[int], None]) -> tuple[np.ndarray, np.ndarray]:
        from taskdedup.clustering.sparse import chain_merges

        # One run over all units: on one machine nothing is gained by splitting it.
        merged, distances, _ = chain_merges(units.with_pairs(join.pairs.arrays()), lambda stage, done, total: report(done))
        return merged, distances

    def proposals(
        self, submissions: Sequence[Submission], words: sp.csr_matrix, terms: np.ndarray, similarity: Similarity, labels: np.ndarray, *,
        keywords: int, has_agency: bool, agency_of: Callable[[str], str], representatives: Collection[int] = (), units: np.ndarray | None = None,
    ) -> list[Cluster]:
        from taskdedup.review.proposals import build_clusters

        return build_clusters(submissions, words, terms, similarity, labels, keywords=keywords, has_agency=has_agency, agency_of=agency_of,
                              representatives=representatives, units=units)

    def close(self) -> None:
        pass
