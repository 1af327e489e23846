"""The cells of a table sheet as worksheet XML (<sheetData>), built a column at a time.

XlsxWriter writes a cell through a dozen Python calls (type dispatch, dimension checks, the cell
reference, attribute escaping, the shared-string table): ~12 µs a cell, 15 s for the 1.2 M cells
of a review workbook of 85,856 rows, five times the run that made it. Here a sheet's cells are
written as XlsxWriter's constant_memory mode writes them (inline strings, the cell's style index,
numbers as `%.16G`), but a column at a time: one comprehension per column, escaping done once on
a column's joined text. sheets.py hands the result to XlsxWriter in place of its own cells, so
everything else in the file (styles, columns, filters, validations, print setup, charts) is
still XlsxWriter's. tests/output/test_sheet_xml.py reads both back cell by cell and compares them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from taskdedup.input.checks import CONTROL_CHARACTERS
from taskdedup.output.records import FORMULA_START, any_formula_like

CHUNK_ROWS = 5_000  # rows built and handed over at once: the XML of a whole 85,856-row sheet never lives at once
# Excel reads "_x0041_" in text as the character it encodes: a literal one is escaped, as XlsxWriter does.
_ESCAPE_LIKE = re.compile("(_x[0-9a-fA-F]{4}_)")
_SEPARATOR = "\x00"  # joins a column's texts to escape them at once; control characters never reach here
_SPACE_AT_EDGE = re.compile(r"\x00\s|\s\x00")  # a text that starts or ends with a space or a line break
# %.16G writes an int through a double: up to 2^53 that is its own digits, which str() writes
# x1.7 faster (4 integer columns of 85,856 rows in the tasks sheet alone).
INT_DIGITS_MAX = 2**53


def column_name(index: int) -> str:
    """Excel's letters for a 0-based column: 0 -> A, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def attribute(text: str) -> str:
    """Text inside a double-quoted XML attribute (line breaks kept, as XlsxWriter writes them)."""
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "&#xA;")


def cell_texts(values: Sequence[str]) -> tuple[list[str], bool]:
    """Strings as a cell's <t> holds them: control characters as spaces (XML cannot hold them),
    a carriage return as Excel's _x000D_, XML's three special characters escaped; and whether
    any of them starts or ends with a space or a line break (it then needs xml:space)."""
    shown = [v if v.isprintable() else CONTROL_CHARACTERS.sub(" ", v) for v in values]
    joined = _SEPARATOR.join(shown)
    if "_x" in joined:
        joined = _ESCAPE_LIKE.sub(r"_x005F\1", joined)
    if "\r" in joined:
        joined = joined.replace("\r", "_x000D_")
    if "&" in joined or "<" in joined or ">" in joined:
        joined = joined.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if not values:
        return [], False
    edges = bool(_SPACE_AT_EDGE.search(_SEPARATOR + joined + _SEPARATOR))
    return joined.split(_SEPARATOR), edges


def _preserve(text: str) -> str:
    # Leading or trailing spaces or line breaks are kept only when the cell says so.
    return ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""


@dataclass(frozen=True)
class Styles:
    """Each cell's style, as XlsxWriter style indices: `column[j]` for a plain cell, `rows[i][j]`
    for every cell of a filled data row i, `quoted(j, i)` for text Excel must not run as a formula."""

    column: list[int]
    rows: dict[int, list[int]]
    styled: list[bool]  # a column whose empty cells are written too, for their style (the decision column)
    quoted: Callable[[int, int], int]


def _column_cells(
    values: list[Any], j: int, first_row: int, styles: Styles, own: list[list[int] | None], links: list[tuple[int, int]],
) -> list[str]:
    """The <c> elements of column j for data rows first_row, first_row + 1, ... ("" for no cell);
    `own`: each row's styles when it has a fill of its own, else None; `links`: (data row, style)
    of this column's link cells. A column mostly holds one kind of value: numbers and texts are
    written by one comprehension each, and empty cells looked for only when there are some."""
    letter = column_name(j)
    plain = styles.column[j]
    s = [plain if r is None else r[j] for r in own] if styles.rows else [plain] * len(values)
    rows = range(first_row + 2, first_row + 2 + len(values))
    kinds = set(map(type, values))
    if kinds == {int} and -INT_DIGITS_MAX <= min(values) and max(values) <= INT_DIGITS_MAX:  # ids, sizes, row numbers
        return [f'<c r="{letter}{r}" s="{style}"><v>{v}</v></c>' for r, style, v in zip(rows, s, values, strict=True)]
    if kinds <= {int, float}:
        return [f'<c r="{letter}{r}" s="{style}"><v>{v:.16G}</v></c>' for r, style, v in zip(rows, s, values, strict=True)]
    if kinds == {str} and "" not in values:  # text in every row
        texts: Sequence[int] = range(len(values))
        out = [""] * len(values)
    else:
        blank = styles.styled[j]  # an empty cell is written when it has a style of its own
        out = [f'<c r="{letter}{r}" s="{style}"/>' if blank or r_own is not None else ""
               for r, style, r_own in zip(rows, s, own, strict=True)] if styles.rows or blank else [""] * len(values)
        if not kinds <= {str, type(None)}:
            for k, v in enumerate(values):
                if isinstance(v, bool):
                    out[k] = f'<c r="{letter}{rows[k]}" s="{s[k]}" t="b"><v>{int(v)}</v></c>'
                elif isinstance(v, int | float):
                    out[k] = f'<c r="{letter}{rows[k]}" s="{s[k]}"><v>{v:.16G}</v></c>'
                elif v is not None and type(v) is not str:
                    values[k] = str(v)
        texts = [k for k, v in enumerate(values) if type(v) is str and v]
        if not texts:
            return out
    text_values = [values[k] for k in texts] if isinstance(texts, list) else values
    if any_formula_like(text_values):
        for k in [k for k in texts if values[k].startswith(FORMULA_START)]:  # Excel's own quote prefix: shown as typed, never run
            s[k] = styles.quoted(j, first_row + k)
    for i, style in links:
        s[i - first_row] = style
    escaped, edges = cell_texts(text_values)
    if edges:
        for k, text in zip(texts, escaped, strict=True):
            out[k] = f'<c r="{letter}{rows[k]}" s="{s[k]}" t="inlineStr"><is><t{_preserve(text)}>{text}</t></is></c>'
    elif len(texts) == len(values):
        out = [f'<c r="{letter}{r}" s="{style}" t="inlineStr"><is><t>{text}</t></is></c>' for r, style, text in zip(rows, s, escaped, strict=True)]
    else:
        for k, text in zip(texts, escaped, strict=True):
            out[k] = f'<c r="{letter}{rows[k]}" s="{s[k]}" t="inlineStr"><is><t>{text}</t></is></c>'
    return out


def header_row(names: Sequence[str], style: int, height: float | None, extras: Sequence[tuple[int, str]] = ()) -> str:
    cells = [(j, f'<c r="{column_name(j)}1" s="{style}" t="inlineStr"><is><t{_preserve(t)}>{t}</t></is></c>')
             for j, t in enumerate(cell_texts(names)[0])]
    return _row(0, height, cells + list(extras))


def _row(i: int, height: float | None, cells: list[tuple[int, str]]) -> str:
    ht = f' ht="{height:.16G}" customHeight="1"' if height is not None else ""
    return f'<row r="{i + 1}"{ht}>{"".join(c for _, c in sorted(cells))}</row>'


def extra_cell(row: int, column: int, value: Any, style: int | None) -> tuple[int, str]:
    """One cell outside the table's columns or rows (a chart's data), as (column, XML)."""
    ref = f"{column_name(column)}{row + 1}"
    s = f' s="{style}"' if style is not None else ""
    if type(value) is bool:
        return column, f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return column, f'<c r="{ref}"{s}><v>{value:.16G}</v></c>'
    text = cell_texts([str(value)])[0][0]
    return column, f'<c r="{ref}"{s} t="inlineStr"><is><t{_preserve(text)}>{text}</t></is></c>'


def data_rows(
    rows: Sequence[Sequence[Any]], styles: Styles, heights: dict[int, float], links: dict[int, tuple[int, int]],
    extras: dict[int, list[tuple[int, str]]],
) -> Iterator[str]:
    """The <row> elements below the header (data row i is sheet row i + 2), CHUNK_ROWS at a time.
    `heights`: data row -> points; `links`: data row -> (column, style of its link cell);
    `extras`: data row -> more cells as (column, XML), outside the table's own cells."""
    width = len(styles.column)
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start : start + CHUNK_ROWS]
        columns = [list(c) for c in zip(*chunk, strict=True)]
        own = [styles.rows.get(i) for i in range(start, start + len(chunk))] if styles.rows else [None] * len(chunk)
        here = [(i, column, style) for i, (column, style) in links.items() if start <= i < start + len(chunk)]
        cells = [_column_cells(columns[j], j, start, styles, own, [(i, style) for i, column, style in here if column == j]) for j in range(width)]
        out = []
        for k, row_cells in enumerate(zip(*cells, strict=True)):
            i = start + k
            if i in extras:
                out.append(_row(i + 1, heights.get(i), [(j, c) for j, c in enumerate(row_cells) if c] + extras[i]))
                continue
            ht = heights.get(i)
            cells_xml = "".join(row_cells)
            if cells_xml or ht is not None:  # a row with nothing in it is left out, as XlsxWriter leaves it
                attrs = f' ht="{ht:.16G}" customHeight="1"' if ht is not None else ""
                out.append(f'<row r="{i + 2}"{attrs}>{cells_xml}</row>')
        yield "".join(out)
    below = sorted(i for i in extras if i >= len(rows))  # extra cells past the table
    if below:
        yield "".join(_row(i + 1, None, extras[i]) for i in below)


def hyperlinks(rows: Sequence[Sequence[Any]], links: dict[int, tuple[int, str]]) -> str:
    """The <hyperlinks> element of links to places in the workbook: data row -> (1-based column,
    "internal:'Sheet'!A5"), on cells with text, as XlsxWriter writes them."""
    parts = []
    for i in sorted(links):
        column, url = links[i]
        value = rows[i][column - 1]
        if type(value) is str and value:
            text = value if value.isprintable() else CONTROL_CHARACTERS.sub(" ", value)
            ref = f"{column_name(column - 1)}{i + 2}"
            parts.append(f'<hyperlink ref="{ref}" location="{attribute(url.removeprefix("internal:"))}" display="{attribute(text)}"/>')
    return f"<hyperlinks>{''.join(parts)}</hyperlinks>" if parts else ""
