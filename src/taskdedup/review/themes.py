"""Themes: areas that several clusters (and agencies) share, from a lower cut of the same tree.

Because the merge tree is cut twice, at the cluster threshold and at a lower theme threshold, every
cluster lies inside exactly one theme. Earlier decisions can join rows the tree keeps apart; the
themes such a cluster spans are then joined (nested_themes), so the rule still holds. A theme is
reported only when it joins two or more clusters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from taskdedup.clustering.connected import component_labels
from taskdedup.review.proposals import Cluster, dense_rows, top_terms


@dataclass(frozen=True)
class Theme:
    theme_id: int
    clusters: tuple[Cluster, ...]  # largest first
    agencies: tuple[str, ...]
    keywords: tuple[str, ...]

    @property
    def size(self) -> int:
        return sum(c.size for c in self.clusters)

    @property
    def proposals(self) -> tuple[Cluster, ...]:
        return tuple(c for c in self.clusters if c.is_proposal)


def nested_themes(theme_labels: np.ndarray, cluster_labels: np.ndarray) -> np.ndarray:
    """Theme labels coarsened just enough that every cluster lies inside one theme: the connected
    components of the graph linking each theme to the clusters its rows are in. Unchanged (up to
    renumbering) when the clusters are a finer cut of the same tree."""
    if len(theme_labels) == 0:
        return theme_labels
    themes, clusters = int(theme_labels.max()) + 1, int(cluster_labels.max()) + 1
    # Vertices: the themes, then the clusters after them.
    return component_labels(themes + clusters, theme_labels, themes + cluster_labels)[theme_labels]


def build_themes(
    clusters: Sequence[Cluster],
    theme_labels: np.ndarray,
    matrix: sp.csr_matrix,
    terms: np.ndarray,
    *,
    keywords: int,
    agency_of: Callable[[str], str],
) -> list[Theme]:
    """`theme_labels` gives a theme label per clustered row (the rows of `matrix`, by Member.index)."""
    groups: dict[int, list[Cluster]] = {}
    for cluster in clusters:
        label = int(theme_labels[cluster.members[0].index])
        groups.setdefault(label, []).append(cluster)
    drafts: list[tuple[tuple[int, int, int], Theme]] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda c: (-c.size, c.cluster_id))
        rows = [m.index for c in members for m in c.members]
        agencies = tuple(sorted({agency_of(m.submission.agency) for c in members for m in c.members if m.submission.agency}))
        block, local_terms = dense_rows(matrix, rows, terms)
        # Keywords: terms used across at least two of the theme's clusters.
        owner = np.repeat(np.arange(len(members)), [c.size for c in members])
        per_cluster = np.array([(block[owner == k] > 0).any(axis=0) for k in range(len(members))])
        spread = per_cluster.sum(axis=0) >= 2
        words = top_terms(block.mean(axis=0) * spread, local_terms, keywords)
        theme = Theme(0, tuple(members), agencies, words)
        drafts.append(((-len(agencies), -theme.size, members[0].cluster_id), theme))
    drafts.sort(key=lambda d: d[0])
    return [Theme(i, t.clusters, t.agencies, t.keywords) for i, (_, t) in enumerate(drafts, start=1)]
