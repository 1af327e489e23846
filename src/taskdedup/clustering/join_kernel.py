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
    tail_rows: np.ndarray, tail_index: np.ndarray,
    start: int, stop: int, limit: float, sums: np.ndarray, touched: np.ndarray, later: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i, j) with rounded similarity >= limit, for rows start..stop-1 of the first three
    arrays against the rows of the inverted index (the next three): j > i only when `later` (the
    rows and the index are then one matrix), every j otherwise (two matrices: `link`'s new rows
    against the existing ones).

    tail_rows and tail_index: dense columns after the sparse ones, of the rows and of the indexed
    rows (sentence embeddings; zero columns when there are none). Every pair shares them, so each
    pair's sum is continued over them in column order, the order scipy's product adds them in,
    by add_tail instead of by walking 384 posting lists of every row (then the pairs of a row
    come in column order rather than in the order the walk met them).

    `sums` (zeros, one per indexed row) and `touched` (one more than the indexed rows) are
    scratch, returned clean. Weights are TF-IDF, never negative, so a row's sum is zero exactly until it is first touched.
    """
    capacity = 1024
    out_i = np.empty(capacity, dtype=np.int64)
    out_j = np.empty(capacity, dtype=np.int64)
    out_v = np.empty(capacity, dtype=np.float64)
    found = 0
    near_limit = limit - 1e-8
    dense = tail_rows.shape[1] > 0
    for i in range(start, stop):
        hits = 0
        for p in range(indptr[i], indptr[i + 1]):
            t = indices[p]
            w = data[p]
            first, last = by_term_indptr[t], by_term_indptr[t + 1]
            # rows are sorted in each posting list: skip to those after i
            k = first + np.searchsorted(by_term_rows[first:last], i, side="right") if later else first
            for q in range(k, last):
                # Without a branch: j is written at the end of `touched` every time, and kept (hits
                # moves past it) only at its first touch; a branch taken about half the time was
                # mispredicted often enough to cost ~10 % of the walk.
                j = by_term_rows[q]
                s = sums[j]
                touched[hits] = j
                hits += s == 0.0
                sums[j] = s + w * by_term_data[q]
        if dense:
            first = i + 1 if later else 0
            add_tail(sums, tail_rows[i], tail_index, first)
            hits = len(sums) - first
            for h in range(hits):  # every row from `first` on, in order
                touched[h] = first + h
        # Room for every pair the row may add, made before its loop: output arrays that could be
        # replaced inside it cost a reference count taken and dropped at every row it meets
        # (NRT_incref/decref, ~40 % on top of the walk).
        if found + hits > capacity:
            while found + hits > capacity:
                capacity *= 2
            out_i = _grow(out_i, capacity)
            out_j = _grow(out_j, capacity)
            out_v = _grow(out_v, capacity)
        for h in range(hits):
            j = touched[h]
            v = sums[j]
            sums[j] = 0.0
            if v < near_limit:  # rounding is the costly part; it cannot lift v to the limit
                continue
            v = round9(v)
            if v >= limit:
                out_i[found], out_j[found], out_v[found] = i, j, min(v, 1.0)
                found += 1
    return out_i[:found].copy(), out_j[:found].copy(), out_v[:found].copy()


@njit(cache=True, nogil=True)
def add_tail(sums: np.ndarray, row: np.ndarray, tail: np.ndarray, first: int) -> None:
    """sums[j] += sum over k of row[k] * tail[j, k] for j >= first, each sum continued term by
    term in k order (four independent sums at a time; no fastmath, so nothing is reordered)."""
    n, d = tail.shape
    j = first
    while j + 4 <= n:
        s0, s1, s2, s3 = sums[j], sums[j + 1], sums[j + 2], sums[j + 3]
        for k in range(d):
            a = row[k]
            s0 += a * tail[j, k]
            s1 += a * tail[j + 1, k]
            s2 += a * tail[j + 2, k]
            s3 += a * tail[j + 3, k]
        sums[j], sums[j + 1], sums[j + 2], sums[j + 3] = s0, s1, s2, s3
        j += 4
    while j < n:
        s = sums[j]
        for k in range(d):
            s += row[k] * tail[j, k]
        sums[j] = s
        j += 1


@njit(cache=True, nogil=True)
def best_per_row(owner: np.ndarray, column: np.ndarray, score: np.ndarray, top: int) -> np.ndarray:
    """Positions of at most `top` pairs per row of join_rows' output (grouped by row): highest
    score first, equal scores by lower column. A selection per row, not a sort of all pairs:
    `link` keeps three of 8.3 M pairs per new row at 85,856 titles (a lexsort took 2.4 s)."""
    keep = np.empty(len(owner), dtype=np.int64)
    kept = 0
    a = 0
    n = len(owner)
    while a < n:
        b = a
        while b < n and owner[b] == owner[a]:
            b += 1
        first = kept
        for _ in range(min(top, b - a)):
            best = -1
            for q in range(a, b):
                taken = False
                for c in range(first, kept):
                    taken = taken or keep[c] == q
                if not taken and (best < 0 or score[q] > score[best] or (score[q] == score[best] and column[q] < column[best])):
                    best = q
            keep[kept] = best
            kept += 1
        a = b
    return keep[:kept].copy()


@njit(cache=True)
def add_dense_products(sim: np.ndarray, tail: np.ndarray) -> None:
    """sim[i, j] += sum over k of tail[i, k] * tail[j, k], each sum continued term by term in k
    order, as scipy's sparse product adds a row's columns (absent entries are zeros here, and
    adding a zero product leaves a sum as it is); symmetric, from the upper triangle.
    add_tail keeps four independent sums going, each still in order: one dependent chain of
    additions per pair would wait on every addition."""
    n = len(tail)
    for i in range(n):
        add_tail(sim[i], tail[i], tail, i)
    for i in range(n):
        for j in range(i):
            sim[i, j] = sim[j, i]


@njit(cache=True)
def _grow(values: np.ndarray, capacity: int) -> np.ndarray:
    out = np.empty(capacity, dtype=values.dtype)
    out[: len(values)] = values
    return out


@njit(cache=True)
def round9(x: float) -> float:
    """Similarities rounded as tree.DECIMALS says, so float noise cannot reorder ties."""
    return np.round(x, 9)
