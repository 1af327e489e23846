"""Facts about an .xlsx that pandas does not give: which sheets are hidden, and which formula cells
have no saved value (a file written by a program and never opened in Excel reads them as empty)."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# A cell element with content (not self-closing); its formula and value children.
_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?(?<!/)>(.*?)</(?:\w+:)?c>", re.S)
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")


@dataclass(frozen=True)
class SheetPart:
    name: str
    hidden: bool
    path: str  # the sheet's XML inside the zip


def sheet_parts(data: bytes) -> list[SheetPart]:
    """The workbook's sheets in order; [] when the package cannot be read this way (pandas decides then)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            book = ElementTree.fromstring(package.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError):
        return []
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG}Relationship")}
    out = []
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        out.append(SheetPart(sheet.get("name", ""), sheet.get("state", "visible") != "visible", path))
    return out


def formulas_without_values(data: bytes, part: SheetPart) -> int:
    """Formula cells of the sheet with no cached value."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            xml = package.read(part.path)
    except (KeyError, zipfile.BadZipFile, OSError):
        return 0
    if not _FORMULA.search(xml):  # most sheets have no formula: skip the cell-by-cell scan
        return 0
    return sum(1 for cell in _CELL.finditer(xml) if _FORMULA.search(cell.group(1)) and not _VALUE.search(cell.group(1)))
