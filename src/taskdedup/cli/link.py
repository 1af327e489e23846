"""`taskdedup link`: new proposals against existing projects (last year's roadmap, running projects)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from taskdedup.cli import keep_to_exit, language
from taskdedup.cli.common import command_line, say_columns, show, started_engine, stderr_console, token_cache
from taskdedup.cli.failures import errors_to_exit
from taskdedup.cli.options import InputOptions, ReportOptions, ThresholdOpt, expand_groups, positive
from taskdedup.cli.root import app
from taskdedup.config import DEFAULT_THEME_THRESHOLD, DEFAULT_THRESHOLD
from taskdedup.messages import msg

LINK_SUFFIXES = (".xlsx", ".csv", ".json")
SIDE_HELP = "a survey file, a proposal document, or a folder (or quoted glob) of them"


@app.command()
@expand_groups
def link(
    ctx: typer.Context,
    new: Annotated[str, typer.Argument(metavar="NEW", help=f"This round's proposals: {SIDE_HELP}.")],
    existing: Annotated[str, typer.Argument(metavar="EXISTING", help=f"Projects that already exist (last year's roadmap, running projects): {SIDE_HELP}.")],
    output: Annotated[
        Optional[list[Path]],
        typer.Option("--output", "-o", metavar="PATH", help="Write results here; format by suffix: .xlsx (a workbook to decide in), .csv, .json. Repeatable."),
    ] = None,
    threshold: ThresholdOpt = DEFAULT_THRESHOLD,
    check_from: Annotated[
        float,
        typer.Option("--check-from", min=0.0, max=1.0, metavar="P", callback=positive,
                     help="Probability from which an existing project is shown as a candidate; below --threshold it is 'to check' (확인 필요)."),
    ] = DEFAULT_THEME_THRESHOLD,
    top: Annotated[int, typer.Option("--top", min=0, metavar="N", help="New rows shown on the terminal, strongest match first; 0 shows all.")] = 20,
    opts: InputOptions = InputOptions(),
    report: ReportOptions = ReportOptions(),
) -> None:
    """For each new proposal, the existing projects it duplicates (top 3, with probabilities)."""
    outputs = output or []
    for path in outputs:
        if path.suffix.lower() not in LINK_SUFFIXES:
            raise typer.BadParameter(msg("'{path}' has no known format; end the name with {suffixes}", path=path, suffixes=", ".join(LINK_SUFFIXES)),
                                     param_hint="--output")
    if check_from > threshold:
        raise typer.BadParameter(msg("--check-from {low:g} is above --threshold {high:g}; give a lower probability", low=check_from, high=threshold),
                                 param_hint="--check-from")
    with errors_to_exit(report.debug):
        from taskdedup.input.table import must_exist
        from taskdedup.output.files import check_output_path, write_outputs

        must_exist([new, existing])  # before the libraries the work needs are imported
        for path in outputs:
            check_output_path(path, inputs=[new, existing])
        from taskdedup.cli.common import read_options
        from taskdedup.input.collection import read_sides
        from taskdedup.linking import link as run_link
        from taskdedup.output.jsonfile import dumps
        from taskdedup.output.links import link_records, link_text, render_link_export
        from taskdedup.results import RunInfo

        settings = opts.settings(threshold=threshold, theme_threshold=check_from)  # the candidates' floor is the themes'
        both, new_files = read_sides([new], [existing], read_options(opts))
        with started_engine(opts, report.quiet) as engine:
            result = run_link(both, new_files, settings, jobs=opts.jobs, cache=token_cache(opts), engine=engine)
        result.run = RunInfo(command=command_line(ctx))
        say_columns(stderr_console(), result.inside.columns.describe(), result.notices, report.quiet)
        write_outputs({path: render_link_export(result, path, language.exports()) for path in outputs})
    lang = language.messages()
    show(report, lambda: dumps({"links": link_records(result)}), lambda: link_text(result, top, lang))
    if not report.quiet:
        for path in outputs:
            stderr_console().print(msg("wrote {path}", path=path).translate(lang))
    keep_to_exit(both, result)
