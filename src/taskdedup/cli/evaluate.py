"""`taskdedup evaluate`: score the clustering against a gold column or labelled pairs."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from taskdedup.cli import language
from taskdedup.cli.common import prepare_input, read_input, say_columns, show, stderr_console
from taskdedup.cli.failures import errors_to_exit
from taskdedup.cli.options import InputOptions, InputsArg, ReportOptions, ThresholdOpt, expand_groups
from taskdedup.cli.root import app
from taskdedup.config import DEFAULT_THRESHOLD
from taskdedup.messages import msg

if TYPE_CHECKING:
    pass


@app.command()
@expand_groups
def evaluate(
    input: InputsArg,
    gold_col: Annotated[Optional[str], typer.Option("--gold-col", metavar="COL", help="Column with the true group of each row.")] = None,
    pairs: Annotated[
        Optional[str],
        typer.Option("--pairs", metavar="FILE", help="Labelled pairs instead: a table whose first three columns are id, id, 1 (same) or 0."),
    ] = None,
    worst: Annotated[int, typer.Option(min=0, max=100, metavar="N", help="False merges and missed pairs to show.")] = 5,
    threshold: ThresholdOpt = DEFAULT_THRESHOLD,
    opts: InputOptions = InputOptions(),
    report: ReportOptions = ReportOptions(),
) -> None:
    """Score the clustering against a gold grouping column or labelled pairs."""
    if (gold_col is None) == (pairs is None):
        raise typer.BadParameter(msg("give exactly one of --gold-col COL or --pairs FILE"), param_hint="--gold-col / --pairs")
    with errors_to_exit(report.debug):
        from taskdedup.input.table import must_exist

        must_exist([*input, *([str(pairs)] if pairs is not None else [])])  # before the libraries the work needs are imported
        from taskdedup.input.pairs import read_pairs
        from taskdedup.output.jsonfile import dumps
        from taskdedup.output.records import evaluation_to_dict
        from taskdedup.output.terminal import render_evaluation
        from taskdedup.quality.evaluate import columns_without, evaluate_clusters, evaluate_pairs, gold_labels

        settings = opts.settings(threshold=threshold, theme_threshold=threshold)
        table = read_input(input, opts)
        if gold_col is not None:
            settings = replace(settings, columns=columns_without(settings.columns, [str(c) for c in table.frame.columns], gold_col))
        prepared = prepare_input(table, settings, opts)
        say_columns(stderr_console(), prepared.columns.describe(), prepared.notices, report.quiet)
        labels = prepared.cut(settings.threshold)
        if gold_col is not None:
            evaluation = evaluate_clusters(prepared, labels, gold_labels(table.frame, prepared, gold_col), settings.threshold, worst)
        else:
            evaluation = evaluate_pairs(prepared, labels, read_pairs(str(pairs)), settings.threshold, worst)
        show(report, lambda: dumps(evaluation_to_dict(evaluation)), lambda: render_evaluation(evaluation, language.messages()))
