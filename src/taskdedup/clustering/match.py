"""The match score and its probability: how the signals are mixed, and what a mixed score means.

A match model mixes the cosines of word TF-IDF, character 2-3-gram TF-IDF and (for `hybrid`) the
sentence embedding with fixed weights. A weighted sum of cosines is one inner product over the
weighted, concatenated vectors (text/vectors.py), so average linkage stays exact on both engines.
The mixed score s is then read as a probability, p = 1 / (1 + exp(-slope * (s - midpoint))):
monotone, so cutting the tree at a probability is cutting it at one score, and a cluster's
probability is that of its average link. The weights, slope and midpoint are fitted on public
labelled sets by bench/fit_match.py and shipped in data/match.json with the figures behind them.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal

SimilarityName = Literal["auto", "hybrid", "lexical"]
SIMILARITIES: tuple[str, ...] = ("auto", "hybrid", "lexical")
# Probabilities are kept off 0 and 1 so that every one maps to a finite score.
_EDGE = 1e-6
IDENTICAL = 1.0 - 1e-9  # scores are rounded to 9 decimals (clustering/tree.py)


@dataclass(frozen=True)
class MatchModel:
    name: str  # "hybrid" or "lexical"
    char_weight: float
    embedding_weight: float
    slope: float  # logit per unit of mixed score
    midpoint: float  # the mixed score where p = 0.5

    @property
    def word_weight(self) -> float:
        return 1.0 - self.char_weight - self.embedding_weight

    def probability(self, score: float) -> float:
        """The probability that two rows (or two groups, at their average link) are one project.
        Rows with identical features (score 1) are one project for certain: p = 1."""
        if score >= IDENTICAL:
            return 1.0
        z = self.slope * (score - self.midpoint)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def score_at(self, probability: float) -> float:
        """The mixed score whose probability is `probability`: where the tree is cut. Never above 1,
        so that identical rows are grouped at any threshold, 1 included."""
        p = min(max(probability, _EDGE), 1.0 - _EDGE)
        return min(self.midpoint + math.log(p / (1.0 - p)) / self.slope, 1.0)

    def with_char_weight(self, char_weight: float) -> MatchModel:
        """The same scale over a different character share (the user's --char-weight); the words take
        the difference. Its probabilities are then approximate: the scale was fitted on the default."""
        return MatchModel(self.name, char_weight, self.embedding_weight, self.slope, self.midpoint)


@cache
def _models() -> dict[str, dict]:
    return json.loads(files("taskdedup").joinpath("data/match.json").read_text(encoding="utf-8"))["models"]


def match_model(name: str) -> MatchModel:
    """The shipped model `name` ("hybrid" or "lexical")."""
    m = _models()[name]
    return MatchModel(name, float(m["char_weight"]), float(m["embedding_weight"]), float(m["slope"]), float(m["midpoint"]))
