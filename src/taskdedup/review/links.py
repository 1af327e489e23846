"""Linking new proposals to existing projects: for each new row, the existing rows it duplicates.

The council's first question about a new proposal is often whether it already exists, in last
year's roadmap or another ministry's running projects. Both files are read and vectorised as one
survey (the same match score and probability as `cluster` on both), and only pairs across the two
count: a new row against an existing one. Duplicates among the new rows are a `cluster` run's
business and are reported as one (review/proposals.py, on the new rows alone).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from taskdedup.clustering.match import MatchModel
from taskdedup.clustering.tree import DECIMALS, Similarity
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
    top: int = TOP,
) -> list[Link]:
    """A Link for every new row of `clustered` (the prepared rows, in canonical order). Candidates
    are existing rows at probability `low` or more, by similarity, ties in canonical order."""
    flags = np.asarray(is_new, dtype=bool)
    new_rows, old_rows = np.flatnonzero(flags), np.flatnonzero(~flags)
    floor, score = match.score_at(low), match.score_at(threshold)
    links: list[Link] = []
    for start in range(0, len(new_rows), BLOCK_ROWS):
        rows = new_rows[start : start + BLOCK_ROWS]
        for row, (columns, scores) in zip(rows, _at_least(similarity, rows, old_rows, floor), strict=True):
            # Best first, and among equal scores the existing row first in canonical order: the
            # columns come in that order, and a stable sort of the negated scores keeps it.
            best = np.argsort(-scores, kind="stable")[:top]
            candidates = tuple(
                Candidate(clustered[int(old_rows[columns[j]])], float(scores[j]), match.probability(float(scores[j]))) for j in best
            )
            links.append(Link(clustered[int(row)], candidates, verdict_of(candidates, score)))
    return links


def _at_least(similarity: Similarity, rows: np.ndarray, columns: np.ndarray, floor: float) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """For each of `rows`: the positions in `columns` (ascending) whose similarity to it is at
    least `floor`, and those similarities (rounded, within [0, 1], as the clustering reads them).

    Above zero, only pairs that share a term can reach the floor: the sparse product's entries,
    rounded and clipped one by one as the dense block's are. The dense block (new x existing)
    cost 40 s of 48 at 42,856 new titles against 43,000 existing ones, almost all of it zeros."""
    if similarity.dense is not None or floor <= 0.0 or not len(columns):
        block = _similarities(similarity, rows, columns)
        for scores in block:
            kept = np.flatnonzero(scores >= floor)
            yield kept, scores[kept]
        return
    matrix = similarity.matrix
    product = sp.csr_matrix(matrix[rows] @ matrix[columns].T)
    product.sort_indices()
    values = np.clip(np.round(product.data, DECIMALS), 0.0, 1.0)
    for k in range(len(rows)):
        part = slice(product.indptr[k], product.indptr[k + 1])
        scores = values[part]
        kept = scores >= floor
        yield product.indices[part][kept], scores[kept]


def _similarities(similarity: Similarity, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """The rows' similarities to the columns, as the clustering reads them (rounded, within [0, 1])."""
    if not len(columns):
        return np.zeros((len(rows), 0))
    if similarity.dense is not None:
        return similarity.dense[np.ix_(rows, columns)]
    matrix = similarity.matrix
    product = (matrix[rows] @ matrix[columns].T).toarray()
    return np.clip(np.round(product, DECIMALS), 0.0, 1.0)
