"""The exact sparse path: the same merge tree as the dense one, without the n x n matrix."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from taskdedup.clustering import join as join_module
from taskdedup.clustering import sparse as sparse_cluster
from taskdedup.clustering.components import chain_apart, component_of, split
from taskdedup.clustering.join import Join, similarity_join
from taskdedup.clustering.sparse import ChainTask, sparse_tree
from taskdedup.clustering.tree import build_tree, similarity_matrix
from taskdedup.config import Settings
from taskdedup.input.tables import read_table
from taskdedup.output.csvfile import to_csv
from taskdedup.pipeline import assemble, prepare, run
from taskdedup.text.lexicon import builtin
from taskdedup.text.tokenizers import MecabTokenizer
from taskdedup.text.tokens import featurize
from taskdedup.text.vectors import vectorize

SAMPLES = Path(__file__).parents[2] / "data" / "samples"


def sample_matrix(char_weight: float = 0.3) -> sp.csr_matrix:
    """Real-looking text: the sample's titles and descriptions as separate rows, plus copies."""
    frame = read_table(str(SAMPLES / "survey_2018.csv")).frame
    texts = list(frame["과제명"]) + list(frame["과제내용"]) + list(frame["과제명"][:10])  # 10 exact duplicates
    from taskdedup.text.normalize import normalize
    from taskdedup.text.vectors import char_grams

    normalised = [normalize(t) for t in texts]
    tokens = featurize(texts, MecabTokenizer(), builtin())
    return vectorize(tokens, char_grams(normalised), char_weight).matrix


@pytest.mark.parametrize("linkage", ["average", "complete", "single"])
@pytest.mark.parametrize("threshold", [0.15, 0.3, 0.5, 0.7, 1.0])
def test_sparse_partition_is_identical_to_dense(linkage: str, threshold: float) -> None:
    matrix = sample_matrix()
    dense = build_tree(similarity_matrix(matrix), linkage).cut(threshold)  # type: ignore[arg-type]
    sparse, _ = sparse_tree(matrix, linkage, threshold)  # type: ignore[arg-type]
    assert sparse.cut(threshold).tolist() == dense.tolist()


@st.composite
def tricky_matrices(draw: st.DrawFn) -> sp.csr_matrix:
    """Sparse random rows, plus exact duplicates of some of them and empty rows."""
    n = draw(st.integers(2, 20))
    weights = st.one_of(st.just(0.0), st.just(0.0), st.floats(0.05, 1.0))
    rows = draw(st.lists(st.lists(weights, min_size=6, max_size=6), min_size=n, max_size=n))
    copies = draw(st.lists(st.integers(0, n - 1), max_size=5))
    empties = draw(st.integers(0, 2))
    x = np.array(rows + [rows[i] for i in copies] + [[0.0] * 6] * empties)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return sp.csr_matrix(x / norms)


@settings(max_examples=150, deadline=None)
@given(tricky_matrices(), st.sampled_from([0.2, 0.4, 0.5, 0.6, 0.8, 1.0]), st.sampled_from(["average", "complete", "single"]))
def test_sparse_equals_dense_with_duplicates_and_empty_rows(matrix: sp.csr_matrix, threshold: float, linkage: str) -> None:
    dense = build_tree(similarity_matrix(matrix), linkage).cut(threshold)  # type: ignore[arg-type]
    sparse, _ = sparse_tree(matrix, linkage, threshold)  # type: ignore[arg-type]
    assert sparse.cut(threshold).tolist() == dense.tolist()


def scipy_join(matrix: sp.csr_matrix, s: float) -> dict[tuple[int, int], float]:
    product = sp.triu(matrix @ matrix.T, k=1).tocoo()
    values = np.minimum(np.round(product.data, 9), 1.0)
    return {(int(i), int(j)): float(v) for i, j, v in zip(product.row, product.col, values, strict=True) if v >= s}


@settings(max_examples=100, deadline=None)
@given(tricky_matrices(), st.sampled_from([0.0001, 0.2, 0.5, 1.0]))
def test_join_finds_exactly_the_pairs_of_the_full_product(matrix: sp.csr_matrix, s: float) -> None:
    row, col, data = similarity_join(matrix, s).arrays()
    assert dict(zip(zip(row.tolist(), col.tolist()), data.tolist())) == scipy_join(matrix, s)


@settings(max_examples=100, deadline=None)
@given(tricky_matrices(), st.integers(1, 6), st.integers(0, 2**32 - 1), st.sampled_from([0.0001, 0.2, 0.5]), st.sampled_from(["average", "complete"]))
def test_dense_columns_added_apart_give_the_pairs_and_tree_of_the_full_product(
    matrix: sp.csr_matrix, dense: int, seed: int, s: float, linkage: str,
) -> None:
    """Sentence-embedding columns (negative weights, a few exact zeros) summed by the dense loop:
    the pairs of the full product to the bit, and the same tree as walking them as terms."""
    rng = np.random.default_rng(seed)
    tail = rng.standard_normal((matrix.shape[0], dense)) * (rng.random((matrix.shape[0], dense)) > 0.1) * 0.3
    joined = sp.hstack([matrix, sp.csr_matrix(tail)], format="csr")
    joined.sort_indices()
    row, col, data = similarity_join(joined, s, dense_columns=dense).arrays()
    assert dict(zip(zip(row.tolist(), col.tolist()), data.tolist())) == scipy_join(joined, s)
    apart, _ = sparse_tree(joined, linkage, s, dense_columns=dense)  # type: ignore[arg-type]
    walked, _ = sparse_tree(joined, linkage, s)  # type: ignore[arg-type]
    assert apart.children.tolist() == walked.children.tolist() and apart.distances.tobytes() == walked.distances.tobytes()


def test_join_on_real_text_matches_the_full_product_to_the_bit() -> None:
    matrix = sample_matrix()
    row, col, data = similarity_join(matrix, 0.15).arrays()
    assert len(data) > 50
    assert dict(zip(zip(row.tolist(), col.tolist()), data.tolist())) == scipy_join(matrix, 0.15)


def test_join_output_grows_past_its_first_room_and_keeps_every_pair() -> None:
    """150 rows sharing one heavy term: 11,175 pairs from one block, ten times the kernel's
    first room (1,024), which it makes bigger before a row's pairs, never inside their loop."""
    rows = 150
    weights = np.zeros((rows, rows + 1))
    weights[:, 0] = 0.9
    weights[np.arange(rows), np.arange(1, rows + 1)] = np.sqrt(1 - 0.81)
    matrix = sp.csr_matrix(weights)
    row, col, data = similarity_join(matrix, 0.5).arrays()
    assert len(data) == rows * (rows - 1) // 2
    assert dict(zip(zip(row.tolist(), col.tolist()), data.tolist())) == scipy_join(matrix, 0.5)


def test_join_in_threads_gives_the_same_pairs_in_the_same_order(monkeypatch: pytest.MonkeyPatch) -> None:
    matrix = sample_matrix()
    one = similarity_join(matrix, 0.15).arrays()
    monkeypatch.setattr(join_module, "CHUNK_ROWS", 7)
    reports: list[int] = []
    three = similarity_join(matrix, 0.15, lambda stage, done, total: reports.append(done), jobs=3).arrays()
    assert [a.tolist() for a in three] == [a.tolist() for a in one]
    assert reports == sorted(reports) and reports[-1] == matrix.shape[0]


@pytest.mark.parametrize("linkage", ["average", "complete"])
def test_the_compiled_chain_resumes_where_it_stopped(linkage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Progress is reported between budgets of merges; stopping every merge changes nothing."""
    matrix = sample_matrix()
    whole, _ = sparse_tree(matrix, linkage, 0.15)  # type: ignore[arg-type]
    monkeypatch.setattr(sparse_cluster, "PROGRESS_EVERY", 1)
    reports: list[int] = []
    stepwise, _ = sparse_tree(matrix, linkage, 0.15, lambda stage, done, total: reports.append(done) if stage == "clustering" else None)  # type: ignore[arg-type]
    assert stepwise.children.tolist() == whole.children.tolist()
    assert stepwise.distances.tolist() == whole.distances.tolist()
    assert len(reports) > 20 and reports == sorted(reports)


@pytest.mark.parametrize("linkage", ["average", "complete"])
def test_full_pools_are_compacted_without_changing_the_tree(linkage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The chain's pools start with no spare room, so nearly every merge must first compact them."""
    matrix = sample_matrix()
    roomy, _ = sparse_tree(matrix, linkage, 0.15)  # type: ignore[arg-type]

    def tight(values: np.ndarray, dtype: type) -> np.ndarray:
        return np.concatenate([np.asarray(values, dtype=dtype), np.zeros(1, dtype=dtype)])

    monkeypatch.setattr(sparse_cluster, "_pool", tight)
    cramped, _ = sparse_tree(matrix, linkage, 0.15)  # type: ignore[arg-type]
    assert len(roomy.children) > 50
    assert cramped.children.tolist() == roomy.children.tolist()
    assert cramped.distances.tolist() == roomy.distances.tolist()


def test_kernels_check_bounds_under_test() -> None:
    """conftest turns numba's bounds checks on, so a kernel bug fails a test instead of corrupting memory."""
    from taskdedup.clustering import chain_kernel

    with pytest.raises(IndexError):
        chain_kernel._dot(np.array([5]), np.array([1.0]), 0, 1, np.zeros(2))


def test_exact_ties_between_different_pairs_may_be_broken_either_way() -> None:
    """Row 1 is equally similar (0.4851) to row 2 and to the pair {0, 3}. scikit-learn joins 1
    with 2 first, the sparse path 1 with {0, 3}: both are exact average-linkage orders, and at
    0.2 they end in different partitions. Real text rarely ties to the last bit; this documents
    the one case where the two paths may differ."""
    x = np.array([[0, 0, 0, 0, 2], [2, 2, 2, 1, 2], [0, 1, 0, 0, 0], [0, 0, 0, 0, 1]], dtype=float)
    matrix = sp.csr_matrix(x / np.linalg.norm(x, axis=1, keepdims=True))
    sparse, _ = sparse_tree(matrix, "average", 0.2)
    assert sparse.cut(0.2).tolist() == [0, 0, 1, 0]
    assert build_tree(similarity_matrix(matrix), "average").cut(0.2).tolist() == [0, 0, 0, 0]


def test_pipeline_engines_agree_on_the_sample() -> None:
    table = read_table(str(SAMPLES / "survey_2018.csv"))
    dense = run(table, Settings(method="dense"))
    sparse = run(table, Settings(method="sparse"))
    assert to_csv(dense) == to_csv(sparse)
    assert [t.keywords for t in dense.themes] == [t.keywords for t in sparse.themes]
    assert any("without an n x n matrix" in n for n in sparse.notices)


@settings(max_examples=5, deadline=None)
@given(st.permutations(list(range(52))), st.integers(1, 3))
def test_sparse_outputs_are_byte_identical_whatever_the_row_order_and_jobs(order: list[int], jobs: int) -> None:
    from taskdedup.input.table import Table
    from taskdedup.output.jsonfile import to_json

    table = read_table(str(SAMPLES / "survey_2018.csv"))
    shuffled = Table(frame=table.frame.iloc[order], source=table.source)
    a = assemble(prepare(table, Settings(method="sparse"), jobs=1))
    b = assemble(prepare(shuffled, Settings(method="sparse"), jobs=jobs))
    assert to_json(a) == to_json(b)
    assert to_csv(a) == to_csv(b)


def test_a_sparse_tree_cannot_be_cut_below_where_it_was_built() -> None:
    prepared = prepare(read_table(str(SAMPLES / "survey_2018.csv")), Settings(method="sparse"))
    with pytest.raises(ValueError, match="built down to 0.3; cannot cut at 0.1"):
        assemble(prepared, threshold=0.1)


def test_large_inputs_turn_costly_defaults_off(monkeypatch: pytest.MonkeyPatch) -> None:
    import taskdedup.plan as plan

    monkeypatch.setattr(plan, "LARGE_ROWS", 10)
    monkeypatch.setattr(plan, "HYBRID_MAX_ROWS", 10)
    prepared = prepare(read_table(str(SAMPLES / "survey_2018.csv")), Settings())
    assert prepared.settings.char_weight == 0.0 and prepared.settings.themes_at == prepared.settings.threshold
    assert prepared.settings.similarity == prepared.match.name == "lexical"
    assert "52 rows: character n-grams off for speed (--char-weight 0.3 turns them on)" in prepared.notices
    assert "52 rows: matching on words and characters, without sentence embeddings, for speed (--similarity hybrid adds them)" in prepared.notices
    assert not any("approximate" in n for n in prepared.notices)  # the user did not set the weight
    kept = prepare(read_table(str(SAMPLES / "survey_2018.csv")), Settings(char_weight=0.3))
    assert kept.settings.char_weight == 0.3
    hybrid = prepare(read_table(str(SAMPLES / "survey_2018.csv")), Settings(similarity="hybrid"), cache=None)
    assert hybrid.match.name == "hybrid" and hybrid.match.embedding_weight > 0


# The chain run apart on connected components (clustering/components.py) gives the one-run tree, to the bit.


class ApartEngine:
    """An engine whose chain runs on `groups` groups of components, in this process."""

    name = "apart"

    def __init__(self, groups: int) -> None:
        self.groups = groups
        self.tasks: list[ChainTask] = []

    def chain_components(self, units: ChainTask, join: Join, report: Callable[[int], None]) -> tuple[np.ndarray, np.ndarray]:
        task = units.with_pairs(join.pairs.arrays())
        self.tasks = split(task, self.groups)
        return chain_apart(task, self.groups)

    def join_blocks(self, *args: Any) -> Any:
        from taskdedup.clustering.join import LocalPairs, join_blocks_local

        return LocalPairs.joined(join_blocks_local(*args[:2], 1, args[2]))


def same_tree(matrix: sp.csr_matrix, linkage: str, threshold: float, groups: int) -> tuple[int, ApartEngine]:
    one, _ = sparse_tree(matrix, linkage, threshold)  # type: ignore[arg-type]
    engine = ApartEngine(groups)
    apart, _ = sparse_tree(matrix, linkage, threshold, engine=engine)  # type: ignore[arg-type]
    assert apart.children.tolist() == one.children.tolist()
    assert apart.distances.tobytes() == one.distances.tobytes()
    return len(one.children), engine


@pytest.mark.parametrize("linkage", ["average", "complete"])
@pytest.mark.parametrize("groups", [1, 2, 3, 50])
def test_components_apart_give_the_one_run_tree_on_real_text(linkage: str, groups: int) -> None:
    merges, engine = same_tree(sample_matrix(), linkage, 0.15, groups)
    assert merges > 50
    assert len(engine.tasks) == min(groups, len(engine.tasks)) and (groups == 1 or len(engine.tasks) > 1)


@settings(max_examples=150, deadline=None)
@given(tricky_matrices(), st.sampled_from([0.2, 0.4, 0.6, 1.0]), st.sampled_from(["average", "complete"]), st.integers(1, 5))
def test_components_apart_give_the_one_run_tree(matrix: sp.csr_matrix, threshold: float, linkage: str, groups: int) -> None:
    same_tree(matrix, linkage, threshold, groups)


def test_split_keeps_whole_components_and_balances_pairs() -> None:
    # components {0, 1, 2} (3 pairs), {3, 4} (1 pair), {5, 6} (1 pair); unit 7 has none
    row, col = np.array([0, 1, 0, 3, 5]), np.array([1, 2, 2, 4, 6])
    task = ChainTask(np.arange(8) + 100, row, col, np.full(5, 0.5), np.ones(8), sp.csr_matrix((0, 0)), np.arange(8), "complete", 0.3, 8, 0)
    assert component_of(task).tolist() == [0, 0, 0, 1, 1, 2, 2, 3]
    tasks = split(task, 2)
    assert [t.keys.tolist() for t in tasks] == [[100, 101, 102], [103, 104, 105, 106]]
    assert [(t.row.tolist(), t.col.tolist()) for t in tasks] == [([0, 1, 0], [1, 2, 2]), ([0, 2], [1, 3])]
    assert [t.first_node for t in tasks] == [8, 10]  # three units merge at most twice


def test_the_kernels_loaded_ahead_are_the_ones_a_run_calls() -> None:
    """load_kernels (started by prepare in a thread) must load each kernel for the argument types
    of a real run: a type it missed would be compiled again during the run, seconds instead of
    the ~0.4 s it saves. A fresh interpreter, so no other test has loaded anything."""
    from conftest import fresh_python

    script = (
        "from taskdedup.clustering import chain_kernel, components_kernel, join_kernel\n"
        "from taskdedup.clustering.preload import load_kernels\n"
        "from taskdedup.config import Settings\n"
        "from taskdedup.input.tables import read_table\n"
        "from taskdedup.pipeline import run\n"
        "kernels = (join_kernel.join_rows, chain_kernel.neighbour_lists, chain_kernel.run_chain, components_kernel.lowest_of_component)\n"
        "load_kernels()\n"
        "loaded = [list(k.signatures) for k in kernels]\n"
        "table = read_table('data/samples/survey_2018.csv')\n"
        "for settings in (Settings(method='sparse', similarity='lexical'), Settings(method='sparse'), Settings(method='sparse', linkage='complete')):\n"
        "    run(table, settings)\n"
        "print([len(s) for s in loaded], [list(k.signatures) for k in kernels] == loaded)\n"
    )
    assert fresh_python(script).strip() == "[1, 1, 1, 1] True"


def test_the_join_walks_a_row_that_meets_every_indexed_row_twice() -> None:
    """A row sharing two terms with every indexed row (`link`'s walk: all rows, not only later
    ones) writes one entry past the rows it kept: the scratch has room for it. The Python form
    of the kernel checks its bounds, so it is run too, and gives the same pairs."""
    from taskdedup.clustering import join_kernel
    from taskdedup.clustering.join import join_scratch

    new = sp.csr_matrix(np.array([[0.6, 0.8, 0.0]]))
    old = sp.csr_matrix(np.array([[0.8, 0.6, 0.0], [0.6, 0.8, 0.0], [0.5, 0.5, 0.7071], [0.1, 0.9, 0.4], [0.3, 0.3, 0.9]]))
    index = sp.csr_matrix(old.T)
    index.sort_indices()
    no_tail = np.zeros((1, 0)), np.zeros((5, 0))
    results = []
    for kernel in (join_kernel.join_rows, join_kernel.join_rows.py_func):
        sums, touched = join_scratch(5)
        results.append(kernel(new.indptr, new.indices, new.data, index.indptr, index.indices, index.data, *no_tail, 0, 1, 0.5, sums, touched, False))
        assert not sums.any()  # returned clean
    expected = np.round((new @ old.T).toarray()[0], 9)
    for owner, column, score in results:
        assert owner.tolist() == [0] * int((expected >= 0.5).sum())
        assert sorted(zip(column.tolist(), score.tolist())) == [(j, float(expected[j])) for j in np.flatnonzero(expected >= 0.5)]
