"""Steps every command that clusters an input takes: build the settings, read, prepare, say what was read."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskdedup.cli import language
from taskdedup.cli.options import InputOptions, OutputFormat, ReportOptions
from taskdedup.config import Settings
from taskdedup.messages import msg

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from taskdedup.engines import Engine
    from taskdedup.input.collection import ReadOptions
    from taskdedup.input.table import Table
    from taskdedup.results import Prepared, Progress
    from taskdedup.review.decisions import Decisions
    from taskdedup.review.labels import Label
    from taskdedup.text.lexicon import Lexicon
    from taskdedup.text.token_cache import TokenCache


def load_lexicon(path: Path | None, disabled: bool) -> Lexicon:
    from taskdedup.input.delimited import read_text_file
    from taskdedup.text.lexicon import EMPTY, builtin, parse_lexicon

    if disabled:
        return EMPTY
    if path is None:
        return builtin()
    user, replace_builtin = parse_lexicon(read_text_file(str(path)), str(path))
    return user if replace_builtin else builtin().extended(user)


def token_cache(opts: InputOptions) -> TokenCache | None:
    from taskdedup.text.token_cache import TokenCache, default_cache_dir

    if opts.no_cache:
        return None
    return TokenCache(opts.cache_dir or default_cache_dir())


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def read_input(paths: list[str], opts: InputOptions) -> Table:
    """One survey file as it is; several files, a folder, a glob or a proposal document as one table
    with each row's file (input/collection.py)."""
    from taskdedup.input.collection import DOCUMENT_SUFFIXES, read_collection
    from taskdedup.input.table import STDIN
    from taskdedup.input.tables import read_table

    if len(paths) == 1 and (paths[0] == STDIN or (Path(paths[0]).is_file() and Path(paths[0]).suffix.lower() not in DOCUMENT_SUFFIXES)):
        if opts.agency_from.value == "filename":
            return read_collection(paths, read_options(opts))
        return read_table(paths[0], encoding=opts.encoding, sheet=opts.sheet, header_row=opts.header_row)
    if STDIN in paths:
        from taskdedup.errors import InputError

        raise InputError(msg("- (stdin) can only be the one input; save it to a file to read it with others"))
    return read_collection(paths, read_options(opts))


def read_options(opts: InputOptions) -> ReadOptions:
    from taskdedup.input.collection import ReadOptions

    return ReadOptions(columns=opts.column_spec(), encoding=opts.encoding, sheet=opts.sheet, header_row=opts.header_row,
                       agency_from=opts.agency_from.value, skip_bad_files=opts.skip_bad_files)


def _review_sheets(path: str) -> dict[str, pd.DataFrame]:
    """A review workbook's sheets, or a decisions CSV as one sheet named ''."""
    from taskdedup.input.tables import read_table
    from taskdedup.input.workbooks import read_workbook_sheets

    if path.lower().endswith((".csv", ".tsv", ".txt")):
        return {"": read_table(path).frame.reset_index(drop=True)}
    return read_workbook_sheets(path)


def read_decisions_file(path: str) -> Decisions:
    """Decisions from a review workbook, or from a decisions CSV."""
    from taskdedup.review.decisions import read_decisions

    return read_decisions(_review_sheets(path), path)


def read_labels_file(path: str) -> list[Label]:
    """Labelled pairs from a review workbook (its decisions and its 라벨 요청 answers) or a decisions
    CSV. An answer on the label sheet is about one pair, so it comes first and wins over the
    group decision around it."""
    from taskdedup.review.decisions import read_decisions
    from taskdedup.review.labels import decision_labels, label_answers

    sheets = _review_sheets(path)
    return label_answers(sheets, path) + decision_labels(read_decisions(sheets, path))


@contextmanager
def started_engine(opts: InputOptions, quiet: bool = False) -> Iterator[Engine]:
    """The engine the options ask for, started, and closed after the work inside the block."""
    from taskdedup.engines import make_engine
    from taskdedup.errors import TaskdedupError

    if opts.scheduler and opts.engine.value != "dask":
        raise TaskdedupError(msg("--scheduler {address} is for the Dask engine; add --engine dask", address=opts.scheduler))
    # Said at once, not kept as a notice: the dashboard's address changes every run, and notices
    # go into the workbook, whose bytes must not.
    lines: list[str] = []
    engine = make_engine(opts.engine.value, jobs=opts.jobs or os.cpu_count() or 1, scheduler=opts.scheduler, notices=lines)
    if not quiet:
        for line in lines:
            stderr_console().print(msg("notice: {notice}", notice=line).translate(language.messages()))
    try:
        yield engine
    finally:
        engine.close()


def prepare_input(
    table: Table, settings: Settings, opts: InputOptions, *, min_threshold: float | None = None, progress: Progress | None = None,
    quiet: bool = False, engine: Engine | None = None,
) -> Prepared:
    """`prepare` on the engine the options ask for, started and closed here unless one is given
    (a command that assembles the result reads the join's pairs, which a Dask engine keeps on
    its workers: it passes an engine it keeps open until then)."""
    from taskdedup.pipeline import prepare

    if engine is not None:
        return prepare(table, settings, min_threshold=min_threshold, progress=progress, jobs=opts.jobs, cache=token_cache(opts), engine=engine)
    with started_engine(opts, quiet) as started:
        prepared = prepare(table, settings, min_threshold=min_threshold, progress=progress, jobs=opts.jobs, cache=token_cache(opts), engine=started)
    prepared.engine = None  # closed: proposals from this are made here
    return prepared


def say_columns(err: Console, columns_line: str, notices: list[str], quiet: bool) -> None:
    if quiet:
        return
    lang = language.messages()
    err.print(msg("columns: {columns}", columns=columns_line).translate(lang))
    for notice in notices:
        err.print(msg("notice: {notice}", notice=notice).translate(lang))


def show(report: ReportOptions, as_json: Callable[[], str], as_text: Callable[[], str], as_rich: Callable[[Console], Any] | None = None) -> None:
    """A command's result on stdout: JSON for scripts, a Rich table on a terminal, plain text when piped.
    JSON is printed under --quiet too: a script that asks for it wants it, and only it."""
    from rich.console import Console

    if report.format is OutputFormat.json:
        sys.stdout.write(as_json())
        return
    if report.quiet:
        return
    if as_rich is not None and sys.stdout.isatty():
        as_rich(Console())
    else:
        sys.stdout.write(as_text())


_FILE_SUFFIXES = {".xlsx", ".xls", ".csv", ".tsv", ".txt", ".json", ".html", ".toml", ".hwpx", ".hwp", ".docx", ".pdf"}


_WHERE_IT_RAN = {"engine", "scheduler", "jobs", "cache_dir", "no_cache"}


def command_line(ctx: Any) -> str:
    """The command as the user gave it, rebuilt from what came from the command line (not from
    defaults or taskdedup.toml): for the workbook's 요약, so a reader can run it again. Files are
    named without their folders, like the input file everywhere else: the same run from another
    folder gives the same bytes, and a shared workbook does not show where its author keeps files.
    Where the work ran (--engine, --scheduler, --jobs, the token cache) is left out: it does not
    change the result, and the same run on a laptop or on a cluster writes the same workbook."""
    import shlex
    from enum import Enum

    from typer._click.core import ParameterSource

    from taskdedup.input.table import readable

    def text(value: Any) -> str:
        value = readable(str(value.value if isinstance(value, Enum) else value))
        path = Path(value)
        return path.name if path.suffix.lower() in _FILE_SUFFIXES or (path.name and path.is_dir()) else value

    parts = ["taskdedup", ctx.info_name or ""]
    for param in ctx.command.params:
        if not param.name or param.name in _WHERE_IT_RAN or ctx.get_parameter_source(param.name) is not ParameterSource.COMMANDLINE:
            continue
        value = ctx.params.get(param.name)
        if param.param_type_name == "argument":
            parts.extend(text(v) for v in (value if isinstance(value, list | tuple) else [value]))
            continue
        name = next((o for o in param.opts if o.startswith("--")), param.opts[0])
        if getattr(param, "is_flag", False):
            if value:
                parts.append(name)
            elif param.secondary_opts:
                parts.append(param.secondary_opts[0])
        elif isinstance(value, list | tuple):
            for v in value:
                parts += [name, text(v)]
        elif value is not None:
            parts += [name, text(value)]
    return shlex.join(p for p in parts if p)


def run_date_option(value: str | None) -> str:
    """--run-date: YYYY-MM-DD, or 'today'; '' when not given."""
    import datetime as dt

    if not value:
        return ""
    if value == "today":
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        import typer

        raise typer.BadParameter(msg("'{value}' is not a date; give YYYY-MM-DD or 'today'", value=value)) from None
