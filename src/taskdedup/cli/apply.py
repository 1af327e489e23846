"""`taskdedup apply`: the decisions in a review workbook -> the merged task list."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from taskdedup.cli.failures import errors_to_exit
from taskdedup.cli.options import DebugOpt, QuietOpt
from taskdedup.cli.root import app

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
) -> None:
    """Turn the decisions in a review workbook into the merged task list."""
    for path in output:
        if path.suffix.lower() not in (".xlsx", ".csv"):
            raise typer.BadParameter(f"'{path}' has no known format; end the name with .xlsx or .csv", param_hint="--output")
    with errors_to_exit(debug):
        from taskdedup.input.workbooks import read_workbook_sheets
        from taskdedup.output.applied import render_applied
        from taskdedup.output.files import check_output_path, write_outputs
        from taskdedup.review.apply import apply_decisions

        for path in output:
            check_output_path(path, input_path=review)
        applied = apply_decisions(read_workbook_sheets(review), review)
        write_outputs({path: render_applied(applied, path) for path in output})
        if not quiet:
            d = applied.decisions
            extra = ""
            if applied.excluded:
                extra += f"; {applied.excluded} task(s) taken out of merged proposals (제외)"
            if applied.splits_in_force:
                extra += f"; {applied.splits_in_force} earlier split(s) still in force (결정 기록)"
            sys.stdout.write(
                f"{applied.tasks_in} tasks -> {len(applied.projects)} rows: {applied.merged_groups} merged projects from "
                f"{applied.tasks_merged} tasks, {applied.tasks_in - applied.tasks_merged} tasks as they were "
                f"(decisions: {d['merge']} merge, {d['split']} split, {d['hold']} hold, {d['undecided']} undecided{extra})\n"
            )
