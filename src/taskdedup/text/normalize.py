"""Pure text normalisation, applied before tokenisation and idempotent by design."""

from __future__ import annotations

import html
import re
import unicodedata

_TAG = re.compile(r"<[A-Za-z/!][^<>]*>")
_LATIN_UPPER = re.compile(r"[A-Z]+")
# Anything that is neither a letter, a digit, nor a mark becomes a space: punctuation, symbols,
# bullets and box-drawing characters carry nothing for matching.
_NOT_WORD = re.compile(r"[^\w]|_", re.UNICODE)
_SPACES = re.compile(r"\s+")


def strip_markup(text: str) -> str:
    """Remove HTML tags and entities, which real exports (e.g. web-form proposals) carry."""
    if "<" in text or "&" in text:
        text = _TAG.sub(" ", text)
        text = html.unescape(text)
    return text


def normalize(text: str) -> str:
    """NFKC, markup removed, punctuation to spaces, Latin lower-cased, whitespace collapsed.

    NFKC folds full-width Latin (ＡＩ -> AI) and compatibility jamo; it is applied again at the end
    because unescaping entities can produce new compatibility characters.
    """
    text = unicodedata.normalize("NFKC", text)
    text = strip_markup(text)
    text = unicodedata.normalize("NFKC", text)
    text = _LATIN_UPPER.sub(lambda m: m.group(0).lower(), text)
    text = _NOT_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()
