"""The one place where library errors become a message on stderr and an exit code."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from taskdedup.errors import TaskdedupError

EXIT_FOUND = 3  # --fail-on: proposals of the named kind exist


def error(message: str) -> None:
    sys.stderr.write(f"Error: {message}\n")
    sys.stderr.flush()


@contextmanager
def errors_to_exit(debug: bool) -> Iterator[None]:
    """Every failure is one line and an exit code; --debug shows the traceback instead."""
    try:
        yield
    except TaskdedupError as exc:
        if debug:
            raise
        error(str(exc))
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        error("interrupted; no output was written")
        raise typer.Exit(130) from None
    except MemoryError:
        if debug:
            raise
        error(
            "out of memory; no output was written. The similar pairs kept for clustering grow as the threshold "
            "falls: raise --threshold (and --theme-threshold, or tune's --from), or use a machine with more memory"
        )
        raise typer.Exit(1) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # a bug: still one line, with the way to see more
        if debug:
            raise
        error(f"unexpected {type(exc).__name__}: {exc}; rerun with --debug and report the traceback")
        raise typer.Exit(1) from None
