"""Several survey files read as one table: a folder of agency files, or files and globs.

Each agency sends back its own copy of the survey (its own headers, banner rows, encoding), or one
proposal document per task. Every file is read on its own, as `read_table` reads one file (or as
documents.py reads a proposal form), its columns are detected on their own, and the rows are put
into fixed columns with the file each came from. Nothing is dropped without a word: a file that
cannot be read stops the run, naming the file and the reason, unless the caller asks to skip such
files, and then each skipped file is a notice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from taskdedup.config import ColumnSpec
from taskdedup.errors import InputError, TaskdedupError
from taskdedup.input.columns import Columns, resolve_columns
from taskdedup.input.table import EXCEL_SUFFIXES, GLOB_CHARACTERS, LEGACY_EXCEL_SUFFIXES, TEXT_SUFFIXES, Table, glob_files, must_exist, readable
from taskdedup.messages import msg

TABLE_SUFFIXES = TEXT_SUFFIXES | EXCEL_SUFFIXES | LEGACY_EXCEL_SUFFIXES
DOCUMENT_SUFFIXES = frozenset({".hwpx", ".hwp", ".docx", ".pdf"})

# The columns of the combined table. Korean, like the survey's own headers, so that the exports
# and detection read them as any other survey.
SOURCE, ID, AGENCY, FIELD, TITLE, DESCRIPTION = "source_file", "번호", "기관", "분야", "과제명", "과제내용"
FIXED = (SOURCE, ID, AGENCY, FIELD, TITLE, DESCRIPTION)

AGENCY_FROM = ("auto", "column", "filename")


@dataclass(frozen=True)
class ReadOptions:
    """How every file is read: the options of a one-file run, applied to each file."""

    columns: ColumnSpec = ColumnSpec()
    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    agency_from: str = "auto"  # auto: the agency column, else the file name; column; filename
    skip_bad_files: bool = False


def agency_from_name(name: str) -> str:
    """The agency a file name gives: the part before the first '_' ('행정안전부_수요조사.xlsx' ->
    '행정안전부'), or the whole name without its suffix when it has no '_'."""
    stem = Path(name).stem.strip()
    head = stem.split("_", 1)[0].strip()
    return head or stem


def _skipped_name(path: Path) -> bool:
    """Files nobody sent: hidden ones (.DS_Store, a half-written export) and the lock files Office
    leaves beside an open document (~$name.xlsx)."""
    return path.name.startswith((".", "~$")) or path.name in {"Thumbs.db", "desktop.ini"}


def expand(inputs: Sequence[str]) -> tuple[list[Path], int]:
    """The files named by `inputs` (files, folders, read with their subfolders, and glob patterns),
    each once, in a fixed order; and how many hidden or lock files inside folders were passed over."""
    found: list[Path] = []
    passed_over = 0
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            inside = sorted((p for p in path.rglob("*") if p.is_file()), key=lambda p: p.relative_to(path).parts)
            kept = [p for p in inside if not any(_skipped_name(Path(part)) for part in p.relative_to(path).parts)]
            passed_over += len(inside) - len(kept)
            if not kept:
                raise InputError(msg('{path}: the folder holds no files; put the agencies\' files in it', path=readable(given)))
            found.extend(kept)
        elif path.exists():
            found.append(path)
        else:
            matched = glob_files(given) if GLOB_CHARACTERS & set(given) else []
            if not matched:
                must_exist([given])  # says which: no such file, or no file matches the pattern
            found.extend(matched)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values()), passed_over


def display_names(paths: Sequence[Path]) -> list[str]:
    """How each file is named in the outputs: its name, or, when two files share a name (the same
    form in two agencies' folders), enough of their folders to tell them apart."""
    depth = 1
    while True:
        names = ["/".join(p.parts[-depth:]) for p in paths]
        if len(set(names)) == len(names) or depth >= max(len(p.parts) for p in paths):
            return [readable(n) for n in names]
        depth += 1


def id_prefixes(names: Sequence[str]) -> list[str]:
    """What each file's row ids start with: its name without the suffix (the id stays when an agency
    sends the next round as .xlsx instead of .csv), or the whole name where two files share a stem."""
    stems = [str(Path(n).with_suffix("")) for n in names]
    return [stem if stems.count(stem) == 1 else name for stem, name in zip(stems, names, strict=True)]


def _reason(exc: TaskdedupError, path: Path) -> str:
    """An error's message without the file name it starts with (the list names the file)."""
    text = str(exc)
    for prefix in (f"{readable(str(path))}: ", f"{path}: "):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def _read_one(path: Path, options: ReadOptions) -> Table:
    suffix = path.suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        from taskdedup.input.documents import read_document

        return read_document(path)
    if suffix not in TABLE_SUFFIXES:
        raise InputError(
            msg("{path}: unsupported file type '{suffix}'; use .xlsx, .xls, .csv, .tsv, .txt, .hwpx, .hwp, .docx or .pdf",
                path=readable(str(path)), suffix=path.suffix or "(none)")
        )
    from taskdedup.input.tables import read_table

    table = read_table(str(path), encoding=options.encoding, sheet=options.sheet, header_row=options.header_row)
    _own_output(table, path)
    return table


# What taskdedup itself writes: read back as a submission it would duplicate every task.
_OWN_SHEETS = frozenset({"병합제안", "Proposals", "기존 사업 대조", "Against existing", "통합과제목록", "Merged tasks"})
_OWN_HEADERS = (("cluster_id", "cluster_size", "kind"), ("군집번호", "과제 수", "유형"), ("row_id", "row_number", "agency", "title", "source_file", "verdict"),
                ("kind", "key", "lead_agency", "agencies"), ("구분", "제안 키", "주관 기관", "참여 기관"))


def _own_output(table: Table, path: Path) -> None:
    headers = tuple(str(c) for c in table.frame.columns)
    if _OWN_SHEETS & {table.sheet or "", *table.other_sheets} or any(headers[: len(h)] == h for h in _OWN_HEADERS):
        raise InputError(msg("{path}: an output of taskdedup (a review workbook or export), not a submission; move it out of the input folder",
                             path=readable(str(path))))


def _fixed_rows(table: Table, name: str, prefix: str, options: ReadOptions) -> tuple[pd.DataFrame, Columns, str]:
    """One file's rows in the fixed columns (its other columns kept under their own names), its
    columns, and where its agencies came from, as the notices say it."""
    frame = table.frame
    spec = options.columns
    if options.agency_from == "filename":
        spec = replace(spec, agency_col=None)
    columns = table.columns or resolve_columns([str(c) for c in frame.columns], spec)

    def values(column: str | None) -> list[str]:
        return [str(v) for v in frame[column].tolist()] if column else [""] * len(frame)

    numbers = [str(int(n)) for n in frame.index.tolist()]
    ids = [f"{prefix}#{v.strip() or n}" for v, n in zip(values(columns.id), numbers, strict=True)]
    if options.agency_from == "filename" or (options.agency_from == "auto" and columns.agency is None):
        agencies, origin = [agency_from_name(name)] * len(frame), msg("from the file name")
    else:
        agencies = values(columns.agency)
        origin = msg("(none)") if columns.agency is None else msg("from the form") if table.columns else columns.agency
    texts = [values(c) for c in columns.text]
    descriptions = ["\n".join(part for part in parts if part.strip()) for parts in zip(*texts[1:], strict=True)] if len(texts) > 1 else [""] * len(frame)
    out = {SOURCE: [name] * len(frame), ID: ids, AGENCY: agencies, FIELD: values(columns.field), TITLE: texts[0], DESCRIPTION: descriptions}
    used = {c for c in (columns.id, columns.agency, columns.field, *columns.text) if c}
    for column in frame.columns:
        header = str(column)
        if header in used:
            continue
        label = header
        while label in out:
            label += " (원본)"
        out[label] = [str(v) for v in frame[column].tolist()]
    return pd.DataFrame(out, index=frame.index), columns, origin


LISTED = 5  # files named in one error line; --skip-bad-files lists every one in the notices


def _listed(bad: list[str]) -> str:
    shown = "; ".join(bad[:LISTED])
    return shown if len(bad) <= LISTED else msg("{shown}; and {more} more", shown=shown, more=len(bad) - LISTED)


def read_collection(inputs: Sequence[str], options: ReadOptions = ReadOptions()) -> Table:
    """Every file that `inputs` names, read as one table with a `source_file` column."""
    paths, passed_over = expand(inputs)
    source = readable(inputs[0]) if len(inputs) == 1 else msg("{count} files", count=len(paths))
    return _read_paths(paths, display_names(paths), passed_over, source, options)


def read_sides(new: Sequence[str], existing: Sequence[str], options: ReadOptions = ReadOptions()) -> tuple[Table, frozenset[str]]:
    """The files of both sides of `link` read as one table (one vocabulary, one set of names), and
    the names of the new side's files."""
    new_paths, new_over = expand(new)
    old_paths, old_over = expand(existing)
    both = {p.resolve() for p in new_paths} & {p.resolve() for p in old_paths}
    if both:
        shown = ", ".join(sorted(readable(str(p)) for p in both)[:LISTED])
        raise InputError(msg("{files}: given as both NEW and EXISTING; name each file on one side only", files=shown))
    names = display_names([*new_paths, *old_paths])
    table = _read_paths([*new_paths, *old_paths], names, new_over + old_over, msg("{count} files", count=len(names)), options)
    return table, frozenset(names[: len(new_paths)])


def _read_paths(paths: Sequence[Path], names: Sequence[str], passed_over: int, source: str, options: ReadOptions) -> Table:
    if options.agency_from not in AGENCY_FROM:
        raise InputError(msg("agency from '{value}': use one of {choices}", value=options.agency_from, choices=", ".join(AGENCY_FROM)))
    parts: list[pd.DataFrame] = []
    files: list[tuple[str, int]] = []
    bad: list[str] = []
    notices: list[str] = []
    blank_rows = unsaved = 0
    for path, name, prefix in zip(paths, names, id_prefixes(names), strict=True):
        try:
            table = _read_one(path, options)
            rows, columns, agency = _fixed_rows(table, name, prefix, options)
        except TaskdedupError as exc:
            if len(paths) == 1:
                raise  # one file (a single document): its own message, as for one table
            bad.append(msg("{name} ({reason})", name=name, reason=_reason(exc, path)))
            continue
        parts.append(rows)
        files.append((name, len(rows)))
        blank_rows += table.blank_rows
        unsaved += table.unsaved_formulas
        if path.suffix.lower() in DOCUMENT_SUFFIXES:
            notices.append(msg("{name}: {rows} proposal form(s); agency {agency}", name=name, rows=len(rows), agency=agency))
        else:
            notices.append(msg("{name}: {rows} row(s); title {title}, agency {agency}", name=name, rows=len(rows), title=columns.text[0], agency=agency))
        notices.extend(msg("{name}: {notice}", name=name, notice=n) for n in table.notices)
    if bad and not options.skip_bad_files:
        raise InputError(
            msg("{count} of {total} file(s) cannot be read: {files}; fix or remove them, or add --skip-bad-files to go on without them",
                count=len(bad), total=len(paths), files=_listed(bad))
        )
    if not parts:
        raise InputError(msg("no file could be read: {files}", files=_listed(bad)))
    notices.extend(msg("skipped {file}", file=b) for b in bad)
    if passed_over:
        notices.append(msg("{count} hidden or lock file(s) in the folders passed over (names starting with '.' or '~$')", count=passed_over))
    frame = pd.concat(parts, ignore_index=False, sort=False).fillna("")
    frame = frame[[*FIXED, *(c for c in frame.columns if c not in FIXED)]]
    has_description = any(frame[DESCRIPTION].astype(bool))
    columns = Columns(text=(TITLE, DESCRIPTION) if has_description else (TITLE,), id=ID, agency=AGENCY,
                      field=FIELD if any(frame[FIELD].astype(bool)) else None, source=SOURCE)
    return Table(frame=frame, source=source, blank_rows=blank_rows, notices=tuple(notices), unsaved_formulas=unsaved, columns=columns,
                 files=tuple(files))
