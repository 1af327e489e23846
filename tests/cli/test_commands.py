"""evaluate, tune, explain, themes and --threshold auto, end to end through the CLI."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from taskdedup.cli import app
from taskdedup.config import Settings
from taskdedup.input.tables import read_table
from taskdedup.pipeline import run

runner = CliRunner()
SAMPLES = Path(__file__).parents[2] / "data" / "samples"


# Word-level behaviour (the lexicon, term weights) is easiest to read on words alone.
WORDS_ONLY = ("--similarity", "lexical", "--char-weight", "0")


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_evaluate_with_a_gold_column(fixtures: Path) -> None:
    result = invoke("evaluate", str(fixtures / "gold_small.csv"), "--gold-col", "group", "--threshold", "0.8", *WORDS_ONLY)
    assert result.exit_code == 0
    assert result.stderr == (  # the gold column is never text
        "columns: text=title, id=id, agency=agency, field=(none)\n"
        "notice: --char-weight 0: probabilities are approximate (calibrated at 0.3)\n"
    )
    assert result.stdout == (
        "threshold 0.8, 7 rows scored\n"
        "pairwise   P 0.500  R 1.000  F1 0.667\n"
        "B-cubed    P 0.810  R 1.000  F1 0.895\n"
        "adjusted Rand index 0.618; 4 predicted clusters, 5 gold\n"
        "worst false merges (grouped, but gold says apart; most similar first):\n"
        "  p 0.82  a2 AI 상담봇으로 민원 안내  <->  a7 민원 안내 챗봇 교육 과정\n"
        "  p 0.82  a7 민원 안내 챗봇 교육 과정  <->  a1 인공지능 챗봇 민원 안내\n"
        "missed pairs (gold says together, but apart; least similar first):\n"
        "  none\n"
    )


def test_evaluate_labelled_pairs(fixtures: Path) -> None:
    args = ["evaluate", str(fixtures / "gold_small.csv"), "--pairs", str(fixtures / "pairs_small.csv"), "--threshold", "0.8", *WORDS_ONLY]
    result = invoke(*args, "--no-lexicon")
    assert result.stdout == (
        "threshold 0.8, 6 rows scored, 4 labelled pairs\n"
        "pairwise   P 1.000  R 0.000  F1 0.000\n"
        "worst false merges (grouped, but gold says apart; most similar first):\n"
        "  none\n"
        "missed pairs (gold says together, but apart; least similar first):\n"
        "  p 0.59  a3 독거노인 안부 확인 서비스  <->  a4 홀몸어르신 안부 확인\n"
        "  p 0.71  a2 AI 상담봇으로 민원 안내  <->  a1 인공지능 챗봇 민원 안내\n"
    )
    # The lexicon bridges both wordings.
    doc = json.loads(invoke(*args, "--format", "json").stdout)
    assert doc["pairwise"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert doc["mode"] == "pairs" and doc["pairs_scored"] == 4


def test_tune_recommends_best_f1(fixtures: Path, tmp_path: Path) -> None:
    plot = tmp_path / "tune.png"
    result = invoke(
        "tune", str(fixtures / "gold_small.csv"), "--gold-col", "group", "--from", "0.5", "--to", "0.9", "--step", "0.2",
        "--plot", str(plot), *WORDS_ONLY,
    )
    assert result.exit_code == 0
    assert result.stdout == (
        "threshold  clusters  proposals  cross-agency  rows in proposals  mean p  silhouette      P      R     F1\n"
        "      0.5         4          2             2                  5    0.96       0.584  0.500  1.000  0.667\n"
        "      0.7         4          2             2                  5    0.96       0.584  0.500  1.000  0.667\n"
        "      0.9         5          2             2                  4    1.00       0.571  1.000  1.000  1.000\n"
        "recommended threshold: 0.9 (best F1 against the gold column)\n"
    )
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_tune_without_gold_uses_silhouette(fixtures: Path) -> None:
    doc = json.loads(invoke("tune", str(fixtures / "gold_small.csv"), "--format", "json", "--from", "0.3", "--to", "0.7", "--step", "0.2").stdout)
    assert doc["rule"] == "best silhouette"
    best = max(doc["points"], key=lambda p: (p["silhouette"], -p["threshold"]))
    assert doc["recommended_threshold"] == best["threshold"] == 0.3


def test_explain_lists_the_terms_behind_a_similarity(fixtures: Path) -> None:
    result = invoke("explain", str(fixtures / "gold_small.csv"), "a3", "a4", "--no-lexicon", *WORDS_ONLY)
    assert result.exit_code == 0
    assert result.stdout == (
        "A a3 보건복지부: 독거노인 안부 확인 서비스\n"
        "B a4 전라남도: 홀몸어르신 안부 확인\n"
        "probability 0.5879 that this pair is one project (threshold 0.5)\n"
        "grouping compares whole groups: the groups holding A and B join at an average link of p 0.5879 >= 0.5: grouped together\n"
        "score 0.3583 = words 0.3583; p = 1 / (1 + exp(-6.093 x (score - 0.3)))\n"
        "shared terms (weight in A x weight in B = contribution):\n"
        "  안부\t0.397 x 0.452 = 0.1792\n"
        "  확인\t0.397 x 0.452 = 0.1792\n"
        "only in A: 노인 (0.48), 독거 (0.48), 서비스 (0.48)\n"
        "only in B: 어르신 (0.54), 홀몸 (0.54)\n"
    )
    doc = json.loads(invoke("explain", str(fixtures / "gold_small.csv"), "a3", "#4", "--format", "json", "--terms", "100").stdout)
    assert doc["similarity"] < 1.0  # same words after the lexicon; the character n-grams still differ
    assert sum(t["contribution"] for t in doc["shared_terms"]) == pytest.approx(doc["similarity"], abs=5e-3)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["explain", "{f}/gold_small.csv", "a1", "zz"], 1, "Error: no row with id 'zz'; ids come from column 'id', e.g. a2, a6, a3\n"),
        (["evaluate", "{f}/gold_small.csv", "--gold-col", "grp"], 1,
         "Error: no column 'grp' for --gold-col; available columns: 'id', 'agency', 'title', 'group'\n"),
        (["cluster", "{f}/gold_small.csv", "--lexicon", "{f}/lexicon_broken.toml"], 1,
         "Error: {f}/lexicon_broken.toml: not valid TOML (Expected ']' at the end of a table declaration (at line 1, column 10)); "
         "see README 'Lexicon' for the format\n"),
        (["cluster", "{f}/gold_small.csv", "--lexicon", "{f}/none.toml"], 1, "Error: {f}/none.toml: no such file; check the path\n"),
        (["evaluate", "{f}/gold_small.csv", "--pairs", "{f}/survey_utf8.csv"], 1,
         "Error: {f}/survey_utf8.csv: row 1: label '민원' is not 1/0 (same/different); fix that cell\n"),
    ],
)
def test_command_errors(fixtures: Path, args: list[str], code: int, message: str) -> None:
    result = invoke(*[a.format(f=fixtures) for a in args])
    assert result.exit_code == code
    assert result.stderr.splitlines()[-1] + "\n" == message.format(f=fixtures)


def test_evaluate_needs_gold_or_pairs(fixtures: Path) -> None:
    result = invoke("evaluate", str(fixtures / "gold_small.csv"))
    assert result.exit_code == 2
    assert "give exactly one of --gold-col COL or --pairs FILE" in result.stderr


def test_threshold_auto_says_what_it_chose() -> None:
    result = invoke("cluster", str(SAMPLES / "survey_2018.csv"), "--threshold", "auto", "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert f"threshold auto: {doc['settings']['threshold']:g} (best silhouette between 0.05 and 0.95)" in doc["notices"]


def test_themes_nest_clusters_and_span_agencies() -> None:
    result = run(read_table(str(SAMPLES / "survey_2018.xlsx")), Settings())
    assert result.themes, "the sample has areas shared by several clusters"
    seen: set[int] = set()
    for theme in result.themes:
        ids = {c.cluster_id for c in theme.clusters}
        assert len(ids) >= 2 and not ids & seen
        seen |= ids
        assert theme.size == sum(c.size for c in theme.clusters)
    for row in result.rows:
        if row.theme is not None:
            assert row.cluster in row.theme.clusters
    # Care for elderly people living alone: one proposal (26, 28) and a task written apart (29).
    care = next(t for t in result.themes if "독거노인" in t.keywords)
    assert {"26", "28", "29"} <= {m.submission.row_id for c in care.clusters for m in c.members}
    assert len({a for c in care.clusters for a in c.agencies}) >= 3
