"""The token cache and parallel tokenisation: the same tokens, however they were produced."""

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taskdedup.config import Settings
from taskdedup.input.tables import read_table
from taskdedup.output.csvfile import to_csv
from taskdedup.pipeline import assemble, prepare
from taskdedup.text import tokens as features
from taskdedup.text.lexicon import builtin
from taskdedup.text.token_cache import TokenCache
from taskdedup.text.tokenizers import MecabTokenizer
from taskdedup.text.tokens import tokens_parallel

SAMPLES = Path(__file__).parents[2] / "data" / "samples"


def test_token_cache_round_trip(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path / "c")
    key, empty = TokenCache.keys("mecab|x", ["민원 챗봇", "빈"])
    cache.put_many([(key, ["민원", "챗봇"]), (empty, [])])
    again = TokenCache(tmp_path / "c")
    assert again.get_many([key, empty, b"missing"]) == {key: ["민원", "챗봇"], empty: []}



def test_second_run_reads_tokens_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = read_table(str(SAMPLES / "survey_2018.csv"))
    first = run_with_cache(table, tmp_path)
    calls: list[int] = []
    original = features.tokens_of
    monkeypatch.setattr(features, "tokens_of", lambda texts, *a: calls.append(len(texts)) or original(texts, *a))
    second = run_with_cache(table, tmp_path)
    assert calls == []  # nothing tokenised again
    assert to_csv(first) == to_csv(second)



def run_with_cache(table, folder: Path):
    return assemble(prepare(table, Settings(), cache=TokenCache(folder)))



def test_a_broken_cache_never_fails_the_run(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "tokens.sqlite3").write_bytes(b"this is not a database" * 100)
    prepared = prepare(read_table(str(SAMPLES / "survey_2018.csv")), Settings(), cache=TokenCache(folder))
    assert any("token cache" in n for n in prepared.notices)
    assert sum("token cache" in n for n in prepared.notices) == 1  # said once, not by every stage that met it
    assert len(prepared.clustered) == 52



def test_parallel_tokenisation_gives_the_same_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(features, "PARALLEL_MIN_TEXTS", 0)
    monkeypatch.setattr(features, "CHUNK_TEXTS", 7)
    frame = read_table(str(SAMPLES / "survey_2018.csv")).frame
    from taskdedup.text.normalize import normalize

    texts = [normalize(t) for t in frame["과제내용"]]
    one = tokens_parallel(texts, MecabTokenizer(), builtin(), jobs=1)
    two = tokens_parallel(texts, MecabTokenizer(), builtin(), jobs=2)
    assert one == two



_TOKENS = st.lists(st.lists(st.text(alphabet=st.sampled_from("가a \x1d"), max_size=3), max_size=4), max_size=6)


@given(_TOKENS)
def test_token_lists_cross_to_a_worker_and_back_as_they_were(lists: list[list[str]]) -> None:
    assert features.token_lists(features.joined_lists(lists), len(lists)) == lists
    texts = ["".join(tokens) for tokens in lists]
    assert features.joined_texts(texts).split(features.TEXT_END) == texts or not texts


def test_a_text_holding_the_chunk_separator_is_refused_not_split() -> None:
    with pytest.raises(ValueError, match="U\\+001E"):
        features.joined_texts(["민원\x1e챗봇", "안내"])
    with pytest.raises(ValueError, match="U\\+001E"):
        features.token_lists(features.joined_lists([["민원\x1e챗봇"], []]), 2)


@given(st.integers(0, 30000), st.integers(1, 4))
def test_chunks_cover_the_texts_in_order_and_shrink_towards_the_end(n: int, jobs: int) -> None:
    texts = list(range(n))
    chunks = features.chunked(texts, jobs)
    assert [t for chunk in chunks for t in chunk] == texts
    sizes = [len(c) for c in chunks]
    assert all(features.MIN_CHUNK_TEXTS <= size <= features.CHUNK_TEXTS for size in sizes[:-1])
    assert sizes == sorted(sizes, reverse=True)
    if n > 2 * jobs * features.CHUNK_TEXTS:  # the workers' last chunks are small
        assert sizes[-2] < features.CHUNK_TEXTS


def test_repeated_texts_are_tokenised_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from taskdedup.text.normalize import normalize

    texts = [normalize(t) for t in read_table(str(SAMPLES / "survey_2018.csv")).frame["과제내용"]]
    repeated = texts[:5] + texts[2:9] + texts[:3]
    seen: list[str] = []
    original = features.tokens_of
    monkeypatch.setattr(features, "tokens_of", lambda chunk, *a: seen.extend(chunk) or original(chunk, *a))
    for cache in (None, TokenCache(tmp_path / "c")):
        seen.clear()
        got = features.cached_tokens(repeated, MecabTokenizer(), builtin(), 1, cache, lambda *a: None, [])
        assert sorted(seen) == sorted(set(repeated))  # each distinct text once
        assert got == [original([t], MecabTokenizer(), builtin())[0] for t in repeated]



def test_the_same_input_again_is_one_entry_and_a_changed_one_goes_text_by_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from taskdedup.text.normalize import normalize

    texts = [normalize(t) for t in read_table(str(SAMPLES / "survey_2018.csv")).frame["과제내용"]]
    texts = texts[:20] + texts[:3] + ["", *texts[20:30]]  # copies and an empty text
    cache = TokenCache(tmp_path / "c")
    expected = features.cached_tokens(texts, MecabTokenizer(), builtin(), 1, cache, lambda *a: None, [])

    seen: list[str] = []
    original = features.tokens_of
    monkeypatch.setattr(features, "tokens_of", lambda chunk, *a: seen.extend(chunk) or original(chunk, *a))
    looked_up: list[int] = []
    get_many = TokenCache.get_many
    monkeypatch.setattr(TokenCache, "get_many", lambda self, keys: looked_up.append(len(keys)) or get_many(self, keys))
    again = features.cached_tokens(texts, MecabTokenizer(), builtin(), 1, TokenCache(tmp_path / "c"), lambda *a: None, [])
    assert again == expected and seen == [] and looked_up == []  # one read, no text looked up or tokenised

    changed = [*texts[:-1], "새로 들어온 과제 민원 챗봇"]
    got = features.cached_tokens(changed, MecabTokenizer(), builtin(), 1, TokenCache(tmp_path / "c"), lambda *a: None, [])
    assert seen == ["새로 들어온 과제 민원 챗봇"] and looked_up == [len(set(changed))]
    assert got == [*expected[:-1], original(["새로 들어온 과제 민원 챗봇"], MecabTokenizer(), builtin())[0]]


def test_only_the_latest_inputs_are_kept_whole(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path)
    for k in range(TokenCache.RUNS_KEPT + 2):
        cache.put_run(bytes([k]), [["과제", str(k)], []])
    kept = [k for k in range(TokenCache.RUNS_KEPT + 2) if cache.get_run(bytes([k]), 2) is not None]
    assert kept == list(range(2, TokenCache.RUNS_KEPT + 2))
    assert cache.get_run(bytes([5]), 2) == [["과제", "5"], []]
    assert cache.get_run(bytes([5]), 3) is None  # stored for another number of texts
    cache.put_run(b"none", [])
    assert cache.get_run(b"none", 0) == []


def test_normalised_texts_come_from_the_cache_the_second_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from taskdedup.text.normalize import normalize

    raw = ["AI 챗봇을 활용한 <b>민원</b> 안내", "ＡＩ  상담\n서비스 &amp; 안내", "", "독거노인 돌봄"]
    first = features.normalised_texts(raw, TokenCache(tmp_path))
    assert first == [normalize(t) for t in raw]
    monkeypatch.setattr(features, "normalize", lambda text: pytest.fail("normalised again"))
    assert features.normalised_texts(raw, TokenCache(tmp_path)) == first
    with pytest.raises(pytest.fail.Exception):
        features.normalised_texts([*raw, "새 과제"], TokenCache(tmp_path))  # another input is normalised


@given(st.text(), st.lists(st.text(), max_size=5))
def test_keys_of_many_texts_are_each_text_s_key(namespace: str, texts: list[str]) -> None:
    import hashlib

    # The key every cache on disk was written with: it must not change.
    assert TokenCache.keys(namespace, texts) == [hashlib.blake2b(f"{namespace}\0{text}".encode(), digest_size=16).digest() for text in texts]


def test_a_whole_list_s_key_tells_lists_apart_whatever_their_texts_hold() -> None:
    keys = {
        TokenCache.key_of_all("n", texts)
        for texts in (["a\0b", "c"], ["a", "b\0c"], ["a\x1eb", "c"], ["a", "b\x1ec"], ["ab", "c"], ["a", "bc"], [], [""], ["", ""])
    }
    assert len(keys) == 9
    assert TokenCache.key_of_all("n", ["a"]) != TokenCache.key_of_all("m", ["a"])


def stored_keys(folder: Path) -> set[bytes]:
    """What another connection sees in the cache file: what is written, not what is queued."""
    with sqlite3.connect(folder / "tokens.sqlite3") as db:
        return {key for (key,) in db.execute("SELECT key FROM tokens")} | {key for (key,) in db.execute("SELECT key FROM runs")}


def test_writes_inside_behind_reach_the_file_after_it_in_order(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path)
    with cache.behind():
        cache.put_many([(b"a", ["민원", "챗봇"]), (b"b", [])])
        for k in range(TokenCache.RUNS_KEPT + 1):
            cache.put_run(bytes([k]), [["과제", str(k)]])
        cache.put_texts(b"texts", ["민원 챗봇", ""])
        assert stored_keys(tmp_path) == set()  # queued, not written
        assert cache.get_many([b"a"]) == {}  # and not read back inside
    cache.settle()
    assert cache.get_many([b"a", b"b"]) == {b"a": ["민원", "챗봇"], b"b": []}
    # Written in the order made: the oldest whole entry is the one the later ones pushed out.
    assert stored_keys(tmp_path) == {b"a", b"b", b"texts", *(bytes([k]) for k in range(2, TokenCache.RUNS_KEPT + 1))}
    assert TokenCache(tmp_path).get_texts(b"texts", 2) == ["민원 챗봇", ""]


def test_the_next_use_of_the_cache_waits_for_the_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    release = threading.Event()
    cache = TokenCache(tmp_path)
    write = cache._write

    def slow(table, rows):
        if threading.current_thread() is not threading.main_thread():
            release.wait(5)
        write(table, rows)

    monkeypatch.setattr(cache, "_write", slow)
    with cache.behind():
        cache.put_many([(b"a", ["과제"])])
    assert stored_keys(tmp_path) == set()  # the writer is held
    threading.Timer(0.2, release.set).start()
    assert cache.get_many([b"a"]) == {b"a": ["과제"]}  # a read waits for it


def test_a_write_that_fails_behind_is_told_after_settle(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path)
    assert cache._db is not None
    cache._db.execute("DROP TABLE tokens")
    with cache.behind():
        cache.put_many([(b"a", ["과제"])])
    cache.settle()
    notices: list[str] = []
    cache.tell(notices)
    assert len(notices) == 1 and notices[0].startswith(f"token cache {cache.path} not written (no such table: tokens")


def test_a_writer_that_meets_any_error_tells_it_and_prints_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    import threading

    cache = TokenCache(tmp_path)
    write = cache._write

    def broken(table, rows):
        if threading.current_thread() is not threading.main_thread():
            raise MemoryError("no room for the rows")
        write(table, rows)

    monkeypatch.setattr(cache, "_write", broken)
    with cache.behind():
        cache.put_many([(b"a", ["과제"])])
    cache.settle()
    assert cache.problem == f"token cache {cache.path} not written (no room for the rows)"
    assert capfd.readouterr().err == ""


def test_prepare_returns_with_its_cache_entries_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    import time

    write = TokenCache._write

    def slow(self, table, rows):
        if threading.current_thread() is not threading.main_thread():
            time.sleep(1.0)  # longer than the rest of prepare on the sample takes
        write(self, table, rows)

    monkeypatch.setattr(TokenCache, "_write", slow)
    table = read_table(str(SAMPLES / "survey_2018.csv"))
    prepare(table, Settings(similarity="lexical"), cache=TokenCache(tmp_path))  # lexical: no embedding reads the cache (and waits) meanwhile
    with sqlite3.connect(tmp_path / "tokens.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM tokens").fetchone()[0] > 40  # the distinct texts' token lists
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 2  # the input's normalised texts and its tokens


def test_sqlite_file_is_a_real_database(tmp_path: Path) -> None:
    TokenCache(tmp_path).put_many([(b"k", ["a"])])
    with sqlite3.connect(tmp_path / "tokens.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM tokens").fetchone() == (1,)



def test_cli_cache_options(tmp_path: Path, fixtures: Path) -> None:
    from typer.testing import CliRunner

    from taskdedup.cli import app

    runner = CliRunner()
    cache = tmp_path / "tokens"
    result = runner.invoke(app, ["cluster", str(fixtures / "survey_utf8.csv"), "--cache-dir", str(cache), "-q"])
    assert result.exit_code == 0 and (cache / "tokens.sqlite3").exists()
    other = tmp_path / "unused"
    result = runner.invoke(app, ["cluster", str(fixtures / "survey_utf8.csv"), "--cache-dir", str(other), "--no-cache", "-q"])
    assert result.exit_code == 0 and not other.exists()
    result = runner.invoke(app, ["cluster", str(fixtures / "survey_utf8.csv"), "--jobs", "0"])
    assert result.exit_code == 2
