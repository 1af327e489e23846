"""The .csv export: the members table, one row per input row, UTF-8 with BOM for Excel."""

from __future__ import annotations

import csv
import io
from typing import Any

from taskdedup.output.records import MEMBER_COLUMNS, member_record, neutralise
from taskdedup.pipeline import Result


def csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, list):
        return neutralise("; ".join(value))
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def to_csv(result: Result) -> bytes:
    """The members table, UTF-8 with BOM so that Excel shows Korean correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(MEMBER_COLUMNS)
    for row in result.rows:
        record = member_record(row, result.match)
        writer.writerow([csv_value(record[c]) for c in MEMBER_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
