import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from taskdedup.clustering.tree import MergeTree, build_tree, cluster_labels, row_units, similarity_matrix


def sim(*rows: list[float]) -> np.ndarray:
    return np.array(rows, dtype=float)


# Two tight pairs (0,1) and (2,3), weakly linked to each other; 4 stands alone.
S = sim(
    [1.0, 0.9, 0.3, 0.2, 0.0],
    [0.9, 1.0, 0.2, 0.3, 0.0],
    [0.3, 0.2, 1.0, 0.8, 0.0],
    [0.2, 0.3, 0.8, 1.0, 0.1],
    [0.0, 0.0, 0.0, 0.1, 1.0],
)


def test_threshold_separates_the_tight_pairs() -> None:
    assert cluster_labels(S, 0.5, "average").tolist() == [0, 0, 1, 1, 2]


def test_low_threshold_joins_the_pairs_under_average_linkage() -> None:
    # average similarity between {0,1} and {2,3} is (0.3+0.2+0.2+0.3)/4 = 0.25
    assert cluster_labels(S, 0.25, "average").tolist() == [0, 0, 0, 0, 1]
    assert cluster_labels(S, 0.26, "average").tolist() == [0, 0, 1, 1, 2]


def test_linkages_differ_as_defined() -> None:
    # single: max pair 0.3 joins at 0.3; complete: min pair 0.2 needs 0.2
    assert cluster_labels(S, 0.3, "single").tolist() == [0, 0, 0, 0, 1]
    assert cluster_labels(S, 0.3, "complete").tolist() == [0, 0, 1, 1, 2]
    assert cluster_labels(S, 0.2, "complete").tolist() == [0, 0, 0, 0, 1]


def test_identical_items_merge_even_at_threshold_one() -> None:
    s = sim([1.0, 1.0, 0.5], [1.0, 1.0, 0.5], [0.5, 0.5, 1.0])
    assert cluster_labels(s, 1.0, "average").tolist() == [0, 0, 1]


def test_one_and_two_items() -> None:
    assert cluster_labels(sim([1.0]), 0.5, "average").tolist() == [0]
    assert cluster_labels(sim([1.0, 0.6], [0.6, 1.0]), 0.6, "average").tolist() == [0, 0]
    assert cluster_labels(sim([1.0, 0.6], [0.6, 1.0]), 0.61, "average").tolist() == [0, 1]


def test_one_tree_cut_at_many_thresholds_matches_fresh_clustering() -> None:
    tree = build_tree(S, "average")
    for t in (0.1, 0.25, 0.5, 0.85, 0.95):
        assert tree.cut(t).tolist() == cluster_labels(S, t, "average").tolist()


def test_similarity_matrix_of_normalised_rows() -> None:
    x = sp.csr_matrix(np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 0.0]]))
    s = similarity_matrix(x)
    assert s.tolist() == [[1.0, 0.6, 0.0], [0.6, 1.0, 0.0], [0.0, 0.0, 1.0]]


@st.composite
def similarity_matrices(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(2, 12))
    vectors = draw(st.lists(st.lists(st.sampled_from([0.0, 0.0, 1.0, 2.0]), min_size=4, max_size=4), min_size=n, max_size=n))
    x = np.array(vectors) + 1e-3  # no empty rows
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return similarity_matrix(sp.csr_matrix(x))


@settings(max_examples=60, deadline=None)
@given(similarity_matrices(), st.floats(0.05, 1.0), st.sampled_from(["average", "complete", "single"]))
def test_every_pair_in_a_cluster_is_reachable_above_the_threshold(s: np.ndarray, t: float, linkage: str) -> None:
    """Each cluster lies inside one connected component of the 'similarity >= t' graph."""
    labels = cluster_labels(s, t, linkage)  # type: ignore[arg-type]
    from scipy.sparse.csgraph import connected_components

    _, components = connected_components(sp.csr_matrix(s >= round(t, 9) - 1e-12), directed=False)
    for label in set(labels.tolist()):
        assert len({components[i] for i in np.flatnonzero(labels == label)}) == 1
    if linkage == "complete":  # every pair within a complete-linkage cluster clears the threshold
        for label in set(labels.tolist()):
            idx = np.flatnonzero(labels == label)
            assert s[np.ix_(idx, idx)].min() >= round(t, 9) - 1e-9


@pytest.mark.parametrize("linkage", ["average", "complete", "single"])
def test_labels_are_numbered_by_first_member(linkage: str) -> None:
    labels = cluster_labels(S, 0.5, linkage)  # type: ignore[arg-type]
    seen: list[int] = []
    for label in labels.tolist():
        if label not in seen:
            seen.append(label)
    assert seen == list(range(len(seen)))


@pytest.mark.parametrize("linkage", ["average", "complete", "single"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_tree_is_scikit_learns_agglomerative_tree(linkage: str, seed: int) -> None:
    """build_tree calls SciPy directly; it must give exactly what AgglomerativeClustering gives,
    ties included (repeated rows and repeated similarities)."""
    from sklearn.cluster import AgglomerativeClustering

    rng = np.random.default_rng(seed)
    points = rng.random((40, 6))
    points[10:15] = points[3]  # copies: ties at distance 0
    points = points / np.linalg.norm(points, axis=1, keepdims=True)
    similarity = np.clip(np.round(points @ points.T, 2), 0.0, 1.0)  # coarse: many equal distances
    np.fill_diagonal(similarity, 1.0)
    ours = build_tree(similarity, linkage)  # type: ignore[arg-type]
    model = AgglomerativeClustering(
        n_clusters=None, distance_threshold=0.0, metric="precomputed", linkage=linkage, compute_full_tree=True, compute_distances=True
    ).fit(np.round(1.0 - similarity, 9))
    assert np.array_equal(ours.children, model.children_)
    assert np.array_equal(ours.distances, np.round(model.distances_, 9))


def walk_cut(tree: MergeTree, threshold: float) -> list[int]:
    """The cut as a walk up the tree from every leaf: what MergeTree.cut computes in one pass."""
    limit = round(1.0 - threshold, 9)
    parent = list(range(tree.n + len(tree.children)))
    for i, ((a, b), dist) in enumerate(zip(tree.children.tolist(), tree.distances.tolist(), strict=True)):
        if dist <= limit:
            parent[a] = parent[b] = tree.n + i
    labels: dict[int, int] = {}
    out = []
    for leaf in range(tree.n):
        node = leaf
        while parent[node] != node:
            node = parent[node]
        out.append(labels.setdefault(node, len(labels)))
    return out


@settings(max_examples=80, deadline=None)
@given(st.integers(2, 30), st.integers(0, 10**6), st.data())
def test_cut_is_the_walk_up_the_tree_also_for_a_forest(n: int, seed: int, data: st.DataObject) -> None:
    from scipy.cluster.hierarchy import linkage

    full = linkage(np.random.default_rng(seed).random((n, 3)), "average")
    merges = data.draw(st.integers(0, n - 1))  # a forest: the tree built only down to some similarity
    tree = MergeTree(n, full[:merges, :2].astype(np.int64), np.round(full[:merges, 2], 9))
    for threshold in (0.0, 0.4, 0.7, 1.0):
        assert tree.cut(threshold).tolist() == walk_cut(tree, threshold)


def _units_one_by_one(matrix: sp.csr_matrix, rows: list[int]) -> list[int]:
    """row_units' definition, row by row: equal vectors share an id, an empty one is alone."""
    seen: list[tuple[tuple[int, ...], tuple[float, ...]]] = []
    ids: dict[int, int] = {}
    out: list[int] = []
    fresh = 0
    for row in rows:
        vector = matrix.getrow(row)
        key = (tuple(vector.indices.tolist()), tuple(vector.data.tolist()))
        if vector.nnz and key in seen:
            out.append(ids[seen.index(key)])
            continue
        seen.append(key)
        ids[len(seen) - 1] = fresh
        out.append(fresh)
        fresh += 1
    return out


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 12), st.integers(0, 2**32 - 1), st.data())
def test_row_units_groups_equal_vectors_in_order_of_first_appearance(n: int, seed: int, data: st.DataObject) -> None:
    rng = np.random.default_rng(seed)
    # Few distinct values and columns, so equal rows (and empty ones) are common.
    dense = rng.choice([0.0, 0.0, 0.5, 1.0], size=(n, 3))
    matrix = sp.csr_matrix(dense)
    rows = data.draw(st.lists(st.integers(0, n - 1), max_size=20))
    assert row_units(matrix, rows).tolist() == _units_one_by_one(matrix, rows)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 40), st.integers(1, 80))
def test_blocks_in_passes_are_the_blocks_in_one_pass_and_the_dense_ones(seed: int, groups: int, batch_pairs: int) -> None:
    """Similarity.blocks computes small groups' pairs in passes of `batch_pairs` (memory at 10^6 rows):
    any pass size gives the values of one pass, and of the dense matrix."""
    from taskdedup.clustering.tree import Similarity

    rng = np.random.default_rng(seed)
    matrix = sp.random(60, 25, density=0.2, format="csr", random_state=rng)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    matrix = sp.csr_matrix(sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ matrix)
    sizes = rng.integers(1, 12, size=groups)
    members = [np.sort(rng.choice(60, size=int(s), replace=False)) for s in sizes]
    sparse = Similarity(matrix)
    whole = sparse.blocks(members, batch_upto=8, batch_pairs=10**9)  # groups above 8 take the one-group path
    passes = sparse.blocks(members, batch_upto=8, batch_pairs=batch_pairs)
    dense = Similarity(matrix, similarity_matrix(matrix)).blocks(members)
    for a, b, c, d in zip(whole, passes, dense, _square_blocks(matrix, members), strict=True):
        assert a.tobytes() == b.tobytes()
        assert len(a) > 8 or a.tobytes() == d.tobytes()  # the small groups' pass
        np.testing.assert_allclose(a, c, atol=1e-9)


def _square_blocks(matrix: sp.csr_matrix, members: list[np.ndarray]) -> list[np.ndarray]:
    """Every ordered pair of each group computed, as the small groups' pass first did: the pass
    that computes each pair once and mirrors it must give these bits."""
    from taskdedup.clustering.tree import DECIMALS

    out = []
    for g in members:
        left, right = np.repeat(g, len(g)), np.tile(g, len(g))
        values = np.asarray(matrix[left].multiply(matrix[right]).sum(axis=1)).ravel()
        block = np.clip(np.round(values, DECIMALS), 0.0, 1.0).reshape(len(g), len(g))
        np.fill_diagonal(block, 1.0)
        out.append(block)
    return out


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 13), st.integers(1, 9), st.integers(0, 2**32 - 1), st.floats(0.0, 1.0))
def test_a_dense_tail_of_columns_adds_up_as_scipys_product_to_the_bit(n: int, dense: int, seed: int, zeros: float) -> None:
    """Sentence-embedding columns (negative values, some exact zeros) added by the compiled loop give
    the sums of scipy's sparse product bit for bit, before and after rounding."""
    from taskdedup.clustering import tree
    from taskdedup.clustering.join_kernel import add_dense_products

    rng = np.random.default_rng(seed)
    head = sp.random(n, 7, density=0.4, random_state=rng, format="csr")
    tail = rng.standard_normal((n, dense)) * (rng.random((n, dense)) >= zeros)
    matrix = sp.hstack([head, sp.csr_matrix(tail)], format="csr")
    matrix.sort_indices()
    sums = (matrix[:, :7] @ matrix[:, :7].T).toarray()
    add_dense_products(sums, tail)
    assert sums.tobytes() == (matrix @ matrix.T).toarray().tobytes()
    plain = similarity_matrix(matrix)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tree, "DENSE_TAIL_MIN_ROWS", 1)
        assert similarity_matrix(matrix, dense).tobytes() == plain.tobytes()


@st.composite
def forests(draw: st.DrawFn) -> MergeTree:
    """Merge forests as the sparse chain leaves them: any merges of current roots, fewer than n - 1
    when the tree stops early, distances in any order (a cut must not assume they grow)."""
    n = draw(st.integers(1, 40))
    roots = list(range(n))
    children = []
    for _ in range(draw(st.integers(0, n - 1))):
        i, j = draw(st.integers(0, len(roots) - 1)), draw(st.integers(0, len(roots) - 2))
        a = roots.pop(i)
        b = roots.pop(j)
        children.append((a, b))
        roots.append(n + len(children) - 1)
    distances = draw(st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.7, 1.0]), min_size=len(children), max_size=len(children)))
    return MergeTree(n=n, children=np.array(children, dtype=np.int64).reshape(-1, 2), distances=np.array(distances))


@settings(max_examples=300, deadline=None)
@given(forests(), st.sampled_from([0.0, 0.3, 0.5, 0.75, 0.9, 1.0]))
def test_a_cut_joins_exactly_the_leaves_its_kept_merges_link(tree: MergeTree, threshold: float) -> None:
    """Against a union-find over the kept merges (each links its two children to its node),
    labels numbered in order of first member."""
    parent = list(range(tree.n + len(tree.children)))

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for k, (a, b) in enumerate(tree.children.tolist()):
        if tree.distances[k] <= round(1.0 - threshold, 9):
            parent[root(a)] = parent[root(b)] = root(tree.n + k)
    first: dict[int, int] = {}
    expected = [first.setdefault(root(i), len(first)) for i in range(tree.n)]
    assert tree.cut(threshold).tolist() == expected
