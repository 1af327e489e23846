"""Proposals computed a part at a time, whole groups per part (what the Dask engine sends its
workers), merged into the list one `build_clusters` run gives.

A group's evidence (its similarity block, medoid, keywords, each member's shared terms) depends
only on its own rows, and every tie inside it is broken by the rows' canonical order, which a
part keeps (its rows ascend). Only the proposals' numbering needs them all: `merge` sorts the
parts' proposals by the key `build_clusters` sorts by, with each representative's row in the
whole run, numbers them, and puts the singletons after them in row order
(tests/review/test_apart.py compares with one run).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from taskdedup.clustering.tree import Similarity
from taskdedup.input.submissions import Submission
from taskdedup.review.proposals import Cluster, Member, build_clusters, order_key, same_name, singletons

# What a part sends back per proposal: the sort key (with the representative's row in the whole
# run), its kind, agencies, keywords, cohesion, and per member its row, similarity to the
# representative, mean similarity and shared terms, then the weakest member's row. Rows, not
# submissions: the caller has those, and a million of them need not travel back as copies.
Slim = tuple[tuple[int, float, int, int], str, tuple[str, ...], tuple[str, ...], float, tuple[tuple[int, float, float, tuple[str, ...]], ...], int | None]

@dataclass(frozen=True)
class GroupsTask:
    """Whole groups: their rows (ascending, in the whole run's numbering) and what build_clusters
    needs of them."""

    rows: np.ndarray
    submissions: list[Submission]
    words: sp.csr_matrix  # their word columns: keywords and shared terms
    vectors: sp.csr_matrix  # their whole vectors: similarities
    labels: np.ndarray
    representatives: list[int]  # positions in `rows`
    units: np.ndarray | None


def split(labels: np.ndarray, parts: int) -> list[np.ndarray]:
    """The rows of the groups of two or more, whole groups in up to `parts` parts of about the
    same number of rows: largest group first, each to the part with the fewest rows so far."""
    size_of = np.bincount(labels) if len(labels) else np.zeros(0, dtype=np.int64)
    groups = np.flatnonzero(size_of > 1)
    load = np.zeros(max(1, min(parts, len(groups))), dtype=np.int64)
    part_of = np.full(len(size_of), -1, dtype=np.int64)
    for g in groups[np.argsort(-size_of[groups], kind="stable")].tolist():
        k = int(np.argmin(load))
        part_of[g] = k
        load[k] += size_of[g]
    row_part = part_of[labels]
    return [rows for k in range(len(load)) if len(rows := np.flatnonzero(row_part == k))]


def tasks(
    submissions: Sequence[Submission], words: sp.csr_matrix, similarity: Similarity, labels: np.ndarray, parts: int,
    representatives: Collection[int] = (), units: np.ndarray | None = None,
) -> list[GroupsTask]:
    """build_clusters' input (its arguments of the same names) cut into parts of whole groups."""
    kept = np.zeros(len(labels), dtype=bool)
    kept[list(representatives)] = True
    # A part needs of each submission its agency only (the kind and agencies of a proposal): the
    # rest stays here, where `merge` puts the submissions back by row.
    agency = {a: Submission(0, "", a, "", "", "") for a in {s.agency for s in submissions}}
    return [
        GroupsTask(rows, [agency[submissions[i].agency] for i in rows.tolist()], words[rows], similarity.matrix[rows], labels[rows],
                   np.flatnonzero(kept[rows]).tolist(), None if units is None else units[rows])
        for rows in split(labels, parts)
    ]


def run(task: GroupsTask, terms: np.ndarray, keywords: int, has_agency: bool, agency_of: Callable[[str], str] = same_name) -> list[Slim]:
    """A task: its groups' proposals, their rows in the whole run's numbering, for `merge`."""
    rows = task.rows.tolist()
    out: list[Slim] = []
    for c in build_clusters(task.submissions, task.words, terms, Similarity(task.vectors), task.labels, keywords=keywords, has_agency=has_agency,
                            agency_of=agency_of, representatives=task.representatives, units=task.units):
        members = tuple((rows[m.index], m.similarity, m.mean_similarity, m.shared_terms) for m in c.members)
        key = order_key(len(c.agencies), c.cohesion, len(members), members[0][0])
        out.append((key, c.kind, c.agencies, c.keywords, c.cohesion, members, None if c.weakest is None else rows[c.weakest.index]))
    return out


def merge(
    parts: Sequence[list[Slim]], submissions: Sequence[Submission], labels: np.ndarray, has_agency: bool, agency_of: Callable[[str], str] = same_name,
) -> list[Cluster]:
    """The parts' proposals numbered as one run numbers them, then every task on its own."""
    slim = sorted((p for part in parts for p in part), key=lambda p: p[0])
    clusters = []
    for number, (_, kind, agencies, keywords, cohesion, rows, weakest_row) in enumerate(slim, start=1):
        members = tuple(Member(row, submissions[row], similarity, mean, shared) for row, similarity, mean, shared in rows)
        weakest = next(m for m in members if m.index == weakest_row) if weakest_row is not None else None
        clusters.append(Cluster(number, members, kind, agencies, keywords, cohesion, weakest))
    return clusters + singletons(len(clusters) + 1, labels, submissions, agency_of)
