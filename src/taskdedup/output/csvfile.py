"""The .csv export: the members table, one row per input row, UTF-8 with BOM for Excel."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from taskdedup.output.records import FORMULA_START, MEMBER_COLUMNS, member_record
from taskdedup.pipeline import Result


def csv_row(values: Iterable[Any]) -> list[str]:
    """Cells as CSV text: '' for None, yes/'' for booleans, lists joined by '; ', formula-like
    text neutralised. One loop over a row, not a call per cell: 1.2 M cells on 85,856 rows."""
    out: list[str] = []
    for value in values:
        kind = type(value)
        if kind is str:
            out.append("'" + value if value.startswith(FORMULA_START) else value)
        elif value is None:
            out.append("")
        elif kind is bool:
            out.append("yes" if value else "")
        elif kind is list:
            joined = "; ".join(value)
            out.append("'" + joined if joined.startswith(FORMULA_START) else joined)
        else:
            out.append(str(value))
    return out


def to_csv(result: Result) -> bytes:
    """The members table, UTF-8 with BOM so that Excel shows Korean correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(MEMBER_COLUMNS)
    match = result.match
    writer.writerows(csv_row([record[c] for c in MEMBER_COLUMNS]) for record in (member_record(row, match) for row in result.rows))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
