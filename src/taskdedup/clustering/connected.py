"""Connected components of graphs given as edge lists, in numpy alone.

Nesting themes and numbering the join's components (from its parts' spanning forests) need the
components of graphs of at most as many edges as units. scipy's connected_components did it, but
importing scipy.sparse.csgraph loads scipy.sparse.linalg (and scipy.linalg) with it: ~55 ms of a
run that needs milliseconds of work. (Cutting the merge tree, a forest, is simpler still:
MergeTree.cut.)
"""

from __future__ import annotations

import numpy as np


def lowest_vertex(count: int, row: np.ndarray, col: np.ndarray) -> np.ndarray:
    """For each of the vertices 0 .. count - 1, the lowest vertex of its connected component in
    the edges (row[e], col[e]); a vertex without edges is its own.

    Rounds of hooking and pointer jumping: every root that an edge joins to a lower root hangs
    under the lowest such root, then every vertex points straight at its root. A vertex only ever
    points lower, so there are no cycles, and the lowest vertex of a component stays its root;
    the rounds end when no edge joins two roots, so each component has that one root. A few
    rounds on real trees and graphs (each halves the roots or better)."""
    parent = np.arange(count, dtype=np.int64)
    row = np.asarray(row, dtype=np.int64)
    col = np.asarray(col, dtype=np.int64)
    while len(row):
        a, b = parent[row], parent[col]
        apart = a != b
        if not apart.any():
            break
        row, col, a, b = row[apart], col[apart], a[apart], b[apart]  # edges inside a component are done
        np.minimum.at(parent, np.maximum(a, b), np.minimum(a, b))
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
    return parent


def component_labels(count: int, row: np.ndarray, col: np.ndarray) -> np.ndarray:
    """Each vertex's component, numbered 0, 1, ... in order of the components' lowest vertices
    (as scipy's connected_components numbers an undirected graph's)."""
    return np.unique(lowest_vertex(count, row, col), return_inverse=True)[1].ravel()
