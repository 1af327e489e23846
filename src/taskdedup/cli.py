"""The command line: options -> Settings -> pipeline -> render / export. Only this module knows Typer.

Library errors (TaskdedupError) become one line on stderr and their exit code here, in one place.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from taskdedup import __version__
from taskdedup.config import DEFAULT_KEYWORDS, DEFAULT_THRESHOLD, DEFAULT_TOKENIZER, ColumnSpec, Settings
from taskdedup.errors import TaskdedupError
from taskdedup.export import EXPORT_SUFFIXES, render_export, to_json
from taskdedup.io import check_output_path, read_table, write_outputs
from taskdedup.pipeline import run
from taskdedup.render import render_plain, render_rich
from taskdedup.tokenizers import BACKENDS

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Find duplicate and overlapping task proposals across agencies, and propose merges.",
)

TokenizerName = Enum("TokenizerName", {name: name for name in BACKENDS}, type=str)  # type: ignore[misc]


class LinkageName(str, Enum):
    average = "average"
    complete = "complete"
    single = "single"


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"taskdedup {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Find duplicate and overlapping task proposals across agencies, and propose merges."""


def _positive(value: float) -> float:
    if value <= 0:
        raise typer.BadParameter("must be above 0 (1 groups only identical texts)")
    return value


def _error(message: str) -> None:
    sys.stderr.write(f"Error: {message}\n")
    sys.stderr.flush()


@contextmanager
def _errors_to_exit(debug: bool) -> Iterator[None]:
    """The one place where library errors become a message and an exit code."""
    try:
        yield
    except TaskdedupError as exc:
        if debug:
            raise
        _error(str(exc))
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        _error("interrupted; no output was written")
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # a bug: still one line, with the way to see more
        if debug:
            raise
        _error(f"unexpected {type(exc).__name__}: {exc}; rerun with --debug and report the traceback")
        raise typer.Exit(1) from None


def _check_suffixes(outputs: list[Path]) -> list[Path]:
    for path in outputs:
        if path.suffix.lower() not in EXPORT_SUFFIXES:
            raise typer.BadParameter(
                f"'{path}' has no known format; end the name with {', '.join(EXPORT_SUFFIXES)}", param_hint="--output"
            )
    return outputs


@app.command()
def cluster(
    input: Annotated[str, typer.Argument(metavar="INPUT", help="Survey file: .xlsx, .xlsm, .xls, .csv, .tsv, .txt, or - for CSV on stdin.")],
    output: Annotated[
        Optional[list[Path]],
        typer.Option("--output", "-o", metavar="PATH", help="Write results here; format by suffix: .xlsx, .csv (members), .json. Repeatable."),
    ] = None,
    tokenizer: Annotated[
        Optional[TokenizerName], typer.Option("--tokenizer", "-t", metavar="NAME", help=f"Korean tokenizer: {', '.join(BACKENDS)} [default: {DEFAULT_TOKENIZER}].")
    ] = None,
    threshold: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, metavar="SIM", callback=_positive, help="Similarity (0-1] at which tasks are grouped; lower merges more."
        ),
    ] = DEFAULT_THRESHOLD,
    linkage: Annotated[LinkageName, typer.Option(metavar="average|complete|single", help="How the similarity of two groups is measured.")] = LinkageName.average,
    text_col: Annotated[
        Optional[list[str]], typer.Option("--text-col", metavar="COL", help="Text column to compare; repeat to join (title, then description).")
    ] = None,
    id_col: Annotated[Optional[str], typer.Option("--id-col", metavar="COL", help="Column with the task id.")] = None,
    agency_col: Annotated[Optional[str], typer.Option("--agency-col", metavar="COL", help="Column with the submitting agency.")] = None,
    field_col: Annotated[Optional[str], typer.Option("--field-col", metavar="COL", help="Column with the field or category.")] = None,
    encoding: Annotated[Optional[str], typer.Option(metavar="NAME", help="Text encoding of a CSV (e.g. utf-8, cp949); detected if omitted.")] = None,
    sheet: Annotated[Optional[str], typer.Option(metavar="NAME|NUMBER", help="Workbook sheet, by name or number from 1 [default: first].")] = None,
    keywords: Annotated[int, typer.Option(min=1, max=50, metavar="N", help="Keywords shown per proposal.")] = DEFAULT_KEYWORDS,
    format: Annotated[OutputFormat, typer.Option("--format", metavar="text|json", help="Terminal output: text, or json for scripts.")] = OutputFormat.text,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")] = False,
) -> None:
    """Group similar task proposals and propose merges."""
    outputs = _check_suffixes(output or [])
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    with _errors_to_exit(debug):
        for path in outputs:
            check_output_path(path, input_path=input)
        settings = Settings(
            tokenizer=tokenizer.value if tokenizer else DEFAULT_TOKENIZER,
            tokenizer_is_default=tokenizer is None,
            threshold=threshold,
            linkage=linkage.value,  # type: ignore[arg-type]
            keywords=keywords,
            columns=ColumnSpec(id_col=id_col, agency_col=agency_col, field_col=field_col, text_cols=tuple(text_col or ())),
        )
        started = time.perf_counter()
        table = read_table(input, encoding=encoding, sheet=sheet)
        read_seconds = time.perf_counter() - started
        result = run(table, settings)
        result.timings = {"read": read_seconds, **result.timings}
        if not quiet:
            err.print(f"columns: {result.columns.describe()}")
            for notice in result.notices:
                err.print(f"notice: {notice}")
        started = time.perf_counter()
        write_outputs({path: render_export(result, path) for path in outputs})
        result.timings["write"] = time.perf_counter() - started
        if quiet:
            return
        if format is OutputFormat.json:
            sys.stdout.write(to_json(result).decode("utf-8"))
        elif sys.stdout.isatty():
            render_rich(result, Console())
        else:
            sys.stdout.write(render_plain(result))
        for path in outputs:
            err.print(f"wrote {path}")


def main() -> None:
    app()
