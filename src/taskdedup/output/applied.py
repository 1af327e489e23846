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


APPLIED_HEADERS_EN = [("Kind", 10), ("Proposal key", 12), ("Lead agency", 16), ("Agencies", 30), ("Tasks", 8), ("Task ids", 20),
                      ("Titles", 60), ("Comment", 30)]
KIND_WORDS = {"ko": ("병합", "단독"), "en": ("merged", "task")}
FILES_KO, FILES_EN = ("파일", 28), ("Files", 28)  # only for a survey read from several files


def _with_files(applied: Applied) -> bool:
    """A review of several files (its 과제목록 has 파일): the merged list names each project's files."""
    return any(p.files for p in applied.projects)


def _applied_rows(applied: Applied, lang: str) -> list[list[Any]]:
    merged, single = KIND_WORDS[lang]
    files = _with_files(applied)
    return [
        [merged if p.merged else single, p.key, p.lead_agency, ", ".join(p.agencies), len(p.ids), ", ".join(p.ids), "\n".join(p.titles), p.comment]
        + (["\n".join(p.files)] if files else [])
        for p in applied.projects
    ]


def applied_csv(applied: Applied, lang: str = "en") -> bytes:
    """English column names and values (the schema scripts read) by default; the workbook's with lang 'ko'."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    files = _with_files(applied)
    header = [name for name, _ in APPLIED_HEADERS_KO] if lang == "ko" else list(APPLIED_COLUMNS)
    writer.writerow(header + ([FILES_KO[0] if lang == "ko" else "source_files"] if files else []))
    merged, single = KIND_WORDS[lang]
    for p in applied.projects:
        values = [merged if p.merged else single, p.key, p.lead_agency, "; ".join(p.agencies), len(p.ids), "; ".join(p.ids), " | ".join(p.titles), p.comment]
        writer.writerow(csv_row(values + (["; ".join(p.files)] if files else [])))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def applied_xlsx(applied: Applied, lang: str = "ko") -> bytes:
    name, headers = ("Merged tasks", APPLIED_HEADERS_EN) if lang == "en" else ("통합과제목록", APPLIED_HEADERS_KO)
    if _with_files(applied):
        headers = [*headers, FILES_EN if lang == "en" else FILES_KO]
    return workbook_bytes([SheetSpec(name, headers, _applied_rows(applied, lang), wrap={4, 6, 7, 8, 9})])


def render_applied(applied: Applied, path: Path, lang: str | None = None) -> bytes:
    """The merged list as the suffix asks; lang None: a Korean workbook, an English CSV."""
    if path.suffix.lower() == ".xlsx":
        return applied_xlsx(applied, lang or "ko")
    return applied_csv(applied, lang or "en")
