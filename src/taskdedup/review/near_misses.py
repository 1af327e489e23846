"""Near misses: the most similar pairs of tasks that ended in different clusters, what the
threshold split apart. On the sample they are exactly the gold pairs the clustering missed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

import numpy as np

from taskdedup.clustering.sparse import Join
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


def near_misses(similarity: Similarity, join: Join | None, labels: np.ndarray, clusters: list[Cluster], limit: int = NEAR_MISSES) -> list[NearMiss]:
    """The most similar pairs of tasks (i < j in canonical order) in different clusters: most
    similar first, then by (i, j). The sparse path's pairs come from its join (`join`)."""
    if similarity.dense is not None:
        dense = similarity.dense
        rows, cols = np.triu_indices(dense.shape[0], k=1)
        values = dense[rows, cols]
        apart = labels[rows] != labels[cols]
        rows, cols, values = rows[apart], cols[apart], values[apart]
    elif join is not None:
        rows, cols, values = _apart_in_join(join, labels, limit)
    else:
        return []
    if len(values) > limit:
        # Everything at least as similar as the limit-th pair: ties at the cut are then broken by
        # (i, j) below, not by where argpartition happened to leave them.
        cut = np.partition(-values, limit - 1)[limit - 1]
        keep = -values <= cut
        rows, cols, values = rows[keep], cols[keep], values[keep]
    order = np.lexsort((cols, rows, -values))[:limit]
    wanted = set(rows[order].tolist()) | set(cols[order].tolist())  # a few hundred rows, not every member
    member_of = {m.index: (m, c.cluster_id) for c in clusters for m in c.members if m.index in wanted}
    out = []
    for k in order.tolist():
        (ma, ca), (mb, cb) = member_of[int(rows[k])], member_of[int(cols[k])]
        out.append(NearMiss(ma, mb, ca, cb, float(values[k])))
    return out


def _apart_in_join(join: Join, labels: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidates that surely hold the `limit` best row pairs apart, without expanding every unit
    pair into its rows (two units of 10,000 copies would be 10^8 pairs).

    Unit pairs are taken by similarity, highest first, a whole group of equal similarities at a
    time; from each, at most `limit` row pairs apart, the smallest (i, j) first, since ties are
    broken by (i, j). Once `limit` candidates are held, a lower group cannot enter the result.
    The copies inside one unit are pairs of similarity 1 (they are apart only when decisions split
    them)."""
    edges = join.edges
    firsts = join.firsts
    unit_of = join.unit_of
    label = labels[firsts]  # a unit's label, when all its copies share it (always, but for decisions)
    mixed = np.zeros(len(firsts), dtype=bool)
    mixed[unit_of[labels != label[unit_of]]] = True
    # Only unit pairs that can hold rows apart, most similar first; the rest never enter.
    apart = (label[edges.row] != label[edges.col]) | mixed[edges.row] | mixed[edges.col]
    rows, cols, values = edges.row[apart], edges.col[apart], edges.data[apart]
    plain = ~(mixed[rows] | mixed[cols])  # each such unit pair holds at least one row pair apart
    if plain.sum() > limit:
        # The `limit` best plain unit pairs already give `limit` row pairs: nothing less similar
        # than the weakest of them can enter the result.
        cut = np.partition(values[plain], plain.sum() - limit)[plain.sum() - limit]
        keep = ~plain | (values >= cut)
        rows, cols, values = rows[keep], cols[keep], values[keep]
    order = np.lexsort((cols, rows, -values))

    def candidates() -> Iterator[tuple[float, int, int]]:  # lazily: the loop below stops early
        for u in np.flatnonzero(mixed).tolist():
            yield 1.0, u, u  # copies split by a decision: similarity 1, before every other pair
        for k in order:
            yield float(values[k]), int(rows[k]), int(cols[k])

    found: list[tuple[float, int, int]] = []
    for value, group in groupby(candidates(), key=lambda w: w[0]):
        if len(found) >= limit:
            break
        for _, u, v in group:
            for i, j in _pairs_apart(join.rows_of(u), join.rows_of(v), u == v, labels, limit):
                found.append((value, i, j))
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    values, rows, cols = (np.array(x) for x in zip(*found, strict=True))
    return rows.astype(np.int64), cols.astype(np.int64), values.astype(np.float64)


def _pairs_apart(first: list[int], second: list[int], same: bool, labels: np.ndarray, limit: int) -> Iterator[tuple[int, int]]:
    """Up to `limit` row pairs (i < j) between two units (or inside one), in different clusters,
    in (i, j) order."""
    if not same and len({int(labels[r]) for r in first} | {int(labels[r]) for r in second}) == 1:
        return  # every copy of both in one cluster: nothing apart (the usual case)
    if same and len({int(labels[r]) for r in first}) == 1:
        return
    given = 0
    if same:
        for x, i in enumerate(first):
            for j in first[x + 1 :]:
                if labels[i] != labels[j]:
                    yield i, j
                    given += 1
                    if given == limit:
                        return
        return
    members = sorted([(r, 0) for r in first] + [(r, 1) for r in second])
    others = (second, first)
    for i, side in members:
        for j in others[side]:  # ascending
            if j > i and labels[i] != labels[j]:
                yield i, j
                given += 1
                if given == limit:
                    return
