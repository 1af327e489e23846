"""Which row is the header. Ministry workbooks put a title banner ("2018년 지능형정부 수요조사
결과"), a blank row or merged group labels above the real header, and some split the header over
two rows; the header is the row that reads most like one of the known column names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from taskdedup.errors import InputError
from taskdedup.input.columns import AGENCY_NAMES, DESCRIPTION_NAMES, FIELD_NAMES, ID_NAMES, TITLE_NAMES, header_key
from taskdedup.messages import msg

SCAN_ROWS = 20  # the header is looked for in this many rows from the top
_KNOWN = frozenset(header_key(n) for n in (*ID_NAMES, *AGENCY_NAMES, *FIELD_NAMES, *TITLE_NAMES, *DESCRIPTION_NAMES))


def header_score(row: Sequence[str]) -> int:
    """How many cells are exactly a known column name."""
    return sum(1 for cell in row if cell.strip() and header_key(cell) in _KNOWN)


@dataclass(frozen=True)
class Header:
    first: int  # index of the (first) header row among the rows read
    rows: int = 1  # 1, or 2 for a header split over two rows
    names: tuple[str, ...] = ()  # the combined names of a two-row header

    @property
    def default(self) -> bool:
        """The first row alone: what every reader did before, read the usual way."""
        return self.first == 0 and self.rows == 1


def find_header(rows: Sequence[Sequence[str]], forced: int | None = None, source: str = "") -> Header:
    """The header among the first rows (cells as text). `forced` is the 1-based row the user named.

    Without a row of known names the first row is the header, as before. When the row below the
    header fills cells the header leaves empty (merged cells) and also holds known names, the two
    rows are one header: each column is named by its lower cell, or its upper one when that is empty.
    """
    if forced is not None:
        if forced > len(rows):
            raise InputError(msg('{source}: --header-row {forced} is past the last row ({n_rows}); count the rows from 1 at the top', source=source, forced=forced, n_rows=len(rows)))
        return Header(forced - 1)
    scores = [header_score(r) for r in rows[:SCAN_ROWS]]
    best = max(scores, default=0)
    if best == 0:
        return Header(0)
    first = scores.index(best)
    if first + 1 < len(rows) and first + 1 < SCAN_ROWS and scores[first + 1] > 0:
        upper, lower = rows[first], rows[first + 1]
        width = max(len(upper), len(lower))
        upper = [*upper, *[""] * (width - len(upper))]
        lower = [*lower, *[""] * (width - len(lower))]
        if any(not u.strip() and v.strip() for u, v in zip(upper, lower, strict=True)):
            names = tuple(v.strip() or u.strip() for u, v in zip(upper, lower, strict=True))
            return Header(first, 2, unique_names(names))
    return Header(first)


def unique_names(names: Sequence[str]) -> tuple[str, ...]:
    """Header names as pandas gives them: an empty one 'Unnamed: k', a repeated one 'name.1'."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for k, name in enumerate(names):
        name = name or f"Unnamed: {k}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        seen.setdefault(name, 0)
        out.append(name)
    return tuple(out)


def header_notice(header: Header, line_of: Sequence[int] | None = None) -> str | None:
    """What to tell the analyst; `line_of[k]` is the 1-based file row of row k (blank rows count)."""
    if header.default:
        return None
    row = (line_of[header.first] if line_of else header.first + 1)
    if header.rows == 2:
        return msg("header read from rows {row}-{next} (a two-row header; each column named by its lower cell); --header-row N chooses another row", row=row, next=row + 1)
    return msg("header read from row {row} (the rows above it look like a title or group labels); --header-row N chooses another row", row=row)
