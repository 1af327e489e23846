"""The sparse run's join and tree kept in the token cache (clustering/tree_store.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from taskdedup import pipeline
from taskdedup.clustering import tree_store
from taskdedup.clustering.sparse import sparse_tree
from taskdedup.config import Settings
from taskdedup.input.tables import read_table
from taskdedup.output.csvfile import to_csv
from taskdedup.output.jsonfile import to_json
from taskdedup.text.token_cache import TokenCache

SAMPLE = Path(__file__).parents[2] / "data" / "samples" / "survey_2018.csv"
SPARSE = Settings(method="sparse", similarity="lexical")


def _matrix() -> sp.csr_matrix:
    rng = np.random.default_rng(3)
    dense = rng.random((40, 12)) * (rng.random((40, 12)) < 0.3)
    dense[5] = dense[4]  # copies: units of two rows
    rows = np.linalg.norm(dense, axis=1, keepdims=True)
    return sp.csr_matrix(np.divide(dense, rows, out=np.zeros_like(dense), where=rows > 0))


def test_a_tree_and_its_join_come_back_as_they_were() -> None:
    tree, join = sparse_tree(_matrix(), "average", 0.2)
    back = tree_store.restored(tree_store.pairs_bytes(join), tree_store.tree_bytes(tree, join))  # type: ignore[arg-type]
    assert back is not None
    again, joined = back
    assert again.n == tree.n
    for a, b in [(again.children, tree.children), (again.distances, tree.distances), (joined.unit_of, join.unit_of), (joined.by_unit, join.by_unit),
                 (joined.starts, join.starts), (joined.component, join.component), *zip(joined.pairs.arrays(), join.pairs.arrays(), strict=True)]:
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert again.cut(0.5).tolist() == tree.cut(0.5).tolist()


def test_unreadable_entries_are_misses() -> None:
    tree, join = sparse_tree(_matrix(), "average", 0.2)
    pairs, stored = tree_store.pairs_bytes(join), tree_store.tree_bytes(tree, join)
    assert pairs is not None
    for broken in (b"", b"not a zip", pairs[: len(pairs) // 2]):
        assert tree_store.restored(broken, stored) is None
        assert tree_store.restored(pairs, broken) is None
    assert tree_store.restored(stored, pairs) is None  # each other's entries: arrays missing


def test_the_key_is_the_vectors_the_linkage_the_floor_and_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    matrix = _matrix()
    key = tree_store.tree_key(matrix, 0, "average", 0.2)
    assert tree_store.tree_key(matrix.copy(), 0, "average", 0.2) == key
    changed = matrix.copy()
    changed.data[7] = np.nextafter(changed.data[7], 2.0)
    assert tree_store.tree_key(changed, 0, "average", 0.2) != key
    assert tree_store.tree_key(matrix, 0, "complete", 0.2) != key
    assert tree_store.tree_key(matrix, 0, "average", 0.2000001) != key
    assert tree_store.tree_key(matrix, 2, "average", 0.2) != key
    monkeypatch.setattr(tree_store, "FORMAT", tree_store.FORMAT + 1)
    assert tree_store.tree_key(matrix, 0, "average", 0.2) != key


def test_joins_past_the_limit_are_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    tree, join = sparse_tree(_matrix(), "average", 0.2)
    monkeypatch.setattr(tree_store, "MAX_PAIRS", join.unit_pairs() - 1)
    assert tree_store.pairs_bytes(join) is None


def test_a_second_run_reads_the_tree_and_gives_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = read_table(str(SAMPLE))
    fresh = pipeline.assemble(pipeline.prepare(table, SPARSE))
    first = pipeline.assemble(pipeline.prepare(table, SPARSE, cache=TokenCache(tmp_path)))
    monkeypatch.setattr(pipeline, "sparse_tree", lambda *a, **k: pytest.fail("the tree was built again"))
    second = pipeline.assemble(pipeline.prepare(table, SPARSE, cache=TokenCache(tmp_path)))
    for result in (first, second):
        assert to_csv(result) == to_csv(fresh)
        assert to_json(result) == to_json(fresh)
        assert result.notices == fresh.notices
    # Another floor is another tree: built, not read.
    with pytest.raises(pytest.fail.Exception):
        pipeline.prepare(table, SPARSE, cache=TokenCache(tmp_path), min_threshold=0.2)


def test_only_the_latest_trees_stay(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path)
    for k in range(TokenCache.TREES_KEPT + 3):
        cache.put_tree(bytes([k]), bytes([k]) * 10)
    with cache.behind():
        cache.put_tree(b"none", lambda: None)  # a function that makes nothing: nothing written
        cache.put_tree(b"made", lambda: b"by the writer")
    assert cache.get_tree(b"made") == b"by the writer" and cache.get_tree(b"none") is None
    with sqlite3.connect(tmp_path / "tokens.sqlite3") as db:
        kept = [row[0] for row in db.execute("SELECT key FROM trees ORDER BY rowid")]
    assert kept == [bytes([k]) for k in range(4, TokenCache.TREES_KEPT + 3)] + [b"made"]


def test_code_that_cannot_be_read_keeps_no_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An install whose sources are not files (a zip): the key cannot name the code, so no tree is
    kept or read, and the run is the same."""
    monkeypatch.setattr(tree_store, "_CODE", ("no_such_module.py",))
    assert tree_store.tree_key(_matrix(), 0, "average", 0.2) is None
    table = read_table(str(SAMPLE))
    cached = pipeline.assemble(pipeline.prepare(table, SPARSE, cache=TokenCache(tmp_path)))
    assert to_csv(cached) == to_csv(pipeline.assemble(pipeline.prepare(table, SPARSE)))
    with sqlite3.connect(tmp_path / "tokens.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM trees").fetchone() == (0,)


def test_a_tree_that_cannot_be_kept_is_said_once_and_the_run_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = read_table(str(SAMPLE))
    monkeypatch.setattr(tree_store, "pairs_bytes", lambda join: (_ for _ in ()).throw(MemoryError("no room")))  # in the writer thread
    prepared = pipeline.prepare(table, SPARSE, cache=TokenCache(tmp_path))
    said = [n for n in prepared.notices if n.startswith("token cache")]
    assert said == [f"token cache {tmp_path / 'tokens.sqlite3'} not written (no room)"]
    assert to_csv(pipeline.assemble(prepared)) == to_csv(pipeline.assemble(pipeline.prepare(table, SPARSE)))
