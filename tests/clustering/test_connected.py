"""Connected components in numpy (clustering/connected.py) against scipy's, which they replace."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import connected_components

from taskdedup.clustering.connected import component_labels, lowest_vertex
from tests.conftest import fresh_python


@st.composite
def graphs(draw: st.DrawFn) -> tuple[int, np.ndarray, np.ndarray]:
    count = draw(st.integers(1, 60))
    edges = draw(st.lists(st.tuples(st.integers(0, count - 1), st.integers(0, count - 1)), max_size=120))
    row = np.array([e[0] for e in edges], dtype=np.int64)
    col = np.array([e[1] for e in edges], dtype=np.int64)
    return count, row, col


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_the_same_components_numbered_as_scipy_numbers_them(graph: tuple[int, np.ndarray, np.ndarray]) -> None:
    """Self-loops, repeated edges, both directions and lone vertices included."""
    count, row, col = graph
    expected = connected_components(sp.coo_matrix((np.ones(len(row)), (row, col)), shape=(count, count)), directed=False)[1]
    assert component_labels(count, row, col).tolist() == expected.tolist()
    lowest = lowest_vertex(count, row, col)
    for c in range(int(expected.max()) + 1):
        members = np.flatnonzero(expected == c)
        assert (lowest[members] == members.min()).all()


def test_long_paths_and_trees_resolve() -> None:
    """A path numbered against the hooking direction, and a merge tree shaped as one long chain
    (each node joins the previous node and a new leaf): the shapes that need the most rounds."""
    n = 20_000
    order = np.random.default_rng(0).permutation(n)
    assert (component_labels(n, order[:-1], order[1:]) == 0).all()
    leaves = np.arange(n)
    nodes = n + np.arange(n - 1)
    previous = np.r_[0, nodes[:-1]]
    children = np.concatenate([previous, leaves[1:]])
    parents = np.concatenate([nodes, nodes])
    assert (lowest_vertex(2 * n - 1, children, parents) == 0).all()
    assert lowest_vertex(3, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)).tolist() == [0, 1, 2]


def test_a_run_does_not_load_scipys_graph_module() -> None:
    """scipy.sparse.csgraph (~55 ms to import, scipy.sparse.linalg with it) is not loaded on the
    sparse path, the one large inputs take (its notice counts the join's components), every
    export included. The dense path's scipy linkage loads much of it itself."""
    script = (
        "import sys, tempfile, pathlib, taskdedup\n"
        "table = taskdedup.read_table('data/samples/survey_2018.csv')\n"
        "result = taskdedup.run(table, taskdedup.Settings(method='sparse'))\n"
        "folder = pathlib.Path(tempfile.mkdtemp())\n"
        "taskdedup.write_exports(result, [folder / 'r.xlsx', folder / 'm.csv', folder / 'm.json'])\n"
        "print(sorted(m for m in ('scipy.sparse.csgraph', 'scipy.sparse.linalg') if m in sys.modules))\n"
    )
    assert fresh_python(script).splitlines()[-1] == "[]"
