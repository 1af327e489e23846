"""Writes survey_2018.xlsx and survey_2018_cp949.csv from survey_2018.csv (the source of truth).

    python data/samples/make_formats.py
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
WIDTHS = {"연번": 6, "기관명": 16, "분야": 10, "과제명": 40, "과제내용": 80}


def main() -> None:
    source = HERE / "survey_2018.csv"
    text = source.read_text(encoding="utf-8")
    # What Korean Excel writes with "CSV (쉼표로 분리)": CP949, CRLF line ends.
    (HERE / "survey_2018_cp949.csv").write_bytes(text.replace("\r\n", "\n").replace("\n", "\r\n").encode("cp949"))
    rows = list(csv.reader(text.splitlines()))
    wb = Workbook()
    ws = wb.active
    ws.title = "과제목록"
    ws.append(rows[0])
    for row in rows[1:]:
        ws.append([int(row[0]), *row[1:]])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, name in enumerate(rows[0], start=1):
        ws.column_dimensions[ws.cell(1, col).column_letter].width = WIDTHS.get(name, 12)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    wb.save(HERE / "survey_2018.xlsx")


if __name__ == "__main__":
    main()
