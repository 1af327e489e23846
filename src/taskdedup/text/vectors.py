"""Token lists -> sparse TF-IDF matrix (rows L2-normalised, so a dot product is a cosine)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import scipy.sparse as sp

from taskdedup.text.tokenizers import CharNgramTokenizer, Tokenizer

CHAR_PREFIX = "~"  # marks character n-gram columns; normalised text never holds "~"
EMBEDDING_PREFIX = "≈"  # marks the dimensions of a sentence embedding; never in normalised text either


@dataclass(frozen=True)
class Vectors:
    matrix: sp.csr_matrix  # rows x terms, float64, each non-empty row of unit length
    terms: np.ndarray  # term strings in column order; character n-grams start with CHAR_PREFIX
    words: int = -1  # the first `words` columns are words (the rest character n-grams); -1: all
    dense: int = 0  # the last `dense` columns are sentence embeddings, which every row holds

    def word_part(self) -> tuple[sp.csr_matrix, np.ndarray]:
        """The word columns only: what keywords and shared terms are drawn from."""
        if self.words < 0:
            return self.matrix, self.terms
        return self.matrix[:, : self.words].tocsr(), self.terms[: self.words]


def term_counts(token_lists: Sequence[list[str]]) -> tuple[sp.csr_matrix, np.ndarray]:
    """Term counts per row and the terms in sorted order: what scikit-learn's CountVectorizer
    builds, entry for entry and in its order inside each row (terms numbered by first appearance,
    each row sorted by that number, then renumbered in sorted order), so the TF-IDF sums below
    add in the same order and give the same bits. CountVectorizer does it with a dict and a
    Counter per row in Python; one hash pass over all tokens (pandas.factorize) is ~3x faster.
    """
    import pandas as pd  # already loaded by the readers; kept out of this module's import

    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    flat = np.fromiter(chain.from_iterable(token_lists), dtype=object, count=int(lengths.sum()))
    codes, uniques = pd.factorize(flat)  # numbered by first appearance, as CountVectorizer does
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    counts = sp.csr_matrix((np.ones(len(codes)), codes.astype(np.int32), indptr), shape=(len(token_lists), len(uniques)))
    counts.sum_duplicates()  # also sorts each row by first appearance
    by_text = _text_order(uniques)
    renumber = np.empty(len(uniques), dtype=counts.indices.dtype)
    renumber[by_text] = np.arange(len(uniques), dtype=counts.indices.dtype)
    counts.indices = renumber[counts.indices]
    counts.has_sorted_indices = False
    return counts, uniques[by_text].astype(object)


def _text_order(terms: np.ndarray) -> np.ndarray:
    """The argsort of distinct strings in Python's order. As a numpy unicode array when all are
    short, as character n-grams are (code points compared in C: 228,375 of them 0.32 -> 0.12 s;
    for words, whose longest sets the width of every entry, it gained nothing); numpy drops a
    string's trailing NULs, so if any length changed the objects are sorted as they are."""
    lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
    if len(terms) and int(lengths.max()) <= 8:
        fixed = terms.astype(str)
        if (np.char.str_len(fixed) == lengths).all():
            return np.argsort(fixed, kind="stable")
    return np.argsort(terms, kind="stable")


def tfidf_weights(counts: sp.csr_matrix) -> sp.csr_matrix:
    """scikit-learn's TfidfTransformer(sublinear_tf=True, norm="l2") fitted and applied to `counts`,
    in place: the same floating-point operations in the same order, so the same bits (the tests
    compare both on the sample and on hypothesis inputs). Importing scikit-learn costs ~1 s of
    every run (sklearn.utils imports scipy.stats) for these few array operations.

    Smoothed idf = ln((1 + n) / (1 + df)) + 1; tf = 1 + ln(count); each row divided by its length,
    whose squares are added left to right, as scikit-learn's compiled row loop adds them (numpy's
    sums add pairwise, which can differ in the last bit).
    """
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
    df += 1.0
    idf = np.full_like(df, fill_value=counts.shape[0] + 1, dtype=np.float64)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    data = counts.data
    np.log(data, data)
    data += 1.0
    data *= idf[counts.indices]
    lengths = np.diff(counts.indptr)
    longest_first = np.argsort(-lengths, kind="stable")
    starts = counts.indptr[:-1][longest_first]
    per_length = np.bincount(lengths)
    longer_than = len(lengths) - np.cumsum(per_length)  # rows with more than k entries, for each k
    squares = data * data
    sums = np.zeros(len(lengths))
    for k in range(len(per_length) - 1):  # the k-th entry of every row that has one: O(entries) in all
        rows = int(longer_than[k])
        sums[:rows] += squares[starts[:rows] + k]
    norms = np.empty(len(lengths))
    norms[longest_first] = np.sqrt(sums)
    norms[norms == 0.0] = 1.0  # an empty row stays empty, as scikit-learn leaves it
    data /= np.repeat(norms, lengths)
    return counts


def _tfidf(token_lists: Sequence[list[str]]) -> tuple[sp.csr_matrix, np.ndarray]:
    """Sublinear TF-IDF: a term repeated in one long description should not outweigh the title."""
    if not any(token_lists):
        return sp.csr_matrix((len(token_lists), 0)), np.array([], dtype=object)
    counts, terms = term_counts(token_lists)
    return tfidf_weights(counts), terms


def vectorize(
    token_lists: Sequence[list[str]],
    char_lists: Sequence[list[str]] | None = None,
    char_weight: float = 0.0,
    embeddings: np.ndarray | None = None,
    embedding_weight: float = 0.0,
) -> Vectors:
    """Word TF-IDF, optionally joined with character n-gram TF-IDF weighted `char_weight` and
    sentence embeddings weighted `embedding_weight` (the words get the rest).

    Each part is L2-normalised, scaled by the square root of its weight, and the row normalised
    again, so a cosine is the weighted sum of the parts' cosines for rows that have every part.
    Characters catch what morphemes miss: spacing, typos, unknown compounds; embeddings catch
    paraphrase. Embedding columns are dense and come last.
    """
    words, word_terms = _tfidf(token_lists)
    use_chars = bool(char_lists) and char_weight > 0
    use_embeddings = embeddings is not None and embedding_weight > 0
    if not use_chars and not use_embeddings:
        words.sort_indices()
        return Vectors(matrix=words, terms=word_terms)
    word_weight = 1.0 - (char_weight if use_chars else 0.0) - (embedding_weight if use_embeddings else 0.0)
    parts = [words * np.sqrt(word_weight)]
    terms = [word_terms]
    if use_chars:
        chars, char_terms = _tfidf(char_lists)  # type: ignore[arg-type]
        parts.append(chars * np.sqrt(char_weight))
        terms.append(np.array([CHAR_PREFIX + t for t in char_terms], dtype=object))
    if use_embeddings:
        unit = np.asarray(embeddings, dtype=np.float64)
        norms = np.linalg.norm(unit, axis=1, keepdims=True)
        unit = unit / np.where(norms == 0, 1.0, norms)
        parts.append(sp.csr_matrix(unit * np.sqrt(embedding_weight)))
        terms.append(np.array([f"{EMBEDDING_PREFIX}{k}" for k in range(unit.shape[1])], dtype=object))
    joined = sp.hstack(parts, format="csr")
    norms = np.sqrt(np.asarray(joined.multiply(joined).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix = sp.csr_matrix(sp.diags(1.0 / norms) @ joined)
    matrix.sort_indices()
    return Vectors(matrix=matrix, terms=np.concatenate(terms), words=len(word_terms), dense=len(terms[-1]) if use_embeddings else 0)


_CHARS = CharNgramTokenizer()


def char_grams(normalised: Sequence[str]) -> list[list[str]]:
    """Character 2-3-grams of the normalised text (lexicon untouched: spelling is the point)."""
    return [_CHARS.tokens(text) for text in normalised]


def vectors_for(
    normalised: Sequence[str],
    tokens: Sequence[list[str]],
    tokenizer: Tokenizer,
    char_weight: float,
    embeddings: np.ndarray | None = None,
    embedding_weight: float = 0.0,
) -> Vectors:
    """The matrix the pipeline clusters: word TF-IDF mixed with character n-grams (unless the
    tokenizer already is the character one) and, when given, sentence embeddings."""
    chars = char_grams(normalised) if char_weight > 0 and tokenizer.name != CharNgramTokenizer.name else None
    return vectorize(tokens, chars, char_weight if chars else 0.0, embeddings, embedding_weight)
