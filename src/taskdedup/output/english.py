"""English labels for `--lang en`: the review workbook described in Korean, then translated."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taskdedup.output.sheets import SheetSpec

# The decision words of the drop-down, in the order of their Korean ones (output/workbook.py).
DECISIONS_KO = ("병합", "분리", "보류")

# English labels for --lang en: sheet names, headers, and the fixed words in cells.
ENGLISH = {
    "요약": "Summary", "병합제안": "Proposals", "과제목록": "Tasks", "주제": "Themes", "유사쌍": "Near misses",
    "항목": "Item", "값": "Value", "제안번호": "Proposal", "제안 키": "Proposal key", "유형": "Kind", "기관 수": "Agencies",
    "과제 수": "Tasks", "참여 기관": "Participating agencies", "대표 과제": "Representative task", "주관 기관(제안)": "Suggested lead",
    "핵심어": "Keywords", "일치 확률": "Match probability", "가장 먼 과제": "Weakest member", "과제 번호 목록": "Member ids", "결정": "Decision",
    "의견": "Comment", "주제번호": "Theme", "번호": "Id", "행": "Row", "기관": "Agency", "분야": "Field", "과제명": "Title",
    "대표": "Representative", "대표와 일치 확률": "Probability with representative", "공유 핵심어": "Shared terms", "상태": "Status",
    "포함 군집 (제안번호)": "Clusters", "번호 A": "Id A", "기관 A": "Agency A", "과제 A": "Task A",
    "제안번호 A": "Proposal A", "번호 B": "Id B", "기관 B": "Agency B", "과제 B": "Task B", "제안번호 B": "Proposal B",
    "기관 간 중복": "cross-agency", "기관 내 중복": "same-agency", "기관 미상": "unattributed", "단독": "singleton",
    "군집됨": "clustered", "신규: 병합 결정된 묶음에 합류 (재검토)": "new: joined a merged group (review again)",
    "검토 상태": "Review state", "이전 결정": "decided earlier", "제외": "Exclude", "제외: 내용 없음": "skipped: empty text", "제외: 비교할 단어 없음": "skipped: no words in text",
    "입력 파일": "Input file", "병합 제안": "Merge proposals", "읽은 과제 수": "Rows read", "제외된 과제 수 (내용 없음)": "Rows skipped (no text)",
    "무시한 빈 행": "Blank rows ignored", "군집 수 (단독 포함)": "Clusters (with singletons)", "병합 제안 수": "Merge proposals",
    "  기관 간 중복": "  cross-agency", "  기관 내 중복": "  same-agency", "  기관 미상": "  unattributed",
    "병합 제안에 든 과제 수": "Rows in proposals", "여러 군집에 걸친 주제 수": "Themes", "형태소 분석기": "Tokenizer",
    "병합 임계값 (같은 과제일 확률)": "Threshold (probability of one project)", "주제 임계값 (확률)": "Theme threshold (probability)", "어휘집 항목 수": "Lexicon entries",
    "연결 방식 (linkage)": "Linkage", "비교한 열": "Text columns", "기관 열": "Agency column", "번호 열": "Id column",
    "taskdedup 버전": "taskdedup version", "알림": "Notice", "(없음)": "(none)", "(행 번호 사용)": "(row numbers)",
    "결정 기록": "Decision log", "라벨 요청": "Please label", "매칭 모델": "Match model", "기본 제공": "built-in", "같은 과제?": "Same project?", "문장 임베딩": "Sentence embedding", "(사용 안 함)": "(not used)",
    "병합, 분리, 보류 중 하나를 고르세요": "Choose merge, split or hold", "제외를 고르거나 비워 두세요": "Choose exclude or leave empty", "같음 또는 다름을 고르세요": "Choose same or different",
    "유사도 방식": "Similarity", "신호 가중치 (단어 · 글자 · 임베딩)": "Signal weights (words · characters · embedding)",
    "hybrid (단어 + 글자 + 문장 임베딩)": "hybrid (words + characters + sentence embedding)", "lexical (단어 + 글자)": "lexical (words + characters)",
}
DECISIONS_EN = ("merge", "split", "hold")
# The answers of the 라벨 요청 (Please label) sheet.
LABELS_KO = ("같음", "다름")
LABELS_EN = ("same", "different")
# The member-level decision of the 과제목록 (Tasks) sheet.
EXCLUDE_KO, EXCLUDE_EN = ("제외",), ("exclude",)
CHOICES_EN = dict(zip(DECISIONS_KO + LABELS_KO + EXCLUDE_KO, DECISIONS_EN + LABELS_EN + EXCLUDE_EN, strict=True))
# Cells made of a fixed start and ids.
PREFIXES = {"재검토: 새 과제 ": "review again: new task(s) "}


def _english(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    found = ENGLISH.get(value)
    if found is not None:
        return found
    for ko, en in PREFIXES.items():
        if value.startswith(ko):
            return en + value[len(ko):]
    return value


def to_english(sheets: list[SheetSpec]) -> list[SheetSpec]:
    """The same sheets with English names, headers, fixed words and decision choices."""
    out = []
    for spec in sheets:
        rows = spec.rows
        if spec.decision:  # carried decisions; only this column, a comment may say "보류" too
            at = spec.decision - 1
            rows = [[CHOICES_EN.get(v, v) if j == at else v for j, v in enumerate(row)] for row in rows]
        chart = replace(spec.chart, title=_english(spec.chart.title)) if spec.chart else None
        out.append(replace(
            spec,
            name=_english(spec.name),
            headers=[(_english(name), width) for name, width in spec.headers],
            rows=[[_english(v) for v in row] for row in rows],
            cells=[(r, c, _english(v)) for r, c, v in spec.cells],
            choices=tuple(CHOICES_EN.get(c, c) for c in spec.choices),
            choice_error=_english(spec.choice_error),
            chart=chart,
        ))
    return out
