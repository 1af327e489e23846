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
from taskdedup.review.decisions import HOLD, MERGE, PROPOSALS, SPLIT, TASKS, find_column, find_sheet, parse_decision


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


@dataclass(frozen=True)
class Applied:
    projects: list[Project]
    tasks_in: int
    merged_groups: int
    tasks_merged: int
    decisions: dict[str, int]  # merge / split / hold / undecided -> count of proposals

    def reconciles(self) -> bool:
        return self.tasks_in == self.tasks_merged + sum(1 for p in self.projects if not p.merged)


def apply_decisions(sheets: dict[str, pd.DataFrame], source: str) -> Applied:
    p_name, proposals = find_sheet(sheets, PROPOSALS, source)
    t_name, tasks = find_sheet(sheets, TASKS, source)
    key_col, decision_col = find_column(proposals, "key", p_name), find_column(proposals, "decision", p_name)
    cluster_col, lead_col = find_column(proposals, "cluster", p_name), find_column(proposals, "lead", p_name)
    comment_col = find_column(proposals, "comment", p_name)
    t_cluster, t_id = find_column(tasks, "cluster", t_name), find_column(tasks, "id", t_name)
    t_agency, t_title, t_rep = find_column(tasks, "agency", t_name), find_column(tasks, "title", t_name), find_column(tasks, "rep", t_name)

    counts = {MERGE: 0, SPLIT: 0, HOLD: 0, "undecided": 0}
    merged_clusters: dict[str, tuple[str, str, str]] = {}  # cluster id -> (key, lead, comment)
    for number, row in proposals.iterrows():
        raw = str(row[decision_col]).strip()
        if not raw:
            counts["undecided"] += 1
            continue
        decision = parse_decision(raw, source, p_name, int(number))
        counts[decision] += 1
        if decision == MERGE:
            merged_clusters[str(row[cluster_col]).strip()] = (str(row[key_col]), str(row[lead_col]).strip(), str(row[comment_col]).strip())

    groups: dict[str, list[pd.Series]] = {}
    projects: list[Project] = []
    for _, row in tasks.iterrows():
        cluster = str(row[t_cluster]).strip()
        if cluster in merged_clusters:
            groups.setdefault(cluster, []).append(row)
        else:
            projects.append(
                Project(False, "", str(row[t_agency]), (str(row[t_agency]),) if str(row[t_agency]) else (), (str(row[t_id]),), (str(row[t_title]),))
            )
    merged: list[Project] = []
    for cluster, rows in groups.items():
        key, lead, comment = merged_clusters[cluster]
        rows.sort(key=lambda r: (str(r[t_rep]).strip() == "", str(r[t_id])))  # representative first
        agencies = tuple(sorted({str(r[t_agency]) for r in rows if str(r[t_agency])}))
        merged.append(
            Project(True, key, lead or str(rows[0][t_agency]), agencies, tuple(str(r[t_id]) for r in rows), tuple(str(r[t_title]) for r in rows), comment)
        )
    missing = sorted(set(merged_clusters) - set(groups))
    if missing:
        raise InputError(f"{source}: proposal(s) {', '.join(missing)} are marked 병합 but have no tasks in sheet '{t_name}'; was the sheet edited?")
    applied = Applied(
        projects=merged + projects,
        tasks_in=len(tasks),
        merged_groups=len(merged),
        tasks_merged=sum(len(p.ids) for p in merged),
        decisions=counts,
    )
    if not applied.reconciles():  # a broken invariant is a bug, not bad input
        raise RuntimeError(f"{applied.tasks_in} tasks in, {applied.tasks_merged} merged + {len(projects)} untouched")
    return applied
