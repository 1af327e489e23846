"""The pairs the 라벨 요청 sheet asks about (review/label_requests.py)."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from taskdedup.clustering.match import match_model
from taskdedup.config import Settings
from taskdedup.input.submissions import Submission
from taskdedup.input.tables import read_table
from taskdedup.pipeline import run
from taskdedup.review.decisions import MERGE, Decided, Decisions
from taskdedup.review.label_requests import LABEL_REQUESTS, LabelRequest, label_requests
from taskdedup.review.near_misses import NearMiss
from taskdedup.review.proposals import Cluster, Member

SAMPLES = Path(__file__).parents[2] / "data" / "samples"


def test_the_pairs_closest_to_the_threshold_come_first_and_each_pair_once() -> None:
    result = run(read_table(str(SAMPLES / "survey_2018.csv")), Settings())
    requests = result.label_requests
    assert len(requests) == LABEL_REQUESTS
    distances = [abs(r.probability - result.settings.threshold) for r in requests]
    assert distances == sorted(distances)
    keys = [frozenset((r.a.submission.row_id, r.b.submission.row_id)) for r in requests]
    assert len(set(keys)) == len(keys)
    # Both kinds are asked: members of a proposal with its representative, and near misses.
    assert any(r.cluster_a == r.cluster_b for r in requests) and any(r.cluster_a != r.cluster_b for r in requests)
    # Every candidate left out is at least as far from the threshold as the last one asked.
    everything = label_requests(result.clusters, result.near_misses, result.match, result.settings.threshold, limit=10_000)
    asked = set(keys)
    rest = [abs(r.probability - 0.5) for r in everything if frozenset((r.a.submission.row_id, r.b.submission.row_id)) not in asked]
    assert min(rest) >= distances[-1] - 1e-9


def test_pairs_an_earlier_decision_covers_are_not_asked_again() -> None:
    table = read_table(str(SAMPLES / "survey_2018.csv"))
    first = run(table, Settings()).label_requests
    a, b = first[0].a.submission.row_id, first[0].b.submission.row_id
    from taskdedup.pipeline import assemble, prepare

    decided = Decisions([Decided("P0", MERGE, (a, b))], frozenset(), "r.xlsx")
    again = assemble(prepare(table, Settings()), decisions=decided).label_requests
    assert all({r.a.submission.row_id, r.b.submission.row_id} != {a, b} for r in again)


def _reference(clusters, misses, match, threshold, decided, limit):
    """The plain form: every candidate as a request, one sort of them all by (distance, ids)."""
    candidates = [
        LabelRequest(c.representative, m, c.cluster_id, c.cluster_id, match.probability(m.similarity))
        for c in clusters
        if c.is_proposal
        for m in c.members[1:]
    ] + [LabelRequest(m.a, m.b, m.cluster_a, m.cluster_b, match.probability(m.similarity)) for m in misses]

    def ids(r: LabelRequest) -> tuple[str, str]:
        return tuple(sorted((r.a.submission.row_id, r.b.submission.row_id)))  # type: ignore[return-value]

    out: list[LabelRequest] = []
    seen: set[tuple[str, str]] = set()
    for r in sorted(candidates, key=lambda r: (round(abs(r.probability - threshold), 9), *ids(r))):
        a, b = ids(r)
        if (a, b) in seen or a == b or any(a in d and b in d for d in decided):
            continue
        seen.add((a, b))
        out.append(r)
        if len(out) == limit:
            break
    return out


def _member(row_id: str, similarity: float) -> Member:
    return Member(0, Submission(1, row_id, "", "", row_id, row_id), similarity, similarity, ())


@settings(max_examples=200, deadline=None)
@given(
    proposals=st.lists(st.lists(st.tuples(st.sampled_from("abcdefgh"), st.sampled_from([0.3, 0.5, 0.55, 0.6, 0.9])), min_size=2, max_size=5), max_size=4),
    misses=st.lists(st.tuples(st.sampled_from("abcdefgh"), st.sampled_from("abcdefgh"), st.sampled_from([0.3, 0.5, 0.6])), max_size=8),
    decided=st.lists(st.frozensets(st.sampled_from("abcdefgh"), min_size=2, max_size=3), max_size=2),
    limit=st.integers(1, 12),
)
def test_the_chosen_pairs_are_those_of_one_sort_of_every_candidate(proposals, misses, decided, limit) -> None:
    # Few ids and few scores: many ties in distance and repeated pairs, where the order is decided.
    clusters = [
        Cluster(k, tuple(_member(i, s) for i, s in members), "cross_agency", (), (), 1.0, None) for k, members in enumerate(proposals, start=1)
    ]
    near = [NearMiss(_member(a, s), _member(b, s), 1, 2, s) for a, b, s in misses]
    match = match_model("lexical")
    threshold = match.probability(0.5)
    expected = _reference(clusters, near, match, threshold, decided, limit)
    assert label_requests(clusters, near, match, threshold, decided, limit) == expected
