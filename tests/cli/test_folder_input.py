"""`taskdedup cluster FOLDER ...`: agency files and proposal documents as one survey, end to end."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from typer.testing import CliRunner

from taskdedup.cli import app

FIXTURES = Path(__file__).parents[1] / "fixtures"
FOLDER, DOCUMENTS, BROKEN = FIXTURES / "submissions", FIXTURES / "documents", FIXTURES / "broken_documents"

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def _members(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_folder_and_documents_golden_outputs(tmp_path: Path, golden) -> None:
    """The exports of the five agency files and the six documents. After an intended
    change: UPDATE_GOLDEN=1 pytest."""
    outputs = {name: tmp_path / name for name in ("submissions_members.csv", "submissions.json")}
    result = invoke("cluster", str(FOLDER), str(DOCUMENTS), "-q", *(a for p in outputs.values() for a in ("-o", str(p))))
    assert result.exit_code == 0, result.stderr
    for name, path in outputs.items():
        golden(name, path.read_bytes())
    doc = json.loads(outputs["submissions.json"].read_text(encoding="utf-8"))
    jsonschema.validate(doc, json.loads((Path(__file__).parents[2] / "docs" / "result.schema.json").read_text(encoding="utf-8")))
    assert sum(f["rows"] for f in doc["input"]["files"]) == doc["summary"]["rows_read"] == 18
    members = _members(outputs["submissions_members.csv"])
    # every row of every file and every form of every document, once, with its file
    rows = sorted((m["source_file"], m["row_number"]) for m in members)
    expected = {"경기도_수요조사.xls": 2, "관세청_제안.csv": 2, "보건복지부_과제제안.xlsx": 2, "서울특별시_수요조사.csv": 2, "행정안전부_수요조사.xlsx": 3,
                "경상북도_과제제안서.hwpx": 2, "경찰청_과제제안서.pdf": 1, "광주광역시_제안메모.docx": 1, "기획재정부_과제제안서.hwp": 1,
                "대구광역시_과제제안서.hwpx": 1, "전라남도_과제제안.docx": 1}
    assert rows == sorted((f, str(n)) for f, k in expected.items() for n in range(1, k + 1))
    # the chatbot proposals of five agencies, from a workbook, a CP949 CSV, an .xls, a CSV without
    # an agency column and an HWPX form, are one proposal
    chatbots = {m["source_file"] for m in members if m["cluster_id"] == "1"}
    assert chatbots == {"대구광역시_과제제안서.hwpx", "행정안전부_수요조사.xlsx", "경기도_수요조사.xls", "서울특별시_수요조사.csv", "관세청_제안.csv"}
    subsidies = {m["agency"] for m in members if "부정수급" in m["title"] and m["kind"] == "cross-agency"}
    assert subsidies == {"경상북도", "행정안전부", "기획재정부"}  # an HWPX second form, a workbook, an HWP


def test_the_summary_counts_rows_per_file(tmp_path: Path) -> None:
    result = invoke("cluster", str(FOLDER), "-o", str(tmp_path / "r.xlsx"))
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[:6] == [
        "columns: text=과제명 + 과제내용, id=번호, agency=기관, field=분야",
        "notice: 경기도_수요조사.xls: 2 row(s); title 과제명, agency 기관명",
        "notice: 관세청_제안.csv: 2 row(s); title 과제명, agency from the file name",
        "notice: 보건복지부_과제제안.xlsx: 2 row(s); title 과제명, agency 기관명",
        "notice: 보건복지부_과제제안.xlsx: header read from row 3 (the rows above it look like a title or group labels); --header-row N chooses another row",
        "notice: 서울특별시_수요조사.csv: 2 row(s); title 과제명, agency 기관명",
    ]
    assert result.stdout.splitlines()[0].startswith(f"taskdedup: {FOLDER}: 11 rows read, 0 skipped")
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    tasks = book["과제목록"]
    header = [c.value for c in tasks[1]]
    assert header[-1] == "파일"
    files = {row[-1] for row in tasks.iter_rows(min_row=2, values_only=True)}
    assert files == {"경기도_수요조사.xls", "관세청_제안.csv", "보건복지부_과제제안.xlsx", "서울특별시_수요조사.csv", "행정안전부_수요조사.xlsx"}
    notices = [row[1] for row in book["요약"].iter_rows(values_only=True) if row[0] == "알림"]
    assert "관세청_제안.csv: 2행, 과제명 과제명, 기관 파일 이름에서" in notices  # the workbook is Korean


def test_one_file_workbook_has_no_file_column(tmp_path: Path) -> None:
    result = invoke("cluster", str(FOLDER / "행정안전부_수요조사.xlsx"), "-q", "-o", str(tmp_path / "r.xlsx"), "-o", str(tmp_path / "m.csv"))
    assert result.exit_code == 0, result.stderr
    assert "파일" not in [c.value for c in openpyxl.load_workbook(tmp_path / "r.xlsx")["과제목록"][1]]
    assert {m["source_file"] for m in _members(tmp_path / "m.csv")} == {"행정안전부_수요조사.xlsx"}
    assert {m["row_id"] for m in _members(tmp_path / "m.csv")} == {"1", "2", "3"}  # one file: its own ids


def test_a_bad_file_stops_the_run_with_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(FOLDER, folder)
    shutil.copy(BROKEN / "잘린파일.hwpx", folder)
    out = tmp_path / "out"
    out.mkdir()
    result = invoke("cluster", str(folder), "-o", str(out / "r.xlsx"))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 1 of 6 file(s) cannot be read: 잘린파일.hwpx (the HWPX file is cut short or damaged (its zip cannot be opened); save it again "
        "from 한글); fix or remove them, or add --skip-bad-files to go on without them\n"
    )
    assert list(out.iterdir()) == []
    result = invoke("cluster", str(folder), "--skip-bad-files", "-o", str(out / "r.xlsx"))
    assert result.exit_code == 0, result.stderr
    assert ("notice: skipped 잘린파일.hwpx (the HWPX file is cut short or damaged (its zip cannot be opened); save it again from 한글)"
            in result.stderr.splitlines())


def test_outputs_never_land_in_an_input_folder(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(FOLDER, folder)
    result = invoke("cluster", str(folder), "-o", str(folder / "review.xlsx"))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {folder / 'review.xlsx'}: is inside the input folder {folder}, where the next run would read it as a "
                             "submission; write it elsewhere\n")


def test_stdin_is_only_ever_the_one_input() -> None:
    result = runner.invoke(app, ["cluster", "-", str(FOLDER)], input="과제명\n챗봇\n")
    assert result.exit_code == 1
    assert result.stderr == "Error: - (stdin) can only be the one input; save it to a file to read it with others\n"


def test_agency_from_filename_on_the_command_line(tmp_path: Path) -> None:
    result = invoke("cluster", str(FOLDER), "--agency-from", "filename", "-q", "-o", str(tmp_path / "m.csv"))
    assert result.exit_code == 0, result.stderr
    agencies = {(m["source_file"], m["agency"]) for m in _members(tmp_path / "m.csv")}
    assert ("보건복지부_과제제안.xlsx", "보건복지부") in agencies and len({a for _, a in agencies}) == 5
    result = invoke("cluster", str(FOLDER), "--agency-from", "agencies")
    assert result.exit_code == 2
    assert "'agencies' is not one of 'auto', 'column', 'filename'" in result.stderr


def test_a_single_document_is_a_survey_of_its_forms(tmp_path: Path) -> None:
    result = invoke("cluster", str(DOCUMENTS / "경상북도_과제제안서.hwpx"), "-q", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["rows_read"] == 2
    result = invoke("cluster", str(BROKEN / "암호문서.hwp"))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {BROKEN / '암호문서.hwp'}: the document is password-protected; save a copy without the password "
                             "(한글: 보안 > 암호 해제)\n")


def test_evaluate_reads_a_gold_column_across_files(tmp_path: Path) -> None:
    (tmp_path / "a_서울.csv").write_text("번호,과제명,그룹\n1,인공지능 민원 상담 챗봇,g1\n2,독거노인 IoT 돌봄 서비스,g2\n", encoding="utf-8")
    (tmp_path / "b_부산.csv").write_text("번호,과제명,그룹\n1,민원 상담 인공지능 챗봇,g1\n2,항만 물류 자동화,g3\n", encoding="utf-8")
    result = invoke("evaluate", str(tmp_path), "--gold-col", "그룹", "--format", "json", "-q")
    assert result.exit_code == 0, result.stderr
    scores = json.loads(result.stdout)
    # each file numbers its rows from 1: the gold value is looked up by file and row, not by row alone
    assert (scores["rows_scored"], scores["gold_clusters"], scores["pairwise"]["f1"]) == (4, 3, 1.0)


@pytest.mark.parametrize("order", [0, 1])
def test_file_order_on_the_command_line_changes_no_byte(tmp_path: Path, order: int) -> None:
    files = sorted(str(p) for p in FOLDER.iterdir())
    given = files if order == 0 else files[::-1]
    result = invoke("cluster", *given, "-q", "-o", str(tmp_path / "m.csv"))
    assert result.exit_code == 0, result.stderr
    reference = tmp_path / "ref.csv"
    assert invoke("cluster", str(FOLDER), "-q", "-o", str(reference)).exit_code == 0
    assert (tmp_path / "m.csv").read_bytes() == reference.read_bytes()


def test_the_team_configuration_sets_the_folder_options(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "in"
    shutil.copytree(FOLDER, folder)
    shutil.copy(BROKEN / "스캔본.pdf", folder)
    (tmp_path / "taskdedup.toml").write_text('agency-from = "filename"\nskip-bad-files = true\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke("cluster", "in", "-o", "m.csv")
    assert result.exit_code == 0, result.stderr
    assert any(line.startswith("notice: skipped 스캔본.pdf (the PDF has no text layer") for line in result.stderr.splitlines())
    assert {m["agency"] for m in _members(tmp_path / "m.csv")} == {"경기도", "관세청", "보건복지부", "서울특별시", "행정안전부"}
    (tmp_path / "taskdedup.toml").write_text('existing = "old.xlsx"\n', encoding="utf-8")
    refused = invoke("cluster", "in")
    assert refused.exit_code == 1 and "unknown option 'existing'" in refused.stderr


def test_decisions_carry_and_the_merged_list_names_the_files(tmp_path: Path) -> None:
    review = tmp_path / "review.xlsx"
    assert invoke("cluster", str(FOLDER), str(DOCUMENTS), "-q", "-o", str(review)).exit_code == 0
    book = openpyxl.load_workbook(review)
    sheet = book["병합제안"]
    column = [c.value for c in sheet[1]].index("결정") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, column).value = "병합"
    book.save(review)
    again = invoke("cluster", str(FOLDER), str(DOCUMENTS), "--decisions", str(review), "-o", str(tmp_path / "r2.xlsx"))
    assert again.exit_code == 0, again.stderr
    assert f"notice: 4 earlier decision(s) from {review} carried forward: 4 on proposals, 0 split group(s) for the 결정 기록 sheet of a review workbook" in again.stderr.splitlines()
    merged = tmp_path / "merged.csv"
    assert invoke("apply", str(review), "-q", "-o", str(merged)).exit_code == 0
    rows = _members(merged)
    assert len(rows) == 9 and sum(int(r["tasks"]) for r in rows) == 18
    chatbot = next(r for r in rows if "대구광역시_과제제안서#1" in r["ids"])
    assert chatbot["source_files"] == "경기도_수요조사.xls; 관세청_제안.csv; 대구광역시_과제제안서.hwpx; 서울특별시_수요조사.csv; 행정안전부_수요조사.xlsx"
