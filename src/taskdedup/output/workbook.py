"""The review workbook (.xlsx): 요약, 병합제안 with a decision drop-down, 과제목록, 주제, 유사쌍, and
결정 기록 when earlier split decisions are carried forward."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from taskdedup.output.english import DECISIONS_KO, to_english
from taskdedup.output.records import member_record, result_to_dict, rounded
from taskdedup.output.sheets import BAND_FILL, DECISION_FILL, REP_FILL, set_style, similarity_colours, table_sheet, workbook_bytes
from taskdedup.pipeline import Result
from taskdedup.review.decisions import CELL_LIMIT, HOLD, MERGE, SPLIT, id_cells, proposal_ids_cell
from taskdedup.review.proposals import CROSS_AGENCY, SAME_AGENCY, SINGLETON, UNATTRIBUTED, proposal_key

KIND_KO = {CROSS_AGENCY: "기관 간 중복", SAME_AGENCY: "기관 내 중복", UNATTRIBUTED: "기관 미상", SINGLETON: "단독"}
DECISION_KO = dict(zip((MERGE, SPLIT, HOLD), DECISIONS_KO, strict=True))
TOP_THEMES = 5
SIMILARITY_KO = {"hybrid": "hybrid (단어 + 글자 + 문장 임베딩)", "lexical": "lexical (단어 + 글자)"}

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
        ["병합 임계값 (같은 과제일 확률)", d["settings"]["threshold"]],
        ["주제 임계값 (확률)", d["settings"]["theme_threshold"]],
        ["어휘집 항목 수", d["settings"]["lexicon"]["entries"]],
        ["유사도 방식", SIMILARITY_KO[d["settings"]["similarity"]]],
        ["신호 가중치 (단어 · 글자 · 임베딩)", " · ".join(f'{d["settings"]["match"][k]:g}' for k in ("word_weight", "char_weight", "embedding_weight"))],
        ["문장 임베딩", d["settings"]["embedding"]["model"] if d["settings"]["embedding"] else "(사용 안 함)"],
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
    table_sheet(ws, [("항목", 30), ("값", 60)], rows)
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


def _proposals_sheet(ws: Worksheet, result: Result) -> None:
    headers = [
        ("제안번호", 10), ("제안 키", 12), ("유형", 14), ("기관 수", 9), ("과제 수", 9), ("참여 기관", 30), ("대표 과제", 40),
        ("주관 기관(제안)", 16), ("핵심어", 30), ("일치 확률", 9), ("가장 먼 과제", 30), ("과제 번호 목록", 24), ("결정", 10), ("의견", 30),
    ]
    rows = []
    for c in result.proposals:
        rep = c.representative.submission
        weakest = c.weakest
        earlier = result.carried.get(c.cluster_id)  # decided in the run before: asked once, not again
        rows.append([
            c.cluster_id, proposal_key(c), KIND_KO[c.kind], len(c.agencies), c.size, ", ".join(c.agencies), rep.title,
            earlier.lead if earlier and earlier.lead else rep.agency,
            ", ".join(c.keywords), rounded(result.match.probability(c.cohesion)),
            f"{weakest.submission.row_id}: {weakest.submission.title} ({result.match.probability(weakest.mean_similarity):.2f})" if weakest else "",
            proposal_ids_cell([m.submission.row_id for m in c.members]),
            DECISION_KO[earlier.decision] if earlier else "", earlier.comment if earlier else "",
        ])
    table_sheet(ws, headers, rows, wrap={6, 7, 9, 11, 12, 14})
    last = len(rows) + 1
    for i in range(2, last + 1):
        set_style(ws.cell(row=i, column=10), "number_format", "0.00")
    similarity_colours(ws, f"J2:J{max(2, last)}")
    _decision_column(ws, "M", 13, last)


def _decision_column(ws: Worksheet, letter: str, column: int, last: int) -> None:
    """A drop-down, so decisions read back without spelling variants."""
    choice = DataValidation(type="list", formula1='"' + ",".join(DECISIONS_KO) + '"', allow_blank=True)
    choice.error = "병합, 분리, 보류 중 하나를 고르세요"
    ws.add_data_validation(choice)
    choice.add(f"{letter}2:{letter}{max(2, last)}")
    for i in range(2, last + 1):
        set_style(ws.cell(row=i, column=column), "fill", DECISION_FILL)


def _decision_log_sheet(ws: Worksheet, result: Result) -> None:
    """Split decisions of the run before: their tasks were kept apart, so no proposal shows them,
    but the next run must still keep them apart. Clearing a row's decision lifts it."""
    headers = [("제안 키", 12), ("결정", 10), ("과제 번호 목록", 24), ("의견", 40)]
    # A list too long for one cell goes on over rows of the same key, which are read back as one.
    rows = [[d.key, DECISION_KO[d.decision], cell, d.comment] for d in result.decision_log for cell in id_cells(d.ids)]
    table_sheet(ws, headers, rows, wrap={3, 4})
    _decision_column(ws, "B", 2, len(rows) + 1)


def _pairs_sheet(ws: Worksheet, result: Result) -> None:
    headers = [("일치 확률", 9), ("번호 A", 10), ("기관 A", 16), ("과제 A", 40), ("제안번호 A", 10), ("번호 B", 10), ("기관 B", 16),
               ("과제 B", 40), ("제안번호 B", 10)]
    rows = [
        [rounded(result.match.probability(m.similarity)), m.a.submission.row_id, m.a.submission.agency, m.a.submission.title, m.cluster_a,
         m.b.submission.row_id, m.b.submission.agency, m.b.submission.title, m.cluster_b]
        for m in result.near_misses
    ]
    table_sheet(ws, headers, rows, wrap={4, 8})
    for i in range(2, len(rows) + 2):
        set_style(ws.cell(row=i, column=1), "number_format", "0.00")
    similarity_colours(ws, f"A2:A{max(2, len(rows) + 1)}")


def _members_sheet(ws: Worksheet, result: Result) -> None:
    headers = [
        ("제안번호", 10), ("과제 수", 9), ("유형", 14), ("주제번호", 10), ("번호", 10), ("행", 7), ("기관", 16),
        ("분야", 12), ("과제명", 44), ("대표", 7), ("대표와 일치 확률", 12), ("공유 핵심어", 30), ("상태", 22),
    ]
    rows = []
    reps: set[int] = set()
    for i, row in enumerate(result.rows, start=2):
        r = member_record(row, result.match)
        if r["representative"]:
            reps.add(i)
        rows.append([
            r["cluster_id"], r["cluster_size"], KIND_KO.get(r["kind"] or "", ""), r["theme_id"], r["row_id"], r["row_number"],
            r["agency"], r["field"], r["title"], "대표" if r["representative"] else "",
            r["probability"], ", ".join(r["shared_terms"]), _status_ko(r["status"]),
        ])
    table_sheet(ws, headers, rows, wrap={9, 12})
    for i in range(2, len(rows) + 2):
        set_style(ws.cell(row=i, column=11), "number_format", "0.00")
    similarity_colours(ws, f"K2:K{max(2, len(rows) + 1)}")
    # Members of one proposal read together: proposals are banded, the representative stands out.
    band = False
    previous = None
    for i, row in enumerate(result.rows, start=2):
        if row.cluster is None or not row.cluster.is_proposal:
            continue
        if row.cluster.cluster_id != previous:
            band, previous = not band, row.cluster.cluster_id
        fill = REP_FILL if i in reps else (BAND_FILL if band else None)
        if fill is not None:
            for j in range(1, len(headers) + 1):
                set_style(ws.cell(row=i, column=j), "fill", fill)


def _themes_sheet(ws: Worksheet, result: Result) -> None:
    headers = [("주제번호", 10), ("기관 수", 9), ("과제 수", 9), ("참여 기관", 40), ("핵심어", 36), ("포함 군집 (제안번호)", 24)]
    rows = [
        [t.theme_id, len(t.agencies), t.size, ", ".join(t.agencies), ", ".join(t.keywords), ", ".join(str(c.cluster_id) for c in t.clusters)]
        for t in result.themes
    ]
    table_sheet(ws, headers, rows, wrap={4, 5, 6})


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
        to_english(wb)
    return workbook_bytes(wb)


def workbook_notices(result: Result) -> list[str]:
    """What the review workbook had to do that an analyst should hear about."""
    out = []
    for c in result.proposals:
        if len(", ".join(m.submission.row_id for m in c.members)) > CELL_LIMIT:
            out.append(
                f"proposal #{c.cluster_id} has {c.size} tasks, more ids than an Excel cell holds: its 과제 번호 목록 cell lists the "
                "first ones, and the 과제목록 (Tasks) sheet, which `cluster --decisions` and `apply` read, has them all"
            )
    return out
