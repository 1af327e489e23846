import math
import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from taskdedup.output.records import DIGITS, rounded, rounded_all

# Values round() and the whole-array path could disagree on: decimal halves (0.00005, 0.12345 ...)
# and their neighbours one ulp away, besides any float.
halves = st.integers(-20_000_000, 20_000_000).map(lambda k: (k + 0.5) / 10**DIGITS)
near_halves = halves.flatmap(lambda h: st.sampled_from([h, math.nextafter(h, math.inf), math.nextafter(h, -math.inf)]))
values = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-2.0, 2.0), near_halves)


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


@settings(max_examples=500)
@given(st.lists(values, max_size=60))
def test_rounded_all_is_round_to_the_bit(xs: list[float]) -> None:
    got = rounded_all(xs)
    for x, y in zip(xs, got, strict=True):
        want = rounded(x) if math.isfinite(x) else x
        assert bits(y) == bits(want) or (math.isnan(x) and math.isnan(y)), (x, y, want)


def test_rounded_all_on_the_values_a_run_rounds() -> None:
    xs = [i / 7919 for i in range(7920)] + [0.00005, 0.00015, 0.12345, 0.99995, -0.00004, 1.0, 0.0]
    assert [bits(y) for y in rounded_all(xs)] == [bits(rounded(x)) for x in xs]
    assert bits(rounded_all([-0.00001])[0]) == bits(-0.0)
