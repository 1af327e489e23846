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
    "의견": "Comment", "주제번호": "Theme", "번호": "Id", "행": "Row", "파일": "File", "기관": "Agency", "분야": "Field", "과제명": "Title",
    "대표": "Representative", "대표와 일치 확률": "Probability with representative", "공유 핵심어": "Shared terms", "상태": "Status",
    "포함 군집 (제안번호)": "Clusters", "번호 A": "Id A", "기관 A": "Agency A", "과제 A": "Task A",
    "제안번호 A": "Proposal A", "번호 B": "Id B", "기관 B": "Agency B", "과제 B": "Task B", "제안번호 B": "Proposal B",
    "기관 간 중복": "cross-agency", "기관 내 중복": "same-agency", "기관 미상": "unattributed", "단독": "singleton",
    "군집됨": "clustered", "신규: 병합 결정된 묶음에 합류 (재검토)": "new: joined a merged group (review again)",
    "검토 상태": "Review state", "과제내용": "Description", "과제 보기": "Open", "▶ 보기": "▶ open", "실행 명령": "Command", "실행 날짜": "Run date",
    "기록 안 함 (--run-date로 지정)": "not recorded (give --run-date)", "(라이브러리에서 실행)": "(run from the library)",
    "사용법": "How to use", "단계": "Step", "할 일": "What to do",
    "병합제안: 제안마다 대표 과제(과제 보기를 누르면 과제목록의 그 제안 과제로 이동), 핵심어, 일치 확률을 보고 결정 열에서 병합, 분리, 보류 중 하나를 고릅니다. 이유는 의견 열에 적습니다.":
        "Proposals: for each proposal, read its representative task (Open shows the proposal's tasks on the Tasks sheet), keywords and match probability, then choose merge, split or hold in the Decision column. Write why in Comment.",
    "한 과제만 빼려면: 과제목록에서 그 과제 행의 제외 열에 제외를 고릅니다 (과제 번호 목록에서 그 번호를 지워도 같습니다). 대표 과제를 바꾸려면 과제목록의 대표 표시를 다른 과제로 옮깁니다.":
        "To take one task out: on the Tasks sheet, choose exclude in that task's Exclude column (deleting its id from Member ids means the same). To change the representative, move the Representative mark on the Tasks sheet to another task.",
    "라벨 요청: 모델이 가장 판단하기 어려워한 과제 쌍입니다. 같음 또는 다름을 고르면 taskdedup learn 이 팀의 판단을 배웁니다.":
        "Please label: the pairs the model was least sure of. Choose same or different, and taskdedup learn learns your team's judgement.",
    "다음 차수: taskdedup cluster 새설문.xlsx --decisions 이파일.xlsx -o 검토2.xlsx. 병합한 묶음은 유지되고, 분리한 과제는 계속 떨어져 있으며, 새 과제가 병합한 묶음에 들어오면 재검토로 표시됩니다.":
        "Next round: taskdedup cluster new-survey.xlsx --decisions this-file.xlsx -o review2.xlsx. Merged groups stay merged, split tasks stay apart, and a merged group that a new task joins is marked review again.",
    "통합 목록: taskdedup apply 이파일.xlsx -o 통합.xlsx. 병합 결정을 반영한 과제 목록을 만듭니다.":
        "Merged list: taskdedup apply this-file.xlsx -o merged.xlsx makes the task list with the merges applied.",
    "색: 일치 확률이 높을수록 진한 초록입니다. 주황색 행은 새 과제가 들어와 다시 볼 묶음(재검토)입니다. 인쇄하면 각 시트의 앞쪽 열(번호, 과제, 결정)이 A4 가로에 맞게 나옵니다.":
        "Colours: the likelier one project, the greener. An orange row is a merged group a new task joined (review again). Printed, each sheet's first columns (number, task, decision) fit A4 landscape.", "이전 결정": "decided earlier", "제외": "Exclude", "제외: 내용 없음": "skipped: empty text", "제외: 비교할 단어 없음": "skipped: no words in text",
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
# `taskdedup link`'s workbook (output/links.py).
ENGLISH.update({
    "기존 사업 대조": "Against existing", "신규 간 중복": "Duplicates among new", "기존 사업": "Existing projects", "제안": "Suggested",
    "사업명": "Title", "중복으로 보이는 새 과제 수": "New rows that duplicate it", "새 과제 번호": "New row ids", "순서": "Step", "설명": "What to do",
    "새 과제 파일": "New files", "기존 사업 파일": "Existing files", "새 과제 수": "New rows", "기존 사업 수": "Existing rows",
    "기존 사업과 중복 (제안)": "Duplicate an existing one (suggested)", "확인 필요 (제안)": "To check (suggested)", "신규 (제안)": "New (suggested)",
    "제외된 새 과제 (내용 없음)": "New rows skipped (no text)", "신규 간 중복 묶음": "Duplicate groups among new rows",
    "중복 임계값 (같은 사업일 확률)": "Threshold (probability of one project)", "확인 필요 하한 (확률)": "To check from (probability)",
    "기존 사업과 중복, 신규, 확인 필요 중 하나를 고르세요": "Choose duplicates existing, new or to check",
    "기존 사업 대조: 새 과제마다 가장 비슷한 기존 사업 세 개와 같은 사업일 확률입니다. 제안 열은 taskdedup 의 판단이고, 결정 열에서 기존 사업과 중복, 신규, 확인 필요 중 하나를 고릅니다.":
        "Against existing: for each new row, the three closest existing projects and the probability that each is the same project. Suggested is taskdedup's reading; choose duplicates existing, new or to check in the Decision column.",
    "신규 간 중복: 새 과제끼리 같은 사업으로 보이는 묶음입니다 (taskdedup cluster 와 같은 판단). 기존 사업 대조의 신규 간 중복 열이 그 제안번호입니다.":
        "Duplicates among new: groups of new rows that look like one project (as taskdedup cluster reads them); the Against existing sheet names each row's group.",
    "기존 사업: 기존 목록의 모든 사업과, 그 사업과 중복으로 보이는 새 과제의 번호입니다.":
        "Existing projects: every existing project, and the new rows that look like duplicates of it.",
    **{f"{k}순위 기존 사업": f"Existing {k}" for k in (1, 2, 3)}, **{f"{k}순위 확률": f"Probability {k}" for k in (1, 2, 3)},
})
LINK_KO = ("기존 사업과 중복", "신규", "확인 필요")
LINK_EN = ("duplicates existing", "new", "to check")
ENGLISH.update(zip(LINK_KO, LINK_EN, strict=True))  # the 제안 (Suggested) column
DECISIONS_EN = ("merge", "split", "hold")
# The answers of the 라벨 요청 (Please label) sheet.
LABELS_KO = ("같음", "다름")
LABELS_EN = ("same", "different")
# The member-level decision of the 과제목록 (Tasks) sheet.
EXCLUDE_KO, EXCLUDE_EN = ("제외",), ("exclude",)
CHOICES_EN = dict(zip(DECISIONS_KO + LABELS_KO + EXCLUDE_KO + LINK_KO, DECISIONS_EN + LABELS_EN + EXCLUDE_EN + LINK_EN, strict=True))
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


def _english_link(target: str) -> str:
    """internal:'과제목록'!A5 -> internal:'Tasks'!A5"""
    head, _, rest = target.partition("'")
    name, _, cell = rest.partition("'")
    return f"{head}'{_english(name)}'{cell}" if rest else target


def to_english(sheets: list[SheetSpec]) -> list[SheetSpec]:
    """The same sheets with English names, headers, fixed words and decision choices."""
    out = []
    for spec in sheets:
        rows = spec.rows
        if spec.decision:  # carried decisions; only this column, a comment may say "보류" too
            at = spec.decision - 1
            rows = [[CHOICES_EN.get(v, v) if j == at else v for j, v in enumerate(row)] for row in rows]
        chart = replace(spec.chart, title=_english(spec.chart.title)) if spec.chart else None
        links = {row: (column, _english_link(target)) for row, (column, target) in spec.links.items()}
        out.append(replace(
            spec,
            name=_english(spec.name),
            headers=[(_english(name), width) for name, width in spec.headers],
            rows=[[_english(v) for v in row] for row in rows],
            cells=[(r, c, _english(v)) for r, c, v in spec.cells],
            choices=tuple(CHOICES_EN.get(c, c) for c in spec.choices),
            choice_error=_english(spec.choice_error),
            chart=chart,
            links=links,
        ))
    return out
