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


class _Average:
    """Clusters for average linkage: exact sums of pairwise similarity with every neighbour.

    Two clusters are neighbours when the join found at least one pair between them; only they can
    ever reach the threshold. For neighbours the sum over ALL member pairs is kept exactly:
    sum(A u B, D) = sum(A, D) + sum(B, D), and a side that was no neighbour of D gets its sum
    from its summed TF-IDF row through the inverted index (rows sharing a term with it), so pairs
    below the threshold are counted too.
    """

    def __init__(self, matrix: sp.csr_matrix, edges: sp.coo_matrix, counts: np.ndarray) -> None:
        n = matrix.shape[0]
        self.matrix = matrix
        self.indptr = matrix.indptr
        self.by_term = matrix.T.tocsr()  # inverted index: term -> rows
        self.label = np.arange(n)  # row -> key of its cluster (a cluster's key is one of its rows)
        self.slot = np.full(n, -1, dtype=np.int64)  # scratch: cluster key -> position in a request
        self.members: dict[int, list[int]] = {}
        self.sizes = counts.astype(np.float64).copy()  # rows in each cluster, by cluster key
        self.vector: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.near: dict[int, dict[int, float]] = {}
        for i, j, v in zip(edges.row.tolist(), edges.col.tolist(), edges.data.tolist(), strict=True):
            total = self.initial(v, counts[i] * counts[j])
            self.near.setdefault(i, {})[j] = total
            self.near.setdefault(j, {})[i] = total

    @staticmethod
    def initial(similarity: float, pairs: float) -> float:
        return similarity * pairs  # sum over all pairs of the two units' copies

    def size_of(self, c: int) -> int:
        return int(self.sizes[c])

    def members_of(self, c: int) -> list[int]:
        return self.members.get(c, [c])

    def vector_of(self, c: int) -> tuple[np.ndarray, np.ndarray]:
        vector = self.vector.get(c)
        if vector is not None:
            return vector
        start, stop = self.indptr[c], self.indptr[c + 1]
        return self.matrix.indices[start:stop], self.matrix.data[start:stop]

    def _reach(self, c: int) -> tuple[np.ndarray, np.ndarray]:
        """Every (row, similarity to c's summed row) with a shared term, by walking the inverted
        index with numpy on the CSR arrays: scipy objects per merge cost more than the arithmetic."""
        terms, weights = self.vector_of(c)
        indptr = self.by_term.indptr
        starts = indptr[terms]
        lengths = indptr[terms + 1] - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        take = np.arange(total) + offsets
        return self.by_term.indices[take], self.by_term.data[take] * np.repeat(weights, lengths)

    def _cost(self, c: int) -> int:
        terms, _ = self.vector_of(c)
        indptr = self.by_term.indptr
        return int((indptr[terms + 1] - indptr[terms]).sum())

    def sums_with(self, c: int, others: list[int]) -> dict[int, float]:
        """Exact sum of similarities between cluster c and each cluster in `others`."""
        if not others:
            return {}
        if len(others) <= 4 and self._cost(c) > sum(self._cost(d) for d in others):
            # c is a large cluster and the others few: walk from each of them instead.
            out = {}
            for d in others:
                rows, values = self._reach(d)
                out[d] = float(values[self.label[rows] == c].sum())
            return out
        rows, values = self._reach(c)
        wanted = np.fromiter(others, dtype=np.int64, count=len(others))
        slot = self.slot
        slot[wanted] = np.arange(len(wanted))
        pos = slot[self.label[rows]]
        slot[wanted] = -1
        hit = pos >= 0
        totals = np.bincount(pos[hit], weights=values[hit], minlength=len(wanted))
        return dict(zip(wanted.tolist(), totals.tolist(), strict=True))

    def merge(self, a: int, b: int) -> int:
        """Merge two clusters; the larger keeps its key, which is returned."""
        if self.size_of(b) > self.size_of(a):
            a, b = b, a
        near_a, near_b = self.near.pop(a, {}), self.near.pop(b, {})
        near_a.pop(b, None)
        near_b.pop(a, None)
        only_a = [d for d in near_a if d not in near_b]
        only_b = [d for d in near_b if d not in near_a]
        from_b = self.sums_with(b, only_a)  # b's vector is the smaller one, used for the longer list
        from_a = self.sums_with(a, only_b)
        near = self.near
        # Neighbours of a alone keep their key for the merged cluster: update the sum in place.
        for d, extra in from_b.items():
            total = near_a[d] + extra
            near_a[d] = total
            near[d][a] = total
        for d, total in near_b.items():
            total += near_a[d] if d in near_a else from_a[d]
            near_a[d] = total
            other = near[d]
            del other[b]
            other[a] = total
        near[a] = near_a
        rows_b = self.members_of(b)
        self.members[a] = self.members_of(a) + rows_b
        self.members.pop(b, None)
        self.label[rows_b] = a
        self.sizes[a] += self.sizes[b]
        ta, wa = self.vector_of(a)
        tb, wb = self.vector_of(b)
        terms, inverse = np.unique(np.concatenate([ta, tb]), return_inverse=True)
        self.vector[a] = (terms, np.bincount(inverse, weights=np.concatenate([wa, wb])))
        self.vector.pop(b, None)
        return a

    def best(self, c: int, prefer: int | None) -> tuple[int | None, float]:
        """The most similar neighbour; ties go to `prefer` (the chain's previous link), then the lowest key."""
        near = self.near.get(c)
        if not near:
            return None, -1.0
        scale = 1.0 / self.sizes[c]
        if len(near) > 64:  # large clusters have thousands of neighbours: let numpy scan them
            keys = np.fromiter(near.keys(), dtype=np.int64, count=len(near))
            values = np.fromiter(near.values(), dtype=np.float64, count=len(near)) * scale / self.sizes[keys]
            top = values.max()
            tied = keys[values == top]
            d = prefer if prefer is not None and prefer in tied else int(tied.min())
            return d, round(float(top), DECIMALS)
        sizes = self.sizes
        best_d: int | None = None
        best_v = -1.0
        for d, total in near.items():
            v = total * scale / sizes[d]
            if v > best_v or (v == best_v and best_d != prefer and (d == prefer or d < best_d)):  # type: ignore[operator]
                best_d, best_v = d, v
        return best_d, round(best_v, DECIMALS)


class _Complete(_Average):
    """Complete linkage: clusters stay neighbours only while every member pair is a known pair
    (all >= s); `near` then holds the smallest of them, the complete-linkage similarity."""

    def __init__(self, matrix: sp.csr_matrix, edges: sp.coo_matrix, counts: np.ndarray) -> None:
        super().__init__(matrix, edges, counts)
        self.count: dict[int, dict[int, int]] = {c: {d: int(counts[c] * counts[d]) for d in near} for c, near in self.near.items()}

    @staticmethod
    def initial(similarity: float, pairs: float) -> float:
        return similarity  # complete linkage keeps the smallest similarity

    def best(self, c: int, prefer: int | None) -> tuple[int | None, float]:
        best_d: int | None = None
        best_v = -1.0
        for d, v in self.near.get(c, {}).items():
            if v > best_v or (v == best_v and best_d != prefer and (d == prefer or d < best_d)):  # type: ignore[operator]
                best_d, best_v = d, v
        return best_d, best_v

    def merge(self, a: int, b: int) -> int:
        if self.size_of(b) > self.size_of(a):
            a, b = b, a
        near_a, near_b = self.near.pop(a, {}), self.near.pop(b, {})
        count_a, count_b = self.count.pop(a, {}), self.count.pop(b, {})
        size = self.size_of(a) + self.size_of(b)
        merged: dict[int, float] = {}
        counts: dict[int, int] = {}
        for d in (near_a.keys() & near_b.keys()) - {a, b}:
            pairs = count_a[d] + count_b[d]
            if pairs == size * self.size_of(d):
                merged[d] = min(near_a[d], near_b[d])
                counts[d] = pairs
        for d in (near_a.keys() | near_b.keys()) - {a, b}:
            for side in (a, b):
                self.near[d].pop(side, None)
                self.count[d].pop(side, None)
            if d in merged:
                self.near[d][a] = merged[d]
                self.count[d][a] = counts[d]
        self.near[a] = merged
        self.count[a] = counts
        self.sizes[a] = size
        return a


def _duplicates(matrix: sp.csr_matrix) -> tuple[np.ndarray, list[list[int]]]:
    """Rows with identical vectors, grouped: (first row of each group, the groups' rows)."""
    seen: dict[bytes, int] = {}
    groups: list[list[int]] = []
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    for row in range(matrix.shape[0]):
        start, stop = indptr[row], indptr[row + 1]
        if start == stop:  # an empty vector is similar to nothing, not even another empty one
            groups.append([row])
            continue
        key = indices[start:stop].tobytes() + data[start:stop].tobytes()
        if key in seen:
            groups[seen[key]].append(row)
        else:
            seen[key] = len(groups)
            groups.append([row])
    return np.array([g[0] for g in groups], dtype=np.int64), groups


def sparse_tree(
    matrix: sp.csr_matrix, linkage: Linkage, min_similarity: float, progress: Progress = _noop
) -> tuple[MergeTree, sp.coo_matrix]:
    """The merge forest down to `min_similarity`, and the join it was built from.

    Identical rows are merged first (similarity 1, as every exact algorithm does) and then
    clustered as one weighted unit: repeated submissions cost one row in the join, not k.

    Merges follow the nearest-neighbour chain: from any cluster, walk to its most similar
    neighbour until two clusters are each other's nearest, then merge them. For reducible
    linkages this yields the same merges as the global most-similar-first order, with no queue.
    """
    n = matrix.shape[0]
    firsts, groups = _duplicates(matrix)
    children: list[tuple[int, int]] = []
    distances: list[float] = []
    node: dict[int, int] = {}
    for unit, rows in enumerate(groups):
        current = rows[0]
        for row in rows[1:]:
            children.append((current, row))
            distances.append(0.0)
            current = n + len(children) - 1
        node[unit] = current
    unique = matrix[firsts]
    counts = np.array([len(g) for g in groups], dtype=np.float64)
    edges = similarity_join(unique, min_similarity, progress)
    if linkage == "single":
        _kruskal(len(groups), edges, node, children, distances, n)
        return _forest(n, children, distances), edges
    weighted = sp.csr_matrix(sp.diags(counts) @ unique)  # a unit's row stands for all its copies
    state: _Average = _Average(weighted, edges, counts) if linkage == "average" else _Complete(weighted, edges, counts)
    s = round(min_similarity, DECIMALS)
    pending = sorted(state.near, reverse=True)  # clusters that may still merge; lowest key first
    chain: list[int] = []
    while chain or pending:
        if not chain:
            start = pending.pop()
            if start not in state.near:
                continue  # merged away since
            chain.append(start)
        c = chain[-1]
        prefer = chain[-2] if len(chain) > 1 else None
        d, value = state.best(c, prefer)
        if d is None or value < s:
            # Only at the chain's start. c can never merge again: whatever its neighbours become,
            # their similarity to c is an average of values already below s. Drop it from the graph.
            chain.pop()
            for other in state.near.pop(c, {}):
                state.near[other].pop(c, None)
            continue
        if d == prefer:
            chain.pop()
            chain.pop()
            kept = state.merge(c, d)
            children.append((node[c], node[d]))
            distances.append(round(1.0 - value, DECIMALS))
            node[kept] = n + len(children) - 1
            pending.append(kept)
            if len(children) % 2000 == 0:
                progress("clustering", len(children), n)
        else:
            chain.append(d)
    progress("clustering", n, n)
    return _forest(n, children, distances), edges


def _kruskal(
    units: int, edges: sp.coo_matrix, node: dict[int, int], children: list[tuple[int, int]], distances: list[float], n: int
) -> None:
    """Single linkage is Kruskal's algorithm: merge along edges, most similar first."""
    order = np.lexsort((edges.col, edges.row, -edges.data))
    parent = list(range(units))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for k in order.tolist():
        ra, rb = find(int(edges.row[k])), find(int(edges.col[k]))
        if ra == rb:
            continue
        children.append((node[ra], node[rb]))
        distances.append(round(1.0 - float(edges.data[k]), DECIMALS))
        parent[rb] = ra
        node[ra] = n + len(children) - 1


def _forest(n: int, children: list[tuple[int, int]], distances: list[float]) -> MergeTree:
    return MergeTree(
        n=n,
        children=np.array(children, dtype=np.int64).reshape(-1, 2),
        distances=np.array(distances, dtype=np.float64),
    )
