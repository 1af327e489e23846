"""The pairs the 라벨 요청 sheet asks about (review/label_requests.py)."""

from pathlib import Path

from taskdedup.config import Settings
from taskdedup.input.tables import read_table
from taskdedup.pipeline import run
from taskdedup.review.decisions import MERGE, Decided, Decisions
from taskdedup.review.label_requests import LABEL_REQUESTS, label_requests

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
