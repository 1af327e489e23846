"""The nearest-neighbour chain of clustering/sparse.py, compiled with numba.

sparse.py explains the algorithm; this module holds only its loop. It does millions of small
steps (a merge touches a few hundred list entries), which cost far more as Python and numpy calls
than the arithmetic itself (docs/BENCHMARKS.md, "Scale", has the figures).

The chain keeps its state in flat arrays (a typed list of arrays per cluster cost a reference
count per access, which was most of the time), so the loop can also stop after a budget of
merges, for progress reports from Python, and resume where it left off:
- Lists: the neighbours of cluster c are entries start[c] .. start[c] + length[c] - 1 of the
  pool arrays. An entry holds the neighbour d, a value (average linkage: the exact sum of
  similarities over all member pairs; complete: the smallest member-pair similarity), for
  complete linkage the number of member pairs known, and its twin: the position of c's entry
  within d's list, so that d's list is updated in place, in constant time.
- Vectors: the summed TF-IDF row of each cluster, as sorted (term, weight) runs of two more pool
  arrays, for the exact sums of pairs the join did not keep (average linkage only).
A merged cluster's list and vector are written at the end of their pool; a full pool is copied,
live runs only, into one twice their size. Lists are unordered: the choice of the best neighbour
depends only on values and keys.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from taskdedup.clustering.join_kernel import round9

AVERAGE = 0
COMPLETE = 1
# counters in `state`: pending clusters, links in the chain, merges done, used pool entries (lists,
# vectors), how many clusters of the initial stack are still below the pushed ones, and the key that
# started the current episode
PENDING, CHAIN, MERGES, LISTS_END, VECTORS_END, INITIAL, EPISODE = 0, 1, 2, 3, 4, 5, 6


@njit(cache=True, nogil=True)  # nogil here and in run_chain: another thread (the token cache's writer) may run meanwhile
def neighbour_lists(
    units: int, row: np.ndarray, col: np.ndarray, similarity: np.ndarray, counts: np.ndarray, complete: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The chain's starting lists from the join's pairs (u, v), each pair stored once as given:
    u's entry for v and v's entry for u, each the twin of the other. Returns (start, length,
    keys, values, pairs, twins), the pools with as much room again for merged clusters.

    One pass in the pairs' order, so no symmetric matrix, sort or permutation is built on the way
    (they were most of the chain's memory); lists are unordered anyway.
    """
    degree = np.zeros(units, dtype=np.int64)
    for e in range(len(row)):
        degree[row[e]] += 1
        degree[col[e]] += 1
    start = np.zeros(units, dtype=np.int64)
    total = 0
    for u in range(units):
        start[u] = total
        total += degree[u]
    size = 2 * total + 1024
    keys = np.zeros(size, dtype=np.int32)
    values = np.zeros(size)
    pairs = np.zeros(size if complete else 1)
    twins = np.zeros(size, dtype=np.int32)
    length = np.zeros(units, dtype=np.int64)
    for e in range(len(row)):
        u, v = row[e], col[e]
        at_u, at_v = start[u] + length[u], start[v] + length[v]
        both = counts[u] * counts[v]  # member pairs between the two units
        # average: the sum over all pairs of the two units' copies; complete: the smallest similarity
        value = similarity[e] if complete else similarity[e] * both
        keys[at_u], keys[at_v] = v, u
        values[at_u], values[at_v] = value, value
        if complete:
            pairs[at_u], pairs[at_v] = both, both
        twins[at_u], twins[at_v] = length[v], length[u]
        length[u] += 1
        length[v] += 1
    return start, length, keys, values, pairs, twins


@njit(cache=True, inline="always")
def _remove(
    keys: np.ndarray, values: np.ndarray, pairs: np.ndarray, twins: np.ndarray,
    start: np.ndarray, length: np.ndarray, c: int, i: int, complete: bool,
) -> None:
    """Delete entry i of c's list; the last entry takes its place and its twin learns where."""
    last = length[c] - 1
    if i != last:
        at, end = start[c] + i, start[c] + last
        moved, twin = keys[end], twins[end]
        keys[at], values[at], twins[at] = moved, values[end], twin
        if complete:
            pairs[at] = pairs[end]
        twins[start[moved] + twin] = i
    length[c] = last


@njit(cache=True, inline="always")
def _best(
    keys: np.ndarray, values: np.ndarray, start: np.ndarray, length: np.ndarray, sizes: np.ndarray,
    c: int, prefer: int, complete: bool,
) -> tuple[int, float]:
    """The most similar neighbour of c; ties go to `prefer` (the chain's previous link), then the lowest key."""
    if length[c] == 0:
        return -1, -1.0
    scale = 1.0 / sizes[c]
    best_d = -1
    best_v = -1.0
    for at in range(start[c], start[c] + length[c]):
        d = keys[at]
        v = values[at] if complete else values[at] * scale / sizes[d]
        if v > best_v or (v == best_v and best_d != prefer and (d == prefer or d < best_d)):
            best_d = d
            best_v = v
    return best_d, (best_v if complete else round9(best_v))


@njit(cache=True, inline="always")
def _dot(terms: np.ndarray, weights: np.ndarray, first: int, stop: int, dense: np.ndarray) -> float:
    total = 0.0
    for k in range(first, stop):
        total += weights[k] * dense[terms[k]]
    return total


@njit(cache=True, inline="always")
def _scatter(terms: np.ndarray, weights: np.ndarray, first: int, stop: int, dense: np.ndarray, on: bool) -> None:
    for k in range(first, stop):
        dense[terms[k]] = weights[k] if on else 0.0


@njit(cache=True)
def _add_vectors(terms: np.ndarray, weights: np.ndarray, vec_start: np.ndarray, vec_length: np.ndarray, a: int, b: int, end: int) -> int:
    """Write the sum of a's and b's vectors (sorted runs) at `end`, make it a's; returns the new end."""
    i, i_stop = vec_start[a], vec_start[a] + vec_length[a]
    j, j_stop = vec_start[b], vec_start[b] + vec_length[b]
    k = end
    while i < i_stop or j < j_stop:
        if j == j_stop or (i < i_stop and terms[i] < terms[j]):
            terms[k], weights[k] = terms[i], weights[i]
            i += 1
        elif i == i_stop or terms[j] < terms[i]:
            terms[k], weights[k] = terms[j], weights[j]
            j += 1
        else:
            terms[k], weights[k] = terms[i], weights[i] + weights[j]
            i += 1
            j += 1
        k += 1
    vec_start[a], vec_length[a] = end, k - end
    return k


@njit(cache=True)
def _merge(
    keys: np.ndarray, values: np.ndarray, pairs: np.ndarray, twins: np.ndarray, start: np.ndarray, length: np.ndarray,
    sizes: np.ndarray, terms: np.ndarray, weights: np.ndarray, vec_start: np.ndarray, vec_length: np.ndarray,
    dense: np.ndarray, slot: np.ndarray, state: np.ndarray, a: int, b: int, complete: bool, min_similarity: float,
) -> int:
    """Merge clusters a and b; the larger keeps its key, which is returned. The pools must have
    room for both lists and both vectors at their ends."""
    if sizes[b] > sizes[a]:
        a, b = b, a
    for at in range(start[b], start[b] + length[b]):  # forget the pair (a, b) itself
        if keys[at] == a:
            _remove(keys, values, pairs, twins, start, length, a, twins[at], complete)
            break
    la, lb = length[a], length[b]
    # a's list moves to the end of the pool with room for b's; positions, and so twins, stay.
    new = state[LISTS_END]
    old = start[a]
    keys[new : new + la] = keys[old : old + la]
    values[new : new + la] = values[old : old + la]
    twins[new : new + la] = twins[old : old + la]
    if complete:
        pairs[new : new + la] = pairs[old : old + la]
    start[a] = new
    state[LISTS_END] = new + la + lb
    shared = np.zeros(la + lb, dtype=np.bool_)
    for j in range(la):
        slot[keys[new + j]] = j
    count = la
    for at in range(start[b], start[b] + lb):
        d = keys[at]
        if d == a:
            continue
        j = slot[d]
        if j >= 0:  # a neighbour of both: b's entry in d's list goes
            shared[j] = True
            if complete:
                values[new + j] = min(values[new + j], values[at])
                pairs[new + j] += pairs[at]
            else:
                values[new + j] = values[at] + values[new + j]
            # _remove(d, twins[at]) written out, as in the loop below: ~30 % of the chain was
            # NRT_incref/decref of the arrays a call (even inlined) passes, at every entry.
            gone, last = twins[at], length[d] - 1
            if gone != last:
                here, end = start[d] + gone, start[d] + last
                moved, twin = keys[end], twins[end]
                keys[here], values[here], twins[here] = moved, values[end], twin
                if complete:
                    pairs[here] = pairs[end]
                twins[start[moved] + twin] = gone
            length[d] = last
        else:  # b's neighbour only: its entry for b becomes the entry for a
            position = twins[at]
            keys[start[d] + position] = a
            twins[start[d] + position] = count
            to = new + count
            keys[to], values[to], twins[to] = d, values[at], position
            if complete:
                pairs[to] = pairs[at]
            count += 1
    for j in range(la):
        slot[keys[new + j]] = -1
    length[a] = count
    length[b] = 0
    size = sizes[a] + sizes[b]
    sizes[a] = size
    if complete:
        # Stay neighbours only while every member pair is known (all >= s); drop the others.
        j = 0
        while j < length[a]:
            at = new + j
            d = keys[at]
            if shared[j] and pairs[at] == size * sizes[d]:
                there = start[d] + twins[at]
                values[there], pairs[there] = values[at], pairs[at]
                j += 1
            else:
                _remove(keys, values, pairs, twins, start, length, d, twins[at], complete)
                shared[j] = shared[length[a] - 1]
                _remove(keys, values, pairs, twins, start, length, a, j, complete)
        return a
    # A neighbour of one side only gets the exact sum with the other side from the summed rows:
    # its pairs with that side are below s, so the join did not keep them.
    for side, first, stop in ((a, la, count), (b, 0, la)):
        todo = False
        for j in range(first, stop):
            todo = todo or not shared[j]
        if not todo:
            continue
        _scatter(terms, weights, vec_start[side], vec_start[side] + vec_length[side], dense, True)
        for j in range(first, stop):
            if not shared[j]:
                d = keys[new + j]
                values[new + j] += _dot(terms, weights, vec_start[d], vec_start[d] + vec_length[d], dense)
        _scatter(terms, weights, vec_start[side], vec_start[side] + vec_length[side], dense, False)
    # A neighbour whose average with the merged cluster is below s can never merge with it (the
    # average of a merge with a third cluster lies between the two averages it joins). It leaves
    # both lists: fewer entries to scan and to sum with at every later merge. Should a third
    # cluster bring the two together again, their sum is the dot product of their summed rows, as
    # for any pair the join left out. Half the chain's time at 85,856 titles went to such entries.
    j = 0
    while j < count:
        at = new + j
        d = keys[at]
        if round9(values[at] / (size * sizes[d])) < min_similarity:
            # _remove(d, twins[at]), then _remove(a, j) (the last entry moves to j), written out
            # (see above); average linkage only, so no pairs.
            gone, last = twins[at], length[d] - 1
            if gone != last:
                here, end = start[d] + gone, start[d] + last
                moved, twin = keys[end], twins[end]
                keys[here], values[here], twins[here] = moved, values[end], twin
                twins[start[moved] + twin] = gone
            length[d] = last
            last = length[a] - 1
            if j != last:
                here, end = start[a] + j, start[a] + last
                moved, twin = keys[end], twins[end]
                keys[here], values[here], twins[here] = moved, values[end], twin
                twins[start[moved] + twin] = j
            length[a] = last
            count -= 1
        else:
            values[start[d] + twins[at]] = values[at]  # the twin's value
            j += 1
    state[VECTORS_END] = _add_vectors(terms, weights, vec_start, vec_length, a, b, state[VECTORS_END])
    return a


@njit(cache=True)
def _relocation(start: np.ndarray, length: np.ndarray, alive: np.ndarray, room: int) -> tuple[np.ndarray, int, int]:
    """Where each live run goes in a compacted pool: new starts, the new pool's size (twice the
    live entries plus `room`) and its used end."""
    moved_to = start.copy()
    end = 0
    for c in range(len(start)):
        if alive[c]:
            moved_to[c] = end
            end += length[c]
    return moved_to, 2 * (end + room) + 1024, end


@njit(cache=True)
def _relocated(pool: np.ndarray, start: np.ndarray, length: np.ndarray, alive: np.ndarray, moved_to: np.ndarray, size: int) -> np.ndarray:
    out = np.empty(size, dtype=pool.dtype)
    for c in range(len(start)):
        if alive[c]:
            out[moved_to[c] : moved_to[c] + length[c]] = pool[start[c] : start[c] + length[c]]
    return out


@njit(cache=True, nogil=True)
def run_chain(
    lists: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], start: np.ndarray, length: np.ndarray,
    vectors: tuple[np.ndarray, np.ndarray], vec_start: np.ndarray, vec_length: np.ndarray,
    sizes: np.ndarray, alive: np.ndarray, node: np.ndarray, pending: np.ndarray, chain: np.ndarray, state: np.ndarray,
    merged: np.ndarray, distances: np.ndarray, episodes: np.ndarray, dense: np.ndarray, slot: np.ndarray,
    min_similarity: float, linkage: int, first_node: int, budget: int,
) -> tuple[bool, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Follow the chain until `budget` more merges are done or nothing can merge.

    lists = (keys, values, pairs, twins), vectors = (terms, weights): the pools, which a merge
    may replace by larger ones. Returns (finished, lists, vectors). Merge k joins tree nodes
    merged[k] and gets node id first_node + k.

    An episode starts when a cluster of the initial pending stack is taken (lowest key first) and
    lasts until the stack is back to those: every cluster it pushes is of the same connected
    component, so it never leaves that component. episodes[k] is the key that started merge k's
    episode: the merges of several components run apart, put in order of (episode, merge), are
    this run's merges (clustering/components.py).
    """
    complete = linkage == COMPLETE
    keys, values, pairs, twins = lists
    terms, weights = vectors
    stop_at = state[MERGES] + budget
    while state[CHAIN] > 0 or state[PENDING] > 0:
        if state[MERGES] >= stop_at:
            return False, (keys, values, pairs, twins), (terms, weights)
        if state[CHAIN] == 0:
            state[PENDING] -= 1
            first = pending[state[PENDING]]
            if state[PENDING] < state[INITIAL]:  # from the initial stack, not pushed by a merge
                state[INITIAL] = state[PENDING]
                state[EPISODE] = first
            if not alive[first]:
                continue  # merged away since
            chain[0] = first
            state[CHAIN] = 1
        c = chain[state[CHAIN] - 1]
        prefer = chain[state[CHAIN] - 2] if state[CHAIN] > 1 else -1
        d, value = _best(keys, values, start, length, sizes, c, prefer, complete)
        if d < 0 or value < min_similarity:
            # Only at the chain's start. c can never merge again: whatever its neighbours become,
            # their similarity to c is an average (or minimum) of values already below s.
            state[CHAIN] -= 1
            for at in range(start[c], start[c] + length[c]):
                _remove(keys, values, pairs, twins, start, length, keys[at], twins[at], complete)
            length[c] = 0
            alive[c] = False
            continue
        if d == prefer:
            state[CHAIN] -= 2
            room = length[c] + length[d]
            if state[LISTS_END] + room > len(keys):
                moved_to, size, state[LISTS_END] = _relocation(start, length, alive, room)
                keys = _relocated(keys, start, length, alive, moved_to, size)
                values = _relocated(values, start, length, alive, moved_to, size)
                twins = _relocated(twins, start, length, alive, moved_to, size)
                if complete:
                    pairs = _relocated(pairs, start, length, alive, moved_to, size)
                start[:] = moved_to
            room = vec_length[c] + vec_length[d]
            if not complete and state[VECTORS_END] + room > len(terms):
                moved_to, size, state[VECTORS_END] = _relocation(vec_start, vec_length, alive, room)
                terms = _relocated(terms, vec_start, vec_length, alive, moved_to, size)
                weights = _relocated(weights, vec_start, vec_length, alive, moved_to, size)
                vec_start[:] = moved_to
            kept = _merge(
                keys, values, pairs, twins, start, length, sizes, terms, weights, vec_start, vec_length,
                dense, slot, state, c, d, complete, min_similarity,
            )
            alive[d if kept == c else c] = False
            k = state[MERGES]
            merged[k, 0], merged[k, 1] = node[c], node[d]
            distances[k] = round9(1.0 - value)
            episodes[k] = state[EPISODE]
            node[kept] = first_node + k
            state[MERGES] = k + 1
            pending[state[PENDING]] = kept
            state[PENDING] += 1
        else:
            chain[state[CHAIN]] = d
            state[CHAIN] += 1
    return True, (keys, values, pairs, twins), (terms, weights)
