"""Near misses: the most similar pairs of tasks that ended in different clusters, what the
threshold split apart. On the sample they are exactly the gold pairs the clustering missed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

import numpy as np

from taskdedup.clustering.join import Join, Pairs
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

    The copies inside one unit are pairs of similarity 1 (they are apart only when decisions split
    them); the join's pairs are read a part at a time (part_apart), wherever the parts are: a
    pair among the `limit` best of all is among the `limit` best of its own part."""
    firsts = join.firsts
    unit_of = join.unit_of
    label = labels[firsts]  # a unit's label, when all its copies share it (always, but for decisions)
    mixed = np.zeros(len(firsts), dtype=bool)
    mixed[unit_of[labels != label[unit_of]]] = True
    found = [(1.0, i, j) for u in np.flatnonzero(mixed).tolist()
             for i, j in _pairs_apart(join.rows_of(u), join.rows_of(u), True, labels, limit)]
    for part in join.pairs.map(part_apart, label, mixed, join.by_unit, join.starts, labels, limit):
        found.extend(part)
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    values, rows, cols = (np.array(x) for x in zip(*found, strict=True))
    return rows.astype(np.int64), cols.astype(np.int64), values.astype(np.float64)


def part_apart(
    part: Pairs, label: np.ndarray, mixed: np.ndarray, by_unit: np.ndarray, starts: np.ndarray, labels: np.ndarray, limit: int,
) -> list[tuple[float, int, int]]:
    """One part's candidates: its unit pairs taken by similarity, highest first, a whole group of
    equal similarities at a time; from each, at most `limit` row pairs apart, the smallest (i, j)
    first, since ties are broken by (i, j). Once `limit` candidates are held, a lower group
    cannot enter the result. `label`: a unit's label; `mixed`: a unit whose copies decisions split."""
    row, col, similarity = part
    # Only unit pairs that can hold rows apart, most similar first; the rest never enter.
    apart = (label[row] != label[col]) | mixed[row] | mixed[col]
    rows, cols, values = row[apart], col[apart], similarity[apart]
    plain = ~(mixed[rows] | mixed[cols])  # each such unit pair holds at least one row pair apart
    if plain.sum() > limit:
        # The `limit` best plain unit pairs already give `limit` row pairs: nothing less similar
        # than the weakest of them can enter the result.
        cut = np.partition(values[plain], plain.sum() - limit)[plain.sum() - limit]
        keep = ~plain | (values >= cut)
        rows, cols, values = rows[keep], cols[keep], values[keep]
    order = np.lexsort((cols, rows, -values))

    def rows_of(u: int) -> list[int]:
        return by_unit[starts[u] : starts[u + 1]].tolist()

    found: list[tuple[float, int, int]] = []
    for value, group in groupby(order.tolist(), key=lambda k: float(values[k])):
        if len(found) >= limit:
            break
        for k in group:
            u, v = int(rows[k]), int(cols[k])
            found.extend((value, i, j) for i, j in _pairs_apart(rows_of(u), rows_of(v), False, labels, limit))
    return found


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
