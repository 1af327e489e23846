from pathlib import Path

import pytest

from taskdedup.errors import InputError
from taskdedup.input.delimited import decode_text
from taskdedup.input.tables import read_table

KO_HEADER = ["연번", "기관명", "분야", "과제명", "과제내용"]


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter"),
    [
        ("survey_utf8.csv", "utf-8", ","),
        ("survey_utf8_bom.csv", "utf-8-sig", ","),
        ("survey_cp949.csv", "cp949", ","),
        ("survey_semicolon.txt", "utf-8", ";"),
        ("survey.tsv", "utf-8", "\t"),
        ("survey_utf16.txt", "utf-16", "\t"),
    ],
)
def test_text_tables_in_every_encoding_and_delimiter(fixtures: Path, name: str, encoding: str, delimiter: str) -> None:
    table = read_table(str(fixtures / name))
    assert list(table.frame.columns) == KO_HEADER
    assert (table.encoding, table.delimiter) == (encoding, delimiter)
    assert len(table.frame) == 5
    assert table.frame.iloc[0]["기관명"] == "행정안전부"
    assert table.frame.index.tolist() == [1, 2, 3, 4, 5]


def test_forced_encoding(fixtures: Path) -> None:
    table = read_table(str(fixtures / "survey_cp949.csv"), encoding="euc-kr")
    assert table.frame.iloc[1]["기관명"] == "서울특별시"


def test_wrong_forced_encoding_says_how_to_fix(fixtures: Path) -> None:
    with pytest.raises(InputError, match=r"cannot decode as utf-8 \(byte \d+\); try another --encoding"):
        read_table(str(fixtures / "survey_cp949.csv"), encoding="utf-8")


def test_unknown_encoding_name() -> None:
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        decode_text(b"a", "x", "klingon")


def test_xlsx_default_sheet_and_numbers_as_text(fixtures: Path) -> None:
    table = read_table(str(fixtures / "survey.xlsx"))
    assert table.sheet == "과제목록"
    assert table.frame["id"].tolist() == ["1", "2", "3", "4", "5"]


def test_sheet_by_name_and_number(fixtures: Path) -> None:
    by_name = read_table(str(fixtures / "two_sheets.xlsx"), sheet="과제목록")
    by_number = read_table(str(fixtures / "two_sheets.xlsx"), sheet="2")
    assert by_name.frame.equals(by_number.frame)
    assert len(by_name.frame) == 5 and by_name.blank_rows == 0


def test_unknown_sheet_lists_the_sheets(fixtures: Path) -> None:
    with pytest.raises(InputError) as err:
        read_table(str(fixtures / "two_sheets.xlsx"), sheet="Sheet9")
    assert str(err.value).endswith("no sheet 'Sheet9'; available sheets: '안내', '과제목록' (or a number from 1 to 2)")


def test_legacy_xls(fixtures: Path) -> None:
    table = read_table(str(fixtures / "legacy.xls"))
    assert list(table.frame.columns) == KO_HEADER
    assert table.frame["연번"].tolist() == ["1", "2", "3", "4", "5"]


def test_blank_rows_are_counted_not_silently_dropped(fixtures: Path) -> None:
    table = read_table(str(fixtures / "blank_text.csv"))
    assert table.blank_rows == 1
    assert len(table.frame) == 4
    assert table.frame.index.tolist() == [1, 2, 3, 5]  # row numbers still point into the file


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.csv", "no such file; check the path"),
        ("empty.csv", "the file is empty; export the survey with a header row and data"),
        ("binary.csv", "looks like a binary file, not text; export the survey as .csv or .xlsx"),
        ("notes.docx", "unsupported file type '.docx'; use .xlsx, .xls, .csv, .tsv or .txt"),
        ("not_a_workbook.xlsx", "not a valid Excel workbook (the file is not .xlsx inside); open it and save it as .xlsx"),
        ("workbook_named.csv", "this is an Excel workbook saved with a '.csv' name; rename it to .xlsx (or .xls)"),
        ("ragged.csv", "not a well-formed table (Error tokenizing data. C error: Expected 3 fields in line 3, saw 5); "
                       "check quoting and delimiters on that line"),
    ],
)
def test_broken_inputs(fixtures: Path, name: str, message: str) -> None:
    path = fixtures / name
    with pytest.raises(InputError) as err:
        read_table(str(path))
    assert str(err.value) == f"{path}: {message}"


def test_zip_that_is_not_a_workbook(fixtures: Path) -> None:
    with pytest.raises(InputError, match="not a valid Excel workbook"):
        read_table(str(fixtures / "zip_not_workbook.xlsx"))


def test_directory_as_input(fixtures: Path) -> None:
    with pytest.raises(InputError, match="is a directory, not a file"):
        read_table(str(fixtures))


def test_a_web_exported_workbook_without_default_style_reads_silently(tmp_path: Path) -> None:
    """Such exports (Seoul's open-data proposals are one) made openpyxl print a UserWarning
    that means nothing to an analyst."""
    import re
    import warnings
    import zipfile

    sample = Path(__file__).parents[2] / "data" / "samples" / "survey_2018.xlsx"
    exported = tmp_path / "exported.xlsx"
    with zipfile.ZipFile(sample) as source, zipfile.ZipFile(exported, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/styles.xml":  # no named cell styles: openpyxl's "no default style"
                data = re.sub(rb"<cellStyles.*?</cellStyles>|<cellStyles[^>]*/>", b"", data, flags=re.S)
            target.writestr(item, data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = read_table(str(exported))
    assert len(table.frame) == 52
    assert [str(w.message) for w in caught] == []
