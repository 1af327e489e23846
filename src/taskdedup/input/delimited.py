"""Delimited text tables (.csv, .tsv, .txt, stdin): bytes -> text in the right encoding -> Table."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import charset_normalizer
import pandas as pd

from taskdedup.errors import InputError
from taskdedup.input.header import SCAN_ROWS, find_header, header_notice, unique_names
from taskdedup.input.table import Table, drop_blank_rows
from taskdedup.messages import msg

_SNIFF_DELIMITERS = ",\t;|"


def decode_text(data: bytes, source: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode bytes to text; returns (text, encoding used).

    Without an explicit encoding: a BOM decides; then strict UTF-8 (which almost never accepts text
    in another encoding); then strict CP949, which Korean Excel writes and which covers EUC-KR;
    then charset-normalizer's best guess for anything else.
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(msg("unknown encoding '{encoding}'; try --encoding utf-8 or --encoding cp949", encoding=encoding)) from None
        if data.startswith(codecs.BOM_UTF8) and codecs.lookup(encoding).name != "utf-8":
            data = data[len(codecs.BOM_UTF8) :]  # a mark some tools add whatever the encoding
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise InputError(
                msg(
                    '{source}: cannot decode as {encoding} (byte {start}); try another --encoding (cp949 for Korean Excel files, '
                    'utf-8 otherwise) or leave it out to detect',
                    source=source, encoding=encoding, start=exc.start
                )
            ) from None
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
        try:
            return body.decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            # The mark lies: some tools put it in front of CP949 text.
            try:
                return body.decode("cp949"), "cp949 (after a UTF-8 mark)"
            except UnicodeDecodeError:
                raise InputError(
                    msg(
                        "{source}: starts with a UTF-8 mark but is not UTF-8 (byte {byte}) nor CP949; pass the file's encoding, for "
                        'example --encoding cp949',
                        source=source, byte=exc.start + len(codecs.BOM_UTF8)
                    )
                ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export: UTF-16 with a BOM, tab-separated.
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise InputError(msg('{source}: looks like a binary file, not text; export the survey as .csv or .xlsx', source=source))
    try:
        return data.decode("cp949"), "cp949"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        return str(best), best.encoding
    raise InputError(msg('{source}: cannot tell the text encoding; pass --encoding (for example --encoding cp949)', source=source))


def _head(text: str, lines: int) -> str:
    """The text up to and including its `lines`-th newline: splitting only that much gives the same
    first lines as splitting it all (every newline ends a line), without a list of every line."""
    end = -1
    for _ in range(lines):
        end = text.find("\n", end + 1)
        if end < 0:
            return text
    return text[: end + 1]


def _sniff_delimiter(text: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    sample = "\n".join(_head(text, 50).splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_SNIFF_DELIMITERS).delimiter
    except csv.Error:
        return "\t" if suffix == ".txt" and "\t" in sample else ","


def _first_records(text: str, delimiter: str, count: int) -> tuple[list[list[str]], list[int]]:
    """The first `count` records as cells, and the 1-based line each starts on (quoted cells may span lines)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[list[str]] = []
    starts: list[int] = []
    line = 0
    try:
        for row in reader:
            starts.append(line + 1)
            rows.append(row)
            line = reader.line_num
            if len(rows) >= count:
                break
    except csv.Error:
        pass  # the full read below says what is wrong, and where
    starts.append(line + 1)  # where the record after the last one read starts
    return rows, starts


def _utf8(data: bytes, text: str, used: str) -> bytes:
    """`text` as UTF-8 bytes: the file's own bytes when it was UTF-8 (past the mark utf-8-sig drops),
    which are exactly those, instead of encoding 6.6 MB of petitions again."""
    if used == "utf-8":
        return data
    if used == "utf-8-sig":
        return data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    return text.encode("utf-8", "surrogatepass")


def read_text_table(data: bytes, source: str, *, suffix: str, encoding: str | None, header_row: int | None = None) -> Table:
    text, used = decode_text(data, source, encoding)
    if "\x00" in text:
        raise InputError(msg('{source}: contains NUL characters, so it is not a text table; export it again as .csv or .xlsx', source=source))
    if not text.strip():
        raise InputError(msg('{source}: the file is empty; export the survey with a header row and data', source=source))
    delimiter = _sniff_delimiter(text, suffix)
    rows, starts = _first_records(text, delimiter, max(SCAN_ROWS + 1, (header_row or 0) + 1))
    header = find_header(rows, header_row, source)
    options: dict[str, object] = {}
    if header.rows == 2:
        width = max(len(r) for r in rows)
        names = unique_names([*header.names, *[""] * (width - len(header.names))])
        options = {"skiprows": starts[header.first + 2] - 1, "header": None, "names": list(names), "index_col": False}
    elif not header.default:
        options = {"skiprows": starts[header.first] - 1}
    try:
        # The C parser reads UTF-8 bytes ~4x faster than a text stream (which it re-encodes chunk by chunk).
        frame = pd.read_csv(
            io.BytesIO(_utf8(data, text, used)),
            encoding="utf-8",
            encoding_errors="surrogatepass",
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
            **options,  # type: ignore[arg-type]
        )
    except pd.errors.ParserError as exc:
        detail = str(exc).strip().splitlines()[-1]
        raise InputError(msg('{source}: not a well-formed table ({detail}); check quoting and delimiters on that line', source=source, detail=detail)) from None
    except pd.errors.EmptyDataError:
        raise InputError(msg('{source}: the file is empty; export the survey with a header row and data', source=source)) from None
    frame.columns = [str(c) for c in frame.columns]
    frame, blank = drop_blank_rows(frame)
    notice = header_notice(header, starts)
    notices = (f"used encoding {used}: the file starts with a UTF-8 mark but is CP949 text",) if used.startswith("cp949 (") else ()
    return Table(frame=frame, source=source, encoding=used, delimiter=delimiter, blank_rows=blank,
                 notices=notices + ((notice,) if notice else ()))


def read_text_file(path: str) -> str:
    """A small text file such as a lexicon: UTF-8 (with or without BOM) or CP949."""
    p = Path(path)
    if not p.is_file():
        raise InputError(msg('{path}: no such file; check the path', path=path))
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(msg('{path}: cannot read the file ({strerror})', path=path, strerror=exc.strerror)) from exc
    return decode_text(data, path)[0]
