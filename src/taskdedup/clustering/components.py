"""The chain run apart on connected components of the join, with the same merges as one run.

A merge needs a pair of the join, so every cluster lies inside one connected component, and the
chain never looks outside the component it works in (chain_kernel.run_chain: an episode, from
taking a unit off the initial stack until the stack is back to those units, stays in that unit's
component). A component's merges therefore do not depend on the others, only where they fall in
the sequence does: the run takes the initial units lowest key first, so its merges are the
components' episodes in the order of the keys that started them. `combine` puts them back in that
order and renumbers the merge nodes, so the tree is the one-run tree to the bit, whatever the
grouping (tests/clustering/test_sparse.py compares them; test_parts.py, the same from pairs in parts).

The join's pairs may be in parts held elsewhere (a Dask cluster's workers, engines/): everything
here that reads pairs works on one part at a time (`part_forest`, `part_loads`, `pieces_of`), and
a group's task is built from its pieces of every part (`group_task`), so no process but the one
running a group's chain ever holds those pairs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from taskdedup.clustering.connected import component_labels
from taskdedup.clustering.join import Pairs
from taskdedup.clustering.sparse import ChainTask

Merges = tuple[np.ndarray, np.ndarray, np.ndarray]  # (k x 2 nodes, distances, episodes), as chain_merges returns them
_NONE = np.zeros(0, dtype=np.int64)


def part_forest(part: Pairs) -> tuple[np.ndarray, np.ndarray]:
    """A spanning forest of one part's pairs, as edges (unit, the lowest unit of its component
    in this part): the components of all parts' forests together are those of all the pairs,
    from far fewer edges than pairs."""
    from taskdedup.clustering.components_kernel import lowest_of_component

    row, col = part[0], part[1]
    if len(row) == 0:
        return _NONE, _NONE
    # The units it touches, ascending: a count, not a sort.
    span = int(max(row.max(), col.max())) + 1
    touched = np.flatnonzero(np.bincount(row, minlength=span) + np.bincount(col, minlength=span))
    root = lowest_of_component(span, row.astype(np.int64, copy=False), col.astype(np.int64, copy=False))[touched]
    other = touched != root
    return touched[other], root[other]


def components(forests: Sequence[tuple[np.ndarray, np.ndarray]], units: int) -> np.ndarray:
    """Each unit's connected component (numbered from the lowest unit up, as scipy numbers them;
    a unit without pairs is its own) from the parts' forests."""
    row = np.concatenate([f[0] for f in forests]) if forests else _NONE
    col = np.concatenate([f[1] for f in forests]) if forests else _NONE
    return component_labels(units, row, col)


def component_of(task: ChainTask) -> np.ndarray:
    """Each unit's connected component in the task's pairs (a unit without pairs is its own)."""
    return components([part_forest((task.row, task.col, task.similarity))], len(task.counts))


def part_loads(part: Pairs, component: np.ndarray) -> np.ndarray:
    """The pairs of each component in one part (the chain's cost grows with them)."""
    return np.bincount(component[part[0]], minlength=int(component.max(initial=-1)) + 1)


def plan(component: np.ndarray, loads: np.ndarray, groups: int) -> np.ndarray:
    """Each unit's group (-1: no pairs, so no merges), whole components in up to `groups` groups
    of about the same number of pairs: largest component first, each to the group with the
    fewest pairs so far, ties to the lowest group. Deterministic; the grouping does not change
    the merges."""
    with_pairs = np.flatnonzero(loads)
    group_of_component = np.full(len(loads), -1, dtype=np.int64)
    load = np.zeros(max(1, min(groups, len(with_pairs))), dtype=np.int64)
    for c in with_pairs[np.argsort(-loads[with_pairs], kind="stable")].tolist():
        g = int(np.argmin(load))
        group_of_component[c] = g
        load[g] += loads[c]
    return group_of_component[component]


def pieces_of(part: Pairs, unit_group: np.ndarray, groups: int) -> list[Pairs]:
    """One part's pairs, group by group, each in the part's order."""
    pair_group = unit_group[part[0]]
    out = []
    for g in range(groups):
        picked = np.flatnonzero(pair_group == g)
        out.append((part[0][picked], part[1][picked], part[2][picked]))
    return out


def group_task(units: ChainTask, unit_group: np.ndarray, group: int, first_node: int, pieces: Sequence[Pairs]) -> ChainTask:
    """Group `group`'s chain: its units (keys ascending, as in the whole run), its pairs from each
    part's piece in part order (the whole run's order), in the group's own numbering."""
    local = np.flatnonzero(unit_group == group)
    position = np.full(len(units.counts), -1, dtype=np.int64)
    position[local] = np.arange(len(local))
    row = np.concatenate([p[0] for p in pieces]) if pieces else _NONE
    col = np.concatenate([p[1] for p in pieces]) if pieces else _NONE
    similarity = np.concatenate([p[2] for p in pieces]) if pieces else np.zeros(0)
    return ChainTask(
        keys=units.keys[local], row=position[row], col=position[col], similarity=similarity, counts=units.counts[local],
        weighted=units.weighted[local] if units.weighted.shape[0] else units.weighted, node_of=units.node_of[local],
        linkage=units.linkage, min_similarity=units.min_similarity, first_node=first_node, terms=units.terms,
    )


def spans(unit_group: np.ndarray, groups: int, first_node: int) -> list[tuple[int, int]]:
    """Each group's first merge node and number of units: a group of u units merges at most
    u - 1 times, so each gets its own range of nodes and `combine` can tell whose merge one is."""
    sizes = np.bincount(unit_group[unit_group >= 0], minlength=groups).tolist()
    out, at = [], first_node
    for size in sizes:
        out.append((at, size))
        at += max(size - 1, 0)
    return out


def groups_of(component: np.ndarray, loads: np.ndarray, groups: int) -> tuple[np.ndarray, int]:
    """(each unit's group, how many groups have units)."""
    unit_group = plan(component, loads, groups)
    return unit_group, int(unit_group.max(initial=-1)) + 1


def split(task: ChainTask, groups: int) -> list[ChainTask]:
    """The task's units with pairs, as up to `groups` tasks of whole components, each about the
    same number of pairs: what an engine sends its workers, here from pairs held in this process."""
    part = (task.row, task.col, task.similarity)
    component = component_of(task)
    unit_group, used = groups_of(component, part_loads(part, component), groups)
    pieces = pieces_of(part, unit_group, used)
    return [group_task(task, unit_group, g, first, [pieces[g]]) for g, (first, _) in enumerate(spans(unit_group, used, task.first_node))]


def combine(spans: Sequence[tuple[int, int]], results: Sequence[Merges], first_node: int) -> tuple[np.ndarray, np.ndarray]:
    """The merges of the groups' tasks (their `spans`), as one run over all their units would
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
    return combine([(t.first_node, len(t.counts)) for t in tasks], [chain_merges(t) for t in tasks], task.first_node)
