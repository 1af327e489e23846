"""The battery of bad, odd and hostile inputs: each case makes its own small file(s) and says what
a run must do with them. test_battery.py runs every case through `cluster` with all four exports.

A case's `make(folder)` writes its input and returns the command-line arguments (the input path
first). `rows` is the number of data rows a successful run must put in the members CSV, each once;
`error` is a piece of the one `Error:` line a failing run must print.
"""

from __future__ import annotations

import codecs
import csv
import importlib.util
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import xlwt


def _fixture_data() -> tuple[list[str], list[list[str]]]:
    # The same five tasks as the committed fixtures (tests/fixtures/make_fixtures.py).
    spec = importlib.util.spec_from_file_location("make_fixtures", Path(__file__).parents[1] / "fixtures" / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.KO_HEADER, module.KO_ROWS


H, ROWS = _fixture_data()


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], list[str]]
    rows: int | None = None  # success: data rows in the members CSV
    error: str | None = None  # failure: a piece of the one error line
    env: dict[str, str] = field(default_factory=dict)
    slow: bool = False


def table_text(header: list[str], rows: list[list[str]], delimiter: str = ",", newline: str = "\r\n") -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def csv_file(name: str, header: list[str] = H, rows: list[list[str]] = ROWS, *, encoding: str = "utf-8", delimiter: str = ",",
             newline: str = "\r\n", prefix: bytes = b"", extra: list[str] | None = None) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        path = folder / name
        path.write_bytes(prefix + table_text(header, rows, delimiter, newline).encode(encoding))
        return [str(path), *(extra or [])]

    return make


def raw_file(name: str, data: bytes, extra: list[str] | None = None) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        (folder / name).write_bytes(data)
        return [str(folder / name), *(extra or [])]

    return make


def workbook(name: str, sheets: list[tuple[str, list[list[object]]]], *, hidden: tuple[int, ...] = (), merges: dict[int, list[str]] | None = None,
             extra: list[str] | None = None) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for k, (title, rows) in enumerate(sheets):
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
            for cells in (merges or {}).get(k, []):
                ws.merge_cells(cells)
            if k in hidden:
                ws.sheet_state = "hidden"
        path = folder / name
        wb.save(path)
        return [str(path), *(extra or [])]

    return make


def survey_xlsx(folder: Path) -> Path:
    path = folder / "survey.xlsx"
    workbook("survey.xlsx", [("수요조사", [H, *ROWS])])(folder)
    return path


def legacy_xls(folder: Path) -> list[str]:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for i, row in enumerate([H, *ROWS]):
        for j, value in enumerate(row):
            sheet.write(i, j, value)
    path = folder / "legacy.xls"
    book.save(str(path))
    return [str(path)]


def renamed(source: Callable[[Path], Path], name: str, cut: int | None = None) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        data = source(folder).read_bytes()
        (folder / name).write_bytes(data[:cut] if cut else data)
        return [str(folder / name)]

    return make


def cp949_named(folder: Path) -> list[str]:
    raw = os.fsencode(str(folder)) + b"/" + "수요조사.csv".encode("cp949")  # as unzip leaves names from a Korean Windows zip
    with open(raw, "wb") as handle:
        handle.write(table_text(H, ROWS).encode("utf-8"))
    return [os.fsdecode(raw)]


def with_config(config: str, then: Callable[[Path], list[str]] = csv_file("survey.csv")) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        (folder / "team.toml").write_text(config, encoding="utf-8")
        return ["--config", str(folder / "team.toml"), *then(folder)]

    return make


def with_lexicon(lexicon: str) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        (folder / "lexicon.toml").write_text(lexicon, encoding="utf-8")
        return [*csv_file("survey.csv")(folder), "--lexicon", str(folder / "lexicon.toml")]

    return make


def folder_input(folder: Path) -> list[str]:
    (folder / "inside").mkdir()
    return [str(folder / "inside")]


def agency_folder(folder: Path) -> list[str]:
    inside = folder / "agencies"
    inside.mkdir()
    (inside / "서울특별시_수요조사.csv").write_text(table_text(H, ROWS), encoding="utf-8")
    (inside / "부산광역시_수요조사.csv").write_text(table_text(["번호", "과제명"], [["1", "민원 상담 챗봇"], ["2", "독거노인 IoT 돌봄"]]), encoding="utf-8")
    return [str(inside)]


def agency_folder_with(data: bytes, name: str, *flags: str) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        args = agency_folder(folder)
        (Path(args[0]) / name).write_bytes(data)
        return [*args, *flags]

    return make


def rows_with(text: str, copies: int = 1) -> list[list[str]]:
    return [*ROWS, *[[str(6 + k), "경기도", "민원", text, ""] for k in range(copies)]]


BANNER = ["2018년 지능형정부 수요조사 결과"]
CONTROL = "민원\x0b상담\x0c챗봇\x1b[0m 구축\x08\x1f"
LONG = " ".join(["인공지능 기반 민원 상담 챗봇 구축 독거노인 돌봄 블록체인 부정수급 방지"] * 4_000)  # ~200 KB
WIDE = [f"col{k}" for k in range(5_000)]


CASES: list[Case] = [
    # --- text encodings and delimiters -------------------------------------------------------------
    Case("utf8", csv_file("survey.csv"), rows=5),
    Case("utf8-bom", csv_file("survey.csv", encoding="utf-8-sig"), rows=5),
    Case("cp949", csv_file("survey.csv", encoding="cp949"), rows=5),
    Case("euc-kr", csv_file("survey.csv", encoding="euc-kr"), rows=5),
    Case("bom-then-cp949", csv_file("survey.csv", encoding="cp949", prefix=codecs.BOM_UTF8), rows=5),
    Case("bom-then-garbage", raw_file("survey.csv", codecs.BOM_UTF8 + b"\xff\xfe\xfa\xfb,\x80\x81\n"), error="starts with a UTF-8 mark"),
    Case("utf16-bom-tab", csv_file("survey.txt", encoding="utf-16", delimiter="\t"), rows=5),
    Case("utf16le-no-bom", csv_file("survey.csv", encoding="utf-16-le"), error="binary file"),
    Case("latin1-english", csv_file("survey.csv", ["id", "agency", "title"], [["1", "Café Ministry", "Résumé chatbot"], ["2", "Café Ministry", "Résumé chat bot"]],
                                    encoding="latin-1"), rows=2),
    Case("semicolon", csv_file("survey.csv", delimiter=";"), rows=5),
    Case("pipe", csv_file("survey.csv", delimiter="|"), rows=5),
    Case("tsv", csv_file("survey.tsv", delimiter="\t"), rows=5),
    Case("lf-newlines", csv_file("survey.csv", newline="\n"), rows=5),
    Case("cr-newlines", csv_file("survey.csv", newline="\r"), rows=5),
    Case("no-final-newline", raw_file("survey.csv", table_text(H, ROWS).rstrip().encode()), rows=5),
    Case("quoted-newlines", csv_file("survey.csv", rows=[[*r[:3], r[3], r[4] + "\n둘째 줄, 쉼표 포함"] for r in ROWS]), rows=5),
    Case("ragged-longer-rows", raw_file("survey.csv", "연번,기관명,과제명\n1,행정안전부,챗봇\n2,경기도,챗봇,추가,또\n".encode()), error="not a well-formed table"),
    Case("ragged-shorter-rows", raw_file("survey.csv", "연번,기관명,과제명,과제내용\n1,행정안전부,민원 챗봇\n2,경기도,민원 챗봇 구축,설명\n".encode()), rows=2),
    Case("unbalanced-quote", raw_file("survey.csv", '연번,과제명\n1,"민원 챗봇\n2,돌봄 서비스\n'.encode()), error="EOF inside string"),
    Case("header-only", csv_file("survey.csv", rows=[]), error="no data rows below the header"),
    Case("empty-file", raw_file("survey.csv", b""), error="the file is empty"),
    Case("whitespace-only", raw_file("survey.csv", b"  \r\n\t\n"), error="the file is empty"),
    Case("binary-garbage", raw_file("survey.csv", bytes(range(256)) * 8), error="binary file"),
    Case("nul-in-utf8", raw_file("survey.csv", "연번,과제명\n1,민원\x00챗봇\n".encode()), error="NUL"),
    Case("forced-wrong-encoding", csv_file("survey.csv", encoding="cp949", extra=["--encoding", "utf-8"]), error="cannot decode as utf-8"),
    Case("unknown-encoding-name", csv_file("survey.csv", extra=["--encoding", "klingon"]), error="unknown encoding 'klingon'"),
    Case("forced-cp949-with-bom", csv_file("survey.csv", encoding="cp949", prefix=codecs.BOM_UTF8, extra=["--encoding", "cp949"]), rows=5),
    # --- headers and columns --------------------------------------------------------------------
    Case("english-headers", csv_file("survey.csv", ["id", "agency", "field", "title", "description"]), rows=5),
    Case("spaced-headers", csv_file("survey.csv", ["연 번", "기관 명", "분야", "과제 명", "과제 내용"]), rows=5),
    Case("duplicate-headers", csv_file("survey.csv", ["연번", "기관명", "분야", "과제명", "과제명"]), rows=5),
    Case("empty-header-cells", csv_file("survey.csv", ["연번", "", "분야", "과제명", ""]), rows=5),
    Case("no-text-column", csv_file("survey.csv", ["a", "b", "c", "d", "e"]), error="no title or description column"),
    Case("five-thousand-columns", csv_file("wide.csv", WIDE, [[str(k) for k in range(5_000)]]), error="and 4980 more"),
    Case("banner-row", csv_file("survey.csv", BANNER, [[], H, *ROWS]), rows=5),
    Case("banner-no-blank", csv_file("survey.csv", BANNER, [H, *ROWS]), rows=5),
    Case("header-row-option", csv_file("survey.csv", ["메모"], [["작성: 디지털정부국"], H, *ROWS], extra=["--header-row", "3"]), rows=5),
    Case("header-row-past-end", csv_file("survey.csv", extra=["--header-row", "40"]), error="--header-row 40 is past the last row"),
    Case("text-col-missing", csv_file("survey.csv", extra=["--text-col", "제목"]), error="no column '제목' for --text-col"),
    Case("id-col-missing", csv_file("survey.csv", extra=["--id-col", "관리번호"]), error="no column '관리번호' for --id-col"),
    Case("duplicate-ids", csv_file("survey.csv", rows=[[ "1", *r[1:]] for r in ROWS]), rows=5),
    # --- cell contents ----------------------------------------------------------------------------
    Case("all-text-empty", csv_file("survey.csv", rows=[[r[0], r[1], r[2], "", " "] for r in ROWS]), error="no row has text to compare"),
    Case("some-text-empty", csv_file("survey.csv", rows=[*ROWS, ["6", "경기도", "민원", "", ""]]), rows=6),
    Case("blank-rows-between", csv_file("survey.csv", rows=[ROWS[0], ["", "", "", "", ""], *ROWS[1:], ["", "", "", "", ""]]), rows=5),
    Case("punctuation-only-row", csv_file("survey.csv", rows=rows_with("?!… ---")), rows=6),
    Case("numbers-only-title", csv_file("survey.csv", rows=rows_with("2018 2019")), rows=6),
    Case("emoji", csv_file("survey.csv", rows=rows_with("민원 챗봇 🤖🚀 구축")), rows=6),
    Case("control-characters", csv_file("survey.csv", rows=rows_with(CONTROL)), rows=6),
    Case("html-markup", csv_file("survey.csv", rows=rows_with("<script>alert(1)</script><b>민원</b> 챗봇 &amp; 상담")), rows=6),
    Case("formula-injection", csv_file("survey.csv", rows=rows_with('=HYPERLINK("http://example.invalid","x") 민원 챗봇')), rows=6),
    Case("dde-payload", csv_file("survey.csv", rows=rows_with("@SUM(1+1)*cmd|' /C calc'!A0")), rows=6),
    Case("fullwidth-and-hanja", csv_file("survey.csv", rows=rows_with("ＡＩ 民願 상담 챗봇")), rows=6),
    Case("zero-width-and-nbsp", csv_file("survey.csv", rows=rows_with("민원\u200b상담\u00a0챗봇\ufeff")), rows=6),
    Case("other-scripts", csv_file("survey.csv", rows=rows_with("مرحبا שלום Привет 民原")), rows=6),
    Case("long-cell-200kb", csv_file("survey.csv", rows=rows_with(LONG)), rows=6),
    Case("long-cell-1mb", csv_file("survey.csv", rows=rows_with(LONG * 5)), rows=6, slow=True),
    Case("single-row", csv_file("survey.csv", rows=ROWS[:1]), rows=1),
    Case("two-identical-rows", csv_file("survey.csv", rows=[ROWS[0], ["2", *ROWS[0][1:]]]), rows=2),
    Case("hundred-identical-rows", csv_file("survey.csv", rows=[[str(k), "경기도", "민원", "민원 챗봇", ""] for k in range(100)]), rows=100),
    Case("identical-rows-sparse-path", csv_file("survey.csv", rows=[[str(k), f"기관{k % 9}", "민원", "민원 챗봇 구축", ""] for k in range(2_500)]),
         rows=2_500, slow=True),
    Case("only-one-distinct-text-with-decoys", csv_file("survey.csv", rows=[*ROWS, *[[str(9 + k), "", "", "…", ""] for k in range(3)]]), rows=8),
    # --- files and names --------------------------------------------------------------------------
    Case("name-with-spaces", csv_file("수요 조사 결과 (최종).csv"), rows=5),
    Case("name-in-cp949-bytes", cp949_named, rows=5),
    Case("no-extension", raw_file("survey", table_text(H, ROWS).encode()), error="unsupported file type '(none)'"),
    Case("pdf-extension", raw_file("survey.pdf", b"%PDF-1.4\n"), error="not a readable PDF"),
    Case("png-extension", raw_file("survey.png", b"\x89PNG\r\n"), error="unsupported file type '.png'"),
    Case("an-empty-folder", folder_input, error="the folder holds no files"),
    Case("a-folder-of-two-agencies", agency_folder, rows=7),
    Case("a-folder-with-a-broken-file", agency_folder_with(b"PK\x03\x04cut", "잘린.docx"), error="1 of 3 file(s) cannot be read: 잘린.docx"),
    Case("a-folder-with-a-broken-file-skipped", agency_folder_with(b"PK\x03\x04cut", "잘린.docx", "--skip-bad-files"), rows=7),
    Case("missing-file", lambda folder: [str(folder / "nope.csv")], error="no such file"),
    Case("xlsx-named-csv", renamed(survey_xlsx, "survey.csv"), error="Excel workbook saved with a '.csv' name"),
    # --- workbooks ---------------------------------------------------------------------------------
    Case("xlsx", workbook("survey.xlsx", [("수요조사", [H, *ROWS])]), rows=5),
    Case("xlsm", renamed(survey_xlsx, "survey.xlsm"), rows=5),
    Case("xls", legacy_xls, rows=5),
    Case("xlsx-banner-blank", workbook("survey.xlsx", [("s", [BANNER, [], H, *ROWS])], merges={0: ["A1:E1"]}), rows=5),
    Case("xlsx-banner", workbook("survey.xlsx", [("s", [BANNER, H, *ROWS])]), rows=5),
    Case("xlsx-two-row-header", workbook("survey.xlsx", [("s", [["연번", "기관명", "분야", "과제 정보", None], [None, None, None, "과제명", "과제내용"], *ROWS])],
                                         merges={0: ["A1:A2", "B1:B2", "C1:C2", "D1:E1"]}), rows=5),
    Case("xlsx-group-labels", workbook("survey.xlsx", [("s", [["기본 정보", None, None, "과제", None], H, *ROWS])], merges={0: ["A1:C1", "D1:E1"]}), rows=5),
    Case("xlsx-hidden-first-sheet", workbook("survey.xlsx", [("원본", [["번호", "과제명"], ["1", "숨은 과제"]]), ("수요조사", [H, *ROWS])], hidden=(0,)), rows=5),
    Case("xlsx-cover-page", workbook("survey.xlsx", [("표지", [["2018년 수요조사"], ["디지털정부국"]]), ("결과", [H, *ROWS])]), rows=5),
    Case("xlsx-only-a-cover", workbook("survey.xlsx", [("표지", [["2018년 수요조사"], ["디지털정부국"]])]), error="no title or description column"),
    Case("xlsx-cover-and-odd-sheet", workbook("survey.xlsx", [("표지", [["안내"]]), ("자료", [["a", "b"], ["1", "2"]])]), error="the workbook also has '자료'"),
    Case("xlsx-formulas-without-values", workbook("survey.xlsx", [("s", [[*H, "원문"], *[[*r[:3], f"=F{k}", r[4], r[3]] for k, r in enumerate(ROWS, start=2)]])]), rows=5),
    Case("xlsx-all-text-formulas", workbook("survey.xlsx", [("s", [["연번", "과제명", "원문"], *[[r[0], f"=C{k}", r[3]] for k, r in enumerate(ROWS, start=2)]])],
                                            extra=["--text-col", "과제명"]), error="formula cell(s) have no saved value"),
    Case("xlsx-numbers-and-dates", workbook("survey.xlsx", [("s", [H, *[[int(r[0]), r[1], 3.5, r[3], __import__("datetime").date(2018, 5, 1)] for r in ROWS]])]), rows=5),
    Case("xlsx-merged-data-cells", workbook("survey.xlsx", [("s", [H, *ROWS])], merges={0: ["B2:B3"]}), rows=5),
    # Excel writes control characters as _xHHHH_ escapes (and a literal "_x" as _x005F_x)
    Case("xlsx-control-characters", workbook("survey.xlsx", [("s", [H, *ROWS, ["6", "경기도", "민원", "민원_x000B_상담_x001B_챗봇 _x005F_x0041_", ""]])]), rows=6),
    Case("xlsx-long-cell", workbook("survey.xlsx", [("s", [H, *ROWS, ["6", "경기도", "민원", LONG[:32_000], ""]])]), rows=6),
    Case("xlsx-empty-workbook", workbook("survey.xlsx", [("s", [])]), error="is empty"),
    Case("xlsx-header-only", workbook("survey.xlsx", [("s", [H])]), error="no data rows below the header"),
    Case("xlsx-sheet-by-number", workbook("survey.xlsx", [("안내", [["x"]]), ("과제", [H, *ROWS])], extra=["--sheet", "2"]), rows=5),
    Case("xlsx-sheet-out-of-range", workbook("survey.xlsx", [("과제", [H, *ROWS])], extra=["--sheet", "3"]), error="no sheet '3'"),
    Case("xlsx-named-xls", renamed(survey_xlsx, "survey.xls"), error="an .xlsx workbook with an .xls name"),
    Case("ole-named-xlsx", raw_file("survey.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), error="password-protected or in the old .xls format"),
    Case("xlsx-truncated", renamed(survey_xlsx, "cut.xlsx", cut=900), error="not a valid Excel workbook"),
    Case("zip-not-workbook", raw_file("survey.xlsx", b"PK\x05\x06" + b"\0" * 18), error="not a valid Excel workbook"),
    Case("text-named-xlsx", raw_file("survey.xlsx", table_text(H, ROWS).encode()), error="not a valid Excel workbook"),
    # --- configuration and lexicon ----------------------------------------------------------------
    Case("config-threshold-word", with_config('threshold = "high"'), error="threshold = 'high' is not valid"),
    Case("config-text-col-string", with_config('text-col = "과제명"'), rows=5),
    Case("config-lexicon-number", with_config("lexicon = 5"), error="lexicon = 5 is not valid"),
    Case("config-jobs-zero", with_config("jobs = 0"), error="jobs = 0 is not valid"),
    Case("config-not-toml", with_config("threshold = = 0.3"), error="not valid TOML"),
    Case("config-unknown-key", with_config("thresold = 0.3"), error="unknown option 'thresold'"),
    Case("lexicon-variant-as-string", with_lexicon('[concepts]\n"챗봇" = "채팅봇"\n'), rows=5),
    Case("lexicon-not-toml", with_lexicon("[concepts\n"), error="not valid TOML"),
    Case("lexicon-variants-as-number", with_lexicon('[concepts]\n"챗봇" = 5\n'), error="not a lexicon"),
]
