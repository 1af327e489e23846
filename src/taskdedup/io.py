"""Everything that touches files: reading survey tables and writing outputs atomically.

Reading returns a pandas DataFrame of strings (empty cells as ""), with the header as given, plus
facts about how it was read. Nothing here interprets the columns; see columns.py.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import sqlite3
import sys
import tempfile
import tomllib
import warnings
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import pandas as pd

from taskdedup.errors import InputError, OutputError

TEXT_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
LEGACY_EXCEL_SUFFIXES = frozenset({".xls"})
STDIN = "-"

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and password-protected .xlsx
_SNIFF_DELIMITERS = ",\t;|"


@dataclass(frozen=True)
class Table:
    frame: pd.DataFrame
    source: str
    encoding: str | None = None  # for text input
    delimiter: str | None = None
    sheet: str | None = None  # for workbooks
    blank_rows: int = 0  # rows with no value in any cell, left out and reported


def read_table(path: str, *, encoding: str | None = None, sheet: str | None = None) -> Table:
    """Read a survey table from .csv/.tsv/.txt, .xlsx/.xlsm, .xls, or '-' (CSV on stdin)."""
    if path == STDIN:
        data = sys.stdin.buffer.read()
        return _read_text(data, "<stdin>", suffix=".csv", encoding=encoding)
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file; check the path")
    if p.is_dir():
        raise InputError(f"{path}: is a directory, not a file; give the survey file inside it")
    suffix = p.suffix.lower()
    if suffix not in TEXT_SUFFIXES | EXCEL_SUFFIXES | LEGACY_EXCEL_SUFFIXES:
        raise InputError(
            f"{path}: unsupported file type '{p.suffix or '(none)'}'; use .xlsx, .xls, .csv, .tsv or .txt"
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror}); check its permissions") from exc
    if not data.strip():
        raise InputError(f"{path}: the file is empty; export the survey with a header row and data")
    if suffix in TEXT_SUFFIXES:
        if data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC):
            raise InputError(f"{path}: this is an Excel workbook saved with a '{p.suffix}' name; rename it to .xlsx (or .xls)")
        return _read_text(data, path, suffix=suffix, encoding=encoding)
    return _read_workbook(data, path, suffix=suffix, sheet=sheet)


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
            raise InputError(f"unknown encoding '{encoding}'; try --encoding utf-8 or --encoding cp949") from None
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{source}: cannot decode as {encoding} (byte {exc.start}); "
                "try another --encoding (cp949 for Korean Excel files, utf-8 otherwise) or leave it out to detect"
            ) from None
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export: UTF-16 with a BOM, tab-separated.
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise InputError(f"{source}: looks like a binary file, not text; export the survey as .csv or .xlsx")
    try:
        return data.decode("cp949"), "cp949"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        return str(best), best.encoding
    raise InputError(f"{source}: cannot tell the text encoding; pass --encoding (for example --encoding cp949)")


def _sniff_delimiter(text: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_SNIFF_DELIMITERS).delimiter
    except csv.Error:
        return "\t" if suffix == ".txt" and "\t" in sample else ","


def _read_text(data: bytes, source: str, *, suffix: str, encoding: str | None) -> Table:
    text, used = decode_text(data, source, encoding)
    if "\x00" in text:
        raise InputError(f"{source}: contains NUL characters, so it is not a text table; export it again as .csv or .xlsx")
    if not text.strip():
        raise InputError(f"{source}: the file is empty; export the survey with a header row and data")
    delimiter = _sniff_delimiter(text, suffix)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        detail = str(exc).strip().splitlines()[-1]
        raise InputError(f"{source}: not a well-formed table ({detail}); check quoting and delimiters on that line") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{source}: the file is empty; export the survey with a header row and data") from None
    frame, blank = _drop_blank_rows(frame)
    return Table(frame=frame, source=source, encoding=used, delimiter=delimiter, blank_rows=blank)


def _sheet_names(book: pd.ExcelFile) -> list[str]:
    return [str(name) for name in book.sheet_names]


def _pick_sheet(names: list[str], sheet: str | None, source: str) -> str:
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    if sheet.isdigit() and 1 <= int(sheet) <= len(names):
        return names[int(sheet) - 1]
    listed = ", ".join(f"'{n}'" for n in names)
    raise InputError(f"{source}: no sheet '{sheet}'; available sheets: {listed} (or a number from 1 to {len(names)})")


def _read_workbook(data: bytes, source: str, *, suffix: str, sheet: str | None) -> Table:
    legacy = suffix in LEGACY_EXCEL_SUFFIXES
    if legacy and data.startswith(_ZIP_MAGIC):
        raise InputError(f"{source}: this is an .xlsx workbook with an .xls name; rename it to .xlsx")
    if not legacy and data.startswith(_OLE_MAGIC):
        raise InputError(
            f"{source}: this workbook is password-protected or in the old .xls format; "
            "remove the password in Excel, or save it as .xlsx"
        )
    if not legacy and not data.startswith(_ZIP_MAGIC):
        raise InputError(f"{source}: not a valid Excel workbook (the file is not .xlsx inside); open it and save it as .xlsx")
    engine = "xlrd" if legacy else "openpyxl"
    try:
        with warnings.catch_warnings():
            # pandas 3 marks its xlrd engine deprecated; it is still the reader for .xls here, and
            # the warning would only confuse an analyst. openpyxl warns here too, while loading
            # the styles of workbooks exported by web systems ("no default style"): harmless.
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", UserWarning)
            book = pd.ExcelFile(io.BytesIO(data), engine=engine)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"{source}: not a valid Excel workbook ({exc}); open it in Excel and save it again") from None
    except Exception as exc:  # xlrd raises its own XLRDError and struct errors on damaged files
        raise InputError(f"{source}: not a valid Excel workbook ({type(exc).__name__}: {exc}); save it again") from None
    with book:
        names = _sheet_names(book)
        if not names:
            raise InputError(f"{source}: the workbook has no sheets")
        chosen = _pick_sheet(names, sheet, source)
        try:
            with warnings.catch_warnings():
                # openpyxl warns about harmless workbook quirks (no default style, unknown
                # extensions) that web exports are full of; they say nothing about the data.
                warnings.simplefilter("ignore", UserWarning)
                frame = pd.read_excel(book, sheet_name=chosen, dtype=object, header=0)
        except Exception as exc:
            raise InputError(f"{source}: cannot read sheet '{chosen}' ({type(exc).__name__}: {exc})") from None
    if frame.columns.size == 0:
        raise InputError(f"{source}: sheet '{chosen}' is empty; choose the sheet with the survey using --sheet")
    frame = frame.map(_cell_text)
    frame.columns = [str(c) for c in frame.columns]
    frame, blank = _drop_blank_rows(frame)
    return Table(frame=frame, source=source, sheet=chosen, blank_rows=blank)


def _cell_text(value: object) -> str:
    """Workbook cells as the text a person sees: 12 not 12.0, empty cells as ''."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ").removesuffix(" 00:00:00")
    return str(value)


def _drop_blank_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Remove rows with nothing in any cell; keep the 1-based data row number in the index."""
    frame = frame.reset_index(drop=True)
    frame.index = frame.index + 1
    if frame.empty:
        return frame, 0
    blank = frame.apply(lambda col: col.astype(str).str.strip() == "").all(axis=1)
    return frame[~blank], int(blank.sum())


# --- writing -------------------------------------------------------------------------------------


def check_output_path(path: Path, *, input_path: str | None = None) -> None:
    """Fail before any work if an output cannot be written where asked."""
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise OutputError(f"{path}: the folder {parent} does not exist; create it first")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"{path}: cannot write in {parent}; choose another folder")
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name such as {path / 'result.xlsx'}")
    if input_path and input_path != STDIN and path.exists() and Path(input_path).resolve() == path.resolve():
        raise OutputError(f"{path}: is the input file; choose another output name")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_outputs(contents: Mapping[Path, bytes]) -> None:
    """Write every output to a temporary file beside it, then rename them all into place.

    Nothing is renamed until every file has been written, so a failure leaves no output half
    written and none of the old files replaced.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in contents.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent if str(path.parent) else ".")
            staged.append((tmp, path))
            os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are shared documents
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, path in staged:
            os.replace(tmp, path)
    except OSError as exc:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise OutputError(f"cannot write {exc.filename or 'output'}: {exc.strerror}; check the folder and free space") from None


def read_text_file(path: str) -> str:
    """A small text file such as a lexicon: UTF-8 (with or without BOM) or CP949."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file; check the path")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from exc
    return decode_text(data, path)[0]


_TRUE = {"1", "true", "yes", "y", "same", "dup", "duplicate", "같음", "동일", "예"}
_FALSE = {"0", "false", "no", "n", "different", "distinct", "다름", "아니오"}


def read_pairs(path: str) -> list[tuple[str, str, bool]]:
    """Labelled pairs: the first three columns are id, id, label (1/0, true/false, same/different)."""
    frame = read_table(path).frame
    if frame.shape[1] < 3:
        raise InputError(f"{path}: a pairs file needs three columns (id, id, label), found {frame.shape[1]}")
    out: list[tuple[str, str, bool]] = []
    for number, row in frame.iterrows():
        a, b, label = (str(row.iloc[k]).strip() for k in range(3))
        key = label.lower()
        if key not in _TRUE | _FALSE:
            raise InputError(f"{path}: row {number}: label '{label}' is not 1/0 (same/different); fix that cell")
        out.append((a, b, key in _TRUE))
    if not out:
        raise InputError(f"{path}: no pairs below the header")
    return out


# --- token cache ----------------------------------------------------------------------------------


def default_cache_dir() -> Path:
    """The user's cache folder for taskdedup; TASKDEDUP_CACHE_DIR overrides it."""
    override = os.environ.get("TASKDEDUP_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("taskdedup"))


class TokenCache:
    """Token lists on disk, keyed by (text, tokenizer version, lexicon), in one SQLite file.

    A cache that cannot be opened or written never fails a run: `problem` says why it was skipped.
    """

    _SEPARATOR = "\x1f"  # unit separator: never in normalised text

    def __init__(self, folder: Path) -> None:
        self.path = folder / "tokens.sqlite3"
        self.problem: str | None = None
        self._db: sqlite3.Connection | None = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path)
            self._db.execute("CREATE TABLE IF NOT EXISTS tokens (key BLOB PRIMARY KEY, tokens TEXT NOT NULL)")
        except (OSError, sqlite3.Error) as exc:
            self.problem = f"token cache {self.path} unavailable ({exc}); running without it"
            self._db = None

    @staticmethod
    def key(namespace: str, text: str) -> bytes:
        return hashlib.blake2b(f"{namespace}\0{text}".encode(), digest_size=16).digest()

    def get_many(self, keys: list[bytes]) -> dict[bytes, list[str]]:
        if self._db is None:
            return {}
        found: dict[bytes, list[str]] = {}
        try:
            for start in range(0, len(keys), 900):  # SQLite's default limit on bound parameters
                chunk = keys[start : start + 900]
                marks = ",".join("?" * len(chunk))
                for key, tokens in self._db.execute(f"SELECT key, tokens FROM tokens WHERE key IN ({marks})", chunk):
                    found[key] = tokens.split(self._SEPARATOR) if tokens else []
        except sqlite3.Error as exc:
            self.problem = f"token cache {self.path} unreadable ({exc}); running without it"
            return {}
        return found

    def put_many(self, items: list[tuple[bytes, list[str]]]) -> None:
        if self._db is None or not items:
            return
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO tokens (key, tokens) VALUES (?, ?)",
                    ((key, self._SEPARATOR.join(tokens)) for key, tokens in items),
                )
        except sqlite3.Error as exc:
            self.problem = f"token cache {self.path} not written ({exc})"


# --- team configuration -------------------------------------------------------------------------

CONFIG_FILE = "taskdedup.toml"


def read_config(path: str | None, folder: Path) -> tuple[dict[str, object], str | None]:
    """The team's options: `path`, else ./taskdedup.toml, else [tool.taskdedup] in ./pyproject.toml.

    Returns (options, where they came from); ({}, None) when there is no configuration.
    """
    if path is not None:
        candidates = [(Path(path), False)]
    else:
        candidates = [(folder / CONFIG_FILE, False), (folder / "pyproject.toml", True)]
    for candidate, in_pyproject in candidates:
        if not candidate.is_file():
            if path is not None:
                raise InputError(f"{candidate}: no such configuration file; check --config")
            continue
        try:
            data = tomllib.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{candidate}: cannot read the configuration ({exc})") from None
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{candidate}: not valid TOML ({exc}); fix the file or pass --config") from None
        if in_pyproject:
            section = data.get("tool", {}).get("taskdedup")
            if section is None:
                continue
            return dict(section), f"{candidate} [tool.taskdedup]"
        return data, str(candidate)
    return {}, None


def read_workbook_sheets(path: str) -> dict[str, pd.DataFrame]:
    """Every sheet of an .xlsx workbook as text frames (header row first), e.g. a review workbook."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file; check the path")
    if p.suffix.lower() not in EXCEL_SUFFIXES:
        raise InputError(f"{path}: not an .xlsx workbook; give the review workbook written by taskdedup cluster -o review.xlsx")
    data = p.read_bytes()
    if not data.startswith(_ZIP_MAGIC):
        raise InputError(f"{path}: not a valid Excel workbook; open it and save it as .xlsx")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises several types on damaged files
        raise InputError(f"{path}: not a valid Excel workbook ({type(exc).__name__}: {exc}); save it again") from None
    return {str(name): frame.map(_cell_text).reset_index(drop=True) for name, frame in sheets.items()}
