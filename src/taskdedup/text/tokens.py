"""Texts -> token lists: normalise, pull out lexicon concepts, analyse the rest, drop boilerplate;
in worker processes for large inputs, and from the token cache where a text was seen before."""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Sequence
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
        # Pieces of a concept the analyser split ("챗봇" -> 챗, 봇) would count it twice. A token is
        # such a piece when it is a substring of a concept found in the text: looked up in the set
        # of those substrings, so the cost stays linear in the text's length.
        pieces = _substrings(concepts) if concepts else frozenset()
        out.append([t for t in lexicon.keep(tokens) if t not in pieces] + concepts)
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


def _work(texts: list[str]) -> list[list[str]]:
    assert _WORKER is not None
    return tokens_of(texts, *_WORKER)


PARALLEL_MIN_TEXTS = 20000  # below this, starting workers costs more than it saves
CHUNK_TEXTS = 5000
REPORT_TEXTS = 1000


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
    chunks = [list(normalised[i : i + CHUNK_TEXTS]) for i in range(0, len(normalised), CHUNK_TEXTS)]
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
        for part in pool.map(_work, chunks):
            out.extend(part)
            if report:
                report(len(out))
    return out


def normalised_texts(texts: list[str], cache: TokenCache | None) -> list[str]:
    """normalize() of each of `texts` (distinct), from the cache when the same texts were
    normalised before: a second run over 85,856 titles spent 0.3 s normalising them again."""
    key = TokenCache.key_of_all(f"normalised|n{NORMALIZE_VERSION}", texts) if cache else b""
    known = cache.get_texts(key, len(texts)) if cache else None
    if known is not None:
        return known
    out = [normalize(text) for text in texts]
    if cache:
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
    keys = [TokenCache.key(namespace, t) for t in distinct] if cache else []
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
