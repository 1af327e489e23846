"""Refitting the match model on a team's own labelled pairs (`taskdedup learn`).

The shipped model (clustering/match.py) reads a mixed score s = sum_k w_k * cos_k of the signals
(word TF-IDF, character n-grams, sentence embedding) as p = 1 / (1 + exp(-slope * (s - midpoint))).
That is a logistic regression with coefficients theta_k = slope * w_k and intercept
-slope * midpoint, so the team's pairs refit exactly those four numbers, and the result is again a
weights + slope + midpoint model that both engines cluster with.

The fit is pulled towards the shipped model (a Gaussian prior on the coefficients, in units of the
score), so a handful of labels moves it a little and many labels move it far; coefficients stay
non-negative, so a signal can lose its weight but never count against a match. Signals the run did
not compute keep their shipped coefficient. Each class weighs the same, whatever the mix of labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from taskdedup.clustering.match import MatchModel
from taskdedup.messages import msg
from taskdedup.text.vectors import CHAR_PREFIX, EMBEDDING_PREFIX, Vectors

SIGNALS = ("word", "char", "embedding")
# Pulls the fit towards the shipped model: the weight of the prior, in labelled pairs per squared
# unit of score. Chosen on the public sets (docs/BENCHMARKS.md, "Learning from decisions").
STRENGTH = 20.0
MIN_PER_CLASS = 5  # below this many same or different pairs, learning keeps the shipped model
FOLDS = 5


def signal_parts(vectors: Vectors) -> list[slice | None]:
    """The columns of each signal in the run's matrix (None: the run did not compute it)."""
    terms = vectors.terms
    words = len(terms) if vectors.words < 0 else vectors.words
    chars = sum(1 for t in terms[words:] if str(t).startswith(CHAR_PREFIX))
    embedding = sum(1 for t in terms[words + chars :] if str(t).startswith(EMBEDDING_PREFIX))
    bounds = [(0, words), (words, words + chars), (words + chars, words + chars + embedding)]
    return [slice(a, b) if b > a else None for a, b in bounds]


def signal_cosines(vectors: Vectors, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """(pairs, 3) cosines of each signal between rows left[k] and right[k]; NaN for a signal the
    run lacks. Each signal's block is normalised on its own, so its cosine does not depend on the
    weights the run mixed it with."""
    out = np.full((len(left), len(SIGNALS)), np.nan)
    matrix = sp.csr_matrix(vectors.matrix)
    for k, part in enumerate(signal_parts(vectors)):
        if part is None:
            continue
        block = matrix[:, part].tocsr()
        norms = np.sqrt(np.asarray(block.multiply(block).sum(axis=1)).ravel())
        a, b = block[left], block[right]
        dots = np.asarray(a.multiply(b).sum(axis=1)).ravel()
        scale = norms[left] * norms[right]
        out[:, k] = np.divide(dots, scale, out=np.zeros_like(dots), where=scale > 0)
    return out


def _coefficients(model: MatchModel) -> np.ndarray:
    weights = np.array([model.word_weight, model.char_weight, model.embedding_weight])
    return np.r_[model.slope * weights, -model.slope * model.midpoint]


def _model(name: str, theta: np.ndarray) -> MatchModel:
    slope = float(theta[:3].sum())
    weights = theta[:3] / slope
    return MatchModel(name, round(float(weights[1]), 6), round(float(weights[2]), 6), round(slope, 6), round(float(-theta[3] / slope), 6))


def probabilities(model: MatchModel, features: np.ndarray) -> np.ndarray:
    """The model's probability for each pair (a signal the run lacks counts as 0)."""
    theta = _coefficients(model)
    z = np.nan_to_num(features) @ theta[:3] + theta[3]
    return 1.0 / (1.0 + np.exp(-np.clip(z, -700, 700)))


def fit(features: np.ndarray, same: np.ndarray, prior: MatchModel, strength: float = STRENGTH) -> MatchModel:
    """The shipped model `prior`, refitted on labelled pairs (`same`: True for one project)."""
    from scipy.optimize import minimize

    x = np.nan_to_num(features)
    y = np.where(same, 1.0, -1.0)
    positives = int(same.sum())
    weight = np.where(same, len(y) / (2.0 * max(positives, 1)), len(y) / (2.0 * max(len(y) - positives, 1)))
    theta0 = _coefficients(prior)
    unit = prior.slope  # one unit of score, in coefficients

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        margin = y * (x @ theta[:3] + theta[3])
        # log(1 + exp(-m)) and its derivative, stable for large |m|
        value = np.logaddexp(0.0, -margin)
        d_margin = -weight * y / (1.0 + np.exp(np.clip(margin, -700, 700)))
        gradient = np.r_[x.T @ d_margin, d_margin.sum()]
        deviation = (theta - theta0) / unit
        return float(weight @ value + 0.5 * strength * deviation @ deviation), gradient + strength * deviation / unit

    lacking = np.isnan(features).all(axis=0) if len(features) else np.ones(3, dtype=bool)
    bounds = [(t, t) if lacking[k] else (0.0, None) for k, t in enumerate(theta0[:3])] + [(None, None)]
    found = minimize(loss, theta0, jac=True, method="L-BFGS-B", bounds=bounds)
    theta = found.x
    if not np.isfinite(theta).all() or theta[:3].sum() <= 0:
        return prior
    return _model(prior.name, theta)


@dataclass(frozen=True)
class Scores:
    """Pairwise precision, recall and F1 at p >= 0.5 over held-out pairs."""

    precision: float
    recall: float
    f1: float


def scores(same: np.ndarray, predicted: np.ndarray) -> Scores:
    hits = int((same & predicted).sum())
    precision = hits / int(predicted.sum()) if predicted.any() else 0.0
    recall = hits / int(same.sum()) if same.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(round(precision, 4), round(recall, 4), round(f1, 4))


def folds(same: np.ndarray, k: int) -> np.ndarray:
    """A fold number per pair: each class dealt round-robin in the pairs' order, so every fold
    holds both classes and the split is the same on every run."""
    fold = np.empty(len(same), dtype=np.int64)
    for label in (True, False):
        where = np.flatnonzero(same == label)
        fold[where] = np.arange(len(where)) % k
    return fold


@dataclass(frozen=True)
class Learned:
    model: MatchModel  # the refitted model, or the shipped one when there were too few labels
    learned: bool
    reason: str  # why the shipped model was kept, or how many labels it learned from
    same: int
    different: int
    folds: int
    builtin: Scores | None  # cross-validated, on the labelled pairs
    refitted: Scores | None


def learn(features: np.ndarray, same: np.ndarray, prior: MatchModel, strength: float = STRENGTH) -> Learned:
    """Refit on every labelled pair, and report what that buys by cross-validation: each fold's
    pairs predicted by a model fitted on the other folds, against the shipped model."""
    positives, negatives = int(same.sum()), int((~same).sum())
    if min(positives, negatives) < MIN_PER_CLASS:
        reason = msg(
            "too few decisions to learn from: {same} same and {different} different pair(s); "
            "need at least {least} of each, so the built-in model is kept",
            same=positives, different=negatives, least=MIN_PER_CLASS,
        )
        return Learned(prior, False, reason, positives, negatives, 0, None, None)
    k = min(FOLDS, positives, negatives)
    fold = folds(same, k)
    held = np.zeros(len(same), dtype=bool)
    for f in range(k):
        test = fold == f
        model = fit(features[~test], same[~test], prior, strength)
        held[test] = probabilities(model, features[test]) >= 0.5
    builtin = scores(same, probabilities(prior, features) >= 0.5)
    refitted = scores(same, held)
    if refitted.f1 <= builtin.f1:
        reason = msg(
            "learning from {same} same and {different} different pair(s) did not beat the built-in model on them "
            "(cross-validated F1 {refitted:.3f} vs {builtin:.3f}), so the built-in model is kept",
            same=positives, different=negatives, refitted=refitted.f1, builtin=builtin.f1,
        )
        return Learned(prior, False, reason, positives, negatives, k, builtin, refitted)
    reason = msg("learned from {same} same and {different} different pair(s)", same=positives, different=negatives)
    return Learned(fit(features, same, prior, strength), True, reason, positives, negatives, k, builtin, refitted)
