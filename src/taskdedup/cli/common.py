"""Steps every command that clusters an input takes: build the settings, read, prepare, say what was read."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console

from taskdedup.cli.options import InputOptions, OutputFormat, ReportOptions
from taskdedup.config import Settings
from taskdedup.input.delimited import read_text_file
from taskdedup.input.table import Table
from taskdedup.input.tables import read_table
from taskdedup.pipeline import Prepared, Progress, prepare
from taskdedup.text.lexicon import EMPTY, Lexicon, builtin, parse_lexicon
from taskdedup.text.token_cache import TokenCache, default_cache_dir


def load_lexicon(path: Path | None, disabled: bool) -> Lexicon:
    if disabled:
        return EMPTY
    if path is None:
        return builtin()
    user, replace_builtin = parse_lexicon(read_text_file(str(path)), str(path))
    return user if replace_builtin else builtin().extended(user)


def token_cache(opts: InputOptions) -> TokenCache | None:
    if opts.no_cache:
        return None
    return TokenCache(opts.cache_dir or default_cache_dir())


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def read_input(path: str, opts: InputOptions) -> Table:
    return read_table(path, encoding=opts.encoding, sheet=opts.sheet, header_row=opts.header_row)


def prepare_input(
    table: Table, settings: Settings, opts: InputOptions, *, min_similarity: float | None = None, progress: Progress | None = None
) -> Prepared:
    return prepare(table, settings, min_similarity=min_similarity, progress=progress, jobs=opts.jobs, cache=token_cache(opts))


def say_columns(err: Console, columns_line: str, notices: list[str], quiet: bool) -> None:
    if quiet:
        return
    err.print(f"columns: {columns_line}")
    for notice in notices:
        err.print(f"notice: {notice}")


def show(report: ReportOptions, as_json: Callable[[], str], as_text: Callable[[], str], as_rich: Callable[[Console], Any] | None = None) -> None:
    """A command's result on stdout: JSON for scripts, a Rich table on a terminal, plain text when piped."""
    if report.quiet:
        return
    if report.format is OutputFormat.json:
        sys.stdout.write(as_json())
    elif as_rich is not None and sys.stdout.isatty():
        as_rich(Console())
    else:
        sys.stdout.write(as_text())
