from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable
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
ROOT = Path(__file__).parent.parent
SAMPLES = ROOT / "data" / "samples"


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


def fresh_python(script: str) -> str:
    """What `script` prints, run in a new interpreter from the project's root: for what one process
    remembers (started JVMs, compiled kernels) and another test may already have set."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True).stdout


@pytest.fixture
def samples() -> Path:
    return SAMPLES


# The sentence embedding's floats come from compiled code whose rounding differs between CPU models
# (the sample's probabilities moved in the 4th decimal between two machines, the partition did not).
# A golden file therefore matches byte for byte, or, on another machine, with every decimal number
# within SCORE_TOLERANCE and every other byte (ids, order, terms, layout) the same. Identity on one
# machine (row order, --jobs, engines, fast against simple paths) is checked exactly elsewhere.
SCORE_TOLERANCE = 0.005
_DECIMAL = re.compile(rb"-?\d+\.\d+(?:[eE][-+]?\d+)?")


def golden_mismatch(data: bytes, expected: bytes) -> str | None:
    """Why `data` does not match the golden `expected`, or None when it does (see SCORE_TOLERANCE)."""
    if data == expected:
        return None
    if _DECIMAL.sub(b"N", data) != _DECIMAL.sub(b"N", expected):
        return "differs beyond its decimal numbers"
    for got, want in zip(_DECIMAL.findall(data), _DECIMAL.findall(expected), strict=True):
        if abs(float(got) - float(want)) > SCORE_TOLERANCE:
            return f"a number differs by more than {SCORE_TOLERANCE}: {got.decode()} against {want.decode()}"
    warnings.warn(f"golden matched within {SCORE_TOLERANCE}, not byte for byte: this machine rounds the embedding differently", stacklevel=2)
    return None


@pytest.fixture
def golden() -> Callable[[str, bytes], None]:
    """Checks bytes against tests/golden/NAME; UPDATE_GOLDEN=1 pytest rewrites the file instead."""

    def check(name: str, data: bytes) -> None:
        path = GOLDEN / name
        if os.environ.get("UPDATE_GOLDEN"):
            path.write_bytes(data)
        problem = golden_mismatch(data, path.read_bytes())
        assert problem is None, f"{name}: {problem}"

    return check
