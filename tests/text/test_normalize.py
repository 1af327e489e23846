from hypothesis import given
from hypothesis import strategies as st

from taskdedup.text.normalize import normalize


def test_nfkc_folds_full_width_latin_and_lowercases() -> None:
    assert normalize("ＡＩ 기반 CCTV") == "ai 기반 cctv"


def test_punctuation_and_whitespace_are_cleaned() -> None:
    assert normalize("  민원·상담 (챗봇)\n\t구축!! ") == "민원 상담 챗봇 구축"


def test_html_tags_and_entities_are_removed() -> None:
    assert normalize("<p>공공자전거&nbsp;대여소 <b>확대</b></p>") == "공공자전거 대여소 확대"


def test_underscore_is_not_a_word_character() -> None:
    assert normalize("민원_챗봇") == "민원 챗봇"


def test_empty_and_symbol_only_text_become_empty() -> None:
    assert normalize("") == ""
    assert normalize("?! ... ---") == ""


@given(st.text())
def test_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(st.text())
def test_no_uppercase_latin_or_double_spaces_remain(text: str) -> None:
    out = normalize(text)
    assert not any("A" <= ch <= "Z" for ch in out)
    assert "  " not in out and out == out.strip()


def _reference(text: str) -> str:
    """normalize() as first written, step by step: the faster version must agree with it."""
    import re
    import unicodedata

    from taskdedup.input.markup import web_text

    text = unicodedata.normalize("NFKC", web_text(unicodedata.normalize("NFKC", text)))
    text = re.sub(r"[A-Z]+", lambda m: m.group(0).lower(), text)
    return re.sub(r"\s+", " ", re.sub(r"[^\w]|_", " ", text)).strip()


@given(st.text() | st.text(alphabet="AaZz가힣 \t\n_-.,&<>;#x39ＡＩ①ㄱㅏ\u3000\u00a0\u0130Σ\u0301\u200b\x1c"))
def test_same_as_the_step_by_step_reference(text: str) -> None:
    assert normalize(text) == _reference(text)
