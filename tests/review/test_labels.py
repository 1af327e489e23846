"""Labelled pairs from decisions and from the 라벨 요청 sheet (review/labels.py)."""

import pandas as pd
import pytest

from taskdedup.errors import InputError
from taskdedup.review.decisions import MERGE, SPLIT, Decided, Decisions
from taskdedup.review.labels import Label, combine, decision_labels, label_answers


def decisions(*records: Decided, source: str = "r1.xlsx") -> Decisions:
    return Decisions(records=list(records), known_ids=frozenset(), source=source)


def pairs(labels: list[Label]) -> set[tuple[str, str, bool]]:
    return {(p.a, p.b, p.same) for p in labels}


def test_a_merge_says_same_inside_and_different_for_the_tasks_taken_out() -> None:
    got = decision_labels(decisions(Decided("P1", MERGE, ("3", "1", "2"), removed=("9",))))
    assert pairs(got) == {("1", "3", True), ("2", "3", True), ("1", "2", True), ("3", "9", False), ("1", "9", False), ("2", "9", False)}


def test_a_split_says_different_and_a_hold_says_nothing() -> None:
    got = decision_labels(decisions(Decided("P1", SPLIT, ("1", "2")), Decided("P2", "hold", ("3", "4"))))
    assert pairs(got) == {("1", "2", False)}


def test_a_carried_decision_counts_once_and_a_later_round_overrules() -> None:
    first = decision_labels(decisions(Decided("P1", MERGE, ("1", "2", "3"))))
    again = decision_labels(decisions(Decided("P1", MERGE, ("1", "2", "3")), Decided("P1", MERGE, ("1", "2", "3")), source="r2.xlsx"))
    assert len(combine([first, again]).pairs) == 3 and combine([first, again]).overruled == 0
    changed = decision_labels(decisions(Decided("P1", SPLIT, ("1", "2")), source="r2.xlsx"))
    both = combine([first, changed])
    assert both.overruled == 1
    assert pairs(both.pairs) == {("1", "2", False), ("1", "3", True), ("2", "3", True)}
    assert [(p.a, p.b) for p in both.pairs] == sorted((p.a, p.b) for p in both.pairs)


def label_sheet(answers: list[str]) -> dict[str, pd.DataFrame]:
    return {"라벨 요청": pd.DataFrame({"번호 A": ["1", "5", "7"], "번호 B": ["2", "4", "8"], "같은 과제?": answers})}


def test_label_answers_are_read_and_blanks_skipped() -> None:
    got = label_answers(label_sheet(["같음", "", "different"]), "r.xlsx")
    assert pairs(got) == {("1", "2", True), ("7", "8", False)}
    assert got[0].source == "r.xlsx: 라벨 요청 row 2"
    assert label_answers({}, "r.xlsx") == []


def test_a_wrong_answer_names_its_cell() -> None:
    with pytest.raises(InputError) as caught:
        label_answers(label_sheet(["같음", "아마도", ""]), "r.xlsx")
    assert str(caught.value) == "r.xlsx: sheet '라벨 요청' row 3: answer '아마도' is not 같음 or 다름 (same, different); fix that cell"
