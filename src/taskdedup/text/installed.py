"""The installed version of a distribution, read from its dist-info folder beside the package.

Versions key the token and embedding caches, so every run asks for them. importlib.metadata scans
every installed distribution to answer (~80 ms each time); the folder beside the package answers
in a directory listing, and the package itself is never imported.
"""

from __future__ import annotations

import functools
import re
from importlib.util import find_spec
from pathlib import Path


@functools.cache
def installed_version(distribution: str, module: str) -> str | None:
    """The version of `distribution` (whose top-level package is `module`), or None if absent."""
    try:
        spec = find_spec(module)
    except (ImportError, ValueError):  # a broken or blocked install
        return None
    if spec is None or not spec.origin:
        return None
    # Wheels name the folder after the normalised distribution name (PEP 427, PEP 503).
    prefix = re.sub(r"[-_.]+", "_", distribution).lower() + "-"
    found = [p.name for p in Path(spec.origin).parent.parent.glob("*.dist-info") if p.name.lower().startswith(prefix)]
    if len(found) == 1:
        return found[0][len(prefix) : -len(".dist-info")]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return None
