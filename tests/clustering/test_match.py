"""The match model: shipped weights, the probability scale, and its inverse."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taskdedup.clustering.match import MatchModel, match_model

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@pytest.mark.parametrize("name", ["hybrid", "lexical"])
def test_the_shipped_models_are_valid_and_p_is_one_half_at_the_midpoint(name: str) -> None:
    model = match_model(name)
    assert model.slope > 0 and 0 < model.midpoint < 1
    assert model.word_weight > 0 and model.char_weight >= 0 and model.embedding_weight >= 0
    assert (model.embedding_weight > 0) == (name == "hybrid")
    assert model.probability(model.midpoint) == 0.5


@pytest.mark.parametrize("name", ["hybrid", "lexical"])
@given(signals=st.tuples(unit, unit, unit), which=st.integers(0, 2), rise=st.floats(0.0, 1.0))
def test_the_probability_never_falls_when_a_signal_rises(name: str, signals: tuple[float, float, float], which: int, rise: float) -> None:
    model = match_model(name)
    weights = (model.word_weight, model.char_weight, model.embedding_weight)
    higher = list(signals)
    higher[which] = min(1.0, higher[which] + rise)

    def p(values: tuple[float, ...] | list[float]) -> float:
        return model.probability(sum(w * v for w, v in zip(weights, values, strict=True)))

    assert p(higher) >= p(signals)


@given(p=st.floats(min_value=1e-5, max_value=1 - 1e-5))
def test_a_threshold_maps_to_the_score_whose_probability_it_is(p: float) -> None:
    model = MatchModel("hybrid", 0.1, 0.8, 25.0, 0.79)
    score = model.score_at(p)
    if score < 1.0:
        assert model.probability(score) == pytest.approx(p, rel=1e-9, abs=1e-12)
    else:  # above what any two different rows can reach: only identical rows (p = 1) are grouped
        assert p > model.probability(0.999999) and model.probability(1.0) == 1.0


def test_identical_rows_are_one_project_at_any_threshold() -> None:
    model = MatchModel("lexical", 0.3, 0.0, 10.0, 0.3)
    assert model.score_at(1.0) == 1.0 and model.probability(1.0) == 1.0


def test_the_score_scale_saturates_without_overflow() -> None:
    model = MatchModel("lexical", 0.3, 0.0, 40.0, 0.3)
    assert model.probability(-100.0) == 0.0 and model.probability(0.999) < 1.0
    assert math.isfinite(model.score_at(0.0))
