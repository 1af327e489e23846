"""Result -> the bytes of each export format (.csv, .xlsx, .json). Writing them is io.py's job.

Everything here is deterministic: no timings, no dates, file name without its folder, floats
rounded, so the same input gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import json
import re
import weakref
import zipfile
from collections.abc import Callable
from copy import copy
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from taskdedup import __version__
from taskdedup.decisions import HOLD, MERGE, SPLIT, Applied, Decided
from taskdedup.errors import OutputError
from taskdedup.evaluate import Evaluation
from taskdedup.explain import Explanation
from taskdedup.pipeline import Result, RowOutcome
from taskdedup.propose import CROSS_AGENCY, SAME_AGENCY, SINGLETON, UNATTRIBUTED, Cluster, proposal_key
from taskdedup.themes import Theme
from taskdedup.tune import Tuning

DIGITS = 4
EXPORT_SUFFIXES = (".csv", ".xlsx", ".json", ".html")
# A spreadsheet runs text starting with these as a formula (CSV injection); OWASP's list.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

MEMBER_COLUMNS = (
    "cluster_id", "cluster_size", "kind", "theme_id", "row_id", "row_number", "agency", "field", "title",
    "representative", "similarity_to_representative", "shared_terms", "status",
)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
KIND_KO = {CROSS_AGENCY: "기관 간 중복", SAME_AGENCY: "기관 내 중복", UNATTRIBUTED: "기관 미상", SINGLETON: "단독"}


def neutralise(value: str) -> str:
    """Prefix formula-like text with an apostrophe so a spreadsheet shows it instead of running it."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _round(x: float) -> float:
    return round(float(x), DIGITS)


def _member_record(row: RowOutcome) -> dict[str, Any]:
    s, c, m = row.submission, row.cluster, row.member
    return {
        "cluster_id": c.cluster_id if c else None,
        "cluster_size": c.size if c else None,
        "kind": c.kind if c else None,
        "theme_id": row.theme.theme_id if row.theme else None,
        "row_id": s.row_id,
        "row_number": s.row_number,
        "agency": s.agency,
        "field": s.field,
        "title": s.title,
        "representative": bool(c and m and m is c.representative and c.is_proposal),
        "similarity_to_representative": _round(m.similarity) if m else None,
        "shared_terms": list(m.shared_terms) if m else [],
        "status": row.status,
    }


def _proposal_record(c: Cluster, earlier: Decided | None = None) -> dict[str, Any]:
    rep = c.representative.submission
    return {
        "cluster_id": c.cluster_id,
        "key": proposal_key(c),
        "earlier_decision": {"decision": earlier.decision, "key": earlier.key, "comment": earlier.comment} if earlier else None,
        "kind": c.kind,
        "size": c.size,
        "agency_count": len(c.agencies),
        "agencies": list(c.agencies),
        "representative": {"row_id": rep.row_id, "agency": rep.agency, "title": rep.title},
        "keywords": list(c.keywords),
        "cohesion": _round(c.cohesion),
        "weakest_member": (
            {"row_id": c.weakest.submission.row_id, "mean_similarity": _round(c.weakest.mean_similarity)} if c.weakest else None
        ),
        "members": [
            {
                "row_id": m.submission.row_id,
                "row_number": m.submission.row_number,
                "agency": m.submission.agency,
                "field": m.submission.field,
                "title": m.submission.title,
                "similarity_to_representative": _round(m.similarity),
                "shared_terms": list(m.shared_terms),
            }
            for m in c.members
        ],
    }


def _theme_record(t: Theme) -> dict[str, Any]:
    return {
        "theme_id": t.theme_id,
        "size": t.size,
        "agency_count": len(t.agencies),
        "agencies": list(t.agencies),
        "keywords": list(t.keywords),
        "clusters": [c.cluster_id for c in t.clusters],
        "proposals": [c.cluster_id for c in t.proposals],
    }


def result_to_dict(result: Result, *, rows: bool = True) -> dict[str, Any]:
    """The whole result; `rows=False` leaves out proposals' and members' records (for the summary sheet)."""
    s = result.summary
    cols = result.columns
    return {
        "taskdedup_version": __version__,
        "input": {
            "file": Path(result.source).name,
            "columns": {"text": list(cols.text), "id": cols.id, "agency": cols.agency, "field": cols.field},
        },
        "settings": {
            "tokenizer": result.settings.tokenizer,
            "tokenizer_version": result.tokenizer_version,
            "threshold": result.settings.threshold,
            "theme_threshold": result.settings.themes_at,
            "linkage": result.settings.linkage,
            "lexicon": {"entries": len(result.settings.lexicon), "fingerprint": result.settings.lexicon.fingerprint},
        },
        "summary": {
            "rows_read": s.rows_read,
            "rows_skipped": s.rows_skipped,
            "blank_rows_ignored": s.blank_rows_ignored,
            "clusters": s.clusters,
            "proposals": s.proposals,
            "cross_agency_proposals": s.cross_agency,
            "same_agency_proposals": s.same_agency,
            "unattributed_proposals": s.unattributed,
            "rows_in_proposals": s.rows_in_proposals,
            "themes": s.themes,
        },
        "notices": list(result.notices),
        "proposals": [_proposal_record(c, result.carried.get(c.cluster_id)) for c in result.proposals] if rows else [],
        "themes": [_theme_record(t) for t in result.themes],
        "members": [_member_record(r) for r in result.rows] if rows else [],
    }


def to_json(result: Result) -> bytes:
    return (json.dumps(result_to_dict(result), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, list):
        return neutralise("; ".join(value))
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def to_csv(result: Result) -> bytes:
    """The members table, UTF-8 with BOM so that Excel shows Korean correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(MEMBER_COLUMNS)
    for row in result.rows:
        record = _member_record(row)
        writer.writerow([_csv_value(record[c]) for c in MEMBER_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- xlsx ------------------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="305496")
_REP_FILL = PatternFill("solid", fgColor="E2EFDA")
_DECISION_FILL = PatternFill("solid", fgColor="FFF2CC")
_BAND_FILL = PatternFill("solid", fgColor="EEF3FA")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")


_STYLE_STEPS: weakref.WeakKeyDictionary[Workbook, dict[tuple[Any, ...], StyleArray]] = weakref.WeakKeyDictionary()


def _style(cell: Any, attribute: str, value: Any) -> None:
    """cell.<attribute> = value, for the module's constant styles, fast.

    openpyxl hashes the style object on every assignment, which was most of the time of writing a
    sheet of 85,856 rows (~30 s). The same assignment on a cell with the same style always gives
    the same style indices, so they are worked out once per workbook and copied, as openpyxl's
    own worksheet copy does.
    """
    steps = _STYLE_STEPS.setdefault(cell.parent.parent, {})
    now = None if cell._style is None else tuple(cell._style)  # None: a cell never styled
    key = (now, attribute, value if isinstance(value, str) else id(value))
    after = steps.get(key)
    if after is None:
        setattr(cell, attribute, value)
        steps[key] = copy(cell._style)
    else:
        cell._style = copy(after)


def _set(ws: Worksheet, row: int, col: int, value: Any) -> None:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = value
        if value.startswith(_FORMULA_START):
            # Stored as text with Excel's own quote prefix: shown as typed, never evaluated.
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value


def _table_sheet(ws: Worksheet, headers: list[tuple[str, int]], rows: list[list[Any]], wrap: set[int] | None = None) -> None:
    """Header row (bold, frozen, filtered), data rows, fixed widths; `wrap` lists wrapped columns."""
    wrap = wrap or set()
    for j, (name, width) in enumerate(headers, start=1):
        _set(ws, 1, j, name)
        cell = ws.cell(row=1, column=j)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = width
    for i, values in enumerate(rows, start=2):
        for j, value in enumerate(values, start=1):
            _set(ws, i, j, value)
            _style(ws.cell(row=i, column=j), "alignment", _WRAP if j in wrap else _TOP)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(rows) + 1)}"
    # Printed (or saved as PDF) a sheet fits the page width, landscape, header row on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"


def _summary_sheet(ws: Worksheet, result: Result) -> None:
    d = result_to_dict(result, rows=False)
    s, cols = d["summary"], d["input"]["columns"]
    rows: list[list[Any]] = [
        ["입력 파일", d["input"]["file"]],
        ["읽은 과제 수", s["rows_read"]],
        ["제외된 과제 수 (내용 없음)", s["rows_skipped"]],
        ["무시한 빈 행", s["blank_rows_ignored"]],
        ["군집 수 (단독 포함)", s["clusters"]],
        ["병합 제안 수", s["proposals"]],
        ["  기관 간 중복", s["cross_agency_proposals"]],
        ["  기관 내 중복", s["same_agency_proposals"]],
        ["  기관 미상", s["unattributed_proposals"]],
        ["병합 제안에 든 과제 수", s["rows_in_proposals"]],
        ["여러 군집에 걸친 주제 수", s["themes"]],
        ["형태소 분석기", f'{d["settings"]["tokenizer"]} ({d["settings"]["tokenizer_version"]})'],
        ["유사도 임계값", d["settings"]["threshold"]],
        ["주제 임계값", d["settings"]["theme_threshold"]],
        ["어휘집 항목 수", d["settings"]["lexicon"]["entries"]],
        ["연결 방식 (linkage)", d["settings"]["linkage"]],
        ["비교한 열", " + ".join(cols["text"])],
        ["기관 열", cols["agency"] or "(없음)"],
        ["번호 열", cols["id"] or "(행 번호 사용)"],
        ["taskdedup 버전", d["taskdedup_version"]],
    ]
    rows.extend(["알림", notice] for notice in d["notices"])
    rows.extend(
        [f"주제 T{t['theme_id']}", f"기관 {t['agency_count']} · 과제 {t['size']} · {', '.join(t['keywords'])}"]
        for t in d["themes"][:TOP_THEMES]
    )
    _table_sheet(ws, [("항목", 30), ("값", 60)], rows)
    ws.auto_filter.ref = None
    # A small chart of the proposals by kind, beside the table.
    ws["D1"], ws["E1"] = "유형", "병합 제안"
    for k, (label, key) in enumerate(
        (("기관 간 중복", "cross_agency_proposals"), ("기관 내 중복", "same_agency_proposals"), ("기관 미상", "unattributed_proposals")), start=2
    ):
        ws.cell(k, 4).value, ws.cell(k, 5).value = label, s[key]
    chart = BarChart()
    chart.type = "bar"
    chart.title = "병합 제안"
    chart.legend = None
    chart.add_data(Reference(ws, min_col=5, min_row=1, max_row=4), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=4, min_row=2, max_row=4))
    chart.height, chart.width = 6, 12
    ws.add_chart(chart, "D7")


DECISIONS_KO = ("병합", "분리", "보류")
DECISION_KO = dict(zip((MERGE, SPLIT, HOLD), DECISIONS_KO, strict=True))
TOP_THEMES = 5


def _proposals_sheet(ws: Worksheet, result: Result) -> None:
    headers = [
        ("제안번호", 10), ("제안 키", 12), ("유형", 14), ("기관 수", 9), ("과제 수", 9), ("참여 기관", 30), ("대표 과제", 40),
        ("주관 기관(제안)", 16), ("핵심어", 30), ("응집도", 9), ("가장 먼 과제", 30), ("과제 번호 목록", 24), ("결정", 10), ("의견", 30),
    ]
    rows = []
    for c in result.proposals:
        rep = c.representative.submission
        weakest = c.weakest
        earlier = result.carried.get(c.cluster_id)  # decided in the run before: asked once, not again
        rows.append([
            c.cluster_id, proposal_key(c), KIND_KO[c.kind], len(c.agencies), c.size, ", ".join(c.agencies), rep.title,
            earlier.lead if earlier and earlier.lead else rep.agency,
            ", ".join(c.keywords), _round(c.cohesion),
            f"{weakest.submission.row_id}: {weakest.submission.title} ({_round(weakest.mean_similarity)})" if weakest else "",
            ", ".join(m.submission.row_id for m in c.members),
            DECISION_KO[earlier.decision] if earlier else "", earlier.comment if earlier else "",
        ])
    _table_sheet(ws, headers, rows, wrap={6, 7, 9, 11, 12, 14})
    last = len(rows) + 1
    for i in range(2, last + 1):
        _style(ws.cell(row=i, column=10), "number_format", "0.00")
    _similarity_colours(ws, f"J2:J{max(2, last)}")
    _decision_column(ws, "M", 13, last)


def _decision_column(ws: Worksheet, letter: str, column: int, last: int) -> None:
    """A drop-down, so decisions read back without spelling variants."""
    choice = DataValidation(type="list", formula1='"' + ",".join(DECISIONS_KO) + '"', allow_blank=True)
    choice.error = "병합, 분리, 보류 중 하나를 고르세요"
    ws.add_data_validation(choice)
    choice.add(f"{letter}2:{letter}{max(2, last)}")
    for i in range(2, last + 1):
        _style(ws.cell(row=i, column=column), "fill", _DECISION_FILL)


def _decision_log_sheet(ws: Worksheet, result: Result) -> None:
    """Split decisions of the run before: their tasks were kept apart, so no proposal shows them,
    but the next run must still keep them apart. Clearing a row's decision lifts it."""
    headers = [("제안 키", 12), ("결정", 10), ("과제 번호 목록", 24), ("의견", 40)]
    rows = [[d.key, DECISION_KO[d.decision], ", ".join(d.ids), d.comment] for d in result.decision_log]
    _table_sheet(ws, headers, rows, wrap={3, 4})
    _decision_column(ws, "B", 2, len(rows) + 1)


def _similarity_colours(ws: Worksheet, cells: str) -> None:
    """Red (weak) to green (strong) on similarity cells: the weak matches catch the eye first."""
    ws.conditional_formatting.add(
        cells, ColorScaleRule(start_type="num", start_value=0, start_color="F8696B", mid_type="num", mid_value=0.5,
                              mid_color="FFEB84", end_type="num", end_value=1, end_color="63BE7B"),
    )


def _pairs_sheet(ws: Worksheet, result: Result) -> None:
    headers = [("유사도", 9), ("번호 A", 10), ("기관 A", 16), ("과제 A", 40), ("제안번호 A", 10), ("번호 B", 10), ("기관 B", 16),
               ("과제 B", 40), ("제안번호 B", 10)]
    rows = [
        [_round(m.similarity), m.a.submission.row_id, m.a.submission.agency, m.a.submission.title, m.cluster_a,
         m.b.submission.row_id, m.b.submission.agency, m.b.submission.title, m.cluster_b]
        for m in result.near_misses
    ]
    _table_sheet(ws, headers, rows, wrap={4, 8})
    for i in range(2, len(rows) + 2):
        _style(ws.cell(row=i, column=1), "number_format", "0.00")
    _similarity_colours(ws, f"A2:A{max(2, len(rows) + 1)}")


def _members_sheet(ws: Worksheet, result: Result) -> None:
    headers = [
        ("제안번호", 10), ("과제 수", 9), ("유형", 14), ("주제번호", 10), ("번호", 10), ("행", 7), ("기관", 16),
        ("분야", 12), ("과제명", 44), ("대표", 7), ("대표와 유사도", 12), ("공유 핵심어", 30), ("상태", 22),
    ]
    rows = []
    reps: set[int] = set()
    for i, row in enumerate(result.rows, start=2):
        r = _member_record(row)
        if r["representative"]:
            reps.add(i)
        rows.append([
            r["cluster_id"], r["cluster_size"], KIND_KO.get(r["kind"] or "", ""), r["theme_id"], r["row_id"], r["row_number"],
            r["agency"], r["field"], r["title"], "대표" if r["representative"] else "",
            r["similarity_to_representative"], ", ".join(r["shared_terms"]), _status_ko(r["status"]),
        ])
    _table_sheet(ws, headers, rows, wrap={9, 12})
    for i in range(2, len(rows) + 2):
        _style(ws.cell(row=i, column=11), "number_format", "0.00")
    _similarity_colours(ws, f"K2:K{max(2, len(rows) + 1)}")
    # Members of one proposal read together: proposals are banded, the representative stands out.
    band = False
    previous = None
    for i, row in enumerate(result.rows, start=2):
        if row.cluster is None or not row.cluster.is_proposal:
            continue
        if row.cluster.cluster_id != previous:
            band, previous = not band, row.cluster.cluster_id
        fill = _REP_FILL if i in reps else (_BAND_FILL if band else None)
        if fill is not None:
            for j in range(1, len(headers) + 1):
                _style(ws.cell(row=i, column=j), "fill", fill)


def _themes_sheet(ws: Worksheet, result: Result) -> None:
    headers = [("주제번호", 10), ("기관 수", 9), ("과제 수", 9), ("참여 기관", 40), ("핵심어", 36), ("포함 군집 (제안번호)", 24)]
    rows = [
        [t.theme_id, len(t.agencies), t.size, ", ".join(t.agencies), ", ".join(t.keywords), ", ".join(str(c.cluster_id) for c in t.clusters)]
        for t in result.themes
    ]
    _table_sheet(ws, headers, rows, wrap={4, 5, 6})


def _status_ko(status: str) -> str:
    return {
        "clustered": "군집됨",
        "clustered: new, joined a merged group": "신규: 병합 결정된 묶음에 합류",
        "skipped: empty text": "제외: 내용 없음",
        "skipped: no words in text": "제외: 비교할 단어 없음",
    }.get(status, status)


def to_xlsx(result: Result, lang: str = "ko") -> bytes:
    """The review workbook: 요약, 병합제안 (with a decision drop-down), 과제목록, 주제, 유사쌍, and
    결정 기록 when earlier split decisions are carried forward."""
    wb = Workbook()
    summary = wb.active
    summary.title = "요약"
    _summary_sheet(summary, result)
    _proposals_sheet(wb.create_sheet("병합제안"), result)
    _members_sheet(wb.create_sheet("과제목록"), result)
    _themes_sheet(wb.create_sheet("주제"), result)
    _pairs_sheet(wb.create_sheet("유사쌍"), result)
    if result.decision_log:
        _decision_log_sheet(wb.create_sheet("결정 기록"), result)
    if lang == "en":
        _to_english(wb)
    wb.properties.creator = "taskdedup"
    wb.properties.created = _EPOCH
    buffer = io.BytesIO()
    wb.save(buffer)
    return _reproducible_zip(buffer.getvalue())


_EPOCH = datetime(2000, 1, 1)


def _reproducible_zip(data: bytes) -> bytes:
    """Re-pack the workbook with fixed timestamps, so the same result gives the same bytes.

    openpyxl stamps the save time into docProps/core.xml and into every zip entry.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(b"\\g<1>2000-01-01T00:00:00Z\\g<2>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, content)
    return out.getvalue()


EXPORTERS: dict[str, Callable[[Result], bytes]] = {".csv": to_csv, ".xlsx": to_xlsx, ".json": to_json}


XLSX_ROWS = 1_048_576  # rows per sheet in Excel, the header included


def check_fits(path: Path, rows: int) -> None:
    """Fail before the long work when the output format cannot hold one line per input row."""
    if path.suffix.lower() == ".xlsx" and rows + 1 > XLSX_ROWS:
        raise OutputError(
            f"{path}: an .xlsx sheet holds {XLSX_ROWS - 1:,} rows below its header and the input has {rows:,}; "
            "write .csv or .json instead"
        )


def render_export(result: Result, path: Path, lang: str = "ko") -> bytes:
    if path.suffix.lower() == ".xlsx":
        check_fits(path, len(result.rows))
        return to_xlsx(result, lang)
    if path.suffix.lower() == ".html":
        from taskdedup.report import to_html  # only report writers pay for the 2-D layout

        return to_html(result)
    return EXPORTERS[path.suffix.lower()](result)


# English labels for --lang en: sheet names, headers, and the fixed words in cells.
ENGLISH = {
    "요약": "Summary", "병합제안": "Proposals", "과제목록": "Tasks", "주제": "Themes", "유사쌍": "Near misses",
    "항목": "Item", "값": "Value", "제안번호": "Proposal", "제안 키": "Proposal key", "유형": "Kind", "기관 수": "Agencies",
    "과제 수": "Tasks", "참여 기관": "Participating agencies", "대표 과제": "Representative task", "주관 기관(제안)": "Suggested lead",
    "핵심어": "Keywords", "응집도": "Cohesion", "가장 먼 과제": "Weakest member", "과제 번호 목록": "Member ids", "결정": "Decision",
    "의견": "Comment", "주제번호": "Theme", "번호": "Id", "행": "Row", "기관": "Agency", "분야": "Field", "과제명": "Title",
    "대표": "Representative", "대표와 유사도": "Similarity to representative", "공유 핵심어": "Shared terms", "상태": "Status",
    "포함 군집 (제안번호)": "Clusters", "유사도": "Similarity", "번호 A": "Id A", "기관 A": "Agency A", "과제 A": "Task A",
    "제안번호 A": "Proposal A", "번호 B": "Id B", "기관 B": "Agency B", "과제 B": "Task B", "제안번호 B": "Proposal B",
    "기관 간 중복": "cross-agency", "기관 내 중복": "same-agency", "기관 미상": "unattributed", "단독": "singleton",
    "군집됨": "clustered", "신규: 병합 결정된 묶음에 합류": "new: joined a merged group", "제외: 내용 없음": "skipped: empty text", "제외: 비교할 단어 없음": "skipped: no words in text",
    "입력 파일": "Input file", "병합 제안": "Merge proposals", "읽은 과제 수": "Rows read", "제외된 과제 수 (내용 없음)": "Rows skipped (no text)",
    "무시한 빈 행": "Blank rows ignored", "군집 수 (단독 포함)": "Clusters (with singletons)", "병합 제안 수": "Merge proposals",
    "  기관 간 중복": "  cross-agency", "  기관 내 중복": "  same-agency", "  기관 미상": "  unattributed",
    "병합 제안에 든 과제 수": "Rows in proposals", "여러 군집에 걸친 주제 수": "Themes", "형태소 분석기": "Tokenizer",
    "유사도 임계값": "Threshold", "주제 임계값": "Theme threshold", "어휘집 항목 수": "Lexicon entries",
    "연결 방식 (linkage)": "Linkage", "비교한 열": "Text columns", "기관 열": "Agency column", "번호 열": "Id column",
    "taskdedup 버전": "taskdedup version", "알림": "Notice", "(없음)": "(none)", "(행 번호 사용)": "(row numbers)",
    "결정 기록": "Decision log",
}
DECISIONS_EN = ("merge", "split", "hold")


def _to_english(wb: Workbook) -> None:
    decision_en = dict(zip(DECISIONS_KO, DECISIONS_EN, strict=True))
    for ws in wb.worksheets:
        ws.title = ENGLISH.get(ws.title, ws.title)
        for header in ws[1]:
            if header.value == "결정":  # carried decisions; only this column, a comment may say "보류" too
                for (cell,) in ws.iter_rows(min_row=2, min_col=header.column, max_col=header.column):
                    cell.value = decision_en.get(cell.value, cell.value)
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value in ENGLISH and (cell.row == 1 or cell.column <= 3 or cell.data_type == "s"):
                    cell.value = ENGLISH[cell.value]
        for validation in ws.data_validations.dataValidation:
            validation.formula1 = '"' + ",".join(DECISIONS_EN) + '"'
            validation.error = "Choose merge, split or hold"


# --- reports of the other commands --------------------------------------------------------------


def _prf(prf: Any) -> dict[str, float] | None:
    return None if prf is None else {"precision": _round(prf.precision), "recall": _round(prf.recall), "f1": _round(prf.f1)}


def _example(pair: Any) -> dict[str, Any]:
    return {
        "a": {"row_id": pair.a.row_id, "agency": pair.a.agency, "title": pair.a.title},
        "b": {"row_id": pair.b.row_id, "agency": pair.b.agency, "title": pair.b.title},
        "similarity": _round(pair.similarity),
    }


def evaluation_to_dict(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "mode": evaluation.mode,
        "threshold": evaluation.threshold,
        "rows_scored": evaluation.rows_scored,
        "pairs_scored": evaluation.pairs_scored,
        "pairwise": _prf(evaluation.pairwise),
        "bcubed": _prf(evaluation.bcubed),
        "adjusted_rand": None if evaluation.ari is None else _round(evaluation.ari),
        "predicted_clusters": evaluation.predicted_clusters,
        "gold_clusters": evaluation.gold_clusters,
        "false_merges": [_example(p) for p in evaluation.false_merges],
        "missed_pairs": [_example(p) for p in evaluation.missed],
    }


def tuning_to_dict(tuning: Tuning) -> dict[str, Any]:
    def opt(x: float | None) -> float | None:
        return None if x is None else _round(x)

    return {
        "recommended_threshold": tuning.recommended,
        "rule": tuning.rule,
        "points": [
            {
                "threshold": p.threshold,
                "clusters": p.clusters,
                "proposals": p.proposals,
                "cross_agency_proposals": p.cross_agency,
                "rows_in_proposals": p.rows_in_proposals,
                "mean_cohesion": opt(p.mean_cohesion),
                "silhouette": opt(p.silhouette),
                "precision": opt(p.precision),
                "recall": opt(p.recall),
                "f1": opt(p.f1),
            }
            for p in tuning.points
        ],
    }


def explanation_to_dict(ex: Explanation) -> dict[str, Any]:
    def share(t: Any) -> dict[str, Any]:
        return {"term": t.term, "weight_a": _round(t.weight_a), "weight_b": _round(t.weight_b), "contribution": _round(t.contribution)}

    return {
        "a": {"row_id": ex.a.row_id, "agency": ex.a.agency, "title": ex.a.title},
        "b": {"row_id": ex.b.row_id, "agency": ex.b.agency, "title": ex.b.title},
        "similarity": _round(ex.similarity),
        "threshold": ex.threshold,
        "same_cluster": ex.same_cluster,
        "shared_terms": [share(t) for t in ex.shared],
        "only_in_a": [share(t) for t in ex.only_a],
        "only_in_b": [share(t) for t in ex.only_b],
    }


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# --- the merged task list of `taskdedup apply` ------------------------------------------------------

APPLIED_COLUMNS = ("kind", "key", "lead_agency", "agencies", "tasks", "ids", "titles", "comment")
APPLIED_HEADERS_KO = [("구분", 10), ("제안 키", 12), ("주관 기관", 16), ("참여 기관", 30), ("과제 수", 8), ("과제 번호", 20),
                      ("과제명", 60), ("의견", 30)]


def _applied_rows(applied: Applied) -> list[list[Any]]:
    return [
        ["병합" if p.merged else "단독", p.key, p.lead_agency, ", ".join(p.agencies), len(p.ids), ", ".join(p.ids), "\n".join(p.titles), p.comment]
        for p in applied.projects
    ]


def applied_csv(applied: Applied) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(APPLIED_COLUMNS)
    for p in applied.projects:
        values = ["merged" if p.merged else "task", p.key, p.lead_agency, "; ".join(p.agencies), len(p.ids), "; ".join(p.ids), " | ".join(p.titles), p.comment]
        writer.writerow([_csv_value(v) for v in values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def applied_xlsx(applied: Applied) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "통합과제목록"
    _table_sheet(ws, APPLIED_HEADERS_KO, _applied_rows(applied), wrap={4, 6, 7, 8})
    wb.properties.creator = "taskdedup"
    wb.properties.created = _EPOCH
    buffer = io.BytesIO()
    wb.save(buffer)
    return _reproducible_zip(buffer.getvalue())


def render_applied(applied: Applied, path: Path) -> bytes:
    return applied_xlsx(applied) if path.suffix.lower() == ".xlsx" else applied_csv(applied)
