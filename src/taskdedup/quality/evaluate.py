"""Score a clustering against a gold grouping (a column) or labelled pairs, and show the worst errors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from taskdedup.config import ColumnSpec
from taskdedup.errors import ColumnError, InputError
from taskdedup.input.columns import resolve_columns
from taskdedup.input.submissions import Submission
from taskdedup.messages import msg
from taskdedup.quality.metrics import PRF, adjusted_rand, bcubed, pair_labels, pairwise
from taskdedup.results import Prepared


@dataclass(frozen=True)
class PairExample:
    a: Submission
    b: Submission
    similarity: float  # the mixed score
    probability: float  # the match model's reading of it


@dataclass
class Evaluation:
    mode: str  # "clusters" (gold column) or "pairs" (labelled pairs)
    threshold: float
    rows_scored: int
    pairwise: PRF
    bcubed: PRF | None = None
    ari: float | None = None
    predicted_clusters: int | None = None
    gold_clusters: int | None = None
    pairs_scored: int | None = None
    # Together but gold says apart, most similar first: what a higher threshold or boilerplate fixes.
    false_merges: list[PairExample] = field(default_factory=list)
    # Gold says together but apart, least similar first: wording the lexicon does not yet bridge.
    missed: list[PairExample] = field(default_factory=list)


def _by_similarity(pairs: list[tuple[int, int]], prepared: Prepared, limit: int, *, highest: bool) -> list[PairExample]:
    sim = prepared.similarity
    sign = -1 if highest else 1
    scored = [(sim.pair(i, j), (i, j)) for i, j in pairs]
    ranked = sorted(scored, key=lambda x: (sign * x[0], x[1]))[:limit]
    return [
        PairExample(prepared.clustered[i], prepared.clustered[j], value, prepared.match.probability(value)) for value, (i, j) in ranked
    ]


def _pairs_within(groups: dict[object, list[int]], other: Sequence[object]) -> list[tuple[int, int]]:
    out = []
    for members in groups.values():
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                if other[i] != other[j]:
                    out.append((i, j))
    return out


def evaluate_clusters(prepared: Prepared, labels: np.ndarray, gold: Sequence[str], threshold: float, worst: int = 5) -> Evaluation:
    """`gold[i]` labels prepared.clustered[i]; rows with an empty gold label are not scored."""
    keep = [i for i, g in enumerate(gold) if g.strip()]
    if len(keep) < 2:
        raise InputError(msg('fewer than two rows have a gold label; check --gold-col'))
    pred = [int(labels[i]) for i in keep]
    truth = [gold[i] for i in keep]
    by_pred: dict[object, list[int]] = {}
    by_gold: dict[object, list[int]] = {}
    for i in keep:
        by_pred.setdefault(int(labels[i]), []).append(i)
        by_gold.setdefault(gold[i], []).append(i)
    gold_of = list(gold)
    pred_of = [int(x) for x in labels]
    return Evaluation(
        mode="clusters",
        threshold=threshold,
        rows_scored=len(keep),
        pairwise=pairwise(pred, truth),
        bcubed=bcubed(pred, truth),
        ari=adjusted_rand(pred, truth),
        predicted_clusters=len(set(pred)),
        gold_clusters=len(set(truth)),
        false_merges=_by_similarity(_pairs_within(by_pred, gold_of), prepared, worst, highest=True),
        missed=_by_similarity(_pairs_within(by_gold, pred_of), prepared, worst, highest=False),
    )


def evaluate_pairs(
    prepared: Prepared, labels: np.ndarray, pairs: Sequence[tuple[str, str, bool]], threshold: float, worst: int = 5
) -> Evaluation:
    """Pairs name rows by row id; both rows must have been clustered."""
    index = {s.row_id: i for i, s in enumerate(prepared.clustered)}
    missing = sorted({x for a, b, _ in pairs for x in (a, b) if x not in index})
    if missing:
        shown = ", ".join(f"'{m}'" for m in missing[:5])
        raise InputError(msg('{n_missing} id(s) in the pairs file are not clustered rows of the input (e.g. {shown}); check the id column', n_missing=len(missing), shown=shown))
    indexed = [(index[a], index[b], same) for a, b, same in pairs]
    pred = [int(x) for x in labels]
    wrong_merge = [(min(i, j), max(i, j)) for i, j, same in indexed if not same and pred[i] == pred[j]]
    missed = [(min(i, j), max(i, j)) for i, j, same in indexed if same and pred[i] != pred[j]]
    return Evaluation(
        mode="pairs",
        threshold=threshold,
        rows_scored=len({i for i, j, _ in indexed} | {j for i, j, _ in indexed}),
        pairwise=pair_labels(pred, indexed),
        pairs_scored=len(indexed),
        false_merges=_by_similarity(wrong_merge, prepared, worst, highest=True),
        missed=_by_similarity(missed, prepared, worst, highest=False),
    )


def columns_without(spec: ColumnSpec, headers: Sequence[str], gold_col: str) -> ColumnSpec:
    """Column detection that skips the gold column: the answer must never be read as a text,
    agency or field column."""
    cols = resolve_columns([h for h in headers if h != gold_col], spec)
    return ColumnSpec(id_col=cols.id, agency_col=cols.agency, field_col=cols.field, text_cols=cols.text)


def gold_labels(frame: object, prepared: Prepared, gold_col: str) -> list[str]:
    """The gold column's value for each clustered row; `frame` is the table read, indexed by data row number."""
    headers = [str(c) for c in frame.columns]  # type: ignore[attr-defined]
    if gold_col not in headers:
        listed = ", ".join(f"'{h}'" for h in headers)
        raise ColumnError(msg("no column '{gold_col}' for --gold-col; available columns: {listed}", gold_col=gold_col, listed=listed))
    column = frame[gold_col]  # type: ignore[index]
    if prepared.columns.source is None:
        return [str(column.loc[s.row_number]).strip() for s in prepared.clustered]
    # Several files: row numbers repeat from file to file, a row is its file and its number there.
    files = frame[prepared.columns.source].tolist()  # type: ignore[index]
    by_row = {(f, int(n)): str(v).strip() for f, n, v in zip(files, frame.index.tolist(), column.tolist(), strict=True)}  # type: ignore[attr-defined]
    return [by_row[(s.source, s.row_number)] for s in prepared.clustered]
