"""A sparse run's join and merge tree as bytes, for the token cache to keep.

The join and the chain are most of a second run over the same input (85,856 titles: ~0.55 s and
~0.85 s, and ~0.4 s of loading their compiled code), and they are a pure function of the rows'
vectors, the linkage and the lowest threshold. The cache keeps them under a key made of exactly
those, and of the source of the code that computes them, so a stored tree is the tree this code
would build: re-running with another output, another threshold above the lowest, or earlier
decisions reads them back (~0.1 s) instead.

Three entries per tree (KeptTree): the pairs, written by the cache's thread while the chain runs,
the tree with the join's units, written after it, and a hint under the input texts' key that a
tree was kept for them (`kept_for`: such a run loads no kernels ahead). A missing or unreadable
entry is a miss.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from taskdedup.clustering.join import Join, LocalPairs
from taskdedup.clustering.tree import MergeTree

if TYPE_CHECKING:
    from taskdedup.text.token_cache import TokenCache

FORMAT = 1  # bump when what is stored changes
MAX_PAIRS = 4_000_000  # ~64 MB of pairs; larger joins are not kept (1,000,000 rows: ~20 M pairs)
_PAIRS, _TREE, _HINT = b"p", b"t", b"h"  # the entries' key suffixes
# What builds what is kept: the join, the chain, the units, the components, this module.
_CODE = ("sparse.py", "join.py", "join_kernel.py", "chain_kernel.py", "tree.py", "components.py", "components_kernel.py", "connected.py", "tree_store.py")


def tree_key(matrix: sp.csr_matrix, dense_columns: int, linkage: str, min_similarity: float) -> bytes | None:
    """BLAKE2b-128 of what the tree depends on: the vectors (their CSR arrays and shape), the
    linkage, the lowest similarity and the code that builds it (read, not imported: importing
    the kernels loads numba). None when that code cannot be read (then nothing is kept)."""
    digest = hashlib.blake2b(f"tree|{FORMAT}|{linkage}|{min_similarity!r}|{dense_columns}|{matrix.shape}".encode(), digest_size=16)
    folder = Path(__file__).parent
    try:
        for name in _CODE:
            digest.update((folder / name).read_bytes())
    except OSError:
        return None
    for array in (matrix.indptr, matrix.indices, matrix.data):
        digest.update(array.dtype.str.encode())
        digest.update(np.ascontiguousarray(array).data)
    return digest.digest()


def _packed(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _unpacked(blob: bytes) -> dict[str, np.ndarray] | None:
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as stored:
            return {name: stored[name] for name in stored.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return None


def small_enough(join: Join) -> bool:
    """Whether a join's pairs are few enough to keep (MAX_PAIRS)."""
    return join.unit_pairs() <= MAX_PAIRS


def pairs_bytes(join: Join) -> bytes | None:
    """The join's pairs, or None when there are more than MAX_PAIRS."""
    if not small_enough(join):
        return None
    row, col, similarity = join.pairs.arrays()
    # Unit numbers fit 32 bits: 16 bytes a pair on disk instead of 24; read back as they were.
    return _packed(row=row.astype(np.int32), col=col.astype(np.int32), similarity=similarity, dtype=np.array([row.dtype.str]))


def tree_bytes(tree: MergeTree, join: Join) -> bytes:
    """The tree, the join's units and their connected components."""
    return _packed(n=np.array([tree.n]), children=tree.children, distances=tree.distances, unit_of=join.unit_of, by_unit=join.by_unit,
                   starts=join.starts, component=join.component)


def restored(pairs: bytes | None, tree: bytes | None) -> tuple[MergeTree, Join] | None:
    """The tree and join stored by pairs_bytes and tree_bytes; None when either is missing or unreadable."""
    p, t = _unpacked(pairs or b""), _unpacked(tree or b"")
    if p is None or t is None or {"row", "col", "similarity", "dtype"} - set(p) or {"n", "children", "distances", "unit_of", "by_unit", "starts", "component"} - set(t):
        return None
    kind = np.dtype(str(p["dtype"][0]))
    join = Join(LocalPairs([(p["row"].astype(kind), p["col"].astype(kind), p["similarity"])]), t["unit_of"], t["by_unit"], t["starts"])
    join.__dict__["component"] = t["component"]  # what Join.component would compute (numba's union-find): the cached_property's slot
    return MergeTree(n=int(t["n"][0]), children=t["children"], distances=t["distances"]), join


def kept_for(cache: TokenCache, texts_key: bytes) -> bool:
    """Whether a run over the input texts of this key (tokens.input_key) left its tree in the cache."""
    return cache.get_tree(texts_key + _HINT) is not None


@dataclass(frozen=True)
class KeptTree:
    """One tree's entries in the token cache."""

    cache: TokenCache
    key: bytes

    @staticmethod
    def of(cache: TokenCache, matrix: sp.csr_matrix, dense_columns: int, linkage: str, min_similarity: float) -> KeptTree | None:
        key = tree_key(matrix, dense_columns, linkage, min_similarity)
        return None if key is None else KeptTree(cache, key)

    def read(self) -> tuple[MergeTree, Join] | None:
        return restored(self.cache.get_tree(self.key + _PAIRS), self.cache.get_tree(self.key + _TREE))

    def keep_pairs(self, join: Join) -> None:
        """For sparse_tree's on_join: packed and written by the cache's thread while the chain runs
        (it lets go of the GIL)."""
        with self.cache.behind():
            self.cache.put_tree(self.key + _PAIRS, lambda: pairs_bytes(join))

    def keep(self, tree: MergeTree, join: Join, texts_key: bytes | None) -> None:
        """The tree after its pairs (a tree entry means both are there), then the texts' hint."""
        if small_enough(join):
            self.cache.put_tree(self.key + _TREE, tree_bytes(tree, join))
            if texts_key is not None:
                self.cache.put_tree(texts_key + _HINT, b"1")
