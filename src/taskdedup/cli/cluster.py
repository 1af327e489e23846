"""`taskdedup cluster`: the main job, from a survey file to proposals, exports and a CI verdict."""

from __future__ import annotations

import sys
import time
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from typer._click.core import ParameterSource

from taskdedup.cli import keep_to_exit, language
from taskdedup.cli.common import (
    command_line,
    prepare_input,
    read_decisions_file,
    read_input,
    run_date_option,
    say_columns,
    show,
    started_engine,
    stderr_console,
)
from taskdedup.cli.failures import EXIT_FOUND, errors_to_exit
from taskdedup.cli.options import InputOptions, InputsArg, ReportOptions, expand_groups, positive
from taskdedup.cli.root import app
from taskdedup.config import DEFAULT_KEYWORDS, DEFAULT_THEME_THRESHOLD, DEFAULT_THRESHOLD
from taskdedup.messages import msg

if TYPE_CHECKING:
    from taskdedup.results import Prepared, Result
    from taskdedup.review.decisions import Decisions


class FailOn(str, Enum):
    cross_agency = "cross-agency"
    any = "any"


AUTO = "auto"
DEFAULT_TOP = 20  # a screenful; the workbook and JSON hold every proposal
AUTO_RANGE = (0.05, 0.95, 0.05)  # thresholds (probabilities) --threshold auto chooses among


def _threshold_or_auto(value: str) -> str:
    if value == AUTO:
        return value
    try:
        number = float(value)
    except ValueError:
        raise typer.BadParameter(msg("'{value}' is neither a number in (0, 1] nor 'auto'", value=value)) from None
    if not 0 < number <= 1:
        raise typer.BadParameter(msg("{value} is not in (0, 1] (1 groups only identical texts)", value=value))
    return value


def _check_suffixes(outputs: list[Path]) -> list[Path]:
    from taskdedup.output.formats import EXPORT_SUFFIXES

    for path in outputs:
        if path.suffix.lower() not in EXPORT_SUFFIXES:
            raise typer.BadParameter(
                msg("'{path}' has no known format; end the name with {suffixes}", path=path, suffixes=", ".join(EXPORT_SUFFIXES)), param_hint="--output"
            )
    return outputs


@app.command()
@expand_groups
def cluster(
    ctx: typer.Context,
    input: InputsArg,
    output: Annotated[
        Optional[list[Path]],
        typer.Option("--output", "-o", metavar="PATH", help="Write results here; format by suffix: .xlsx (review workbook), .csv (members), .json, .html (report). Repeatable."),
    ] = None,
    threshold: Annotated[
        str,
        typer.Option(
            metavar="P|auto",
            callback=_threshold_or_auto,
            help=f"Probability (0-1] that tasks are one project at which they are grouped; lower merges more [default: {DEFAULT_THRESHOLD:g}, "
            "more likely one project than not]. 'auto' picks the best silhouette.",
        ),
    ] = str(DEFAULT_THRESHOLD),
    theme_threshold: Annotated[
        Optional[float],
        typer.Option("--theme-threshold", min=0.0, max=1.0, metavar="P", callback=positive,
                     help=f"Lower probability at which clusters join into themes (never above --threshold) [default: {DEFAULT_THEME_THRESHOLD:g}]."),
    ] = None,
    opts: InputOptions = InputOptions(),
    keywords: Annotated[int, typer.Option(min=1, max=50, metavar="N", help="Keywords shown per proposal.")] = DEFAULT_KEYWORDS,
    decisions: Annotated[
        Optional[str],
        typer.Option("--decisions", metavar="REVIEW", help="A review workbook (or decisions CSV) from an earlier run: its 병합 groups stay together, 분리 ones apart."),
    ] = None,
    fail_on: Annotated[
        Optional[FailOn],
        typer.Option("--fail-on", metavar="cross-agency|any", help=f"Exit {EXIT_FOUND} when such proposals exist (for CI jobs)."),
    ] = None,
    run_date: Annotated[
        Optional[str],
        typer.Option("--run-date", metavar="YYYY-MM-DD|today", callback=run_date_option,
                     help="Date written in the review workbook's 요약 and properties; left out when not given, so equal runs give equal files."),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", min=0, metavar="N", help="Proposals and themes shown on the terminal, strongest first; 0 shows all.")
    ] = DEFAULT_TOP,
    report: ReportOptions = ReportOptions(),
) -> None:
    """Group similar task proposals and propose merges."""
    outputs = _check_suffixes(output or [])
    err = stderr_console()
    lang = language.messages()
    quiet = report.quiet
    with errors_to_exit(report.debug):
        from taskdedup.input.table import must_exist
        from taskdedup.output.files import check_output_path, write_outputs

        # What can be told at once is, before the libraries the work needs are imported.
        must_exist([*input, *([decisions] if decisions else [])])
        for path in outputs:
            check_output_path(path, inputs=input)
        from taskdedup.output.formats import check_fits, render_export
        from taskdedup.output.jsonfile import to_json
        from taskdedup.output.progress import progress_bars
        from taskdedup.output.terminal import render_plain, render_rich, timings_line
        from taskdedup.results import RunInfo

        auto = threshold == AUTO
        # Not given (neither on the command line nor in taskdedup.toml): the team model's threshold, if any.
        given = ctx.get_parameter_source("threshold") not in (ParameterSource.DEFAULT, None)
        settings = opts.settings(
            threshold=DEFAULT_THRESHOLD if auto else float(threshold) if given else None, theme_threshold=theme_threshold, keywords=keywords
        )
        decided = read_decisions_file(decisions) if decisions else None  # fail before the long work
        with progress_bars(enabled=not quiet and sys.stderr.isatty(), lang=lang) as progress:
            started = time.perf_counter()
            progress("reading", 0, 1)
            table = read_input(input, opts)
            progress("reading", 1, 1)
            read_seconds = time.perf_counter() - started
            for path in outputs:
                check_fits(path, len(table.frame))
            with started_engine(opts, quiet) as engine:  # open until the cut: a Dask engine's workers hold the join's pairs
                prepared = prepare_input(table, settings, opts, min_threshold=AUTO_RANGE[0] if auto else None, progress=progress, quiet=quiet,
                                         engine=engine)
                result = _cut(prepared, auto, decided, review_pairs=any(p.suffix.lower() == ".xlsx" for p in outputs))
            result.timings = {"read": read_seconds, **result.timings}
            result.run = RunInfo(command=command_line(ctx), date=run_date or "")
            workbook = []
            if any(p.suffix.lower() == ".xlsx" for p in outputs):
                from taskdedup.output.workbook import workbook_notices  # XlsxWriter: only when a workbook is written

                workbook = workbook_notices(result)
            say_columns(progress.console or err, result.columns.describe(), [*result.notices, *workbook], quiet)
            started = time.perf_counter()
            progress("writing", 0, 1)
            write_outputs({path: render_export(result, path, language.exports()) for path in outputs})
            progress("writing", 1, 1)
            result.timings["write"] = time.perf_counter() - started
        if report.verbose and not quiet:
            err.print(timings_line(result.timings, lang), style="dim")
        show(report, lambda: to_json(result, timings=report.verbose).decode("utf-8"), lambda: render_plain(result, top, lang),
             lambda console: render_rich(result, console, top, lang))
        if not quiet:
            for path in outputs:
                err.print(msg("wrote {path}", path=path).translate(lang))
    keep_to_exit(table, prepared, result)
    _fail_on(result, fail_on)


def _fail_on(result: Result, fail_on: FailOn | None) -> None:
    """Exit 3 when proposals of the kind exist; with --decisions, only those nobody has decided yet
    and the merged groups new tasks joined (재검토), so that a scheduled job fails on new work, not
    on every run after the first finding."""
    from taskdedup.review.proposals import CROSS_AGENCY

    if fail_on is None:
        return
    wanted = [c for c in result.proposals if fail_on is FailOn.any or c.kind == CROSS_AGENCY]
    found = [c for c in wanted if c.cluster_id not in result.carried]
    reopened = [c for c in wanted if c.cluster_id in result.reopened]
    if found or reopened:
        cross = fail_on is FailOn.cross_agency
        decided = len(wanted) - len(found) - len(reopened)
        parts = []
        if found:
            if decided or reopened:
                parts.append(msg("{count} undecided cross-agency merge proposal(s) found", count=len(found)) if cross
                             else msg("{count} undecided merge proposal(s) found", count=len(found)))
            else:
                parts.append(msg("{count} cross-agency merge proposal(s) found", count=len(found)) if cross
                             else msg("{count} merge proposal(s) found", count=len(found)))
        if reopened:
            parts.append(msg("{count} merged cross-agency group(s) joined by new tasks (재검토)", count=len(reopened)) if cross
                         else msg("{count} merged group(s) joined by new tasks (재검토)", count=len(reopened)))
        lang = language.messages()
        found_text = ", ".join(p.translate(lang) for p in parts)
        line = (msg("{found} (--fail-on {kind}; {decided} decided earlier)", found=found_text, kind=fail_on.value, decided=decided) if decided
                else msg("{found} (--fail-on {kind})", found=found_text, kind=fail_on.value))
        sys.stderr.write(f"taskdedup: {line.translate(lang)}\n")
        raise typer.Exit(EXIT_FOUND)


def _cut(prepared: Prepared, auto: bool, decided: Decisions | None, review_pairs: bool) -> Result:
    from taskdedup.pipeline import assemble
    from taskdedup.quality.tune import thresholds_between
    from taskdedup.quality.tune import tune as run_tuning

    if auto:
        tuning = run_tuning(prepared, thresholds_between(*AUTO_RANGE))
        prepared.notices.append(msg('threshold auto: {recommended:g} ({rule} between {low:g} and {high:g})', recommended=tuning.recommended, rule=tuning.rule, low=AUTO_RANGE[0], high=AUTO_RANGE[1]))
        return assemble(prepared, tuning.recommended, decided, review_pairs=review_pairs)
    return assemble(prepared, decisions=decided, review_pairs=review_pairs)
