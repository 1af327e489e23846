"""Proposals computed a part at a time (review/apart.py, what the Dask engine's workers do) are
the proposals of one build_clusters run: the same clusters, members, evidence and numbering."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from taskdedup.clustering.join import Join
from taskdedup.clustering.tree import Similarity
from taskdedup.input.submissions import Submission
from taskdedup.review import apart
from taskdedup.review.proposals import build_clusters


@st.composite
def surveys(draw: Any) -> tuple[list[Submission], sp.csr_matrix, np.ndarray, set[int], bool]:
    n = draw(st.integers(1, 40))
    rows = np.array(draw(st.lists(st.lists(st.sampled_from([0.0, 0.0, 0.2, 0.5, 1.0]), min_size=6, max_size=6), min_size=n, max_size=n)))
    rows[:, 0] += 0.01
    copies = draw(st.lists(st.integers(0, n - 1), max_size=5))
    rows = np.vstack([rows, rows[copies]]) if copies else rows
    rows = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    labels = np.array(draw(st.lists(st.integers(0, draw(st.integers(0, 8))), min_size=len(rows), max_size=len(rows))))
    agencies = ["행정안전부", "서울특별시", "", "부산광역시"]
    subs = [Submission(k + 1, str(k + 1), agencies[draw(st.integers(0, 3))], "", f"과제 {k}", f"과제 {k}") for k in range(len(rows))]
    return subs, sp.csr_matrix(rows), labels, draw(st.sets(st.integers(0, len(rows) - 1), max_size=3)), draw(st.booleans())


@settings(max_examples=200, deadline=None)
@given(surveys(), st.integers(1, 5))
def test_proposals_in_parts_are_those_of_one_run(survey: tuple[list[Submission], sp.csr_matrix, np.ndarray, set[int], bool], parts: int) -> None:
    subs, matrix, labels, representatives, with_units = survey
    units = Join.units_of(matrix)[0] if with_units else None
    terms = np.array([f"t{j}" for j in range(matrix.shape[1])], dtype=object)
    common: dict[str, Any] = {"keywords": 3, "has_agency": True}
    # Keywords from the first columns (the words), similarities from all of them, as a run with characters has them.
    words = sp.csr_matrix(matrix[:, :4])
    whole = build_clusters(subs, words, terms[:4], Similarity(matrix), labels, representatives=representatives, units=units, **common)
    done = [apart.run(t, terms[:4], **common) for t in apart.tasks(subs, words, Similarity(matrix), labels, parts, representatives, units)]
    assert apart.merge(done, subs, labels, has_agency=True) == whole


def test_split_keeps_groups_whole_and_balances_rows() -> None:
    labels = np.array([0, 0, 0, 1, 1, 2, 3, 3, 4])  # groups of 3, 2, 2; rows 5 and 8 alone
    assert [p.tolist() for p in apart.split(labels, 2)] == [[0, 1, 2], [3, 4, 6, 7]]
    assert [p.tolist() for p in apart.split(labels, 5)] == [[0, 1, 2], [3, 4], [6, 7]]
    assert apart.split(np.array([0, 1, 2]), 3) == []


def test_exact_ties_across_parts_go_by_the_representative_s_row_in_the_whole_run() -> None:
    # Two groups alike in every sorting key (two agencies, cohesion 1, two tasks) in different
    # parts, the first part holding the later rows: one run numbers the group of rows 0 and 1 first.
    rows = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    subs = [Submission(k + 1, str(k + 1), "기관A" if k % 2 else "기관B", "", f"과제 {k}", f"과제 {k}") for k in range(4)]
    matrix, labels, terms = sp.csr_matrix(rows), np.array([1, 1, 0, 0]), np.array(["가", "나"], dtype=object)
    whole = build_clusters(subs, matrix, terms, Similarity(matrix), labels, keywords=3, has_agency=True)
    parts = apart.tasks(subs, matrix, Similarity(matrix), labels, 2)
    assert [p.rows.tolist() for p in parts] == [[2, 3], [0, 1]]
    merged = apart.merge([apart.run(t, terms, keywords=3, has_agency=True) for t in parts], subs, labels, has_agency=True)
    assert merged == whole and [m.index for m in merged[0].members] == [0, 1]
