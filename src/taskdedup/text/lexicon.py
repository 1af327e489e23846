"""The Korean public-administration lexicon: concepts with their variant wordings, agency short
forms, and boilerplate words that carry no identity.

Concepts are matched on normalised text, ignoring spaces inside a variant, and each match becomes
one token: the canonical term. That makes "홀몸어르신", "혼자 사는 어르신" and "독거노인" the same word
whatever the analyser does with them, and keeps the term whole for people to read.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib.resources import files
from typing import Any

from taskdedup.errors import InputError
from taskdedup.messages import msg
from taskdedup.text.normalize import normalize

_LATIN = re.compile(r"[a-z0-9]")


def _compact(text: str) -> str:
    return "".join(text.split())


def _trie_pattern(variants: Iterable[str]) -> str:
    """One regex for all variants, as a character trie: each position tries one branch per first
    character instead of every variant in turn (10x faster than a flat alternation here).

    Spaces are optional between any two characters; alternatives are ordered so that the longest
    variant wins. Latin ends need word boundaries ("ai" must not match inside "said"); Hangul
    compounds do not ("민원상담챗봇구축" holds 챗봇). Every alternative at the top starts with its
    character (a Latin start's boundary is checked behind it): Python's regex engine then skips
    to the positions holding one of those characters instead of trying the whole trie at every
    position, 4.5x faster on petition titles.
    """
    trie: dict[str, Any] = {}
    for variant in variants:
        node = trie
        for ch in _compact(variant):
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any], depth: int, last: str) -> str:
        branches = []
        for ch in sorted(k for k in node if k):
            piece = re.escape(ch)
            if depth == 0 and _LATIN.match(ch):
                piece = piece + r"(?<![a-z0-9]" + piece + ")"  # not preceded by a letter or digit
            elif depth > 0:
                piece = r"\s*" + piece
            branches.append(piece + emit(node[ch], depth + 1, ch))
        if "" in node:  # a variant may end here: tried after every longer continuation
            branches.append(r"(?![a-z0-9])" if _LATIN.match(last) else "")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return emit(trie, 0, "")


@dataclass(frozen=True)
class Lexicon:
    concepts: Mapping[str, str] = field(default_factory=dict)  # variant without spaces -> canonical term
    agencies: Mapping[str, str] = field(default_factory=dict)  # agency form (no spaces) -> canonical name
    boilerplate: frozenset[str] = frozenset()

    @staticmethod
    def from_dict(data: Mapping[str, Any], source: str = "lexicon") -> Lexicon:
        concepts: dict[str, str] = {}
        agencies: dict[str, str] = {}
        try:
            for canonical, variants in data.get("concepts", {}).items():
                # "챗봇" = "채팅봇" is one variant; iterating the string would make each character one
                for variant in [canonical, *_listed(variants)]:
                    key = _compact(normalize(str(variant)))
                    if key:
                        concepts[key] = normalize(str(canonical))
            for canonical, forms in data.get("agencies", {}).items():
                for form in [canonical, *_listed(forms)]:
                    agencies[_agency_key(str(form))] = str(canonical)
                    key = _compact(normalize(str(form)))
                    if key:
                        concepts[key] = normalize(str(canonical))
            words = _listed(data.get("boilerplate", {}).get("words", []))
            boilerplate = frozenset(normalize(str(w)) for w in words if normalize(str(w)))
        except (AttributeError, TypeError) as exc:
            raise InputError(
                msg(
                    '{source}: not a lexicon ([concepts] and [agencies] map a term to a list of variants; [boilerplate] has words ='
                    ' [...]): {exc}',
                    source=source, exc=exc
                )
            ) from None
        return Lexicon(concepts=concepts, agencies=agencies, boilerplate=boilerplate)

    def extended(self, other: Lexicon) -> Lexicon:
        """This lexicon with `other`'s entries added; `other` wins where both define a variant."""
        return Lexicon(
            concepts={**self.concepts, **other.concepts},
            agencies={**self.agencies, **other.agencies},
            boilerplate=self.boilerplate | other.boilerplate,
        )

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        return re.compile(_trie_pattern(self.concepts)) if self.concepts else None

    def extract(self, text: str) -> tuple[str, list[str]]:
        """Rewrite every concept variant to its canonical term; returns (rewritten text, concept terms)."""
        if self._pattern is None:
            return text, []
        found: list[str] = []

        def take(match: re.Match[str]) -> str:
            term = self.concepts[_compact(match.group(0))]
            found.append(term)
            # The canonical term stays in the text so the analyser keeps its context: "민원 안내"
            # is 민원 + 안내, but a bare "안내" is read as 안 + 내. text/tokens.py then drops the
            # analyser's pieces of it.
            return f" {term} "

        rest = self._pattern.sub(take, text)
        return rest, found

    def keep(self, tokens: Iterable[str]) -> list[str]:
        return [t for t in tokens if t not in self.boilerplate]

    def agency(self, name: str) -> str:
        """The canonical name of an agency, for counting: 국토부 and 국토교통부 are one agency."""
        return self.agencies.get(_agency_key(name), name.strip())

    @cached_property
    def fingerprint(self) -> str:
        payload = json.dumps([sorted(self.concepts.items()), sorted(self.agencies.items()), sorted(self.boilerplate)])
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]

    def __len__(self) -> int:
        return len(self.concepts) + len(self.agencies) + len(self.boilerplate)


def _listed(value: Any) -> list[Any]:
    """A TOML list, or a lone string read as a list of that one string."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise TypeError(f"expected a list of strings, found {value!r}")
    return value


def _agency_key(name: str) -> str:
    return re.sub(r"\s+", "", name)


EMPTY = Lexicon()


@lru_cache(maxsize=1)
def builtin() -> Lexicon:
    text = files("taskdedup").joinpath("data/lexicon.toml").read_text(encoding="utf-8")
    return Lexicon.from_dict(tomllib.loads(text), "built-in lexicon")


def parse_lexicon(text: str, source: str) -> tuple[Lexicon, bool]:
    """Parse a user's lexicon file; returns (lexicon, whether it replaces the built-in one)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(msg("{source}: not valid TOML ({exc}); see README 'Lexicon' for the format", source=source, exc=exc)) from None
    replace = bool(data.get("options", {}).get("replace_builtin", False)) if isinstance(data.get("options"), dict) else False
    return Lexicon.from_dict(data, source), replace
