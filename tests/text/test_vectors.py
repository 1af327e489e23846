"""The TF-IDF matrix: our one-pass term counts against scikit-learn's own TfidfVectorizer."""

from __future__ import annotations

import numpy as np
import pandas as pd
from conftest import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from taskdedup.text.normalize import normalize
from taskdedup.text.tokenizers import make_tokenizer
from taskdedup.text.vectors import _tfidf, char_grams


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def textbook(token_lists: list[list[str]]) -> tuple[object, np.ndarray]:
    vectorizer = TfidfVectorizer(analyzer=_identity, lowercase=False, sublinear_tf=True, norm="l2", dtype=np.float64)
    return vectorizer.fit_transform(token_lists).tocsr(), vectorizer.get_feature_names_out().astype(object)


def assert_same_bits(token_lists: list[list[str]]) -> None:
    ours, our_terms = _tfidf(token_lists)
    theirs, their_terms = textbook(token_lists)
    assert our_terms.tolist() == their_terms.tolist()
    assert ours.shape == theirs.shape
    # Entry for entry, in the same order inside each row: sums over a row then add alike.
    assert ours.indptr.tolist() == theirs.indptr.tolist()
    assert ours.indices.tolist() == theirs.indices.tolist()
    assert ours.data.tobytes() == theirs.data.tobytes()


def test_the_sample_gives_scikit_learns_matrix_to_the_bit() -> None:
    frame = pd.read_csv(SAMPLES / "survey_2018.csv")
    texts = [normalize(f"{a} {b}") for a, b in zip(frame["과제명"], frame["과제내용"], strict=True)]
    tokenizer = make_tokenizer("mecab")
    tokenizer.start()
    assert_same_bits([tokenizer.tokens(t) for t in texts])
    assert_same_bits(char_grams(texts))


_TERMS = st.sampled_from(["민원", "챗봇", "안전", "복지", "a", "b", "", "민", "~x", "B", "가나다", *"cdefghijklmnop"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_TERMS, max_size=40), min_size=1, max_size=12).filter(any))
def test_any_token_lists_give_scikit_learns_matrix_to_the_bit(token_lists: list[list[str]]) -> None:
    # Repeats in a row (sublinear tf), empty rows, terms shared by every row (idf 1), rows of
    # more than 8 terms (numpy adds those pairwise; scikit-learn's row norm adds left to right).
    assert_same_bits(token_lists)


def test_rows_without_tokens_give_an_empty_matrix() -> None:
    matrix, terms = _tfidf([[], []])
    assert matrix.shape == (2, 0) and len(terms) == 0


@given(st.lists(st.text(alphabet=st.sampled_from(["\x00", "a", "b", "가", "\U0001f600", "\ud800"]), max_size=4), unique=True))
def test_terms_are_ordered_as_python_orders_strings(terms: list[str]) -> None:
    """Trailing NULs (which numpy's unicode arrays drop) and any code point: Python's order."""
    from taskdedup.text.vectors import _text_order

    array = np.array(terms, dtype=object)
    assert [terms[i] for i in _text_order(array)] == sorted(terms)
