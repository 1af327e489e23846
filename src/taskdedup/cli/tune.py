"""`taskdedup tune`: cut one clustering at many thresholds and recommend one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from taskdedup.cli import language
from taskdedup.cli.common import prepare_input, read_input, say_columns, show, stderr_console
from taskdedup.cli.failures import errors_to_exit
from taskdedup.cli.options import InputOptions, InputsArg, ReportOptions, expand_groups
from taskdedup.cli.root import app
from taskdedup.config import DEFAULT_THRESHOLD
from taskdedup.errors import TaskdedupError
from taskdedup.messages import msg

if TYPE_CHECKING:
    pass


@app.command()
@expand_groups
def tune(
    input: InputsArg,
    gold_col: Annotated[Optional[str], typer.Option("--gold-col", metavar="COL", help="Column with the true group: recommend by F1.")] = None,
    start: Annotated[float, typer.Option("--from", min=0.01, max=1.0, metavar="P", help="Lowest threshold (probability) tried.")] = 0.05,
    stop: Annotated[float, typer.Option("--to", min=0.01, max=1.0, metavar="P", help="Highest threshold (probability) tried.")] = 0.95,
    step: Annotated[float, typer.Option("--step", min=0.005, max=0.5, metavar="P", help="Distance between thresholds.")] = 0.05,
    plot: Annotated[Optional[Path], typer.Option("--plot", metavar="PNG", help="Also draw proposals and F1 (or silhouette) against the threshold.")] = None,
    opts: InputOptions = InputOptions(),
    report: ReportOptions = ReportOptions(),
) -> None:
    """Cut one clustering at many thresholds and recommend one."""
    if start > stop:
        raise typer.BadParameter(msg("--from {start:g} is above --to {stop:g}", start=start, stop=stop), param_hint="--from")
    if plot is not None and plot.suffix.lower() != ".png":
        raise typer.BadParameter(msg("'{plot}' must end in .png", plot=plot), param_hint="--plot")
    with errors_to_exit(report.debug):
        from taskdedup.input.table import must_exist
        from taskdedup.output.files import check_output_path, write_outputs

        must_exist(input)  # before the libraries the work needs are imported
        if plot is not None:
            check_output_path(plot, inputs=input)
        from taskdedup.output.jsonfile import dumps
        from taskdedup.output.records import tuning_to_dict
        from taskdedup.output.terminal import render_tuning, render_tuning_rich
        from taskdedup.quality.evaluate import columns_without, gold_labels
        from taskdedup.quality.tune import plot_tuning, thresholds_between
        from taskdedup.quality.tune import tune as run_tuning

        settings = opts.settings(threshold=DEFAULT_THRESHOLD)
        table = read_input(input, opts)
        if gold_col is not None:
            settings = replace(settings, columns=columns_without(settings.columns, [str(c) for c in table.frame.columns], gold_col))
        prepared = prepare_input(table, settings, opts, min_threshold=start)
        say_columns(stderr_console(), prepared.columns.describe(), prepared.notices, report.quiet)
        gold = gold_labels(table.frame, prepared, gold_col) if gold_col else None
        tuning = run_tuning(prepared, thresholds_between(start, stop, step), gold)
        if plot is not None:
            try:
                image = plot_tuning(tuning, DEFAULT_THRESHOLD, language.messages())
            except ImportError:
                raise TaskdedupError(msg("--plot needs matplotlib: pip install 'taskdedup[plot]'")) from None
            write_outputs({plot: image})
            if not report.quiet:
                stderr_console().print(msg("wrote {path}", path=plot).translate(language.messages()))
        show(report, lambda: dumps(tuning_to_dict(tuning)), lambda: render_tuning(tuning, language.messages()),
             lambda console: render_tuning_rich(tuning, console, language.messages()))
