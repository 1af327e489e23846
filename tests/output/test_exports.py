import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from taskdedup.config import Settings
from taskdedup.input.tables import read_table
from taskdedup.output.csvfile import to_csv
from taskdedup.output.jsonfile import to_json
from taskdedup.output.records import MEMBER_COLUMNS, neutralise
from taskdedup.output.workbook import to_xlsx
from taskdedup.pipeline import run


@pytest.fixture(scope="module")
def result():
    fixtures = Path(__file__).parents[1] / "fixtures"
    return run(read_table(str(fixtures / "blank_text.csv")), Settings())


@pytest.fixture(scope="module")
def formula_result():
    fixtures = Path(__file__).parents[1] / "fixtures"
    return run(read_table(str(fixtures / "formula.csv")), Settings())


@pytest.mark.parametrize(
    ("text", "safe"),
    [("=1+2", "'=1+2"), ("+82", "'+82"), ("-5", "'-5"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("민원", "민원"), ("a=b", "a=b")],
)
def test_neutralise(text: str, safe: str) -> None:
    assert neutralise(text) == safe


def test_csv_members_table(result) -> None:
    data = to_csv(result)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert tuple(frame.columns) == MEMBER_COLUMNS
    assert len(frame) == 4
    assert set(frame["agency"]) == {"행정안전부", "서울특별시", "경기도", "부산광역시"}
    skipped = frame[frame["status"].str.startswith("skipped")]
    assert skipped[["row_id", "cluster_id", "status"]].values.tolist() == [
        ["6", "", "skipped: empty text"],
        ["7", "", "skipped: no words in text"],
    ]


def test_csv_neutralises_formulas(formula_result) -> None:
    frame = pd.read_csv(io.BytesIO(to_csv(formula_result)), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert sorted(frame["agency"]) == ["'=HYPERLINK(\"http://example.invalid\")", "'@행정안전부"]
    assert sorted(frame["title"]) == ["'+민원 상담 챗봇 도입", "'=1+2 민원 상담 챗봇"]


def test_xlsx_sheets_headers_and_layout(result) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(result)))
    assert wb.sheetnames == ["요약", "병합제안", "과제목록", "주제", "유사쌍", "라벨 요청"]
    members = wb["과제목록"]
    assert [c.value for c in members[1]][:6] == ["제안번호", "과제 수", "유형", "주제번호", "번호", "행"]
    assert members.freeze_panes == "A2"
    assert members.auto_filter.ref == "A1:N5"
    assert members.max_row == 5
    proposals = wb["병합제안"]
    assert [c.value for c in proposals[1]][:3] == ["제안번호", "제안 키", "유형"]
    assert proposals["C2"].value == "기관 간 중복"
    assert 40 <= proposals.column_dimensions["G"].width < 41  # Excel shows 40: the file stores it with the cell padding
    summary = {row[0].value: row[1].value for row in wb["요약"].iter_rows(min_row=2)}
    assert summary["읽은 과제 수"] == 4 and summary["제외된 과제 수 (내용 없음)"] == 2


def test_xlsx_keeps_formula_text_as_text(formula_result) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(formula_result)))
    cells = [c for row in wb["과제목록"].iter_rows(min_row=2) for c in row if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value for c in cells} >= {"=1+2 민원 상담 챗봇", "+민원 상담 챗봇 도입", "=HYPERLINK(\"http://example.invalid\")"}
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_json_document(result) -> None:
    doc = json.loads(to_json(result))
    assert set(doc) == {"taskdedup_version", "input", "settings", "summary", "notices", "proposals", "themes", "members"}
    assert doc["input"]["columns"] == {"text": ["과제명", "과제내용"], "id": "연번", "agency": "기관명", "field": "분야"}
    assert doc["summary"]["rows_read"] == 4 and len(doc["members"]) == 4
    assert doc["proposals"][0]["kind"] == "cross-agency"
    assert [m["row_id"] for m in doc["proposals"][0]["members"]] in (["1", "2"], ["2", "1"])


def test_review_workbook_has_decisions_lead_agency_and_near_misses() -> None:
    samples = Path(__file__).parents[2] / "data" / "samples"
    result = run(read_table(str(samples / "survey_2018.csv")), Settings())
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(result)))
    proposals = wb["병합제안"]
    headers = [c.value for c in proposals[1]]
    assert headers[-4:] == ["과제 번호 목록", "결정", "의견", "검토 상태"]
    lead = headers.index("주관 기관(제안)") + 1
    assert proposals.cell(2, lead).value == result.proposals[0].representative.submission.agency
    validation = proposals.data_validations.dataValidation[0]
    assert validation.formula1 == '"병합,분리,보류"' and str(validation.sqref) == f"M2:M{len(result.proposals) + 1}"
    assert validation.showErrorMessage and validation.errorStyle in (None, "stop")  # Excel refuses anything else typed in
    pairs = wb["유사쌍"]
    assert pairs["A1"].value == "일치 확률"
    assert pairs["A2"].value == round(result.match.probability(result.near_misses[0].similarity), 4)
    assert pairs["E2"].value != pairs["I2"].value  # the two tasks sit in different proposals
    assert proposals.conditional_formatting  # similarity colours


def test_english_workbook() -> None:
    samples = Path(__file__).parents[2] / "data" / "samples"
    result = run(read_table(str(samples / "survey_2018.csv")), Settings())
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(result, "en")))
    assert wb.sheetnames == ["Summary", "Proposals", "Tasks", "Themes", "Near misses", "Please label"]
    assert [c.value for c in wb["Proposals"][1]][:3] == ["Proposal", "Proposal key", "Kind"]
    assert wb["Proposals"]["C2"].value == "cross-agency"
    assert wb["Proposals"].data_validations.dataValidation[0].formula1 == '"merge,split,hold"'
    assert wb["Tasks"]["A1"].value == "Proposal" and wb["Summary"]["A3"].value == "Rows read"


def test_proposal_keys_depend_on_members_only() -> None:
    from taskdedup.review.proposals import proposal_key

    samples = Path(__file__).parents[2] / "data" / "samples"
    table = read_table(str(samples / "survey_2018.csv"))
    a = {proposal_key(c) for c in run(table, Settings()).proposals}
    b = {proposal_key(c) for c in run(table, Settings(linkage="complete")).proposals}
    assert a & b and len(a) == len(run(table, Settings()).proposals)


def test_an_input_too_long_for_an_xlsx_sheet_fails_before_clustering(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from taskdedup import pipeline
    from taskdedup.cli import app
    from taskdedup.output import formats

    monkeypatch.setattr(formats, "XLSX_ROWS", 52)  # the sample's 52 rows and a header need 53
    monkeypatch.setattr(pipeline, "prepare", lambda *a, **k: pytest.fail("clustered before checking the output"))
    out = tmp_path / "review.xlsx"
    sample = Path(__file__).parents[2] / "data" / "samples" / "survey_2018.csv"
    result = CliRunner().invoke(app, ["cluster", str(sample), "-o", str(tmp_path / "members.csv"), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {out}: an .xlsx sheet holds 51 rows below its header and the input has 52; write .csv or .json instead\n"
    assert list(tmp_path.iterdir()) == []


def test_the_summary_sheet_says_whether_embeddings_were_used(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from taskdedup.cli import app

    sample = Path(__file__).parents[2] / "data" / "samples" / "survey_2018.csv"
    for extra, shown, mode, weights in (
        (["--similarity", "lexical"], "(사용 안 함)", "lexical (단어 + 글자)", "0.7 · 0.3 · 0"),
        ([], "e5-small", "hybrid (단어 + 글자 + 문장 임베딩)", "0.1 · 0.1 · 0.8"),
    ):
        out = tmp_path / "r.xlsx"
        assert CliRunner().invoke(app, ["cluster", str(sample), "-q", "-o", str(out), *extra]).exit_code == 0
        rows = {r[0].value: r[1].value for r in openpyxl.load_workbook(out)["요약"].iter_rows(max_col=2)}
        assert rows["문장 임베딩"] == shown
        assert rows["유사도 방식"] == mode
        assert rows["신호 가중치 (단어 · 글자 · 임베딩)"] == weights
        assert rows["병합 임계값 (같은 과제일 확률)"] == 0.5


_CELLS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(alphabet="=+-@\t\r'a가 ;"),
    st.lists(st.text(alphabet="=+-a가"), max_size=3),
)


@given(st.one_of(st.lists(_CELLS), st.lists(st.one_of(st.none(), st.text(alphabet="=-a가"))), st.lists(st.one_of(st.none(), st.integers()))))
def test_a_column_is_converted_as_its_cells_are(column: list) -> None:
    from taskdedup.output.csvfile import csv_column, csv_row

    assert csv_column(column) == csv_row(column)


def test_the_members_csv_is_the_same_whatever_the_chunk_size(monkeypatch: pytest.MonkeyPatch) -> None:
    from taskdedup.output import csvfile

    result = run(read_table(str(Path(__file__).parents[2] / "data" / "samples" / "survey_2018.csv")), Settings())
    whole = csvfile.to_csv(result)
    monkeypatch.setattr(csvfile, "CHUNK_ROWS", 7)
    assert csvfile.to_csv(result) == whole
    assert whole.count(b"\r\n") == len(result.rows) + 1
