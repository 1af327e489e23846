"""Token lists on disk, so a second run over the same texts skips the analyser."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskdedup.messages import msg

if TYPE_CHECKING:
    import numpy as np


def default_cache_dir() -> Path:
    """The user's cache folder for taskdedup; TASKDEDUP_CACHE_DIR overrides it."""
    override = os.environ.get("TASKDEDUP_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("taskdedup"))


class TokenCache:
    """Token lists, keyed by (text, tokenizer version, lexicon), and sentence embeddings, keyed by
    (text, model and its version), on disk in one SQLite file.

    A cache that cannot be opened or written never fails a run: `problem` says why it was skipped.

    Writes made inside `behind()` are written by a thread once it ends, while the run goes on;
    every later use of the cache, and `settle()`, waits for them first.
    """

    _SEPARATOR = "\x1f"  # unit separator: never in normalised text
    _LIST_SEPARATOR = "\x1e"  # record separator, between the lists of a whole input: never in normalised text
    RUNS_KEPT = 8  # whole-input entries kept (two per input: its normalised texts, its tokens), the latest written
    TREES_KEPT = 6  # merge-tree entries kept (three per tree: its join's pairs, the tree, a hint; ~30 MB at 85,856 titles), the latest written

    def __init__(self, folder: Path) -> None:
        self.path = folder / "tokens.sqlite3"
        self.problem: str | None = None
        self._db: sqlite3.Connection | None = None
        self._held: list[Callable[[], None]] | None = None  # writes queued inside behind()
        self._writer: threading.Thread | None = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # One thread at a time uses the connection (settle() hands it back from the writer), so
            # the writer may be another thread than the one that opened it.
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            self._db.execute("CREATE TABLE IF NOT EXISTS tokens (key BLOB PRIMARY KEY, tokens TEXT NOT NULL)")
            self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
            self._db.execute("CREATE TABLE IF NOT EXISTS runs (key BLOB PRIMARY KEY, count INTEGER NOT NULL, tokens TEXT NOT NULL)")
            self._db.execute("CREATE TABLE IF NOT EXISTS trees (key BLOB PRIMARY KEY, tree BLOB NOT NULL)")
        except (OSError, sqlite3.Error) as exc:
            self.problem = msg("token cache {path} unavailable ({exc}); running without it", path=self.path, exc=exc)
            self._db = None

    @contextmanager
    def behind(self) -> Iterator[None]:
        """Queue the writes made inside; when it ends, write them in a thread, in order.

        A first run over 85,856 titles spent ~0.4 s writing token lists before it could go on; the
        clustering after it holds one core only for ~1 s (its chain), which the writer can use.
        Reads inside do not see the queued writes (the tokenising stage never reads what it wrote).
        """
        self.settle()
        self._held = []
        try:
            yield
        finally:
            held, self._held = self._held, None
            if held:
                self._writer = threading.Thread(target=self._write_all, args=(held,), name="taskdedup-cache-writer")
                self._writer.start()

    def _write_all(self, writes: list[Callable[[], None]]) -> None:
        # SQLite's errors become `problem` where they happen; anything else must not end this
        # thread with a traceback on the user's screen either: the run goes on without the entry.
        try:
            for write in writes:
                write()
        except Exception as exc:  # noqa: BLE001
            self.problem = msg("token cache {path} not written ({exc})", path=self.path, exc=exc)

    def settle(self) -> None:
        """Wait until the writes queued by `behind()` are on disk (or `problem` says why not)."""
        writer = self._writer
        if writer is not None and writer is not threading.current_thread():
            writer.join()
            self._writer = None

    def _later(self, write: Callable[[], None]) -> bool:
        """Queue `write` when inside behind() (True); otherwise wait for the writer (False)."""
        if self._held is not None:
            self._held.append(write)
            return True
        self.settle()
        return False

    def tell(self, notices: list[str]) -> None:
        """Add why the cache was skipped to a run's notices, once however many stages met it."""
        if self.problem and self.problem not in notices:
            notices.append(self.problem)

    @staticmethod
    def keys(namespace: str, texts: Iterable[str]) -> list[bytes]:
        """Each text's key: BLAKE2b-128 of the namespace, a NUL and the text, in UTF-8. The
        namespace is hashed once and the state copied for each text (hashing the two joined, per
        text, took 0.094 s for 80,000 titles; this 0.052 s)."""
        start = hashlib.blake2b(f"{namespace}\0".encode(), digest_size=16)
        out = []
        for text in texts:
            state = start.copy()
            state.update(text.encode())
            out.append(state.digest())
        return out

    def _read(self, table: str, keys: list[bytes]) -> list[tuple[bytes, Any]] | None:
        """(key, value) rows of `table` for the keys; None (and `problem` set) when it cannot be read."""
        self.settle()
        if self._db is None:
            return []
        rows: list[tuple[bytes, Any]] = []
        column = "tokens" if table == "tokens" else "vector"
        try:
            for start in range(0, len(keys), 900):  # SQLite's default limit on bound parameters
                chunk = keys[start : start + 900]
                marks = ",".join("?" * len(chunk))
                rows.extend(self._db.execute(f"SELECT key, {column} FROM {table} WHERE key IN ({marks})", chunk))
        except sqlite3.Error as exc:
            self.problem = msg("token cache {path} unreadable ({exc}); running without it", path=self.path, exc=exc)
            return None
        return rows

    def _write(self, table: str, rows: Iterable[tuple[bytes, Any]]) -> None:
        if self._db is None or self._later(lambda: self._write(table, rows)):
            return
        column = "tokens" if table == "tokens" else "vector"
        try:
            with self._db:
                self._db.executemany(f"INSERT OR REPLACE INTO {table} (key, {column}) VALUES (?, ?)", rows)
        except sqlite3.Error as exc:
            self.problem = msg("token cache {path} not written ({exc})", path=self.path, exc=exc)

    def get_many(self, keys: list[bytes]) -> dict[bytes, list[str]]:
        rows = self._read("tokens", keys)
        return {} if rows is None else {key: tokens.split(self._SEPARATOR) if tokens else [] for key, tokens in rows}

    def put_many(self, items: list[tuple[bytes, list[str]]]) -> None:
        if items:
            self._write("tokens", ((key, self._SEPARATOR.join(tokens)) for key, tokens in items))

    def get_vectors(self, keys: list[bytes], dim: int) -> dict[bytes, np.ndarray]:
        """Stored float32 vectors of length `dim`; a stored value of another length is ignored."""
        import numpy as np  # here, not at the top: tokeniser worker processes import this module and never read vectors

        rows = self._read("vectors", keys)
        return {} if rows is None else {key: np.frombuffer(blob, dtype="<f4") for key, blob in rows if len(blob) == 4 * dim}

    def put_vectors(self, items: list[tuple[bytes, np.ndarray]]) -> None:
        import numpy as np

        if items:
            self._write("vectors", ((key, np.asarray(vector, dtype="<f4").tobytes()) for key, vector in items))

    def get_texts(self, key: bytes, count: int) -> list[str] | None:
        """The `count` strings (none holding the record separator) stored by `put_texts`; None when
        not stored (or stored for another number of strings)."""
        row = self._one("SELECT count, tokens FROM runs WHERE key = ?", key)
        if row is None or row[0] != count:
            return None
        texts = row[1].split(self._LIST_SEPARATOR) if count else []
        return texts if len(texts) == count else None

    def put_texts(self, key: bytes, texts: list[str]) -> None:
        """Store a whole input's strings as one entry; only the latest RUNS_KEPT entries stay."""
        if self._db is None or self._later(lambda: self.put_texts(key, texts)):
            return
        try:
            with self._db:
                self._db.execute("INSERT OR REPLACE INTO runs (key, count, tokens) VALUES (?, ?, ?)", (key, len(texts), self._LIST_SEPARATOR.join(texts)))
                self._db.execute("DELETE FROM runs WHERE rowid NOT IN (SELECT rowid FROM runs ORDER BY rowid DESC LIMIT ?)", (self.RUNS_KEPT,))
        except sqlite3.Error as exc:
            self.problem = msg("token cache {path} not written ({exc})", path=self.path, exc=exc)

    def get_run(self, key: bytes, count: int) -> list[list[str]] | None:
        """The token lists of a whole input's `count` distinct texts, stored by `put_run`: one read
        and one split instead of a lookup per text (a second run over 85,856 titles spent 0.6 s
        on those)."""
        joined = self.get_texts(key, count)
        return None if joined is None else [tokens.split(self._SEPARATOR) if tokens else [] for tokens in joined]

    def put_run(self, key: bytes, lists: list[list[str]]) -> None:
        if self._db is None or self._later(lambda: self.put_run(key, lists)):
            return
        self.put_texts(key, [self._SEPARATOR.join(tokens) for tokens in lists])

    def get_tree(self, key: bytes) -> bytes | None:
        """A merge-tree entry stored by `put_tree` (clustering/tree_store.py), or None."""
        row = self._one("SELECT tree FROM trees WHERE key = ?", key)
        return None if row is None else bytes(row[0])

    def _one(self, query: str, key: bytes) -> tuple[Any, ...] | None:
        """The row `query` finds for `key`; None when there is none or the cache cannot be read
        (then `problem` says why)."""
        self.settle()
        if self._db is None:
            return None
        try:
            return self._db.execute(query, (key,)).fetchone()
        except sqlite3.Error as exc:
            self.problem = msg("token cache {path} unreadable ({exc}); running without it", path=self.path, exc=exc)
            return None

    def put_tree(self, key: bytes, blob: bytes | Callable[[], bytes | None]) -> None:
        """Store a merge-tree entry, or what a function makes (inside behind(): made by the writer
        thread too); nothing when it makes None. Only the latest TREES_KEPT entries stay."""
        if self._db is None or self._later(lambda: self.put_tree(key, blob)):
            return
        if callable(blob):
            blob = blob()
            if blob is None:
                return
        try:
            with self._db:
                self._db.execute("INSERT OR REPLACE INTO trees (key, tree) VALUES (?, ?)", (key, blob))
                self._db.execute("DELETE FROM trees WHERE rowid NOT IN (SELECT rowid FROM trees ORDER BY rowid DESC LIMIT ?)", (self.TREES_KEPT,))
        except sqlite3.Error as exc:
            self.problem = msg("token cache {path} not written ({exc})", path=self.path, exc=exc)

    @staticmethod
    def key_of_all(namespace: str, texts: list[str]) -> bytes:
        """One key for a whole list of any strings: their lengths are part of it, so no two lists
        share it however their texts hold separators."""
        digest = hashlib.blake2b(namespace.encode(), digest_size=16)
        digest.update(",".join(map(str, map(len, texts))).encode())
        digest.update("\0".join(texts).encode("utf-8", "surrogatepass"))
        return digest.digest()
