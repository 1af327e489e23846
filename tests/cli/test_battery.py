"""Every odd input through `cluster` with all four exports: one clear line or a complete result.

For each case in odd_inputs.CASES: a failing run exits 1 with exactly one `Error:` line (the case's
message in it), no traceback and no file in the output folder; a successful run exits 0, writes
all four exports (no temporary file left) and puts every data row in the members CSV exactly once.
"""

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from odd_inputs import CASES, Case
from typer.testing import CliRunner

from taskdedup.cli import app

OUTPUTS = ("x.xlsx", "x.csv", "x.html", "x.json")


def _param(case: Case) -> object:
    return pytest.param(case, id=case.name, marks=[pytest.mark.slow] if case.slow else [])


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_odd_input(case: Case, tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    out.mkdir()
    args = case.make(folder)
    prefix, args = (args[:2], args[2:]) if args[0] == "--config" else ([], args)
    outputs = [a for name in OUTPUTS for a in ("-o", str(out / name))]
    result = CliRunner().invoke(app, [*prefix, "cluster", *args, *outputs], env=case.env)
    shown = result.stdout + result.stderr
    assert "Traceback" not in shown, shown
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    if case.error is not None:
        assert result.exit_code == 1, shown
        assert len(errors) == 1 and case.error in errors[0], result.stderr
        assert len(errors[0]) < 600, "an error is one readable line"
        assert sorted(p.name for p in out.iterdir()) == [], "nothing written on failure"
        return
    assert result.exit_code == 0, shown
    assert errors == []
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS), "all four exports, no temporary file"
    with open(out / "x.csv", encoding="utf-8-sig", newline="") as handle:
        members = list(csv.DictReader(handle))
    numbers = [(m["source_file"], m["row_number"]) for m in members]  # a row is its file and its number there
    assert len(members) == case.rows and len(set(numbers)) == len(numbers), "every data row exactly once"
    doc = json.loads((out / "x.json").read_text(encoding="utf-8"))
    assert doc["summary"]["rows_read"] == case.rows
    book = openpyxl.load_workbook(out / "x.xlsx", read_only=True)
    assert book["과제목록"].max_row == case.rows + 1
    assert (out / "x.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
