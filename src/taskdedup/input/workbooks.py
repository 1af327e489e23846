"""Excel workbooks (.xlsx, .xlsm, .xls): one sheet as a Table, or every sheet of a review workbook."""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path

import pandas as pd

from taskdedup.errors import InputError
from taskdedup.input.table import EXCEL_SUFFIXES, LEGACY_EXCEL_SUFFIXES, OLE_MAGIC, ZIP_MAGIC, Table, drop_blank_rows


def _sheet_names(book: pd.ExcelFile) -> list[str]:
    return [str(name) for name in book.sheet_names]


def _pick_sheet(names: list[str], sheet: str | None, source: str) -> str:
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    if sheet.isdigit() and 1 <= int(sheet) <= len(names):
        return names[int(sheet) - 1]
    listed = ", ".join(f"'{n}'" for n in names)
    raise InputError(f"{source}: no sheet '{sheet}'; available sheets: {listed} (or a number from 1 to {len(names)})")


def read_workbook_table(data: bytes, source: str, *, suffix: str, sheet: str | None) -> Table:
    legacy = suffix in LEGACY_EXCEL_SUFFIXES
    if legacy and data.startswith(ZIP_MAGIC):
        raise InputError(f"{source}: this is an .xlsx workbook with an .xls name; rename it to .xlsx")
    if not legacy and data.startswith(OLE_MAGIC):
        raise InputError(
            f"{source}: this workbook is password-protected or in the old .xls format; "
            "remove the password in Excel, or save it as .xlsx"
        )
    if not legacy and not data.startswith(ZIP_MAGIC):
        raise InputError(f"{source}: not a valid Excel workbook (the file is not .xlsx inside); open it and save it as .xlsx")
    engine = "xlrd" if legacy else "openpyxl"
    try:
        with warnings.catch_warnings():
            # pandas 3 marks its xlrd engine deprecated; it is still the reader for .xls here, and
            # the warning would only confuse an analyst. openpyxl warns here too, while loading
            # the styles of workbooks exported by web systems ("no default style"): harmless.
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", UserWarning)
            book = pd.ExcelFile(io.BytesIO(data), engine=engine)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"{source}: not a valid Excel workbook ({exc}); open it in Excel and save it again") from None
    except Exception as exc:  # xlrd raises its own XLRDError and struct errors on damaged files
        raise InputError(f"{source}: not a valid Excel workbook ({type(exc).__name__}: {exc}); save it again") from None
    with book:
        names = _sheet_names(book)
        if not names:
            raise InputError(f"{source}: the workbook has no sheets")
        chosen = _pick_sheet(names, sheet, source)
        try:
            with warnings.catch_warnings():
                # openpyxl warns about harmless workbook quirks (no default style, unknown
                # extensions) that web exports are full of; they say nothing about the data.
                warnings.simplefilter("ignore", UserWarning)
                frame = pd.read_excel(book, sheet_name=chosen, dtype=object, header=0)
        except Exception as exc:
            raise InputError(f"{source}: cannot read sheet '{chosen}' ({type(exc).__name__}: {exc})") from None
    if frame.columns.size == 0:
        raise InputError(f"{source}: sheet '{chosen}' is empty; choose the sheet with the survey using --sheet")
    frame = frame.map(_cell_text)
    frame.columns = [str(c) for c in frame.columns]
    frame, blank = drop_blank_rows(frame)
    return Table(frame=frame, source=source, sheet=chosen, blank_rows=blank)


def _cell_text(value: object) -> str:
    """Workbook cells as the text a person sees: 12 not 12.0, empty cells as ''."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ").removesuffix(" 00:00:00")
    return str(value)


def read_workbook_sheets(path: str) -> dict[str, pd.DataFrame]:
    """Every sheet of an .xlsx workbook as text frames (header row first), e.g. a review workbook."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file; check the path")
    if p.suffix.lower() not in EXCEL_SUFFIXES:
        raise InputError(f"{path}: not an .xlsx workbook; give the review workbook written by taskdedup cluster -o review.xlsx")
    data = p.read_bytes()
    if not data.startswith(ZIP_MAGIC):
        raise InputError(f"{path}: not a valid Excel workbook; open it and save it as .xlsx")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises several types on damaged files
        raise InputError(f"{path}: not a valid Excel workbook ({type(exc).__name__}: {exc}); save it again") from None
    return {str(name): frame.map(_cell_text).reset_index(drop=True) for name, frame in sheets.items()}
