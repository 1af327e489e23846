"""Labelled pairs from what analysts decided: the free labels every review round produces.

A 병합 (merge) group says its tasks are one project: every pair inside it is "same", and a task the
analyst deleted from its id list is "different" from each task left. A 분리 (split) group says its
tasks are not one project: every pair inside it is "different". 보류 (hold) says nothing yet.
Answers on the 라벨 요청 sheet are one pair each.

Rounds repeat decisions (a workbook carries the earlier round's decisions forward, and its 결정 기록
keeps earlier splits), so a pair is counted once, and when two sources disagree the later one (the
later file, and inside a workbook its proposals over its log) is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import pandas as pd

from taskdedup.errors import InputError
from taskdedup.messages import msg
from taskdedup.review.decisions import MERGE, SPLIT, Decisions

# The label sheet of a review workbook, in both workbook languages (output/english.py).
LABEL_SHEET = ("라벨 요청", "Please label")
LABEL_COLUMN = "같은 과제?"
_LABEL_COLUMNS = {"a": ("번호 A", "Id A"), "b": ("번호 B", "Id B"), "answer": (LABEL_COLUMN, "Same project?")}
_ANSWERS = {"같음": True, "same": True, "다름": False, "different": False}

# A merge group of n tasks gives n(n-1)/2 pairs; past this many tasks only the pairs between
# each task and the group's first LARGE_GROUP tasks are kept, so one big group cannot drown the rest.
LARGE_GROUP = 50


@dataclass(frozen=True)
class Label:
    a: str  # row ids, a < b
    b: str
    same: bool
    source: str  # the file and decision it came from, for the report


@dataclass(frozen=True)
class Labels:
    pairs: list[Label]  # one per pair of tasks, sorted by (a, b)
    overruled: int  # pairs labelled both ways, where the later label was kept


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _inside(ids: Sequence[str]) -> Iterable[tuple[str, str]]:
    unique = list(dict.fromkeys(ids))
    if len(unique) <= LARGE_GROUP:
        yield from combinations(unique, 2)
        return
    head = unique[:LARGE_GROUP]
    yield from combinations(head, 2)
    for other in unique[LARGE_GROUP:]:
        for first in head:
            yield first, other


def decision_labels(decisions: Decisions) -> list[Label]:
    """Pairs from one workbook's (or CSV's) decisions, in the order they were decided."""
    out: list[Label] = []
    for d in decisions.records:
        where = f"{decisions.source}: {d.decision} {d.key}"
        if d.decision == MERGE:
            out.extend(Label(*_pair(a, b), True, where) for a, b in _inside(d.ids) if a != b)
            out.extend(Label(*_pair(r, k), False, where) for r in d.removed for k in d.ids if r != k)
        elif d.decision == SPLIT:
            out.extend(Label(*_pair(a, b), False, where) for a, b in _inside(d.ids) if a != b)
    return out


def combine(sources: Sequence[list[Label]]) -> Labels:
    """Every pair once. Inside a source the first label of a pair wins (a workbook's own proposals
    come before the decisions it carried in its log); across sources the later source wins."""
    chosen: dict[tuple[str, str], Label] = {}
    overruled = 0
    for labels in sources:
        seen: dict[tuple[str, str], Label] = {}
        for label in labels:
            seen.setdefault((label.a, label.b), label)
        for key, label in seen.items():
            earlier = chosen.get(key)
            if earlier is not None and earlier.same != label.same:
                overruled += 1
            chosen[key] = label
    return Labels([chosen[k] for k in sorted(chosen)], overruled)


def label_answers(sheets: dict[str, pd.DataFrame], source: str) -> list[Label]:
    """The answered pairs of a workbook's 라벨 요청 sheet (none when it has no such sheet)."""
    name = next((n for n in LABEL_SHEET if n in sheets), None)
    if name is None:
        return []
    frame = sheets[name]
    if frame.empty:
        return []
    found: dict[str, str] = {}
    for role, names in _LABEL_COLUMNS.items():
        column = next((c for c in names if c in frame.columns), None)
        if column is None:
            raise InputError(msg("{source}: sheet '{name}' has no '{names}' column; is this a review workbook written by taskdedup cluster?", source=source, name=name, names=names[0]))
        found[role] = column
    out: list[Label] = []
    for number, (a, b, raw) in enumerate(zip(frame[found["a"]], frame[found["b"]], frame[found["answer"]], strict=True)):
        answer = str(raw).strip()
        if not answer:
            continue
        same = _ANSWERS.get(answer.lower())
        if same is None:
            raise InputError(msg("{source}: sheet '{name}' row {row}: answer '{answer}' is not 같음 or 다름 (same, different); fix that cell", source=source, name=name, row=number + 2, answer=answer))
        a, b = str(a).strip(), str(b).strip()
        if a and b and a != b:
            out.append(Label(*_pair(a, b), same, f"{source}: {name} row {number + 2}"))
    return out


def require_labels(labels: Labels) -> Labels:
    """The labels, or one InputError saying how to get some."""
    if not labels.pairs:
        raise InputError(msg('no decisions to learn from: decide some proposals (병합/분리) or answer the 라벨 요청 sheet first'))
    return labels
