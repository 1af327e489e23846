"""Rows of the survey table as submissions: id, agency, field, title and the text to match."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from taskdedup.input.columns import Columns
from taskdedup.input.markup import web_text
from taskdedup.messages import msg

TITLE_WIDTH = 80


class Submission(NamedTuple):
    """One input row. A named tuple, not a dataclass: a million of them are made in a large run,
    three times faster, and read as fast."""

    row_number: int  # 1-based data row in the input (header excluded), for people to find it
    row_id: str  # the id column's value, or the row number when there is no id
    agency: str
    field: str
    title: str  # the first text column, shown to people
    text: str  # all text columns joined, what is matched
    # Where the first text column ends in `text` (0 when it is empty): the description is then a
    # slice of the text, not a second copy of it (a million rows).
    title_end: int = 0
    source: str = ""  # the file the row came from (its name, without folders)

    @property
    def description(self) -> str:
        """The other text columns (과제내용 ...), shown beside the title."""
        return self.text[self.title_end + 1 :] if self.title_end else ""

    def sort_key(self) -> tuple[str, str, str, str, str, int, str]:
        """A total order that depends only on content, so results do not depend on row order."""
        return (self.text, self.title, self.agency, self.field, self.row_id, self.row_number, self.source)


def _column(frame: pd.DataFrame, column: str | None, changed: list[int] | None = None) -> list[str]:
    if not column:
        return [""] * len(frame)
    values = [str(v).strip() for v in frame[column].tolist()]
    if changed is None:
        return values
    out = [web_text(v) if "&" in v or "<" in v else v for v in values]
    changed[0] += sum(a is not b for a, b in zip(values, out, strict=True))
    return out


def to_submissions(frame: pd.DataFrame, columns: Columns, notices: list[str] | None = None, source: str = "") -> list[Submission]:
    """One Submission per row; the frame's index holds the 1-based data row number, and `source`
    names the file (or `columns.source` holds each row's file, for several files). Web text in the
    text, agency and field columns is read as a browser shows it (web_text, said in `notices`):
    markup and character references are how a web export spells text, not words to match or show."""
    changed = [0]
    texts = [_column(frame, c, changed) for c in columns.text]
    agencies, fields = (_column(frame, c, changed) for c in (columns.agency, columns.field))
    ids = _column(frame, columns.id)
    sources = _column(frame, columns.source) if columns.source else [source] * len(frame)
    if changed[0] and notices is not None:
        notices.append(msg('{changed} cell(s) held HTML markup or character references (<p>, &quot;, &nbsp; ...): read as the text a web page shows', changed=changed[0]))
    if len(texts) == 1:  # one text column: the text is the cell (most large inputs)
        joined, firsts = texts[0], texts[0]
    else:
        joined = ["\n".join(p for p in parts if p) for parts in zip(*texts, strict=True)]
        firsts = [first or text.replace("\n", " ") for first, text in zip(texts[0], joined, strict=True)]
    titles = [t if len(t) <= TITLE_WIDTH else t[: TITLE_WIDTH - 1] + "…" for t in firsts]
    numbers = [int(n) for n in frame.index.tolist()]
    return list(map(
        Submission, numbers, [i or str(n) for i, n in zip(ids, numbers, strict=True)], agencies, fields, titles, joined,
        map(len, texts[0]), sources,
    ))
