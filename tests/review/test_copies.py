"""Identical rows (duplicate campaigns, template texts) are evidence computed once per distinct
text: the same proposals as from every member's own row, and near misses in row space."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from taskdedup.clustering.tree import Similarity, similarity_matrix
from taskdedup.config import Settings
from taskdedup.input.submissions import Submission
from taskdedup.input.table import Table
from taskdedup.input.tables import read_table
from taskdedup.pipeline import assemble, prepare
from taskdedup.review.decisions import SPLIT, Decided, Decisions
from taskdedup.review.proposals import build_clusters, top_terms

TERMS = np.array([f"t{k}" for k in range(6)], dtype=object)


@st.composite
def rows_with_copies(draw: st.DrawFn) -> tuple[sp.csr_matrix, np.ndarray]:
    distinct = draw(st.integers(2, 5))
    base = np.array(draw(st.lists(st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0]), min_size=6, max_size=6), min_size=distinct, max_size=distinct)))
    base[:, 0] += 0.1  # no empty row
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    copies = draw(st.lists(st.integers(0, distinct - 1), min_size=3, max_size=14))
    rows = base[sorted(copies)]
    labels = np.array(draw(st.lists(st.integers(0, 2), min_size=len(rows), max_size=len(rows))))
    return sp.csr_matrix(rows), labels


def reference(matrix: sp.csr_matrix, indices: list[int]) -> tuple[int, float, dict[int, float], dict[int, tuple[str, ...]], tuple[str, ...], list[int], int]:
    """Representative, cohesion, similarity to it, shared terms, keywords, member order and the
    weakest member, from every member's own row, one proposal at a time."""
    block = similarity_matrix(matrix[indices])
    np.fill_diagonal(block, 1.0)
    size = len(indices)
    mean = (block.sum(axis=1) - 1.0) / (size - 1)
    rep_pos = int(np.argmax(np.round(mean, 9)))
    dense = matrix[indices].toarray()
    present = (dense > 0).sum(axis=0)
    shared = {
        i: top_terms(dense[p] * (present >= 2) if p == rep_pos else dense[p] * dense[rep_pos], TERMS, 5) for p, i in enumerate(indices)
    }
    keywords = top_terms(dense.mean(axis=0) * (present >= 2), TERMS, 5)
    order = sorted(range(size), key=lambda p: (p != rep_pos, -round(float(block[p, rep_pos]), 9), indices[p]))
    weakest = min(range(size), key=lambda p: (round(float(mean[p]), 9), p == rep_pos, -indices[p]))
    to_rep = {i: float(block[p, rep_pos]) for p, i in enumerate(indices)}
    cohesion = float((block.sum() - size) / (size * (size - 1)))
    return indices[rep_pos], cohesion, to_rep, shared, keywords, [indices[p] for p in order], indices[weakest]


@settings(max_examples=60, deadline=None)
@given(rows_with_copies())
def test_evidence_over_distinct_rows_equals_evidence_over_every_row(case: tuple[sp.csr_matrix, np.ndarray]) -> None:
    matrix, labels = case
    subs = [Submission(k + 1, str(k + 1), f"a{k % 3}", "", f"t{k}", f"t{k}") for k in range(matrix.shape[0])]
    for sim in (Similarity(matrix, similarity_matrix(matrix)), Similarity(matrix)):
        for cluster in build_clusters(subs, matrix, TERMS, sim, labels, keywords=5, has_agency=True):
            if not cluster.is_proposal:
                continue
            indices = sorted(m.index for m in cluster.members)
            rep, cohesion, to_rep, shared, keywords, order, weakest = reference(matrix, indices)
            assert cluster.representative.index == rep
            assert cluster.keywords == keywords
            assert [m.index for m in cluster.members] == order
            assert cluster.weakest is not None and cluster.weakest.index == weakest
            assert cluster.cohesion == pytest.approx(cohesion, abs=1e-12)
            for m in cluster.members:
                assert m.similarity == pytest.approx(to_rep[m.index], abs=1e-12)
                assert m.shared_terms == shared[m.index]


def survey_with_copies() -> Table:
    sample = read_table("data/samples/survey_2018.csv").frame
    frame = pd.concat([sample, sample.iloc[:15], sample.iloc[:5]], ignore_index=True)
    frame.index = frame.index + 1
    frame["연번"] = [str(i) for i in range(1, len(frame) + 1)]
    return Table(frame=frame, source="copies.csv")


def misses(engine: str, decisions: Decisions | None = None) -> list[tuple[str, str, float]]:
    result = assemble(prepare(survey_with_copies(), Settings(method=engine, threshold=0.5)), decisions=decisions)
    return [(m.a.submission.row_id, m.b.submission.row_id, round(m.similarity, 9)) for m in result.near_misses]


def test_near_misses_of_the_sparse_path_are_the_dense_ones_with_copies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(__import__("pathlib").Path(__file__).parents[2])
    dense, sparse = misses("dense"), misses("sparse")
    assert len(dense) == 100 and sparse == dense


def test_copies_split_by_a_decision_are_near_misses_of_each_other(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(__import__("pathlib").Path(__file__).parents[2])
    # rows 1 and 53 are the same text; an analyst decided they are different projects
    split = Decisions([Decided("P1", SPLIT, ("1", "53"))], frozenset(str(i) for i in range(1, 73)), "earlier.xlsx")
    dense, sparse = misses("dense", split), misses("sparse", split)
    assert sparse == dense and dense[0][2] == 1.0 and {dense[0][0], dense[0][1]} == {"1", "53"}
