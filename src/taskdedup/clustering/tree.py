"""Similarity matrix -> flat clusters, by agglomerative clustering with a similarity threshold.

The tree is built once (SciPy's linkage, as scikit-learn runs it: the full tree with merge
distances) and cut at "distance <= 1 - threshold", so a pair of identical tasks merges even at
threshold 1.0 and many thresholds can be cut from one tree. Similarities are rounded to 1e-9 so that float noise in the last bits cannot change
which side of the threshold a pair falls on between runs or machines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from taskdedup.config import Linkage

DECIMALS = 9
BATCH_PAIRS = 1 << 18  # pairs of small groups computed per pass in Similarity.blocks: bounded memory, the same values


# From this many rows a dense tail of columns (sentence embeddings) goes through the compiled
# products below: at 2,000 rows scipy's sparse product of 384 columns every row holds took 3.1 s
# (x10 the compiled loop); below ~1,000 rows it costs less than loading numba does.
DENSE_TAIL_MIN_ROWS = 1000


def split_dense(matrix: sp.csr_matrix, dense_columns: int) -> tuple[sp.csr_matrix, np.ndarray]:
    """The matrix without its last `dense_columns` columns (sentence embeddings, which every row
    holds), and those columns as a dense array (with no columns when there are none): what the
    compiled loops add apart from the sparse ones (join_kernel.add_tail)."""
    if not dense_columns:
        return matrix, np.zeros((matrix.shape[0], 0))
    split = matrix.shape[1] - dense_columns
    return matrix[:, :split].tocsr(), matrix[:, split:].toarray()


def similarity_matrix(matrix: sp.spmatrix, dense_columns: int = 0) -> np.ndarray:
    """Dense cosine similarities of L2-normalised rows, rounded, with 1 on the diagonal.

    `dense_columns`: how many last columns nearly every row holds (sentence embeddings). Their
    products are added by a compiled loop, in the order scipy's product adds them, so the
    similarities are the same to the bit (a test compares them)."""
    if sp.issparse(matrix) and dense_columns and matrix.shape[0] >= DENSE_TAIL_MIN_ROWS:
        from taskdedup.clustering.join_kernel import add_dense_products

        head, tail = split_dense(matrix, dense_columns)
        sim = (head @ head.T).toarray()
        add_dense_products(sim, tail)
    else:
        sim = (matrix @ matrix.T).toarray() if sp.issparse(matrix) else np.asarray(matrix @ matrix.T)
    sim = np.clip(np.round(sim, DECIMALS), 0.0, 1.0)
    np.fill_diagonal(sim, 1.0)
    return sim


@dataclass(frozen=True)
class MergeTree:
    """The full agglomerative tree over n items: merge i joins children[i] into node n + i."""

    n: int
    children: np.ndarray  # (n - 1, 2) int
    distances: np.ndarray  # (n - 1,) float, non-decreasing for average/complete/single linkage

    def cut(self, threshold: float) -> np.ndarray:
        """Labels (0..k-1, in order of first member) of the clusters joined at similarity >= threshold.

        The tree may be a forest (fewer than n - 1 merges) when it was built only down to some
        similarity; cutting above that similarity is exact all the same.
        """
        limit = round(1.0 - threshold, DECIMALS)
        nodes = self.n + len(self.children)
        kept = np.flatnonzero(self.distances <= limit)
        # A kept merge hangs both its children under its node; a cluster is the leaves below one
        # top node. Pointer jumping finds each leaf's top (node numbers only grow upwards, and a
        # node is the child of one merge at most): log2(depth) whole-array passes, 3-4 ms at
        # 85,856 rows, where a Python loop over the nodes took 0.3 s and scipy's graph
        # components 4-5 ms after a ~55 ms import.
        up = np.arange(nodes)
        up[self.children[kept, 0]] = self.n + kept
        up[self.children[kept, 1]] = self.n + kept
        while True:
            higher = up[up]
            if np.array_equal(higher, up):
                break
            up = higher
        leaves = up[: self.n]
        _, first, inverse = np.unique(leaves, return_index=True, return_inverse=True)
        label = np.empty(len(first), dtype=np.int64)
        label[np.argsort(first)] = np.arange(len(first))
        return label[inverse.ravel()]

    def join_similarity(self, i: int, j: int) -> float | None:
        """The similarity at which items i and j first share a cluster: the linkage score of the
        merge of the two groups that hold them (an average over both groups for average linkage),
        not the similarity of i and j alone. None when the tree never joins them."""
        if i == j:
            return 1.0
        parent = np.full(self.n + len(self.children), -1, dtype=np.int64)
        parent[self.children[:, 0]] = np.arange(len(self.children)) + self.n
        parent[self.children[:, 1]] = np.arange(len(self.children)) + self.n
        above: set[int] = set()
        node = i
        while node >= 0:
            above.add(node)
            node = int(parent[node])
        node = j
        while node >= 0 and node not in above:
            node = int(parent[node])
        return None if node < 0 else round(1.0 - float(self.distances[node - self.n]), DECIMALS)


def build_tree(similarity: np.ndarray, linkage: Linkage) -> MergeTree:
    """The full tree of the dense n x n similarities. This is what scikit-learn's
    AgglomerativeClustering(metric="precomputed", compute_full_tree=True) runs for these linkages:
    SciPy's `linkage` on the condensed distances (a test checks the two agree). Called directly,
    it spares importing sklearn.cluster (~0.15-0.25 s of every run's start)."""
    from scipy.cluster.hierarchy import linkage as scipy_linkage

    n = similarity.shape[0]
    if n < 2:
        return MergeTree(n=n, children=np.zeros((0, 2), dtype=np.int64), distances=np.zeros(0))
    distance = np.round(1.0 - similarity, DECIMALS)
    upper = np.triu_indices(n, k=1)
    out = scipy_linkage(np.ascontiguousarray(distance[upper], dtype=np.float64), method=linkage)
    return MergeTree(n=n, children=out[:, :2].astype(np.int64), distances=np.round(out[:, 2], DECIMALS))


def cluster_labels(similarity: np.ndarray, threshold: float, linkage: Linkage) -> np.ndarray:
    return build_tree(similarity, linkage).cut(threshold)


class Similarity:
    """Cosine similarities between the rows of a TF-IDF matrix: from a dense matrix when one was
    built, computed on demand from the rows otherwise (large inputs never build n x n)."""

    def __init__(self, matrix: sp.csr_matrix, dense: np.ndarray | None = None, dense_columns: int = 0) -> None:
        self.matrix = matrix
        self.dense = dense
        self.dense_columns = dense_columns  # the matrix's last columns that every row holds (sentence embeddings)

    @property
    def n(self) -> int:
        return int(self.matrix.shape[0])

    def block(self, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        idx = np.asarray(rows, dtype=np.int64)
        if self.dense is not None:
            return self.dense[np.ix_(idx, idx)]
        return similarity_matrix(self.matrix[idx])

    def blocks(self, groups: Sequence[np.ndarray], batch_upto: int = 64, batch_pairs: int = BATCH_PAIRS) -> list[np.ndarray]:
        """block() of many groups at once. Without a dense matrix, the pairs of all small groups
        are computed in a few vectorised passes: one sparse product per group costs far more than its
        few dot products when there are tens of thousands of groups."""
        if self.dense is not None:
            return [self.dense[np.ix_(g, g)] for g in groups]
        out: list[np.ndarray | None] = [None] * len(groups)
        small = [k for k, g in enumerate(groups) if len(g) <= batch_upto]
        for k, g in enumerate(groups):
            if len(g) > batch_upto:
                out[k] = self.block(g)
        # In passes of about `batch_pairs` pairs: each pair's product rows are ~30 non-zeros, and
        # all small groups of 1,000,000 rows at once held +1.2 GB. A pair's value is its own row
        # sum, so the passes give the same values.
        batch: list[int] = []
        pairs = 0
        for k in small:
            batch.append(k)
            pairs += len(groups[k]) ** 2
            if pairs >= batch_pairs:
                self._small_blocks(groups, batch, out)
                batch, pairs = [], 0
        if batch:
            self._small_blocks(groups, batch, out)
        return out  # type: ignore[return-value]

    def _small_blocks(self, groups: Sequence[np.ndarray], batch: list[int], out: list[np.ndarray | None]) -> None:
        # Each pair once (i < j), mirrored: a row of x*y sums the same products in the same column
        # order as one of y*x, so the other half is the same bits; the diagonal is 1 by definition.
        # A group of two needs one product instead of four. Groups of one size are gathered and
        # filled as one stack (12,000 groups at 85,856 rows: a Python step per group was 0.08 s);
        # a pair's value is its own row sum, so the order of the pairs changes no bit.
        by_size: dict[int, list[int]] = {}
        for k in batch:
            by_size.setdefault(len(groups[k]), []).append(k)
        plans = [(size, ks, *np.triu_indices(size, 1)) for size, ks in by_size.items()]
        stacks = [np.stack([groups[k] for k in ks]) for _, ks, _, _ in plans]
        left = np.concatenate([rows[:, i].ravel() for rows, (_, _, i, _) in zip(stacks, plans, strict=True)])
        right = np.concatenate([rows[:, j].ravel() for rows, (_, _, _, j) in zip(stacks, plans, strict=True)])
        values = np.asarray(self.matrix[left].multiply(self.matrix[right]).sum(axis=1)).ravel()
        values = np.clip(np.round(values, DECIMALS), 0.0, 1.0)
        offset = 0
        for size, ks, i, j in plans:
            part = values[offset : offset + len(ks) * len(i)].reshape(len(ks), len(i))
            blocks = np.ones((len(ks), size, size))
            blocks[:, i, j] = part
            blocks[:, j, i] = part
            for k, block in zip(ks, blocks, strict=True):
                out[k] = block
            offset += part.size

    def pair(self, i: int, j: int) -> float:
        if self.dense is not None:
            return float(self.dense[i, j])
        if i == j:
            return 1.0
        value = self.matrix[i].multiply(self.matrix[j]).sum()
        return float(np.clip(np.round(value, DECIMALS), 0.0, 1.0))


def row_units(matrix: sp.csr_matrix, rows: Sequence[int] | np.ndarray) -> np.ndarray:
    """For each of `rows`, the id of its vector among the distinct vectors of `rows`, ids numbered
    in order of first appearance.

    Identical rows merge first at similarity 1 and stand for one another everywhere: the sparse
    path clusters each group as one weighted unit, proposals compute their evidence once per group.
    An empty vector is similar to nothing, not even another empty one, so it is a unit of its own.
    """
    # Keys are cut from two bytes objects of the whole matrix: slicing numpy arrays row by row and
    # converting each slice cost ~4x as much on 10^5 rows.
    indptr = matrix.indptr
    picked = np.asarray(rows, dtype=np.int64)
    starts, stops = indptr[picked].tolist(), indptr[picked + 1].tolist()
    isize, dsize = matrix.indices.itemsize, matrix.data.itemsize
    indices, data = matrix.indices.tobytes(), matrix.data.tobytes()
    seen: dict[bytes, int] = {}
    units = [0] * len(starts)
    fresh = 0
    for pos, (start, stop) in enumerate(zip(starts, stops)):
        if start == stop:
            units[pos] = fresh
            fresh += 1
            continue
        k = seen.setdefault(indices[start * isize : stop * isize] + data[start * dsize : stop * dsize], fresh)
        if k == fresh:
            fresh += 1
        units[pos] = k
    return np.array(units, dtype=np.int64)

