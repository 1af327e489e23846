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
    # (a, b, cluster_a, cluster_b, score) per candidate; request objects only for the few chosen.
    candidates: list[tuple[Member, Member, int, int, float]] = []
    for c in clusters:
        if not c.is_proposal:
            continue
        rep = c.representative
        candidates.extend((rep, m, c.cluster_id, c.cluster_id, m.similarity) for m in c.members[1:])
    candidates.extend((m.a, m.b, m.cluster_a, m.cluster_b, m.similarity) for m in misses)
    probability = [match.probability(c[4]) for c in candidates]
    distance = [round(abs(p - threshold), 9) for p in probability]

    decisions_of: dict[str, set[int]] = {}
    for k, ids in enumerate(decided):
        for row_id in ids:
            decisions_of.setdefault(row_id, set()).add(k)

    def pair(i: int) -> tuple[str, str]:
        a, b = candidates[i][0].submission.row_id, candidates[i][1].submission.row_id
        return (a, b) if a <= b else (b, a)

    # Closest first, ties by the two row ids. Only the runs of equal distance that are reached are
    # ordered by ids: on 85,856 rows there are ~75,000 candidates and 30 are asked.
    order = sorted(range(len(candidates)), key=distance.__getitem__)
    seen: set[tuple[str, str]] = set()
    out: list[LabelRequest] = []
    start = 0
    while start < len(order) and len(out) < limit:
        end = start + 1
        while end < len(order) and distance[order[end]] == distance[order[start]]:
            end += 1
        for i in sorted(order[start:end], key=pair):
            key = pair(i)
            a, b = key
            if key in seen or a == b or not decisions_of.get(a, set()).isdisjoint(decisions_of.get(b, ())):
                continue
            seen.add(key)
            m_a, m_b, cluster_a, cluster_b, _ = candidates[i]
            out.append(LabelRequest(m_a, m_b, cluster_a, cluster_b, probability[i]))
            if len(out) == limit:
                break
        start = end
    return out
