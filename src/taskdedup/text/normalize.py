"""Pure text normalisation, applied before tokenisation and idempotent by design."""

from __future__ import annotations

import re
import unicodedata

from taskdedup.input.markup import web_text

_LATIN_UPPER = re.compile(r"[A-Z]+")
# Runs of letters, digits and marks. Everything else (punctuation, symbols, bullets, box-drawing
# characters, whitespace) carries nothing for matching and becomes one space between words;
# joining the runs found is ~1.6x faster than substituting the gaps.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


# Part of the token cache's key: bump it when normalize() gives other output for some text.
NORMALIZE_VERSION = 2  # 2: markup as input/markup.py reads it (known tag names only)


def normalize(text: str) -> str:
    """NFKC, markup removed, punctuation to spaces, Latin lower-cased, whitespace collapsed.

    NFKC folds full-width Latin (ＡＩ -> AI) and compatibility jamo; it is applied again at the end
    because unescaping entities can produce new compatibility characters.
    """
    text = unicodedata.normalize("NFKC", text)
    unmarked = web_text(text)
    if unmarked is not text:
        text = unicodedata.normalize("NFKC", unmarked)
    if _LATIN_UPPER.search(text):
        text = _LATIN_UPPER.sub(lambda m: m.group(0).lower(), text)
    return " ".join(_WORD.findall(text))
