"""What every reader returns: the table of text cells, and facts about how it was read."""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from taskdedup.errors import InputError
from taskdedup.messages import msg

if TYPE_CHECKING:
    import pandas as pd

    from taskdedup.input.columns import Columns

TEXT_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
LEGACY_EXCEL_SUFFIXES = frozenset({".xls"})
STDIN = "-"
GLOB_CHARACTERS = frozenset("*?[")

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
    notices: tuple[str, ...] = ()  # what reading had to decide or could not see (header row, formulas)
    other_sheets: tuple[str, ...] = ()  # a workbook's sheets besides the one read
    unsaved_formulas: int = 0  # formula cells with no saved value, read as empty
    # Set by a reader that already knows the columns (a folder of files, read into fixed columns):
    # then they are not detected again from the headers.
    columns: Columns | None = None
    files: tuple[tuple[str, int], ...] = ()  # for several files: each file's name and its rows


def must_exist(paths: Sequence[str]) -> None:
    """InputError for the first of `paths` that is not there, or, for a glob pattern, that matches
    no file (stdin aside). The readers say it too; a command says it first, before it imports what
    the work needs (pandas, scipy: a missing file was said after 0.7-1.1 s, now after ~0.25 s)."""
    for given in paths:
        if given == STDIN or Path(given).exists():
            continue
        if not GLOB_CHARACTERS & set(given):
            raise InputError(msg('{path}: no such file; check the path', path=readable(given)))
        if not glob_files(given):
            raise InputError(msg('{pattern}: no file matches; check the pattern', pattern=readable(given)))


def glob_files(pattern: str) -> list[Path]:
    """The files a glob pattern matches (** reaching into subfolders), in a fixed order."""
    return sorted(Path(p) for p in glob.glob(pattern, recursive=True) if Path(p).is_file())


def file_bytes(path: Path, name: str, empty: str) -> bytes:
    """A file's bytes; InputError when it cannot be read, or holds nothing but whitespace (`empty`
    says what to do about that, as the kind of file asks)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(msg('{path}: cannot read the file ({strerror}); check its permissions', path=name, strerror=exc.strerror)) from exc
    if not data.strip():
        raise InputError(msg('{path}: the file is empty{fix}', path=name, fix=empty))
    return data


def drop_blank_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Remove rows with nothing in any cell; keep the 1-based data row number in the index."""
    frame = frame.reset_index(drop=True)
    frame.index = frame.index + 1
    if frame.empty:
        return frame, 0
    import numpy as np

    # Column by column, only over rows still blank: usually the first column settles almost every row.
    blank = np.ones(len(frame), dtype=bool)
    for k in range(frame.shape[1]):
        still = np.flatnonzero(blank)
        if not len(still):
            break
        values = frame.iloc[still, k].tolist()
        blank[still] = [not (v if isinstance(v, str) else str(v)).strip() for v in values]
    return frame[~blank], int(blank.sum())


def readable(path: str) -> str:
    """A path as a person can read it. A name that is not valid UTF-8 (CP949 bytes, as unzip leaves
    the names of a Korean Windows zip) reaches Python with surrogate escapes, which no export or
    console can encode: decode its bytes as CP949 when they are, else replace what cannot be read."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        raw = os.fsencode(path)
    for encoding in ("utf-8", "cp949"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")
