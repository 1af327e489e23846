"""Decisions at member level: a task taken out of a 병합 proposal (제외), a merged group that new
tasks join (재검토), its key and representative across rounds, and splits still in force."""

import json
from pathlib import Path

import openpyxl
import pandas as pd
from typer.testing import CliRunner

from taskdedup.cli import app

runner = CliRunner()
SAMPLES = Path(__file__).parents[2] / "data" / "samples"
LEXICAL = ("--similarity", "lexical")
CHATBOTS = {"1", "2", "3", "4", "5", "6", "7"}


def _review(tmp_path: Path, survey: Path = SAMPLES / "survey_2018.csv", *extra: str) -> Path:
    path = tmp_path / "review.xlsx"
    result = runner.invoke(app, ["cluster", str(survey), "-q", "-o", str(path), *LEXICAL, *extra])
    assert result.exit_code == 0, result.stderr
    return path


def _column(ws, name: str) -> int:
    return [c.value for c in ws[1]].index(name) + 1


def _proposal_row(ws, ids: set[str]) -> int:
    col = _column(ws, "과제 번호 목록")
    return next(r for r in range(2, ws.max_row + 1) if set(str(ws.cell(r, col).value).split(", ")) == ids)


def _task_row(ws, row_id: str) -> int:
    col = _column(ws, "번호")
    return next(r for r in range(2, ws.max_row + 1) if str(ws.cell(r, col).value) == row_id)


def _merge_chatbots(path: Path, out: Path, exclude: str = "", delete_from_list: str = "") -> Path:
    wb = openpyxl.load_workbook(path)
    ws = wb["병합제안"]
    row = _proposal_row(ws, CHATBOTS)
    ws.cell(row, _column(ws, "결정")).value = "병합"
    if delete_from_list:
        ids = [i for i in str(ws.cell(row, _column(ws, "과제 번호 목록")).value).split(", ") if i != delete_from_list]
        ws.cell(row, _column(ws, "과제 번호 목록")).value = ", ".join(ids)
    if exclude:
        tasks = wb["과제목록"]
        tasks.cell(_task_row(tasks, exclude), _column(tasks, "제외")).value = "제외"
    wb.save(out)
    return out


def _apply(path: Path, tmp_path: Path) -> tuple[str, pd.DataFrame]:
    out = tmp_path / "merged.csv"
    result = runner.invoke(app, ["apply", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    return result.stdout, pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_the_tasks_sheet_offers_a_exclude_drop_down_that_refuses_other_words(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(_review(tmp_path))["과제목록"]
    col = _column(ws, "제외")
    validation = next(v for v in ws.data_validations.dataValidation if str(v.sqref).startswith(openpyxl.utils.get_column_letter(col)))
    assert validation.formula1 == '"제외"' and validation.showErrorMessage


def test_a_task_marked_exclude_leaves_the_merged_project_in_apply_and_in_the_next_run(tmp_path: Path) -> None:
    decided = _merge_chatbots(_review(tmp_path), tmp_path / "decided.xlsx", exclude="7")
    stdout, merged = _apply(decided, tmp_path)
    assert stdout == (
        "52 tasks -> 47 rows: 1 merged projects from 6 tasks, 46 tasks as they were "
        "(decisions: 1 merge, 0 split, 0 hold, 14 undecided; 1 task(s) taken out of merged proposals (제외))\n"
    )
    project = merged[merged["kind"] == "merged"].iloc[0]
    assert set(project["ids"].split("; ")) == CHATBOTS - {"7"}
    assert merged[merged["ids"] == "7"]["kind"].tolist() == ["task"]

    again = runner.invoke(app, ["cluster", str(SAMPLES / "survey_2018.csv"), "--decisions", str(decided), "--format", "json", *LEXICAL])
    assert again.exit_code == 0, again.stderr
    cluster_of = {m["row_id"]: m["cluster_id"] for m in json.loads(again.stdout)["members"]}
    assert len({cluster_of[i] for i in CHATBOTS - {"7"}}) == 1
    assert cluster_of["7"] != cluster_of["1"]


def test_deleting_an_id_from_the_list_means_the_same_as_exclude(tmp_path: Path) -> None:
    review = _review(tmp_path)
    by_mark = _apply(_merge_chatbots(review, tmp_path / "a.xlsx", exclude="7"), tmp_path)
    by_list = _apply(_merge_chatbots(review, tmp_path / "b.xlsx", delete_from_list="7"), tmp_path)
    assert by_mark[0] == by_list[0]
    assert by_mark[1].equals(by_list[1])


def test_a_wrong_word_in_the_exclude_column_names_the_cell(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(_merge_chatbots(_review(tmp_path), tmp_path / "d.xlsx"))
    tasks = wb["과제목록"]
    row = _task_row(tasks, "3")
    tasks.cell(row, _column(tasks, "제외")).value = "빼기"
    wb.save(tmp_path / "d.xlsx")
    result = runner.invoke(app, ["apply", str(tmp_path / "d.xlsx"), "-o", str(tmp_path / "m.csv")])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'd.xlsx'}: sheet '과제목록' row {row}: '빼기' in column '제외' is not 제외 (exclude); choose 제외 or clear the cell\n"
    )
    assert not (tmp_path / "m.csv").exists()


def test_a_task_in_two_merged_proposals_is_refused(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(_merge_chatbots(_review(tmp_path), tmp_path / "d.xlsx"))
    ws = wb["병합제안"]
    other = next(r for r in range(2, ws.max_row + 1) if "1" not in str(ws.cell(r, _column(ws, "과제 번호 목록")).value).split(", "))
    ws.cell(other, _column(ws, "결정")).value = "병합"
    ws.cell(other, _column(ws, "과제 번호 목록")).value = str(ws.cell(other, _column(ws, "과제 번호 목록")).value) + ", 1"
    wb.save(tmp_path / "d.xlsx")
    result = runner.invoke(app, ["apply", str(tmp_path / "d.xlsx"), "-o", str(tmp_path / "m.csv")])
    assert result.exit_code == 1
    assert "task 1 is in two 병합 proposals" in result.stderr and result.stderr.count("\n") == 1


def test_a_merged_group_joined_by_a_new_task_is_flagged_and_keeps_its_key_and_representative(tmp_path: Path) -> None:
    first = _review(tmp_path)
    wb = openpyxl.load_workbook(first)
    ws = wb["병합제안"]
    row = _proposal_row(ws, CHATBOTS)
    key = ws.cell(row, _column(ws, "제안 키")).value
    tasks = wb["과제목록"]
    rep_col = _column(tasks, "대표")
    rep = next(str(tasks.cell(r, _column(tasks, "번호")).value) for r in range(2, tasks.max_row + 1)
               if tasks.cell(r, rep_col).value and str(tasks.cell(r, _column(tasks, "번호")).value) in CHATBOTS)
    decided = _merge_chatbots(first, tmp_path / "decided.xlsx")

    frame = pd.read_csv(SAMPLES / "survey_2018.csv", dtype=str, keep_default_na=False)
    new = pd.DataFrame([{"연번": "53", "기관명": "세종특별자치시", "분야": "민원·행정", "과제명": "AI 민원 상담 챗봇 도입",
                         "과제내용": "시민 민원 문의에 챗봇이 민원 처리 절차와 구비서류를 자동 안내하는 민원 상담 서비스 " * 3}])
    survey = tmp_path / "next.csv"
    pd.concat([frame, new]).to_csv(survey, index=False, encoding="utf-8")

    result = runner.invoke(app, ["cluster", str(survey), "--decisions", str(decided), "--format", "json", *LEXICAL])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    group = next(p for p in doc["proposals"] if "53" in {m["row_id"] for m in p["members"]})
    assert group["key"] == key  # the key the council decided under, although the members changed
    assert group["representative"]["row_id"] == rep
    assert group["review_again"] == ["53"]
    assert any(n.startswith("1 merged group(s) need another look (재검토): new task(s) joined them since they were decided: #") for n in doc["notices"])

    second = tmp_path / "review2.xlsx"
    assert runner.invoke(app, ["cluster", str(survey), "--decisions", str(decided), "-q", "-o", str(second), *LEXICAL]).exit_code == 0
    ws = openpyxl.load_workbook(second)["병합제안"]
    row = _proposal_row(ws, CHATBOTS | {"53"})
    assert ws.cell(row, _column(ws, "검토 상태")).value == "재검토: 새 과제 53"
    assert ws.cell(row, _column(ws, "결정")).value == "병합" and ws.cell(row, _column(ws, "제안 키")).value == key

    failed = runner.invoke(app, ["cluster", str(survey), "--decisions", str(decided), "-q", "--fail-on", "any", *LEXICAL])
    assert failed.exit_code == 3
    assert "1 merged group(s) joined by new tasks (재검토)" in failed.stderr


def test_apply_reports_splits_still_in_force_from_the_decision_log(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(_review(tmp_path))
    ws = wb["병합제안"]
    ws.cell(_proposal_row(ws, {"25", "41"}), _column(ws, "결정")).value = "분리"
    wb.save(tmp_path / "decided.xlsx")
    second = tmp_path / "review2.xlsx"
    args = ["cluster", str(SAMPLES / "survey_2018.csv"), "--decisions", str(tmp_path / "decided.xlsx"), "-q", "-o", str(second), *LEXICAL]
    assert runner.invoke(app, args).exit_code == 0
    stdout, _ = _apply(second, tmp_path)
    assert stdout.endswith("(decisions: 0 merge, 0 split, 0 hold, 14 undecided; 1 earlier split(s) still in force (결정 기록))\n")
