"""The pairs the match model is least sure of, for the analysts to label (the 라벨 요청 sheet).

The Excel form of active learning (dedupe's console loop): the pairs whose probability is closest
to the threshold, from inside proposals (each member with its representative) and from the near
misses (similar pairs the threshold kept apart). An answer there is worth most to `taskdedup learn`:
a pair the model already calls 0.99 or 0.01 teaches it little.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from taskdedup.clustering.match import MatchModel
from taskdedup.review.near_misses import NearMiss
from taskdedup.review.proposals import Cluster, Member

LABEL_REQUESTS = 30  # pairs asked per round: a sitting's worth, not a chore


@dataclass(frozen=True)
class LabelRequest:
    a: Member
    b: Member
    cluster_a: int
    cluster_b: int
    probability: float


def label_requests(
    clusters: Sequence[Cluster],
    misses: Sequence[NearMiss],
    match: MatchModel,
    threshold: float,
    decided: Sequence[frozenset[str]] = (),
    limit: int = LABEL_REQUESTS,
) -> list[LabelRequest]:
    """Up to `limit` pairs, closest to the threshold first (ties: by the two row ids). A pair whose
    two tasks an earlier decision already covers (`decided`: the id sets of earlier decisions) is
    not asked again."""
    candidates: list[LabelRequest] = []
    for c in clusters:
        if not c.is_proposal:
            continue
        rep = c.representative
        candidates.extend(LabelRequest(rep, m, c.cluster_id, c.cluster_id, match.probability(m.similarity)) for m in c.members[1:])
    candidates.extend(LabelRequest(m.a, m.b, m.cluster_a, m.cluster_b, match.probability(m.similarity)) for m in misses)

    decisions_of: dict[str, set[int]] = {}
    for k, ids in enumerate(decided):
        for row_id in ids:
            decisions_of.setdefault(row_id, set()).add(k)

    def covered(r: LabelRequest) -> bool:
        a, b = r.a.submission.row_id, r.b.submission.row_id
        return a == b or not decisions_of.get(a, set()).isdisjoint(decisions_of.get(b, ()))

    seen: set[tuple[str, str]] = set()
    out: list[LabelRequest] = []
    for r in sorted(candidates, key=lambda r: (round(abs(r.probability - threshold), 9), *sorted((r.a.submission.row_id, r.b.submission.row_id)))):
        key = tuple(sorted((r.a.submission.row_id, r.b.submission.row_id)))
        if key in seen or covered(r):
            continue
        seen.add(key)
        out.append(r)
        if len(out) == limit:
            break
    return out
