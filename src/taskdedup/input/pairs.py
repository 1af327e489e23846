"""Labelled pairs for `taskdedup evaluate --pairs`: id, id, same or different."""

from __future__ import annotations

from taskdedup.errors import InputError
from taskdedup.input.tables import read_table
from taskdedup.messages import msg

_TRUE = {"1", "true", "yes", "y", "same", "dup", "duplicate", "같음", "동일", "예"}
_FALSE = {"0", "false", "no", "n", "different", "distinct", "다름", "아니오"}


def read_pairs(path: str) -> list[tuple[str, str, bool]]:
    """Labelled pairs: the first three columns are id, id, label (1/0, true/false, same/different)."""
    frame = read_table(path).frame
    if frame.shape[1] < 3:
        raise InputError(msg('{path}: a pairs file needs three columns (id, id, label), found {count}', path=path, count=frame.shape[1]))
    out: list[tuple[str, str, bool]] = []
    for number, row in frame.iterrows():
        a, b, label = (str(row.iloc[k]).strip() for k in range(3))
        key = label.lower()
        if key not in _TRUE | _FALSE:
            raise InputError(msg("{path}: row {number}: label '{label}' is not 1/0 (same/different); fix that cell", path=path, number=number, label=label))
        out.append((a, b, key in _TRUE))
    if not out:
        raise InputError(msg('{path}: no pairs below the header', path=path))
    return out
