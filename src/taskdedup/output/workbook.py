"""The review workbook (.xlsx): 요약, 병합제안 with a decision drop-down, 과제목록, 주제, 유사쌍, 라벨 요청
(pairs to label same/different, for `taskdedup learn`), and 결정 기록 when earlier split decisions
are carried forward."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from taskdedup.messages import msg, translate
from taskdedup.output.english import DECISIONS_KO, EXCLUDE_KO, LABELS_KO, to_english
from taskdedup.output.records import KIND_KO, MEMBER_COLUMNS, STATUS_KO, member_columns, result_to_dict, rounded
from taskdedup.output.sheet_xml import Columns
from taskdedup.output.sheets import BAND_FILL, REP_FILL, REVIEW_FILL, Chart, SheetSpec, workbook_bytes
from taskdedup.results import Result
from taskdedup.review.decisions import CELL_LIMIT, HOLD, MERGE, SPLIT, id_cells, proposal_ids_cell
from taskdedup.review.labels import LABEL_COLUMN, LABEL_SHEET

DECISION_KO = dict(zip((MERGE, SPLIT, HOLD), DECISIONS_KO, strict=True))
TOP_THEMES = 5
SIMILARITY_KO = {"hybrid": "hybrid (단어 + 글자 + 문장 임베딩)", "lexical": "lexical (단어 + 글자)"}

DECISION_ERROR = "병합, 분리, 보류 중 하나를 고르세요"
LABEL_ERROR = "같음 또는 다름을 고르세요"
EXCLUDE_ERROR = "제외를 고르거나 비워 두세요"
PROBABILITY = "0.00"
REVIEW_AGAIN = "재검토"
TASKS_SHEET = "과제목록"
OPEN = "▶ 보기"
NO_DATE = "기록 안 함 (--run-date로 지정)"
DESCRIPTION_CHARS = 300  # about 11 lines of the 과제내용 column, within the row height limit: a summary to print; the source has the rest
EARLIER = "이전 결정"


def _summary_sheet(result: Result, lang: str) -> SheetSpec:
    d = result_to_dict(result, rows=False)
    s, cols = d["summary"], d["input"]["columns"]
    rows: list[list[Any]] = [
        ["입력 파일", d["input"]["file"] if len(result.files) <= 1 else translate(msg(
            "{count} files: {listed}", count=len(result.files), listed=", ".join(f"{name} ({rows})" for name, rows in result.files)), lang)],
        ["실행 명령", result.run.command or "(라이브러리에서 실행)"],
        ["실행 날짜", result.run.date or NO_DATE],
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
        ["매칭 모델", "기본 제공" if d["settings"]["match_model"] == "built-in" else d["settings"]["match_model"]],
        ["신호 가중치 (단어 · 글자 · 임베딩)", " · ".join(f'{d["settings"]["match"][k]:g}' for k in ("word_weight", "char_weight", "embedding_weight"))],
        ["문장 임베딩", d["settings"]["embedding"]["model"] if d["settings"]["embedding"] else "(사용 안 함)"],
        ["연결 방식 (linkage)", d["settings"]["linkage"]],
        ["비교한 열", " + ".join(cols["text"])],
        ["기관 열", cols["agency"] or "(없음)"],
        ["번호 열", cols["id"] or "(행 번호 사용)"],
        ["taskdedup 버전", d["taskdedup_version"]],
    ]
    rows.extend(["알림", translate(notice, lang)] for notice in result.notices)
    theme, counts = ("Theme T{id}", "{agencies} agencies · {tasks} tasks · {keywords}") if lang == "en" else ("주제 T{id}", "기관 {agencies} · 과제 {tasks} · {keywords}")
    rows.extend(
        [theme.format(id=t["theme_id"]), counts.format(agencies=t["agency_count"], tasks=t["size"], keywords=", ".join(t["keywords"]))]
        for t in d["themes"][:TOP_THEMES]
    )
    # A small chart of the proposals by kind, beside the table.
    cells: list[tuple[int, int, Any]] = [(0, 3, "유형"), (0, 4, "병합 제안")]
    for k, (label, key) in enumerate(
        (("기관 간 중복", "cross_agency_proposals"), ("기관 내 중복", "same_agency_proposals"), ("기관 미상", "unattributed_proposals")), start=1
    ):
        cells += [(k, 3, label), (k, 4, s[key])]
    chart = Chart("병합 제안", name_cell=(0, 4), categories=(1, 3, 3), values=(1, 4, 3), anchor="D7")
    return SheetSpec("요약", [("항목", 30), ("값", 60)], rows, autofilter=False, cells=cells, chart=chart)


def _first_rows(result: Result) -> dict[int, int]:
    """Cluster id -> the 과제목록 data row of its first member (rows are grouped by cluster)."""
    first: dict[int, int] = {}
    for i, row in enumerate(result.rows):
        if row.cluster is not None:
            first.setdefault(row.cluster.cluster_id, i)
    return first


def _proposals_sheet(result: Result) -> SheetSpec:
    # What is printed comes first (the key, the title and the decision stay in view when scrolling);
    # the rest is for working on screen.
    headers = [
        ("제안번호", 8), ("대표 과제", 40), ("과제 보기", 7), ("결정", 8), ("의견", 24), ("유형", 12), ("과제 수", 7), ("참여 기관", 28),
        ("핵심어", 22), ("일치 확률", 8),
        ("검토 상태", 20), ("기관 수", 7), ("주관 기관(제안)", 16), ("가장 먼 과제", 30), ("과제 번호 목록", 24), ("제안 키", 12),
    ]
    rows = []
    fills: dict[int, str] = {}
    links: dict[int, tuple[int, str]] = {}
    first = _first_rows(result)
    for i, c in enumerate(result.proposals):
        rep = c.representative.submission
        weakest = c.weakest
        earlier = result.carried.get(c.cluster_id)  # decided in the run before: asked once, not again
        rows.append([
            c.cluster_id, rep.title, OPEN, DECISION_KO[earlier.decision] if earlier else "", earlier.comment if earlier else "",
            KIND_KO[c.kind], c.size, ", ".join(c.agencies), ", ".join(c.keywords), rounded(result.match.probability(c.cohesion)),
            _review_state(result, c.cluster_id), len(c.agencies), earlier.lead if earlier and earlier.lead else rep.agency,
            f"{weakest.submission.row_id}: {weakest.submission.title} ({result.match.probability(weakest.mean_similarity):.2f})" if weakest else "",
            proposal_ids_cell([m.submission.row_id for m in c.members]), result.key_of(c),
        ])
        # A short cell of its own opens the proposal's member rows: LibreOffice neither wraps a
        # linked title nor keeps a link on a number.
        links[i] = (3, f"internal:'{TASKS_SHEET}'!A{first[c.cluster_id] + 2}")
        if c.cluster_id in result.reopened:
            fills[i] = REVIEW_FILL
    return SheetSpec(
        "병합제안", headers, rows, wrap={2, 5, 8, 9, 11, 13, 14, 15}, number_formats={10: PROBABILITY}, colour_scale=10,
        decision=4, choices=DECISIONS_KO, choice_error=DECISION_ERROR, row_fills=fills, freeze_columns=2, print_columns=10, links=links,
    )


def _review_state(result: Result, cluster_id: int) -> str:
    """Where a proposal stands: new, decided in an earlier round, or decided but joined by new tasks."""
    new = result.reopened.get(cluster_id)
    if new:
        return f"{REVIEW_AGAIN}: 새 과제 {', '.join(new)}"
    return EARLIER if cluster_id in result.carried else ""


def _decision_log_sheet(result: Result) -> SheetSpec:
    """Split decisions of the run before: their tasks were kept apart, so no proposal shows them,
    but the next run must still keep them apart. Clearing a row's decision lifts it."""
    headers = [("제안 키", 12), ("결정", 10), ("과제 번호 목록", 24), ("의견", 40)]
    # A list too long for one cell goes on over rows of the same key, which are read back as one.
    rows = [[d.key, DECISION_KO[d.decision], cell, d.comment] for d in result.decision_log for cell in id_cells(d.ids)]
    return SheetSpec("결정 기록", headers, rows, wrap={3, 4}, decision=2, choices=DECISIONS_KO, choice_error=DECISION_ERROR)


def _pairs_sheet(result: Result) -> SheetSpec:
    headers = [("일치 확률", 9), ("번호 A", 10), ("기관 A", 16), ("과제 A", 40), ("제안번호 A", 10), ("번호 B", 10), ("기관 B", 16),
               ("과제 B", 40), ("제안번호 B", 10)]
    rows = [
        [rounded(result.match.probability(m.similarity)), m.a.submission.row_id, m.a.submission.agency, m.a.submission.title, m.cluster_a,
         m.b.submission.row_id, m.b.submission.agency, m.b.submission.title, m.cluster_b]
        for m in result.near_misses
    ]
    return SheetSpec("유사쌍", headers, rows, wrap={4, 8}, number_formats={1: PROBABILITY}, colour_scale=1)


def _label_sheet(result: Result) -> SheetSpec:
    """The pairs the model is least sure of, with a 같음/다름 drop-down that `taskdedup learn` reads."""
    headers = [("일치 확률", 9), ("번호 A", 10), ("기관 A", 16), ("과제 A", 40), ("번호 B", 10), ("기관 B", 16), ("과제 B", 40),
               (LABEL_COLUMN, 11), ("의견", 24)]
    rows = [
        [rounded(r.probability), r.a.submission.row_id, r.a.submission.agency, r.a.submission.title,
         r.b.submission.row_id, r.b.submission.agency, r.b.submission.title, None, None]
        for r in result.label_requests
    ]
    return SheetSpec(LABEL_SHEET[0], headers, rows, wrap={4, 7}, number_formats={1: PROBABILITY}, colour_scale=1,
                     decision=8, choices=LABELS_KO, choice_error=LABEL_ERROR)


def _members_sheet(result: Result) -> SheetSpec:
    headers = [
        ("제안번호", 8), ("번호", 8), ("과제명", 36), ("기관", 14), ("대표", 6), ("대표와 일치 확률", 10), ("과제내용", 60),
        ("제외", 8), ("상태", 20), ("분야", 12), ("공유 핵심어", 24), ("과제 수", 7), ("유형", 12), ("주제번호", 8), ("행", 7),
    ]
    # Read from several files: which file each task came from, and its row there (행 is that row).
    several = len(result.files) > 1
    if several:
        headers.append(("파일", 28))
    c = dict(zip(MEMBER_COLUMNS, member_columns(result.rows, result.match), strict=True))
    columns = [
        c["cluster_id"], c["row_id"], c["title"], c["agency"], ["대표" if flag else "" for flag in c["representative"]], c["probability"],
        [_shown_description(r.submission.description) for r in result.rows], [None] * len(result.rows),
        [STATUS_KO.get(status, status) for status in c["status"]], c["field"], [", ".join(terms) for terms in c["shared_terms"]],
        c["cluster_size"], [KIND_KO.get(kind or "", "") for kind in c["kind"]], c["theme_id"], c["row_number"],
    ] + ([c["source_file"]] if several else [])
    rows = Columns(columns)
    fills: dict[int, str] = {}
    band = False
    previous = None
    for i, (cluster_id, size, representative) in enumerate(zip(c["cluster_id"], c["cluster_size"], c["representative"], strict=True)):
        # Members of one proposal read together: proposals are banded, the representative stands out.
        if cluster_id is None or size < 2:
            continue
        if cluster_id != previous:
            band, previous = not band, cluster_id
        if representative:
            fills[i] = REP_FILL
        elif band:
            fills[i] = BAND_FILL
    return SheetSpec(
        TASKS_SHEET, headers, rows, wrap={3, 4, 7, 9, 11}, number_formats={6: PROBABILITY}, colour_scale=6, row_fills=fills,
        decision=8, choices=EXCLUDE_KO, choice_error=EXCLUDE_ERROR, decision_fill=False, freeze_columns=3, print_columns=7,
    )


def _shown_description(text: str) -> str:
    """A description as the 과제목록 shows it: whole up to a printed page's worth, then cut."""
    return text if len(text) <= DESCRIPTION_CHARS else text[: DESCRIPTION_CHARS - 1] + "…"


def _themes_sheet(result: Result) -> SheetSpec:
    headers = [("주제번호", 10), ("기관 수", 9), ("과제 수", 9), ("참여 기관", 40), ("핵심어", 36), ("포함 군집 (제안번호)", 24)]
    rows = [
        [t.theme_id, len(t.agencies), t.size, ", ".join(t.agencies), ", ".join(t.keywords), ", ".join(str(c.cluster_id) for c in t.clusters)]
        for t in result.themes
    ]
    return SheetSpec("주제", headers, rows, wrap={4, 5, 6})


HOW_TO = [
    ["1", "병합제안: 제안마다 대표 과제(과제 보기를 누르면 과제목록의 그 제안 과제로 이동), 핵심어, 일치 확률을 보고 결정 열에서 병합, 분리, 보류 중 하나를 고릅니다. 이유는 의견 열에 적습니다."],
    ["2", "한 과제만 빼려면: 과제목록에서 그 과제 행의 제외 열에 제외를 고릅니다 (과제 번호 목록에서 그 번호를 지워도 같습니다). 대표 과제를 바꾸려면 과제목록의 대표 표시를 다른 과제로 옮깁니다."],
    ["3", "라벨 요청: 모델이 가장 판단하기 어려워한 과제 쌍입니다. 같음 또는 다름을 고르면 taskdedup learn 이 팀의 판단을 배웁니다."],
    ["4", "다음 차수: taskdedup cluster 새설문.xlsx --decisions 이파일.xlsx -o 검토2.xlsx. 병합한 묶음은 유지되고, 분리한 과제는 계속 떨어져 있으며, 새 과제가 병합한 묶음에 들어오면 재검토로 표시됩니다."],
    ["5", "통합 목록: taskdedup apply 이파일.xlsx -o 통합.xlsx. 병합 결정을 반영한 과제 목록을 만듭니다."],
    ["6", "색: 일치 확률이 높을수록 진한 초록입니다. 주황색 행은 새 과제가 들어와 다시 볼 묶음(재검토)입니다. 인쇄하면 각 시트의 앞쪽 열(번호, 과제, 결정)이 A4 가로에 맞게 나옵니다."],
]


def _how_to_sheet() -> SheetSpec:
    return SheetSpec("사용법", [("단계", 6), ("할 일", 110)], [list(r) for r in HOW_TO], wrap={2}, autofilter=False)


def properties(result: Result) -> dict[str, Any]:
    """Document properties (File > Properties): what was run on what, and the date when one was given."""
    props: dict[str, Any] = {
        "title": f"taskdedup 검토: {Path(result.source).name}",
        "subject": "병합 제안 검토 (merge proposals to review)",
        "comments": result.run.command,
        "keywords": "taskdedup",
    }
    if result.run.date:
        props["created"] = datetime.fromisoformat(result.run.date)
    return props


def to_xlsx(result: Result, lang: str = "ko") -> bytes:
    """The review workbook: 사용법, 요약, 병합제안 (with a decision drop-down), 과제목록 (with a 제외
    drop-down), 주제, 유사쌍, 라벨 요청, and 결정 기록 when earlier split decisions are carried forward."""
    return workbook_bytes(review_sheets(result, lang), properties(result), active=1)


def review_sheets(result: Result, lang: str = "ko") -> list[SheetSpec]:
    """The review workbook's sheets as data, in `lang`."""
    sheets = [_how_to_sheet(), _summary_sheet(result, lang), _proposals_sheet(result), _members_sheet(result), _themes_sheet(result),
              _pairs_sheet(result), _label_sheet(result)]
    if result.decision_log:
        sheets.append(_decision_log_sheet(result))
    return to_english(sheets) if lang == "en" else sheets


def workbook_notices(result: Result) -> list[str]:
    """What the review workbook had to do that an analyst should hear about."""
    out = []
    for c in result.proposals:
        if len(", ".join(m.submission.row_id for m in c.members)) > CELL_LIMIT:
            out.append(msg(
                "proposal #{cluster_id} has {size} tasks, more ids than an Excel cell holds: its 과제 번호 목록 cell lists the "
                "first ones, and the 과제목록 (Tasks) sheet, which `cluster --decisions` and `apply` read, has them all",
                cluster_id=c.cluster_id, size=c.size,
            ))
    return out
