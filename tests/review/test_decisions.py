"""cluster -> decide in the workbook -> apply: the merged task list reconciles with the input."""

import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from taskdedup.cli import app

runner = CliRunner()
SAMPLES = Path(__file__).parents[2] / "data" / "samples"


# Decisions are about groups, not about how they were found: the lexical match keeps these
# round trips on the same known groups (and fast).
LEXICAL = ("--similarity", "lexical")


def review(tmp_path: Path, *extra: str) -> Path:
    path = tmp_path / "review.xlsx"
    assert runner.invoke(app, ["cluster", str(SAMPLES / "survey_2018.xlsx"), "-q", "-o", str(path), *LEXICAL, *extra]).exit_code == 0
    return path


def decide(path: Path, decisions: list[str], sheet: str = "병합제안", column: int = 4) -> Path:
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


def test_decisions_survive_the_next_run(tmp_path: Path) -> None:
    """The acceptance round trip: cluster -> decide -> new rows arrive -> cluster --decisions -> apply."""
    first = review(tmp_path)
    wb = openpyxl.load_workbook(first)
    ws = wb["병합제안"]
    headers = [c.value for c in ws[1]]
    ids_col, decision_col = headers.index("과제 번호 목록") + 1, headers.index("결정") + 1
    groups = {ws.cell(r, ids_col).value: r for r in range(2, ws.max_row + 1)}
    chatbots = next(r for ids, r in groups.items() if set(ids.split(", ")) == {"1", "2", "3", "4", "5", "6", "7"})
    false_merge = next(r for ids, r in groups.items() if set(ids.split(", ")) == {"25", "41"})
    bikes = next(r for ids, r in groups.items() if set(ids.split(", ")) == {"51", "52"})
    ws.cell(chatbots, decision_col).value = "병합"
    ws.cell(chatbots, decision_col + 1).value = "챗봇은 한 사업으로"
    ws.cell(false_merge, decision_col).value = "분리"
    split_key = ws.cell(false_merge, headers.index("제안 키") + 1).value
    ws.cell(bikes, decision_col).value = "병합"
    decided = tmp_path / "decided.xlsx"
    wb.save(decided)

    # Next month: a new chatbot proposal arrives, task 52 is withdrawn.
    frame = pd.read_csv(SAMPLES / "survey_2018.csv", dtype=str, keep_default_na=False)
    frame = frame[frame["연번"] != "52"]
    new = pd.DataFrame([
        {"연번": "53", "기관명": "세종특별자치시", "분야": "민원·행정", "과제명": "AI 민원 상담 챗봇 도입",
         "과제내용": "시민 민원 문의에 챗봇이 민원 처리 절차와 구비서류를 자동 안내하는 민원 상담 서비스"},
        {"연번": "54", "기관명": "울산광역시", "분야": "환경", "과제명": "하천 수질 오염 예측",
         "과제내용": "하천 수질 측정 자료로 오염 발생을 미리 예측"},
    ])
    survey = tmp_path / "survey_next.csv"
    pd.concat([frame, new]).to_csv(survey, index=False, encoding="utf-8")
    second = tmp_path / "review2.xlsx"
    result = runner.invoke(app, ["cluster", str(survey), "--decisions", str(decided), "-o", str(second), "--format", "json", *LEXICAL])
    assert result.exit_code == 0, result.stderr

    doc = json.loads(result.stdout)
    cluster_of = {m["row_id"]: m["cluster_id"] for m in doc["members"]}
    status_of = {m["row_id"]: m["status"] for m in doc["members"]}
    assert len({cluster_of[i] for i in ["1", "2", "3", "4", "5", "6", "7", "53"]}) == 1  # decided group kept, new row joined
    assert status_of["53"] == "clustered: new, joined a merged group"
    assert cluster_of["25"] != cluster_of["41"]  # split stays split
    assert "decision 병합 " in " ".join(doc["notices"]) and "1 of 2 task(s) no longer in the input (52)" in " ".join(doc["notices"])

    # The new workbook carries what was decided, so nobody decides it twice: the merged group
    # (with the new row) is pre-filled 병합 with its comment, the split pair is in the decision log,
    # and the bike pair, down to one task, is dropped.
    wb = openpyxl.load_workbook(second)
    ws = wb["병합제안"]
    rows = {ws.cell(r, ids_col).value: r for r in range(2, ws.max_row + 1)}
    chatbots_now = next(r for ids, r in rows.items() if set(ids.split(", ")) == {"1", "2", "3", "4", "5", "6", "7", "53"})
    assert ws.cell(chatbots_now, decision_col).value == "병합"
    assert ws.cell(chatbots_now, decision_col + 1).value == "챗봇은 한 사업으로"
    assert [ws.cell(r, decision_col).value for r in range(2, ws.max_row + 1)].count("병합") == 1
    log = wb["결정 기록"]
    assert [[c.value for c in row] for row in log.iter_rows()] == [["제안 키", "결정", "과제 번호 목록", "의견"], [split_key, "분리", "25, 41", None]]
    assert "2 earlier decision(s) from" in " ".join(doc["notices"])

    # A third run on the second workbook as it came out keeps both decisions.
    third = runner.invoke(app, ["cluster", str(survey), "--decisions", str(second), "--format", "json"])
    assert third.exit_code == 0, third.stderr
    cluster_of = {m["row_id"]: m["cluster_id"] for m in json.loads(third.stdout)["members"]}
    assert len({cluster_of[i] for i in ["1", "2", "3", "4", "5", "6", "7", "53"]}) == 1
    assert cluster_of["25"] != cluster_of["41"]

    # Apply the second workbook as it came out: every task of the new input exactly once.
    merged = tmp_path / "merged.csv"
    applied = runner.invoke(app, ["apply", str(second), "-o", str(merged)])
    assert applied.exit_code == 0
    out = pd.read_csv(merged, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert out["tasks"].astype(int).sum() == 53
    assert applied.stdout.startswith("53 tasks -> 46 rows: 1 merged projects from 8 tasks")


def test_decisions_from_a_csv(tmp_path: Path) -> None:
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("key,decision,ids,comment\nPx,merge,1; 9,one project\nPy,split,\"25, 41\",\n", encoding="utf-8")
    result = runner.invoke(app, ["cluster", str(SAMPLES / "survey_2018.csv"), "--decisions", str(decisions), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    cluster_of = {m["row_id"]: m["cluster_id"] for m in doc["members"]}
    assert cluster_of["1"] == cluster_of["9"]  # must-link across what the text alone would not join
    merged = next(p for p in doc["proposals"] if p["cluster_id"] == cluster_of["1"])
    assert merged["earlier_decision"] == {"decision": "merge", "key": "Px", "comment": "one project"}
    assert cluster_of["25"] != cluster_of["41"]
    bad = tmp_path / "bad.csv"
    bad.write_text("key,verdict\nPx,merge\n", encoding="utf-8")
    failed = runner.invoke(app, ["cluster", str(SAMPLES / "survey_2018.csv"), "--decisions", str(bad)])
    assert failed.exit_code == 1
    assert failed.stderr == f"Error: {bad}: a decisions CSV needs a '결정' (or 'decision') column; found key, verdict\n"


def test_a_held_group_is_asked_again_with_its_comment_and_in_english(tmp_path: Path) -> None:
    """보류 means "not yet": the same group comes back pre-filled 보류 with the comment, so the
    analyst sees it was looked at; in an English workbook the carried word is English."""
    first = review(tmp_path, "--lang", "en")
    wb = openpyxl.load_workbook(first)
    ws = wb["Proposals"]
    headers = [c.value for c in ws[1]]
    decision_col = headers.index("Decision") + 1
    ws.cell(2, decision_col).value = "hold"
    ws.cell(2, decision_col + 1).value = "ask the ministry"
    ws.cell(2, headers.index("Suggested lead") + 1).value = "행정안전부"
    ids = ws.cell(2, headers.index("Member ids") + 1).value
    decided = tmp_path / "decided.xlsx"
    wb.save(decided)
    again = tmp_path / "again.xlsx"
    result = runner.invoke(app, ["cluster", str(SAMPLES / "survey_2018.xlsx"), "-q", "--decisions", str(decided), "-o", str(again), "--lang", "en", *LEXICAL])
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(again)["Proposals"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, headers.index("Member ids") + 1).value == ids)
    assert ws.cell(row, decision_col).value == "hold"
    assert ws.cell(row, decision_col + 1).value == "ask the ministry"
    assert ws.cell(row, headers.index("Suggested lead") + 1).value == "행정안전부"
    assert [ws.cell(r, decision_col).value for r in range(2, ws.max_row + 1)].count(None) == ws.max_row - 2
    assert "Decision log" not in openpyxl.load_workbook(again).sheetnames  # no split decision to carry

    # A split, decided in English, goes to the English decision log and is read back from it.
    wb = openpyxl.load_workbook(again)
    ws = wb["Proposals"]
    ws.cell(3, decision_col).value = "split"
    split_ids = ws.cell(3, headers.index("Member ids") + 1).value.split(", ")
    wb.save(decided)
    runner.invoke(app, ["cluster", str(SAMPLES / "survey_2018.xlsx"), "-q", "--decisions", str(decided), "-o", str(again), "--lang", "en", *LEXICAL])
    log = openpyxl.load_workbook(again)["Decision log"]
    assert [c.value for c in log[1]] == ["Proposal key", "Decision", "Member ids", "Comment"]
    assert log.cell(2, 2).value == "split" and log.cell(2, 3).value.split(", ") == split_ids
    third = runner.invoke(app, ["cluster", str(SAMPLES / "survey_2018.xlsx"), "--decisions", str(again), "--format", "json"])
    cluster_of = {m["row_id"]: m["cluster_id"] for m in json.loads(third.stdout)["members"]}
    assert len({cluster_of[i] for i in split_ids}) == len(split_ids)


def test_carry_forward_keeps_only_decisions_that_still_mean_something() -> None:
    from taskdedup.config import Settings
    from taskdedup.input.tables import read_table
    from taskdedup.pipeline import assemble, prepare
    from taskdedup.review.decisions import HOLD, MERGE, SPLIT, Decided, Decisions

    prepared = prepare(read_table(str(SAMPLES / "survey_2018.csv")), Settings())
    records = [
        Decided("Pm", MERGE, ("1", "9"), "one project", "행정안전부"),  # kept together, so carried
        Decided("Pg", MERGE, ("51", "999"), "withdrawn"),  # one task left: nothing to decide
        Decided("Ps", SPLIT, ("25", "41", "998")),  # carried in the log, with the tasks still there
        Decided("Ph", HOLD, ("1", "2")),  # not the same group any more: asked afresh
    ]
    result = assemble(prepared, decisions=Decisions(records, frozenset(str(k) for k in range(1, 53)), "earlier.xlsx"))
    (cluster_id, carried), = result.carried.items()
    members = {m.submission.row_id for m in next(c for c in result.clusters if c.cluster_id == cluster_id).members}
    assert carried.key == "Pm" and {"1", "9"} <= members
    assert result.decision_log == [Decided("Ps", SPLIT, ("25", "41"))]
    assert "2 earlier decision(s) from earlier.xlsx carried forward: 1 on proposals, 1 split group(s) for the 결정 기록 sheet of a review workbook" in result.notices


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 7)), min_size=1, max_size=30))
def test_nested_themes_put_every_cluster_inside_one_theme(rows: list[tuple[int, int]]) -> None:
    from taskdedup.review.themes import nested_themes

    themes = np.array([t for t, _ in rows])
    clusters = np.array([c for _, c in rows])
    out = nested_themes(themes, clusters)
    for c in set(clusters.tolist()):
        assert len(set(out[clusters == c].tolist())) == 1
    # Only what a cluster forces is joined: rows of one theme stay together, and two themes are
    # joined only when a chain of clusters links them (a plain union-find says which).
    for t in set(themes.tolist()):
        assert len(set(out[themes == t].tolist())) == 1
    parent = {t: t for t in themes.tolist()}

    def root(t: int) -> int:
        while parent[t] != t:
            t = parent[t]
        return t

    first_theme: dict[int, int] = {}
    for t, c in rows:
        parent[root(t)] = root(first_theme.setdefault(c, t))
    present = sorted(set(themes.tolist()))
    for t1 in present:
        for t2 in present:
            assert (out[themes == t1][0] == out[themes == t2][0]) == (root(t1) == root(t2))


def test_a_merge_decision_across_themes_joins_the_themes() -> None:
    from taskdedup.config import Settings
    from taskdedup.input.tables import read_table
    from taskdedup.pipeline import assemble, prepare
    from taskdedup.review.decisions import MERGE, Decided, Decisions

    prepared = prepare(read_table(str(SAMPLES / "survey_2018.csv")), Settings(similarity="lexical"))
    before = assemble(prepared)
    theme_of = {r.submission.row_id: r.theme for r in before.rows}
    one, other = before.themes[:2]  # any two themes
    a = one.clusters[0].members[0].submission.row_id
    b = other.clusters[0].members[0].submission.row_id
    assert theme_of[a] is not theme_of[b]
    after = assemble(prepared, decisions=Decisions([Decided("P", MERGE, (a, b))], frozenset(theme_of), "d.xlsx"))
    by_row = {r.submission.row_id: r for r in after.rows}
    assert by_row[a].cluster is by_row[b].cluster
    assert by_row[a].theme is not None and by_row[a].theme is by_row[b].theme
    for r in after.rows:  # every member of a cluster shows the same theme
        if r.cluster is not None:
            assert r.theme is by_row[r.cluster.members[0].submission.row_id].theme
    joined = by_row[a].theme
    assert {c.cluster_id for c in joined.clusters} >= {c.cluster_id for c in after.clusters if c is by_row[a].cluster}
    assert joined.size >= one.size + other.size - 1


def test_a_bad_decision_in_a_csv_names_the_row_not_a_sheet(tmp_path: Path) -> None:
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("key,decision,ids\nPx,merge,1; 9\nPy,maybe,\"25, 41\"\n", encoding="utf-8")
    out = tmp_path / "review.xlsx"
    result = runner.invoke(app, ["cluster", str(SAMPLES / "survey_2018.csv"), "--decisions", str(decisions), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {decisions}: row 3: decision 'maybe' is not one of 병합, 분리, 보류 (merge, split, hold); fix that cell\n"
    assert not out.exists()
