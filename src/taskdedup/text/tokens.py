"""Texts -> token lists: normalise, pull out lexicon concepts, analyse the rest, drop boilerplate;
in worker processes for large inputs, and from the token cache where a text was seen before."""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from taskdedup.text.lexicon import Lexicon
from taskdedup.text.normalize import NORMALIZE_VERSION, normalize
from taskdedup.text.token_cache import TokenCache
from taskdedup.text.tokenizers import JVM_BACKENDS, Tokenizer, make_tokenizer


def tokens_of(normalised: Sequence[str], tokenizer: Tokenizer, lexicon: Lexicon) -> list[list[str]]:
    """Token lists for already-normalised texts; lexicon concepts come last, as whole terms."""
    extracted = [lexicon.extract(text) for text in normalised]
    analysed = tokenizer.tokenize_many(rest for rest, _ in extracted)
    out = []
    for tokens, (_, concepts) in zip(analysed, extracted, strict=True):
        kept = lexicon.keep(tokens)
        if concepts:  # most texts hold none: then nothing more to filter or add
            # Pieces of a concept the analyser split ("챗봇" -> 챗, 봇) would count it twice. A token
            # is such a piece when it is a substring of a concept found in the text: looked up in
            # the set of those substrings, so the cost stays linear in the text's length.
            pieces = _substrings(concepts)
            kept = [t for t in kept if t not in pieces] + concepts
        out.append(kept)
    return out


def _substrings(concepts: Sequence[str]) -> frozenset[str]:
    return frozenset(c[i:j] for c in set(concepts) for i in range(len(c) + 1) for j in range(i, len(c) + 1))


def featurize(texts: Sequence[str], tokenizer: Tokenizer, lexicon: Lexicon) -> list[list[str]]:
    return tokens_of([normalize(t) for t in texts], tokenizer, lexicon)


# --- parallel tokenisation --------------------------------------------------------------------------

_WORKER: tuple[Tokenizer, Lexicon] | None = None


def _start_worker(name: str, lexicon: Lexicon) -> None:
    global _WORKER
    # Ctrl-C is the parent's to handle (one line, exit 130); a worker printing its own traceback
    # would bury that line.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tokenizer = make_tokenizer(name)
    tokenizer.start()
    _WORKER = (tokenizer, lexicon)


def _work(texts: str) -> str:
    assert _WORKER is not None
    return tokenize_joined(texts, *_WORKER)


# A chunk crosses to a worker and back as one string each way, not as lists of strings: pickling
# 5,000 texts and then their 5,000 token lists took ~25 ms a chunk, while the worker waited.
# Normalised text is runs of word characters and spaces (text/normalize.py): neither separator
# occurs in a text or in a token made from one.
TEXT_END, TOKEN_END = "\x1e", "\x1f"


def joined_texts(texts: Sequence[str]) -> str:
    joined = TEXT_END.join(texts)
    if joined.count(TEXT_END) != max(len(texts) - 1, 0):
        raise ValueError("a text to tokenise holds the chunk separator U+001E: texts must be normalised")
    return joined


def tokenize_joined(texts: str, tokenizer: Tokenizer, lexicon: Lexicon) -> str:
    """tokens_of() for a chunk made by joined_texts(), as joined_lists()."""
    return joined_lists(tokens_of(texts.split(TEXT_END), tokenizer, lexicon))


def joined_lists(lists: Iterable[list[str]]) -> str:
    """Token lists as one string for token_lists(): each token ends with TOKEN_END, so an empty
    list and a list of one empty token differ."""
    return TEXT_END.join([TOKEN_END.join(tokens) + TOKEN_END if tokens else "" for tokens in lists])


def token_lists(joined: str, count: int) -> list[list[str]]:
    """The `count` token lists of a joined_lists() result."""
    parts = joined.split(TEXT_END) if count else []
    if len(parts) != count:
        raise ValueError(f"{len(parts)} token lists for {count} texts: a token holds the separator U+001E")
    return [part.split(TOKEN_END)[:-1] for part in parts]


PARALLEL_MIN_TEXTS = 20000  # below this, starting workers costs more than it saves
CHUNK_TEXTS = 5000
MIN_CHUNK_TEXTS = 1000  # a chunk's round trip is ~4 ms; 1,000 titles take ~50
REPORT_TEXTS = 1000


def chunked(texts: Sequence[str], jobs: int) -> list[Sequence[str]]:
    """CHUNK_TEXTS at a time, then a quarter (for two workers) of what is left down to
    MIN_CHUNK_TEXTS, so that the workers finish together: with equal chunks one of two workers ran
    the last one alone for up to ~0.2 s at 85,856 titles."""
    out: list[Sequence[str]] = []
    start = 0
    while start < len(texts):
        size = min(CHUNK_TEXTS, max(MIN_CHUNK_TEXTS, (len(texts) - start) // (2 * jobs)))
        out.append(texts[start : start + size])
        start += size
    return out


def tokens_parallel(
    normalised: Sequence[str],
    tokenizer: Tokenizer,
    lexicon: Lexicon,
    jobs: int,
    report: Callable[[int], None] | None = None,
) -> list[list[str]]:
    """tokens_of() over chunks, in `jobs` worker processes for large inputs.

    Processes, not threads: MeCab and Kiwi hold the GIL (2 threads ran 1.1x slower than one on
    40,000 titles). Workers are spawned, never forked: a forked child of a process with a JVM
    hangs. JVM analysers use threads over the one JVM instead, which JPype allows.
    """
    out: list[list[str]] = []
    if jobs <= 1 or len(normalised) < PARALLEL_MIN_TEXTS:
        for start in range(0, len(normalised), REPORT_TEXTS):  # in one process, progress every 1,000 texts
            out.extend(tokens_of(normalised[start : start + REPORT_TEXTS], tokenizer, lexicon))
            if report:
                report(len(out))
        return out
    chunks = chunked(normalised, jobs)
    if tokenizer.name in JVM_BACKENDS:
        tokenizer.start()
        with ThreadPoolExecutor(jobs) as pool:
            for part in pool.map(lambda c: tokens_of(c, tokenizer, lexicon), chunks):
                out.extend(part)
                if report:
                    report(len(out))
        return out
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(tokenizer.name, lexicon)) as pool:
        for part, chunk in zip(pool.map(_work, map(joined_texts, chunks)), chunks, strict=True):
            out.extend(token_lists(part, len(chunk)))
            if report:
                report(len(out))
    return out


def input_key(texts: list[str]) -> bytes:
    """The token cache's key for a list of raw texts (normalised_texts' entry)."""
    return TokenCache.key_of_all(f"normalised|n{NORMALIZE_VERSION}", texts)


def normalised_texts(texts: list[str], cache: TokenCache | None, on_hit: Callable[[], None] | None = None, key: bytes | None = None) -> list[str]:
    """normalize() of each of `texts` (distinct), from the cache when the same texts were
    normalised before: a second run over 85,856 titles spent 0.3 s normalising them again.
    `on_hit` is called when they come from the cache (the same input again: its tokens likely too);
    `key` is input_key(texts) when the caller has it already."""
    if cache and key is None:
        key = input_key(texts)
    known = cache.get_texts(key, len(texts)) if cache and key else None
    if known is not None:
        if on_hit:
            on_hit()
        return known
    out = [normalize(text) for text in texts]
    if cache and key:
        cache.put_texts(key, out)
    return out


def cached_tokens(
    texts: list[str],
    tokenizer: Tokenizer,
    lexicon: Lexicon,
    jobs: int,
    cache: TokenCache | None,
    report: Callable[[str, int, int], None],
    notices: list[str],
    engine: Any = None,
) -> list[list[str]]:
    """Tokens for normalised texts: from the cache where known, the rest tokenised (in parallel,
    by `engine` when one is given: engines/).

    Each distinct text is looked up and tokenised once, and its copies share one token list
    (nothing downstream changes a list): surveys and petitions repeat texts word for word.
    """
    first: dict[str, int] = {}
    for text in texts:
        first.setdefault(text, len(first))
    distinct = list(first)
    namespace = f"{tokenizer.version}|{lexicon.fingerprint}|n{NORMALIZE_VERSION}"
    # The same input again (the usual second run) is one entry; otherwise text by text.
    run_key = TokenCache.key_of_all(namespace, distinct) if cache else b""
    whole = cache.get_run(run_key, len(distinct)) if cache else None
    if cache and whole is not None:
        report("tokenising", len(distinct), len(distinct))
        cache.tell(notices)
        return [whole[first[text]] for text in texts]
    keys = TokenCache.keys(namespace, distinct) if cache else []
    known = cache.get_many(keys) if cache else {}
    todo = [k for k in range(len(distinct)) if not cache or keys[k] not in known]
    total = len(distinct)
    cached = total - len(todo)
    report("tokenising", cached, total)
    todo_texts = [distinct[k] for k in todo]
    step = lambda done: report("tokenising", cached + done, total)  # noqa: E731
    fresh = engine.tokenize(todo_texts, tokenizer, lexicon, step) if engine is not None else tokens_parallel(todo_texts, tokenizer, lexicon, jobs, step)
    report("tokenising", total, total)
    lists: list[list[str]] = [known.get(key, []) for key in keys] if cache else [[] for _ in distinct]
    for k, tokens in zip(todo, fresh, strict=True):
        lists[k] = tokens
    if cache:
        cache.put_many([(keys[k], tokens) for k, tokens in zip(todo, fresh, strict=True)])
        cache.put_run(run_key, lists)
        cache.tell(notices)
    return [lists[first[text]] for text in texts]
