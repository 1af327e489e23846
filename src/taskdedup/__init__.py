"""taskdedup: find duplicate and overlapping task proposals and propose merges.

The library in four names, imported only when first used, so `import taskdedup` stays fast:

    >>> import taskdedup
    >>> table = taskdedup.read_table("data/samples/survey_2018.csv")
    >>> result = taskdedup.run(table, taskdedup.Settings(threshold=0.3))
    >>> result.summary.rows_read, result.summary.proposals
    (52, 15)
    >>> first = result.proposals[0]
    >>> first.kind, first.size, first.representative.submission.title
    ('cross-agency', 7, 'AI 챗봇을 활용한 민원 안내 서비스')
    >>> taskdedup.write_exports(result, ["proposals.xlsx", "members.csv"])  # doctest: +SKIP

`read_table(path)` reads .xlsx/.xls/.csv/.tsv/.txt (or "-" for stdin) into a `Table`; `run(table,
settings)` clusters it into a `Result` (clusters, proposals with their evidence, themes, every row's
outcome); `write_exports(result, paths)` writes the exports the suffixes name, all or none. Errors a
user can fix raise `taskdedup.errors.TaskdedupError` subclasses with a one-line message.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taskdedup.config import Settings
    from taskdedup.input.tables import read_table
    from taskdedup.output.api import write_exports
    from taskdedup.pipeline import run
    from taskdedup.results import Result

# name -> module that defines it; resolved on first use (PEP 562)
_LAZY = {
    "read_table": "taskdedup.input.tables",
    "Settings": "taskdedup.config",
    "run": "taskdedup.pipeline",
    "Result": "taskdedup.results",
    "write_exports": "taskdedup.output.api",
}

__all__ = ["Result", "Settings", "__version__", "read_table", "run", "write_exports"]


def _version() -> str:
    # Looked up when first asked for (exports, --version), not at import: importlib.metadata
    # scans every installed distribution, ~45 ms in each process, tokeniser workers included.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("taskdedup")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()[name] = value = _version()
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'taskdedup' has no attribute '{name}'")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
