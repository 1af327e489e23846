"""A proposal with more member ids than an Excel cell holds (32,767 characters) loses none of them."""

import csv
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from taskdedup.cli import app
from taskdedup.review.decisions import CELL_LIMIT, id_cells, proposal_ids_cell

runner = CliRunner()


def test_id_cells_fit_and_keep_every_id() -> None:
    ids = [f"ID-{k:06d}-지능형정부" for k in range(3_000)]
    cells = id_cells(ids)
    assert all(len(c) <= CELL_LIMIT for c in cells) and len(cells) > 1
    assert [i for c in cells for i in c.split(", ")] == ids
    cut = proposal_ids_cell(ids)
    assert len(cut) <= CELL_LIMIT and cut.endswith("more: see the 과제목록 (Tasks) sheet)")


def test_a_decision_on_a_proposal_too_long_for_a_cell_keeps_all_its_tasks(tmp_path: Path) -> None:
    survey = tmp_path / "many.csv"
    with open(survey, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["번호", "기관명", "과제명"])
        writer.writerows([f"ID-{k:06d}-2018-지능형정부-수요조사", f"기관{k % 40}", "인공지능 민원 상담 챗봇 구축"] for k in range(1_500))
    review = tmp_path / "review.xlsx"
    result = runner.invoke(app, ["cluster", str(survey), "-o", str(review)])
    assert result.exit_code == 0
    assert ("notice: proposal #1 has 1500 tasks, more ids than an Excel cell holds: its 과제 번호 목록 cell lists the first ones, "
            "and the 과제목록 (Tasks) sheet, which `cluster --decisions` and `apply` read, has them all") in result.stderr.splitlines()
    book = openpyxl.load_workbook(review)
    book["병합제안"]["D2"] = "분리"
    book.save(review)
    again = tmp_path / "round2.xlsx"
    result = runner.invoke(app, ["cluster", str(survey), "--decisions", str(review), "-o", str(again), "--format", "json"])
    assert result.exit_code == 0 and '"proposals": 0' in result.stdout  # all 1,500 kept apart, none missing
    log = openpyxl.load_workbook(again)["결정 기록"]
    assert log.max_row == 3  # one split group over two rows of the same key
    third = runner.invoke(app, ["cluster", str(survey), "--decisions", str(again), "--format", "json"])
    assert third.exit_code == 0 and '"proposals": 0' in third.stdout and "no longer in the input" not in third.stderr
