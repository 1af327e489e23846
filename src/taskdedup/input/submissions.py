"""Rows of the survey table as submissions: id, agency, field, title and the text to match."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pandas as pd

from taskdedup.input.columns import Columns
from taskdedup.messages import msg

TITLE_WIDTH = 80


@dataclass(frozen=True)
class Submission:
    row_number: int  # 1-based data row in the input (header excluded), for people to find it
    row_id: str  # the id column's value, or the row number when there is no id
    agency: str
    field: str
    title: str  # the first text column, shown to people
    text: str  # all text columns joined, what is matched
    # Where the first text column ends in `text` (0 when it is empty): the description is then a
    # slice of the text, not a second copy of it (a million rows).
    title_end: int = 0

    @property
    def description(self) -> str:
        """The other text columns (과제내용 ...), shown beside the title."""
        return self.text[self.title_end + 1 :] if self.title_end else ""

    def sort_key(self) -> tuple[str, str, str, str, str, int]:
        """A total order that depends only on content, so results do not depend on row order."""
        return (self.text, self.title, self.agency, self.field, self.row_id, self.row_number)


# An HTML character reference: web exports (Seoul's proposal box: 27,184 &nbsp; in 4,002 rows) keep them.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# HTML markup pasted from a web editor (the same box: <p style="mso-...">, <!--StartFragment-->).
# Only HTML's own tag names (and Word's o:p, w:..., v:...) with attributes as name=value count, so
# "<청년> 정책" or "a<b 또는 c>d" stay text.
_TAGS = (
    "a|abbr|b|big|blockquote|body|br|caption|center|code|col|colgroup|dd|del|div|dl|dt|em|font|h[1-6]|head|hr|html|i|img|ins|"
    "label|li|link|meta|nobr|ol|p|pre|s|section|small|span|strike|strong|sub|sup|table|tbody|td|tfoot|th|thead|title|tr|u|ul|wbr|xml|"
    "o:p|[wv]:[a-z]+"
)
_MARKUP = re.compile(rf"<!--.*?-->|<(style|script)\b.*?</\1\s*>|</?(?:{_TAGS})(?:\s+[^<>]*=[^<>]*)?\s*/?>", re.S | re.I)
_BREAK = re.compile(r"<(?:br|/p|/div|/li|/tr|/h[1-6])\b[^<>]*>", re.I)
_SPACES = re.compile(r"[ \t\xa0]+")
# What some references stand for is no text: a no-break space is a space, a byte-order mark nothing.
_INVISIBLE = str.maketrans({"\xa0": " ", "\ufeff": None})


def web_text(value: str) -> str:
    """Text as a web page showed it: markup removed (a paragraph or line break ends a line), and
    `&lt;`, `&#39;`, `&nbsp;` ... replaced by their characters. Other text is returned as it is."""
    changed = False
    if "<" in value and _MARKUP.search(value):
        value = _MARKUP.sub("", _BREAK.sub("\n", value))
        changed = True
    if "&" in value and _ENTITY.search(value):
        value = html.unescape(value).translate(_INVISIBLE)
        changed = True
    if not changed:
        return value
    lines = (_SPACES.sub(" ", line).strip() for line in value.split("\n"))
    return "\n".join(line for line in lines if line)


def _column(frame: pd.DataFrame, column: str | None, changed: list[int] | None = None) -> list[str]:
    if not column:
        return [""] * len(frame)
    values = [str(v).strip() for v in frame[column].tolist()]
    if changed is None:
        return values
    out = [web_text(v) if "&" in v or "<" in v else v for v in values]
    changed[0] += sum(a is not b for a, b in zip(values, out, strict=True))
    return out


def to_submissions(frame: pd.DataFrame, columns: Columns, notices: list[str] | None = None) -> list[Submission]:
    """One Submission per row; the frame's index holds the 1-based data row number. Web text in the
    text, agency and field columns is read as a browser shows it (web_text, said in `notices`):
    markup and character references are how a web export spells text, not words to match or show."""
    changed = [0]
    texts = [_column(frame, c, changed) for c in columns.text]
    agencies, fields = (_column(frame, c, changed) for c in (columns.agency, columns.field))
    ids = _column(frame, columns.id)
    if changed[0] and notices is not None:
        notices.append(msg('{changed} cell(s) held HTML markup or character references (<p>, &quot;, &nbsp; ...): read as the text a web page shows', changed=changed[0]))
    out: list[Submission] = []
    for k, row_number in enumerate(frame.index.tolist()):
        parts = [t[k] for t in texts]
        text = "\n".join(p for p in parts if p)
        title = parts[0] or text.replace("\n", " ")
        if len(title) > TITLE_WIDTH:
            title = title[: TITLE_WIDTH - 1] + "…"
        number = int(row_number)
        out.append(
            Submission(row_number=number, row_id=ids[k] or str(number), agency=agencies[k], field=fields[k], title=title, text=text,
                       title_end=len(parts[0]))
        )
    return out
