"""Texts -> token lists: normalise, pull out lexicon concepts, analyse the rest, drop boilerplate."""

from __future__ import annotations

from collections.abc import Sequence

from taskdedup.lexicon import Lexicon
from taskdedup.normalize import normalize
from taskdedup.tokenizers import CharNgramTokenizer, Tokenizer
from taskdedup.vectorize import Vectors, vectorize

_CHARS = CharNgramTokenizer()


def char_grams(normalised: Sequence[str]) -> list[list[str]]:
    """Character 2-3-grams of the normalised text (lexicon untouched: spelling is the point)."""
    return [_CHARS.tokens(text) for text in normalised]


def tokens_of(normalised: Sequence[str], tokenizer: Tokenizer, lexicon: Lexicon) -> list[list[str]]:
    """Token lists for already-normalised texts; lexicon concepts come last, as whole terms."""
    extracted = [lexicon.extract(text) for text in normalised]
    analysed = tokenizer.tokenize_many(rest for rest, _ in extracted)
    out = []
    for tokens, (_, concepts) in zip(analysed, extracted, strict=True):
        # Pieces of a concept the analyser split ("챗봇" -> 챗, 봇) would count it twice.
        pieces = [t for t in tokens if any(t in c for c in concepts)] if concepts else []
        out.append([t for t in lexicon.keep(tokens) if t not in pieces] + concepts)
    return out


def featurize(texts: Sequence[str], tokenizer: Tokenizer, lexicon: Lexicon) -> list[list[str]]:
    return tokens_of([normalize(t) for t in texts], tokenizer, lexicon)


def vectors_for(normalised: Sequence[str], tokens: Sequence[list[str]], tokenizer: Tokenizer, char_weight: float) -> Vectors:
    """The matrix the pipeline clusters: word TF-IDF mixed with character n-grams (unless the
    tokenizer already is the character one)."""
    if char_weight > 0 and tokenizer.name != CharNgramTokenizer.name:
        return vectorize(tokens, char_grams(normalised), char_weight)
    return vectorize(tokens)
