"""The command line: options -> Settings -> pipeline -> render / export. Only this package knows Typer.

One module per command; the options several commands share are declared once (options.py), and
library errors become one line and an exit code in one place (failures.py).
"""

from taskdedup.cli import apply, cluster, evaluate, explain, tune  # noqa: E402,F401  (each registers its command)
from taskdedup.cli.root import app, main

__all__ = ["app", "main"]
