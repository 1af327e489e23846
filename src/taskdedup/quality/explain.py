"""Why two rows are (or are not) grouped: their similarity and the terms behind it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from taskdedup.errors import InputError
from taskdedup.input.submissions import Submission
from taskdedup.messages import msg
from taskdedup.results import Prepared
from taskdedup.text.vectors import CHAR_PREFIX, EMBEDDING_PREFIX

EMBEDDING_TERM = EMBEDDING_PREFIX + "sentence embedding"


@dataclass(frozen=True)
class TermShare:
    term: str
    weight_a: float
    weight_b: float

    @property
    def contribution(self) -> float:
        return self.weight_a * self.weight_b


@dataclass(frozen=True)
class Explanation:
    a: Submission
    b: Submission
    similarity: float  # the mixed score the tree merges on
    probability: float  # the match model's reading of it
    signals: list[tuple[str, float]]  # each signal's share of the score: word, character, embedding
    slope: float
    midpoint: float
    threshold: float  # a probability
    same_cluster: bool
    # The score at which the groups holding A and B join in the tree (their average link for
    # average linkage): what the threshold is compared with. None: they never join.
    group_link: float | None
    group_probability: float | None
    shared: list[TermShare]  # by contribution; the contributions add up to the similarity
    only_a: list[TermShare]  # heaviest terms of a that b lacks
    only_b: list[TermShare]


def find_row(prepared: Prepared, key: str) -> int:
    """A row by its id, or by its data row number written as #N."""
    if key.startswith("#") and key[1:].isdigit():
        matches = [i for i, s in enumerate(prepared.clustered) if s.row_number == int(key[1:])]
    else:
        matches = [i for i, s in enumerate(prepared.clustered) if s.row_id == key]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        numbers = ", ".join(f"#{prepared.clustered[i].row_number}" for i in matches)
        raise InputError(msg("id '{key}' is used by several rows ({numbers}); name one by its row number, e.g. {example}", key=key, numbers=numbers, example=numbers.split(', ')[0]))
    if any(r.submission.row_id == key or f"#{r.submission.row_number}" == key for r in prepared.skipped):
        raise InputError(msg("row '{key}' has no text to compare, so it has no similarity to explain", key=key))
    examples = ", ".join(s.row_id for s in prepared.clustered[:3])
    raise InputError(msg("no row with id '{key}'; ids come from column '{column}', e.g. {examples}", key=key, column=prepared.columns.id or '(row numbers)', examples=examples))


def explain(prepared: Prepared, key_a: str, key_b: str, limit: int = 10) -> Explanation:
    i, j = find_row(prepared, key_a), find_row(prepared, key_b)
    matrix, terms = prepared.vectors.matrix, prepared.vectors.terms
    row_a, row_b = matrix[i].toarray().ravel(), matrix[j].toarray().ravel()
    embedded = np.array([str(t).startswith(EMBEDDING_PREFIX) for t in terms], dtype=bool)
    chars = np.array([str(t).startswith(CHAR_PREFIX) for t in terms], dtype=bool)
    words = ~(embedded | chars)
    signals = [(name, float(row_a[part] @ row_b[part])) for name, part in (("words", words), ("characters", chars), ("embedding", embedded)) if part.any()]
    shares = []
    if embedded.any():
        # The sentence embedding is one signal: its dimensions (which may be negative) are shown as
        # one term whose contribution is their dot product.
        ea, eb = row_a[embedded], row_b[embedded]
        size = float(np.linalg.norm(ea))
        shares.append(TermShare(EMBEDDING_TERM, size, float(ea @ eb) / size if size else 0.0))
        row_a, row_b = np.where(embedded, 0.0, row_a), np.where(embedded, 0.0, row_b)
    both = np.flatnonzero((row_a > 0) & (row_b > 0))
    shares += [TermShare(str(terms[k]), float(row_a[k]), float(row_b[k])) for k in both]
    shared = sorted(shares, key=lambda t: (-t.contribution, t.term))
    only_a = sorted(
        (TermShare(str(terms[k]), float(row_a[k]), 0.0) for k in np.flatnonzero((row_a > 0) & (row_b == 0))),
        key=lambda t: (-t.weight_a, t.term),
    )
    only_b = sorted(
        (TermShare(str(terms[k]), 0.0, float(row_b[k])) for k in np.flatnonzero((row_b > 0) & (row_a == 0))),
        key=lambda t: (-t.weight_b, t.term),
    )
    labels = prepared.cut(prepared.settings.threshold)
    score = prepared.similarity.pair(i, j)
    assert prepared.tree is not None  # cut() above raised otherwise
    link = prepared.tree.join_similarity(i, j)
    return Explanation(
        a=prepared.clustered[i],
        b=prepared.clustered[j],
        similarity=score,
        probability=prepared.match.probability(score),
        signals=signals,
        slope=prepared.match.slope,
        midpoint=prepared.match.midpoint,
        threshold=prepared.settings.threshold,
        same_cluster=bool(labels[i] == labels[j]),
        group_link=link,
        group_probability=None if link is None else prepared.match.probability(link),
        shared=shared[:limit],
        only_a=only_a[:limit],
        only_b=only_b[:limit],
    )
