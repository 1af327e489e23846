"""Messages a person reads (errors, notices, status lines, help), in English or Korean.

The library builds every such message with `msg(template, **values)`: the result is the English
text (a `str`, so callers that print or compare strings are unaffected) that also remembers its
template and values, so that the CLI, the workbook or any caller can show it in another language
with `translate(message, lang)`. The Korean templates are a gettext catalogue
(`locale/ko/LC_MESSAGES/taskdedup.po`, compiled to `.mo` beside it), the format translators and
their tools know; `tests/test_messages.py` fails when a template has no translation or the `.mo` is
stale. Nothing here runs at import but string formatting: the catalogue is read on first use.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gettext import NullTranslations

LANGUAGES = ("ko", "en")
DOMAIN = "taskdedup"
LOCALE_DIR = Path(__file__).parent / "locale"


class Message(str):
    """English text that keeps its template and values for translation."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, /, **values: Any) -> Message:
        self = super().__new__(cls, template.format(**values) if values else template)
        self.template = template
        self.values = values
        return self

    def translate(self, lang: str) -> str:
        if lang == "en":
            return str(self)
        values = {name: translate(value, lang) for name, value in self.values.items()}
        return catalogue(lang).gettext(self.template).format(**values)


def msg(template: str, /, **values: Any) -> Message:
    """A message in English, translatable later; `template` is a literal so that extraction finds it."""
    return Message(template, **values)


def translate(value: Any, lang: str) -> Any:
    """`value` in `lang` when it is a message (or an exception carrying one); anything else unchanged."""
    if isinstance(value, Message):
        return value.translate(lang)
    if isinstance(value, BaseException) and value.args and isinstance(value.args[0], Message):
        return value.args[0].translate(lang)
    return value


def text_in(text: str, lang: str) -> str:
    """A fixed text (a help line, a heading) in `lang`; itself when the catalogue lacks it."""
    return text if lang == "en" else catalogue(lang).gettext(text)


@cache
def catalogue(lang: str) -> NullTranslations:
    import gettext

    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=lang == "en")


def locale_language(environ: os._Environ[str] | dict[str, str] | None = None) -> str | None:
    """The language the user's locale names, as gettext reads it (LANGUAGE, LC_ALL, LC_MESSAGES,
    LANG: the first one set), or Windows' user locale: 'ko' for Korean, 'en' for any other
    language, None when the locale names none (C or POSIX, as in containers and CI jobs)."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return _language_of(value.split(":")[0])
    if environ is None and os.name == "nt":
        import locale

        return _language_of(locale.getlocale()[0] or "")
    return None


def _language_of(name: str) -> str | None:
    code = name.split(".")[0].split("@")[0].replace("-", "_").lower()
    if code in ("", "c", "posix"):
        return None
    return "ko" if code.startswith(("ko_", "korean")) or code == "ko" else "en"
