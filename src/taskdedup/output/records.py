"""Result (and the other commands' reports) -> plain records: what every export format writes.

Everything here is deterministic: no timings, no dates, file name without its folder, floats
rounded, so the same input gives byte-identical files.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import taskdedup
from taskdedup.clustering.match import MatchModel
from taskdedup.quality.evaluate import Evaluation
from taskdedup.quality.explain import Explanation
from taskdedup.quality.tune import Tuning
from taskdedup.results import Result, RowOutcome
from taskdedup.review.decisions import Decided
from taskdedup.review.proposals import CROSS_AGENCY, SAME_AGENCY, SINGLETON, UNATTRIBUTED, Cluster
from taskdedup.review.themes import Theme

DIGITS = 4
# The kinds of cluster as the Korean exports (workbook, report) name them.
KIND_KO = {CROSS_AGENCY: "기관 간 중복", SAME_AGENCY: "기관 내 중복", UNATTRIBUTED: "기관 미상", SINGLETON: "단독"}
STATUS_KO = {
    "clustered": "군집됨",
    "clustered: new, joined a merged group": "신규: 병합 결정된 묶음에 합류 (재검토)",
    "skipped: empty text": "제외: 내용 없음",
    "skipped: no words in text": "제외: 비교할 단어 없음",
}
# A spreadsheet runs text starting with these as a formula (CSV injection); OWASP's list.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRSTS = frozenset(FORMULA_START)  # each one character
_FIRST_CHARACTER = operator.itemgetter(slice(0, 1))


def any_formula_like(texts: Iterable[str]) -> bool:
    """Whether some text starts as FORMULA_START says, by the set of first characters (in C): most
    columns hold none, and are then not looked at text by text."""
    return not _FORMULA_FIRSTS.isdisjoint(map(_FIRST_CHARACTER, texts))

MEMBER_COLUMNS = (
    "cluster_id", "cluster_size", "kind", "theme_id", "row_id", "row_number", "agency", "field", "title",
    "representative", "probability", "similarity_to_representative", "shared_terms", "status", "source_file",
)
# The same columns for --lang ko, in the words of the review workbook's 과제목록 sheet.
MEMBER_COLUMNS_KO = (
    "군집번호", "과제 수", "유형", "주제번호", "번호", "행", "기관", "분야", "과제명",
    "대표", "대표와 일치 확률", "대표와 유사도", "공유 핵심어", "상태", "파일",
)

def neutralise(value: str) -> str:
    """Prefix formula-like text with an apostrophe so a spreadsheet shows it instead of running it."""
    return "'" + value if value.startswith(FORMULA_START) else value


def rounded(x: float) -> float:
    return round(float(x), DIGITS)


_SCALE = 10.0**DIGITS
_SURE = 1e-6  # a scaled value this far from a half rounds to the integer its exact decimal does


def rounded_all(values: Sequence[float]) -> list[float]:
    """rounded() of every value, to the bit, in whole-array steps (54,548 distinct similarities on
    85,856 rows: 0.16 s as round() calls). x * 10^4 is rounded once (by at most 2^-23 below 2^30),
    so unless it lies within 1e-6 of a half its nearest integer k is the exact decimal's, and k / 10^4
    is the double nearest k * 10^-4: what round() returns. The doubtful rest goes through round()."""
    x = np.asarray(values, dtype=np.float64)
    with np.errstate(all="ignore"):  # NaN and infinities are doubtful (every comparison is False)
        scaled = x * _SCALE
        out = (np.rint(scaled) / _SCALE).tolist()
        sure = (np.abs(np.abs(scaled - np.floor(scaled)) - 0.5) > _SURE) & (np.abs(scaled) < 2.0**30)
    for i in np.flatnonzero(~sure).tolist():
        out[i] = round(float(x[i]), DIGITS)
    return out


def member_columns(rows: Sequence[RowOutcome], match: MatchModel) -> list[list[Any]]:
    """The members table of `rows`, a list per column in MEMBER_COLUMNS order: one comprehension
    per column instead of a record per row (85,856 rows: a tenth of the time). A skipped row has
    no cluster, probability or similarity. Probabilities are computed once per distinct similarity
    (they repeat: identical texts, 1.0), with the same scalar function as everywhere else."""
    if not rows:
        return [[] for _ in MEMBER_COLUMNS]
    # Columns by transposing the named tuples (one C loop over the rows), not a comprehension per
    # field: reading a field of 85,856 scattered objects costs ~18 ms a field, the transpose 27 ms.
    subs, statuses, clusters, members, themes = zip(*rows, strict=True)
    numbers, ids, agencies, fields, titles, _, _, sources = zip(*subs, strict=True)
    similarity = [None if m is None else m.similarity for m in members]
    distinct = set(similarity)
    distinct.discard(None)
    values = list(distinct)
    probability = dict(zip(values, rounded_all([match.probability(x) for x in values]), strict=True))
    shown = dict(zip(values, rounded_all(values), strict=True))
    return [
        [None if c is None else c.cluster_id for c in clusters],
        [None if c is None else len(c.members) for c in clusters],
        [None if c is None else c.kind for c in clusters],
        [None if t is None else t.theme_id for t in themes],
        list(ids),
        list(numbers),
        list(agencies),
        list(fields),
        list(titles),
        [c is not None and m is not None and m is c.members[0] and len(c.members) > 1 for c, m in zip(clusters, members, strict=True)],
        list(map(probability.get, similarity)),  # None (a skipped row) is no key: it stays None
        list(map(shown.get, similarity)),
        [() if m is None else m.shared_terms for m in members],  # tuples: JSON writes them as lists
        list(statuses),
        list(sources),
    ]


def member_records(rows: Sequence[RowOutcome], match: MatchModel) -> list[dict[str, Any]]:
    return [dict(zip(MEMBER_COLUMNS, values, strict=True)) for values in zip(*member_columns(rows, match), strict=True)]


def _proposal_record(c: Cluster, result: Result) -> dict[str, Any]:
    rep = c.representative.submission
    match = result.match
    earlier: Decided | None = result.carried.get(c.cluster_id)
    return {
        "cluster_id": c.cluster_id,
        "key": result.key_of(c),
        "earlier_decision": {"decision": earlier.decision, "key": earlier.key, "comment": earlier.comment} if earlier else None,
        # a merged group that new tasks joined since it was decided: those tasks, for another look
        "review_again": list(result.reopened.get(c.cluster_id, ())),
        "kind": c.kind,
        "size": c.size,
        "agency_count": len(c.agencies),
        "agencies": list(c.agencies),
        "representative": {"row_id": rep.row_id, "agency": rep.agency, "title": rep.title},
        "keywords": list(c.keywords),
        "probability": rounded(match.probability(c.cohesion)),
        "cohesion": rounded(c.cohesion),
        "weakest_member": (
            {
                "row_id": c.weakest.submission.row_id,
                "probability": rounded(match.probability(c.weakest.mean_similarity)),
                "mean_similarity": rounded(c.weakest.mean_similarity),
            }
            if c.weakest
            else None
        ),
        "members": [
            {
                "row_id": m.submission.row_id,
                "row_number": m.submission.row_number,
                "agency": m.submission.agency,
                "field": m.submission.field,
                "title": m.submission.title,
                "probability": rounded(match.probability(m.similarity)),
                "similarity_to_representative": rounded(m.similarity),
                "shared_terms": list(m.shared_terms),
                "source_file": m.submission.source,
            }
            for m in c.members
        ],
    }


def _theme_record(t: Theme) -> dict[str, Any]:
    return {
        "theme_id": t.theme_id,
        "size": t.size,
        "agency_count": len(t.agencies),
        "agencies": list(t.agencies),
        "keywords": list(t.keywords),
        "clusters": [c.cluster_id for c in t.clusters],
        "proposals": [c.cluster_id for c in t.proposals],
    }


def match_record(match: MatchModel) -> dict[str, float]:
    """How scores were mixed and read as probabilities: enough to recompute any figure."""
    return {
        "word_weight": rounded(match.word_weight),
        "char_weight": rounded(match.char_weight),
        "embedding_weight": rounded(match.embedding_weight),
        "slope": match.slope,
        "midpoint": match.midpoint,
    }


def result_to_dict(result: Result, *, rows: bool = True) -> dict[str, Any]:
    """The whole result; `rows=False` leaves out proposals' and members' records (for the summary sheet)."""
    s = result.summary
    cols = result.columns
    return {
        "taskdedup_version": taskdedup.__version__,
        "input": {
            "file": Path(result.source).name,
            # several files read as one: each file and the rows (or forms) read from it
            "files": [{"file": name, "rows": rows} for name, rows in result.files],
            "columns": {"text": list(cols.text), "id": cols.id, "agency": cols.agency, "field": cols.field},
        },
        "settings": {
            "tokenizer": result.settings.tokenizer,
            "tokenizer_version": result.tokenizer_version,
            "threshold": result.settings.threshold,
            "theme_threshold": result.settings.themes_at,
            "linkage": result.settings.linkage,
            "lexicon": {"entries": len(result.settings.lexicon), "fingerprint": result.settings.lexicon.fingerprint},
            "similarity": result.match.name,
            "match": match_record(result.match),
            # a team model (--model) by its file name, when this run used it; else the shipped one
            "match_model": Path(result.settings.match_source).name if result.settings.match_source else "built-in",
            "embedding": {"model": result.settings.embedder} if result.match.embedding_weight > 0 else None,
        },
        "summary": {
            "rows_read": s.rows_read,
            "rows_skipped": s.rows_skipped,
            "blank_rows_ignored": s.blank_rows_ignored,
            "clusters": s.clusters,
            "proposals": s.proposals,
            "cross_agency_proposals": s.cross_agency,
            "same_agency_proposals": s.same_agency,
            "unattributed_proposals": s.unattributed,
            "rows_in_proposals": s.rows_in_proposals,
            "themes": s.themes,
        },
        "notices": list(result.notices),
        "proposals": [_proposal_record(c, result) for c in result.proposals] if rows else [],
        "themes": [_theme_record(t) for t in result.themes],
        "members": member_records(result.rows, result.match) if rows else [],
    }


def _prf(prf: Any) -> dict[str, float] | None:
    return None if prf is None else {"precision": rounded(prf.precision), "recall": rounded(prf.recall), "f1": rounded(prf.f1)}


def _example(pair: Any) -> dict[str, Any]:
    return {
        "a": {"row_id": pair.a.row_id, "agency": pair.a.agency, "title": pair.a.title},
        "b": {"row_id": pair.b.row_id, "agency": pair.b.agency, "title": pair.b.title},
        "probability": rounded(pair.probability),
        "similarity": rounded(pair.similarity),
    }


def evaluation_to_dict(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "mode": evaluation.mode,
        "threshold": evaluation.threshold,
        "rows_scored": evaluation.rows_scored,
        "pairs_scored": evaluation.pairs_scored,
        "pairwise": _prf(evaluation.pairwise),
        "bcubed": _prf(evaluation.bcubed),
        "adjusted_rand": None if evaluation.ari is None else rounded(evaluation.ari),
        "predicted_clusters": evaluation.predicted_clusters,
        "gold_clusters": evaluation.gold_clusters,
        "false_merges": [_example(p) for p in evaluation.false_merges],
        "missed_pairs": [_example(p) for p in evaluation.missed],
    }


def tuning_to_dict(tuning: Tuning) -> dict[str, Any]:
    def opt(x: float | None) -> float | None:
        return None if x is None else rounded(x)

    return {
        "recommended_threshold": tuning.recommended,
        "rule": tuning.rule,
        "points": [
            {
                "threshold": p.threshold,
                "clusters": p.clusters,
                "proposals": p.proposals,
                "cross_agency_proposals": p.cross_agency,
                "rows_in_proposals": p.rows_in_proposals,
                "mean_probability": opt(p.mean_probability),
                "silhouette": opt(p.silhouette),
                "precision": opt(p.precision),
                "recall": opt(p.recall),
                "f1": opt(p.f1),
            }
            for p in tuning.points
        ],
    }


def explanation_to_dict(ex: Explanation) -> dict[str, Any]:
    def share(t: Any) -> dict[str, Any]:
        return {"term": t.term, "weight_a": rounded(t.weight_a), "weight_b": rounded(t.weight_b), "contribution": rounded(t.contribution)}

    return {
        "a": {"row_id": ex.a.row_id, "agency": ex.a.agency, "title": ex.a.title},
        "b": {"row_id": ex.b.row_id, "agency": ex.b.agency, "title": ex.b.title},
        "probability": rounded(ex.probability),
        "similarity": rounded(ex.similarity),
        "signals": {name: rounded(value) for name, value in ex.signals},
        "threshold": ex.threshold,
        "same_cluster": ex.same_cluster,
        "group_link": None if ex.group_link is None else rounded(ex.group_link),
        "group_probability": None if ex.group_probability is None else rounded(ex.group_probability),
        "shared_terms": [share(t) for t in ex.shared],
        "only_in_a": [share(t) for t in ex.only_a],
        "only_in_b": [share(t) for t in ex.only_b],
    }
