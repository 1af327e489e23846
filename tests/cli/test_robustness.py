"""What the battery checks broadly, checked exactly: the messages, notices and exit codes of the
odd inputs an analyst meets (issue #10), and the console and signal cases that need a process."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from odd_inputs import CONTROL, ROWS, H, cp949_named, csv_file, rows_with, workbook
from typer.testing import CliRunner

from taskdedup.cli import app

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "data" / "samples" / "survey_2018.csv"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def notices(result) -> list[str]:
    return [line.removeprefix("notice: ") for line in result.stderr.splitlines() if line.startswith("notice: ")]


def test_control_characters_are_spaces_in_the_workbook_only_and_said_once(tmp_path: Path) -> None:
    args = csv_file("survey.csv", rows=rows_with(CONTROL, copies=2))(tmp_path)
    result = invoke("cluster", *args, "-o", str(tmp_path / "r.xlsx"), "-o", str(tmp_path / "m.csv"))
    assert result.exit_code == 0
    said = [n for n in notices(result) if "control characters" in n]
    assert said == [
        "2 row(s) hold control characters (as text pasted from HWP or PDF does), data row(s) 6, 7: "
        "they are ignored for matching and written as spaces in an .xlsx, which cannot store them"
    ]
    titles = [c.value for c in openpyxl.load_workbook(tmp_path / "r.xlsx")["과제목록"]["C"]]
    assert "민원 상담 챗봇 [0m 구축 " in titles
    assert CONTROL.strip() in (tmp_path / "m.csv").read_text(encoding="utf-8-sig")  # the other exports keep them


def test_a_bom_in_front_of_cp949_text_is_read_as_cp949(tmp_path: Path) -> None:
    import codecs

    args = csv_file("survey.csv", encoding="cp949", prefix=codecs.BOM_UTF8)(tmp_path)
    result = invoke("cluster", *args)
    assert result.exit_code == 0
    assert "used encoding cp949 (after a UTF-8 mark): the file starts with a UTF-8 mark but is CP949 text" in notices(result)


def test_a_file_name_in_cp949_bytes_is_shown_in_korean(tmp_path: Path) -> None:
    import json

    (path,) = cp949_named(tmp_path)
    result = invoke("cluster", path, "-o", str(tmp_path / "r.json"), "-o", str(tmp_path / "r.xlsx"), "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 0, result.stderr
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["input"]["file"] == "수요조사.csv"
    assert "taskdedup: " + str(tmp_path) + "/수요조사.csv: 5 rows read" in result.stdout


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "taskdedup", *args], capture_output=True, cwd=ROOT, **kwargs)


def test_a_console_that_cannot_show_a_character_does_not_fail_the_run(tmp_path: Path) -> None:
    args = csv_file("survey.csv", rows=rows_with("민원 챗봇 🤖 구축 ∮"))(tmp_path)
    done = _run(["cluster", *args, "-o", str(tmp_path / "m.csv")], env={**os.environ, "PYTHONIOENCODING": "cp949"})
    assert (done.returncode, b"Traceback" in done.stderr) == (0, False), done.stderr.decode("cp949", "replace")
    assert "민원 챗봇 ? 구축".encode("cp949") in done.stdout


CLOSED_PIPE = """
import sys
from taskdedup.cli import main


class ReaderGone:
    # stdout after `| head` has read its fill: every write fails as a closed pipe does
    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self):
        pass

    def reconfigure(self, **kwargs):
        pass

    def fileno(self):
        return 1

    def isatty(self):
        return False


sys.stdout = ReaderGone()
sys.argv = ["taskdedup", "cluster", sys.argv[1], "--format", "json"]
main()
"""


def test_a_closed_pipe_ends_the_run_quietly() -> None:
    # A real `| head -c 200` is not used: on some kernels (this CI's among them) a write to a pipe
    # whose reader has gone is not reported to Python at all, so the test would prove nothing.
    done = subprocess.run([sys.executable, "-c", CLOSED_PIPE, str(SAMPLE)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 141
    assert "Error" not in done.stderr and "Traceback" not in done.stderr and "Exception" not in done.stderr, done.stderr


def test_ctrl_c_inside_the_compiled_loop_is_an_interrupt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from taskdedup import pipeline

    def interrupted(*args: object, **kwargs: object) -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise SystemError("CPUDispatcher(<function run_chain>) returned a result with an exception set") from exc

    monkeypatch.setattr(pipeline, "prepare", interrupted)
    result = invoke("cluster", str(SAMPLE), "-o", str(tmp_path / "r.xlsx"))
    assert (result.exit_code, result.stderr) == (130, "Error: interrupted; no output was written\n")


def test_ctrl_c_while_writing_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def stop(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", stop)
    result = invoke("cluster", str(SAMPLE), "-o", str(tmp_path / "r.html"), "-o", str(tmp_path / "r.csv"))
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (130, "Error: interrupted; no output was written")
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_during_start_up_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import taskdedup.cli as cli

    def slow_imports() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_app", slow_imports)
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 130
    assert capsys.readouterr().err == "Error: interrupted; no output was written\n"


@pytest.mark.skipif(not hasattr(signal, "SIGINT"), reason="needs POSIX signals")
def test_a_real_ctrl_c_mid_run_exits_130_with_one_line(tmp_path: Path) -> None:
    rows = [[str(k), f"기관{k % 30}", "민원", f"민원 상담 챗봇 구축 사업 {k % 997} 단계 {k % 13}", ""] for k in range(6_000)]
    args = csv_file("big.csv", rows=rows)(tmp_path)
    # A shell starts a background job with Ctrl-C ignored and a child inherits that (a suite run
    # with `&` timed out here): the run gets Ctrl-C as a terminal would deliver it.
    process = subprocess.Popen([sys.executable, "-m", "taskdedup", "cluster", *args, "--no-cache", "-o", str(tmp_path / "r.xlsx")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(4)  # imports done, somewhere in the work
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    if process.returncode == 0:
        pytest.skip("the run finished before the signal")
    assert (process.returncode, err.decode()) == (130, "Error: interrupted; no output was written\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv"]


@given(st.lists(st.text("민원챗봇ab", min_size=1, max_size=4), max_size=8), st.lists(st.text("민원챗봇ab", max_size=3), max_size=12))
def test_concept_pieces_are_found_as_before(concepts: list[str], tokens: list[str]) -> None:
    from taskdedup.text.tokens import _substrings

    pieces = _substrings(concepts)
    assert [t for t in tokens if t in pieces] == [t for t in tokens if any(t in c for c in concepts)]


@pytest.mark.parametrize(
    ("rows", "extra", "said"),
    [
        ([["2018년 지능형정부 수요조사 결과"], [], H, *ROWS], [], "header read from row 3 (the rows above it look like a title or group labels); --header-row N chooses another row"),
        ([["연번", "기관명", "분야", "과제 정보", None], [None, None, None, "과제명", "과제내용"], *ROWS], [],
         "header read from rows 1-2 (a two-row header; each column named by its lower cell); --header-row N chooses another row"),
        ([["메모"], H, *ROWS], ["--header-row", "2"], "header read from row 2 (the rows above it look like a title or group labels); --header-row N chooses another row"),
    ],
)
def test_the_header_row_is_found_and_said(tmp_path: Path, rows: list, extra: list[str], said: str) -> None:
    (path,) = workbook("survey.xlsx", [("s", rows)])(tmp_path)
    result = invoke("cluster", path, *extra)
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == "columns: text=과제명 + 과제내용, id=연번, agency=기관명, field=분야"
    assert said in notices(result)
    assert "5 rows read" in result.stdout


@pytest.mark.parametrize(
    ("sheets", "hidden", "said"),
    [
        ([("원본", [["번호", "과제명"], ["1", "숨은 과제"]]), ("수요조사", [H, *ROWS])], (0,),
         "sheet '원본' is hidden; read '수요조사', the first visible sheet (--sheet chooses another)"),
        ([("표지", [["2018년 수요조사"]]), ("결과", [H, *ROWS])], (),
         "sheet '표지' has no column of known names (a cover page?); read sheet '결과' (--sheet chooses another)"),
    ],
)
def test_the_survey_sheet_is_found_and_said(tmp_path: Path, sheets: list, hidden: tuple[int, ...], said: str) -> None:
    (path,) = workbook("survey.xlsx", sheets, hidden=hidden)(tmp_path)
    result = invoke("cluster", path)
    assert result.exit_code == 0 and said in notices(result) and "5 rows read" in result.stdout


def test_formulas_without_saved_values_are_reported(tmp_path: Path) -> None:
    rows = [["연번", "과제명", "원문"], *[[r[0], f"=C{k}", r[3]] for k, r in enumerate(ROWS, start=2)]]
    (path,) = workbook("survey.xlsx", [("s", rows)])(tmp_path)
    result = invoke("cluster", path, "--text-col", "과제명")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "no row has text to compare in '과제명'; choose the text columns with --text-col (5 formula cell(s) have no saved value: "
        "open the file in Excel or LibreOffice, save it, and run again)\n"
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('threshold = "high"', "threshold = 'high' is not valid (Invalid value: 'high' is neither a number in (0, 1] nor 'auto'); fix it in the file"),
        ("lexicon = 5", "lexicon = 5 is not valid (Invalid value for '--lexicon': Input is not a valid path for <class 'pathlib.Path'>); fix it in the file"),
    ],
)
def test_wrong_types_in_the_configuration_name_the_file_and_key(tmp_path: Path, config: str, message: str) -> None:
    (tmp_path / "taskdedup.toml").write_text(config, encoding="utf-8")
    result = runner.invoke(app, ["--config", str(tmp_path / "taskdedup.toml"), "cluster", str(SAMPLE)])
    assert (result.exit_code, result.stderr) == (1, f"Error: {tmp_path / 'taskdedup.toml'}: {message}\n")


def test_a_lexicon_variant_given_as_a_string_is_one_variant() -> None:
    from taskdedup.text.lexicon import Lexicon

    lexicon = Lexicon.from_dict({"concepts": {"챗봇": "채팅봇"}})
    assert sorted(lexicon.concepts) == ["채팅봇", "챗봇"]


def test_a_wide_table_without_a_text_column_gives_a_short_line(tmp_path: Path) -> None:
    args = csv_file("wide.csv", [f"col{k}" for k in range(5_000)], [[str(k) for k in range(5_000)]])(tmp_path)
    result = invoke("cluster", *args)
    assert result.exit_code == 1
    assert result.stderr.endswith("'col18', 'col19' and 4980 more; name it with --text-col (repeat it to join several columns)\n")
    assert len(result.stderr) < 500


def test_the_control_characters_noticed_are_the_ones_the_workbook_replaces() -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from taskdedup.input.checks import CONTROL_CHARACTERS

    assert [c for c in map(chr, range(128)) if CONTROL_CHARACTERS.match(c)] == [c for c in map(chr, range(128)) if ILLEGAL_CHARACTERS_RE.match(c)]


@pytest.mark.parametrize("name", ["survey.csv", "survey.xlsx"])
def test_a_header_row_below_the_scanned_rows_can_be_named(tmp_path: Path, name: str) -> None:
    notes = [["메모"] for _ in range(29)]
    make = csv_file(name, notes[0], [*notes[1:], H, *ROWS]) if name.endswith(".csv") else workbook(name, [("s", [*notes, H, *ROWS])])
    (path,) = make(tmp_path)
    result = invoke("cluster", path, "--header-row", "30")
    assert result.exit_code == 0, result.stderr
    assert "5 rows read" in result.stdout


def test_the_garbage_collector_is_off_while_a_command_runs_and_back_on_after(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import gc

    from taskdedup.cli import cluster as cluster_command

    seen: list[bool] = []
    real = cluster_command.read_input

    def read_input(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(cluster_command, "read_input", read_input)
    assert gc.isenabled()
    result = invoke("cluster", str(SAMPLE), "--similarity", "lexical", "-q", "-o", str(tmp_path / "m.csv"))
    assert result.exit_code == 0, result.output
    assert seen == [False]
    assert gc.isenabled()
    failed = invoke("cluster", str(tmp_path / "missing.csv"), "-q")
    assert failed.exit_code != 0 and gc.isenabled()  # an error ends the command too
