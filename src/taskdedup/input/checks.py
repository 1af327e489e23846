"""What an analyst should hear about the input before trusting the result: one notice each."""

from __future__ import annotations

import re
from collections.abc import Sequence

from taskdedup.input.columns import Columns
from taskdedup.input.submissions import Submission
from taskdedup.input.table import Table
from taskdedup.messages import msg

# Control characters (what text pasted from HWP or PDF carries: \x0b line tabs, \x0c page breaks,
# escape codes); tab, newline and carriage return are ordinary text. An XML file cannot hold them,
# so the workbook writer (output/sheets.py) replaces them with a space, as the notice says.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _rows(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:5])
    return shown + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")


def input_notices(table: Table, columns: Columns, submissions: Sequence[Submission]) -> list[str]:
    notices = [*table.notices]
    if table.blank_rows:
        notices.append(msg('ignored {blank_rows} completely blank row(s)', blank_rows=table.blank_rows))
    # The fields as columns, by one transpose in C (a comprehension per field over 85,856 rows
    # took 0.1 s of a run that then finds nothing).
    _, ids, agencies, fields, titles, texts, *_ = zip(*submissions, strict=True) if submissions else [()] * 8
    if columns.id:
        duplicated = len(ids) - len(set(ids))
        if duplicated:
            notices.append(msg("id column '{id}' repeats {duplicated} value(s); rows stay separate", id=columns.id, duplicated=duplicated))
    control: list[int] = []
    if any(CONTROL_CHARACTERS.search("\n".join(column)) for column in (texts, titles, agencies, fields, ids)):  # almost no input has any
        control = [s.row_number for s in submissions if any(CONTROL_CHARACTERS.search(v) for v in (s.text, s.title, s.agency, s.field, s.row_id))]
    if control:
        notices.append(
            msg(
                '{n_control} row(s) hold control characters (as text pasted from HWP or PDF does), data row(s) {row_list}: they '
                'are ignored for matching and written as spaces in an .xlsx, which cannot store them',
                n_control=len(control), row_list=_rows(control)
            )
        )
    return notices


def sheet_hint(table: Table) -> str:
    """For an error: a workbook whose sheet read is not the survey (a cover page, a guide)."""
    if not table.other_sheets:
        return ""
    listed = ", ".join(f"'{n}'" for n in table.other_sheets[:10])
    return msg(" (sheet '{sheet}' was read; the workbook also has {listed}: choose one with --sheet)", sheet=table.sheet, listed=listed)


def formula_hint(table: Table) -> str:
    """For an error: text that is empty because its formulas were never calculated."""
    if not table.unsaved_formulas:
        return ""
    return msg(" ({count} formula cell(s) have no saved value: open the file in Excel or LibreOffice, save it, and run again)",
               count=table.unsaved_formulas)
