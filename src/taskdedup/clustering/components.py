"""The chain run apart on connected components of the join, with the same merges as one run.

A merge needs a pair of the join, so every cluster lies inside one connected component, and the
chain never looks outside the component it works in (chain_kernel.run_chain: an episode, from
taking a unit off the initial stack until the stack is back to those units, stays in that unit's
component). A component's merges therefore do not depend on the others, only where they fall in
the sequence does: the run takes the initial units lowest key first, so its merges are the
components' episodes in the order of the keys that started them. `combine` puts them back in that
order and renumbers the merge nodes, so the tree is the one-run tree to the bit, whatever the
grouping (tests/clustering/test_components.py compares them).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from taskdedup.clustering.sparse import ChainTask

Merges = tuple[np.ndarray, np.ndarray, np.ndarray]  # (k x 2 nodes, distances, episodes), as chain_merges returns them


def component_of(task: ChainTask) -> np.ndarray:
    """Each unit's connected component in the task's pairs (a unit without pairs is its own)."""
    from scipy.sparse.csgraph import connected_components

    units = len(task.counts)
    graph = sp.coo_matrix((np.ones(len(task.row), dtype=np.int8), (task.row, task.col)), shape=(units, units))
    return connected_components(graph, directed=False)[1]


def split(task: ChainTask, groups: int) -> list[ChainTask]:
    """The task's units with pairs, as up to `groups` tasks of whole components, each about the
    same number of pairs (the chain's cost grows with them): largest component first, each to
    the group with the fewest pairs so far, ties to the lowest group. Deterministic, and the
    grouping does not change the merges."""
    component = component_of(task)
    pairs = np.bincount(component[task.row], minlength=int(component.max(initial=-1)) + 1)
    with_pairs = np.flatnonzero(pairs)
    group_of_component = np.full(len(pairs), -1, dtype=np.int64)
    load = np.zeros(max(1, min(groups, len(with_pairs))), dtype=np.int64)
    for c in with_pairs[np.argsort(-pairs[with_pairs], kind="stable")].tolist():
        g = int(np.argmin(load))
        group_of_component[c] = g
        load[g] += pairs[c]
    unit_group = group_of_component[component]
    pair_group = unit_group[task.row]
    out = []
    for g in range(len(load) if len(with_pairs) else 0):
        local = np.flatnonzero(unit_group == g)  # ascending: keys keep their order
        position = np.full(len(task.counts), -1, dtype=np.int64)
        position[local] = np.arange(len(local))
        picked = np.flatnonzero(pair_group == g)  # the pairs keep their order too
        out.append(ChainTask(
            keys=task.keys[local], row=position[task.row[picked]], col=position[task.col[picked]], similarity=task.similarity[picked],
            counts=task.counts[local], weighted=task.weighted[local] if task.weighted.shape[0] else task.weighted,
            node_of=task.node_of[local], linkage=task.linkage, min_similarity=task.min_similarity, first_node=0, terms=task.terms,
        ))
    return _numbered(out, task.first_node)


def _numbered(tasks: list[ChainTask], first_node: int) -> list[ChainTask]:
    """Give each task its own range of merge nodes (a task of u units merges at most u - 1 times),
    so `combine` can tell whose merge a node is."""
    out, at = [], first_node
    for t in tasks:
        out.append(ChainTask(t.keys, t.row, t.col, t.similarity, t.counts, t.weighted, t.node_of, t.linkage, t.min_similarity, at, t.terms))
        at += max(len(t.counts) - 1, 0)
    return out


def spans(tasks: Sequence[ChainTask]) -> list[tuple[int, int]]:
    """What `combine` needs to know of each task: its first merge node and how many units it has
    (so a caller can let go of the tasks' pairs while they run)."""
    return [(t.first_node, len(t.counts)) for t in tasks]


def combine(spans: Sequence[tuple[int, int]], results: Sequence[Merges], first_node: int) -> tuple[np.ndarray, np.ndarray]:
    """The merges of tasks from `split` (their `spans`), as one run over all their units would
    have made them: in order of their episodes' keys, merge nodes renumbered from `first_node`."""
    if not results:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0)
    merged = np.concatenate([r[0] for r in results])
    distances = np.concatenate([r[1] for r in results])
    episodes = np.concatenate([r[2] for r in results])
    order = np.argsort(episodes, kind="stable")  # each task's merges are in episode order already
    span = max(start + max(units - 1, 0) for start, units in spans) - first_node
    renumber = np.full(span, -1, dtype=np.int64)
    temporary = np.concatenate([start + np.arange(len(r[1]), dtype=np.int64) for (start, _), r in zip(spans, results, strict=True)])
    renumber[temporary[order] - first_node] = first_node + np.arange(len(order), dtype=np.int64)
    merged = merged[order]
    later = merged >= first_node
    merged[later] = renumber[merged[later] - first_node]
    return merged, distances[order]


def chain_apart(task: ChainTask, groups: int) -> tuple[np.ndarray, np.ndarray]:
    """The chain's merges computed group by group in this process: what an engine does on its
    workers, for tests and for comparing the two."""
    from taskdedup.clustering.sparse import chain_merges

    tasks = split(task, groups)
    return combine(spans(tasks), [chain_merges(t) for t in tasks], task.first_node)
