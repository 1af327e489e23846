"""Texts -> token lists: normalise, pull out lexicon concepts, analyse the rest, drop boilerplate."""

from __future__ import annotations

from collections.abc import Sequence

from taskdedup.lexicon import Lexicon
from taskdedup.normalize import normalize
from taskdedup.tokenizers import Tokenizer


def tokens_of(normalised: Sequence[str], tokenizer: Tokenizer, lexicon: Lexicon) -> list[list[str]]:
    """Token lists for already-normalised texts; lexicon concepts come last, as whole terms."""
    extracted = [lexicon.extract(text) for text in normalised]
    analysed = tokenizer.tokenize_many(rest for rest, _ in extracted)
    return [lexicon.keep(tokens) + concepts for tokens, (_, concepts) in zip(analysed, extracted, strict=True)]


def featurize(texts: Sequence[str], tokenizer: Tokenizer, lexicon: Lexicon) -> list[list[str]]:
    return tokens_of([normalize(t) for t in texts], tokenizer, lexicon)
