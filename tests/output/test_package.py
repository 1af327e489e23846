"""Rows streamed into a written .xlsx package (output/package.py): the same bytes as the part
written whole, and a failure while making them is raised, never a hang or a half-made file."""

from __future__ import annotations

import io
import sys
import threading
import zipfile
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taskdedup.output.package import STREAMED_LEVEL, filled


def package(parts: dict[str, str], streamed: str = "") -> bytes:
    """A zip as XlsxWriter writes one: dated 1980-01-01, deflated, in the given order; the part
    named `streamed` deflated at the level package.py streams parts at."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            entry = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(entry, text.encode("utf-8"), compresslevel=STREAMED_LEVEL if name == streamed else None)
    return out.getvalue()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(alphabet="<>/ab가나\n", max_size=300), max_size=30))
def test_rows_streamed_in_give_the_bytes_of_the_part_written_whole(chunks: list[str]) -> None:
    rows = "".join(chunks)
    whole = package({"[Content_Types].xml": "<Types/>", "xl/worksheets/sheet1.xml": f"<sheetData><row/>{rows}</sheetData>",
                     "xl/styles.xml": "<styleSheet/>"}, streamed="xl/worksheets/sheet1.xml")
    marked = package({"[Content_Types].xml": "<Types/>", "xl/worksheets/sheet1.xml": "<sheetData><row/><!--rows 0--></sheetData>",
                      "xl/styles.xml": "<styleSheet/>"})
    assert filled(marked, {b"<!--rows 0-->": (c.encode() for c in chunks)}) == whole


def test_a_failure_while_making_rows_is_raised() -> None:
    def rows() -> Iterator[bytes]:
        yield b"<row/>" * 1000
        raise ValueError("no more rows")

    marked = package({"xl/worksheets/sheet1.xml": "<sheetData><!--rows 0--></sheetData>"})
    with pytest.raises(ValueError, match="no more rows"):
        filled(marked, {b"<!--rows 0-->": rows()})


def test_the_gil_is_handed_over_quickly_while_rows_stream_and_the_setting_comes_back() -> None:
    seen: list[float] = []

    def rows() -> Iterator[bytes]:
        seen.append(sys.getswitchinterval())
        yield b"<row/>"

    def failing() -> Iterator[bytes]:
        seen.append(sys.getswitchinterval())
        raise ValueError("no more rows")
        yield b""

    marked = package({"xl/worksheets/sheet1.xml": "<sheetData><!--rows 0--></sheetData>"})
    before = sys.getswitchinterval()
    filled(marked, {b"<!--rows 0-->": rows()})
    assert sys.getswitchinterval() == before
    with pytest.raises(ValueError, match="no more rows"):
        filled(marked, {b"<!--rows 0-->": failing()})
    assert sys.getswitchinterval() == before
    assert seen == [pytest.approx(0.0002)] * 2


def test_streams_at_once_in_threads_put_the_setting_back_when_the_last_one_ends() -> None:
    marked = package({"xl/worksheets/sheet1.xml": "<sheetData><!--rows 0--></sheetData>"})
    both_started = threading.Barrier(2, timeout=10)
    first_done = threading.Event()
    seen_by_second: list[float] = []

    def first_rows() -> Iterator[bytes]:
        both_started.wait()
        yield b"<row/>"

    def second_rows() -> Iterator[bytes]:
        both_started.wait()
        assert first_done.wait(timeout=10)
        seen_by_second.append(sys.getswitchinterval())  # the first stream has ended, this one runs on
        yield b"<row/>"

    def first() -> None:
        filled(marked, {b"<!--rows 0-->": first_rows()})
        first_done.set()

    before = sys.getswitchinterval()
    threads = [threading.Thread(target=first), threading.Thread(target=lambda: filled(marked, {b"<!--rows 0-->": second_rows()}))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert seen_by_second == [pytest.approx(0.0002)]
    assert sys.getswitchinterval() == before


def test_streamed_parts_take_the_streamed_level_and_the_others_keep_xlsxwriters() -> None:
    # Large and varied enough that zlib's levels 5 and 6 give different bytes.
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i * 7919 % 10007}</v></c><c r="B{i}" t="inlineStr"><is><t>과제 {i % 97} {i * 31 % 101}</t></is></c></row>' for i in range(20_000))
    styles = "".join(f'<xf numFmtId="{i % 7}" fontId="{i * 13 % 17}"/>' for i in range(20_000))
    parts = {"xl/styles.xml": styles, "xl/worksheets/sheet1.xml": f"<sheetData>{rows}</sheetData>"}
    marked = package({**parts, "xl/worksheets/sheet1.xml": "<sheetData><!--rows 0--></sheetData>"})
    assert filled(marked, {b"<!--rows 0-->": iter([rows.encode()])}) == package(parts, streamed="xl/worksheets/sheet1.xml")
    assert package(parts, streamed="xl/worksheets/sheet1.xml") != package(parts)  # the level shows in the bytes
