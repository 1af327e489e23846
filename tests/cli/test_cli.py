import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from taskdedup import __version__
from taskdedup.cli import app

runner = CliRunner()
SAMPLES = Path(__file__).parents[2] / "data" / "samples"


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"taskdedup {__version__}\n"


def test_sample_with_every_output(tmp_path: Path) -> None:
    xlsx, csv_path, json_path = tmp_path / "out.xlsx", tmp_path / "out.csv", tmp_path / "out.json"
    result = invoke("cluster", str(SAMPLES / "survey_2018.xlsx"), "-o", str(xlsx), "-o", str(csv_path), "-o", str(json_path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == "columns: text=과제명 + 과제내용, id=연번, agency=기관명, field=분야"
    assert result.stdout.splitlines()[0].startswith("taskdedup: ")
    assert openpyxl.load_workbook(xlsx).sheetnames == ["사용법", "요약", "병합제안", "과제목록", "주제", "유사쌍", "라벨 요청"]
    frame = pd.read_csv(csv_path, encoding="utf-8-sig", dtype=str)
    assert len(frame) == 52 and "행정안전부" in set(frame["agency"])
    assert json.loads(json_path.read_text(encoding="utf-8"))["summary"]["rows_read"] == 52
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "out.json", "out.xlsx"]


@pytest.mark.parametrize("name", ["survey_2018.csv", "survey_2018_cp949.csv", "survey_2018.xlsx"])
def test_every_sample_format_gives_the_same_result(name: str) -> None:
    result = invoke("cluster", str(SAMPLES / name), "--format", "json", "--quiet")
    assert result.exit_code == 0 and result.stderr == ""  # --quiet silences all but the JSON asked for
    doc = json.loads(result.stdout)
    reference = json.loads(invoke("cluster", str(SAMPLES / "survey_2018.csv"), "--format", "json").stdout)
    def without_file(proposals: list[dict]) -> list[dict]:  # the one field that names the input file
        return [{**p, "members": [{k: v for k, v in m.items() if k != "source_file"} for m in p["members"]]} for p in proposals]

    assert without_file(doc["proposals"]) == without_file(reference["proposals"])
    assert {m["source_file"] for p in doc["proposals"] for m in p["members"]} == {name}


def test_english_and_citizen_proposal_headers_need_no_flags(fixtures: Path) -> None:
    english = invoke("cluster", str(fixtures / "english_headers.csv"))
    assert english.exit_code == 0
    assert english.stderr.splitlines()[0] == "columns: text=title + description, id=id, agency=agency, field=field"
    citizen = invoke("cluster", str(fixtures / "proposals_ko.csv"), "--format", "json")
    assert citizen.exit_code == 0
    assert citizen.stderr.splitlines()[0] == "columns: text=제안제목 + 제안내용, id=제안번호, agency=(none), field=(none)"
    doc = json.loads(citizen.stdout)
    assert [sorted(m["row_id"] for m in p["members"]) for p in doc["proposals"]] == [["101", "102"]]
    assert doc["proposals"][0]["kind"] == "unattributed"


def test_stdin(fixtures: Path) -> None:
    data = (fixtures / "survey_utf8.csv").read_text(encoding="utf-8")
    result = invoke("cluster", "-", "--format", "json", input=data)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["input"]["file"] == "<stdin>"


def test_plain_output_lists_members(fixtures: Path) -> None:
    result = invoke("cluster", str(fixtures / "survey_utf8.csv"))
    lines = result.stdout.splitlines()
    assert lines[0] == f"taskdedup: {fixtures / 'survey_utf8.csv'}: 5 rows read, 0 skipped, 3 clusters, 2 merge proposals (2 cross-agency, 0 same-agency), 0 themes"
    assert lines[1].startswith("hybrid similarity, tokenizer mecab, threshold p >= 0.5, average linkage, ")
    assert lines[3].startswith("#1 cross-agency: 2 tasks, 2 agencies, p 0.")


def test_text_col_and_threshold_flags(fixtures: Path) -> None:
    result = invoke(
        "cluster", str(fixtures / "survey_utf8.csv"), "--text-col", "과제명", "--threshold", "1", "--char-weight", "0", "--similarity", "lexical",
        "--format", "json",
    )
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["input"]["columns"]["text"] == ["과제명"]
    assert doc["settings"]["threshold"] == 1.0
    # At 1.0 only titles with identical features merge (p = 1 is kept for them): the lexicon makes "인공지능 … 챗봇 구축" and
    # "AI 민원상담 챗봇 도입" the same words, boilerplate (구축, 도입, 서비스) aside.
    assert [sorted(m["row_id"] for m in p["members"]) for p in doc["proposals"]] == [["1", "2"], ["3", "4"]]


def test_forced_tokenizer(fixtures: Path) -> None:
    result = invoke("cluster", str(fixtures / "survey_utf8.csv"), "--tokenizer", "char", "--format", "json")
    assert json.loads(result.stdout)["settings"]["tokenizer"] == "char"


# --- errors: one line on stderr, the stated exit code, no traceback, no output written -----------

BAD_DATA = [
    (["missing.csv"], "{f}/missing.csv: no such file; check the path"),
    (["empty.csv"], "{f}/empty.csv: the file is empty; export the survey with a header row and data"),
    (["notes.docx"], "{f}/notes.docx: the Word document is cut short or damaged (its zip cannot be opened); save it again from Word"),
    (["binary.csv"], "{f}/binary.csv: looks like a binary file, not text; export the survey as .csv or .xlsx"),
    (["not_a_workbook.xlsx"], "{f}/not_a_workbook.xlsx: not a valid Excel workbook (the file is not .xlsx inside); open it and save it as .xlsx"),
    (["survey_cp949.csv", "--encoding", "utf-8"],
     "{f}/survey_cp949.csv: cannot decode as utf-8 (byte 0); try another --encoding (cp949 for Korean Excel files, utf-8 otherwise) or leave it out to detect"),
    (["two_sheets.xlsx", "--sheet", "없는시트"],
     "{f}/two_sheets.xlsx: no sheet '없는시트'; available sheets: '안내', '과제목록' (or a number from 1 to 2)"),
    (["survey_utf8.csv", "--agency-col", "부서"],
     "no column '부서' for --agency-col; available columns: '연번', '기관명', '분야', '과제명', '과제내용'"),
    (["no_text_column.csv"],
     "no title or description column found among 'a', 'b', 'c'; name it with --text-col (repeat it to join several columns)"),
    (["all_text_empty.csv"],
     "{f}/all_text_empty.csv: no row has text to compare in '과제명' + '과제내용'; choose the text columns with --text-col"),
    (["header_only.csv"], "{f}/header_only.csv: no data rows below the header; check the sheet (--sheet) or the file"),
    (["ragged.csv"],
     "{f}/ragged.csv: not a well-formed table (Error tokenizing data. C error: Expected 3 fields in line 3, saw 5); check quoting and delimiters on that line"),
    (["survey_utf8.csv", "--encoding", "klingon"], "unknown encoding 'klingon'; try --encoding utf-8 or --encoding cp949"),
]


@pytest.mark.parametrize(("args", "message"), BAD_DATA)
def test_bad_input_exits_1_with_one_line(fixtures: Path, tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "out.xlsx"
    result = invoke("cluster", str(fixtures / args[0]), *args[1:], "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr == "Error: " + message.format(f=fixtures) + "\n"
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_output_folder_missing(fixtures: Path, tmp_path: Path) -> None:
    result = invoke("cluster", str(fixtures / "survey_utf8.csv"), "-o", str(tmp_path / "no" / "out.csv"))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'no' / 'out.csv'}: the folder {tmp_path / 'no'} does not exist; create it first\n"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--threshold", "0"], "Invalid value for '--threshold': 0 is not in (0, 1] (1 groups only identical texts)"),
        (["--threshold", "1.5"], "Invalid value for '--threshold': 1.5 is not in (0, 1] (1 groups only identical texts)"),
        (["--threshold", "high"], "Invalid value for '--threshold': 'high' is neither a number in (0, 1] nor 'auto'"),
        (["--theme-threshold", "0"], "must be above 0"),
        (["--linkage", "ward"], "ward"),
        (["--tokenizer", "bert"], "bert"),
        (["-o", "result.pdf"], "'result.pdf' has no known format; end the name with .csv, .xlsx, .json"),
    ],
)
def test_usage_errors_exit_2(fixtures: Path, args: list[str], fragment: str) -> None:
    result = invoke("cluster", str(fixtures / "survey_utf8.csv"), *args)
    assert result.exit_code == 2
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_debug_shows_the_traceback(fixtures: Path) -> None:
    result = invoke("cluster", str(fixtures / "empty.csv"), "--debug")
    assert result.exit_code == 1
    assert type(result.exception).__name__ == "InputError"


def test_python_dash_m(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-m", "taskdedup", "cluster", str(SAMPLES / "survey_2018_cp949.csv"), "--quiet", "-o", str(tmp_path / "a.json")],
        capture_output=True, text=True, env=env, check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (tmp_path / "a.json").exists()


@pytest.mark.parametrize(
    ("raised", "code", "message"),
    [
        (KeyboardInterrupt(), 130, "Error: interrupted; no output was written\n"),
        (MemoryError(), 1, "Error: out of memory; no output was written. The similar pairs kept for clustering grow as the threshold "
                           "falls: raise --threshold (and --theme-threshold, or tune's --from), or use a machine with more memory\n"),
    ],
)
def test_interrupted_or_out_of_memory_runs_say_so_and_write_nothing(
    raised: BaseException, code: int, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from taskdedup import cli, pipeline

    def fail(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr(pipeline, "prepare", fail)
    sample = Path(__file__).parents[2] / "data" / "samples" / "survey_2018.csv"
    result = CliRunner().invoke(cli.app, ["cluster", str(sample), "-o", str(tmp_path / "out.xlsx")])
    assert (result.exit_code, result.stderr) == (code, message)
    assert list(tmp_path.iterdir()) == []


def test_similarity_lexical_and_its_probability_scale(fixtures: Path) -> None:
    doc = json.loads(invoke("cluster", str(fixtures / "survey_utf8.csv"), "--similarity", "lexical", "--format", "json").stdout)
    assert doc["settings"]["similarity"] == "lexical" and doc["settings"]["embedding"] is None
    assert doc["settings"]["match"] == {"word_weight": 0.7, "char_weight": 0.3, "embedding_weight": 0.0, "slope": 6.093, "midpoint": 0.3}
    for p in doc["proposals"]:
        assert p["probability"] >= doc["settings"]["threshold"]  # grouped at their average link
        assert all(0 <= m["probability"] <= 1 for m in p["members"])


def test_a_character_weight_that_leaves_no_room_for_words_is_refused(fixtures: Path) -> None:
    result = invoke("cluster", str(fixtures / "survey_utf8.csv"), "--similarity", "hybrid", "--char-weight", "0.3")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: --char-weight 0.3 leaves no share for words: the sentence embedding takes 0.8; use at most 0.15, or --similarity lexical"
    )


def test_a_command_s_objects_are_held_to_the_end_only_when_the_process_ends_with_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`main` ends the process right after the command (cli._leave), so freeing the run's objects on
    the way out is time spent for nothing; anywhere else (here: CliRunner) they must go as usual."""
    import taskdedup.cli as cli

    args = ("cluster", str(SAMPLES / "survey_2018.xlsx"), "-q", "-o", str(tmp_path / "m.csv"))
    assert invoke(*args).exit_code == 0
    assert cli._KEPT == []
    monkeypatch.setattr(cli, "_ENDS_WITH_COMMAND", True)
    monkeypatch.setattr(cli, "_KEPT", [])
    assert invoke(*args).exit_code == 0
    assert [type(o).__name__ for o in cli._KEPT] == ["Table", "Prepared", "Result"]
    assert cli._KEPT[2].summary.rows_read == 52
