"""link's CSV, built a column at a time, against the rows of link_records written one by one:
the same bytes, in English and Korean, with a new row that has no text and candidates beyond the
first."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from taskdedup.config import Settings
from taskdedup.input.collection import read_sides
from taskdedup.output.csvfile import csv_row
from taskdedup.output.links import (
    LINK_COLUMNS,
    LINK_COLUMNS_KO,
    VERDICT_KO,
    link_records,
    to_link_csv,
)
from taskdedup.output.records import STATUS_KO
from taskdedup.pipeline import link
from taskdedup.review.links import TOP

FIXTURES = Path(__file__).parents[1] / "fixtures"


def row_by_row(result, lang: str) -> bytes:  # type: ignore[no-untyped-def]
    """The CSV as it was written before: a record per new row, a row of cells from it."""
    korean = lang == "ko"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(LINK_COLUMNS_KO if korean else LINK_COLUMNS)
    for r in link_records(result):
        verdict = (VERDICT_KO.get(r["verdict"], "") if korean else r["verdict"]) if r["verdict"] else ""
        status = STATUS_KO.get(r["status"], r["status"]) if korean else r["status"]
        row = [r["row_id"], r["row_number"], r["agency"], r["title"], r["source_file"], verdict, status, r["new_duplicate_group"]]
        for k in range(TOP):
            c = r["candidates"][k] if k < len(r["candidates"]) else None
            row += [c["row_id"], c["agency"], c["title"], c["probability"], c["source_file"]] if c else [None] * 5
        writer.writerow(csv_row(row))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_columns_give_the_bytes_of_the_rows(tmp_path: Path, lang: str) -> None:
    new = tmp_path / "new.csv"
    text = (FIXTURES / "link" / "new.csv").read_text(encoding="utf-8-sig")
    new.write_text(text + "6,세종특별자치시,행정,,\n7,강원특별자치도,행정,\"=민원, 챗봇 \"\"상담\"\"\",민원 챗봇\n", encoding="utf-8")
    existing = tmp_path / "existing.xlsx"
    shutil.copy(FIXTURES / "link" / "existing.xlsx", existing)
    both, new_files = read_sides([str(new)], [str(existing), str(FIXTURES / "submissions")])
    result = link(both, new_files, Settings(theme_threshold=0.05), jobs=1)
    assert result.skipped_new and any(len(one.candidates) == TOP for one in result.links)
    assert to_link_csv(result, lang) == row_by_row(result, lang)
