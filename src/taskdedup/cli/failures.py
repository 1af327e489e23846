"""The one place where library errors become a message on stderr and an exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from taskdedup.cli import language
from taskdedup.errors import TaskdedupError
from taskdedup.messages import msg

EXIT_FOUND = 3  # --fail-on: proposals of the named kind exist
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
EXIT_PIPE_CLOSED = 141  # 128 + SIGPIPE: what a C tool reports when the reader (head, less) has gone


def error(message: str) -> None:
    """One line on stderr, in the language of the run (a message made with msg() is translated)."""
    sys.stderr.write(msg("Error: {message}", message=message).translate(language.messages()) + "\n")
    sys.stderr.flush()


@contextmanager
def errors_to_exit(debug: bool) -> Iterator[None]:
    """Every failure is one line and an exit code; --debug shows the traceback instead."""
    try:
        yield
    except TaskdedupError as exc:
        if debug:
            raise
        error(exc.args[0] if exc.args else str(exc))
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        error(msg('interrupted; no output was written'))
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:
        # The reader of stdout went away (`| head`): stop quietly. Later writes, including the
        # interpreter's last flush, go nowhere instead of raising again.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):  # no file descriptor behind stdout (an embedding host)
            pass
        raise typer.Exit(EXIT_PIPE_CLOSED) from None
    except MemoryError:
        if debug:
            raise
        error(
            msg("out of memory; no output was written. The similar pairs kept for clustering grow as the threshold falls: raise --threshold (and --theme-threshold, or tune's --from), or use a machine with more memory")
        )
        raise typer.Exit(1) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # a bug: still one line, with the way to see more
        if isinstance(exc, SystemError) and _interrupted(exc):
            # Ctrl-C inside a compiled (numba) loop surfaces as a SystemError caused by the interrupt.
            error(msg('interrupted; no output was written'))
            raise typer.Exit(EXIT_INTERRUPTED) from None
        if debug:
            raise
        error(msg('unexpected {kind}: {exc}; rerun with --debug and report the traceback', kind=type(exc).__name__, exc=exc))
        raise typer.Exit(1) from None


def _interrupted(exc: BaseException) -> bool:
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False
