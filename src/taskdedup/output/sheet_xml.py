"""The cells of a table sheet as worksheet XML (<sheetData>), built a column at a time.

XlsxWriter writes a cell through a dozen Python calls (type dispatch, dimension checks, the cell
reference, attribute escaping, the shared-string table): ~12 µs a cell, 15 s for the 1.2 M cells
of a review workbook of 85,856 rows, five times the run that made it. Here a sheet's cells are
written as XlsxWriter's constant_memory mode writes them (inline strings, the cell's style index,
numbers as `%.16G`), but a column at a time: each piece of a column's cells is one list (or one
string for every row), escaping is done once on a column's joined text, and a chunk of rows is
those pieces laid out by slice assignment and joined once. sheets.py hands the result to XlsxWriter in place of its own cells, so
everything else in the file (styles, columns, filters, validations, print setup, charts) is
still XlsxWriter's. tests/output/test_sheet_xml.py reads both back cell by cell and compares them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any, TypeVar

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


class Columns(Sequence[list[Any]]):
    """A sheet's data rows held as its columns, as the 과제목록 builds them: read as rows where a
    row is asked for, and handed to data_rows and row_heights as they are. Transposing 85,856
    rows of 15 columns into rows, and each chunk back into columns here, cost ~0.08 s a workbook."""

    def __init__(self, columns: list[list[Any]]) -> None:
        lengths = {len(column) for column in columns}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")
        self.columns = columns
        self._length = lengths.pop() if lengths else 0

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return Columns([column[index] for column in self.columns])
        if not -self._length <= index < self._length:
            raise IndexError(index)
        return [column[index] for column in self.columns]

    def __iter__(self) -> Iterator[list[Any]]:
        return map(list, zip(*self.columns, strict=True))


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


# A cell is five pieces: '<c r="B', its row's number, what comes between the number and the value
# (the style and type), the value, and the closing tags. A column gives each piece as a list (one
# a row) or as one value for every row; a chunk's rows are those pieces laid out row after row in
# one list by slice assignment and joined once. The pieces are UTF-8 bytes, each column's made by
# one encode of its joined text: joining millions of short str pieces costs ~60 ns a piece
# (ASCII copied into Hangul's two-byte form), joining bytes is a copy.
_NUMBER = ('" s="{}"><v>', b"</v></c>")
_TEXT = ('" s="{}" t="inlineStr"><is><t>', b"</t></is></c>")
_KEPT_TEXT = ('" s="{}" t="inlineStr"><is><t xml:space="preserve">', b"</t></is></c>")  # spaces or line breaks at an edge
_NONE = (b"", b"", b"", b"", b"")  # a column with no cell in the chunk
Piece = bytes | list[bytes]
T = TypeVar("T")


def _encoded(texts: list[str]) -> list[bytes]:
    """`texts` as UTF-8, by one encode of them joined (none of them holds the separator)."""
    return _SEPARATOR.join(texts).encode("utf-8").split(_SEPARATOR.encode())


def _before(kind: tuple[str, bytes], styles: list[int]) -> Piece:
    """The piece between a cell's row number and its value, for cells of one kind with `styles`."""
    if styles.count(styles[0]) == len(styles):
        return kind[0].format(styles[0]).encode()
    table = {style: kind[0].format(style).encode() for style in set(styles)}
    return list(map(table.__getitem__, styles))


def _column_pieces(
    values: list[Any], j: int, first_row: int, styles: Styles, own: list[list[int] | None], links: list[tuple[int, int]],
    numbers: list[str], numbers_utf8: list[bytes],
) -> tuple[Piece, ...]:
    """The five pieces of column j's cells for data rows first_row, first_row + 1, ...;
    `numbers`: those rows' sheet row numbers as text (and as UTF-8); `own`: each row's styles
    when it has a fill of its own, else None; `links`: (data row, style) of this column's link
    cells. A column of one kind of value in every row (numbers, texts) comes as five pieces; a
    column with empty cells or mixed kinds as its cells whole (b"" for no cell) in the first
    piece and four empty ones."""
    n = len(values)
    opening = f'<c r="{column_name(j)}'
    plain = styles.column[j]
    s = [plain if r is None else r[j] for r in own] if styles.rows else [plain] * n
    kinds = set(map(type, values))
    if kinds == {int} and -INT_DIGITS_MAX <= min(values) and max(values) <= INT_DIGITS_MAX:  # ids, sizes, row numbers
        return opening.encode(), numbers_utf8, _before(_NUMBER, s), _encoded(list(map(str, values))), _NUMBER[1]
    if kinds <= {int, float}:
        return opening.encode(), numbers_utf8, _before(_NUMBER, s), _encoded(list(map(format, values, repeat(".16G")))), _NUMBER[1]
    if kinds == {str} and "" not in values:  # text in every row
        escaped, edges = _texts(values, range(n), j, first_row, styles, s, links)
        if not edges:
            return opening.encode(), numbers_utf8, _before(_TEXT, s), _encoded(escaped), _TEXT[1]
        kept = [(_KEPT_TEXT if text[:1].isspace() or text[-1:].isspace() else _TEXT)[0].format(style) for text, style in zip(escaped, s, strict=True)]
        return opening.encode(), numbers_utf8, _encoded(kept), _encoded(escaped), _TEXT[1]
    blank = styles.styled[j]  # an empty cell is written when it has a style of its own
    cells = [""] * n
    for k in range(n) if blank else [k for k, r in enumerate(own) if r is not None] if styles.rows else ():
        cells[k] = f'{opening}{numbers[k]}" s="{s[k]}"/>'
    if not kinds <= {str, type(None)}:
        for k, v in enumerate(values):
            if isinstance(v, bool):
                cells[k] = f'{opening}{numbers[k]}" s="{s[k]}" t="b"><v>{int(v)}</v></c>'
            elif isinstance(v, int | float):
                cells[k] = f'{opening}{numbers[k]}" s="{s[k]}"><v>{v:.16G}</v></c>'
            elif v is not None and type(v) is not str:
                values[k] = str(v)
    texts = [k for k, v in enumerate(values) if type(v) is str and v]
    if texts:
        escaped, edges = _texts(values, texts, j, first_row, styles, s, links)
        for k, text in zip(texts, escaped, strict=True):
            cells[k] = f'{opening}{numbers[k]}" s="{s[k]}" t="inlineStr"><is><t{_preserve(text) if edges else ""}>{text}</t></is></c>'
    return (_encoded(cells), b"", b"", b"", b"") if any(cells) else _NONE


def _texts(
    values: list[Any], texts: Sequence[int], j: int, first_row: int, styles: Styles, s: list[int], links: list[tuple[int, int]],
) -> tuple[list[str], bool]:
    """The cell texts of `values` at `texts` (cell_texts), after giving formula-like ones their
    quoted style and link cells theirs in `s`."""
    text_values = [values[k] for k in texts] if isinstance(texts, list) else values
    if any_formula_like(text_values):
        for k in [k for k in texts if values[k].startswith(FORMULA_START)]:  # Excel's own quote prefix: shown as typed, never run
            s[k] = styles.quoted(j, first_row + k)
    for i, style in links:
        s[i - first_row] = style
    return cell_texts(text_values)


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
) -> Iterator[bytes]:
    """The <row> elements below the header (data row i is sheet row i + 2), UTF-8, CHUNK_ROWS at
    a time. `heights`: data row -> points; `links`: data row -> (column, style of its link cell);
    `extras`: data row -> more cells as (column, XML), outside the table's own cells."""
    width = len(styles.column)
    # Each chunk's heights, links and extra cells, found in one pass over each (thousands of rows have a height).
    tall, linked, beside = (_by_chunk(by_row, len(rows)) for by_row in (heights, links, extras))
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start : start + CHUNK_ROWS]
        n = len(chunk)
        columns = chunk.columns if isinstance(chunk, Columns) else [list(c) for c in zip(*chunk, strict=True)]
        own = [styles.rows.get(i) for i in range(start, start + n)] if styles.rows else [None] * n
        here = [(i, column, style) for i, (column, style) in linked.get(start, {}).items()]
        numbers = list(map(str, range(start + 2, start + 2 + n)))
        numbers_utf8 = _encoded(numbers)
        pieces = [_column_pieces(columns[j], j, start, styles, own, [(i, style) for i, column, style in here if column == j], numbers, numbers_utf8)
                  for j in range(width)]
        attributes: Piece = b'">'
        if start in tall:
            attributes = [b'">'] * n
            for i, height in tall[start].items():
                attributes[i - start] = f'" ht="{height:.16G}" customHeight="1">'.encode()
        # A row: '<row r="', its number, its attributes to '>', its cells' pieces, '</row>'.
        # Neighbouring pieces that are the same in every row are one (fewer items to join).
        slots: list[Piece] = []
        for piece in [b'<row r="', numbers_utf8, attributes, *(p for column in pieces for p in column), b"</row>"]:
            if type(piece) is list:
                slots.append(piece)
            elif piece and slots and type(slots[-1]) is bytes:
                slots[-1] += piece
            elif piece:
                slots.append(piece)
        stride = len(slots)
        flat: list[bytes] = [b""] * (n * stride)
        for p, piece in enumerate(slots):
            flat[p::stride] = piece if type(piece) is list else [piece] * n
        # A row with no cell is left out, as XlsxWriter leaves it, unless it has a height.
        if not any(type(column[0]) is bytes and column[0] for column in pieces):
            present = [column[0] for column in pieces if column[0]]
            for k in [k for k, cells in enumerate(zip(*present)) if not any(cells)] if present else range(n):
                if start + k not in heights:
                    flat[k * stride : (k + 1) * stride] = [b""] * stride
        for i in beside.get(start, {}):  # cells beside the table, in column order
            k = i - start
            own_cells = [b"".join(p if type(p) is bytes else p[k] for p in column).decode() for column in pieces]
            row = _row(i + 1, heights.get(i), [(j, c) for j, c in enumerate(own_cells) if c] + extras[i])
            flat[k * stride : (k + 1) * stride] = [row.encode()] + [b""] * (stride - 1)
        yield b"".join(flat)
    below = sorted(i for i in extras if i >= len(rows))  # extra cells past the table
    if below:
        yield "".join(_row(i + 1, None, extras[i]) for i in below).encode()


def _by_chunk(by_row: dict[int, T], rows: int) -> dict[int, dict[int, T]]:
    """`by_row` split by the first row of the CHUNK_ROWS-row chunk each row falls in; rows past
    the table (`rows` long) are left out."""
    out: dict[int, dict[int, T]] = {}
    for i, value in by_row.items():
        if i < rows:
            out.setdefault(i - i % CHUNK_ROWS, {})[i] = value
    return out


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
