"""Settings for a run, with every default in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from taskdedup.clustering.match import SIMILARITIES, MatchModel, SimilarityName
from taskdedup.text.lexicon import Lexicon, builtin

Linkage = Literal["average", "complete", "single"]
LINKAGES: tuple[str, ...] = ("average", "complete", "single")

# Chosen by measurement: see docs/BENCHMARKS.md ("Choosing the defaults").
DEFAULT_TOKENIZER = "mecab"
FALLBACK_TOKENIZER = "char"
# Thresholds are probabilities that two rows (groups: at their average link) are one project,
# read from the mixed score by the match model (clustering/match.py, data/match.json).
DEFAULT_THRESHOLD = 0.5
DEFAULT_LINKAGE: Linkage = "average"
DEFAULT_THEME_THRESHOLD = 0.3
DEFAULT_SIMILARITY: SimilarityName = "auto"
# `auto` mixes in sentence embeddings up to this many rows, and while what is embedded fits
# EMBED_BUDGET below; above, a cold run would take minutes and the match is lexical.
HYBRID_MAX_ROWS = 20000
# Characters a run embeds at most unless asked: ~1,600 characters/s on 2 cores, so about 100 s cold.
# Above it the embedding reads each row's first line (the title), and above that again `auto`
# matches lexically (docs/BENCHMARKS.md).
EMBED_BUDGET = 160_000
# Up to this many rows the dense n x n path (SciPy's linkage) runs; above it, the exact sparse one.
DENSE_MAX_ROWS = 2000
# Above this many rows, defaults that cost too much at scale are turned off with a notice:
# character n-grams (their join costs ~30x the words' one on 85k titles) and themes below the
# cluster threshold (at 0.15 short titles link into one component of 22M pairs).
LARGE_ROWS = 20000
# How the tree is built: the dense n x n matrix (SciPy), the exact sparse join and chain, or by size.
Method = Literal["auto", "dense", "sparse"]
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
    # The match: `auto` picks hybrid or lexical by size; after prepare() it names the one used.
    similarity: SimilarityName = DEFAULT_SIMILARITY
    # Share of character 2-3-gram similarity; None: the match model's (after prepare(): the one used).
    char_weight: float | None = None
    method: Method = "auto"
    embedder: str = DEFAULT_EMBEDDER
    # False when the user set it: then it is kept even on large inputs.
    theme_threshold_is_default: bool = True
    # Themes: a second, lower cut of the same tree, for areas that span many agencies.
    theme_threshold: float = DEFAULT_THEME_THRESHOLD
    # True when the user did not pick the tokenizer: we may then fall back to one that works.
    tokenizer_is_default: bool = True
    # A team's learned match model (`taskdedup learn`, `--model`): used when its similarity is the run's.
    match: MatchModel | None = None
    match_source: str = ""  # the model file, for notices

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold}")
        if not 0.0 < self.theme_threshold <= 1.0:
            raise ValueError(f"theme threshold must be in (0, 1], got {self.theme_threshold}")
        if self.char_weight is not None and not 0.0 <= self.char_weight < 1.0:
            raise ValueError(f"char weight must be in [0, 1), got {self.char_weight}")
        if self.similarity not in SIMILARITIES:
            raise ValueError(f"similarity must be one of {', '.join(SIMILARITIES)}")
        if self.linkage not in LINKAGES:
            raise ValueError(f"linkage must be one of {', '.join(LINKAGES)}")

    @property
    def themes_at(self) -> float:
        """Themes are never finer than clusters."""
        return min(self.theme_threshold, self.threshold)
