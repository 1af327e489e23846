"""Linking new proposals to existing projects: for each new row, the existing rows it duplicates.

The council's first question about a new proposal is often whether it already exists, in last
year's roadmap or another ministry's running projects. Both files are read and vectorised as one
survey (the same match score and probability as `cluster` on both), and only pairs across the two
count: a new row against an existing one. Duplicates among the new rows are a `cluster` run's
business and are reported as one (review/proposals.py, on the new rows alone).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from taskdedup.clustering.match import MatchModel
from taskdedup.clustering.tree import DECIMALS, Similarity, split_dense
from taskdedup.input.submissions import Submission

EXISTING, CHECK, NEW = "existing", "check", "new"  # the suggested verdicts
VERDICTS = (EXISTING, CHECK, NEW)
TOP = 3  # candidates shown per new row
BLOCK_ROWS = 1024  # new rows per product: the new x existing block never all lives at once


@dataclass(frozen=True)
class Candidate:
    submission: Submission
    similarity: float
    probability: float


@dataclass(frozen=True)
class Link:
    """One new row, its closest existing rows (at least `low` likely, best first) and what that suggests."""

    submission: Submission
    candidates: tuple[Candidate, ...]
    verdict: str  # EXISTING: one is at least `threshold` likely; CHECK: the best is between low and threshold; NEW


def verdict_of(candidates: Sequence[Candidate], score: float) -> str:
    """EXISTING when the best candidate reaches the score where `cluster` would group the pair."""
    if candidates and candidates[0].similarity >= score:
        return EXISTING
    return CHECK if candidates else NEW


def link_rows(
    clustered: Sequence[Submission], is_new: Sequence[bool], similarity: Similarity, match: MatchModel, *, threshold: float, low: float,
    top: int = TOP, jobs: int = 1,
) -> list[Link]:
    """A Link for every new row of `clustered` (the prepared rows, in canonical order). Candidates
    are existing rows at probability `low` or more, by similarity, ties in canonical order.
    Blocks of new rows are compared in `jobs` threads; the result does not depend on it."""
    flags = np.asarray(is_new, dtype=bool)
    new_rows, old_rows = np.flatnonzero(flags), np.flatnonzero(~flags)
    floor, score = match.score_at(low), match.score_at(threshold)
    starts = range(0, len(new_rows), BLOCK_ROWS)
    if similarity.dense is not None or floor <= 0.0 or not len(old_rows):
        blocks = [_dense_block(similarity, new_rows[start : start + BLOCK_ROWS], old_rows, floor, top) for start in starts]
    else:
        blocks = _sparse_blocks(similarity.matrix, new_rows, old_rows, floor, top, jobs, similarity.dense_columns)
    links: list[Link] = []
    for start, (owner, columns, scores) in zip(starts, blocks, strict=True):
        ends = np.searchsorted(owner, np.arange(1, min(BLOCK_ROWS, len(new_rows) - start) + 1)).tolist()
        columns_, scores_ = old_rows[columns].tolist(), scores.tolist()
        probability = {x: match.probability(x) for x in set(scores_)}  # scores repeat (copies, 1.0)
        at = 0
        for k, end in enumerate(ends):
            candidates = tuple(Candidate(clustered[columns_[j]], scores_[j], probability[scores_[j]]) for j in range(at, end))
            at = end
            links.append(Link(clustered[int(new_rows[start + k])], candidates, verdict_of(candidates, score)))
    return links


def _dense_block(similarity: Similarity, rows: np.ndarray, columns: np.ndarray, floor: float, top: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A block's candidates from its similarities to every column (a small input's matrix, or a
    floor at or below zero, where every existing row is one): per row the best `top`, and among
    equal scores the existing row first in canonical order (columns ascending, kept by a stable
    sort of the negated scores). Row by row, so a large block never becomes a list of pairs."""
    block = _similarities(similarity, rows, columns)
    owner, picked, scores = [], [], []
    for k, row in enumerate(block):
        kept = np.flatnonzero(row >= floor)
        best = kept[np.argsort(-row[kept], kind="stable")[:top]]
        owner.append(np.full(len(best), k, dtype=np.int64))
        picked.append(best)
        scores.append(row[best])
    none = np.zeros(0, dtype=np.int64)
    return (np.concatenate(owner) if owner else none, np.concatenate(picked) if picked else none,
            np.concatenate(scores) if scores else np.zeros(0))


def _sparse_blocks(
    matrix: sp.csr_matrix, rows: np.ndarray, columns: np.ndarray, floor: float, top: int, jobs: int, dense_columns: int = 0,
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Each block's candidates from the compiled join (clustering/join_kernel.py) of its rows
    against the inverted index of the existing rows: only rows that share a term are looked at,
    with the sums, rounding and clipping of the sparse product, to the bit. Blocks run in `jobs`
    threads (the join lets go of the GIL). The sparse product did the same work and kept every
    pair: ~3 s at 42,856 new titles against 43,000 existing ones."""
    from taskdedup.clustering import join_kernel
    from taskdedup.clustering.join import blocks_in_threads

    new, new_tail = split_dense(matrix[rows], dense_columns)
    old, old_tail = split_dense(matrix[columns], dense_columns)
    new = sp.csr_matrix(new)
    new.sort_indices()
    index = sp.csr_matrix(old.T)
    index.sort_indices()

    def block(start: int, sums: np.ndarray, touched: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        owner, column, score = join_kernel.join_rows(new.indptr, new.indices, new.data, index.indptr, index.indices, index.data,
                                                     new_tail, old_tail, start, min(len(rows), start + BLOCK_ROWS), floor, sums, touched, False)
        best = join_kernel.best_per_row(owner, column, score, top)
        return owner[best] - start, column[best], score[best]

    return list(blocks_in_threads(len(rows), len(columns), jobs, BLOCK_ROWS, block))


def _similarities(similarity: Similarity, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """The rows' similarities to the columns, as the clustering reads them (rounded, within [0, 1])."""
    if not len(columns):
        return np.zeros((len(rows), 0))
    if similarity.dense is not None:
        return similarity.dense[np.ix_(rows, columns)]
    matrix = similarity.matrix
    product = (matrix[rows] @ matrix[columns].T).toarray()
    return np.clip(np.round(product, DECIMALS), 0.0, 1.0)
