"""The exports of `taskdedup link`: a workbook to decide in, a CSV and JSON of one row per new row,
and the lines printed on the terminal."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import taskdedup
from taskdedup.linking import LinkResult
from taskdedup.messages import msg, translate
from taskdedup.output.csvfile import csv_row
from taskdedup.output.english import LINK_KO
from taskdedup.output.records import STATUS_KO, rounded
from taskdedup.output.sheets import REP_FILL, REVIEW_FILL, SheetSpec, workbook_bytes
from taskdedup.review.links import CHECK, EXISTING, NEW, TOP

VERDICT_KO = dict(zip((EXISTING, NEW, CHECK), LINK_KO, strict=True))
DECISIONS = LINK_KO  # the 결정 drop-down: 기존 사업과 중복, 신규, 확인 필요
DECISION_ERROR = "기존 사업과 중복, 신규, 확인 필요 중 하나를 고르세요"
VERDICT_EN = {EXISTING: msg("duplicates an existing project"), CHECK: msg("to check"), NEW: msg("new")}  # on the terminal
PROBABILITY = "0.00"
SKIPPED = "skipped"

LINK_COLUMNS = (
    "row_id", "row_number", "agency", "title", "source_file", "verdict", "status", "new_duplicate_group",
    *(f"existing_{k}_{part}" for k in range(1, TOP + 1) for part in ("row_id", "agency", "title", "probability", "source_file")),
)
LINK_COLUMNS_KO = (
    "번호", "행", "기관", "과제명", "파일", "제안", "상태", "신규 간 중복",
    *(f"{k}순위 {part}" for k in range(1, TOP + 1) for part in ("기존 번호", "기존 기관", "기존 사업명", "확률", "기존 파일")),
)


def _groups(result: LinkResult) -> dict[str, int]:
    """New row id -> the proposal among the new rows that holds it (a cluster run's numbering)."""
    return {m.submission.row_id: c.cluster_id for c in result.inside.proposals for m in c.members}


def link_records(result: LinkResult) -> list[dict[str, Any]]:
    """One record per new row: clustered ones first (in the new rows' canonical order), then those
    without text."""
    groups = _groups(result)
    out = []
    for link in result.links:
        s = link.submission
        record: dict[str, Any] = {"row_id": s.row_id, "row_number": s.row_number, "agency": s.agency, "title": s.title, "source_file": s.source,
                                  "verdict": link.verdict, "status": "clustered", "new_duplicate_group": groups.get(s.row_id)}
        record["candidates"] = [
            {"row_id": c.submission.row_id, "agency": c.submission.agency, "title": c.submission.title, "probability": rounded(c.probability),
             "similarity": rounded(c.similarity), "source_file": c.submission.source}
            for c in link.candidates
        ]
        out.append(record)
    for row in result.skipped_new:
        s = row.submission
        out.append({"row_id": s.row_id, "row_number": s.row_number, "agency": s.agency, "title": s.title, "source_file": s.source,
                    "verdict": None, "status": row.status, "new_duplicate_group": None, "candidates": []})
    return out


def _summary(result: LinkResult) -> dict[str, Any]:
    verdicts = [link.verdict for link in result.links]
    return {
        "new_rows": len(result.links) + len(result.skipped_new),
        "existing_rows": len(result.existing),
        "existing": verdicts.count(EXISTING),
        "check": verdicts.count(CHECK),
        "new": verdicts.count(NEW),
        "skipped": len(result.skipped_new),
        "new_duplicate_groups": len(result.inside.proposals),
    }


def to_link_json(result: LinkResult) -> bytes:
    from taskdedup.output.records import match_record, result_to_dict

    inside = result_to_dict(result.inside)
    doc = {
        "taskdedup_version": taskdedup.__version__,
        "new": {"files": [{"file": f, "rows": n} for f, n in result.files if f in result.new_files]},
        "existing": {"files": [{"file": f, "rows": n} for f, n in result.files if f not in result.new_files]},
        "settings": {"threshold": result.settings.threshold, "check_from": result.low, "tokenizer": result.settings.tokenizer,
                     "similarity": result.settings.similarity, "match": match_record(result.match)},
        "summary": _summary(result),
        "notices": list(result.notices),
        "links": link_records(result),
        "new_duplicates": inside["proposals"],
        "existing_rows": [
            {"row_id": s.row_id, "row_number": s.row_number, "agency": s.agency, "title": s.title, "source_file": s.source,
             "matched_by": list(result.matched_by.get(s.row_id, ()))}
            for s in result.existing
        ],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def to_link_csv(result: LinkResult, lang: str = "en") -> bytes:
    """One row per new row, its three closest existing rows beside it. UTF-8 with BOM for Excel."""
    korean = lang == "ko"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(LINK_COLUMNS_KO if korean else LINK_COLUMNS)
    for r in link_records(result):
        verdict = (VERDICT_KO.get(r["verdict"], "") if korean else r["verdict"]) if r["verdict"] else ""
        status = STATUS_KO.get(r["status"], r["status"]) if korean else r["status"]
        row = [r["row_id"], r["row_number"], r["agency"], r["title"], r["source_file"], verdict, status, r["new_duplicate_group"]]
        for k in range(TOP):
            c = r["candidates"][k] if k < len(r["candidates"]) else None
            row += [c["row_id"], c["agency"], c["title"], c["probability"], c["source_file"]] if c else [None] * 5
        writer.writerow(csv_row(row))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


HOW_TO = [
    ["1", "기존 사업 대조: 새 과제마다 가장 비슷한 기존 사업 세 개와 같은 사업일 확률입니다. 제안 열은 taskdedup 의 판단이고, 결정 열에서 기존 사업과 중복, 신규, 확인 필요 중 하나를 고릅니다."],
    ["2", "신규 간 중복: 새 과제끼리 같은 사업으로 보이는 묶음입니다 (taskdedup cluster 와 같은 판단). 기존 사업 대조의 신규 간 중복 열이 그 제안번호입니다."],
    ["3", "기존 사업: 기존 목록의 모든 사업과, 그 사업과 중복으로 보이는 새 과제의 번호입니다."],
]


def _candidate_cell(c: dict[str, Any]) -> str:
    return f'{c["row_id"]} {c["title"]} ({c["agency"] or "-"})'


def to_link_xlsx(result: LinkResult, lang: str = "ko") -> bytes:
    from taskdedup.output.english import to_english

    summary = _summary(result)
    s = result.settings
    rows: list[list[Any]] = [
        ["새 과제 파일", ", ".join(f"{f} ({n})" for f, n in result.files if f in result.new_files)],
        ["기존 사업 파일", ", ".join(f"{f} ({n})" for f, n in result.files if f not in result.new_files)],
        ["실행 명령", result.run.command or "(라이브러리에서 실행)"],
        ["새 과제 수", summary["new_rows"]],
        ["기존 사업 수", summary["existing_rows"]],
        ["기존 사업과 중복 (제안)", summary["existing"]],
        ["확인 필요 (제안)", summary["check"]],
        ["신규 (제안)", summary["new"]],
        ["제외된 새 과제 (내용 없음)", summary["skipped"]],
        ["신규 간 중복 묶음", summary["new_duplicate_groups"]],
        ["중복 임계값 (같은 사업일 확률)", s.threshold],
        ["확인 필요 하한 (확률)", result.low],
        ["taskdedup 버전", taskdedup.__version__],
    ]
    rows.extend(["알림", translate(n, lang)] for n in result.notices)
    headers = [("번호", 12), ("과제명", 36), ("기관", 14), ("제안", 14), ("결정", 14), ("의견", 24)]
    for k in range(1, TOP + 1):
        headers += [(f"{k}순위 기존 사업", 36), (f"{k}순위 확률", 8)]
    headers += [("신규 간 중복", 8), ("상태", 16), ("파일", 24), ("행", 6)]
    table, fills = [], {}
    for i, r in enumerate(link_records(result)):
        row = [r["row_id"], r["title"], r["agency"], VERDICT_KO.get(r["verdict"], "") if r["verdict"] else "", None, None]
        for k in range(TOP):
            c = r["candidates"][k] if k < len(r["candidates"]) else None
            row += [_candidate_cell(c), c["probability"]] if c else [None, None]
        row += [r["new_duplicate_group"], STATUS_KO.get(r["status"], r["status"]), r["source_file"], r["row_number"]]
        table.append(row)
        if r["verdict"] == EXISTING:
            fills[i] = REP_FILL
        elif r["verdict"] == CHECK:
            fills[i] = REVIEW_FILL
    matched = SheetSpec(
        "기존 사업 대조", headers, table, wrap={2, 6, 7, 9, 11}, number_formats={8: PROBABILITY, 10: PROBABILITY, 12: PROBABILITY}, colour_scale=8,
        decision=5, choices=DECISIONS, choice_error=DECISION_ERROR, row_fills=fills, freeze_columns=2, print_columns=8,
    )
    inside = SheetSpec(
        "신규 간 중복", [("제안번호", 8), ("대표 과제", 40), ("과제 수", 7), ("참여 기관", 28), ("일치 확률", 8), ("과제 번호 목록", 40)],
        [[c.cluster_id, c.representative.submission.title, c.size, ", ".join(c.agencies), rounded(result.inside.match.probability(c.cohesion)),
          ", ".join(m.submission.row_id for m in c.members)] for c in result.inside.proposals],
        wrap={2, 4, 6}, number_formats={5: PROBABILITY},
    )
    existing = SheetSpec(
        "기존 사업", [("번호", 12), ("사업명", 40), ("기관", 14), ("중복으로 보이는 새 과제 수", 10), ("새 과제 번호", 30), ("파일", 24), ("행", 6)],
        [[e.row_id, e.title, e.agency, len(result.matched_by.get(e.row_id, ())), ", ".join(result.matched_by.get(e.row_id, ())), e.source, e.row_number]
         for e in result.existing],
        wrap={2, 5},
    )
    sheets = [SheetSpec("사용법", [("순서", 6), ("설명", 100)], HOW_TO, wrap={2}, autofilter=False),
              SheetSpec("요약", [("항목", 30), ("값", 60)], rows, wrap={2}, autofilter=False), matched, inside, existing]
    props = {"title": "taskdedup 기존 사업 대조", "subject": "새 과제와 기존 사업의 중복 (new proposals against existing projects)",
             "comments": result.run.command, "keywords": "taskdedup"}
    return workbook_bytes(to_english(sheets) if lang == "en" else sheets, props, active=2)


def render_link_export(result: LinkResult, path: Path, lang: str | None = None) -> bytes:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return to_link_xlsx(result, lang or "ko")
    if suffix == ".csv":
        return to_link_csv(result, lang or "en")
    return to_link_json(result)


def link_text(result: LinkResult, top: int, lang: str) -> str:
    """What the terminal shows: the counts, then the new rows that duplicate an existing one, best first."""
    summary = _summary(result)
    lines = [translate(msg(
        "taskdedup link: {new} new row(s) against {existing} existing: {dup} duplicate an existing one, {check} to check, {fresh} new; "
        "{groups} duplicate group(s) among the new rows",
        new=summary["new_rows"], existing=summary["existing_rows"], dup=summary["existing"], check=summary["check"], fresh=summary["new"],
        groups=summary["new_duplicate_groups"]), lang), ""]
    shown = [link for link in result.links if link.verdict != NEW]
    shown.sort(key=lambda link: -link.candidates[0].similarity)  # stable: canonical order among equals
    for link in shown[: top or None]:
        s = link.submission
        lines.append(f"{s.row_id}\t{s.agency or '-'}\t{s.title}\t[{translate(VERDICT_EN[link.verdict], lang)}]")
        lines.extend(f"    {c.probability:.2f}  {c.submission.row_id}\t{c.submission.agency or '-'}\t{c.submission.title}" for c in link.candidates)
    if top and len(shown) > top:
        lines.append(translate(msg("... {more} more not shown (--top 0 shows all; the exports have every row)", more=len(shown) - top), lang))
    return "\n".join(lines) + "\n"


