"""New rows against existing ones: the candidates, their order, and the verdicts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from taskdedup.clustering.match import match_model
from taskdedup.clustering.tree import Similarity, similarity_matrix
from taskdedup.input.submissions import Submission
from taskdedup.review import links as links_module
from taskdedup.review.links import CHECK, EXISTING, NEW, link_rows

MATCH = match_model("lexical")


def _rows(n: int) -> list[Submission]:
    return [Submission(row_number=k + 1, row_id=f"r{k}", agency="", field="", title=f"t{k}", text=f"t{k}") for k in range(n)]


def _similarity(vectors: np.ndarray, dense: bool, dense_columns: int = 0) -> Similarity:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    matrix = sp.csr_matrix(np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0))
    return Similarity(matrix, similarity_matrix(matrix) if dense else None, dense_columns)


def test_candidates_best_first_floor_and_verdicts() -> None:
    # rows 0-1 new; 2-4 existing. Row 0 equals existing 2, is close to 3; row 1 is near nothing.
    vectors = np.array([[1, 0, 0], [0, 0, 1], [1, 0, 0], [1, 0.35, 0], [0, 1, 0.02]], dtype=float)
    rows = _rows(5)
    out = link_rows(rows, [True, True, False, False, False], _similarity(vectors, dense=True), MATCH, threshold=0.5, low=0.3)
    assert [one.submission.row_id for one in out] == ["r0", "r1"]
    first, second = out
    assert [c.submission.row_id for c in first.candidates][:2] == ["r2", "r3"]
    assert first.candidates[0].similarity == 1.0 and first.verdict == EXISTING
    assert all(c.probability >= 0.3 for c in first.candidates)
    assert second.candidates == () and second.verdict == NEW


def test_a_best_match_between_the_floor_and_the_threshold_is_to_check() -> None:
    score = MATCH.score_at(0.4)  # probability 0.4: above the floor 0.3, below the threshold 0.5
    vectors = np.array([[1.0, 0.0], [score, np.sqrt(1 - score**2)]])
    out = link_rows(_rows(2), [True, False], _similarity(vectors, dense=True), MATCH, threshold=0.5, low=0.3)
    assert out[0].verdict == CHECK and len(out[0].candidates) == 1


def test_equal_scores_keep_the_canonical_order_and_only_three_are_kept() -> None:
    vectors = np.array([[1, 0], [1, 0], [1, 0], [1, 0], [1, 0]], dtype=float)
    out = link_rows(_rows(5), [False, True, False, False, False], _similarity(vectors, dense=False), MATCH, threshold=0.5, low=0.3)
    assert [c.submission.row_id for c in out[0].candidates] == ["r0", "r2", "r3"]


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=2, max_value=30), st.integers(min_value=0, max_value=10_000), st.sampled_from([0.3, 0.5, 0.05]))
def test_blocks_and_the_sparse_path_give_what_one_dense_pass_gives(n: int, seed: int, low: float) -> None:
    """The sparse product's entries (rows that share no term are never looked at) give the
    candidates of the dense block; below a zero score (low 0.05) every existing row is one."""
    rng = np.random.default_rng(seed)
    vectors = rng.integers(0, 3, size=(n, 6)).astype(float) * rng.integers(0, 2, size=(n, 6))  # many rows share no term
    is_new = list(rng.random(n) < 0.5)
    rows = _rows(n)
    dense = link_rows(rows, is_new, _similarity(vectors, dense=True), MATCH, threshold=0.5, low=low)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(links_module, "BLOCK_ROWS", 2)
        blocked = link_rows(rows, is_new, _similarity(vectors, dense=False), MATCH, threshold=0.5, low=low)
    assert blocked == dense
    # Sentence-embedding-like columns every row holds (some negative), added by the dense loop.
    embedded = np.hstack([vectors, rng.standard_normal((n, 3)) * 0.5])
    as_terms = link_rows(rows, is_new, _similarity(embedded, dense=True), MATCH, threshold=0.5, low=low)
    assert link_rows(rows, is_new, _similarity(embedded, dense=False, dense_columns=3), MATCH, threshold=0.5, low=low) == as_terms


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from([0.3, 0.5, 0.5, 0.9, 1.0]), max_size=8), max_size=6), st.integers(min_value=0, max_value=4),
       st.randoms(use_true_random=False))
def test_the_compiled_selection_keeps_what_a_sort_of_all_pairs_keeps(rows: list[list[float]], top: int, rnd: Any) -> None:
    """join_kernel.best_per_row against a lexsort: per row, the best `top` scores, ties to the lower column."""
    from taskdedup.clustering.join_kernel import best_per_row

    owner = np.array([r for r, scores in enumerate(rows) for _ in scores], dtype=np.int64)
    column = np.array([c for scores in rows for c in rnd.sample(range(20), len(scores))], dtype=np.int64)  # in touch order, not sorted
    score = np.array([s for scores in rows for s in scores], dtype=np.float64)
    order = np.lexsort((column, -score, owner))
    rank = np.arange(len(order)) - np.searchsorted(owner[order], owner[order])
    expected = order[rank < top]
    assert best_per_row(owner, column, score, top).tolist() == expected.tolist()
