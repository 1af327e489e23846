"""The golden comparison itself (conftest.golden_mismatch): what it lets through between machines
and what it must still catch."""

from __future__ import annotations

import pytest
from conftest import SCORE_TOLERANCE, golden_mismatch

GOLDEN_CSV = b"\xef\xbb\xbfcluster_id,row_id,probability,shared_terms\r\n1,7,0.7837,\xeb\xaf\xbc\xec\x9b\x90; \xec\xb1\x97\xeb\xb4\x87\r\n1,1,0.7508,\r\n"


def test_identical_bytes_match_without_a_warning(recwarn: pytest.WarningsRecorder) -> None:
    assert golden_mismatch(GOLDEN_CSV, GOLDEN_CSV) is None
    assert not recwarn.list


def test_scores_moved_within_the_tolerance_match_with_a_warning() -> None:
    moved = GOLDEN_CSV.replace(b"0.7837", b"0.7844").replace(b"0.7508", b"0.7509")
    with pytest.warns(UserWarning, match="not byte for byte"):
        assert golden_mismatch(moved, GOLDEN_CSV) is None


@pytest.mark.parametrize(("change", "why"), [
    ((b"0.7837", b"0.7937"), f"a number differs by more than {SCORE_TOLERANCE}: 0.7937 against 0.7837"),
    ((b"1,7,", b"1,8,"), "differs beyond its decimal numbers"),  # another row id
    ((b"\r\n1,1,", b"\n1,1,"), "differs beyond its decimal numbers"),  # line endings
    ((b"0.7508", b"0.75"), None),  # rounding printed shorter is still a number within the tolerance
    ((b"0.7508,", b"0.7508,x"), "differs beyond its decimal numbers"),  # a term added
])
def test_what_the_comparison_still_catches(change: tuple[bytes, bytes], why: str | None) -> None:
    changed = GOLDEN_CSV.replace(*change)
    assert changed != GOLDEN_CSV
    if why is None:
        with pytest.warns(UserWarning):
            assert golden_mismatch(changed, GOLDEN_CSV) is None
    else:
        assert golden_mismatch(changed, GOLDEN_CSV) == why


def test_a_number_dropped_or_added_is_caught() -> None:
    assert golden_mismatch(GOLDEN_CSV.replace(b"0.7508", b""), GOLDEN_CSV) == "differs beyond its decimal numbers"
