"""`taskdedup explain`: the similarity of two rows and the terms behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from taskdedup.cli import language
from taskdedup.cli.common import prepare_input, read_input, say_columns, show, stderr_console
from taskdedup.cli.failures import errors_to_exit
from taskdedup.cli.options import InputArg, InputOptions, ReportOptions, ThresholdOpt, expand_groups
from taskdedup.cli.root import app
from taskdedup.config import DEFAULT_THRESHOLD

if TYPE_CHECKING:
    pass


@app.command()
@expand_groups
def explain(
    input: InputArg,
    first: Annotated[str, typer.Argument(metavar="ID1", help="Row id (or #N for data row N).")],
    second: Annotated[str, typer.Argument(metavar="ID2", help="Row id (or #N for data row N).")],
    terms: Annotated[int, typer.Option(min=1, max=100, metavar="N", help="Terms to list in each part.")] = 10,
    threshold: ThresholdOpt = DEFAULT_THRESHOLD,
    opts: InputOptions = InputOptions(),
    report: ReportOptions = ReportOptions(),
) -> None:
    """Show the similarity of two rows and the terms behind it."""
    with errors_to_exit(report.debug):
        from taskdedup.input.table import must_exist

        must_exist([input])  # before the libraries the work needs are imported
        from taskdedup.output.jsonfile import dumps
        from taskdedup.output.records import explanation_to_dict
        from taskdedup.output.terminal import render_explanation
        from taskdedup.quality.explain import explain as run_explain

        settings = opts.settings(threshold=threshold, theme_threshold=threshold)
        prepared = prepare_input(read_input([input], opts), settings, opts)
        say_columns(stderr_console(), prepared.columns.describe(), prepared.notices, report.quiet)
        explanation = run_explain(prepared, first, second, terms)
        show(report, lambda: dumps(explanation_to_dict(explanation)), lambda: render_explanation(explanation, language.messages()))
