"""The review workbook's cells, written a column at a time (output/sheet_xml.py), against
XlsxWriter writing the same cells one by one: read back, every cell, style, height and link agrees."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any
from unittest.mock import patch

import openpyxl
import pandas as pd
import pytest
import python_calamine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskdedup.config import Settings
from taskdedup.input.checks import CONTROL_CHARACTERS
from taskdedup.input.tables import read_table
from taskdedup.output import sheet_xml
from taskdedup.output.english import to_english
from taskdedup.output.records import FORMULA_START
from taskdedup.output.sheets import (
    DECISION_FILL, Chart, Formats, SheetSpec, column_styles, decision_column, header_height, row_heights, sheet_settings, workbook_bytes,
)
from taskdedup.output.workbook import properties, review_sheets
from taskdedup.pipeline import run

SAMPLE = Path(__file__).parents[2] / "data" / "samples" / "survey_2018.xlsx"


def xlsxwriter_table(book: Any, formats: Formats, spec: SheetSpec) -> Any:
    """The simple way: every cell through XlsxWriter's own write calls, as taskdedup wrote them
    before sheet_xml.py (and shared strings instead of inline ones)."""
    ws = book.add_worksheet(spec.name)
    column_styles(ws, formats, spec)
    for j, (name, _) in enumerate(spec.headers):
        ws.write_string(0, j, name, formats.header)
    if header_height(spec) is not None:
        ws.set_row(0, header_height(spec))
    for i, height in row_heights(spec).items():
        ws.set_row(i + 1, height)
    columns = range(1, len(spec.headers) + 1)

    def styles(fill: str | None) -> list[Any]:
        return [formats.get(j in spec.wrap, fill, spec.number_formats.get(j), False) for j in columns]

    filled = {fill: styles(fill) for fill in {*spec.row_fills.values(), DECISION_FILL}}
    decision = decision_column(spec)
    for i, values in enumerate(spec.rows):
        row, link, fill = i + 1, spec.links.get(i), spec.row_fills.get(i)
        own = filled[fill] if fill else None
        for j, value in enumerate(values):
            style = own[j] if own else (filled[DECISION_FILL][j] if j == decision else None)
            if value is None or value == "":
                if style is not None:
                    ws.write_blank(row, j, None, style)
            elif type(value) is str:
                text = value if value.isprintable() else CONTROL_CHARACTERS.sub(" ", value)
                if link is not None and link[0] == j + 1:
                    ws.write_url(row, j, link[1], formats.link(), string=text)
                    continue
                if text.startswith(FORMULA_START):
                    style = formats.get(j + 1 in spec.wrap, fill or (DECISION_FILL if j == decision else None), spec.number_formats.get(j + 1), True)
                ws.write_string(row, j, text, style)
            elif isinstance(value, bool):
                ws.write_boolean(row, j, value, style)
            elif isinstance(value, int | float):
                ws.write_number(row, j, value, style)
            else:
                ws.write_string(row, j, str(value), style)
    for row, column, value in spec.cells:
        ws.write(row, column, value)
    sheet_settings(book, ws, spec)
    return ws


def _style(cell: Any) -> tuple[Any, ...]:
    return (
        cell.font.b, cell.font.u, cell.font.color.rgb if cell.font.color else None,
        cell.fill.fill_type, cell.fill.fgColor.rgb, cell.alignment.wrap_text, cell.alignment.vertical,
        cell.number_format, cell.quotePrefix,
    )


def _at(grid: list[list[Any]], row: int, column: int) -> Any:
    return grid[row][column] if row < len(grid) and column < len(grid[row]) else ""


def read_back(data: bytes) -> dict[str, Any]:
    """What a reader of the file sees: per sheet its extent, every cell's value, type and style,
    row heights, links, panes, filter, validations and colour scales."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    # Values as calamine reads them (what `--decisions` and `apply` read, through pandas): it
    # decodes Excel's _xHHHH_ escapes in shared and inline strings alike, as Excel does; openpyxl
    # decodes some of them in shared strings only.
    values = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    out: dict[str, Any] = {"sheets": book.sheetnames, "active": book.active.title if book.active else None}
    for ws in book.worksheets:
        grid = values.get_sheet_by_name(ws.title).to_python(skip_empty_area=False)
        cells = {
            cell.coordinate: (_at(grid, cell.row - 1, cell.column - 1), cell.data_type, _style(cell), cell.hyperlink.location if cell.hyperlink else None)
            for row in ws.iter_rows() for cell in row
            if cell.value is not None or cell.has_style
        }
        assert sum(v != "" for row in grid for v in row) == sum(v[0] != "" for v in cells.values())  # no value only one reader sees
        out[ws.title] = {
            "dimensions": ws.dimensions,
            "cells": cells,
            "heights": {r: d.height for r, d in ws.row_dimensions.items() if d.height is not None},
            "panes": ws.freeze_panes,
            "filter": ws.auto_filter.ref,
            "validations": [(str(v.sqref), v.formula1) for v in ws.data_validations.dataValidation],
            "colours": sorted(str(r.sqref) for r in ws.conditional_formatting),
            "print": (ws.print_area, ws.print_title_rows),
        }
    return out


def assert_same_workbook(sheets: list[SheetSpec]) -> None:
    ours = workbook_bytes(sheets, active=min(1, len(sheets) - 1))
    theirs = workbook_bytes(sheets, active=min(1, len(sheets) - 1), write_table=xlsxwriter_table)
    assert read_back(ours) == read_back(theirs)


@pytest.fixture(scope="module")
def sample_result() -> Any:
    return run(read_table(str(SAMPLE)), Settings())


def test_the_review_workbook_reads_back_as_xlsxwriter_writes_it(sample_result: Any) -> None:
    sheets = review_sheets(sample_result, "ko")
    assert sum(len(s.rows) * len(s.headers) for s in sheets) > 1000  # every kind of sheet, with real cells
    assert_same_workbook(sheets)


def test_pandas_reads_the_same_values_from_both(sample_result: Any) -> None:
    # The workbook is read back by `cluster --decisions` and `apply` through pandas' calamine engine.
    sheets = review_sheets(sample_result, "ko")
    ours = pd.read_excel(io.BytesIO(workbook_bytes(sheets)), sheet_name=None, engine="calamine", dtype=object)
    theirs = pd.read_excel(io.BytesIO(workbook_bytes(sheets, write_table=xlsxwriter_table)), sheet_name=None, engine="calamine", dtype=object)
    assert ours.keys() == theirs.keys()
    for name in ours:
        pd.testing.assert_frame_equal(ours[name], theirs[name])


_PIECES = [*"a가 =+-@", "\t", "\n", "\r", "&", "<", ">", '"', "_x0041_", "_X00e9_", "\x01", "\x1f", "\x7f", "\u2028"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=8).map("".join)
_VALUE = st.one_of(st.none(), st.just(""), _TEXT, st.booleans(), st.integers(-10**17, 10**17), st.floats(allow_nan=False, allow_infinity=False))


@st.composite
def sheet_specs(draw: Any) -> SheetSpec:
    width = draw(st.integers(1, 5))
    rows = draw(st.lists(st.lists(_VALUE, min_size=width, max_size=width), max_size=14))
    places = st.integers(0, max(0, len(rows) - 1))
    wrap = draw(st.sets(st.integers(1, width)))
    fills = draw(st.dictionaries(places, st.sampled_from(["#E2EFDA", "#EEF3FA"]), max_size=len(rows))) if rows else {}
    links = draw(st.dictionaries(places, st.integers(1, width).map(lambda c: (c, "internal:'표'!A2")), max_size=len(rows))) if rows else {}
    decision = draw(st.one_of(st.none(), st.integers(1, width)))
    # Cells beside the table hold the summary's chart labels and counts, never an input's text.
    extras = draw(st.lists(st.tuples(st.integers(0, len(rows) + 2), st.integers(width + 1, width + 2), st.one_of(_TEXT.filter(lambda t: t and not CONTROL_CHARACTERS.search(t)), st.integers(0, 99))),
                           max_size=3, unique_by=lambda t: (t[0], t[1])))
    return SheetSpec(
        "표", [(f"열{j}", draw(st.integers(4, 30))) for j in range(width)], rows, wrap=wrap,
        number_formats=draw(st.dictionaries(st.integers(1, width), st.just("0.00"), max_size=1)),
        colour_scale=draw(st.one_of(st.none(), st.integers(1, width))), decision=decision,
        decision_fill=draw(st.booleans()), choices=("예", "아니오"), choice_error="골라 주세요", row_fills=fills,
        autofilter=draw(st.booleans()), cells=extras, freeze_columns=draw(st.integers(0, width)),
        print_columns=draw(st.one_of(st.none(), st.integers(1, width))), links=links,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet_specs())
def test_any_sheet_reads_back_as_xlsxwriter_writes_it(spec: SheetSpec) -> None:
    # Text with XML's special characters, spaces at the edges, line breaks, carriage returns,
    # control characters, Excel's own _xHHHH_ escapes and formula-like starts; numbers, booleans,
    # empty cells with and without a style; filled rows, links, a decision column, cells beside.
    assert_same_workbook([spec])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet_specs(), st.integers(1, 4))
def test_any_sheet_gives_the_same_bytes_in_chunks_of_any_size(spec: SheetSpec, size: int) -> None:
    # Heights, links, fills and cells beside the table each land in the chunk of their row.
    whole = workbook_bytes([spec])
    with patch.object(sheet_xml, "CHUNK_ROWS", size):
        assert workbook_bytes([spec]) == whole


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet_specs(), st.integers(1, 4))
def test_a_sheet_held_as_its_columns_gives_the_same_bytes_as_its_rows(spec: SheetSpec, size: int) -> None:
    # The 과제목록 hands its columns over as they were built (sheet_xml.Columns), in chunks of any size and in English too.
    held = replace(spec, rows=sheet_xml.Columns([list(column) for column in zip(*spec.rows, strict=True)] if spec.rows else [[] for _ in spec.headers]))
    assert [list(row) for row in held.rows] == spec.rows and len(held.rows) == len(spec.rows)
    with patch.object(sheet_xml, "CHUNK_ROWS", size):
        assert workbook_bytes([held]) == workbook_bytes([spec])
    assert workbook_bytes(to_english([held])) == workbook_bytes(to_english([spec]))


def test_columns_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="different lengths"):
        sheet_xml.Columns([[1, 2], [3]])


def test_a_sheet_is_built_in_chunks_that_join_to_the_whole(monkeypatch: pytest.MonkeyPatch, sample_result: Any) -> None:
    sheets = review_sheets(sample_result, "ko")
    whole = workbook_bytes(sheets)
    monkeypatch.setattr(sheet_xml, "CHUNK_ROWS", 3)
    assert workbook_bytes(sheets) == whole


def test_a_chart_beside_the_table_still_points_at_its_cells() -> None:
    spec = SheetSpec("요약", [("항목", 20), ("값", 20)], [["가", 1], ["나", 2]], autofilter=False,
                     cells=[(0, 3, "유형"), (1, 3, "가"), (1, 4, 5), (2, 3, "나"), (2, 4, 7)],
                     chart=Chart("제목", name_cell=(0, 4), categories=(1, 3, 2), values=(1, 4, 2), anchor="D5"))
    assert_same_workbook([spec])
    ws = openpyxl.load_workbook(io.BytesIO(workbook_bytes([spec])))["요약"]
    assert [[c.value for c in row] for row in ws["A1:E3"]] == [["항목", "값", None, "유형", None], ["가", 1, None, "가", 5], ["나", 2, None, "나", 7]]


def test_column_names() -> None:
    assert [sheet_xml.column_name(j) for j in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]


def test_document_properties_are_unchanged(sample_result: Any) -> None:
    data = workbook_bytes(review_sheets(sample_result, "ko"), properties(sample_result), active=1)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.properties.creator == "taskdedup" and book.properties.title.startswith("taskdedup 검토")


@given(st.lists(st.integers(-(2**60), 2**60) | st.integers(-10, 10**6), min_size=1, max_size=20))
def test_an_integer_column_is_written_as_percent_16g_writes_it(values: list[int]) -> None:
    styles = sheet_xml.Styles(column=[0], rows={}, styled=[False], quoted=lambda j, i: 0)
    numbers = [str(i + 2) for i in range(len(values))]
    pieces = sheet_xml._column_pieces(list(values), 0, 0, styles, [None] * len(values), [], numbers, [n.encode() for n in numbers])
    cells = [b"".join(p if type(p) is bytes else p[k] for p in pieces).decode() for k in range(len(values))]
    assert cells == [f'<c r="A{i + 2}" s="0"><v>{v:.16G}</v></c>' for i, v in enumerate(values)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet_specs())
def test_row_heights_are_the_lines_each_printed_wrapped_cell_needs(spec: SheetSpec) -> None:
    from taskdedup.output.sheets import LINE_POINTS, MAX_LINES, lines_needed

    printed = spec.print_columns or len(spec.headers)
    expected = {}
    for i, values in enumerate(spec.rows):
        needed = max((lines_needed(values[j - 1], spec.headers[j - 1][1]) for j in spec.wrap if j <= printed and type(values[j - 1]) is str), default=1)
        if needed > 1:
            expected[i] = LINE_POINTS * min(needed, MAX_LINES)
    assert row_heights(spec) == expected


def test_a_row_is_as_high_as_its_tallest_wrapped_cell() -> None:
    from taskdedup.output.sheets import LINE_POINTS

    # 10 columns wide: 9 of room, so 45 Hangul (90 columns) need 10 lines and 20 (40) need 5
    spec = SheetSpec("표", [("a", 10), ("b", 10), ("c", 10)], [["가" * 45, "가" * 20, "x"], ["가" * 20, "가" * 45, "x"], ["짧다", "", "가\n나\n다"]], wrap={1, 2, 3})
    assert row_heights(spec) == {0: 10 * LINE_POINTS, 1: 10 * LINE_POINTS, 2: 3 * LINE_POINTS}
