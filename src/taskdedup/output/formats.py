"""Which export format a file name asks for, and whether that format can hold the result."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from taskdedup.errors import OutputError
from taskdedup.output.csvfile import to_csv
from taskdedup.output.jsonfile import to_json
from taskdedup.pipeline import Result

EXPORT_SUFFIXES = (".csv", ".xlsx", ".json", ".html")

XLSX_ROWS = 1_048_576  # rows per sheet in Excel, the header included


def check_fits(path: Path, rows: int) -> None:
    """Fail before the long work when the output format cannot hold one line per input row."""
    if path.suffix.lower() == ".xlsx" and rows + 1 > XLSX_ROWS:
        raise OutputError(
            f"{path}: an .xlsx sheet holds {XLSX_ROWS - 1:,} rows below its header and the input has {rows:,}; "
            "write .csv or .json instead"
        )


def render_export(result: Result, path: Path, lang: str = "ko") -> bytes:
    """The bytes of the export `path` names by its suffix; writing them is files.py's job."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        check_fits(path, len(result.rows))
        from taskdedup.output.workbook import to_xlsx  # XlsxWriter only for workbook writers

        return to_xlsx(result, lang)
    if suffix == ".html":
        from taskdedup.output.report import to_html  # only report writers pay for the 2-D layout

        return to_html(result)
    exporters: dict[str, Callable[[Result], bytes]] = {".csv": to_csv, ".json": to_json}
    return exporters[suffix](result)
