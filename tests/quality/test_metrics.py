import pytest
from hypothesis import given
from hypothesis import strategies as st

from taskdedup.quality.metrics import adjusted_rand, bcubed, pair_labels, pairwise


def test_pairwise_on_a_hand_counted_case() -> None:
    gold = [0, 0, 0, 1, 1]
    pred = [0, 0, 1, 1, 1]
    # predicted pairs: (0,1), (2,3), (2,4), (3,4) -> 4; correct: (0,1), (3,4) -> 2; gold pairs: 3 + 1 = 4
    prf = pairwise(pred, gold)
    assert prf.precision == pytest.approx(0.5)
    assert prf.recall == pytest.approx(0.5)
    assert prf.f1 == pytest.approx(0.5)


def test_bcubed_on_a_hand_counted_case() -> None:
    gold = [0, 0, 1]
    pred = [0, 0, 0]
    prf = bcubed(pred, gold)
    assert prf.precision == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3)
    assert prf.recall == pytest.approx(1.0)


def test_no_predicted_pairs_means_perfect_precision() -> None:
    assert pairwise([0, 1, 2], [0, 0, 1]).precision == 1.0
    assert pairwise([0, 1, 2], [0, 0, 1]).recall == 0.0


def test_labelled_pairs() -> None:
    prf = pair_labels([0, 0, 1, 1], [(0, 1, True), (1, 2, False), (2, 3, False), (0, 3, True)])
    assert (prf.precision, prf.recall) == (0.5, 0.5)


@given(st.lists(st.integers(0, 5), min_size=2, max_size=40))
def test_a_grouping_agrees_perfectly_with_itself(labels: list[int]) -> None:
    assert pairwise(labels, labels).f1 == 1.0
    assert bcubed(labels, labels).f1 == pytest.approx(1.0)
    assert adjusted_rand(labels, labels) == pytest.approx(1.0)


@given(st.lists(st.integers(0, 4), min_size=2, max_size=30), st.lists(st.integers(0, 4), min_size=2, max_size=30))
def test_scores_are_bounded(a: list[int], b: list[int]) -> None:
    n = min(len(a), len(b))
    for prf in (pairwise(a[:n], b[:n]), bcubed(a[:n], b[:n])):
        assert 0.0 <= prf.precision <= 1.0 and 0.0 <= prf.recall <= 1.0 and 0.0 <= prf.f1 <= 1.0
