"""`taskdedup learn`: the decisions of review rounds -> a match model fitted to the team's own tasks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from taskdedup.cli import language
from taskdedup.cli.common import prepare_input, read_input, read_labels_file, say_columns, show, stderr_console
from taskdedup.cli.failures import errors_to_exit
from taskdedup.cli.options import InputArg, InputOptions, ReportOptions, expand_groups
from taskdedup.cli.root import app
from taskdedup.config import DEFAULT_THRESHOLD
from taskdedup.messages import msg


@app.command()
@expand_groups
def learn(
    input: InputArg,
    reviews: Annotated[
        list[str],
        typer.Argument(metavar="REVIEW...", help="Review workbooks (or decisions CSVs) of this survey, oldest round first: later ones win."),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="FILE", help="Where to write the model (.toml).")],
    opts: InputOptions = InputOptions(),
    report: ReportOptions = ReportOptions(),
) -> None:
    """Fit the match model to your team's decisions (병합 = same project, 분리 = not)."""
    if output.suffix.lower() != ".toml":
        raise typer.BadParameter(msg("'{output}' is not a .toml file; end the name with .toml", output=output), param_hint="--output")
    with errors_to_exit(report.debug):
        from taskdedup.input.table import must_exist
        from taskdedup.output.files import check_output_path, write_outputs

        must_exist([input, *reviews])  # before the libraries the work needs are imported
        check_output_path(output, inputs=[input])
        for review in reviews:
            check_output_path(output, inputs=[review])
        from taskdedup.output.model_file import learning_json, learning_report, model_toml
        from taskdedup.quality.learning import learn_from
        from taskdedup.review.labels import combine, require_labels

        labels = require_labels(combine([read_labels_file(review) for review in reviews]))  # fail before the long work
        settings = opts.settings(threshold=DEFAULT_THRESHOLD)
        prepared = prepare_input(read_input([input], opts), settings, opts)
        say_columns(stderr_console(), prepared.columns.describe(), prepared.notices, report.quiet)
        learning = learn_from(prepared, labels)
        write_outputs({output: model_toml(learning, survey=input, sources=reviews, overruled=labels.overruled)})
    show(report, lambda: learning_json(learning, str(output)), lambda: learning_report(learning, str(output), language.messages()))
