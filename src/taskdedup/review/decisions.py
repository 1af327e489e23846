"""Decisions from an earlier review round, read back and applied to a new run (`cluster --decisions`).

The vocabulary of a review workbook (its sheets, columns and decision words, in both languages)
is here too, for `apply` and for the workbook writer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from taskdedup.errors import InputError
from taskdedup.messages import msg
from taskdedup.review.proposals import Cluster

MERGE, SPLIT, HOLD = "merge", "split", "hold"
_DECISION = {"병합": MERGE, "merge": MERGE, "분리": SPLIT, "split": SPLIT, "보류": HOLD, "hold": HOLD}
# A member-level decision on the tasks sheet: this task is not part of its 병합 proposal.
EXCLUDE_WORDS = ("제외", "exclude")
# Sheet and column names in both workbook languages (see output/english.py).
PROPOSALS = ("병합제안", "Proposals")
TASKS = ("과제목록", "Tasks")
COL = {
    "cluster": ("제안번호", "Proposal"), "key": ("제안 키", "Proposal key"), "decision": ("결정", "Decision"),
    "lead": ("주관 기관(제안)", "Suggested lead"), "comment": ("의견", "Comment"), "id": ("번호", "Id"),
    "agency": ("기관", "Agency"), "title": ("과제명", "Title"), "rep": ("대표", "Representative"), "status": ("상태", "Status"),
    "exclude": ("제외", "Exclude"), "file": ("파일", "File"),
}


def parse_decision(raw: str, source: str, sheet: str, index: int) -> str:
    """merge / split / hold from a non-empty decision cell; `index` is the data row (0-based)."""
    decision = _DECISION.get(raw.lower())
    if decision is None:
        where = msg("sheet '{sheet}' row {row}", sheet=sheet, row=index + 2) if sheet else msg("row {row}", row=index + 2)  # sheet '' : a decisions CSV
        raise InputError(msg("{source}: {where}: decision '{raw}' is not one of 병합, 분리, 보류 (merge, split, hold); fix that cell", source=source, where=where, raw=raw))
    return decision


def find_column(frame: pd.DataFrame, role: str, sheet: str) -> str:
    for name in COL[role]:
        if name in frame.columns:
            return name
    raise InputError(msg("sheet '{sheet}' has no '{column}' column; is this a review workbook written by taskdedup cluster?", sheet=sheet, column=COL[role][0]))


def find_sheet(sheets: dict[str, pd.DataFrame], names: tuple[str, ...], source: str) -> tuple[str, pd.DataFrame]:
    for name in names:
        if name in sheets:
            return name, sheets[name]
    raise InputError(msg("{source}: no '{names}' sheet; give the review workbook written by taskdedup cluster -o review.xlsx", source=source, names=names[0]))


# --- decisions fed back into a new run (`cluster --decisions`) ------------------------------------


@dataclass(frozen=True)
class Decided:
    """One earlier decision on a group of tasks, with what the analyst wrote beside it."""

    key: str
    decision: str  # MERGE, SPLIT or HOLD
    ids: tuple[str, ...]
    comment: str = ""
    lead: str = ""
    # Tasks the workbook listed in this proposal that the analyst took out (marked 제외 on the tasks
    # sheet, or deleted from the id list): not the same project as the rest (learning reads them
    # as "different"), kept apart from the group in the next run, left out of it by `apply`.
    removed: tuple[str, ...] = ()
    # The task marked 대표 on the tasks sheet, when it is still in the group: a merged group keeps it.
    representative: str = ""


@dataclass(frozen=True)
class Decisions:
    """What analysts decided in an earlier review workbook, by row id."""

    records: list[Decided]
    known_ids: frozenset[str]  # every row of the earlier run: others are new
    source: str

    @property
    def merge(self) -> list[tuple[str, tuple[str, ...]]]:
        return [(d.key, d.ids) for d in self.records if d.decision == MERGE]

    @property
    def split(self) -> list[tuple[str, tuple[str, ...]]]:
        return [(d.key, d.ids) for d in self.records if d.decision == SPLIT]


# The sheet that carries decisions with no proposal of their own in the new run (split groups).
LOG = ("결정 기록", "Decision log")


# An Excel cell holds 32,767 characters. A longer id list is cut to fit and ends with MORE; the
# full list is then the tasks sheet's rows of that proposal (or, in the decision log, the rows of
# the same key that follow).
CELL_LIMIT = 32_767
MORE = " … (+"


def id_cells(ids: Sequence[str], room: int = CELL_LIMIT) -> list[str]:
    """The ids as comma-separated cells of at most `room` characters each, in order."""
    cells: list[str] = []
    current = ""
    for row_id in ids:
        joined = f"{current}, {row_id}" if current else row_id
        if len(joined) > room and current:
            cells.append(current)
            joined = row_id
        current = joined
    return [*cells, current] if current or not cells else cells


def proposal_ids_cell(ids: Sequence[str]) -> str:
    """The 과제 번호 목록 cell of a proposal: every id, or as many as fit and where the rest are."""
    full = ", ".join(ids)
    if len(full) <= CELL_LIMIT:
        return full
    first = id_cells(ids, CELL_LIMIT - 80)[0]
    shown = first.count(",") + 1
    return f"{first}{MORE}{len(ids) - shown} more: see the 과제목록 (Tasks) sheet)"


def _ids(cell: object) -> tuple[str, ...]:
    text = str(cell).split(MORE, 1)[0]
    return tuple(i.strip() for i in text.replace(";", ",").split(",") if i.strip())


@dataclass(frozen=True)
class Listed:
    """One proposal as the tasks sheet lists it: the source of truth for a cut id list."""

    ids: tuple[str, ...]
    excluded: frozenset[str]  # rows marked 제외
    representative: str  # the row marked 대표 ("" when none is)


def listed_members(tasks: pd.DataFrame, sheet: str, source: str) -> dict[str, Listed]:
    """Proposal number -> its tasks, from the tasks sheet. A 제외 cell must say 제외 (exclude)."""
    cluster_col, id_col = find_column(tasks, "cluster", sheet), find_column(tasks, "id", sheet)
    rep_col = next((c for c in COL["rep"] if c in tasks.columns), None)
    exclude_col = next((c for c in COL["exclude"] if c in tasks.columns), None)  # workbooks before 0.2 have none
    ids: dict[str, list[str]] = {}
    excluded: dict[str, set[str]] = {}
    reps: dict[str, str] = {}
    for number, row in tasks.iterrows():
        cluster, row_id = str(row[cluster_col]).strip(), str(row[id_col]).strip()
        ids.setdefault(cluster, []).append(row_id)
        if rep_col is not None and str(row[rep_col]).strip():
            reps.setdefault(cluster, row_id)
        mark = str(row[exclude_col]).strip() if exclude_col is not None else ""
        if mark:
            if mark.lower() not in EXCLUDE_WORDS:
                raise InputError(
                    msg(
                        "{source}: sheet '{sheet}' row {row}: '{mark}' in column '{exclude_col}' is not 제외 (exclude); choose 제외 or "
                        'clear the cell',
                        source=source, sheet=sheet, row=int(number) + 2, mark=mark, exclude_col=exclude_col
                    )
                )
            excluded.setdefault(cluster, set()).add(row_id)
    return {k: Listed(tuple(v), frozenset(excluded.get(k, ())), reps.get(k, "")) for k, v in ids.items()}


def _records(frame: pd.DataFrame, sheet: str, source: str, members: dict[str, Listed] | None = None) -> list[Decided]:
    key_col, decision_col = find_column(frame, "key", sheet), find_column(frame, "decision", sheet)
    ids_col = next((c for c in ("과제 번호 목록", "Member ids") if c in frame.columns), None)
    if ids_col is None:
        raise InputError(msg("sheet '{sheet}' has no '과제 번호 목록' column; is this a review workbook written by taskdedup cluster?", sheet=sheet))
    comment_col = next((c for c in COL["comment"] if c in frame.columns), None)
    lead_col = next((c for c in COL["lead"] if c in frame.columns), None)
    cluster_col = next((c for c in COL["cluster"] if c in frame.columns), None)
    out: list[Decided] = []
    for number, row in frame.iterrows():
        raw = str(row[decision_col]).strip()
        if not raw:
            continue
        ids = _ids(row[ids_col])
        listed = members.get(str(row[cluster_col]).strip()) if members is not None and cluster_col is not None else None
        if listed is not None and MORE in str(row[ids_col]):
            ids = listed.ids
        if listed is not None:
            ids = tuple(i for i in ids if i not in listed.excluded)
        kept = set(ids)
        decided = Decided(
            key=str(row[key_col]).strip(),
            decision=parse_decision(raw, source, sheet, int(number)),
            ids=ids,
            comment=str(row[comment_col]).strip() if comment_col else "",
            lead=str(row[lead_col]).strip() if lead_col else "",
            removed=tuple(i for i in listed.ids if i not in kept) if listed is not None else (),
            representative=listed.representative if listed is not None and listed.representative in kept else "",
        )
        if out and out[-1].key == decided.key and out[-1].decision == decided.decision:  # a long list over several rows
            out[-1] = replace(out[-1], ids=out[-1].ids + decided.ids)
        else:
            out.append(decided)
    return out


def proposal_records(sheets: dict[str, pd.DataFrame], source: str) -> tuple[list[Decided], list[Decided]]:
    """The decisions of a review workbook: those on its proposals sheet (id lists as the tasks sheet
    and its 제외 marks leave them), and those carried in its 결정 기록 sheet that no proposal
    decides again."""
    p_name, proposals = find_sheet(sheets, PROPOSALS, source)
    t_name, tasks = find_sheet(sheets, TASKS, source)
    records = _records(proposals, p_name, source, listed_members(tasks, t_name, source))
    log_name = next((name for name in LOG if name in sheets), None)
    logged: list[Decided] = []
    if log_name is not None:
        decided = {d.key for d in records}
        logged = [d for d in _records(sheets[log_name], log_name, source) if d.key not in decided]
    return records, logged


def read_decisions(sheets: dict[str, pd.DataFrame], source: str) -> Decisions:
    """From a review workbook's sheets, or from a decisions CSV read as one sheet named ''.

    A CSV has the columns 제안 키 (or key), 결정 (or decision) and 과제 번호 목록 (or ids, separated
    by commas or semicolons), optionally 의견 (comment). It lists no other tasks, so every row it
    does not name counts as new. A workbook's 결정 기록 sheet adds the decisions carried from the
    run before (a proposal decided on its own sheet wins over the same key in the log).
    """
    if set(sheets) == {""}:
        return _decisions_from_table(sheets[""], source)
    records, logged = proposal_records(sheets, source)
    t_name, tasks = find_sheet(sheets, TASKS, source)
    known = frozenset(str(v).strip() for v in tasks[find_column(tasks, "id", t_name)])
    return Decisions(records=records + logged, known_ids=known, source=source)


def carry_forward(decisions: Decisions, clusters: Sequence[Cluster]) -> tuple[dict[int, Decided], list[Decided]]:
    """Earlier decisions for the new workbook, so that a decision made once is not asked again.

    Returns the decision to pre-fill for each proposal (by cluster id): a merged group's cluster
    (new rows that joined it included), or a held group's cluster when it has exactly the same
    tasks; and the split decisions, which have no proposal of their own since their tasks were
    kept apart, for the decision log. Decisions with fewer than two tasks left are dropped: the
    run's notices already name the missing tasks.
    """
    cluster_of: dict[str, Cluster] = {}
    for c in clusters:
        for m in c.members:
            cluster_of.setdefault(m.submission.row_id, c)
    prefill: dict[int, Decided] = {}
    log: list[Decided] = []
    for d in decisions.records:
        present = tuple(i for i in d.ids if i in cluster_of)
        if len(present) < 2:
            continue
        if d.decision == SPLIT:
            log.append(replace(d, ids=present))
            continue
        c = cluster_of[present[0]]
        if not c.is_proposal or c.cluster_id in prefill or any(cluster_of[i] is not c for i in present):
            continue
        if d.decision == MERGE or {m.submission.row_id for m in c.members} == set(present):
            prefill[c.cluster_id] = d
    return prefill, log


def _decisions_from_table(table: pd.DataFrame, source: str) -> Decisions:
    def pick(*names: str) -> str:
        for name in names:
            if name in table.columns:
                return name
        raise InputError(msg("{source}: a decisions CSV needs a '{names}' (or '{names2}') column; found {found}", source=source, names=names[0], names2=names[-1], found=', '.join(map(str, table.columns))))

    key_col, decision_col = pick("제안 키", "Proposal key", "key"), pick("결정", "Decision", "decision")
    ids_col = pick("과제 번호 목록", "Member ids", "ids")
    renames = {key_col: "제안 키", decision_col: "결정", ids_col: "과제 번호 목록"}
    renames.update({c: "의견" for c in ("Comment", "comment") if c in table.columns})
    frame = table.rename(columns=renames)
    named = frozenset(i for cell in frame["과제 번호 목록"] for i in _ids(cell))  # decided or not: not new
    return Decisions(records=_records(frame, "", source), known_ids=named, source=source)


NEW_ATTACHED = "clustered: new, joined a merged group"


def constrain(
    labels: np.ndarray, row_ids: list[str], decisions: Decisions, notices: list[str]
) -> tuple[np.ndarray, set[int], set[int]]:
    """Apply earlier decisions to cluster labels (indices in canonical order).

    Merged groups stay together (must-link); rows new since the decision that the clustering put
    with them join them, other earlier rows leave, and so do the tasks the analyst took out of the
    group (제외), new or not. Split groups stay apart (cannot-link): in any cluster holding several
    of their rows, all but the first leave as tasks on their own. Held and undecided proposals are
    clustered as usual. A decision whose rows are gone is reported.
    Returns the new labels, the indices of new rows that joined a merged group, and the indices of
    the representatives merged groups keep (the task marked 대표 when they were decided).
    """
    labels = labels.copy()
    where: dict[str, list[int]] = {}
    for i, row_id in enumerate(row_ids):
        where.setdefault(row_id, []).append(i)
    fresh = int(labels.max()) + 1 if len(labels) else 0
    attached: set[int] = set()
    representatives: set[int] = set()

    def present(key: str, ids: tuple[str, ...], kind: str) -> list[int]:
        found = [i for row_id in ids for i in where.get(row_id, [])]
        gone = [row_id for row_id in ids if row_id not in where]
        if gone:
            shown = ", ".join(gone[:5])
            notices.append(msg('decision {kind} {key}: {n_gone} of {n_ids} task(s) no longer in the input ({shown}); applied to the rest', kind=kind, key=key, n_gone=len(gone), n_ids=len(ids), shown=shown))
        return found

    for d in decisions.records:
        if d.decision != MERGE:
            continue
        members = present(d.key, d.ids, "병합")
        if len(members) < 2:
            continue
        group = set(members)
        out = set(d.removed)
        touched = {int(labels[i]) for i in members}
        for i in np.flatnonzero(np.isin(labels, list(touched))).tolist():
            if i not in group and row_ids[i] not in decisions.known_ids and row_ids[i] not in out:
                group.add(i)
                attached.add(i)
        leaving = [i for i in np.flatnonzero(np.isin(labels, list(touched))).tolist() if i not in group]
        for i in group:
            labels[i] = fresh
        fresh += 1
        if d.representative in where:
            representatives.add(where[d.representative][0])
        # Earlier rows that the clustering had put with the group keep their own clusters apart from it.
        for old in touched:
            rest = [i for i in leaving if labels[i] == old]
            for i in rest:
                labels[i] = fresh
            if rest:
                fresh += 1
    for key, ids in decisions.split:
        members = present(key, ids, "분리")
        by_label: dict[int, list[int]] = {}
        for i in sorted(members):
            by_label.setdefault(int(labels[i]), []).append(i)
        for together in by_label.values():
            for i in together[1:]:
                labels[i] = fresh
                fresh += 1
    return labels, attached, representatives
