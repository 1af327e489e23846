"""Token lists -> sparse TF-IDF matrix (rows L2-normalised, so a dot product is a cosine)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from taskdedup.text.tokenizers import CharNgramTokenizer, Tokenizer


def _already_tokenized(tokens: list[str]) -> list[str]:
    # Module-level so the vectorizer stays picklable.
    return tokens


CHAR_PREFIX = "~"  # marks character n-gram columns; normalised text never holds "~"
EMBEDDING_PREFIX = "≈"  # marks the dimensions of a sentence embedding; never in normalised text either


@dataclass(frozen=True)
class Vectors:
    matrix: sp.csr_matrix  # rows x terms, float64, each non-empty row of unit length
    terms: np.ndarray  # term strings in column order; character n-grams start with CHAR_PREFIX
    words: int = -1  # the first `words` columns are words (the rest character n-grams); -1: all

    def word_part(self) -> tuple[sp.csr_matrix, np.ndarray]:
        """The word columns only: what keywords and shared terms are drawn from."""
        if self.words < 0:
            return self.matrix, self.terms
        return self.matrix[:, : self.words].tocsr(), self.terms[: self.words]


def _tfidf(token_lists: Sequence[list[str]]) -> tuple[sp.csr_matrix, np.ndarray]:
    """Sublinear TF-IDF: a term repeated in one long description should not outweigh the title."""
    if not any(token_lists):
        return sp.csr_matrix((len(token_lists), 0)), np.array([], dtype=object)
    vectorizer = TfidfVectorizer(analyzer=_already_tokenized, lowercase=False, sublinear_tf=True, norm="l2", dtype=np.float64)
    matrix = vectorizer.fit_transform(token_lists).tocsr()
    return matrix, vectorizer.get_feature_names_out().astype(object)


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
    return Vectors(matrix=matrix, terms=np.concatenate(terms), words=len(word_terms))


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
