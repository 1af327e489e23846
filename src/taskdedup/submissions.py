"""Rows of the survey table as submissions: id, agency, field, title and the text to match."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from taskdedup.columns import Columns

TITLE_WIDTH = 80


@dataclass(frozen=True)
class Submission:
    row_number: int  # 1-based data row in the input (header excluded), for people to find it
    row_id: str  # the id column's value, or the row number when there is no id
    agency: str
    field: str
    title: str  # the first text column, shown to people
    text: str  # all text columns joined, what is matched

    def sort_key(self) -> tuple[str, str, str, str, str, int]:
        """A total order that depends only on content, so results do not depend on row order."""
        return (self.text, self.title, self.agency, self.field, self.row_id, self.row_number)


def _cell(row: pd.Series, column: str | None) -> str:
    return str(row[column]).strip() if column else ""


def to_submissions(frame: pd.DataFrame, columns: Columns) -> list[Submission]:
    """One Submission per row; the frame's index holds the 1-based data row number."""
    out: list[Submission] = []
    for row_number, row in frame.iterrows():
        parts = [_cell(row, c) for c in columns.text]
        text = "\n".join(p for p in parts if p)
        title = parts[0] or text.replace("\n", " ")
        if len(title) > TITLE_WIDTH:
            title = title[: TITLE_WIDTH - 1] + "…"
        number = int(row_number)  # type: ignore[arg-type]
        row_id = _cell(row, columns.id) or str(number)
        out.append(
            Submission(
                row_number=number,
                row_id=row_id,
                agency=_cell(row, columns.agency),
                field=_cell(row, columns.field),
                title=title,
                text=text,
            )
        )
    return out
