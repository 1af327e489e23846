"""A proposal form's fields, from a document's paragraphs and tables.

A proposal document is a form: a table whose rows pair a label with its value (과제명 | ...,
제출기관 | ...), or lines such as '과제명: ...'. The labels are the survey's header vocabulary
(columns.py), so a form is read like a row of the survey table. A document that fills the form
twice gives two submissions: a title label seen again starts the next one. A document with no
labelled title (a memo) gives one submission: its first heading or line as the title, its other
lines as the description.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as _field

from taskdedup.input.columns import AGENCY_NAMES, DESCRIPTION_NAMES, FIELD_NAMES, ID_NAMES, TITLE_NAMES, header_key

# What a document holds, in reading order: a paragraph's text, or a table as rows of cell texts.
Block = str | list[list[str]]

TITLE, AGENCY, FIELD, DESCRIPTION, ID = "title", "agency", "field", "description", "id"
# Order matters where a label holds two names ("과제명(사업내용)"): the first role that matches wins.
_ROLES = ((TITLE, TITLE_NAMES), (AGENCY, AGENCY_NAMES), (FIELD, FIELD_NAMES), (DESCRIPTION, DESCRIPTION_NAMES), (ID, ID_NAMES))
LABEL_CHARS = 16  # a label is short; a longer cell that happens to contain '내용' is a value
# '과제명: ...', '□ 제출기관 : ...', '1. 과제내용: ...'
_LABELLED_LINE = re.compile(r"^[\s□■○●◦·ㅇ\-*]*(?:\d+[.)]\s*)?([^:：]{1,16}?)\s*[:：]\s*(.*)$", re.S)


def role_of(label: str) -> str | None:
    """The field a form label names, or None: exact header names first, then a label that contains
    a Korean one ('과제명(사업명)', '주요 추진내용'). Ids are only taken from exact names."""
    text = label.strip()
    if not text or len(text) > LABEL_CHARS:
        return None
    key = header_key(text)
    for role, names in _ROLES:
        if key in names:
            return role
    for role, names in _ROLES:
        if role == ID:
            continue
        # Three syllables at least: '과제' or '내용' inside a longer line is no label ('과제 제안서').
        if any(name in key for name in names if not name.isascii() and len(name) >= 3):
            return role
    return None


@dataclass
class Form:
    """One filled-in form."""

    title: str = ""
    agency: str = ""
    field: str = ""
    id: str = ""
    description: list[str] = _field(default_factory=list)

    def set(self, role: str, value: str) -> None:
        value = value.strip()
        if not value:
            return
        if role == DESCRIPTION:
            self.description.append(value)
        elif not getattr(self, role):
            setattr(self, role, value)


@dataclass
class _Reader:
    forms: list[Form] = _field(default_factory=list)
    loose: list[str] = _field(default_factory=list)  # lines no label claimed
    heading: str = ""

    def field(self, role: str, value: str) -> None:
        if not value.strip():
            return
        # A field the current form already has starts the next form (the form filled in again).
        if not self.forms or (role != DESCRIPTION and getattr(self.forms[-1], role)):
            self.forms.append(Form())
        self.forms[-1].set(role, value)


def _table(reader: _Reader, rows: Sequence[Sequence[str]]) -> None:
    rows = [[c.strip() for c in row] for row in rows if any(c.strip() for c in row)]
    if not rows:
        return
    header = [role_of(c) for c in rows[0]]
    labels_only = all(role is not None for role, cell in zip(header, rows[0], strict=True) if cell)
    if len(rows) > 1 and TITLE in header and sum(r is not None for r in header) >= 2 and labels_only:
        # A list of tasks (labels across the top, one task per row): each row is a form.
        for row in rows[1:]:
            for role, value in zip(header, row, strict=False):
                if role:
                    reader.field(role, value)
        return
    for row in rows:
        k = 0
        while k < len(row):
            role = role_of(row[k])
            if role and k + 1 < len(row) and role_of(row[k + 1]) is None:
                reader.field(role, row[k + 1])
                k += 2
                continue
            if not role and row[k]:
                reader.loose.append(row[k])
            k += 1


def _lines(reader: _Reader, text: str, state: dict[str, str | None]) -> None:
    """Lines of a paragraph (or of a PDF page). A label alone on its line takes the next line as
    its value; lines after a description's value continue it (a section of several paragraphs,
    or a PDF line wrapped) until the next label or table."""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if state["waiting"]:
            reader.field(state["waiting"], line)
            state["last"], state["waiting"] = state["waiting"], None
            continue
        labelled = _LABELLED_LINE.match(line)
        if labelled and (role := role_of(labelled.group(1))):
            if labelled.group(2).strip():
                reader.field(role, labelled.group(2))
                state["last"] = role
            else:
                state["waiting"] = role
            continue
        if ":" not in line and "：" not in line and (role := role_of(line)):
            state["waiting"] = role
            continue
        if state["last"] == DESCRIPTION and reader.forms:
            reader.forms[-1].description.append(line)
        elif not reader.heading:
            reader.heading = line
        else:
            reader.loose.append(line)


def read_forms(blocks: Sequence[Block], heading: str = "") -> list[Form]:
    """The forms a document holds, from its blocks in reading order; `heading` is its first heading
    when the format marks one (the fallback title)."""
    reader = _Reader(heading=heading)
    state: dict[str, str | None] = {"waiting": None, "last": None}
    for block in blocks:
        if isinstance(block, str):
            _lines(reader, block, state)
        else:
            state["waiting"] = state["last"] = None
            _table(reader, block)
    forms = [f for f in reader.forms if f.title or f.description]
    if forms:
        for form in forms:
            if not form.title:
                form.title = reader.heading
        return forms
    # No labelled title: the document is one submission, its heading and its body.
    body = [line for line in reader.loose if line != reader.heading]
    if not reader.heading and not body:
        return []
    labelled = reader.forms[0] if reader.forms else Form()
    title = reader.heading or body.pop(0)
    return [Form(title=title, agency=labelled.agency, field=labelled.field, id=labelled.id, description=body)]
