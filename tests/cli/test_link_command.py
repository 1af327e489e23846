"""`taskdedup link NEW EXISTING`: the fixture pair with known duplicates, end to end."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from taskdedup.cli import app

FIXTURES = Path(__file__).parents[1] / "fixtures"
LINK = FIXTURES / "link"

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_known_duplicates_and_golden_outputs(tmp_path: Path, golden) -> None:
    """new 1 and 2 are existing P-101 and P-102; new 3 and 4 duplicate each other, not an existing
    project; new 5 is new. After an intended change: UPDATE_GOLDEN=1 pytest."""
    outputs = {name: tmp_path / name for name in ("link.csv", "link.json")}
    result = invoke("link", str(LINK / "new.csv"), str(LINK / "existing.xlsx"), "-o", str(tmp_path / "link.xlsx"),
                    *(a for p in outputs.values() for a in ("-o", str(p))))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == ("taskdedup link: 5 new row(s) against 3 existing: 2 duplicate an existing one, 0 to check, 3 new; "
                                             "1 duplicate group(s) among the new rows")
    for name, path in outputs.items():
        golden(name, path.read_bytes())
    with open(outputs["link.csv"], encoding="utf-8-sig", newline="") as handle:
        rows = {r["row_id"]: r for r in csv.DictReader(handle)}
    assert list(rows) == ["new#1", "new#2", "new#3", "new#4", "new#5"]  # every new row once, in the file's order
    assert (rows["new#1"]["verdict"], rows["new#1"]["existing_1_row_id"]) == ("existing", "existing#P-101")
    assert (rows["new#2"]["verdict"], rows["new#2"]["existing_1_row_id"]) == ("existing", "existing#P-102")
    assert rows["new#3"]["verdict"] == rows["new#4"]["verdict"] == rows["new#5"]["verdict"] == "new"
    assert rows["new#3"]["new_duplicate_group"] == rows["new#4"]["new_duplicate_group"] == "1" and rows["new#5"]["new_duplicate_group"] == ""
    assert float(rows["new#1"]["existing_1_probability"]) >= 0.5

    book = openpyxl.load_workbook(tmp_path / "link.xlsx")
    assert book.sheetnames == ["사용법", "요약", "기존 사업 대조", "신규 간 중복", "기존 사업"]
    sheet = book["기존 사업 대조"]
    assert [c.value for c in sheet[1]][:6] == ["번호", "과제명", "기관", "제안", "결정", "의견"]
    assert [r[3] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["기존 사업과 중복", "기존 사업과 중복", "신규", "신규", "신규"]
    validation = sheet.data_validations.dataValidation[0]
    assert validation.formula1 == '"기존 사업과 중복,신규,확인 필요"' and str(validation.sqref) == "E2:E6"
    existing = [r[:4] for r in book["기존 사업"].iter_rows(min_row=2, values_only=True)]
    assert existing == [("existing#P-101", "인공지능 민원 상담 챗봇", "행정안전부", 1), ("existing#P-102", "블록체인 국고보조금 부정수급 방지", "기획재정부", 1),
                        ("existing#P-103", "스마트 교통신호 최적화", "국토교통부", 0)]  # every existing row once
    inside = list(book["신규 간 중복"].iter_rows(min_row=2, values_only=True))
    assert len(inside) == 1 and set(inside[0][5].split(", ")) == {"new#3", "new#4"}


def test_folders_on_either_side_and_the_json_on_stdout(tmp_path: Path) -> None:
    new = tmp_path / "new"
    new.mkdir()
    shutil.copy(LINK / "new.csv", new / "부산광역시_신규.csv")
    result = invoke("link", str(new), str(FIXTURES / "submissions"), "--format", "json", "-q")
    assert result.exit_code == 0, result.stderr
    links = {r["row_id"]: r for r in json.loads(result.stdout)["links"]}
    chatbot = links["부산광역시_신규#1"]
    assert chatbot["verdict"] == "existing" and chatbot["source_file"] == "부산광역시_신규.csv"
    assert {c["source_file"] for c in chatbot["candidates"]} <= {"행정안전부_수요조사.xlsx", "서울특별시_수요조사.csv", "경기도_수요조사.xls", "관세청_제안.csv"}
    assert len(chatbot["candidates"]) == 3


def test_what_link_refuses(tmp_path: Path) -> None:
    same = invoke("link", str(LINK / "new.csv"), str(LINK))
    assert same.exit_code == 1
    assert same.stderr == f"Error: {(LINK / 'new.csv').resolve()}: given as both NEW and EXISTING; name each file on one side only\n"
    wrong = invoke("link", str(LINK / "new.csv"), str(LINK / "existing.xlsx"), "-o", str(tmp_path / "x.html"))
    assert wrong.exit_code == 2 and "'" + str(tmp_path / "x.html") + "' has no known format; end the name with .xlsx, .csv, .json" in wrong.stderr
    crossed = invoke("link", str(LINK / "new.csv"), str(LINK / "existing.xlsx"), "--check-from", "0.7")
    assert crossed.exit_code == 2 and "--check-from 0.7 is above --threshold 0.5; give a lower probability" in crossed.stderr
    missing = invoke("link", str(tmp_path / "없음.csv"), str(LINK / "existing.xlsx"))
    assert missing.exit_code == 1 and missing.stderr == f"Error: {tmp_path / '없음.csv'}: no such file; check the path\n"


def test_korean_csv_and_english_workbook(tmp_path: Path) -> None:
    result = invoke("link", str(LINK / "new.csv"), str(LINK / "existing.xlsx"), "-q", "--lang", "ko", "-o", str(tmp_path / "k.csv"))
    assert result.exit_code == 0, result.stderr
    header = (tmp_path / "k.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[:8] == ["번호", "행", "기관", "과제명", "파일", "제안", "상태", "신규 간 중복"]
    result = invoke("link", str(LINK / "new.csv"), str(LINK / "existing.xlsx"), "-q", "--lang", "en", "-o", str(tmp_path / "e.xlsx"))
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(tmp_path / "e.xlsx")
    assert book.sheetnames == ["How to use", "Summary", "Against existing", "Duplicates among new", "Existing projects"]
    assert book["Against existing"]["D2"].value == "duplicates existing"
