import numpy as np
import scipy.sparse as sp
from hypothesis import example, given
from hypothesis import strategies as st

from taskdedup.clustering.tree import Similarity
from taskdedup.input.submissions import Submission
from taskdedup.review.proposals import CROSS_AGENCY, SAME_AGENCY, SINGLETON, UNATTRIBUTED, build_clusters


def sub(n: int, agency: str, title: str) -> Submission:
    return Submission(row_number=n, row_id=str(n), agency=agency, field="", title=title, text=title)


TERMS = np.array(["민원", "챗봇", "돌봄", "노인", "안내"], dtype=object)
# rows: three chatbot tasks (two agencies), one care task, one loner
ROWS = np.array(
    [
        [0.6, 0.8, 0.0, 0.0, 0.0],
        [0.8, 0.6, 0.0, 0.0, 0.0],
        [0.6, 0.6, 0.0, 0.0, 0.529],
        [0.0, 0.0, 0.6, 0.8, 0.0],
        [0.0, 0.0, 0.0, 0.0, 1.0],
    ]
)
ROWS = ROWS / np.linalg.norm(ROWS, axis=1, keepdims=True)
SUBS = [sub(1, "행정안전부", "민원 챗봇"), sub(2, "서울특별시", "챗봇 민원"), sub(3, "행정안전부", "민원 챗봇 안내"),
        sub(4, "보건복지부", "노인 돌봄"), sub(5, "", "안내")]


def build(labels: list[int], has_agency: bool = True, subs: list[Submission] = SUBS):
    matrix = sp.csr_matrix(ROWS)
    similarity = Similarity(matrix, np.round(ROWS @ ROWS.T, 9))
    return build_clusters(subs, matrix, TERMS, similarity, np.array(labels), keywords=3, has_agency=has_agency)


def test_proposal_fields() -> None:
    clusters = build([0, 0, 0, 1, 2])
    first = clusters[0]
    assert first.cluster_id == 1 and first.kind == CROSS_AGENCY
    assert first.agencies == ("서울특별시", "행정안전부")
    # medoid: row 1 has the highest mean similarity to the other two
    sims = np.round(ROWS @ ROWS.T, 9)
    means = [(sims[i, [j for j in range(3) if j != i]]).mean() for i in range(3)]
    assert first.representative.submission.row_id == str(int(np.argmax(means)) + 1)
    assert abs(first.cohesion - (sims[0, 1] + sims[0, 2] + sims[1, 2]) / 3) < 1e-12
    assert first.weakest is not None and first.weakest.submission.row_id == str(int(np.argmin(means)) + 1)
    assert first.keywords[:2] == ("민원", "챗봇") or first.keywords[:2] == ("챗봇", "민원")
    assert "안내" not in first.keywords  # used by one member only
    for m in first.members[1:]:
        assert set(m.shared_terms) <= {"민원", "챗봇", "안내"}


def test_singletons_follow_proposals_and_ids_are_consecutive() -> None:
    clusters = build([0, 0, 0, 1, 2])
    assert [c.cluster_id for c in clusters] == [1, 2, 3]
    assert [c.kind for c in clusters] == [CROSS_AGENCY, SINGLETON, SINGLETON]
    assert sum(c.size for c in clusters) == 5


def test_kinds() -> None:
    same = build([0, 1, 0, 2, 3])
    assert same[0].kind == SAME_AGENCY and same[0].agencies == ("행정안전부",)
    unknown = build([0, 1, 2, 3, 0])  # row 5 has no agency
    assert unknown[0].kind == UNATTRIBUTED
    no_column = build([0, 1, 0, 2, 3], has_agency=False)
    assert no_column[0].kind == UNATTRIBUTED  # without an agency column nothing is known


def test_proposals_ordered_by_agencies_then_cohesion() -> None:
    clusters = build([0, 1, 0, 2, 1])  # {1,3}: one agency, similarity 0.84; {2,5}: one agency + blank, 0.0
    assert [sorted(m.submission.row_id for m in c.members) for c in clusters[:2]] == [["1", "3"], ["2", "5"]]
    assert [c.kind for c in clusters[:2]] == [SAME_AGENCY, UNATTRIBUTED]
    cross = build([0, 0, 1, 1, 2])  # both two agencies: {1,2} (0.96) is tighter than {3,4} (0.0)
    assert cross[0].kind == CROSS_AGENCY and cross[0].agencies == ("서울특별시", "행정안전부")


def test_the_join_s_units_give_the_clusters_their_own_keys_give() -> None:
    # The sparse path hands build_clusters the join's numbering of identical rows instead of
    # numbering them again: the same clusters, members, evidence and order.
    from pathlib import Path

    from taskdedup.config import Settings
    from taskdedup.input.tables import read_table
    from taskdedup.pipeline import prepare

    import dataclasses

    import pandas as pd

    survey = read_table(str(Path(__file__).parents[2] / "data" / "samples" / "survey_2018.csv"))
    copies = survey.frame.iloc[[0, 0, 5, 17, 30]].copy()
    copies.index = range(len(survey.frame) + 1, len(survey.frame) + 6)  # rows of their own, texts word for word
    table = dataclasses.replace(survey, frame=pd.concat([survey.frame, copies]))
    prepared = prepare(table, Settings(method="sparse", similarity="lexical"), cache=None)
    assert prepared.join is not None and len(prepared.join.starts) - 1 < len(prepared.clustered)
    words, terms = prepared.vectors.word_part()
    labels = prepared.cut(0.3)
    assert len(set(labels.tolist())) < len(labels) - 5  # proposals, with copies of one text among them
    common = dict(keywords=5, has_agency=True)
    theirs = build_clusters(prepared.clustered, words, terms, prepared.similarity, labels, **common)
    ours = build_clusters(prepared.clustered, words, terms, prepared.similarity, labels, units=prepared.join.unit_of, **common)
    assert ours == theirs


def _groups_case(draw):  # type: ignore[no-untyped-def]
    from hypothesis import strategies as st

    n = draw(st.integers(2, 40))
    width = 6
    rows = np.array(draw(st.lists(st.lists(st.sampled_from([0.0, 0.0, 0.2, 0.5, 1.0]), min_size=width, max_size=width), min_size=n, max_size=n)))
    rows[:, 0] += 0.01  # no empty row
    copies = draw(st.lists(st.integers(0, n - 1), max_size=4))
    rows = np.vstack([rows, rows[copies]]) if copies else rows
    rows = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    labels = np.array(draw(st.lists(st.integers(0, draw(st.integers(1, 6))), min_size=len(rows), max_size=len(rows))))
    representatives = draw(st.sets(st.integers(0, len(rows) - 1), max_size=2))
    dense = draw(st.booleans())
    return rows, labels, representatives, dense


def test_groups_of_one_size_at_a_time_give_what_the_loop_gives() -> None:
    # Proposals without copies or an earlier representative are computed a size at a time: the
    # same cohesion, medoid, similarities to it and means, to the bit, as one group at a time;
    # groups of up to 40 tasks (numpy adds more than 8 numbers pairwise) and ties.
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=200, deadline=None)
    @given(st.composite(_groups_case)())
    def check(case) -> None:  # type: ignore[no-untyped-def]
        rows, labels, representatives, dense = case
        subs = [sub(k + 1, "기관" + str(k % 3), f"과제 {k}") for k in range(len(rows))]
        matrix = sp.csr_matrix(rows)
        similarity = Similarity(matrix, np.round(rows @ rows.T, 9) if dense else None)
        terms = np.array([f"t{j}" for j in range(rows.shape[1])], dtype=object)
        common = dict(keywords=3, has_agency=True, representatives=representatives)
        batched = build_clusters(subs, matrix, terms, similarity, labels, **common)
        one_by_one = build_clusters(subs, matrix, terms, similarity, labels, batched=False, **common)
        assert batched == one_by_one
        for a, b in zip(batched, one_by_one, strict=True):  # == on floats: also the bits
            assert np.array([a.cohesion, *(m.similarity for m in a.members), *(m.mean_similarity for m in a.members)]).tobytes() == \
                np.array([b.cohesion, *(m.similarity for m in b.members), *(m.mean_similarity for m in b.members)]).tobytes()

    check()


_WEIGHTS = st.one_of(
    # equal once rounded to the 9th decimal, apart before it: the tie goes to the next key
    st.sampled_from([0.5, 0.25, 1.0, 0.1234567891, 0.12345678909, 0.123456789, 0.1234567886, 1e-10, 4e-10, 6e-10, -0.5]),
    st.floats(min_value=-1.0, max_value=1.0),
    st.floats(min_value=1e3, max_value=1e18),  # levels by rank, past the integer levels' bound
)


@given(st.lists(st.tuples(st.integers(0, 3), _WEIGHTS, st.integers(0, 9), st.booleans()), max_size=60), st.booleans())
@example([(0, 0.12345678909, 7, True), (0, 0.1234567891, 2, False), (1, 4e-10, 9, True), (1, 1e-10, 3, True), (1, 6e-10, 0, False),
          (0, 0.5, 1, False), (2, 0.25, 4, True), (2, 0.25, 1, True)], False)
def test_packed_sorts_order_as_the_lexsort_of_rounded_values(entries: list[tuple[int, float, int, bool]], wide: bool) -> None:
    from taskdedup.review.proposals import _TIE_DECIMALS, _lexsort, _tie_levels

    rows = np.array([r for r, _, _, _ in entries], dtype=np.int64) * (2**40 if wide else 1)  # wide: too wide to pack
    weights = np.array([w for _, w, _, _ in entries], dtype=np.float64)
    ranks = np.array([t for _, _, t, _ in entries], dtype=np.int64)
    flags = np.array([f for _, _, _, f in entries], dtype=bool)
    rounded = np.round(weights, _TIE_DECIMALS)
    assert np.array_equal(_lexsort((ranks, -_tie_levels(weights), rows)), np.lexsort((ranks, -rounded, rows)))
    assert np.array_equal(_lexsort((-ranks, flags, _tie_levels(weights), rows)), np.lexsort((-ranks, flags, rounded, rows)))
