"""Token lists -> sparse TF-IDF matrix (rows L2-normalised, so a dot product is a cosine)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer


def _already_tokenized(tokens: list[str]) -> list[str]:
    # Module-level so the vectorizer stays picklable.
    return tokens


@dataclass(frozen=True)
class Vectors:
    matrix: sp.csr_matrix  # rows x terms, float64, each non-empty row of unit length
    terms: np.ndarray  # term strings, in column order (sorted, so deterministic)


def vectorize(token_lists: Sequence[list[str]]) -> Vectors:
    """Sublinear TF-IDF: a term repeated in one long description should not outweigh the title."""
    if not any(token_lists):
        return Vectors(sp.csr_matrix((len(token_lists), 0)), np.array([], dtype=object))
    vectorizer = TfidfVectorizer(
        analyzer=_already_tokenized,
        lowercase=False,
        sublinear_tf=True,
        norm="l2",
        dtype=np.float64,
    )
    matrix = vectorizer.fit_transform(token_lists).tocsr()
    matrix.sort_indices()
    return Vectors(matrix=matrix, terms=vectorizer.get_feature_names_out())
