"""Reading a survey table from any supported file: the one entry point, `read_table`.

Reading returns a pandas DataFrame of strings (empty cells as ""), with the header as given, plus
facts about how it was read. Nothing here interprets the columns; see columns.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

from taskdedup.errors import InputError
from taskdedup.input.delimited import read_text_table
from taskdedup.input.table import EXCEL_SUFFIXES, LEGACY_EXCEL_SUFFIXES, OLE_MAGIC, STDIN, TEXT_SUFFIXES, ZIP_MAGIC, Table, file_bytes, readable
from taskdedup.input.workbooks import read_workbook_table
from taskdedup.messages import msg


def read_table(path: str, *, encoding: str | None = None, sheet: str | None = None, header_row: int | None = None) -> Table:
    """Read a survey table from .csv/.tsv/.txt, .xlsx/.xlsm, .xls, or '-' (CSV on stdin).

    The header is the first row that reads as one (see header.py), or `header_row` (1-based)."""
    if path == STDIN:
        data = sys.stdin.buffer.read()
        return read_text_table(data, "<stdin>", suffix=".csv", encoding=encoding, header_row=header_row)
    p, path = Path(path), readable(path)
    if not p.exists():
        raise InputError(msg('{path}: no such file; check the path', path=path))
    if p.is_dir():
        raise InputError(msg('{path}: is a directory, not a file; give the survey file inside it', path=path))
    suffix = p.suffix.lower()
    if suffix not in TEXT_SUFFIXES | EXCEL_SUFFIXES | LEGACY_EXCEL_SUFFIXES:
        raise InputError(
            msg("{path}: unsupported file type '{suffix}'; use .xlsx, .xls, .csv, .tsv or .txt", path=path, suffix=p.suffix or '(none)')
        )
    data = file_bytes(p, path, msg('; export the survey with a header row and data'))
    if suffix in TEXT_SUFFIXES:
        if data.startswith(ZIP_MAGIC) or data.startswith(OLE_MAGIC):
            raise InputError(msg("{path}: this is an Excel workbook saved with a '{suffix}' name; rename it to .xlsx (or .xls)", path=path, suffix=p.suffix))
        return read_text_table(data, path, suffix=suffix, encoding=encoding, header_row=header_row)
    return read_workbook_table(data, path, suffix=suffix, sheet=sheet, header_row=header_row)
