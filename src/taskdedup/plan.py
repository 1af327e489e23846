"""What a run will do, decided from its input and settings before the work: the tokenizer it
starts, whether it embeds (and what), what large inputs turn off, the match model, and the
canonical order every later stage sees the rows in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from taskdedup.clustering.match import MatchModel, match_model
from taskdedup.config import EMBED_BUDGET, FALLBACK_TOKENIZER, HYBRID_MAX_ROWS, LARGE_ROWS, Settings
from taskdedup.errors import InputError, TokenizerUnavailable
from taskdedup.input.submissions import Submission
from taskdedup.messages import msg
from taskdedup.text.embeddings import embedded_chars, first_lines
from taskdedup.text.tokenizers import Tokenizer, make_tokenizer


def start_tokenizer(settings: Settings) -> tuple[Tokenizer, list[str]]:
    """The requested backend, started; the default one falls back to char n-grams with a notice."""
    tokenizer = make_tokenizer(settings.tokenizer)
    try:
        tokenizer.start()
        return tokenizer, []
    except TokenizerUnavailable as exc:
        if not settings.tokenizer_is_default or settings.tokenizer == FALLBACK_TOKENIZER:
            raise
        fallback = make_tokenizer(FALLBACK_TOKENIZER)
        return fallback, [f"{exc}; using --tokenizer {FALLBACK_TOKENIZER} instead"]


def embedding_plan(settings: Settings, texts: list[str], notices: list[str]) -> tuple[Settings, bool]:
    """Resolve `auto` and choose what the embedding reads, from the input alone (never from what is
    cached, so the same input gives the same result): whole texts while they fit the budget, else
    their first lines (titles), else, for `auto`, no embedding. Returns (settings, titles only)."""
    if settings.similarity == "lexical":
        return settings, False
    forced = settings.similarity == "hybrid"
    settings = replace(settings, similarity="hybrid")
    rows = len(texts)
    if rows <= HYBRID_MAX_ROWS and embedded_chars(texts, EMBED_BUDGET) <= EMBED_BUDGET:
        return settings, False
    titles = first_lines(texts)
    if titles != texts and (forced or (rows <= HYBRID_MAX_ROWS and embedded_chars(titles, EMBED_BUDGET) <= EMBED_BUDGET)):
        notices.append(msg("{rows} rows of long text: the sentence embedding reads each row's first line (the title) only, for speed", rows=rows))
        return settings, True
    if forced:
        return settings, False
    notices.append(msg('{rows} rows: matching on words and characters, without sentence embeddings, for speed (--similarity hybrid adds them)', rows=rows))
    return replace(settings, similarity="lexical"), False


def scale_settings(settings: Settings, rows: int, notices: list[str]) -> Settings:
    """On large inputs, turn off the defaults whose cost grows fastest; say so."""
    if rows <= LARGE_ROWS:
        return settings
    if settings.char_weight is None:
        default = match_model(settings.similarity).char_weight
        notices.append(msg('{rows} rows: character n-grams off for speed (--char-weight {default:g} turns them on)', rows=rows, default=default))
        settings = replace(settings, char_weight=0.0)
    if settings.themes_at < settings.threshold and settings.theme_threshold_is_default:
        notices.append(msg('{rows} rows: themes off for speed (--theme-threshold P turns them on)', rows=rows))
        settings = replace(settings, theme_threshold=settings.threshold)
    return settings


def match_for(settings: Settings, notices: list[str], chars_by_user: bool) -> tuple[MatchModel, bool]:
    """The team's learned model when it is for the similarity used, else the shipped one; over the
    user's character weight if one was set. Returns (model, whether the team's model is used)."""
    team = settings.match is not None and settings.match.name == settings.similarity
    if settings.match is not None and not team:
        notices.append(
            msg(
                '{match_source} was learned for --similarity {name}, but this run matches {similarity}: using the built-in '
                '{similarity} model',
                match_source=settings.match_source, name=settings.match.name, similarity=settings.similarity
            )
        )
    model = settings.match if team and settings.match is not None else match_model(settings.similarity)
    if settings.char_weight is None or settings.char_weight == model.char_weight:
        return model, team
    if not chars_by_user:  # turned off for speed on a large input; that notice is given
        return model.with_char_weight(settings.char_weight), team
    if settings.char_weight + model.embedding_weight >= 1.0:
        raise InputError(
            msg(
                '--char-weight {char_weight:g} leaves no share for words: the sentence embedding takes {embedding_weight:g}; '
                'use at most {most:.2f}, or --similarity lexical',
                char_weight=settings.char_weight, embedding_weight=model.embedding_weight, most=1 - model.embedding_weight - 0.05
            )
        )
    notices.append(
        msg('--char-weight {char_weight:g}: probabilities are approximate (calibrated at {char_weight2:g})', char_weight=settings.char_weight, char_weight2=model.char_weight)
    )
    return model.with_char_weight(settings.char_weight), team


def canonical_order(texts: Sequence[str], submissions: Sequence[Submission]) -> list[int]:
    """Row positions sorted by (normalised text, Submission.sort_key()). By the text alone first
    (strings compare without building a tuple per row: a third of the time at 85,856 rows), then
    each run of equal texts by the rest; the same order as one sort by the whole key."""
    order = sorted(range(len(texts)), key=texts.__getitem__)
    start = 0
    for end in range(1, len(order) + 1):
        if end == len(order) or texts[order[end]] != texts[order[start]]:
            if end - start > 1:
                order[start:end] = sorted(order[start:end], key=lambda i: submissions[i].sort_key())
            start = end
    return order
