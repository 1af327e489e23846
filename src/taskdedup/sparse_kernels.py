"""The inner loops of sparse_cluster.py, compiled with numba: the similarity join and the
nearest-neighbour chain.

sparse_cluster.py explains the algorithms; this module holds only their loops. Both do millions
of small steps (a merge touches a few hundred list entries), which cost far more as Python and
numpy calls than the arithmetic itself (docs/BENCHMARKS.md, "Scale", has the figures).

The join walks the inverted index from each row to the later rows that share a term, like a
sparse product but computing each pair once, in the same order of additions as scipy's product.

The chain's state lives in arrays owned by the caller, so the loop can stop after a budget of merges (to
report progress from Python) and resume where it left off:
- neighbours of cluster c: keys[c][:length[c]] with a value each (average: the exact sum of
  similarities over all member pairs; complete: the smallest member-pair similarity) and, for
  complete linkage, how many member pairs are known (pairs[c]);
- the summed TF-IDF row of each cluster as sorted (term, weight) arrays, for the exact sums of
  pairs the similarity join did not keep (average linkage only).
Lists are unordered: best() depends only on values and keys, so order never changes a result.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.typed import List

AVERAGE = 0
COMPLETE = 1
# counters in `state`: how many pending clusters, links in the chain, merges done
PENDING, CHAIN, MERGES = 0, 1, 2


@njit(cache=True)
def split_rows(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray) -> tuple[List, List]:
    """CSR arrays -> one (indices, values) pair of arrays per row, which merges can replace."""
    keys = List.empty_list(types.int64[::1])
    values = List.empty_list(types.float64[::1])
    for row in range(len(indptr) - 1):
        start, stop = indptr[row], indptr[row + 1]
        keys.append(indices[start:stop].astype(np.int64))
        values.append(data[start:stop].astype(np.float64))
    return keys, values


@njit(cache=True)
def join_rows(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray,
    by_term_indptr: np.ndarray, by_term_rows: np.ndarray, by_term_data: np.ndarray,
    start: int, stop: int, limit: float, sums: np.ndarray, touched: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i, j > i) with rounded similarity >= limit, for rows start..stop-1.

    `sums` (zeros, one per row) and `touched` (one per row) are scratch, returned clean.
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
            v = _round(v)
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
def _round(x: float) -> float:
    return np.round(x, 9)  # cluster.DECIMALS


@njit(cache=True)
def _find(keys: np.ndarray, length: int, key: int) -> int:
    for i in range(length):
        if keys[i] == key:
            return i
    return -1


@njit(cache=True)
def _remove(keys: List, values: List, pairs: List, length: np.ndarray, c: int, key: int, complete: bool) -> None:
    """Delete `key` from c's neighbours (the last entry takes its place)."""
    i = _find(keys[c], length[c], key)
    if i < 0:
        return
    last = length[c] - 1
    keys[c][i] = keys[c][last]
    values[c][i] = values[c][last]
    if complete:
        pairs[c][i] = pairs[c][last]
    length[c] = last


@njit(cache=True)
def _best(keys: List, values: List, length: np.ndarray, sizes: np.ndarray, c: int, prefer: int, complete: bool) -> tuple[int, float]:
    """The most similar neighbour of c; ties go to `prefer` (the chain's previous link), then the lowest key."""
    if length[c] == 0:
        return -1, -1.0
    ks, vs = keys[c], values[c]
    scale = 1.0 / sizes[c]
    best_d = -1
    best_v = -1.0
    for i in range(length[c]):
        d = ks[i]
        v = vs[i] if complete else vs[i] * scale / sizes[d]
        if v > best_v or (v == best_v and best_d != prefer and (d == prefer or d < best_d)):
            best_d = d
            best_v = v
    return best_d, (best_v if complete else _round(best_v))


@njit(cache=True)
def _dot(terms: np.ndarray, weights: np.ndarray, dense: np.ndarray) -> float:
    total = 0.0
    for i in range(len(terms)):
        total += weights[i] * dense[terms[i]]
    return total


@njit(cache=True)
def _add_vectors(ta: np.ndarray, wa: np.ndarray, tb: np.ndarray, wb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum of two sparse vectors given as sorted (terms, weights)."""
    terms = np.empty(len(ta) + len(tb), dtype=np.int64)
    weights = np.empty(len(ta) + len(tb), dtype=np.float64)
    i = j = k = 0
    while i < len(ta) or j < len(tb):
        if j == len(tb) or (i < len(ta) and ta[i] < tb[j]):
            terms[k], weights[k] = ta[i], wa[i]
            i += 1
        elif i == len(ta) or tb[j] < ta[i]:
            terms[k], weights[k] = tb[j], wb[j]
            j += 1
        else:
            terms[k], weights[k] = ta[i], wa[i] + wb[j]
            i += 1
            j += 1
        k += 1
    return terms[:k].copy(), weights[:k].copy()


@njit(cache=True)
def _merge(
    keys: List, values: List, pairs: List, length: np.ndarray, sizes: np.ndarray,
    terms: List, weights: List, dense: np.ndarray, slot: np.ndarray, a: int, b: int, complete: bool,
) -> int:
    """Merge clusters a and b; the larger keeps its key, which is returned."""
    if sizes[b] > sizes[a]:
        a, b = b, a
    ka, va, pa, la = keys[a], values[a], pairs[a], length[a]
    kb, vb, pb, lb = keys[b], values[b], pairs[b], length[b]
    new_k = np.empty(la + lb, dtype=np.int64)
    new_v = np.empty(la + lb, dtype=np.float64)
    new_p = np.empty(la + lb if complete else 0, dtype=np.float64)
    shared = np.zeros(la + lb, dtype=np.bool_)
    count = 0
    for i in range(la):
        d = ka[i]
        if d != b:
            slot[d] = count
            new_k[count] = d
            new_v[count] = va[i]
            if complete:
                new_p[count] = pa[i]
            count += 1
    only_a = count
    for i in range(lb):
        d = kb[i]
        if d == a:
            continue
        j = slot[d]
        if j >= 0:  # a neighbour of both
            shared[j] = True
            if complete:
                new_v[j] = min(new_v[j], vb[i])
                new_p[j] += pb[i]
            else:
                new_v[j] = vb[i] + new_v[j]
        else:
            new_k[count] = d
            new_v[count] = vb[i]
            if complete:
                new_p[count] = pb[i]
            count += 1
    size = sizes[a] + sizes[b]
    if complete:
        # Stay neighbours only while every member pair is known (all >= s); drop the others.
        kept = 0
        for j in range(count):
            d = new_k[j]
            slot[d] = -1
            full = shared[j] and new_p[j] == size * sizes[d]
            if full:
                new_k[kept], new_v[kept], new_p[kept] = d, new_v[j], new_p[j]
                kept += 1
                ia = _find(keys[d], length[d], a)
                values[d][ia] = new_v[j]
                pairs[d][ia] = new_p[j]
                _remove(keys, values, pairs, length, d, b, complete)
            else:
                _remove(keys, values, pairs, length, d, a, complete)
                _remove(keys, values, pairs, length, d, b, complete)
        count = kept
    else:
        # A neighbour of one side only gets the exact sum with the other side from the summed
        # rows: its pairs with that side are below s, so the join did not keep them.
        if count > only_a:
            dense[terms[a]] = weights[a]
            for j in range(only_a, count):
                new_v[j] = new_v[j] + _dot(terms[new_k[j]], weights[new_k[j]], dense)
            dense[terms[a]] = 0.0
        if not shared[:only_a].all():
            dense[terms[b]] = weights[b]
            for j in range(only_a):
                if not shared[j]:
                    new_v[j] = new_v[j] + _dot(terms[new_k[j]], weights[new_k[j]], dense)
            dense[terms[b]] = 0.0
        for j in range(count):
            d = new_k[j]
            slot[d] = -1
            if j < only_a:
                values[d][_find(keys[d], length[d], a)] = new_v[j]
                if shared[j]:
                    _remove(keys, values, pairs, length, d, b, complete)
            else:
                ib = _find(keys[d], length[d], b)
                keys[d][ib] = a
                values[d][ib] = new_v[j]
        terms[a], weights[a] = _add_vectors(terms[a], weights[a], terms[b], weights[b])
    keys[a], values[a], length[a] = new_k, new_v, count
    if complete:
        pairs[a] = new_p
    length[b] = 0
    sizes[a] = size
    return a


@njit(cache=True)
def run_chain(
    keys: List, values: List, pairs: List, length: np.ndarray, sizes: np.ndarray,
    terms: List, weights: List, alive: np.ndarray, node: np.ndarray,
    pending: np.ndarray, chain: np.ndarray, state: np.ndarray,
    merged: np.ndarray, distances: np.ndarray, dense: np.ndarray, slot: np.ndarray,
    min_similarity: float, linkage: int, first_node: int, budget: int,
) -> bool:
    """Follow the chain until `budget` more merges are done (False) or nothing can merge (True).

    Merge k joins tree nodes merged[k] and gets node id first_node + k.
    """
    complete = linkage == COMPLETE
    stop_at = state[MERGES] + budget
    while state[CHAIN] > 0 or state[PENDING] > 0:
        if state[MERGES] >= stop_at:
            return False
        if state[CHAIN] == 0:
            state[PENDING] -= 1
            start = pending[state[PENDING]]
            if not alive[start]:
                continue  # merged away since
            chain[0] = start
            state[CHAIN] = 1
        c = chain[state[CHAIN] - 1]
        prefer = chain[state[CHAIN] - 2] if state[CHAIN] > 1 else -1
        d, value = _best(keys, values, length, sizes, c, prefer, complete)
        if d < 0 or value < min_similarity:
            # Only at the chain's start. c can never merge again: whatever its neighbours become,
            # their similarity to c is an average (or minimum) of values already below s.
            state[CHAIN] -= 1
            for i in range(length[c]):
                _remove(keys, values, pairs, length, keys[c][i], c, complete)
            length[c] = 0
            alive[c] = False
            continue
        if d == prefer:
            state[CHAIN] -= 2
            kept = _merge(keys, values, pairs, length, sizes, terms, weights, dense, slot, c, d, complete)
            gone = d if kept == c else c
            alive[gone] = False
            k = state[MERGES]
            merged[k, 0], merged[k, 1] = node[c], node[d]
            distances[k] = _round(1.0 - value)
            node[kept] = first_node + k
            state[MERGES] = k + 1
            pending[state[PENDING]] = kept
            state[PENDING] += 1
        else:
            chain[state[CHAIN]] = d
            state[CHAIN] += 1
    return True
