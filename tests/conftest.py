from __future__ import annotations

import os
from pathlib import Path

# The compiled kernels index arrays without bounds checks; under test an index out of range must
# fail loudly (IndexError) rather than read or write past an array. Set before numba is imported.
# numba's cache key does not include this flag, so the checked code is cached apart from the
# package's, or later runs outside the tests would load the slower checked code.
os.environ.setdefault("NUMBA_BOUNDSCHECK", "1")
os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(__file__).parent.parent / ".pytest_cache" / "numba-boundscheck"))

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
SAMPLES = Path(__file__).parent.parent / "data" / "samples"


@pytest.fixture(autouse=True)
def _stable_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # Output assertions must not depend on the developer's terminal.
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    # ... nor on the developer's locale: messages are English and exports keep their defaults
    # unless a test asks for a language (tests/cli/test_korean.py).
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(autouse=True)
def _private_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Tests never read or fill the developer's real token cache.
    monkeypatch.setenv("TASKDEDUP_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def samples() -> Path:
    return SAMPLES
