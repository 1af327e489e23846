"""Settings for a run, with every default in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from taskdedup.text.lexicon import Lexicon, builtin

Linkage = Literal["average", "complete", "single"]
LINKAGES: tuple[str, ...] = ("average", "complete", "single")

# Chosen by measurement: see docs/BENCHMARKS.md ("Choosing the defaults").
DEFAULT_TOKENIZER = "mecab"
FALLBACK_TOKENIZER = "char"
DEFAULT_THRESHOLD = 0.30
DEFAULT_LINKAGE: Linkage = "average"
DEFAULT_THEME_THRESHOLD = 0.15
# Weight of character 2-3-gram similarity mixed into the morpheme similarity (docs/BENCHMARKS.md).
DEFAULT_CHAR_WEIGHT = 0.3
# Up to this many rows the dense n x n path (scikit-learn) runs; above it, the exact sparse one.
DENSE_MAX_ROWS = 2000
# Above this many rows, defaults that cost too much at scale are turned off with a notice:
# character n-grams (their join costs ~30x the words' one on 85k titles) and themes below the
# cluster threshold (at 0.15 short titles link into one component of 22M pairs).
LARGE_ROWS = 20000
Engine = Literal["auto", "dense", "sparse"]
# Share of sentence-embedding similarity mixed in (text/embeddings.py); 0 until a calibrated match
# score makes one threshold mean the same with and without it (issue #11).
DEFAULT_EMBEDDING_WEIGHT = 0.0
DEFAULT_EMBEDDER = "e5-small"
DEFAULT_KEYWORDS = 5
SHARED_TERMS_PER_MEMBER = 5


@dataclass(frozen=True)
class ColumnSpec:
    """Columns named by the user; None means 'detect from the header'."""

    id_col: str | None = None
    agency_col: str | None = None
    field_col: str | None = None
    text_cols: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    tokenizer: str = DEFAULT_TOKENIZER
    threshold: float = DEFAULT_THRESHOLD
    linkage: Linkage = DEFAULT_LINKAGE
    columns: ColumnSpec = field(default_factory=ColumnSpec)
    keywords: int = DEFAULT_KEYWORDS
    lexicon: Lexicon = field(default_factory=builtin)
    char_weight: float = DEFAULT_CHAR_WEIGHT
    engine: Engine = "auto"
    embedding_weight: float = DEFAULT_EMBEDDING_WEIGHT
    embedder: str = DEFAULT_EMBEDDER
    # False when the user set them: then they are kept even on large inputs.
    char_weight_is_default: bool = True
    theme_threshold_is_default: bool = True
    # Themes: a second, lower cut of the same tree, for areas that span many agencies.
    theme_threshold: float = DEFAULT_THEME_THRESHOLD
    # True when the user did not pick the tokenizer: we may then fall back to one that works.
    tokenizer_is_default: bool = True

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold}")
        if not 0.0 < self.theme_threshold <= 1.0:
            raise ValueError(f"theme threshold must be in (0, 1], got {self.theme_threshold}")
        if not 0.0 <= self.char_weight < 1.0:
            raise ValueError(f"char weight must be in [0, 1), got {self.char_weight}")
        if not 0.0 <= self.embedding_weight or self.char_weight + self.embedding_weight >= 1.0:
            raise ValueError(f"char and embedding weights must add up to less than 1, got {self.char_weight} + {self.embedding_weight}")
        if self.linkage not in LINKAGES:
            raise ValueError(f"linkage must be one of {', '.join(LINKAGES)}")

    @property
    def themes_at(self) -> float:
        """Themes are never finer than clusters."""
        return min(self.theme_threshold, self.threshold)
