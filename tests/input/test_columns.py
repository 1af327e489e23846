import pytest

from taskdedup.config import ColumnSpec
from taskdedup.errors import ColumnError
from taskdedup.input.columns import resolve_columns


def test_korean_survey_headers() -> None:
    cols = resolve_columns(["연번", "기관명", "분야", "과제명", "과제내용"], ColumnSpec())
    assert (cols.id, cols.agency, cols.field, cols.text) == ("연번", "기관명", "분야", ("과제명", "과제내용"))


def test_english_headers() -> None:
    cols = resolve_columns(["id", "agency", "field", "title", "description"], ColumnSpec())
    assert (cols.id, cols.agency, cols.field, cols.text) == ("id", "agency", "field", ("title", "description"))


def test_citizen_proposal_headers_have_no_agency() -> None:
    cols = resolve_columns(["제안번호", "제안제목", "제안내용", "득표", "제안등록일자"], ColumnSpec())
    assert (cols.id, cols.agency, cols.field, cols.text) == ("제안번호", None, None, ("제안제목", "제안내용"))


def test_spacing_and_case_in_headers_are_forgiven() -> None:
    cols = resolve_columns(["과제 명", "Agency", "과제 내용(요약)"], ColumnSpec())
    assert cols.text == ("과제 명", "과제 내용(요약)")
    assert cols.agency == "Agency"


def test_id_is_not_guessed_from_a_phone_number_column() -> None:
    cols = resolve_columns(["전화번호", "과제명"], ColumnSpec())
    assert cols.id is None


def test_explicit_columns_win_and_keep_their_order() -> None:
    spec = ColumnSpec(text_cols=("과제내용", "과제명"), agency_col="분야")
    cols = resolve_columns(["연번", "기관명", "분야", "과제명", "과제내용"], spec)
    assert cols.text == ("과제내용", "과제명")
    assert cols.agency == "분야"


def test_unknown_explicit_column_lists_the_available_ones() -> None:
    with pytest.raises(ColumnError) as err:
        resolve_columns(["연번", "과제명"], ColumnSpec(agency_col="부서"))
    assert str(err.value) == "no column '부서' for --agency-col; available columns: '연번', '과제명'"


def test_no_text_column() -> None:
    with pytest.raises(ColumnError) as err:
        resolve_columns(["a", "b"], ColumnSpec())
    assert str(err.value) == (
        "no title or description column found among 'a', 'b'; name it with --text-col (repeat it to join several columns)"
    )
