"""Which export format a file name asks for, and whether that format can hold the result."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from taskdedup.errors import OutputError
from taskdedup.messages import msg

if TYPE_CHECKING:
    from taskdedup.results import Result

# Each writer is imported when its format is written: a command checks its file names with this
# module before it reads anything, and a mistake there is said without importing pandas or scipy.

EXPORT_SUFFIXES = (".csv", ".xlsx", ".json", ".html")

XLSX_ROWS = 1_048_576  # rows per sheet in Excel, the header included


def check_fits(path: Path, rows: int) -> None:
    """Fail before the long work when the output format cannot hold one line per input row."""
    if path.suffix.lower() == ".xlsx" and rows + 1 > XLSX_ROWS:
        raise OutputError(
            msg(
                '{path}: an .xlsx sheet holds {limit:,} rows below its header and the input has {rows:,}; write .csv or .json '
                'instead',
                path=path, limit=XLSX_ROWS - 1, rows=rows
            )
        )


def render_export(result: Result, path: Path, lang: str | None = None) -> bytes:
    """The bytes of the export `path` names by its suffix; writing them is files.py's job.

    `lang` (ko, en) is the language of the workbook, the report and the CSV's columns and values;
    None keeps each one's default: a Korean workbook and report (their readers are the council), an
    English CSV (the column names scripts read). JSON is the machine interface: one schema, English
    keys and values, whatever the language."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        check_fits(path, len(result.rows))
        from taskdedup.output.workbook import to_xlsx  # XlsxWriter only for workbook writers

        return to_xlsx(result, lang or "ko")
    if suffix == ".html":
        from taskdedup.output.report import to_html  # only report writers pay for the 2-D layout

        return to_html(result, lang or "ko")
    if suffix == ".csv":
        from taskdedup.output.csvfile import to_csv

        return to_csv(result, lang or "en")
    from taskdedup.output.jsonfile import to_json

    return to_json(result)
