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
    assert wb.sheetnames == ["사용법", "요약", "병합제안", "과제목록", "주제", "유사쌍", "라벨 요청"]
    assert wb.active.title == "요약"
    members = wb["과제목록"]
    assert [c.value for c in members[1]][:8] == ["제안번호", "번호", "과제명", "기관", "대표", "대표와 일치 확률", "과제내용", "제외"]
    assert members.freeze_panes == "D2"  # the proposal, the id and the title stay in view
    assert members.print_area == "'과제목록'!$A$1:$G$5"
    assert members.auto_filter.ref == "A1:O5"
    assert members.max_row == 5
    proposals = wb["병합제안"]
    assert [c.value for c in proposals[1]][:4] == ["제안번호", "대표 과제", "과제 보기", "결정"]
    assert proposals.freeze_panes == "C2"
    assert proposals.print_area == "'병합제안'!$A$1:$J$2"
    assert proposals["F2"].value == "기관 간 중복"
    assert 40 <= proposals.column_dimensions["B"].width < 41  # Excel shows 40: the file stores it with the cell padding
    summary = {row[0].value: row[1].value for row in wb["요약"].iter_rows(min_row=2)}
    assert summary["읽은 과제 수"] == 4 and summary["제외된 과제 수 (내용 없음)"] == 2
    assert summary["실행 날짜"] == "기록 안 함 (--run-date로 지정)" and summary["실행 명령"] == "(라이브러리에서 실행)"


def test_each_proposal_links_to_its_first_member_row(result) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(result)))
    proposals, members = wb["병합제안"], wb["과제목록"]
    for r in range(2, proposals.max_row + 1):
        link = proposals.cell(r, 3).hyperlink
        assert link is not None and link.location.startswith("'과제목록'!A")
        target = int(link.location.rsplit("A", 1)[1])
        assert members.cell(target, 1).value == proposals.cell(r, 1).value  # the proposal's number
        assert members.cell(target - 1, 1).value != proposals.cell(r, 1).value  # and its first row
    assert openpyxl.load_workbook(io.BytesIO(to_xlsx(result, "en")))["Proposals"]["C2"].hyperlink.location.startswith("'Tasks'!A")


def test_wrapped_rows_get_the_height_their_text_needs() -> None:
    samples = Path(__file__).parents[2] / "data" / "samples"
    result = run(read_table(str(samples / "survey_2018.csv")), Settings())
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx(result)))["과제목록"]
    headers = [c.value for c in ws[1]]
    description = headers.index("과제내용") + 1
    for r in range(2, ws.max_row + 1):
        text = ws.cell(r, description).value or ""
        height = ws.row_dimensions[r].height
        # A description wider than its column (about two columns per Hangul) gets more than one line.
        if (len(text.encode()) + len(text)) // 2 > 60:
            assert height is not None and height >= 30, (r, text)
        if height is not None:
            assert height <= 15 * 12


def test_run_metadata_in_the_summary_and_the_document_properties() -> None:
    from taskdedup.pipeline import RunInfo

    samples = Path(__file__).parents[2] / "data" / "samples"
    result = run(read_table(str(samples / "survey_2018.csv")), Settings())
    result.run = RunInfo(command="taskdedup cluster survey_2018.csv -o review.xlsx", date="2026-12-01")
    data = to_xlsx(result)
    assert data == to_xlsx(result)  # the date is a setting: the same one gives the same bytes
    wb = openpyxl.load_workbook(io.BytesIO(data))
    summary = {row[0].value: row[1].value for row in wb["요약"].iter_rows(min_row=2)}
    assert summary["실행 날짜"] == "2026-12-01" and summary["실행 명령"] == "taskdedup cluster survey_2018.csv -o review.xlsx"
    assert wb.properties.created.date().isoformat() == "2026-12-01"
    assert wb.properties.description == "taskdedup cluster survey_2018.csv -o review.xlsx"
    assert wb.properties.title == "taskdedup 검토: survey_2018.csv"


def test_the_colour_scale_runs_white_to_green_with_no_red(result) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(result)))
    for name in ("병합제안", "과제목록", "유사쌍", "라벨 요청"):
        rules = [rule for cf in wb[name].conditional_formatting for rule in cf.rules]
        assert rules and all(rule.colorScale is not None for rule in rules)
        colours = [c.rgb for rule in rules for c in rule.colorScale.color]
        assert colours == ["FFFFFFFF", "FF63BE7B"] * len(rules), name


def test_html_character_references_are_read_as_characters(tmp_path: Path) -> None:
    survey = tmp_path / "web.csv"
    survey.write_text(
        "번호,제목,내용\n1,&lt;청년&gt; 주거 지원 확대,청년&#39;s 월세 지원&nbsp;확대\n2,청년 주거 지원 확대,청년 월세 지원 &amp; 확대\n",
        encoding="utf-8",
    )
    result = run(read_table(str(survey)), Settings(similarity="lexical"))
    titles = {r.submission.row_id: (r.submission.title, r.submission.description) for r in result.rows}
    assert titles == {"1": ("<청년> 주거 지원 확대", "청년's 월세 지원 확대"), "2": ("청년 주거 지원 확대", "청년 월세 지원 & 확대")}
    assert "3 cell(s) held HTML markup or character references (<p>, &quot;, &nbsp; ...): read as the text a web page shows" in result.notices


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
    assert headers[3:5] == ["결정", "의견"] and "검토 상태" in headers and "과제 번호 목록" in headers
    lead = headers.index("주관 기관(제안)") + 1
    assert proposals.cell(2, lead).value == result.proposals[0].representative.submission.agency
    validation = proposals.data_validations.dataValidation[0]
    assert validation.formula1 == '"병합,분리,보류"' and str(validation.sqref) == f"D2:D{len(result.proposals) + 1}"
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
    assert wb.sheetnames == ["How to use", "Summary", "Proposals", "Tasks", "Themes", "Near misses", "Please label"]
    assert [c.value for c in wb["Proposals"][1]][:4] == ["Proposal", "Representative task", "Open", "Decision"]
    assert wb["Proposals"]["F2"].value == "cross-agency"
    assert all(isinstance(v, str) and v.isascii() for row in wb["How to use"].iter_rows(values_only=True) for v in row if v)
    assert wb["Tasks"]["H1"].value == "Exclude" and wb["Tasks"].data_validations.dataValidation[0].formula1 == '"exclude"'
    assert wb["Summary"]["A3"].value == "Command"
    assert wb["Proposals"].data_validations.dataValidation[0].formula1 == '"merge,split,hold"'
    assert wb["Tasks"]["A1"].value == "Proposal" and wb["Summary"]["A5"].value == "Rows read"


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
    st.lists(st.text(alphabet="=+-a가"), max_size=3), st.tuples(st.text(alphabet="=+-a가"), st.text(alphabet="a가")),
)


@given(st.one_of(st.lists(_CELLS), st.lists(st.one_of(st.none(), st.text(alphabet="=-a가"))), st.lists(st.one_of(st.none(), st.integers())),
                 st.lists(st.one_of(st.none(), st.sampled_from([0.5, 1.0, 0.1234, 1e-05]))), st.lists(st.tuples(st.text(alphabet="=a가")))))
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


_FIELDS = st.text(alphabet=st.sampled_from(list(',"\r\n\x00 \t\'=;ab가')) | st.characters(exclude_categories=("Cs",)), max_size=6)  # text, not lone surrogates


@given(st.integers(1, 4).flatmap(lambda width: st.lists(st.lists(_FIELDS, min_size=width, max_size=width), max_size=6)), st.integers(1, 4))
def test_the_members_csv_text_is_what_the_csv_module_writes(rows: list[list[str]], width: int) -> None:
    from taskdedup.output.csvfile import _csv_columns, _csv_text

    width = len(rows[0]) if rows else width
    columns = [[row[j] for row in rows] for j in range(width)]
    assert _csv_columns(columns) == _csv_text(rows)
