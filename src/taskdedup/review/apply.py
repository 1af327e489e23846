"""The analysts' decisions in a review workbook -> the merged task list (`taskdedup apply`).

A review workbook is what `taskdedup cluster -o review.xlsx` writes: a proposals sheet whose
decision column analysts fill in (병합/분리/보류, or merge/split/hold) and a tasks sheet with every
input row. Applying it gives one row per merged project and every other task as it was, and the
row counts must reconcile exactly with the tasks sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from taskdedup.errors import InputError
from taskdedup.messages import msg
from taskdedup.review.decisions import COL, HOLD, MERGE, PROPOSALS, SPLIT, TASKS, find_column, find_sheet, parse_decision, proposal_records


@dataclass(frozen=True)
class Project:
    """One row of the merged list: a merged group, or a task left as it was."""

    merged: bool
    key: str
    lead_agency: str
    agencies: tuple[str, ...]
    ids: tuple[str, ...]
    titles: tuple[str, ...]
    comment: str = ""
    files: tuple[str, ...] = ()  # the files its tasks came from, when the survey was several files


@dataclass(frozen=True)
class Applied:
    projects: list[Project]
    tasks_in: int
    merged_groups: int
    tasks_merged: int
    decisions: dict[str, int]  # merge / split / hold / undecided -> count of proposals
    excluded: int = 0  # tasks taken out of 병합 proposals (제외, or deleted from the id list)
    splits_in_force: int = 0  # split decisions of earlier rounds, carried in the 결정 기록 sheet

    def reconciles(self) -> bool:
        return self.tasks_in == self.tasks_merged + sum(1 for p in self.projects if not p.merged)


def apply_decisions(sheets: dict[str, pd.DataFrame], source: str) -> Applied:
    """The merged list: each 병합 proposal's tasks as `cluster --decisions` reads them (its id list,
    less the tasks marked 제외 on the tasks sheet) become one project, every other task stays as it was."""
    p_name, proposals = find_sheet(sheets, PROPOSALS, source)
    t_name, tasks = find_sheet(sheets, TASKS, source)
    decision_col = find_column(proposals, "decision", p_name)
    t_id = find_column(tasks, "id", t_name)
    t_agency, t_title = find_column(tasks, "agency", t_name), find_column(tasks, "title", t_name)
    t_file = next((name for name in COL["file"] if name in tasks.columns), None)  # only a run over several files has it

    def files(rows: list[pd.Series]) -> tuple[str, ...]:
        return tuple(sorted({str(r[t_file]) for r in rows if str(r[t_file])})) if t_file else ()

    counts = {MERGE: 0, SPLIT: 0, HOLD: 0, "undecided": 0}
    for number, raw in enumerate(proposals[decision_col]):
        text = str(raw).strip()
        counts[parse_decision(text, source, p_name, number) if text else "undecided"] += 1
    records, logged = proposal_records(sheets, source)

    # An id names every row that has it (an id column may repeat values), as in `cluster --decisions`.
    rows_of: dict[str, list[pd.Series]] = {}
    for _, row in tasks.iterrows():
        rows_of.setdefault(str(row[t_id]).strip(), []).append(row)
    group_of: dict[str, str] = {}
    merged: list[Project] = []
    for d in records:
        if d.decision != MERGE:
            continue
        unknown = [i for i in d.ids if i not in rows_of]
        if unknown:
            raise InputError(
                msg(
                    "{source}: proposal {key} is marked 병합 but lists task(s) {ids} that sheet '{t_name}' does not have; fix its "
                    '과제 번호 목록',
                    source=source, key=d.key, ids=', '.join(unknown[:5]), t_name=t_name
                )
            )
        for i in d.ids:
            if i in group_of and group_of[i] != d.key:
                raise InputError(msg('{source}: task {i} is in two 병합 proposals ({group_of}, {key}); keep it in one of them', source=source, i=i, group_of=group_of[i], key=d.key))
            group_of[i] = d.key
        rows = [row for i in dict.fromkeys(d.ids) for row in rows_of[i]]
        if len(rows) < 2:
            continue  # one task left: nothing to merge, it stays as it was
        # the representative first, then by id
        rows.sort(key=lambda r: (str(r[t_id]).strip() != d.representative, str(r[t_id])))
        agencies = tuple(sorted({str(r[t_agency]) for r in rows if str(r[t_agency])}))
        merged.append(Project(
            True, d.key, d.lead or str(rows[0][t_agency]), agencies, tuple(str(r[t_id]) for r in rows),
            tuple(str(r[t_title]) for r in rows), d.comment, files(rows),
        ))
    in_merged = {i.strip() for p in merged for i in p.ids}
    projects = [
        Project(False, "", str(row[t_agency]), (str(row[t_agency]),) if str(row[t_agency]) else (), (str(row[t_id]),), (str(row[t_title]),),
                files=files([row]))
        for _, row in tasks.iterrows()
        if str(row[t_id]).strip() not in in_merged
    ]
    applied = Applied(
        projects=merged + projects,
        tasks_in=len(tasks),
        merged_groups=len(merged),
        tasks_merged=sum(len(p.ids) for p in merged),
        decisions=counts,
        excluded=sum(len(d.removed) for d in records if d.decision == MERGE),
        splits_in_force=sum(d.decision == SPLIT for d in logged),
    )
    if not applied.reconciles():  # a broken invariant is a bug, not bad input
        raise RuntimeError(f"{applied.tasks_in} tasks in, {applied.tasks_merged} merged + {len(projects)} untouched")
    return applied
