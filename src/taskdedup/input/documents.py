"""Proposal documents (.hwpx, .hwp, .docx, .pdf) read as rows: one per filled-in form.

Each format gives its blocks (paragraphs and tables, in reading order) to forms.py, which finds the
labelled fields. The libraries, chosen by measuring them on the fixtures (docs/INPUTS.md):
hwp-hwpx-parser for both 한글 formats (pure Python over olefile, tables as rows of cells, and it
refuses a password-protected file instead of returning its scrambled body), python-docx for Word,
pypdf for PDF. A document that cannot be read raises InputError naming the file and the reason.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from taskdedup.errors import InputError
from taskdedup.input.columns import Columns
from taskdedup.input.forms import Block, read_forms
from taskdedup.input.table import OLE_MAGIC, ZIP_MAGIC, Table, file_bytes, readable
from taskdedup.messages import msg

TITLE, AGENCY, FIELD, ID, DESCRIPTION = "과제명", "기관", "분야", "번호", "과제내용"


def _hangul_blocks(path: Path, data: bytes, suffix: str) -> tuple[list[Block], str]:
    """Blocks of an .hwpx or .hwp file. hwp-hwpx-parser gives the text with each table in place
    (as Markdown) and the tables' cells; the Markdown rows are swapped for the cells."""
    import hwp_hwpx_parser

    name = readable(str(path))
    if suffix == ".hwpx" and not data.startswith(ZIP_MAGIC):
        raise InputError(msg("{path}: not an HWPX file (no zip inside); save it again from 한글 as .hwpx", path=name))
    if suffix == ".hwp" and not data.startswith(OLE_MAGIC):
        raise InputError(msg("{path}: not an HWP 5.0 file; save it again from 한글 (HWP 3.0 and older files are not read)", path=name))
    if suffix == ".hwpx" and not zipfile.is_zipfile(path):
        raise InputError(msg("{path}: the HWPX file is cut short or damaged (its zip cannot be opened); save it again from 한글", path=name))
    reader = hwp_hwpx_parser.read(str(path))
    try:
        if not reader.is_valid:
            raise InputError(msg("{path}: not a readable 한글 document; save it again from 한글", path=name))
        if reader.is_encrypted:
            raise InputError(msg("{path}: the document is password-protected; save a copy without the password (한글: 보안 > 암호 해제)", path=name))
        options = hwp_hwpx_parser.ExtractOptions(table_style=hwp_hwpx_parser.TableStyle.MARKDOWN)
        text = reader.extract_text(options)
        tables = [table.rows for table in reader.tables]
    except InputError:
        raise
    except Exception as exc:  # the parser's own errors: a damaged record, a stream cut short
        raise InputError(msg("{path}: the 한글 document cannot be read ({reason}); save it again from 한글", path=name, reason=exc)) from None
    finally:
        reader.close()
    return _with_tables(text, tables), ""


def _with_tables(text: str, tables: list[list[list[str]]]) -> list[Block]:
    """Paragraphs of `text`, with each run of Markdown table lines replaced by the next table's cells."""
    blocks: list[Block] = []
    pending = iter(tables)
    in_table = False
    for line in text.splitlines():
        if line.lstrip().startswith("|"):
            if not in_table:
                table = next(pending, None)
                if table is not None:
                    blocks.append([[str(c) for c in row] for row in table])
                in_table = True
            continue
        in_table = False
        if line.strip():
            blocks.append(line)
    blocks.extend([[str(c) for c in row] for row in t] for t in pending)  # tables the text did not place
    return blocks


def _docx_blocks(path: Path) -> tuple[list[Block], str]:
    import docx
    from docx.table import Table as WordTable

    name = readable(str(path))
    if not zipfile.is_zipfile(path):
        raise InputError(msg("{path}: the Word document is cut short or damaged (its zip cannot be opened); save it again from Word", path=name))
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx: a missing part, a broken relation
        raise InputError(msg("{path}: not a readable Word document ({reason}); save it again from Word as .docx", path=name, reason=exc)) from None
    blocks: list[Block] = []
    heading = ""
    for item in document.iter_inner_content():
        if isinstance(item, WordTable):
            blocks.append(_word_rows(item))
            continue
        text = item.text.strip()
        if not text:
            continue
        style = item.style.name if item.style is not None else ""
        if not heading and (style.startswith("Heading") or style == "Title"):
            heading = text
        blocks.append(text)
    return blocks, heading


def _word_rows(table: object) -> list[list[str]]:
    rows = []
    for row in table.rows:  # type: ignore[attr-defined]
        cells: list[str] = []
        for cell in row.cells:
            text = cell.text.strip()
            if cells and cells[-1] == text and text:  # a merged cell is repeated once per grid column
                continue
            cells.append(text)
        rows.append(cells)
    return rows


def _pdf_blocks(path: Path) -> tuple[list[Block], str]:
    import pypdf
    from pypdf.errors import PdfReadError

    name = readable(str(path))
    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            raise InputError(msg("{path}: the PDF is password-protected; save a copy without the password", path=name))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise InputError(msg("{path}: not a readable PDF ({reason}); export it again", path=name, reason=exc)) from None
    if not text.strip():
        raise InputError(msg("{path}: the PDF has no text layer (a scanned page?); export it from the original document, or run OCR on it first", path=name))
    return [text], ""


def read_document(path: Path) -> Table:
    """A proposal document's forms as a table, one row per form, with its columns already known."""
    name = readable(str(path))
    data = file_bytes(path, name, "")
    suffix = path.suffix.lower()
    if suffix in (".hwpx", ".hwp"):
        blocks, heading = _hangul_blocks(path, data, suffix)
    elif suffix == ".docx":
        blocks, heading = _docx_blocks(path)
    elif suffix == ".pdf":
        blocks, heading = _pdf_blocks(path)
    else:
        raise InputError(msg("{path}: not a proposal document; use .hwpx, .hwp, .docx or .pdf", path=name))
    forms = read_forms(blocks, heading)
    if not forms:
        raise InputError(msg("{path}: the document holds no text", path=name))
    frame = pd.DataFrame(
        {ID: [f.id for f in forms], AGENCY: [f.agency for f in forms], FIELD: [f.field for f in forms], TITLE: [f.title for f in forms],
         DESCRIPTION: ["\n".join(f.description) for f in forms]},
        index=range(1, len(forms) + 1),
    )
    agency = AGENCY if any(f.agency for f in forms) else None
    columns = Columns(text=(TITLE, DESCRIPTION), id=ID if any(f.id for f in forms) else None, agency=agency,
                      field=FIELD if any(f.field for f in forms) else None)
    return Table(frame=frame, source=name, columns=columns)
