"""Refitting the match model on labelled pairs (clustering/learn.py)."""

import numpy as np
import pytest
import scipy.sparse as sp

from taskdedup.clustering.learn import MIN_PER_CLASS, fit, folds, learn, probabilities, signal_cosines
from taskdedup.clustering.match import match_model
from taskdedup.text.vectors import vectorize

HYBRID = match_model("hybrid")
LEXICAL = match_model("lexical")


def separable(n: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Pairs where only the word cosine tells same from different, around 0.5."""
    rng = np.random.default_rng(seed)
    same = np.arange(n) % 2 == 0
    words = np.where(same, rng.uniform(0.5, 0.9, n), rng.uniform(0.1, 0.45, n))
    chars = rng.uniform(0.2, 0.8, n)
    embedding = rng.uniform(0.7, 0.9, n)
    return np.c_[words, chars, embedding], same


def test_the_fit_moves_the_weight_to_the_signal_that_separates() -> None:
    features, same = separable()
    model = fit(features, same, HYBRID)
    assert model.word_weight > HYBRID.word_weight + 0.2
    # 0.95 of these pairs right, against 0.70 for the shipped model; the prior keeps it from 1.0
    assert ((probabilities(model, features) >= 0.5) == same).mean() >= 0.9 > ((probabilities(HYBRID, features) >= 0.5) == same).mean()
    assert min(model.word_weight, model.char_weight, model.embedding_weight) >= 0
    assert model.name == "hybrid"


def test_a_strong_prior_keeps_the_shipped_model() -> None:
    features, same = separable()
    model = fit(features, same, HYBRID, strength=1e9)
    assert model.char_weight == pytest.approx(HYBRID.char_weight, abs=1e-4)
    assert model.midpoint == pytest.approx(HYBRID.midpoint, abs=1e-4)


def test_a_signal_the_run_lacks_keeps_its_shipped_coefficient() -> None:
    features, same = separable()
    features[:, 2] = np.nan  # no embedding in this run
    model = fit(features, same, LEXICAL)
    assert model.embedding_weight == 0.0
    features[:, 1] = np.nan
    model = fit(features, same, LEXICAL)
    assert model.char_weight * model.slope == pytest.approx(LEXICAL.char_weight * LEXICAL.slope, rel=1e-4)


def test_too_few_labels_keep_the_shipped_model_and_say_so() -> None:
    features, same = separable(2 * MIN_PER_CLASS - 2)
    result = learn(features, same, HYBRID)
    assert not result.learned and result.model == HYBRID and result.refitted is None
    assert result.reason.startswith(f"too few decisions to learn from: {MIN_PER_CLASS - 1} same and {MIN_PER_CLASS - 1} different pair(s)")


def test_cross_validation_reports_both_models() -> None:
    features, same = separable()
    result = learn(features, same, HYBRID)
    assert result.learned and result.folds == 5
    assert result.refitted.f1 > result.builtin.f1  # the shipped midpoint (0.79) calls most of these pairs different


def test_folds_hold_both_classes_and_do_not_depend_on_the_run() -> None:
    same = np.array([True] * 7 + [False] * 11)
    fold = folds(same, 5)
    assert fold.tolist() == folds(same, 5).tolist()
    for f in range(5):
        assert same[fold == f].any() and (~same[fold == f]).any()


def test_signal_cosines_are_each_signals_own_cosine() -> None:
    tokens = [["민원", "챗봇"], ["민원", "상담", "챗봇"], ["도로", "안전"], ["도로", "민원"]]
    chars = [["민원", "챗봇"], ["민원", "상담"], ["도로", "안전"], ["도로", "안전"]]
    embeddings = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0], [1.0, 1.0]])
    mixed = vectorize(tokens, chars, 0.3, embeddings, 0.5)
    left, right = np.array([0, 0, 2, 1]), np.array([1, 3, 3, 2])
    got = signal_cosines(mixed, left, right)
    for k, part in enumerate([vectorize(tokens).matrix, vectorize(chars).matrix, sp.csr_matrix(embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True))]):
        expected = np.asarray(part[left].multiply(part[right]).sum(axis=1)).ravel()
        assert got[:, k] == pytest.approx(expected)
    words_only = signal_cosines(vectorize(tokens), left, right)
    assert np.isnan(words_only[:, 1:]).all() and not np.isnan(words_only[:, 0]).any()


def test_when_the_refit_does_not_beat_the_shipped_model_on_the_labels_it_is_not_used() -> None:
    same = np.arange(40) % 2 == 0
    features = np.repeat(np.where(same, 0.92, 0.6)[:, None] + np.linspace(-0.01, 0.01, 40)[:, None], 3, axis=1)  # the shipped model is already right
    result = learn(features, same, HYBRID)
    assert result.builtin.f1 == 1.0 and result.refitted.f1 <= 1.0
    assert not result.learned and result.model == HYBRID
    assert result.reason == (
        "learning from 20 same and 20 different pair(s) did not beat the built-in model on them "
        f"(cross-validated F1 {result.refitted.f1:.3f} vs 1.000), so the built-in model is kept"
    )
