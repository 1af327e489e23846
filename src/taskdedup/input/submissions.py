"""Rows of the survey table as submissions: id, agency, field, title and the text to match."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from taskdedup.input.columns import Columns

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


def _column(frame: pd.DataFrame, column: str | None) -> list[str]:
    if not column:
        return [""] * len(frame)
    return [str(v).strip() for v in frame[column].tolist()]


def to_submissions(frame: pd.DataFrame, columns: Columns) -> list[Submission]:
    """One Submission per row; the frame's index holds the 1-based data row number."""
    texts = [_column(frame, c) for c in columns.text]
    ids, agencies, fields = (_column(frame, c) for c in (columns.id, columns.agency, columns.field))
    out: list[Submission] = []
    for k, row_number in enumerate(frame.index.tolist()):
        parts = [t[k] for t in texts]
        text = "\n".join(p for p in parts if p)
        title = parts[0] or text.replace("\n", " ")
        if len(title) > TITLE_WIDTH:
            title = title[: TITLE_WIDTH - 1] + "…"
        number = int(row_number)
        out.append(
            Submission(row_number=number, row_id=ids[k] or str(number), agency=agencies[k], field=fields[k], title=title, text=text)
        )
    return out
