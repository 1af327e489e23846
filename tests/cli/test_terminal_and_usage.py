"""What the terminal shows: progress bars that vanish, timings, --top, JSON under --quiet, one-line
usage errors, completion, explain's group verdict and the tune plot."""

import io
import json
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console
from rich.progress import Progress
from typer.testing import CliRunner

from taskdedup.cli import app
from taskdedup.output.progress import Bars
from taskdedup.output.terminal import agencies, render_rich

runner = CliRunner()
ROOT = Path(__file__).parents[2]
SAMPLE = str(ROOT / "data" / "samples" / "survey_2018.csv")
SCHEMA = json.loads((ROOT / "docs" / "result.schema.json").read_text(encoding="utf-8"))
LEXICAL = ("--similarity", "lexical")


def test_a_stage_bar_shows_from_its_start_and_is_gone_when_it_ends() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    with Progress(console=console, transient=True) as progress:
        bars = Bars(progress, console)
        bars("tokenising", 0, 4002)
        assert [t.description for t in progress.tasks] == ["tokenising"]  # before any text is done
        bars("tokenising", 2000, 4002)
        bars("embedding", 0, 10)
        bars("tokenising", 4002, 4002)
        assert [t.description for t in progress.tasks] == ["embedding"]
        bars.console.print("columns: text=과제명")  # a line printed meanwhile lands above the bars, on its own line
        bars("embedding", 10, 10)
        assert progress.tasks == []
    assert "\x1b[2Kcolumns: text=과제명\n" in screen.getvalue()  # the bar's line cleared first, then the line whole


def test_without_a_terminal_the_callback_does_nothing() -> None:
    bars = Bars(None, None)
    bars("tokenising", 0, 10)
    assert bars.console is None and bars.tasks == {}


def test_verbose_prints_the_timings_and_puts_them_in_json() -> None:
    result = runner.invoke(app, ["cluster", SAMPLE, "-v", *LEXICAL])
    assert result.exit_code == 0
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("timings: ")]
    assert "read " in line and "tokenise " in line and "cluster " in line and "propose " in line and "; total " in line
    doc = json.loads(runner.invoke(app, ["cluster", SAMPLE, "-v", "--format", "json", *LEXICAL]).stdout)
    assert set(doc["timings"]) >= {"read", "tokenise", "cluster", "propose", "write"}
    jsonschema.validate(doc, SCHEMA)
    assert "timings" not in json.loads(runner.invoke(app, ["cluster", SAMPLE, "--format", "json", *LEXICAL]).stdout)


def test_json_on_stdout_wins_over_quiet() -> None:
    result = runner.invoke(app, ["cluster", SAMPLE, "--format", "json", "-q", *LEXICAL])
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)["summary"]["rows_read"] == 52


def test_top_limits_what_the_terminal_shows_and_says_how_much_is_left() -> None:
    result = runner.invoke(app, ["cluster", SAMPLE, "--top", "2", *LEXICAL])
    assert result.exit_code == 0
    assert result.stdout.count("\n#") == 2
    everything = runner.invoke(app, ["cluster", SAMPLE, "--top", "0", *LEXICAL]).stdout
    total = everything.count("\n#")
    assert total > 2 and "more proposals not shown" not in everything
    assert f"... {total - 2} more proposals not shown (--top 0 shows all; the .xlsx and .json exports have every one)\n" in result.stdout


def test_one_agency_is_singular() -> None:
    assert (agencies(1), agencies(2)) == ("1 agency", "2 agencies")
    result = runner.invoke(app, ["cluster", SAMPLE, *LEXICAL])
    assert "same-agency: 2 tasks, 1 agency, p " in result.stdout and "1 agencies" not in result.stdout


def test_the_table_at_80_columns_keeps_ids_and_whole_titles() -> None:
    from taskdedup.config import Settings
    from taskdedup.input.tables import read_table
    from taskdedup.pipeline import run

    result = run(read_table(SAMPLE), Settings(similarity="lexical"))
    console = Console(width=80, record=True, file=io.StringIO())
    render_rich(result, console, top=3)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    flat = " ".join(text.split())
    for member in result.proposals[1].members:
        assert f"{member.submission.row_id} {member.submission.agency}" in flat
    assert "keywords: " in text  # under the tasks when there is no room beside them
    assert "ag/p" not in text and "group: agencies in it, and p," in " ".join(text.split())


def test_a_usage_error_is_one_line() -> None:
    result = runner.invoke(app, ["cluster", SAMPLE, "--threshold", "2"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Invalid value for '--threshold': 2 is not in (0, 1] (1 groups only identical texts) (see '")
    assert result.stderr.endswith(" cluster --help')\n") and result.stderr.count("\n") == 1


def test_help_names_every_export_and_offers_completion() -> None:
    assert ".html (report)" in runner.invoke(app, ["cluster", "--help"]).stdout
    assert "--install-completion" in runner.invoke(app, ["--help"]).stdout


def test_explain_gives_the_average_link_the_threshold_is_compared_with() -> None:
    result = runner.invoke(app, ["explain", SAMPLE, "1", "25", *LEXICAL])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[2].startswith("probability 0.") and lines[2].endswith("that this pair is one project (threshold 0.5)")
    assert lines[3].startswith("grouping compares whole groups: the groups holding A and B join at an average link of p 0.")
    assert lines[3].endswith("< 0.5: not grouped")
    assert "␣" in result.stdout and lines[-1] == "~ marks a character n-gram, ␣ a space in it (the start or end of a word)"
    doc = json.loads(runner.invoke(app, ["explain", SAMPLE, "1", "2", "--format", "json", *LEXICAL]).stdout)
    assert doc["same_cluster"] and doc["group_probability"] >= 0.5


def test_the_tree_joins_two_rows_at_their_groups_link() -> None:
    import numpy as np

    from taskdedup.clustering.tree import MergeTree

    # 0+1 at 0.9, then 2 joins them at 0.6 (average), 3 never joins.
    tree = MergeTree(n=4, children=np.array([[0, 1], [2, 4]]), distances=np.array([0.1, 0.4]))
    assert tree.join_similarity(0, 1) == 0.9
    assert tree.join_similarity(2, 0) == tree.join_similarity(1, 2) == 0.6
    assert tree.join_similarity(0, 3) is None and tree.join_similarity(3, 3) == 1.0


def test_tune_plots_precision_and_recall_beside_f1_and_says_where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib.figure

    drawn = []
    original = matplotlib.figure.Figure.savefig

    def keep(self, *args, **kwargs):
        drawn.append([t.get_text() for ax in self.axes for legend in [ax.get_legend()] if legend for t in legend.get_texts()])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", keep)
    plot = tmp_path / "tune.png"
    fixtures = ROOT / "tests" / "fixtures"
    result = runner.invoke(app, ["tune", str(fixtures / "gold_small.csv"), "--gold-col", "group", "--plot", str(plot), *LEXICAL])
    assert result.exit_code == 0
    assert f"wrote {plot}" in result.stderr.replace("\n", "")
    (labels,) = drawn
    assert {"pairwise precision", "pairwise recall", "pairwise F1", "default 0.5"} <= set(labels)
    assert any(label.startswith("recommended ") for label in labels)
