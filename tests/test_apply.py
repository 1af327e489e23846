"""cluster -> decide in the workbook -> apply: the merged task list reconciles with the input."""

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from taskdedup.cli import app

runner = CliRunner()
SAMPLES = Path(__file__).parent.parent / "data" / "samples"


def review(tmp_path: Path, *extra: str) -> Path:
    path = tmp_path / "review.xlsx"
    assert runner.invoke(app, ["cluster", str(SAMPLES / "survey_2018.xlsx"), "-q", "-o", str(path), *extra]).exit_code == 0
    return path


def decide(path: Path, decisions: list[str], sheet: str = "병합제안", column: int = 13) -> Path:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    for row, decision in enumerate(decisions, start=2):
        ws.cell(row, column).value = decision
    out = path.with_name("decided.xlsx")
    wb.save(out)
    return out


def test_round_trip_reconciles(tmp_path: Path) -> None:
    decided = decide(review(tmp_path), ["병합", "병합", "분리", "보류", "병합"])
    merged = tmp_path / "merged.csv"
    result = runner.invoke(app, ["apply", str(decided), "-o", str(merged), "-o", str(tmp_path / "merged.xlsx")])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "52 tasks -> 43 rows: 3 merged projects from 12 tasks, 40 tasks as they were "
        "(decisions: 3 merge, 1 split, 1 hold, 10 undecided)\n"
    )
    frame = pd.read_csv(merged, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(frame) == 43
    assert frame["tasks"].astype(int).sum() == 52  # every input task exactly once
    ids = [i for cell in frame["ids"] for i in cell.split("; ")]
    assert sorted(ids, key=int) == [str(k) for k in range(1, 53)]
    first = frame.iloc[0]
    assert first["kind"] == "merged" and first["tasks"] == "7" and "챗봇" in first["titles"]
    assert openpyxl.load_workbook(tmp_path / "merged.xlsx").sheetnames == ["통합과제목록"]


def test_english_workbook_round_trip(tmp_path: Path) -> None:
    decided = decide(review(tmp_path, "--lang", "en"), ["merge", "split"], sheet="Proposals")
    result = runner.invoke(app, ["apply", str(decided), "-o", str(tmp_path / "m.csv")])
    assert result.exit_code == 0
    assert result.stdout.startswith("52 tasks -> 46 rows: 1 merged projects from 7 tasks, 45 tasks as they were")


def test_unknown_decision_names_the_cell(tmp_path: Path) -> None:
    decided = decide(review(tmp_path), ["병합", "합치기"])
    result = runner.invoke(app, ["apply", str(decided), "-o", str(tmp_path / "m.csv")])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {decided}: sheet '병합제안' row 3: decision '합치기' is not one of 병합, 분리, 보류 (merge, split, hold); fix that cell\n"
    )
    assert not (tmp_path / "m.csv").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("survey_2018.xlsx", "no '병합제안' sheet; give the review workbook written by taskdedup cluster -o review.xlsx"),
        ("survey_2018.csv", "not an .xlsx workbook; give the review workbook written by taskdedup cluster -o review.xlsx"),
    ],
)
def test_not_a_review_workbook(tmp_path: Path, name: str, message: str) -> None:
    result = runner.invoke(app, ["apply", str(SAMPLES / name), "-o", str(tmp_path / "m.csv")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {SAMPLES / name}: {message}\n"
