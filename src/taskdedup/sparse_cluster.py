"""Exact agglomerative clustering without the n x n matrix, for inputs too large for it.

Two facts make it exact (docs/BENCHMARKS.md, "Scale"):
- With average, complete or single linkage, a merge at similarity >= s needs at least one pair of
  rows with similarity >= s. So only the pairs found by a thresholded sparse product (the "join")
  can ever start a merge, and every cluster lies inside one connected component of that graph.
- These linkages are reducible, so merging the globally most similar pair first, again and again,
  gives the same clusters as any exact algorithm (scikit-learn's included), up to exact ties.

Average linkage needs the similarity of clusters A and B over all |A||B| pairs, also those below
s that the join did not keep. The sum of all pairwise dot products equals the dot product of the
two clusters' summed TF-IDF rows, so it is computed exactly from two sparse vectors. Before that, a
bound from the known pairs (unknown ones are < s) orders the candidates, so exact values are only
computed for the pairs that reach the top of the queue (the idea behind SparseHC, Nguyen et al. 2014).

The merges are recorded as a MergeTree (a forest: only merges at similarity >= s_min), so one run
can be cut at any threshold >= s_min, like the dense tree.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from taskdedup.cluster import DECIMALS, MergeTree
from taskdedup.config import Linkage

Progress = Callable[[str, int, int], None]
CHUNK_ROWS = 4096


def _noop(stage: str, done: int, total: int) -> None:
    pass


def similarity_join(matrix: sp.csr_matrix, min_similarity: float, progress: Progress = _noop) -> sp.coo_matrix:
    """All pairs i < j with rounded cosine similarity >= min_similarity, by blocks of rows.

    Memory is bounded by one block's product; the cost is the sum over terms of df^2, so very
    common terms (which the boilerplate list removes) dominate it.
    """
    n = matrix.shape[0]
    transposed = matrix.T.tocsr()
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    limit = round(min_similarity, DECIMALS)
    for start in range(0, n, CHUNK_ROWS):
        stop = min(n, start + CHUNK_ROWS)
        block = (matrix[start:stop] @ transposed).tocoo()
        values = np.round(block.data, DECIMALS)
        global_rows = block.row + start
        keep = (values >= limit) & (block.col > global_rows)
        rows.append(global_rows[keep])
        cols.append(block.col[keep])
        vals.append(np.minimum(values[keep], 1.0))
        progress("similarity", stop, n)
    row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    col = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    val = np.concatenate(vals) if vals else np.zeros(0)
    return sp.coo_matrix((val, (row, col)), shape=(n, n))


class _Clusters:
    """Union state for the greedy merge: sizes, summed rows, and known-pair aggregates."""

    def __init__(self, matrix: sp.csr_matrix, edges: sp.coo_matrix) -> None:
        n = matrix.shape[0]
        self.matrix = matrix
        self.size: dict[int, int] = {}
        self.vector: dict[int, sp.csr_matrix] = {}
        # known[a][b] = (sum of known similarities, number of known pairs, smallest known similarity)
        self.known: dict[int, dict[int, tuple[float, int, float]]] = {}
        for i, j, v in zip(edges.row.tolist(), edges.col.tolist(), edges.data.tolist(), strict=True):
            self.known.setdefault(i, {})[j] = (v, 1, v)
            self.known.setdefault(j, {})[i] = (v, 1, v)
        self.n = n

    def size_of(self, c: int) -> int:
        return self.size.get(c, 1)

    def vector_of(self, c: int) -> sp.csr_matrix:
        if c in self.vector:
            return self.vector[c]
        return self.matrix[c]


def _value(state: _Clusters, a: int, b: int, linkage: Linkage, s: float) -> tuple[float, bool]:
    """(value, exact): exact similarity of clusters a, b where known, else an upper bound."""
    total, count, smallest = state.known[a][b]
    pairs = state.size_of(a) * state.size_of(b)
    if linkage == "single":
        return 1.0 if count else 0.0, True  # only membership matters: handled by components
    if linkage == "complete":
        # Every pair must be a known pair (>= s) for the minimum to reach s.
        return (smallest, True) if count == pairs else (-1.0, True)
    if count == pairs:
        return round(total / pairs, DECIMALS), True
    return round((total + (pairs - count) * s) / pairs, DECIMALS), False


def _exact_average(state: _Clusters, a: int, b: int) -> float:
    dot = state.vector_of(a).multiply(state.vector_of(b)).sum()
    return round(float(dot) / (state.size_of(a) * state.size_of(b)), DECIMALS)


def sparse_tree(
    matrix: sp.csr_matrix, linkage: Linkage, min_similarity: float, progress: Progress = _noop
) -> tuple[MergeTree, sp.coo_matrix]:
    """The merge forest down to `min_similarity`, and the join it was built from."""
    n = matrix.shape[0]
    edges = similarity_join(matrix, min_similarity, progress)
    if linkage == "single":
        return _single_tree(n, edges), edges
    state = _Clusters(matrix, edges)
    s = round(min_similarity, DECIMALS)
    heap: list[tuple[float, int, int, bool]] = []
    for a, neighbours in state.known.items():
        for b in neighbours:
            if a < b:
                value, exact = _value(state, a, b, linkage, s)
                if value >= s:
                    heap.append((-value, a, b, exact))
    heapq.heapify(heap)
    alive = set(range(n))
    children: list[tuple[int, int]] = []
    distances: list[float] = []
    next_id = n
    while heap:
        negative, a, b, exact = heapq.heappop(heap)
        if a not in alive or b not in alive:
            continue  # stale: one side has merged since
        if not exact:
            value = _exact_average(state, a, b)
            if value >= s:
                heapq.heappush(heap, (-value, a, b, True))
            continue
        value = -negative
        c = next_id
        next_id += 1
        alive.discard(a)
        alive.discard(b)
        alive.add(c)
        children.append((a, b))
        distances.append(round(1.0 - value, DECIMALS))
        state.size[c] = state.size_of(a) + state.size_of(b)
        if linkage == "average":
            state.vector[c] = state.vector_of(a) + state.vector_of(b)
        state.vector.pop(a, None)
        state.vector.pop(b, None)
        merged: dict[int, tuple[float, int, float]] = {}
        for side in (a, b):
            for d, (total, count, smallest) in state.known.pop(side).items():
                if d in (a, b):
                    continue
                del state.known[d][side]
                if d in merged:
                    t0, c0, m0 = merged[d]
                    merged[d] = (t0 + total, c0 + count, min(m0, smallest))
                else:
                    merged[d] = (total, count, smallest)
        state.known[c] = merged
        for d, aggregate in merged.items():
            state.known[d][c] = aggregate
            value, exact = _value(state, c, d, linkage, s)
            if value >= s:
                heapq.heappush(heap, (-value, min(c, d), max(c, d), exact))
        if len(children) % 1000 == 0:
            progress("clustering", len(children), n)
    progress("clustering", n, n)
    return _forest(n, children, distances), edges


def _single_tree(n: int, edges: sp.coo_matrix) -> MergeTree:
    """Single linkage is Kruskal's algorithm: merge along edges, most similar first."""
    order = np.lexsort((edges.col, edges.row, -edges.data))
    parent = list(range(n))
    node_of = list(range(n))  # current tree node of each union-find root

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    children: list[tuple[int, int]] = []
    distances: list[float] = []
    for k in order:
        ra, rb = find(int(edges.row[k])), find(int(edges.col[k]))
        if ra == rb:
            continue
        children.append((node_of[ra], node_of[rb]))
        distances.append(round(1.0 - float(edges.data[k]), DECIMALS))
        parent[rb] = ra
        node_of[ra] = n + len(children) - 1
    return _forest(n, children, distances)


def _forest(n: int, children: list[tuple[int, int]], distances: list[float]) -> MergeTree:
    return MergeTree(
        n=n,
        children=np.array(children, dtype=np.int64).reshape(-1, 2),
        distances=np.array(distances, dtype=np.float64),
    )
