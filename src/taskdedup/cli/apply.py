"""`taskdedup apply`: the decisions in a review workbook -> the merged task list."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from taskdedup.cli import language
from taskdedup.cli.failures import errors_to_exit
from taskdedup.cli.options import DebugOpt, LangOpt, QuietOpt
from taskdedup.cli.root import app
from taskdedup.messages import msg

if TYPE_CHECKING:
    pass


@app.command()
def apply(
    review: Annotated[str, typer.Argument(metavar="REVIEW", help="The review workbook (.xlsx) with the 결정 column filled in.")],
    output: Annotated[
        list[Path], typer.Option("--output", "-o", metavar="PATH", help="The merged task list: .xlsx or .csv. Repeatable.")
    ],
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
    lang: LangOpt = None,
) -> None:
    """Turn the decisions in a review workbook into the merged task list."""
    for path in output:
        if path.suffix.lower() not in (".xlsx", ".csv"):
            raise typer.BadParameter(msg("'{path}' has no known format; end the name with .xlsx or .csv", path=path), param_hint="--output")
    with errors_to_exit(debug):
        from taskdedup.input.table import must_exist
        from taskdedup.output.files import check_output_path, write_outputs

        must_exist([review])  # before the libraries the work needs are imported
        for path in output:
            check_output_path(path, inputs=[review])
        from taskdedup.input.workbooks import read_workbook_sheets
        from taskdedup.output.applied import render_applied
        from taskdedup.review.apply import apply_decisions

        applied = apply_decisions(read_workbook_sheets(review), review)
        write_outputs({path: render_applied(applied, path, language.exports()) for path in output})
        if not quiet:
            d = applied.decisions
            lang = language.messages()
            extra = ""
            if applied.excluded:
                extra += msg("; {count} task(s) taken out of merged proposals (제외)", count=applied.excluded).translate(lang)
            if applied.splits_in_force:
                extra += msg("; {count} earlier split(s) still in force (결정 기록)", count=applied.splits_in_force).translate(lang)
            line = msg(
                "{tasks} tasks -> {rows} rows: {groups} merged projects from {merged} tasks, {kept} tasks as they were "
                "(decisions: {merge} merge, {split} split, {hold} hold, {undecided} undecided{extra})",
                tasks=applied.tasks_in, rows=len(applied.projects), groups=applied.merged_groups, merged=applied.tasks_merged,
                kept=applied.tasks_in - applied.tasks_merged, merge=d["merge"], split=d["split"], hold=d["hold"], undecided=d["undecided"],
                extra=extra,
            )
            sys.stdout.write(line.translate(lang) + "\n")
