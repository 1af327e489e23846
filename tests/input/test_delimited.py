import codecs

from hypothesis import given
from hypothesis import strategies as st

from taskdedup.input.delimited import _head, _utf8, decode_text

lines = st.lists(st.text(st.sampled_from("ab,\t\r\n\x0b\x1c\u2028가"), max_size=6), max_size=8)


@given(lines.map("\n".join), st.integers(0, 10))
def test_the_head_splits_into_the_first_lines_of_the_whole(text: str, count: int) -> None:
    assert _head(text, count).splitlines()[:count] == text.splitlines()[:count]


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=20), st.booleans(), st.sampled_from([None, "utf-8", "utf-8-sig", "cp949"]))
def test_the_bytes_read_are_the_decoded_text_encoded_again(text: str, mark: bool, encoding: str | None) -> None:
    """A UTF-8 file is read from its own bytes, not encoded again: the same bytes, mark or not."""
    data = (codecs.BOM_UTF8 if mark else b"") + text.encode("utf-8")
    if encoding == "cp949":
        try:
            data = text.encode("cp949")
        except UnicodeEncodeError:
            return
    decoded, used = decode_text(data, "x.csv", encoding)
    assert _utf8(data, decoded, used) == decoded.encode("utf-8", "surrogatepass")
