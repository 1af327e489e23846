"""Several files read as one survey: a folder of agency files and proposal documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskdedup.config import ColumnSpec
from taskdedup.errors import InputError
from taskdedup.input.collection import ReadOptions, agency_from_name, display_names, expand, id_prefixes, read_collection

FIXTURES = Path(__file__).parents[1] / "fixtures"
FOLDER = FIXTURES / "submissions"
DOCUMENTS = FIXTURES / "documents"
BROKEN = FIXTURES / "broken_documents"

FOLDER_ROWS = {  # file -> rows, as the fixture script wrote them
    "경기도_수요조사.xls": 2, "관세청_제안.csv": 2, "보건복지부_과제제안.xlsx": 2, "서울특별시_수요조사.csv": 2, "행정안전부_수요조사.xlsx": 3,
}


def test_agency_from_the_file_name() -> None:
    assert agency_from_name("행정안전부_수요조사.xlsx") == "행정안전부"
    assert agency_from_name("관세청.csv") == "관세청"
    assert agency_from_name("_초안.csv") == "_초안"
    assert agency_from_name(" 서울특별시 _2차.xlsx") == "서울특별시"


def test_the_folder_of_five_agencies_is_read_whole() -> None:
    table = read_collection([str(FOLDER)])
    assert dict(table.files) == FOLDER_ROWS
    frame = table.frame
    assert len(frame) == sum(FOLDER_ROWS.values())
    # every row once, with its file; the row number is the row in that file
    assert sorted(zip(frame["source_file"], frame.index)) == sorted((f, n) for f, k in FOLDER_ROWS.items() for n in range(1, k + 1))
    by_file = frame.groupby("source_file")
    assert set(by_file.get_group("관세청_제안.csv")["기관"]) == {"관세청"}  # no agency column: the file name
    assert set(by_file.get_group("서울특별시_수요조사.csv")["기관"]) == {"서울특별시"}  # CP949
    assert list(by_file.get_group("보건복지부_과제제안.xlsx")["과제명"]) == ["독거노인 응급안전 IoT 돌봄 서비스", "사회보장급여 부정수급 탐지"]  # banner rows
    assert list(by_file.get_group("경기도_수요조사.xls")["번호"]) == ["경기도_수요조사#1", "경기도_수요조사#2"]
    assert "보건복지부_과제제안.xlsx: header read from row 3 (the rows above it look like a title or group labels); --header-row N chooses another row" in table.notices
    assert "관세청_제안.csv: 2 row(s); title 과제명, agency from the file name" in table.notices


def test_agency_from_is_a_choice() -> None:
    by_name = read_collection([str(FOLDER)], ReadOptions(agency_from="filename"))
    assert set(by_name.frame["기관"]) == {"경기도", "관세청", "보건복지부", "서울특별시", "행정안전부"}
    only_columns = read_collection([str(FOLDER)], ReadOptions(agency_from="column"))
    assert set(only_columns.frame.loc[only_columns.frame["source_file"] == "관세청_제안.csv", "기관"]) == {""}
    assert "관세청_제안.csv: 2 row(s); title 과제명, agency (none)" in only_columns.notices  # not "from the file name"
    with pytest.raises(InputError, match="agency from 'folder': use one of auto, column, filename"):
        read_collection([str(FOLDER)], ReadOptions(agency_from="folder"))


def test_documents_and_tables_in_one_run() -> None:
    table = read_collection([str(FOLDER), str(DOCUMENTS)])
    assert len(table.frame) == sum(FOLDER_ROWS.values()) + 7  # six documents, one holding two forms
    assert dict(table.files)["경상북도_과제제안서.hwpx"] == 2
    assert "경상북도_과제제안서.hwpx: 2 proposal form(s); agency from the form" in table.notices


def test_a_bad_file_stops_the_run_and_names_every_reason(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(FOLDER, folder)
    shutil.copy(BROKEN / "암호문서.hwp", folder)
    (folder / "메모.png").write_bytes(b"\x89PNG\r\n")
    with pytest.raises(InputError) as caught:
        read_collection([str(folder)])
    assert str(caught.value) == (
        "2 of 7 file(s) cannot be read: 메모.png (unsupported file type '.png'; use .xlsx, .xls, .csv, .tsv, .txt, .hwpx, .hwp, .docx or .pdf); "
        "암호문서.hwp (the document is password-protected; save a copy without the password (한글: 보안 > 암호 해제)); "
        "fix or remove them, or add --skip-bad-files to go on without them"
    )
    table = read_collection([str(folder)], ReadOptions(skip_bad_files=True))
    assert len(table.frame) == sum(FOLDER_ROWS.values())
    assert [n for n in table.notices if n.startswith("skipped")] == [
        "skipped 메모.png (unsupported file type '.png'; use .xlsx, .xls, .csv, .tsv, .txt, .hwpx, .hwp, .docx or .pdf)",
        "skipped 암호문서.hwp (the document is password-protected; save a copy without the password (한글: 보안 > 암호 해제))",
    ]


def test_every_broken_document_gives_its_reason() -> None:
    with pytest.raises(InputError) as caught:
        read_collection([str(BROKEN)], ReadOptions(skip_bad_files=True))
    assert str(caught.value) == (
        "no file could be read: 스캔본.pdf (the PDF has no text layer (a scanned page?); export it from the original document, or run OCR on it first); "
        "암호문서.hwp (the document is password-protected; save a copy without the password (한글: 보안 > 암호 해제)); "
        "잘린파일.hwpx (the HWPX file is cut short or damaged (its zip cannot be opened); save it again from 한글)"
    )


def test_a_file_whose_columns_cannot_be_found_is_a_bad_file(tmp_path: Path) -> None:
    (tmp_path / "a_기관.csv").write_text("연번,과제명\n1,민원 챗봇\n", encoding="utf-8")
    (tmp_path / "b_기관.csv").write_text("연번,비고\n1,없음\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^1 of 2 file\(s\) cannot be read: b_기관.csv \(no title or description column found among '연번', '비고'"):
        read_collection([str(tmp_path)])
    # the user's column choice applies to each file
    with pytest.raises(InputError, match="no column '제목' for --text-col"):
        read_collection([str(tmp_path / "a_기관.csv")], ReadOptions(columns=ColumnSpec(text_cols=("제목",))))


def test_hidden_and_lock_files_are_passed_over_and_said(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x_기관.csv").write_text("과제명\n민원 챗봇\n", encoding="utf-8")
    (tmp_path / "~$x_기관.xlsx").write_bytes(b"lock")
    (tmp_path / ".DS_Store").write_bytes(b"\0")
    paths, passed_over = expand([str(tmp_path)])
    assert [p.name for p in paths] == ["x_기관.csv"] and passed_over == 2
    table = read_collection([str(tmp_path)])
    assert table.notices[-1] == "2 hidden or lock file(s) in the folders passed over (names starting with '.' or '~$')"


def test_paths_globs_and_their_errors(tmp_path: Path) -> None:
    for name in ("b_기관.csv", "a_기관.csv"):
        (tmp_path / name).write_text("과제명\n민원 챗봇\n", encoding="utf-8")
    paths, _ = expand([str(tmp_path / "*.csv"), str(tmp_path / "a_기관.csv")])
    assert [p.name for p in paths] == ["a_기관.csv", "b_기관.csv"]  # each once
    with pytest.raises(InputError, match=r"\*.xlsx: no file matches; check the pattern"):
        expand([str(tmp_path / "*.xlsx")])
    with pytest.raises(InputError, match="없음.csv: no such file; check the path"):
        expand([str(tmp_path / "없음.csv")])
    (tmp_path / "빈폴더").mkdir()
    with pytest.raises(InputError, match="빈폴더: the folder holds no files"):
        expand([str(tmp_path / "빈폴더")])


def test_names_and_ids_stay_apart_when_two_files_share_a_name() -> None:
    paths = [Path("부산/수요조사.xlsx"), Path("대구/수요조사.xlsx"), Path("대구/기타.csv")]
    assert display_names(paths) == ["부산/수요조사.xlsx", "대구/수요조사.xlsx", "대구/기타.csv"]
    assert id_prefixes(["a.csv", "a.xlsx", "b.csv"]) == ["a.csv", "a.xlsx", "b"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.permutations(sorted(FOLDER_ROWS)))
def test_the_order_files_are_named_in_changes_nothing(order: list[str]) -> None:
    table = read_collection([str(FOLDER / name) for name in order])
    baseline = read_collection([str(FOLDER)])
    assert sorted(map(tuple, table.frame.itertuples())) == sorted(map(tuple, baseline.frame.itertuples()))


def test_taskdedup_outputs_in_the_folder_are_bad_files_not_submissions(tmp_path: Path) -> None:
    from taskdedup.config import Settings
    from taskdedup.output.csvfile import to_csv
    from taskdedup.output.workbook import to_xlsx
    from taskdedup.pipeline import run

    shutil.copy(FOLDER / "관세청_제안.csv", tmp_path)
    result = run(read_collection([str(tmp_path)]), Settings(similarity="lexical"))
    (tmp_path / "review.xlsx").write_bytes(to_xlsx(result))
    (tmp_path / "members.csv").write_bytes(to_csv(result, "ko"))
    with pytest.raises(InputError) as caught:
        read_collection([str(tmp_path)])
    reason = "an output of taskdedup (a review workbook or export), not a submission; move it out of the input folder"
    assert str(caught.value).startswith(f"2 of 3 file(s) cannot be read: members.csv ({reason}); review.xlsx ({reason}); ")
