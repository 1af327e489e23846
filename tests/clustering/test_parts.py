"""The join's pairs read a part at a time (as a Dask engine leaves them on its workers) give what
all of them together give: the same components, chain and near misses, however they are cut."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from taskdedup.clustering.components import (
    component_of, components, group_task, groups_of, part_forest, part_loads, pieces_of, spans, split,
)
from taskdedup.clustering.join import Join, LocalPairs, Pairs, similarity_join
from taskdedup.clustering.sparse import ChainTask, chain_merges
from taskdedup.review.near_misses import _apart_in_join


def cut_into(pairs: Pairs, cuts: list[int]) -> list[Pairs]:
    """The pairs in consecutive parts at the given places (some parts may be empty)."""
    places = [0, *sorted(min(c, len(pairs[0])) for c in cuts), len(pairs[0])]
    return [(pairs[0][a:b], pairs[1][a:b], pairs[2][a:b]) for a, b in zip(places, places[1:], strict=False)]


@st.composite
def graphs(draw: Any) -> tuple[int, Pairs, list[int]]:
    units = draw(st.integers(1, 30))
    edges = draw(st.lists(st.tuples(st.integers(0, units - 1), st.integers(0, units - 1)).filter(lambda e: e[0] < e[1]), max_size=60,
                          unique=True))
    row = np.array([e[0] for e in edges], dtype=np.int64)
    col = np.array([e[1] for e in edges], dtype=np.int64)
    similarity = np.round(np.array(draw(st.lists(st.sampled_from([0.3, 0.5, 0.5, 0.7, 0.9]), min_size=len(edges), max_size=len(edges)))), 9)
    cuts = draw(st.lists(st.integers(0, len(edges)), max_size=4))
    return units, (row, col, similarity.astype(np.float64)), cuts


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_components_from_the_parts_forests_are_those_of_all_pairs(graph: tuple[int, Pairs, list[int]]) -> None:
    from scipy.sparse.csgraph import connected_components

    units, pairs, cuts = graph
    whole = connected_components(sp.coo_matrix((np.ones(len(pairs[0])), (pairs[0], pairs[1])), shape=(units, units)), directed=False)[1]
    apart = components([part_forest(p) for p in cut_into(pairs, cuts)], units)
    assert apart.tolist() == whole.tolist()  # the same numbering too: components from the lowest unit up


def forest_by_scipy(part: Pairs) -> tuple[list[int], list[int]]:
    """part_forest's edges by scipy's connected_components: each touched unit that is not its
    component's lowest, with that lowest unit."""
    from scipy.sparse.csgraph import connected_components

    row, col = part[0], part[1]
    touched = np.unique(np.concatenate([row, col]))
    place = {int(u): k for k, u in enumerate(touched)}
    graph = sp.coo_matrix((np.ones(len(row)), ([place[int(u)] for u in row], [place[int(u)] for u in col])), shape=(len(touched),) * 2)
    label = connected_components(graph, directed=False)[1]
    lowest = {int(c): int(touched[np.flatnonzero(label == c)[0]]) for c in np.unique(label)}
    edges = [(int(u), lowest[int(label[k])]) for k, u in enumerate(touched) if lowest[int(label[k])] != u]
    return [e[0] for e in edges], [e[1] for e in edges]


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_a_part_s_forest_by_union_find_is_the_one_scipy_s_components_give(graph: tuple[int, Pairs, list[int]]) -> None:
    _, pairs, _ = graph
    got = part_forest(pairs)
    assert (got[0].tolist(), got[1].tolist()) == forest_by_scipy(pairs)


@settings(max_examples=200, deadline=None)
@given(graphs(), st.integers(1, 5), st.sampled_from(["average", "complete"]))
def test_group_tasks_from_pieces_of_every_part_are_the_one_part_tasks(graph: tuple[int, Pairs, list[int]], groups: int, linkage: str) -> None:
    units, pairs, cuts = graph
    weighted = sp.csr_matrix(np.eye(units)) if linkage == "average" else sp.csr_matrix((0, 0))  # each unit a term of its own
    task = ChainTask(np.arange(units) * 2 + 1, *pairs, np.ones(units), weighted, np.arange(units), linkage, 0.3,  # type: ignore[arg-type]
                     units, units)
    expected = split(task, groups)
    parts = cut_into(pairs, cuts)
    component = component_of(task)
    unit_group, used = groups_of(component, np.sum([part_loads(p, component) for p in parts], axis=0), groups)
    pieces = [pieces_of(p, unit_group, used) for p in parts]
    tasks = [group_task(task, unit_group, g, first, [piece[g] for piece in pieces]) for g, (first, _) in enumerate(spans(unit_group, used, units))]
    assert len(tasks) == len(expected)
    for ours, theirs in zip(tasks, expected, strict=True):
        for name in ("keys", "row", "col", "similarity", "counts", "node_of"):
            assert getattr(ours, name).tolist() == getattr(theirs, name).tolist(), name
        assert ours.first_node == theirs.first_node
        assert [a.tolist() for a in chain_merges(ours)] == [a.tolist() for a in chain_merges(theirs)]


@st.composite
def labelled_joins(draw: Any) -> tuple[Join, np.ndarray, list[int]]:
    """A join of rows with copies, cut into parts, and labels that sometimes split copies (as
    decisions do)."""
    n = draw(st.integers(2, 16))
    rows = draw(st.lists(st.lists(st.sampled_from([0.0, 0.0, 0.3, 0.6, 1.0]), min_size=5, max_size=5), min_size=n, max_size=n))
    copies = draw(st.lists(st.integers(0, n - 1), max_size=6))
    x = np.array(rows + [rows[i] for i in copies])
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    matrix = sp.csr_matrix(x / norms)
    unit_of, by_unit, starts = Join.units_of(matrix)
    pairs = similarity_join(matrix[by_unit[starts[:-1]]], 0.1).arrays()
    cuts = draw(st.lists(st.integers(0, len(pairs[0])), max_size=4))
    labels = np.array(draw(st.lists(st.integers(0, 3), min_size=matrix.shape[0], max_size=matrix.shape[0])), dtype=np.int64)
    return Join(LocalPairs([pairs]), unit_of, by_unit, starts), labels, cuts


@settings(max_examples=200, deadline=None)
@given(labelled_joins(), st.sampled_from([1, 2, 3, 100]))
def test_near_miss_candidates_part_by_part_hold_the_best_pairs_of_all(case: tuple[Join, np.ndarray, list[int]], limit: int) -> None:
    join, labels, cuts = case
    parted = Join(LocalPairs(cut_into(join.pairs.arrays(), cuts)), join.unit_of, join.by_unit, join.starts)

    def best(candidates: tuple[np.ndarray, np.ndarray, np.ndarray]) -> list[tuple[float, int, int]]:
        rows, cols, values = candidates
        return sorted(zip((-values).tolist(), rows.tolist(), cols.tolist(), strict=True))[:limit]

    assert best(_apart_in_join(parted, labels, limit)) == best(_apart_in_join(join, labels, limit))


def test_a_join_counts_its_pairs_over_its_parts() -> None:
    pairs = (np.array([0, 0, 1]), np.array([1, 2, 2]), np.array([0.5, 0.6, 0.7]))
    starts = np.array([0, 2, 3, 6])  # units of 2, 1 and 3 rows
    join = Join(LocalPairs(cut_into(pairs, [1, 1])), np.array([0, 0, 1, 2, 2, 2]), np.arange(6), starts)
    assert join.unit_pairs() == 3
    assert join.row_pairs() == (2 * 1 + 2 * 3 + 1 * 3) + (1 + 0 + 3)  # across units, then copies inside one
    assert join.component.tolist() == [0, 0, 0]
