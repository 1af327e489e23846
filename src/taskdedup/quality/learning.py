"""`taskdedup learn`, without the CLI: labelled pairs of a survey's tasks -> a refitted match model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from taskdedup.clustering.learn import STRENGTH, Learned, learn, signal_cosines
from taskdedup.clustering.match import MatchModel, match_model
from taskdedup.results import Prepared
from taskdedup.review.labels import Labels, require_labels


@dataclass(frozen=True)
class Learning:
    learned: Learned
    builtin: MatchModel  # what the fit started from and is pulled towards
    used: int  # labelled pairs whose two tasks are both in the survey
    unknown: int  # labelled pairs naming a task the survey does not hold (left out)


def learn_from(prepared: Prepared, labels: Labels, strength: float = STRENGTH) -> Learning:
    """Refit the built-in model of the run's similarity on the labelled pairs of its tasks."""
    where: dict[str, int] = {}
    for i, s in enumerate(prepared.clustered):
        where.setdefault(s.row_id, i)
    known = [p for p in require_labels(labels).pairs if p.a in where and p.b in where]
    builtin = match_model(prepared.settings.similarity)
    left = np.array([where[p.a] for p in known], dtype=np.int64)
    right = np.array([where[p.b] for p in known], dtype=np.int64)
    features = signal_cosines(prepared.vectors, left, right)
    same = np.array([p.same for p in known], dtype=bool)
    return Learning(learn(features, same, builtin, strength), builtin, len(known), len(labels.pairs) - len(known))
