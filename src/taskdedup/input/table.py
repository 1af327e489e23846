"""What every reader returns: the table of text cells, and facts about how it was read."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

TEXT_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
LEGACY_EXCEL_SUFFIXES = frozenset({".xls"})
STDIN = "-"

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and password-protected .xlsx


@dataclass(frozen=True)
class Table:
    frame: pd.DataFrame
    source: str
    encoding: str | None = None  # for text input
    delimiter: str | None = None
    sheet: str | None = None  # for workbooks
    blank_rows: int = 0  # rows with no value in any cell, left out and reported


def drop_blank_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Remove rows with nothing in any cell; keep the 1-based data row number in the index."""
    frame = frame.reset_index(drop=True)
    frame.index = frame.index + 1
    if frame.empty:
        return frame, 0
    blank = frame.apply(lambda col: col.astype(str).str.strip() == "").all(axis=1)
    return frame[~blank], int(blank.sum())
