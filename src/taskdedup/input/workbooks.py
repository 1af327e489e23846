"""Excel workbooks (.xlsx, .xlsm, .xls): one sheet as a Table, or every sheet of a review workbook."""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from pathlib import Path

import pandas as pd

from taskdedup.errors import InputError
from taskdedup.input.header import SCAN_ROWS, find_header, header_notice, header_score, unique_names
from taskdedup.input.table import EXCEL_SUFFIXES, LEGACY_EXCEL_SUFFIXES, OLE_MAGIC, ZIP_MAGIC, Table, drop_blank_rows
from taskdedup.input.xlsx_parts import formulas_without_values, sheet_parts
from taskdedup.messages import msg


def _sheet_names(book: pd.ExcelFile) -> list[str]:
    return [str(name) for name in book.sheet_names]


def _pick_sheet(names: list[str], sheet: str | None, source: str, hidden: set[str]) -> str:
    if sheet is None:
        visible = [n for n in names if n not in hidden]
        return visible[0] if visible else names[0]  # a hidden sheet holds what an analyst never sees
    if sheet in names:
        return sheet
    if sheet.isdigit() and 1 <= int(sheet) <= len(names):
        return names[int(sheet) - 1]
    listed = ", ".join(f"'{n}'" for n in names)
    raise InputError(msg("{source}: no sheet '{sheet}'; available sheets: {listed} (or a number from 1 to {n_names})", source=source, sheet=sheet, listed=listed, n_names=len(names)))


def _read_sheet(book: pd.ExcelFile, name: str, source: str, rows: int | None = None) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():
            # openpyxl warns about harmless workbook quirks (no default style, unknown
            # extensions) that web exports are full of; they say nothing about the data.
            warnings.simplefilter("ignore", UserWarning)
            frame = pd.read_excel(book, sheet_name=name, dtype=object, header=None, nrows=rows)
    except Exception as exc:
        raise InputError(msg("{source}: cannot read sheet '{name}' ({kind}: {exc})", source=source, name=name, kind=type(exc).__name__, exc=exc)) from None
    return frame.map(_cell_text if book.engine == "xlrd" else _xlsx_cell_text)


# Excel stores characters an XML file cannot hold (control characters pasted from HWP or PDF) as
# _xHHHH_, and a literal "_x" sequence with its underscore escaped as _x005F_; openpyxl hands both
# over as written. One left-to-right pass gives back what Excel shows.
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _xlsx_cell_text(value: object) -> str:
    text = _cell_text(value)
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text




def read_workbook_table(data: bytes, source: str, *, suffix: str, sheet: str | None, header_row: int | None = None) -> Table:
    legacy = suffix in LEGACY_EXCEL_SUFFIXES
    if legacy and data.startswith(ZIP_MAGIC):
        raise InputError(msg('{source}: this is an .xlsx workbook with an .xls name; rename it to .xlsx', source=source))
    if not legacy and data.startswith(OLE_MAGIC):
        raise InputError(
            msg('{source}: this workbook is password-protected or in the old .xls format; remove the password in Excel, or save it as .xlsx', source=source)
        )
    if not legacy and not data.startswith(ZIP_MAGIC):
        raise InputError(msg('{source}: not a valid Excel workbook (the file is not .xlsx inside); open it and save it as .xlsx', source=source))
    engine = "xlrd" if legacy else "calamine"
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
        raise InputError(msg('{source}: not a valid Excel workbook ({exc}); open it in Excel and save it again', source=source, exc=exc)) from None
    except Exception as exc:  # xlrd raises its own XLRDError and struct errors on damaged files
        raise InputError(msg('{source}: not a valid Excel workbook ({kind}: {exc}); save it again', source=source, kind=type(exc).__name__, exc=exc)) from None
    notices: list[str] = []
    with book:
        names = _sheet_names(book)
        if not names:
            raise InputError(msg('{source}: the workbook has no sheets', source=source))
        parts = [] if legacy else sheet_parts(data)
        hidden = {s.name for s in book.book.sheets() if s.visibility} if legacy else {p.name for p in parts if p.hidden}
        chosen = _pick_sheet(names, sheet, source, hidden)
        if sheet is None and chosen != names[0]:
            notices.append(msg("sheet '{hidden}' is hidden; read '{chosen}', the first visible sheet (--sheet chooses another)", hidden=names[0], chosen=chosen))
        frame = _read_sheet(book, chosen, source)
        rows = frame.head(max(SCAN_ROWS + 1, (header_row or 0) + 1)).values.tolist()
        header = find_header(rows, header_row, source)
        if sheet is None and header_row is None and not any(header_score(r) for r in rows):
            # No header of known names: perhaps a cover page. Another visible sheet that has one is the survey.
            for other in (n for n in names if n != chosen and n not in hidden):
                if any(header_score(r) for r in _read_sheet(book, other, source, SCAN_ROWS + 1).values.tolist()):
                    notices.append(msg("sheet '{chosen}' has no column of known names (a cover page?); read sheet '{other}' (--sheet chooses another)", chosen=chosen, other=other))
                    chosen, frame = other, _read_sheet(book, other, source)
                    rows = frame.head(SCAN_ROWS + 1).values.tolist()
                    header = find_header(rows)
                    break
    if frame.empty:
        raise InputError(msg("{source}: sheet '{chosen}' is empty; choose the sheet with the survey using --sheet", source=source, chosen=chosen))
    names_row = header.names if header.rows == 2 else unique_names([str(c) for c in rows[header.first]])
    frame = frame.iloc[header.first + header.rows :]
    frame.columns = list(names_row) + [f"Unnamed: {k}" for k in range(len(names_row), frame.shape[1])]
    frame, blank = drop_blank_rows(frame)
    notice = header_notice(header)
    if notice:
        notices.append(notice)
    part = next((p for p in parts if p.name == chosen), None)
    unsaved = formulas_without_values(data, part) if part else 0
    if unsaved:
        notices.append(
            msg(
                "sheet '{chosen}': {unsaved} formula cell(s) have no saved value (the file was written by a program and never "
                'opened in Excel), so they read as empty; open the file in Excel or LibreOffice, save it, and run again',
                chosen=chosen, unsaved=unsaved
            )
        )
    others = tuple(n for n in names if n != chosen)
    return Table(frame=frame, source=source, sheet=chosen, blank_rows=blank, notices=tuple(notices), other_sheets=others, unsaved_formulas=unsaved)


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
        raise InputError(msg('{path}: no such file; check the path', path=path))
    if p.suffix.lower() not in EXCEL_SUFFIXES:
        raise InputError(msg('{path}: not an .xlsx workbook; give the review workbook written by taskdedup cluster -o review.xlsx', path=path))
    data = p.read_bytes()
    if not data.startswith(ZIP_MAGIC):
        raise InputError(msg('{path}: not a valid Excel workbook; open it and save it as .xlsx', path=path))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=object, engine="calamine")
    except Exception as exc:  # the reader raises several types on damaged files
        raise InputError(msg('{path}: not a valid Excel workbook ({kind}: {exc}); save it again', path=path, kind=type(exc).__name__, exc=exc)) from None
    return {str(name): frame.map(_cell_text).reset_index(drop=True) for name, frame in sheets.items()}
