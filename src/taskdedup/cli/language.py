"""Which language the CLI speaks: --lang, else the locale's language; one place decides it.

Messages (errors, notices, status lines, the terminal view, help) and exports follow the same
choice. When neither --lang nor the locale names a language (C or POSIX, as in containers and CI
jobs) messages are English and the exports keep their historical defaults (a Korean workbook and
report, English CSV columns), so a scheduled job's files do not change with the machine.
"""

from __future__ import annotations

import sys
from enum import Enum

from taskdedup.messages import LANGUAGES, locale_language


class Lang(str, Enum):
    ko = "ko"
    en = "en"


_chosen: str | None = None


def choose(value: Lang | str | None, reset: bool = False) -> None:
    """`taskdedup --lang ko cluster ...` sets the run's language (reset); a command's own --lang,
    when given, overrides that."""
    global _chosen
    if value is not None or reset:
        _chosen = value.value if isinstance(value, Lang) else value


def given(value: Lang | None) -> Lang | None:
    """A command's --lang callback: eager, so that errors about its other options are in the language too."""
    choose(value)
    return value


def argv_language(argv: list[str] | None = None) -> str | None:
    """--lang as written on the command line, read before Click parses it: help is built first."""
    args = sys.argv[1:] if argv is None else argv
    for k, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and k + 1 < len(args):
            return args[k + 1] if args[k + 1] in LANGUAGES else None
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
            return value if value in LANGUAGES else None
    return None


def messages() -> str:
    return _chosen or locale_language() or "en"


def exports() -> str | None:
    """The language of the exports; None: each export's own default (output/formats.py)."""
    return _chosen or locale_language()
