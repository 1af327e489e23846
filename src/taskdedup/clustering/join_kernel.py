"""The similarity join of clustering/sparse.py, compiled with numba.

It walks the inverted index from each row to the later rows that share a term, like a sparse
product but computing each pair once, in the same order of additions as scipy's product, so the
pairs are bit-identical to the full product. Millions of small steps cost far more as Python and
numpy calls than the arithmetic itself (docs/BENCHMARKS.md, "Scale", has the figures).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)  # nogil: blocks of rows run in parallel threads
def join_rows(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray,
    by_term_indptr: np.ndarray, by_term_rows: np.ndarray, by_term_data: np.ndarray,
    start: int, stop: int, limit: float, sums: np.ndarray, touched: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i, j > i) with rounded similarity >= limit, for rows start..stop-1.

    `sums` (zeros, one per row) and `touched` (one per row) are scratch, returned clean. Weights
    are TF-IDF, never negative, so a row's sum is zero exactly until it is first touched.
    """
    capacity = 1024
    out_i = np.empty(capacity, dtype=np.int64)
    out_j = np.empty(capacity, dtype=np.int64)
    out_v = np.empty(capacity, dtype=np.float64)
    found = 0
    near_limit = limit - 1e-8
    for i in range(start, stop):
        hits = 0
        for p in range(indptr[i], indptr[i + 1]):
            t = indices[p]
            w = data[p]
            first, last = by_term_indptr[t], by_term_indptr[t + 1]
            # rows are sorted in each posting list: skip to those after i
            k = first + np.searchsorted(by_term_rows[first:last], i, side="right")
            for q in range(k, last):
                j = by_term_rows[q]
                if sums[j] == 0.0:
                    touched[hits] = j
                    hits += 1
                sums[j] += w * by_term_data[q]
        for h in range(hits):
            j = touched[h]
            v = sums[j]
            sums[j] = 0.0
            if v < near_limit:  # rounding is the costly part; it cannot lift v to the limit
                continue
            v = round9(v)
            if v >= limit:
                if found == capacity:
                    capacity *= 2
                    out_i = _grow(out_i, capacity)
                    out_j = _grow(out_j, capacity)
                    out_v = _grow(out_v, capacity)
                out_i[found], out_j[found], out_v[found] = i, j, min(v, 1.0)
                found += 1
    return out_i[:found].copy(), out_j[:found].copy(), out_v[:found].copy()


@njit(cache=True)
def _grow(values: np.ndarray, capacity: int) -> np.ndarray:
    out = np.empty(capacity, dtype=values.dtype)
    out[: len(values)] = values
    return out


@njit(cache=True)
def round9(x: float) -> float:
    """Similarities rounded as tree.DECIMALS says, so float noise cannot reorder ties."""
    return np.round(x, 9)
