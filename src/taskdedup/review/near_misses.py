"""Near misses: the most similar pairs of tasks that ended in different clusters, what the
threshold split apart. On the sample they are exactly the gold pairs the clustering missed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from taskdedup.clustering.tree import Similarity
from taskdedup.review.proposals import Cluster, Member


@dataclass(frozen=True)
class NearMiss:
    """Two similar tasks that ended in different clusters: what the threshold split apart."""

    a: Member
    b: Member
    cluster_a: int
    cluster_b: int
    similarity: float


NEAR_MISSES = 100


def near_misses(
    similarity: Similarity, edges: sp.coo_matrix | None, labels: np.ndarray, clusters: list[Cluster], limit: int = NEAR_MISSES
) -> list[NearMiss]:
    """The most similar pairs of tasks in different clusters, most similar first; `edges` are the
    sparse path's similar pairs (i < j), used when there is no dense matrix."""
    if similarity.dense is not None:
        dense = similarity.dense
        rows, cols = np.triu_indices(dense.shape[0], k=1)
        values = dense[rows, cols]
    elif edges is not None:
        rows, cols, values = edges.row, edges.col, edges.data
    else:
        return []
    apart = labels[rows] != labels[cols]
    rows, cols, values = rows[apart], cols[apart], values[apart]
    if len(values) > limit:
        keep = np.argpartition(-values, limit - 1)[:limit]
        rows, cols, values = rows[keep], cols[keep], values[keep]
    order = np.lexsort((cols, rows, -values))
    member_of = {m.index: (m, c.cluster_id) for c in clusters for m in c.members}
    out = []
    for k in order.tolist():
        (ma, ca), (mb, cb) = member_of[int(rows[k])], member_of[int(cols[k])]
        out.append(NearMiss(ma, mb, ca, cb, float(values[k])))
    return out

