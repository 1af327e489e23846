"""The command line: options -> Settings -> pipeline -> render / export. Only this package knows Typer.

One module per command; the options several commands share are declared once (options.py), and
library errors become one line and an exit code in one place (failures.py). Importing this package
is cheap: `main` imports the commands inside the handling of Ctrl-C, so an interrupt during start-up
is one line too.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["app", "main"]


def _app() -> Any:
    from taskdedup.cli import apply, cluster, evaluate, explain, tune  # noqa: F401  (each registers its command)
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
    _forgiving(sys.stdout)
    _forgiving(sys.stderr)
    try:
        app = _app()
    except KeyboardInterrupt:
        sys.stderr.write("Error: interrupted; no output was written\n")
        raise SystemExit(130) from None
    app()
