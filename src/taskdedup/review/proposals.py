"""Cluster labels -> clusters and merge proposals, with the evidence a reviewer needs.

For each cluster of two or more tasks: the representative (medoid), distinctive keywords, cohesion
(mean pairwise similarity), the weakest member, and the terms each member shares with the
representative. Cluster ids depend only on content, never on input row order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from taskdedup.clustering.tree import Similarity, identical_rows
from taskdedup.config import SHARED_TERMS_PER_MEMBER
from taskdedup.input.submissions import Submission
from taskdedup.text.vectors import CHAR_PREFIX

CROSS_AGENCY = "cross-agency"
SAME_AGENCY = "same-agency"
UNATTRIBUTED = "unattributed"  # agency unknown for some member: cannot say whether it crosses agencies
SINGLETON = "singleton"
# Rounding before comparisons, so float noise cannot reorder ties between runs.
_TIE_DECIMALS = 9


@dataclass(frozen=True)
class Member:
    index: int  # position in the canonical (content-sorted) order of clustered submissions
    submission: Submission
    similarity: float  # to the representative (1.0 for the representative itself)
    mean_similarity: float  # to the other members (1.0 for a singleton)
    shared_terms: tuple[str, ...]


@dataclass(frozen=True)
class Cluster:
    cluster_id: int
    members: tuple[Member, ...]  # representative first, then by similarity to it
    kind: str
    agencies: tuple[str, ...]
    keywords: tuple[str, ...]
    cohesion: float
    weakest: Member | None

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def representative(self) -> Member:
        return self.members[0]

    @property
    def is_proposal(self) -> bool:
        return self.size > 1


def _same(name: str) -> str:
    return name


def _kind(members: Sequence[Submission], has_agency: bool, agency_of: Callable[[str], str] = _same) -> tuple[str, tuple[str, ...]]:
    if len(members) == 1:
        return SINGLETON, tuple(agency_of(a) for a in (members[0].agency,) if a)
    agencies = tuple(sorted({agency_of(m.agency) for m in members if m.agency}))
    if len(agencies) >= 2:
        return CROSS_AGENCY, agencies
    if has_agency and len(agencies) == 1 and all(m.agency for m in members):
        return SAME_AGENCY, agencies
    return UNATTRIBUTED, agencies


def dense_rows(matrix: sp.csr_matrix, indices: Sequence[int], terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The given rows as a dense array over only the columns they use, and those columns' terms.

    Straight from the CSR arrays: a group of a few rows uses a few dozen of tens of thousands of
    columns, and scipy's slicing per group dominated proposal building on large inputs.
    """
    indptr = matrix.indptr
    spans = [(indptr[i], indptr[i + 1]) for i in indices]
    cols_per_row = [matrix.indices[a:b] for a, b in spans]
    cols = np.unique(np.concatenate(cols_per_row)) if cols_per_row else np.zeros(0, dtype=np.int64)
    rows = np.zeros((len(indices), len(cols)))
    for r, ((a, b), row_cols) in enumerate(zip(spans, cols_per_row, strict=True)):
        rows[r, np.searchsorted(cols, row_cols)] = matrix.data[a:b]
    return rows, terms[cols]


def top_terms(weights: np.ndarray, terms: np.ndarray, k: int) -> tuple[str, ...]:
    """The k heaviest words with positive weight; ties broken by the term itself.

    Character n-gram columns help matching but mean nothing to a reader, so they are never shown.
    """
    nonzero = [j for j in np.flatnonzero(weights > 0) if not str(terms[j]).startswith(CHAR_PREFIX)]
    ranked = sorted(nonzero, key=lambda j: (-round(float(weights[j]), _TIE_DECIMALS), str(terms[j])))
    return tuple(str(terms[j]) for j in ranked[:k])


def _copies(matrix: sp.csr_matrix, indices: Sequence[int]) -> tuple[list[int], np.ndarray]:
    """Identical rows among `indices`: (position of the first copy of each distinct row, the
    distinct row of each position). Duplicate campaigns and template texts repeat one row
    thousands of times; the evidence is computed once per distinct row."""
    groups = identical_rows(matrix, indices)
    unit = np.empty(len(indices), dtype=np.int64)
    for k, positions in enumerate(groups):
        unit[positions] = k
    return [g[0] for g in groups], unit


def build_clusters(
    submissions: Sequence[Submission],
    matrix: sp.csr_matrix,
    terms: np.ndarray,
    similarity: Similarity,
    labels: np.ndarray,
    *,
    keywords: int,
    has_agency: bool,
    agency_of: Callable[[str], str] = _same,
) -> list[Cluster]:
    """Submissions must be in canonical order (sorted by Submission.sort_key) matching the matrix rows."""
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)

    drafts: list[tuple[tuple, Cluster]] = []
    # Copies by the compared vectors (words and characters); they are then copies in `matrix` too.
    copies = {label: _copies(similarity.matrix, indices) for label, indices in groups.items() if len(indices) > 1}
    # One similarity block per cluster over its distinct rows: identical rows have similarity 1
    # with each other and the same similarity to every other row, so the block of all members is
    # this one expanded, and memory grows with the distinct texts, not with their copies.
    distinct = {label: np.array([groups[label][p] for p in firsts]) for label, (firsts, _) in copies.items()}
    blocks = dict(zip(distinct, similarity.blocks(list(distinct.values())), strict=True))
    for label, indices in groups.items():
        members_sub = [submissions[i] for i in indices]
        kind, agencies = _kind(members_sub, has_agency, agency_of)
        if len(indices) == 1:
            i = indices[0]
            member = Member(i, submissions[i], 1.0, 1.0, ())
            # A task on its own needs no keywords: they are shown for proposals and themes only, and
            # computing them for tens of thousands of singletons cost more than the clustering.
            cluster = Cluster(0, (member,), kind, agencies, (), 1.0, None)
            drafts.append(((1, 0, 0.0, 0, i), cluster))
            continue
        firsts, unit = copies[label]
        block = blocks[label]
        np.fill_diagonal(block, 1.0)
        count = np.bincount(unit, minlength=len(firsts)).astype(np.float64)
        size = len(indices)
        if len(firsts) == size:  # no copies: sums in the order they always had
            unit_mean = (block.sum(axis=1) - 1.0) / (size - 1)
            cohesion = float((block.sum() - size) / (size * (size - 1)))
        else:
            row_sums = block @ count
            unit_mean = (row_sums - 1.0) / (size - 1)
            cohesion = float((count @ row_sums - size) / (size * (size - 1)))
        # Medoid: highest mean similarity to the others; ties go to the earliest in canonical order
        # (a distinct row's first copy is its earliest).
        rep_unit = int(np.argmax(np.round(unit_mean, _TIE_DECIMALS)))
        rep = indices[firsts[rep_unit]]
        rows, local_terms = dense_rows(matrix, [indices[p] for p in firsts], terms)
        present = (rows > 0).T @ count
        # Keywords: mean weight over members, counting only terms that at least two members use.
        centroid = (rows.T @ count) / size * (present >= 2) if len(firsts) < size else rows.mean(axis=0) * (present >= 2)
        cluster_keywords = top_terms(centroid, local_terms, keywords)
        shared_of_unit = [top_terms(rows[u] * rows[rep_unit], local_terms, SHARED_TERMS_PER_MEMBER) for u in range(len(firsts))]
        rep_shared = top_terms(rows[rep_unit] * (present >= 2), local_terms, SHARED_TERMS_PER_MEMBER)
        members: list[Member] = [
            Member(
                index=i,
                submission=submissions[i],
                similarity=float(block[unit[pos], rep_unit]),
                mean_similarity=float(unit_mean[unit[pos]]),
                shared_terms=rep_shared if i == rep else shared_of_unit[unit[pos]],
            )
            for pos, i in enumerate(indices)
        ]
        members.sort(key=lambda m: (m.index != rep, -round(m.similarity, _TIE_DECIMALS), m.index))
        weakest = min(members, key=lambda m: (round(m.mean_similarity, _TIE_DECIMALS), m.index == rep, -m.index))
        cluster = Cluster(0, tuple(members), kind, agencies, cluster_keywords, cohesion, weakest)
        # Proposals first: more agencies, then tighter, then larger; the representative breaks ties.
        drafts.append(((0, -len(agencies), -round(cohesion, _TIE_DECIMALS), -size, rep), cluster))

    drafts.sort(key=lambda d: d[0])
    return [
        Cluster(number, c.members, c.kind, c.agencies, c.keywords, c.cohesion, c.weakest)
        for number, (_, c) in enumerate(drafts, start=1)
    ]


def proposal_key(cluster: Cluster) -> str:
    """An id from the members themselves: the same members give the same key in every run,
    whatever the input order or the cluster numbering."""
    ids = "\x1f".join(sorted(m.submission.row_id for m in cluster.members))
    return "P" + hashlib.sha1(ids.encode("utf-8")).hexdigest()[:8]
