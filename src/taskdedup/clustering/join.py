"""The similarity join: every pair of rows at or above a similarity, found without the n x n
matrix, as the sparse tree needs them (sparse.py says why those pairs suffice).

Identical rows are one unit (Join), so the pairs are kept between units: memory grows with the
distinct texts, not their copies. Each row walks the inverted index (term -> rows) to the later
rows sharing a term, in the compiled loop of join_kernel.py; blocks of rows run in threads, or on
an engine's workers (engines/), and are read back in block order, so the pairs do not depend on
where they ran. review/links.py walks the same index for `taskdedup link`.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol, TypeVar

import numpy as np
import scipy.sparse as sp

from taskdedup.clustering.tree import DECIMALS, row_units, split_dense

Progress = Callable[[str, int, int], None]
T = TypeVar("T")
CHUNK_ROWS = 1024  # rows per block of the join: small enough to share out over threads evenly


def _noop(stage: str, done: int, total: int) -> None:
    pass


JoinArrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
Pairs = tuple[np.ndarray, np.ndarray, np.ndarray]


def join_arrays(matrix: sp.csr_matrix, dense_columns: int = 0) -> JoinArrays:
    """The rows (sorted: scipy's order of additions, so the same rounding as its product) and the
    inverted index (term -> rows) that the join walks, and the last `dense_columns` columns
    (sentence embeddings, which every row holds) as a dense array that it does not walk: the
    seven arrays of join_block."""
    matrix = sp.csr_matrix(matrix)
    if not matrix.has_sorted_indices:
        matrix = matrix.sorted_indices()
    matrix, tail = split_dense(matrix, dense_columns)
    by_term = matrix.T.tocsr().sorted_indices()
    return matrix.indptr, matrix.indices, matrix.data, by_term.indptr, by_term.indices, by_term.data, tail


def join_block(arrays: JoinArrays, start: int, limit: float, sums: np.ndarray, touched: np.ndarray) -> Pairs:
    """The pairs (i, j > i, similarity) of rows start .. start + CHUNK_ROWS - 1, in the kernel's order."""
    from taskdedup.clustering import join_kernel

    *sparse, tail = arrays
    n = len(sparse[0]) - 1
    return join_kernel.join_rows(*sparse, tail, tail, start, min(n, start + CHUNK_ROWS), limit, sums, touched, True)


def join_scratch(indexed: int) -> tuple[np.ndarray, np.ndarray]:
    """Zeroed (sums, touched) for join_kernel.join_rows over an index of `indexed` rows."""
    return np.zeros(indexed), np.zeros(indexed + 1, dtype=np.int64)


def blocks_in_threads(rows: int, indexed: int, jobs: int, step: int, block: Callable[[int, np.ndarray, np.ndarray], T]) -> Iterator[T]:
    """block(start, sums, touched) for the rows start .. start + step - 1 of `rows`, every block in
    order, computed in `jobs` threads (the join kernel lets go of the GIL). Each thread's scratch
    (sums, one per row of the index walked, and touched, one more: the kernel writes each row it
    meets one past those it kept so far) goes from block to block: the kernel returns it clean."""
    scratch: queue.SimpleQueue[tuple[np.ndarray, np.ndarray]] = queue.SimpleQueue()
    for _ in range(max(1, jobs)):
        scratch.put(join_scratch(indexed))

    def run(start: int) -> T:
        sums, touched = scratch.get()
        try:
            return block(start, sums, touched)
        finally:
            scratch.put((sums, touched))

    with ThreadPoolExecutor(max(1, jobs)) as pool:
        yield from pool.map(run, range(0, rows, step))


def join_blocks_local(arrays: JoinArrays, limit: float, jobs: int, report: Callable[[int], None]) -> list[Pairs]:
    """Every block's pairs, in block order, computed in `jobs` threads."""
    n = len(arrays[0]) - 1
    parts: list[Pairs] = []
    for part in blocks_in_threads(n, n, jobs, CHUNK_ROWS, lambda start, sums, touched: join_block(arrays, start, limit, sums, touched)):
        parts.append(part)
        report(min(n, len(parts) * CHUNK_ROWS))
    return parts


class PairSet(Protocol):
    """The join's pairs (unit u < v, their rounded similarity) as parts in block order: held in
    this process (LocalPairs) or left on a cluster's workers (engines/dask_cluster.py). Whatever
    reads them maps a function over the parts, so they never need to be in one process."""

    def map(self, fn: Callable[..., Any], *args: Any) -> list[Any]:
        """fn(part, *args) for every part, in part order."""
        ...

    def arrays(self) -> Pairs:
        """All the pairs here, in part order (single linkage's sort needs them together)."""
        ...


@dataclass(frozen=True)
class LocalPairs:
    parts: list[Pairs]

    @staticmethod
    def joined(parts: list[Pairs]) -> LocalPairs:
        """The blocks as one part: what a local run keeps (the chain takes all pairs at once)."""
        row = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        col = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        val = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0)
        return LocalPairs([(row, col, val)])

    def map(self, fn: Callable[..., Any], *args: Any) -> list[Any]:
        return [fn(part, *args) for part in self.parts]

    def arrays(self) -> Pairs:
        return self.parts[0] if len(self.parts) == 1 else LocalPairs.joined(self.parts).parts[0]


def similarity_join(
    matrix: sp.csr_matrix, min_similarity: float, progress: Progress = _noop, jobs: int = 1, engine: Any = None, dense_columns: int = 0,
) -> PairSet:
    """All pairs i < j with rounded cosine similarity >= min_similarity.

    Each row walks the inverted index (term -> rows) to the later rows sharing a term, so memory
    is the output plus one row of sums per thread; the cost is the sum over terms of df^2 / 2, so
    very common terms (which the boilerplate list removes) dominate it. Blocks of rows run in
    `jobs` threads (the compiled loop releases the GIL) and are joined in block order, so the
    result does not depend on `jobs`; an `engine` (engines/) may compute the blocks elsewhere and
    keep them there. The last `dense_columns` columns (sentence embeddings) are added to every
    pair by a dense loop instead (join_kernel.join_rows); the same sums to the bit.
    """
    n = matrix.shape[0]
    arrays = join_arrays(matrix, dense_columns)
    limit = round(min_similarity, DECIMALS)
    progress("similarity", 0, n)
    report = lambda done: progress("similarity", done, n)  # noqa: E731
    pairs = engine.join_blocks(arrays, limit, report) if engine is not None else LocalPairs.joined(join_blocks_local(arrays, limit, jobs, report))
    progress("similarity", n, n)
    return pairs


def part_size(part: Pairs) -> int:
    return len(part[0])


def part_across(part: Pairs, sizes: np.ndarray) -> int:
    """Row pairs across the units of one part's pairs."""
    return int((sizes[part[0]] * sizes[part[1]]).sum())


@dataclass(frozen=True)
class Join:
    """The similar pairs a sparse tree was built from. Identical rows form one unit, so the pairs
    are kept between units: memory grows with the distinct texts, not with their copies. Units are
    numbered in the order of their first rows; unit u's rows are by_unit[starts[u] : starts[u + 1]]
    (ascending). Arrays, not a list per unit: a million rows are 447,199 units."""

    pairs: PairSet  # unit pairs u < v with their similarity (>= the join's threshold)
    unit_of: np.ndarray  # each row's unit
    by_unit: np.ndarray  # the rows, unit by unit
    starts: np.ndarray  # where each unit's rows start in by_unit, and the end

    @staticmethod
    def units_of(matrix: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(unit_of, by_unit, starts) of the rows with identical vectors."""
        unit_of = row_units(matrix, np.arange(matrix.shape[0]))
        by_unit = np.argsort(unit_of, kind="stable")
        starts = np.concatenate(([0], np.cumsum(np.bincount(unit_of)))).astype(np.int64) if len(unit_of) else np.zeros(1, dtype=np.int64)
        return unit_of, by_unit, starts

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(self.starts)

    @property
    def firsts(self) -> np.ndarray:
        return self.by_unit[self.starts[:-1]]

    def rows_of(self, unit: int) -> list[int]:
        return self.by_unit[self.starts[unit] : self.starts[unit + 1]].tolist()

    def unit_pairs(self) -> int:
        return sum(self.pairs.map(part_size))

    def row_pairs(self) -> int:
        """Similar pairs of rows: across units, and between the copies inside one."""
        sizes = self.sizes
        return sum(self.pairs.map(part_across, sizes)) + int((sizes * (sizes - 1) // 2).sum())

    @cached_property
    def component(self) -> np.ndarray:
        """Each unit's connected component in the pairs (from each part's spanning forest)."""
        from taskdedup.clustering.components import components, part_forest

        return components(self.pairs.map(part_forest), len(self.starts) - 1)
