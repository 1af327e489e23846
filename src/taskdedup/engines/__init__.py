"""Where the parallel work runs: this machine's processes (local) or a Dask cluster (dask).

An engine runs the maps of the pipeline that split into independent chunks; what each chunk
computes, and the order its results are put back in, are the same on every engine, so the
result is byte-identical whichever runs it (tests/engines compare them). The clustering method
(dense matrix or sparse join and chain, `Settings.method`) is another axis: it says how the tree
is built, the engine says where the work runs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

from taskdedup.text.embeddings import Embedder
from taskdedup.text.lexicon import Lexicon
from taskdedup.text.tokenizers import Tokenizer

if TYPE_CHECKING:
    import scipy.sparse as sp

    from taskdedup.clustering.join import Join, JoinArrays, PairSet
    from taskdedup.clustering.sparse import ChainTask
    from taskdedup.clustering.tree import Similarity
    from taskdedup.input.submissions import Submission
    from taskdedup.review.proposals import Cluster


class Engine(Protocol):
    name: str

    def tokenize(self, normalised: list[str], tokenizer: Tokenizer, lexicon: Lexicon, report: Callable[[int], None] | None) -> list[list[str]]:
        """Token lists of normalised texts, in their order (text/tokens.py tokens_of, chunk by chunk)."""
        ...

    def embed(self, batches: list[list[str]], embedder: Embedder, report: Callable[[int], None] | None) -> list[np.ndarray]:
        """The embedder's vectors of each batch, in order; batches are kept as given (a batch's
        vectors may depend on what is padded beside them)."""
        ...

    def join_blocks(self, arrays: JoinArrays, limit: float, report: Callable[[int], None]) -> PairSet:
        """The similarity join's pairs (clustering/sparse.py join_block, block by block, in block
        order): here, or left where they were computed."""
        ...

    def chain_components(self, units: ChainTask, join: Join, report: Callable[[int], None]) -> tuple[np.ndarray, np.ndarray]:
        """The merge chain's merges and distances over `units` (a ChainTask without its pairs)
        with the join's pairs (clustering/sparse.py chain_merges); an engine may run whole
        connected components apart (clustering/components.py)."""
        ...

    def proposals(
        self, submissions: Sequence[Submission], words: sp.csr_matrix, terms: np.ndarray, similarity: Similarity, labels: np.ndarray, *,
        keywords: int, has_agency: bool, agency_of: Callable[[str], str], representatives: Collection[int] = (), units: np.ndarray | None = None,
    ) -> list[Cluster]:
        """review/proposals.py build_clusters with these arguments: here, or a part of the groups
        per task (review/apart.py), merged into the same list."""
        ...

    def close(self) -> None: ...


def make_engine(name: str, *, jobs: int, scheduler: str | None = None, notices: list[str] | None = None) -> Engine:
    """The engine `--engine` names; Dask's packages are imported only when it is asked for."""
    if name == "dask":
        from taskdedup.engines.dask_cluster import DaskEngine

        return DaskEngine(scheduler, notices=notices)
    from taskdedup.engines.local import LocalEngine

    return LocalEngine(jobs)
