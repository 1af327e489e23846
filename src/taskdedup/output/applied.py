"""The merged task list of `taskdedup apply`, as .csv or .xlsx."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from taskdedup.output.csvfile import csv_row
from taskdedup.output.sheets import SheetSpec, workbook_bytes
from taskdedup.review.apply import Applied

APPLIED_COLUMNS = ("kind", "key", "lead_agency", "agencies", "tasks", "ids", "titles", "comment")
APPLIED_HEADERS_KO = [("구분", 10), ("제안 키", 12), ("주관 기관", 16), ("참여 기관", 30), ("과제 수", 8), ("과제 번호", 20),
                      ("과제명", 60), ("의견", 30)]


def _applied_rows(applied: Applied) -> list[list[Any]]:
    return [
        ["병합" if p.merged else "단독", p.key, p.lead_agency, ", ".join(p.agencies), len(p.ids), ", ".join(p.ids), "\n".join(p.titles), p.comment]
        for p in applied.projects
    ]


def applied_csv(applied: Applied) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(APPLIED_COLUMNS)
    for p in applied.projects:
        values = ["merged" if p.merged else "task", p.key, p.lead_agency, "; ".join(p.agencies), len(p.ids), "; ".join(p.ids), " | ".join(p.titles), p.comment]
        writer.writerow(csv_row(values))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def applied_xlsx(applied: Applied) -> bytes:
    return workbook_bytes([SheetSpec("통합과제목록", APPLIED_HEADERS_KO, _applied_rows(applied), wrap={4, 6, 7, 8})])


def render_applied(applied: Applied, path: Path) -> bytes:
    return applied_xlsx(applied) if path.suffix.lower() == ".xlsx" else applied_csv(applied)
