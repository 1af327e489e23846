"""Cluster labels -> clusters and merge proposals, with the evidence a reviewer needs.

For each cluster of two or more tasks: the representative (medoid), distinctive keywords, cohesion
(mean pairwise similarity), the weakest member, and the terms each member shares with the
representative. Cluster ids depend only on content, never on input row order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from taskdedup.clustering.tree import Similarity, row_units
from taskdedup.config import SHARED_TERMS_PER_MEMBER
from taskdedup.input.submissions import Submission
from taskdedup.text.vectors import CHAR_PREFIX

CROSS_AGENCY = "cross-agency"
SAME_AGENCY = "same-agency"
UNATTRIBUTED = "unattributed"  # agency unknown for some member: cannot say whether it crosses agencies
SINGLETON = "singleton"
# Rounding before comparisons, so float noise cannot reorder ties between runs.
_TIE_DECIMALS = 9


class Member(NamedTuple):  # a named tuple: one per input row, made three times faster than a dataclass
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


def same_name(name: str) -> str:
    return name


def _own_agency(submission: Submission, agency_of: Callable[[str], str]) -> tuple[str, ...]:
    """A task alone: its agency as its group's agencies, none when it names none."""
    return (agency_of(submission.agency),) if submission.agency else ()


def _kind(members: Sequence[Submission], has_agency: bool, agency_of: Callable[[str], str] = same_name) -> tuple[str, tuple[str, ...]]:
    if len(members) == 1:
        return SINGLETON, _own_agency(members[0], agency_of)
    agencies = tuple(sorted({agency_of(m.agency) for m in members if m.agency}))
    if len(agencies) >= 2:
        return CROSS_AGENCY, agencies
    if has_agency and len(agencies) == 1 and all(m.agency for m in members):
        return SAME_AGENCY, agencies
    return UNATTRIBUTED, agencies


def dense_rows(matrix: sp.csr_matrix, indices: Sequence[int], terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The given rows as a dense array over only the columns they use, and those columns' terms.

    Straight from the CSR arrays: a group of a few rows uses a few dozen of tens of thousands of
    columns, and scipy's slicing per group is slow.
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
    return top_terms_per_row(sp.csr_matrix(np.asarray(weights, dtype=np.float64).reshape(1, -1)), terms, k)[0]


def _shown(terms: np.ndarray) -> np.ndarray:
    return np.array([not str(t).startswith(CHAR_PREFIX) for t in terms], dtype=bool)


def _term_rank(terms: np.ndarray) -> np.ndarray:
    """Each column's place in the order of its term's text: ties in weight go to the earlier term."""
    rank = np.empty(len(terms), dtype=np.int64)
    rank[sorted(range(len(terms)), key=lambda j: str(terms[j]))] = np.arange(len(terms))
    return rank


def top_terms_per_row(
    weights: sp.csr_matrix, terms: np.ndarray, k: int, shown: np.ndarray | None = None, rank: np.ndarray | None = None
) -> list[tuple[str, ...]]:
    """top_terms of every row of a sparse matrix at once: one sort of all entries by (row, weight
    rounded, term) instead of a Python sort per row (tens of thousands of members on large inputs)."""
    weights = weights.tocsr()
    shown = _shown(terms) if shown is None else shown
    rank = _term_rank(terms) if rank is None else rank
    rows = np.repeat(np.arange(weights.shape[0]), np.diff(weights.indptr))
    keep = (weights.data > 0) & shown[weights.indices]
    rows, cols = rows[keep], weights.indices[keep]
    order = _lexsort((rank[cols], -_tie_levels(weights.data[keep]), rows))
    rows, cols = rows[order], cols[order]
    counts = np.bincount(rows, minlength=weights.shape[0])
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    place = np.arange(len(rows)) - starts[rows]
    taken = terms[cols[place < k]].tolist()  # Python strings: the terms are
    lengths = np.minimum(counts, k)
    ends = np.cumsum(lengths)
    return [tuple(taken[begin:end]) for begin, end in zip((ends - lengths).tolist(), ends.tolist(), strict=True)]


# Values within this bound are ordered by integers: see _tie_levels.
_INTEGER_LEVELS_MAX = 1e3


def _tie_levels(values: np.ndarray) -> np.ndarray:
    """Integers that order `values` as np.round(values, _TIE_DECIMALS) orders them, ties included.

    np.round multiplies by 10^9 and rounds to an integer before it divides, so that integer is such
    a level; while |values| <= 10^3 two integers stay two doubles after the division. Past that,
    the rank among the distinct rounded values (a sort more). No NaN: it has no place in an order
    (similarities and term weights never are)."""
    if len(values) == 0 or (np.isfinite(values).all() and np.abs(values).max() <= _INTEGER_LEVELS_MAX):
        return np.rint(values * 10.0**_TIE_DECIMALS).astype(np.int64)
    return np.unique(np.round(values, _TIE_DECIMALS), return_inverse=True)[1].ravel().astype(np.int64)


def _lexsort(keys: Sequence[np.ndarray]) -> np.ndarray:
    """np.lexsort of integer keys (the last one first): one stable argsort of the keys packed into
    one 64-bit integer when their ranges allow, the lexsort otherwise. On 85,856 titles' members a
    lexsort of three or four keys took 25-60 ms; the packed sort 2-3 ms."""
    keys = [np.asarray(k, dtype=np.int64) for k in keys]
    if len(keys[0]) == 0:
        return np.zeros(0, dtype=np.int64)
    lows = [int(k.min()) for k in keys]
    spans = [int(k.max()) - low + 1 for k, low in zip(keys, lows, strict=True)]
    if np.prod(spans, dtype=object) >= 2**63:
        return np.lexsort(keys)
    packed = np.zeros(len(keys[0]), dtype=np.int64)
    scale = 1
    for key, low, span in zip(keys, lows, spans, strict=True):
        packed += (key - low) * scale
        scale *= span
    return np.argsort(packed, kind="stable")


def singletons(
    first: int, labels: np.ndarray, submissions: Sequence[Submission], agency_of: Callable[[str], str]
) -> list[Cluster]:
    """The tasks alone in their group, numbered from `first` in row order: they follow the proposals."""
    size_of = np.bincount(labels) if len(labels) else np.zeros(0, dtype=np.int64)
    # A task on its own needs no keywords: they are shown for proposals and themes only. Its kind
    # is _kind's for one task without the call through _kind (10,000 singletons at 85,856 rows).
    return [
        Cluster(number, (Member(i, s, 1.0, 1.0, ()),), SINGLETON, _own_agency(s, agency_of), (), 1.0, None)
        for number, i in enumerate(np.flatnonzero(size_of[labels] == 1).tolist(), start=first)
        for s in (submissions[i],)
    ]


def build_clusters(
    submissions: Sequence[Submission],
    matrix: sp.csr_matrix,
    terms: np.ndarray,
    similarity: Similarity,
    labels: np.ndarray,
    *,
    keywords: int,
    has_agency: bool,
    agency_of: Callable[[str], str] = same_name,
    representatives: Collection[int] = (),
    units: np.ndarray | None = None,
    batched: bool = True,
) -> list[Cluster]:
    """Submissions must be in canonical order (sorted by Submission.sort_key) matching the matrix rows.
    A group holding one of `representatives` (row indices: merged groups' earlier representatives)
    has it as representative; any other group its medoid.

    The evidence of all proposals is computed in whole-array passes (one sparse product for every
    keyword list, one for every member's shared terms, one sort for each ranking): a Python loop per
    proposal cost seconds on 10^4 proposals. What stays per proposal is its small similarity block.
    """
    labels = np.asarray(labels, dtype=np.int64)
    if len(labels) == 0:
        return []
    size_of = np.bincount(labels)
    # Rows of proposals, grouped by label, in canonical order inside each group.
    pos_row = np.flatnonzero(size_of[labels] > 1)
    pos_row = pos_row[np.argsort(labels[pos_row], kind="stable")]
    pos_label = labels[pos_row]
    starts = np.flatnonzero(np.r_[True, pos_label[1:] != pos_label[:-1]]) if len(pos_row) else np.zeros(0, dtype=np.int64)
    sizes = np.diff(np.r_[starts, len(pos_row)])
    groups = len(starts)
    pos_group = np.repeat(np.arange(groups), sizes)

    # Copies by the compared vectors (words and characters); they are then copies in `matrix` too.
    # Evidence is computed once per distinct row of a group ("unit"), units in order of first copy.
    # `units`, when given, numbers each row's distinct vector already (the sparse join's units).
    unit = row_units(similarity.matrix, pos_row) if units is None else units[pos_row]
    key = pos_group * (int(unit.max(initial=0)) + 1) + unit
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    by_first = np.argsort(first, kind="stable")
    pos_unit = np.empty(len(first), dtype=np.int64)
    pos_unit[by_first] = np.arange(len(first))
    pos_unit = pos_unit[inverse.ravel()]
    unit_first = first[by_first]  # position of each unit's first copy, group-major
    unit_start = np.searchsorted(pos_group[unit_first], np.arange(groups + 1))
    unit_count = np.bincount(pos_unit, minlength=len(first)).astype(np.float64)
    local_unit = pos_unit - unit_start[pos_group]

    # One similarity block per group over its units: identical rows have similarity 1 with each
    # other and the same similarity to every other row, so memory grows with distinct texts.
    blocks = similarity.blocks([pos_row[unit_first[unit_start[g] : unit_start[g + 1]]] for g in range(groups)])
    to_rep = np.empty(len(pos_row))
    mean_to_others = np.empty(len(pos_row))
    cohesion = np.empty(groups)
    rep_row = np.empty(groups, dtype=np.int64)
    kept = np.zeros(len(labels), dtype=bool)
    kept[list(representatives)] = True
    own_rep = np.bincount(pos_group, weights=kept[pos_row], minlength=groups) > 0
    plain = (np.diff(unit_start) == sizes) & ~own_rep  # no copies, no representative decided earlier
    done = np.zeros(groups, dtype=bool)
    if batched:
        done = plain
        _plain_groups(blocks, np.flatnonzero(plain), sizes, starts, pos_row, unit_first, unit_start, to_rep, mean_to_others, cohesion, rep_row)
    for g, block in enumerate(blocks):
        if done[g]:
            continue
        np.fill_diagonal(block, 1.0)
        size, units = int(sizes[g]), int(unit_start[g + 1] - unit_start[g])
        if units == size:  # no copies: sums in the order they always had
            unit_mean = (block.sum(axis=1) - 1.0) / (size - 1)
            cohesion[g] = (block.sum() - size) / (size * (size - 1))
        else:
            count = unit_count[unit_start[g] : unit_start[g + 1]]
            row_sums = block @ count
            unit_mean = (row_sums - 1.0) / (size - 1)
            cohesion[g] = (count @ row_sums - size) / (size * (size - 1))
        # Medoid: highest mean similarity to the others; ties go to the earliest in canonical order
        # (a unit's first copy is its earliest).
        span = slice(starts[g], starts[g] + size)
        earlier = np.flatnonzero(kept[pos_row[span]])
        if len(earlier):  # that very row, even when an identical copy comes first
            rep_unit = int(local_unit[starts[g] + earlier[0]])
            rep_row[g] = pos_row[starts[g] + earlier[0]]
        else:
            rep_unit = int(np.argmax(np.round(unit_mean, _TIE_DECIMALS)))
            rep_row[g] = pos_row[unit_first[unit_start[g] + rep_unit]]
        to_rep[span] = block[local_unit[span], rep_unit]
        mean_to_others[span] = unit_mean[local_unit[span]]

    shown, rank = _shown(terms), _term_rank(terms)
    membership = sp.csr_matrix((np.ones(len(pos_row)), (pos_group, pos_row)), shape=(groups, matrix.shape[0]))
    present = sp.csr_matrix(matrix, copy=True)
    present.data = (present.data > 0).astype(np.float64)
    # Keywords: mean weight over members, counting only terms that at least two members use.
    used_twice = (membership @ present) >= 2
    centroid = sp.csr_matrix((membership @ matrix).multiply(used_twice))
    centroid.data /= np.repeat(sizes, np.diff(centroid.indptr)).astype(np.float64)
    group_keywords = top_terms_per_row(centroid, terms, keywords, shown, rank)
    shared = top_terms_per_row(matrix[pos_row].multiply(matrix[rep_row[pos_group]]), terms, SHARED_TERMS_PER_MEMBER, shown, rank)
    rep_shared = top_terms_per_row(matrix[rep_row].multiply(used_twice), terms, SHARED_TERMS_PER_MEMBER, shown, rank)

    is_rep = pos_row == rep_row[pos_group]
    member_order = _lexsort((pos_row, -_tie_levels(to_rep), ~is_rep, pos_group))
    weakest_order = _lexsort((-pos_row, is_rep, _tie_levels(mean_to_others), pos_group))
    # Every member made in one pass in member order (a generator per group cost ~0.05 s at
    # 12,000 proposals), each group then a slice of them; a representative's shared terms are
    # those it shares with the group.
    for p, g in zip(np.flatnonzero(is_rep).tolist(), pos_group[is_rep].tolist(), strict=True):
        shared[p] = rep_shared[g]
    rows_, to_rep_, mean_ = pos_row.tolist(), to_rep.tolist(), mean_to_others.tolist()
    made = [Member(rows_[p], submissions[rows_[p]], to_rep_[p], mean_[p], shared[p]) for p in member_order.tolist()]
    slot = np.empty(len(member_order), dtype=np.int64)
    slot[member_order] = np.arange(len(member_order))
    weakest_slot = slot[weakest_order[starts]].tolist()
    drafts: list[tuple[tuple, tuple]] = []
    for g, (start, size, rep, cohesion_g) in enumerate(zip(starts.tolist(), sizes.tolist(), rep_row.tolist(), cohesion.tolist(), strict=True)):
        members = tuple(made[start : start + size])
        kind, agencies = _kind([m.submission for m in members], has_agency, agency_of)
        drafts.append((order_key(len(agencies), cohesion_g, size, rep), (members, kind, agencies, group_keywords[g], cohesion_g, made[weakest_slot[g]])))
    drafts.sort(key=lambda d: d[0])
    clusters = [Cluster(number, *fields) for number, (_, fields) in enumerate(drafts, start=1)]
    return clusters + singletons(len(clusters) + 1, labels, submissions, agency_of)


def order_key(agencies: int, cohesion: float, size: int, representative: int) -> tuple[int, float, int, int]:
    """Where a proposal goes in the list: more agencies, then tighter, then larger first; the
    representative's row breaks ties."""
    return (-agencies, -round(cohesion, _TIE_DECIMALS), -size, representative)


def _plain_groups(
    blocks: list[np.ndarray], plain: np.ndarray, sizes: np.ndarray, starts: np.ndarray, pos_row: np.ndarray, unit_first: np.ndarray,
    unit_start: np.ndarray, to_rep: np.ndarray, mean_to_others: np.ndarray, cohesion: np.ndarray, rep_row: np.ndarray,
) -> None:
    """build_clusters' loop for groups without copies or an earlier representative, all groups of
    one size at a time (most proposals are of two to five tasks, 12,000 of them at 85,856 rows):
    the same sums over the same contiguous rows, so the same bits (a test compares with the loop)."""
    for size in np.unique(sizes[plain]).tolist():
        group = plain[sizes[plain] == size]
        stacked = np.stack([blocks[g] for g in group.tolist()])
        every = np.arange(size)
        stacked[:, every, every] = 1.0
        means = (stacked.sum(axis=2) - 1.0) / (size - 1)
        cohesion[group] = (stacked.reshape(len(group), size * size).sum(axis=1) - size) / (size * (size - 1))
        rep = np.argmax(np.round(means, _TIE_DECIMALS), axis=1)
        rep_row[group] = pos_row[unit_first[unit_start[group] + rep]]
        at = starts[group][:, None] + every  # each group's positions: its units in order
        to_rep[at] = stacked[np.arange(len(group)), :, rep]
        mean_to_others[at] = means


def proposal_key(cluster: Cluster) -> str:
    """An id from the members themselves: the same members give the same key in every run,
    whatever the input order or the cluster numbering."""
    ids = "\x1f".join(sorted(m.submission.row_id for m in cluster.members))
    return "P" + hashlib.sha1(ids.encode("utf-8")).hexdigest()[:8]
