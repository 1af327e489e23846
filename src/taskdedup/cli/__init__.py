"""The command line: options -> Settings -> pipeline -> render / export. Only this package knows Typer.

One module per command; the options several commands share are declared once (options.py), and
library errors become one line and an exit code in one place (failures.py). Importing this package
is cheap: `main` imports the commands inside the handling of Ctrl-C, so an interrupt during start-up
is one line too.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Any

__all__ = ["app", "keep_to_exit", "main"]

_ENDS_WITH_COMMAND = False  # main() sets it: this process ends with the command (_leave)
_KEPT: list[Any] = []


def keep_to_exit(*objects: Any) -> None:
    """Hold a command's large objects until the process ends. When a command returns, its locals are
    freed object by object (~0.15 s after 85,856 titles: submissions, members, clusters, the
    matrix), moments before _leave ends the process without freeing anything. Outside main (tests,
    a caller of the library or of `app`) nothing is held."""
    if _ENDS_WITH_COMMAND:
        _KEPT.extend(objects)


def _app() -> Any:
    from taskdedup.cli import apply, cluster, evaluate, explain, learn, link, tune  # noqa: F401  (each registers its command)
    from taskdedup.cli.root import app

    return app


def __getattr__(name: str) -> Any:
    if name == "app":
        return _app()
    raise AttributeError(f"module 'taskdedup.cli' has no attribute '{name}'")


def _forgiving(stream: Any) -> None:
    # A console or redirect that cannot encode a character (cp949 and an emoji) must not fail a run
    # whose outputs are already written: show a replacement character instead.
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        try:
            reconfigure(errors="replace")
        except (ValueError, OSError):  # a closed or detached stream: nothing to show anyway
            pass


def main() -> None:
    """The console entry point: runs one command and ends the process with its exit code."""
    global _ENDS_WITH_COMMAND
    _forgiving(sys.stdout)
    _forgiving(sys.stderr)
    try:
        app = _app()
    except KeyboardInterrupt:
        sys.stderr.write("Error: interrupted; no output was written\n")
        raise SystemExit(130) from None
    from taskdedup.cli.help import help_language, localized

    # The process ends with the command (_leave), so the collector, off while a command runs
    # (root._collector_off), need not come back on for one last pass over everything it built.
    gc.disable()
    _ENDS_WITH_COMMAND = True
    try:
        localized(app, help_language())()
    except SystemExit as done:  # how every command ends, well or not
        _leave(done.code)


def _leave(code: int | str | None) -> None:
    """End the process once a command is done, without tearing its heap down.

    By then every output is written and closed (files are renamed into place, the token cache
    commits each write), and nothing the CLI starts needs an exit handler. Interpreter teardown
    frees every object and module one by one: 0.3 s of the sample's 2.6 s and about 1 s after
    85,856 titles (docs/BENCHMARKS.md), time the analyst waits for nothing.
    """
    if isinstance(code, str):  # SystemExit("message") prints the message and exits 1
        sys.stderr.write(code + "\n")
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader gone or a stream closed: nothing more to show
            pass
    os._exit(code or 0)
