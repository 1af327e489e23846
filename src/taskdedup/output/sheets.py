"""What every workbook taskdedup writes shares: table sheets described as data (SheetSpec), then
written in one pass by XlsxWriter, styled to print well, with reproducible bytes.

Sheets are described before they are written so that `--lang en` can translate the description
(output/english.py) and so that writing is one streaming pass: XlsxWriter writes 85,856 styled
rows several times faster than openpyxl built them cell by cell, and imports in a third of the time.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from taskdedup.output.package import filled


HEADER_FILL = "#305496"
REP_FILL = "#E2EFDA"
DECISION_FILL = "#FFF2CC"
BAND_FILL = "#EEF3FA"
REVIEW_FILL = "#FCE4D6"  # a decided group that needs another look
EPOCH = datetime(2000, 1, 1)
A4 = 9  # Excel's paper size code
LINE_POINTS = 15.0  # one line of 11 pt text
MAX_LINES = 12  # a row grows to show this many lines of its longest wrapped cell, then the cell is cut


def text_width(text: str) -> int:
    """Columns a line of text takes: a Hangul (or other CJK) character is about two, Latin one.
    UTF-8 spends 3 bytes on those and 1 on ASCII, which gives that count without a loop."""
    return (len(text.encode("utf-8")) + len(text)) // 2


def lines_needed(text: str, width: int) -> int:
    """Lines a wrapped cell of `width` columns needs for `text` (its own line breaks included)."""
    room = max(1.0, width * 0.9)  # a little short of the width: lines break between words
    return sum(max(1, -(-text_width(line) // int(room))) for line in text.split("\n"))


@dataclass
class Chart:
    """A bar chart of `values` against `categories`, both (first row, column, last row) of the sheet's cells."""

    title: str
    name_cell: tuple[int, int]
    categories: tuple[int, int, int]
    values: tuple[int, int, int]
    anchor: str
    size: tuple[int, int] = (454, 227)  # 12 x 6 cm


@dataclass
class SheetSpec:
    """One table sheet: a header row (name, width), data rows, and how the data is styled.
    Columns are numbered from 1, data rows from 0."""

    name: str
    headers: list[tuple[str, int]]
    rows: Sequence[Sequence[Any]]  # a list of rows, or sheet_xml.Columns
    wrap: set[int] = field(default_factory=set)
    number_formats: dict[int, str] = field(default_factory=dict)
    colour_scale: int | None = None  # a probability column, red (unlikely) to green (likely)
    decision: int | None = None  # the column with the 결정 drop-down
    decision_fill: bool = True  # shade it as the cells to fill in (not on a sheet of every input row: 85,856 more cells)
    choices: tuple[str, ...] = ()
    choice_error: str = ""
    row_fills: dict[int, str] = field(default_factory=dict)  # data row -> fill of all its cells
    autofilter: bool = True
    cells: list[tuple[int, int, Any]] = field(default_factory=list)  # extra unstyled cells (row, column), 0-based
    chart: Chart | None = None
    freeze_columns: int = 0  # columns that stay in view when scrolling right (the key and the title)
    print_columns: int | None = None  # the first N columns are printed; the rest are for the screen
    links: dict[int, tuple[int, str]] = field(default_factory=dict)  # data row -> (column, "internal:'Sheet'!A5")


class Formats:
    """One XlsxWriter format per distinct combination, made when first needed."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.sheet_class = _table_sheet()
        self.rows: dict[bytes, Iterator[bytes]] = {}  # each table sheet's placeholder -> its data rows
        self.cache: dict[tuple[Any, ...], Any] = {}
        self.header = book.add_format({"bold": True, "font_color": "#FFFFFF", "pattern": 1, "bg_color": HEADER_FILL, "valign": "vcenter", "text_wrap": True})

    def get(self, wrap: bool, fill: str | None, number: str | None, quote: bool) -> Any:
        key = (wrap, fill, number, quote)
        found = self.cache.get(key)
        if found is None:
            props: dict[str, Any] = {"valign": "top"}
            if wrap:
                props["text_wrap"] = True
            if fill:
                props.update(pattern=1, bg_color=fill)
            if number:
                props["num_format"] = number
            if quote:
                props["quote_prefix"] = True
            found = self.cache[key] = self.book.add_format(props)
        return found

    def link(self) -> Any:
        """A wrapped, top-aligned hyperlink cell."""
        found = self.cache.get(("link",))
        if found is None:
            found = self.cache[("link",)] = self.book.add_format({"valign": "top", "text_wrap": True, "font_color": "#0563C1", "underline": 1})
        return found


def _table_sheet() -> type:
    """XlsxWriter's worksheet, with its cells written by sheet_xml.py (column at a time) instead of
    cell by cell: the three parts of the sheet's XML that hold cells are what it overrides."""
    from xlsxwriter.worksheet import Worksheet

    class TableSheet(Worksheet):  # type: ignore[misc]
        dimension = "A1"
        header = ""
        placeholder = ""  # where the data rows go (package.py puts them there, deflating as they come)
        hyperlinks_xml = ""

        def _write_dimension(self) -> None:
            self._xml_empty_tag("dimension", [("ref", self.dimension)])

        def _write_sheet_data(self) -> None:
            self.fh.write("<sheetData>")
            self.fh.write(self.header)
            self.fh.write(self.placeholder)
            self.fh.write("</sheetData>")

        def _write_hyperlinks(self) -> None:
            self.fh.write(self.hyperlinks_xml)

    return TableSheet


def _write_table(book: Any, formats: Formats, spec: SheetSpec) -> Any:
    ws = book.add_worksheet(spec.name, worksheet_class=formats.sheet_class)
    _write_cells(ws, formats, spec, column_styles(ws, formats, spec))
    sheet_settings(book, ws, spec)
    return ws


def column_styles(ws: Any, formats: Formats, spec: SheetSpec) -> list[Any]:
    """Each column's width and style: a cell without a style of its own takes its column's
    (wrapped or not, top-aligned, number format)."""
    plain = [formats.get(j in spec.wrap, None, spec.number_formats.get(j), False) for j in range(1, len(spec.headers) + 1)]
    for j, ((_, width), style) in enumerate(zip(spec.headers, plain, strict=True)):
        ws.set_column(j, j, width, style)
    return plain


def header_height(spec: SheetSpec) -> float | None:
    lines = max(lines_needed(name, width) for name, width in spec.headers)
    return LINE_POINTS * min(lines, 3) if lines > 1 else None


def decision_column(spec: SheetSpec) -> int:
    """The 0-based column shaded as the cells to fill in, or -1."""
    return spec.decision - 1 if spec.decision and spec.decision_fill else -1


def _write_cells(ws: Any, formats: Formats, spec: SheetSpec, plain: list[Any]) -> None:
    """The header and data cells, as XlsxWriter would write them cell by cell (with the styles it
    would give them), through sheet_xml.py: empty cells get no cell unless they have a style of
    their own (a filled row, the decision column)."""
    from taskdedup.output import sheet_xml

    width = len(spec.headers)
    decision = decision_column(spec)

    def indices(fill: str | None) -> list[int]:
        return [formats.get(j in spec.wrap, fill, spec.number_formats.get(j), False)._get_xf_index() for j in range(1, width + 1)]

    column = [style._get_xf_index() for style in plain]
    if decision >= 0:
        column[decision] = indices(DECISION_FILL)[decision]
    filled = {fill: indices(fill) for fill in sorted(set(spec.row_fills.values()))}

    # Text Excel must not run as a formula takes its cell's style with a quote prefix. The rows are
    # written after XlsxWriter has written the styles (package.py), so every such style a cell may
    # need is registered now: one per column and fill.
    fills = [None, *filled, *([DECISION_FILL] if decision >= 0 else [])]
    quote = {(j, fill): int(formats.get(j + 1 in spec.wrap, fill, spec.number_formats.get(j + 1), True)._get_xf_index())
             for j in range(width) for fill in fills}

    def quoted(j: int, i: int) -> int:
        return quote[j, spec.row_fills.get(i) or (DECISION_FILL if j == decision else None)]

    styles = sheet_xml.Styles(column=column, rows={i: filled[fill] for i, fill in spec.row_fills.items()},
                              styled=[j == decision for j in range(width)], quoted=quoted)
    link_style = formats.link()._get_xf_index()
    links = {i: (column - 1, link_style) for i, (column, _) in spec.links.items()}
    extras: dict[int, list[tuple[int, str]]] = {}
    for row, col, value in spec.cells:
        extras.setdefault(row - 1, []).append(sheet_xml.extra_cell(row, col, value, column[col] if col < width else None))
    ws.header = sheet_xml.header_row([name for name, _ in spec.headers], formats.header._get_xf_index(), header_height(spec), extras.pop(-1, []))
    ws.placeholder = f"<!--taskdedup rows {len(formats.rows)}-->"
    formats.rows[ws.placeholder.encode()] = sheet_xml.data_rows(spec.rows, styles, row_heights(spec), links, extras)
    last_row = max([len(spec.rows), *(row for row, _, _ in spec.cells)])
    last_column = max([width - 1, *(col for _, col, _ in spec.cells)])
    ws.dimension = f"A1:{sheet_xml.column_name(last_column)}{last_row + 1}" if last_row or last_column else "A1"
    ws.hyperlinks_xml = sheet_xml.hyperlinks(spec.rows, spec.links)


def sheet_settings(book: Any, ws: Any, spec: SheetSpec) -> None:
    """Everything of a table sheet but its cells: panes, filter, colours, drop-down, print setup, chart."""
    last = max(1, len(spec.rows))  # 0-based index of the last data row (row 1 when there is none)
    ws.freeze_panes(1, spec.freeze_columns)
    if spec.autofilter:
        ws.autofilter(0, 0, len(spec.rows), len(spec.headers) - 1)
    if spec.colour_scale:
        c = spec.colour_scale - 1
        # White to green: the greener, the likelier one project. No red: a pair at p 0.4 is a
        # question for the analyst, not an alarm.
        ws.conditional_format(1, c, last, c, {
            "type": "2_color_scale", "min_type": "num", "min_value": 0, "min_color": "#FFFFFF",
            "max_type": "num", "max_value": 1, "max_color": "#63BE7B",
        })
    if spec.decision:
        c = spec.decision - 1
        # Only the listed words: decisions read back without spelling variants.
        ws.data_validation(1, c, last, c, {"validate": "list", "source": list(spec.choices), "ignore_blank": True,
                                          "error_title": spec.headers[c][0], "error_message": spec.choice_error})
    # Printed (or saved as PDF) a sheet fits the page width, landscape, header row on every page.
    ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    if spec.print_columns:
        ws.print_area(0, 0, max(1, len(spec.rows)), spec.print_columns - 1)
    if spec.chart:
        chart = book.add_chart({"type": "bar"})
        first, col, stop = spec.chart.categories
        vfirst, vcol, vstop = spec.chart.values
        chart.add_series({
            "name": [spec.name, *spec.chart.name_cell],
            "categories": [spec.name, first, col, stop, col],
            "values": [spec.name, vfirst, vcol, vstop, vcol],
        })
        chart.set_title({"name": spec.chart.title})
        chart.set_legend({"none": True})
        chart.set_size({"width": spec.chart.size[0], "height": spec.chart.size[1]})
        ws.insert_chart(spec.chart.anchor, chart)


def row_heights(spec: SheetSpec) -> dict[int, float]:
    """Data row -> height in points, for rows whose wrapped text needs more than one line:
    LibreOffice prints an unsized row one line high and lets the rest run over the rows below.
    Heights follow the printed columns: on screen a taller cell shows all when selected, on paper not."""
    from taskdedup.output.sheet_xml import Columns

    sized = spec.print_columns or len(spec.headers)
    # A cell of at most this many characters fits one line whatever its script (two columns a character).
    wrapped = [(j - 1, spec.headers[j - 1][1], int(spec.headers[j - 1][1] * 0.9) // 2) for j in sorted(spec.wrap) if j <= sized]
    lines: dict[int, int] = {}
    for j, width, short in wrapped:  # a column at a time: most cells are short and are passed over in one comprehension
        column = spec.rows.columns[j] if isinstance(spec.rows, Columns) else [values[j] for values in spec.rows]
        room = int(max(1.0, width * 0.9))  # lines_needed's, for a text of one line (most titles), inline
        for i in [i for i, v in enumerate(column) if type(v) is str and (len(v) > short or "\n" in v)]:
            text = column[i]
            needed = lines_needed(text, width) if "\n" in text else max(1, -(-text_width(text) // room))
            if needed > lines.get(i, 1):
                lines[i] = needed
    return {i: LINE_POINTS * min(n, MAX_LINES) for i, n in sorted(lines.items()) if n > 1}


def workbook_bytes(
    sheets: list[SheetSpec], properties: dict[str, Any] | None = None, active: int = 0, write_table: Callable[..., Any] = _write_table,
) -> bytes:
    """The workbook of `sheets`, with fixed metadata and timestamps unless `properties` give them;
    it opens on sheet `active`. `write_table(book, formats, spec)` adds each sheet (tests pass
    XlsxWriter's own cell-by-cell writer, to compare)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"author": "taskdedup", "created": EPOCH, **(properties or {})})
    formats = Formats(book)
    for k, spec in enumerate(sheets):
        ws = write_table(book, formats, spec)
        if k == active:
            ws.activate()
    book.close()
    # Reproducible as written: XlsxWriter dates every zip entry 1980-01-01 and the document
    # properties with `created`.
    return filled(buffer.getvalue(), formats.rows) if formats.rows else buffer.getvalue()
