"""What every workbook taskdedup writes shares: styled table sheets that print well, fast cell
styling, and reproducible bytes (fixed timestamps)."""

from __future__ import annotations

import io
import re
import weakref
import zipfile
from copy import copy
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from taskdedup.output.records import FORMULA_START

MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
REP_FILL = PatternFill("solid", fgColor="E2EFDA")
DECISION_FILL = PatternFill("solid", fgColor="FFF2CC")
BAND_FILL = PatternFill("solid", fgColor="EEF3FA")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


_STYLE_STEPS: weakref.WeakKeyDictionary[Workbook, dict[tuple[Any, ...], StyleArray]] = weakref.WeakKeyDictionary()


def set_style(cell: Any, attribute: str, value: Any) -> None:
    """cell.<attribute> = value, for the module's constant styles, fast.

    openpyxl hashes the style object on every assignment, which was most of the time of writing a
    sheet of 85,856 rows (~30 s). The same assignment on a cell with the same style always gives
    the same style indices, so they are worked out once per workbook and copied, as openpyxl's
    own worksheet copy does.
    """
    steps = _STYLE_STEPS.setdefault(cell.parent.parent, {})
    now = None if cell._style is None else tuple(cell._style)  # None: a cell never styled
    key = (now, attribute, value if isinstance(value, str) else id(value))
    after = steps.get(key)
    if after is None:
        setattr(cell, attribute, value)
        steps[key] = copy(cell._style)
    else:
        cell._style = copy(after)


def set_cell(ws: Worksheet, row: int, col: int, value: Any) -> None:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub(" ", value)  # control characters from HWP/PDF text (input/checks.py)
        cell.value = value
        if value.startswith(FORMULA_START):
            # Stored as text with Excel's own quote prefix: shown as typed, never evaluated.
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value


def table_sheet(ws: Worksheet, headers: list[tuple[str, int]], rows: list[list[Any]], wrap: set[int] | None = None) -> None:
    """Header row (bold, frozen, filtered), data rows, fixed widths; `wrap` lists wrapped columns."""
    wrap = wrap or set()
    for j, (name, width) in enumerate(headers, start=1):
        set_cell(ws, 1, j, name)
        cell = ws.cell(row=1, column=j)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = width
    for i, values in enumerate(rows, start=2):
        for j, value in enumerate(values, start=1):
            set_cell(ws, i, j, value)
            set_style(ws.cell(row=i, column=j), "alignment", WRAP if j in wrap else TOP)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(rows) + 1)}"
    # Printed (or saved as PDF) a sheet fits the page width, landscape, header row on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"


def similarity_colours(ws: Worksheet, cells: str) -> None:
    """Red (unlikely) through yellow (0.5) to green (likely) on probability cells: weak matches catch the eye first."""
    ws.conditional_formatting.add(
        cells, ColorScaleRule(start_type="num", start_value=0, start_color="F8696B", mid_type="num", mid_value=0.5,
                              mid_color="FFEB84", end_type="num", end_value=1, end_color="63BE7B"),
    )


EPOCH = datetime(2000, 1, 1)


def reproducible_zip(data: bytes) -> bytes:
    """Re-pack the workbook with fixed timestamps, so the same result gives the same bytes.

    openpyxl stamps the save time into docProps/core.xml and into every zip entry.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = MODIFIED.sub(b"\\g<1>2000-01-01T00:00:00Z\\g<2>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, content)
    return out.getvalue()


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook saved, with fixed metadata and timestamps."""
    wb.properties.creator = "taskdedup"
    wb.properties.created = EPOCH
    buffer = io.BytesIO()
    wb.save(buffer)
    return reproducible_zip(buffer.getvalue())
