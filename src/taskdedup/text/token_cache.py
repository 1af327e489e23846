"""Token lists on disk, so a second run over the same texts skips the analyser."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

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
    """

    _SEPARATOR = "\x1f"  # unit separator: never in normalised text

    def __init__(self, folder: Path) -> None:
        self.path = folder / "tokens.sqlite3"
        self.problem: str | None = None
        self._db: sqlite3.Connection | None = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path)
            self._db.execute("CREATE TABLE IF NOT EXISTS tokens (key BLOB PRIMARY KEY, tokens TEXT NOT NULL)")
            self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
        except (OSError, sqlite3.Error) as exc:
            self.problem = f"token cache {self.path} unavailable ({exc}); running without it"
            self._db = None

    @staticmethod
    def key(namespace: str, text: str) -> bytes:
        return hashlib.blake2b(f"{namespace}\0{text}".encode(), digest_size=16).digest()

    def get_many(self, keys: list[bytes]) -> dict[bytes, list[str]]:
        if self._db is None:
            return {}
        found: dict[bytes, list[str]] = {}
        try:
            for start in range(0, len(keys), 900):  # SQLite's default limit on bound parameters
                chunk = keys[start : start + 900]
                marks = ",".join("?" * len(chunk))
                for key, tokens in self._db.execute(f"SELECT key, tokens FROM tokens WHERE key IN ({marks})", chunk):
                    found[key] = tokens.split(self._SEPARATOR) if tokens else []
        except sqlite3.Error as exc:
            self.problem = f"token cache {self.path} unreadable ({exc}); running without it"
            return {}
        return found

    def put_many(self, items: list[tuple[bytes, list[str]]]) -> None:
        if self._db is None or not items:
            return
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO tokens (key, tokens) VALUES (?, ?)",
                    ((key, self._SEPARATOR.join(tokens)) for key, tokens in items),
                )
        except sqlite3.Error as exc:
            self.problem = f"token cache {self.path} not written ({exc})"

    def get_vectors(self, keys: list[bytes], dim: int) -> dict[bytes, np.ndarray]:
        """Stored float32 vectors of length `dim`; a stored value of another length is ignored."""
        if self._db is None:
            return {}
        found: dict[bytes, np.ndarray] = {}
        try:
            for start in range(0, len(keys), 900):
                chunk = keys[start : start + 900]
                marks = ",".join("?" * len(chunk))
                for key, blob in self._db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                    if len(blob) == 4 * dim:
                        found[key] = np.frombuffer(blob, dtype="<f4")
        except sqlite3.Error as exc:
            self.problem = f"token cache {self.path} unreadable ({exc}); running without it"
            return {}
        return found

    def put_vectors(self, items: list[tuple[bytes, np.ndarray]]) -> None:
        if self._db is None or not items:
            return
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                    ((key, np.asarray(vector, dtype="<f4").tobytes()) for key, vector in items),
                )
        except sqlite3.Error as exc:
            self.problem = f"token cache {self.path} not written ({exc})"
