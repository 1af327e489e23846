from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taskdedup.errors import InputError
from taskdedup.text.lexicon import EMPTY, Lexicon, builtin, parse_lexicon
from taskdedup.text.tokenizers import MecabTokenizer
from taskdedup.text.tokens import featurize


@pytest.mark.parametrize(
    ("text", "concepts"),
    [
        ("민원상담챗봇구축", ["민원", "챗봇"]),  # inside an unspaced compound
        ("홀몸 어르신 안부 확인", ["독거노인"]),  # spacing inside a variant
        ("혼자 사는 어르신", ["독거노인"]),
        ("ai 상담사 도입", ["챗봇"]),  # the longer variant wins over "ai"
        ("ai 기반 iot", ["인공지능", "사물인터넷"]),
        ("said again", []),  # Latin variants need word boundaries
        ("부정 수령 방지", ["부정수급"]),
        ("문화재 보호", []),
        ("국토부와 행안부", ["국토교통부", "행정안전부"]),
    ],
)
def test_builtin_concepts(text: str, concepts: list[str]) -> None:
    assert builtin().extract(text)[1] == concepts


def test_agency_short_forms_count_as_one_agency() -> None:
    lexicon = builtin()
    assert lexicon.agency("국토부") == lexicon.agency("국토교통부") == "국토교통부"
    assert lexicon.agency("서울 특별시") == "서울특별시"
    assert lexicon.agency("어느 위원회") == "어느 위원회"


def test_boilerplate_is_dropped_and_concepts_stay_whole() -> None:
    tokens = featurize(["민원 상담 챗봇 시스템 구축"], MecabTokenizer(), builtin())[0]
    assert "챗봇" in tokens and "챗" not in tokens and "봇" not in tokens
    assert "구축" not in tokens and "시스템" not in tokens


def test_wordings_of_one_project_get_the_same_tokens() -> None:
    a, b = featurize(["홀몸어르신 안부 확인 서비스", "독거노인 안부 확인"], MecabTokenizer(), builtin())
    assert sorted(a) == sorted(b)


def test_without_lexicon_they_differ() -> None:
    a, b = featurize(["홀몸어르신 안부 확인 서비스", "독거노인 안부 확인"], MecabTokenizer(), EMPTY)
    assert sorted(a) != sorted(b)


def test_user_lexicon_extends_or_replaces(fixtures: Path) -> None:
    user, replace = parse_lexicon((fixtures / "lexicon_extra.toml").read_text(encoding="utf-8"), "extra")
    assert replace is False
    merged = builtin().extended(user)
    assert merged.extract("위험 화물 챗봇")[1] == ["우범화물", "챗봇"]
    assert "선별" in merged.boilerplate and "구축" in merged.boilerplate
    only, replace = parse_lexicon('[options]\nreplace_builtin = true\n[concepts]\n"가" = ["나"]\n', "x")
    assert replace is True and only.extract("챗봇")[1] == []


def test_broken_lexicon_files() -> None:
    with pytest.raises(InputError, match=r"^x: not valid TOML \("):
        parse_lexicon("[concepts\n", "x")
    with pytest.raises(InputError, match=r"^x: not a lexicon"):
        parse_lexicon('concepts = "챗봇"\n', "x")


def test_fingerprint_changes_with_content() -> None:
    assert builtin().fingerprint != builtin().extended(Lexicon.from_dict({"concepts": {"가": ["나"]}})).fingerprint


def _leading_boundary_pattern(variants: list[str]) -> str:
    """The trie as it was first written (a Latin start's boundary checked before its character):
    the reference the faster form must agree with."""
    import re

    from taskdedup.text.lexicon import _LATIN, _compact

    trie: dict = {}
    for variant in variants:
        node = trie
        for ch in _compact(variant):
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict, depth: int, last: str) -> str:
        branches = []
        for ch in sorted(k for k in node if k):
            piece = re.escape(ch)
            if depth == 0 and _LATIN.match(ch):
                piece = r"(?<![a-z0-9])" + piece
            elif depth > 0:
                piece = r"\s*" + piece
            branches.append(piece + emit(node[ch], depth + 1, ch))
        if "" in node:
            branches.append(r"(?![a-z0-9])" if _LATIN.match(last) else "")
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(trie, 0, "")


_PIECES = ["ai", "iot", "a", "챗봇", "챗", "민원", "홀몸", "어르신", " ", "  ", "x", "9", "said", "봇", "가"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12), st.sets(st.sampled_from(["ai", "iot", "챗봇", "민원", "홀몸어르신", "a9", "봇"]), min_size=1))
def test_the_trie_finds_what_the_reference_finds(pieces: list[str], variants: set[str]) -> None:
    import re

    from taskdedup.text.lexicon import _trie_pattern

    text = "".join(pieces)
    ordered = sorted(variants)
    fast, reference = re.compile(_trie_pattern(ordered)), re.compile(_leading_boundary_pattern(ordered))
    assert [(m.span(), m.group(0)) for m in fast.finditer(text)] == [(m.span(), m.group(0)) for m in reference.finditer(text)]


def test_the_builtin_trie_starts_with_its_characters() -> None:
    # What makes it fast: the engine can skip to a position holding a variant's first character
    # only when every top alternative starts with a character, not with a lookbehind.
    from taskdedup.text.lexicon import _trie_pattern

    pattern = _trie_pattern(builtin().concepts)
    assert pattern.startswith("(?:") and "|(?<!" not in pattern and not pattern.startswith("(?:(?<!")
