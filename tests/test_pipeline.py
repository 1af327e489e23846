import csv
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskdedup.config import ColumnSpec, Settings
from taskdedup.errors import ColumnError, NothingToCluster
from taskdedup.input.table import Table
from taskdedup.input.tables import read_table
from taskdedup.output.csvfile import to_csv
from taskdedup.output.jsonfile import to_json
from taskdedup.output.workbook import to_xlsx
from taskdedup.pipeline import CLUSTERED, SKIPPED_EMPTY, SKIPPED_NO_WORDS, assemble, prepare, run
from taskdedup.quality.metrics import pairwise

SAMPLES = Path(__file__).parent.parent / "data" / "samples"


def expected_groups() -> dict[str, str]:
    with (SAMPLES / "expected_groups.csv").open(encoding="utf-8") as handle:
        return {row["연번"]: row["그룹"] for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def sample_result():
    return run(read_table(str(SAMPLES / "survey_2018.xlsx")), Settings())


def test_sample_matches_the_expected_groups_closely(sample_result) -> None:
    gold = expected_groups()
    rows = [r for r in sample_result.rows]
    pred = [r.cluster.cluster_id for r in rows]
    truth = [gold[r.submission.row_id] for r in rows]
    score = pairwise(pred, truth)
    # Measured with the defaults (docs/BENCHMARKS.md): P 0.971, R 0.723. The one false merge (25
    # landslide + 41 imported food) shares only boilerplate ("빅데이터로 분석하여 ... 예측").
    assert score.precision >= 0.97
    assert score.recall >= 0.72


def test_sample_groups_that_must_be_found(sample_result) -> None:
    groups = {frozenset(m.submission.row_id for m in c.members) for c in sample_result.proposals}
    for must in ({"14", "15", "16"}, {"12", "13"}, {"30", "31"}, {"36", "37"}, {"46", "47"}, {"51", "52"}):
        assert frozenset(must) in groups
    # same technology, different projects: never merged
    assert not any({"17", "18"} <= g or {"14", "17"} <= g or {"10", "11"} <= g for g in groups)


def test_sample_summary(sample_result) -> None:
    s = sample_result.summary
    assert (s.rows_read, s.rows_skipped, s.blank_rows_ignored) == (52, 0, 0)
    assert s.proposals == s.cross_agency + s.same_agency + s.unattributed
    assert s.clusters == len(sample_result.clusters)
    assert sum(c.size for c in sample_result.clusters) == 52
    same = [c for c in sample_result.proposals if c.kind == "same-agency"]
    assert [sorted(m.submission.row_id for m in c.members) for c in same] == [["51", "52"]]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.permutations(list(range(52))))
def test_outputs_are_byte_identical_whatever_the_row_order(order: list[int]) -> None:
    table = read_table(str(SAMPLES / "survey_2018.csv"))
    shuffled = Table(frame=table.frame.iloc[order], source=table.source)
    a = run(table, Settings())
    b = run(shuffled, Settings())
    assert to_json(a) == to_json(b)
    assert to_csv(a) == to_csv(b)
    assert to_xlsx(a) == to_xlsx(b)


def test_without_review_pairs_only_the_workbook_s_pairs_are_left_out() -> None:
    prepared = prepare(read_table(str(SAMPLES / "survey_2018.xlsx")), Settings())
    whole, lean = assemble(prepared), assemble(prepared, review_pairs=False)
    assert whole.near_misses and whole.label_requests  # the sample has both, so leaving them out shows
    assert (lean.near_misses, lean.label_requests) == ([], [])
    assert to_csv(lean) == to_csv(whole)
    assert to_json(lean) == to_json(whole)


def test_every_row_appears_once_with_its_status(fixtures: Path) -> None:
    result = run(read_table(str(fixtures / "blank_text.csv")), Settings())
    statuses = {r.submission.row_id: r.status for r in result.rows}
    assert statuses == {"1": CLUSTERED, "2": CLUSTERED, "6": SKIPPED_EMPTY, "7": SKIPPED_NO_WORDS}
    assert result.summary.rows_skipped == 2
    assert result.notices == ["ignored 1 completely blank row(s)"]


def test_row_number_is_the_id_when_there_is_no_id_column() -> None:
    frame = pd.DataFrame({"과제명": ["민원 챗봇", "민원 챗봇 구축", "독거노인 돌봄"]})
    frame.index = frame.index + 1
    result = run(Table(frame=frame, source="t"), Settings())
    assert sorted(r.submission.row_id for r in result.rows) == ["1", "2", "3"]


def test_nothing_to_cluster(fixtures: Path) -> None:
    with pytest.raises(NothingToCluster) as err:
        run(read_table(str(fixtures / "all_text_empty.csv")), Settings())
    assert str(err.value).endswith("no row has text to compare in '과제명' + '과제내용'; choose the text columns with --text-col")
    with pytest.raises(NothingToCluster, match="no data rows below the header"):
        run(read_table(str(fixtures / "header_only.csv")), Settings())


def test_unknown_text_column(fixtures: Path) -> None:
    with pytest.raises(ColumnError, match="no column '제목' for --text-col"):
        run(read_table(str(fixtures / "survey_utf8.csv")), Settings(columns=ColumnSpec(text_cols=("제목",))))


def test_duplicate_ids_are_reported() -> None:
    frame = pd.DataFrame({"번호": ["1", "1"], "과제명": ["민원 챗봇", "독거노인 돌봄"]})
    frame.index = frame.index + 1
    result = run(Table(frame=frame, source="t"), Settings())
    assert result.notices == ["id column '번호' repeats 1 value(s); rows stay separate"]


@pytest.mark.parametrize(("name", "render"), [("survey_2018_members.csv", to_csv), ("survey_2018.json", to_json)])
def test_sample_golden_outputs(sample_result, golden, name: str, render) -> None:
    """The bundled sample's outputs against tests/golden (conftest.golden_mismatch says what may
    differ between machines). After an intended change: UPDATE_GOLDEN=1 pytest."""
    golden(name, render(sample_result))


# --- what the sentence embedding reads, chosen from the input alone ---------------------------------

LONG = ["민원 챗봇\n" + "가나다라마바사 " * 20, "CCTV 관제\n" + "아자차카타파하 " * 20]


@pytest.mark.parametrize(
    ("similarity", "budget", "texts", "expected", "titles_only", "notice"),
    [
        ("auto", 10_000, LONG, "hybrid", False, None),
        ("auto", 100, LONG, "hybrid", True, "2 rows of long text: the sentence embedding reads each row's first line (the title) only, for speed"),
        ("auto", 10, LONG, "lexical", False,
         "2 rows: matching on words and characters, without sentence embeddings, for speed (--similarity hybrid adds them)"),
        ("hybrid", 10, LONG, "hybrid", True, "2 rows of long text: the sentence embedding reads each row's first line (the title) only, for speed"),
        ("hybrid", 10, ["민원 챗봇 " * 30], "hybrid", False, None),  # one line: nothing shorter to read
        ("auto", 10, ["민원 챗봇 " * 30], "lexical", False,
         "1 rows: matching on words and characters, without sentence embeddings, for speed (--similarity hybrid adds them)"),
        ("lexical", 10_000, LONG, "lexical", False, None),
    ],
)
def test_the_embedding_reads_whole_texts_titles_or_nothing_by_size(
    monkeypatch: pytest.MonkeyPatch, similarity: str, budget: int, texts: list[str], expected: str, titles_only: bool, notice: str | None
) -> None:
    import taskdedup.plan as plan

    monkeypatch.setattr(plan, "EMBED_BUDGET", budget)
    notices: list[str] = []
    settings, titles = plan.embedding_plan(Settings(similarity=similarity), texts, notices)  # type: ignore[arg-type]
    assert (settings.similarity, titles) == (expected, titles_only)
    assert notices == ([notice] if notice else [])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "가", "가 나", "나", "a"]), st.sampled_from(["가", "가!", "나", ""]),
                          st.sampled_from(["", "행정안전부", "서울"]), st.sampled_from(["1", "2", ""])), max_size=30))
def test_canonical_order_is_one_sort_by_text_then_the_submission_s_key(rows: list[tuple[str, str, str, str]]) -> None:
    from taskdedup.input.submissions import Submission
    from taskdedup.plan import canonical_order

    texts = [r[0] for r in rows]
    submissions = [Submission(k + 1, row_id or str(k + 1), agency, "", raw, raw) for k, (_, raw, agency, row_id) in enumerate(rows)]
    one_sort = sorted(range(len(rows)), key=lambda i: (texts[i],) + submissions[i].sort_key())
    assert canonical_order(texts, submissions) == one_sort


@pytest.mark.parametrize("method", ["dense", "sparse"])
def test_prepared_without_its_tree_has_the_same_rows_and_similarities_and_cannot_be_cut(method: str) -> None:
    """`link` prepares both sides without the merge tree: what it reads is what a full prepare gives."""
    table = read_table(str(SAMPLES / "survey_2018.csv"))
    full = prepare(table, Settings(method=method))
    bare = prepare(table, Settings(method=method), with_tree=False)
    assert bare.tree is None and bare.join is None
    assert [s.row_id for s in bare.clustered] == [s.row_id for s in full.clustered]
    n = len(full.clustered)
    pairs = [(i, j) for i in range(n) for j in range(n)]
    assert [bare.similarity.pair(i, j) for i, j in pairs] == [full.similarity.pair(i, j) for i, j in pairs]
    with pytest.raises(ValueError, match="without its merge tree"):
        bare.cut(0.5)


@pytest.mark.parametrize("method", ["dense", "sparse"])
def test_link_s_duplicates_among_the_new_rows_are_those_of_the_tree_down_to_the_theme_floor(fixtures: Path, method: str) -> None:
    """link builds the new rows' tree down to the threshold only (its exports never show themes):
    the same proposals as the tree down to a low check-from floor, with its themes."""
    from dataclasses import replace

    from taskdedup.input.collection import read_sides
    from taskdedup.linking import link, new_rows

    both, new_files = read_sides([str(fixtures / "submissions")], [str(fixtures / "link" / "existing.xlsx")])
    low = Settings(theme_threshold=0.05, theme_threshold_is_default=False, method=method)  # type: ignore[arg-type]
    result = link(both, new_files, low, jobs=1)
    full = assemble(prepare(new_rows(both, new_files), low, jobs=1), review_pairs=False)
    assert full.themes and len(full.proposals) > 1  # the floor was lower and themes were made
    assert result.inside.proposals == full.proposals
    assert replace(result.inside.settings, theme_threshold=low.theme_threshold) == full.settings


def test_the_kernels_load_ahead_in_a_run_over_cached_texts_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """prepare loads the sparse path's compiled kernels in a thread when the texts come from the
    cache, before their tokens are read; not in a run that tokenises, nor on the dense path, nor
    when a run over these texts left its tree in the cache (it reads that instead)."""
    import sqlite3

    import threading

    from taskdedup import pipeline
    from taskdedup.text.token_cache import TokenCache

    events: list[str] = []
    real_thread = threading.Thread

    def thread(*args, **kwargs):
        if kwargs.get("name") != "taskdedup-load-kernels":
            return real_thread(*args, **kwargs)
        started = real_thread(target=lambda: None)
        start = started.start
        started.start = lambda: events.append("kernels") or start()  # type: ignore[method-assign]
        return started

    tokens = pipeline.cached_tokens
    monkeypatch.setattr(threading, "Thread", thread)
    monkeypatch.setattr(pipeline, "cached_tokens", lambda *a, **k: events.append("tokens") or tokens(*a, **k))
    table = read_table(str(SAMPLES / "survey_2018.csv"))
    sparse = Settings(method="sparse", similarity="lexical")
    prepare(table, sparse, cache=TokenCache(tmp_path))
    assert events == ["tokens"]  # a first run
    events.clear()
    prepare(table, sparse, cache=TokenCache(tmp_path))
    assert events == ["tokens"]  # the same texts again: their tree is in the cache
    events.clear()
    with sqlite3.connect(tmp_path / "tokens.sqlite3") as db:
        db.execute("DELETE FROM trees")
    prepare(table, sparse, cache=TokenCache(tmp_path))
    assert events == ["kernels", "tokens"]  # the same texts, no tree kept
    events.clear()
    prepare(table, sparse)
    assert events == ["tokens"]  # no cache
    events.clear()
    prepare(table, Settings(similarity="lexical"), cache=TokenCache(tmp_path))  # 52 rows: dense
    assert events == ["tokens"]
