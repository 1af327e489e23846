"""CI mode: --fail-on, the JSON Schema of --format json, and the team configuration file."""

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from taskdedup.cli import app

runner = CliRunner()
ROOT = Path(__file__).parents[2]
SCHEMA = json.loads((ROOT / "docs" / "result.schema.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["data/samples/survey_2018.xlsx", "tests/fixtures/blank_text.csv", "tests/fixtures/proposals_ko.csv"])
def test_json_output_matches_the_schema(name: str) -> None:
    result = runner.invoke(app, ["cluster", str(ROOT / name), "--format", "json"])
    assert result.exit_code == 0
    jsonschema.validate(json.loads(result.stdout), SCHEMA)


def test_schema_rejects_a_broken_document() -> None:
    doc = json.loads(runner.invoke(app, ["cluster", str(ROOT / "tests/fixtures/survey_utf8.csv"), "--format", "json"]).stdout)
    doc["members"][0]["status"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, SCHEMA)


def test_fail_on(fixtures: Path) -> None:
    found = runner.invoke(app, ["cluster", str(fixtures / "survey_utf8.csv"), "--quiet", "--fail-on", "cross-agency"])
    assert found.exit_code == 3
    assert found.stderr == "taskdedup: 2 cross-agency merge proposal(s) found (--fail-on cross-agency)\n"
    none = runner.invoke(app, ["cluster", str(fixtures / "survey_utf8.csv"), "--quiet", "--fail-on", "any", "--threshold", "1", "--char-weight", "0",
                               "--text-col", "과제내용"])
    assert (none.exit_code, none.stderr) == (0, "")


def test_fail_on_still_writes_the_outputs(fixtures: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["cluster", str(fixtures / "survey_utf8.csv"), "-q", "--fail-on", "any", "-o", str(out)])
    assert result.exit_code == 3 and out.exists()


def test_configuration_file_and_flags_override(fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taskdedup.toml").write_text('threshold = 0.9\nchar-weight = 0\nfail-on = "any"\n', encoding="utf-8")
    doc = json.loads(runner.invoke(app, ["cluster", str(fixtures / "survey_utf8.csv"), "--format", "json"]).stdout)
    assert doc["settings"]["threshold"] == 0.9
    flagged = runner.invoke(app, ["cluster", str(fixtures / "survey_utf8.csv"), "--format", "json", "--threshold", "0.4"])
    assert json.loads(flagged.stdout)["settings"]["threshold"] == 0.4
    assert flagged.exit_code == 3  # fail-on from the file


def test_pyproject_section(fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.taskdedup]\nlinkage = "complete"\n', encoding="utf-8")
    doc = json.loads(runner.invoke(app, ["cluster", str(fixtures / "survey_utf8.csv"), "--format", "json"]).stdout)
    assert doc["settings"]["linkage"] == "complete"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("treshold = 0.5\n", "unknown option 'treshold'; known options: agency-col,"),
        ("threshold = \n", "not valid TOML"),
    ],
)
def test_bad_configuration(fixtures: Path, tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "team.toml"
    config.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["--config", str(config), "cluster", str(fixtures / "survey_utf8.csv")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {config}") and message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_missing_configuration_file(fixtures: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--config", str(tmp_path / "none.toml"), "cluster", str(fixtures / "survey_utf8.csv")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'none.toml'}: no such configuration file; check --config\n"


def test_fail_on_with_decisions_counts_only_what_nobody_has_decided(fixtures: Path, tmp_path: Path) -> None:
    """A scheduled job fed the decided workbook fails on new work only, and the JSON says which
    proposals were decided before."""
    review = tmp_path / "review.xlsx"
    assert runner.invoke(app, ["cluster", str(fixtures / "survey_utf8.csv"), "-q", "-o", str(review)]).exit_code == 0
    import openpyxl

    wb = openpyxl.load_workbook(review)
    ws = wb["병합제안"]
    headers = [c.value for c in ws[1]]
    ws.cell(2, headers.index("결정") + 1).value = "병합"
    ws.cell(2, headers.index("의견") + 1).value = "한 사업"
    wb.save(review)
    one_left = runner.invoke(app, ["cluster", str(fixtures / "survey_utf8.csv"), "--format", "json", "--decisions", str(review), "--fail-on", "cross-agency"])
    assert one_left.exit_code == 3
    assert one_left.stderr.endswith("taskdedup: 1 undecided cross-agency merge proposal(s) found (--fail-on cross-agency; 1 decided earlier)\n")
    doc = json.loads(one_left.stdout)
    jsonschema.validate(doc, SCHEMA)
    decided = [p for p in doc["proposals"] if p["earlier_decision"]]
    assert [p["earlier_decision"] for p in decided] == [{"decision": "merge", "key": ws.cell(2, headers.index("제안 키") + 1).value, "comment": "한 사업"}]

    ws.cell(3, headers.index("결정") + 1).value = "보류"
    wb.save(review)
    all_decided = runner.invoke(app, ["cluster", str(fixtures / "survey_utf8.csv"), "-q", "--decisions", str(review), "--fail-on", "cross-agency"])
    assert (all_decided.exit_code, all_decided.stderr) == (0, "")
