"""Which column holds what: detection from Korean and English headers, or the user's choice."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from taskdedup.config import ColumnSpec
from taskdedup.errors import ColumnError
from taskdedup.messages import msg

# Header names by role, most specific first. Headers are compared after _key(): lower-cased, with
# spaces, underscores, hyphens, dots, slashes and brackets removed ("과제 명" == "과제명").
ID_NAMES = ("연번", "번호", "순번", "일련번호", "과제번호", "제안번호", "접수번호", "관리번호", "사업번호", "사업코드", "과제코드", "id", "no", "number", "rowid")
AGENCY_NAMES = (
    "기관명", "기관", "제출기관", "제안기관", "소관기관", "담당기관", "주관기관", "부처", "부처명", "소관부처",
    "기관부처", "부서", "부서명", "담당부서", "agency", "ministry", "organization", "organisation", "org", "department",
)
FIELD_NAMES = ("분야", "과제분야", "분류", "유형", "구분", "카테고리", "영역", "field", "category", "sector", "domain", "type")
TITLE_NAMES = ("과제명", "제목", "제안제목", "과제제목", "사업명", "제안명", "과제", "명칭", "title", "subject", "name")
DESCRIPTION_NAMES = (
    "과제내용", "내용", "설명", "개요", "제안내용", "과제개요", "주요내용", "사업내용", "세부내용", "과제설명",
    "사업개요", "description", "content", "contents", "summary", "details", "detail", "body", "text",
    # the sections of a proposal form (input/forms.py), after every column name
    "추진내용", "필요성", "추진배경", "추진방안", "기대효과", "사업목적",
)

_PUNCT = re.compile(r"[\s_\-./()\[\]{}:·]+")


def header_key(header: str) -> str:
    """A header as compared: lower-cased, without spaces and punctuation."""
    return _PUNCT.sub("", header).lower()


_key = header_key


@dataclass(frozen=True)
class Columns:
    """The resolved columns. Text columns are joined in order; the first is shown as the title."""

    text: tuple[str, ...]
    id: str | None = None
    agency: str | None = None
    field: str | None = None
    source: str | None = None  # the file each row came from, when several files were read as one

    def describe(self) -> str:
        none = msg("(none)")
        return msg("text={text}, id={id}, agency={agency}, field={field}", text=" + ".join(self.text), id=self.id or none,
                   agency=self.agency or none, field=self.field or none)


LISTED = 20  # headers named in an error before "and N more": a wide sheet must not print a page


def _available(headers: Sequence[str]) -> str:
    shown = ", ".join(f"'{h}'" for h in headers[:LISTED])
    return shown + (f" and {len(headers) - LISTED} more" if len(headers) > LISTED else "")


def _named(headers: Sequence[str], name: str, flag: str) -> str:
    if name in headers:
        return name
    # Forgive case and spacing differences, but only when exactly one header matches.
    loose = [h for h in headers if _key(h) == _key(name)]
    if len(loose) == 1:
        return loose[0]
    raise ColumnError(msg("no column '{name}' for {flag}; available columns: {available}", name=name, flag=flag, available=_available(headers)))


def _detect(headers: Sequence[str], names: Sequence[str], taken: set[str], *, contains: bool = True) -> str | None:
    keys = {h: _key(h) for h in headers if h not in taken}
    for name in names:  # exact header names first, in priority order
        for header, key in keys.items():
            if key == name:
                return header
    if not contains:
        return None
    # Then headers that contain a known Korean name, e.g. "제안과제명", "과제 내용(요약)". English
    # names are too short and common inside other words ("no" in "notes") to match this way.
    for name in names:
        if name.isascii() or len(name) < 2:
            continue
        for header, key in keys.items():
            if name in key:
                return header
    return None


def resolve_columns(headers: Sequence[str], spec: ColumnSpec) -> Columns:
    """Columns named in `spec` are used as given (and must exist); the rest are detected."""
    headers = [str(h) for h in headers]
    taken: set[str] = set()

    def pick(explicit: str | None, flag: str, names: Sequence[str], contains: bool = True) -> str | None:
        found = _named(headers, explicit, flag) if explicit else _detect(headers, names, taken, contains=contains)
        if found:
            taken.add(found)
        return found

    text: list[str] = []
    if spec.text_cols:
        text = [_named(headers, name, "--text-col") for name in spec.text_cols]
        taken.update(text)
    # An id is only taken from an exact header name: "전화번호" contains "번호" but is no task id.
    id_col = pick(spec.id_col, "--id-col", ID_NAMES, contains=False)
    agency = pick(spec.agency_col, "--agency-col", AGENCY_NAMES)
    field = pick(spec.field_col, "--field-col", FIELD_NAMES)
    if not text:
        for names in (TITLE_NAMES, DESCRIPTION_NAMES):
            found = _detect(headers, names, taken)
            if found:
                taken.add(found)
                text.append(found)
    if not text:
        raise ColumnError(
            msg('no title or description column found among {available}; name it with --text-col (repeat it to join several columns)', available=_available(headers))
        )
    return Columns(text=tuple(text), id=id_col, agency=agency, field=field)
