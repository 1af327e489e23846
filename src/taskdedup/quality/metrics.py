"""Agreement between a predicted and a gold grouping: pairwise and B-cubed P/R/F1, adjusted Rand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float

    @staticmethod
    def of(precision: float, recall: float) -> PRF:
        f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
        return PRF(precision, recall, f1)


def _pairs(counts: np.ndarray) -> float:
    return float((counts * (counts - 1) / 2).sum())


def _contingency(gold: Sequence[object], pred: Sequence[object]) -> Any:
    # scikit-learn takes ~1 s to import (sklearn.utils loads scipy.stats): only commands that score import it
    from sklearn.metrics.cluster import contingency_matrix

    return contingency_matrix(gold, pred, sparse=True)


def pairwise(pred: Sequence[object], gold: Sequence[object]) -> PRF:
    """Precision and recall over all item pairs put together (pred) or belonging together (gold).

    With no predicted pair, precision is 1 (no false merge); with no gold pair, recall is 1.
    """
    table = _contingency(gold, pred)
    together = _pairs(table.data.astype(np.float64))
    pred_pairs = _pairs(np.asarray(table.sum(axis=0)).ravel().astype(np.float64))
    gold_pairs = _pairs(np.asarray(table.sum(axis=1)).ravel().astype(np.float64))
    precision = together / pred_pairs if pred_pairs else 1.0
    recall = together / gold_pairs if gold_pairs else 1.0
    return PRF.of(precision, recall)


def bcubed(pred: Sequence[object], gold: Sequence[object]) -> PRF:
    """Per item: the share of its predicted cluster that is gold-correct, and vice versa, averaged."""
    table = _contingency(gold, pred)
    pred_size = np.asarray(table.sum(axis=0)).ravel()
    gold_size = np.asarray(table.sum(axis=1)).ravel()
    cells = table.tocoo()
    n = len(pred)
    square = cells.data.astype(np.float64) ** 2
    precision = float((square / pred_size[cells.col]).sum() / n)
    recall = float((square / gold_size[cells.row]).sum() / n)
    return PRF.of(precision, recall)


def adjusted_rand(pred: Sequence[object], gold: Sequence[object]) -> float:
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(gold, pred))


def pair_labels(pred: Sequence[object], pairs: Sequence[tuple[int, int, bool]]) -> PRF:
    """Score labelled pairs (index a, index b, same?) against a predicted grouping."""
    tp = fp = fn = 0
    for a, b, same in pairs:
        together = pred[a] == pred[b]
        if together and same:
            tp += 1
        elif together:
            fp += 1
        elif same:
            fn += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return PRF.of(precision, recall)
