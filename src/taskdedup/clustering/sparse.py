"""Exact agglomerative clustering without the n x n matrix, for inputs too large for it.

Two facts make it exact (docs/BENCHMARKS.md, "Scale"):
- With average, complete or single linkage, a merge at similarity >= s needs at least one pair of
  rows with similarity >= s. So only the pairs found by a thresholded sparse product (the "join")
  can ever start a merge, and every cluster lies inside one connected component of that graph.
- These linkages are reducible, so merging the globally most similar pair first, again and again,
  gives the same clusters as any exact algorithm (scikit-learn's included), up to exact ties.

Average linkage needs the similarity of clusters A and B over all |A||B| pairs, also those below
s that the join did not keep. Only clusters with a known pair between them ("neighbours") can
reach s, and for them the exact sum over all member pairs is kept: after a merge, a neighbour's
sum with the new cluster is its sums with both sides added, and for a side it had no known pair
with, the sum of all pairwise dot products is the dot product of the two clusters' summed TF-IDF
rows, computed exactly (the idea behind SparseHC, Nguyen et al. 2014, without its queue).

The loops that do this millions of times (the join, the merge chain) are compiled with numba in
join_kernel.py and chain_kernel.py; join.py finds the pairs, this module prepares the chain's
arrays and reads back the merges, which are recorded
as a MergeTree (a forest: only merges at similarity >= s_min), so one run can be cut at any
threshold >= s_min, like the dense tree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from taskdedup.clustering.join import Join, Pairs, Progress, similarity_join
from taskdedup.clustering.tree import DECIMALS, MergeTree
from taskdedup.config import Linkage

PROGRESS_EVERY = 5000  # merges between two progress reports from the compiled loop


def _noop(stage: str, done: int, total: int) -> None:
    pass


def copy_merges(n: int, by_unit: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The merges of identical rows at distance 0, unit by unit, each copy joined to the cluster of
    the ones before it (tree nodes n, n + 1, ...); and each unit's node once its copies are merged."""
    sizes = np.diff(starts)
    extra = np.maximum(sizes - 1, 0)
    first_merge = np.cumsum(extra) - extra  # each unit's first merge
    later = np.ones(len(by_unit), dtype=bool)
    later[starts[:-1]] = False  # every row but the first of its unit is merged in
    unit = np.repeat(np.arange(len(sizes)), sizes)[later]
    place = np.flatnonzero(later) - starts[unit] - 1  # 0 for a unit's second row
    merge = first_merge[unit] + place
    children = np.empty((len(merge), 2), dtype=np.int64)
    children[merge, 1] = by_unit[later]
    children[merge, 0] = np.where(place == 0, by_unit[starts[unit]], n + merge - 1)
    node = np.where(extra > 0, n + first_merge + extra - 1, by_unit[starts[:-1]])
    return children, node.astype(np.int64)


def sparse_tree(
    matrix: sp.csr_matrix, linkage: Linkage, min_similarity: float, progress: Progress = _noop, jobs: int = 1, engine: Any = None,
    dense_columns: int = 0, on_join: Callable[[Join], None] | None = None,
) -> tuple[MergeTree, Join]:
    """The merge forest down to `min_similarity`, and the join it was built from (`on_join` gets
    the join before the chain starts: the token cache stores its pairs meanwhile).

    Identical rows are merged first (similarity 1, as every exact algorithm does) and then
    clustered as one weighted unit: repeated submissions cost one row in the join, not k.

    Merges follow the nearest-neighbour chain: from any cluster, walk to its most similar
    neighbour until two clusters are each other's nearest, then merge them. For reducible
    linkages this yields the same merges as the global most-similar-first order, with no queue.
    """
    n = matrix.shape[0]
    unit_of, by_unit, starts = Join.units_of(matrix)
    copies, node = copy_merges(n, by_unit, starts)
    firsts = by_unit[starts[:-1]]
    unique = matrix[firsts]
    counts = np.diff(starts).astype(np.float64)
    join = Join(similarity_join(unique, min_similarity, progress, jobs, engine, dense_columns), unit_of, by_unit, starts)
    if on_join is not None:
        on_join(join)
    if linkage == "single":
        merged, merge_distances = _kruskal(len(counts), join.pairs.arrays(), node, n + len(copies))
    else:
        merged, merge_distances = _chain(unique, join, counts, linkage, min_similarity, node, n + len(copies), progress, engine)
    children = np.concatenate([copies, merged.reshape(-1, 2)])
    distances = np.concatenate([np.zeros(len(copies)), merge_distances])
    return MergeTree(n=n, children=children.astype(np.int64), distances=distances.astype(np.float64)), join


def _chain(
    unique: sp.csr_matrix, join: Join, counts: np.ndarray, linkage: Linkage, min_similarity: float,
    node_of: np.ndarray, first_node: int, progress: Progress, engine: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Average or complete linkage over the units, by the compiled chain in chain_kernel.py: the
    merges (tree nodes, the first numbered `first_node`) and their distances.

    Average linkage needs the sum of similarities over all member pairs of two clusters, also
    the pairs below s that the join left out. That sum is the dot product of the two clusters'
    summed TF-IDF rows, so it stays exact; a unit's row is scaled by its number of copies.
    An engine that runs the chain elsewhere gets whole connected components (components.py),
    whose merges put back in order are the same merges.
    """
    units = len(counts)
    weighted = sp.csr_matrix((0, 0)) if linkage == "complete" else sp.csr_matrix(sp.diags(counts) @ unique)  # a unit's row stands for all its copies
    none = np.zeros(0, dtype=np.int64)
    task = ChainTask(np.arange(units, dtype=np.int64), none, none, np.zeros(0), counts, weighted, node_of, linkage,
                     round(min_similarity, DECIMALS), first_node, unique.shape[1])
    if engine is None:
        merged, merge_distances, _ = chain_merges(task.with_pairs(join.pairs.arrays()), progress)
        return merged, merge_distances
    return engine.chain_components(task, join, lambda done: progress("clustering", done, units))


@dataclass(frozen=True)
class ChainTask:
    """What the chain needs for some units (all of them, or whole connected components of the
    join): pairs in the units' own numbering 0 .. len(keys) - 1, keys the units' numbers in the
    whole run (ascending, so every tie broken by key goes the same way)."""

    keys: np.ndarray
    row: np.ndarray
    col: np.ndarray
    similarity: np.ndarray
    counts: np.ndarray
    weighted: sp.csr_matrix  # a unit's TF-IDF row times its copies (average linkage; empty for complete)
    node_of: np.ndarray  # each unit's node in the tree so far (a row, or the merge of its copies)
    linkage: Linkage
    min_similarity: float
    first_node: int  # the node number of this task's first merge
    terms: int

    def with_pairs(self, pairs: Pairs) -> ChainTask:
        return replace(self, row=pairs[0], col=pairs[1], similarity=pairs[2])


def chain_merges(task: ChainTask, progress: Progress = _noop) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The chain's merges (k x 2 tree nodes; merge k is node task.first_node + k), their distances
    and the key of the unit whose episode each belongs to (chain_kernel.run_chain)."""
    from taskdedup.clustering import chain_kernel

    units = len(task.counts)
    complete = task.linkage == "complete"
    start, length, *pools = chain_kernel.neighbour_lists(units, task.row, task.col, task.similarity, task.counts, complete)
    lists = tuple(pools)
    if complete:
        vectors = (np.zeros(1, dtype=np.int32), np.zeros(1))
        vec_start, vec_length, vec_end = np.zeros(units, dtype=np.int64), np.zeros(units, dtype=np.int64), 0
    else:
        weighted = task.weighted.copy()
        weighted.sort_indices()
        vectors = (_pool(weighted.indices, np.int32), _pool(weighted.data, np.float64))
        vec_start = weighted.indptr[:-1].astype(np.int64)
        vec_length = np.diff(weighted.indptr).astype(np.int64)
        vec_end = weighted.nnz
    alive = length > 0
    pending = np.zeros(2 * units + 1, dtype=np.int64)
    starts = np.flatnonzero(alive)[::-1]  # popped from the end: lowest key first
    pending[: len(starts)] = starts
    state = np.array([len(starts), 0, 0, 2 * len(task.row), vec_end, len(starts), -1], dtype=np.int64)
    node_of = task.node_of.astype(np.int64)  # a copy: the kernel renumbers it
    merged = np.zeros((max(units - 1, 0), 2), dtype=np.int64)
    merge_distances = np.zeros(max(units - 1, 0))
    episodes = np.zeros(max(units - 1, 0), dtype=np.int64)
    dense = np.zeros(0 if complete else task.terms)
    slot = np.full(units, -1, dtype=np.int64)
    sizes = task.counts.astype(np.float64)
    chain = np.zeros(units + 1, dtype=np.int64)
    done = False
    progress("clustering", 0, units)
    while not done:
        done, lists, vectors = chain_kernel.run_chain(
            lists, start, length, vectors, vec_start, vec_length, sizes, alive, node_of, pending, chain, state,
            merged, merge_distances, episodes, dense, slot, task.min_similarity,
            chain_kernel.COMPLETE if complete else chain_kernel.AVERAGE, task.first_node, PROGRESS_EVERY,
        )
        progress("clustering", int(state[chain_kernel.MERGES]), units)
    progress("clustering", units, units)
    k = int(state[chain_kernel.MERGES])
    return merged[:k], merge_distances[:k], task.keys[episodes[:k]]


def _pool(values: np.ndarray, dtype: type) -> np.ndarray:
    """A pool array for the chain: the values, then as much room again for merged clusters."""
    out = np.zeros(2 * len(values) + 1024, dtype=dtype)
    out[: len(values)] = values
    return out


def _kruskal(units: int, pairs: Pairs, node_of: np.ndarray, first_node: int) -> tuple[np.ndarray, np.ndarray]:
    """Single linkage is Kruskal's algorithm: merge along edges, most similar first."""
    row, col, similarity = pairs
    order = np.lexsort((col, row, -similarity))
    parent = list(range(units))
    node = node_of.tolist()
    children: list[tuple[int, int]] = []
    distances: list[float] = []

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for k in order.tolist():
        ra, rb = find(int(row[k])), find(int(col[k]))
        if ra == rb:
            continue
        children.append((node[ra], node[rb]))
        distances.append(round(1.0 - float(similarity[k]), DECIMALS))
        parent[rb] = ra
        node[ra] = first_node + len(children) - 1
    return np.array(children, dtype=np.int64).reshape(-1, 2), np.array(distances, dtype=np.float64)
