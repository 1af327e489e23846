"""--help in the user's language: the Click command tree with its help texts translated.

Help is printed while Click parses the command line, before any option (--lang among them) has
been acted on, so its language comes from the command line as written (`--lang ko` anywhere
before `--`) or else from the locale. The English help texts are the message ids of the Korean
catalogue (taskdedup/locale), like every other message; tests/cli/test_korean.py fails when a help
text has no translation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer
import typer.core
from typer._click import core, formatting

from taskdedup.cli import language
from taskdedup.messages import locale_language, text_in

_help_lang = "en"
_usage = formatting.HelpFormatter.write_usage
_help_option = core.Command.get_help_option


def _core_text(text: str) -> str:
    return text_in(text, _help_lang)


def _write_usage(self: formatting.HelpFormatter, prog: str, args: str = "", prefix: str | None = None) -> None:
    _usage(self, prog, args, text_in("Usage: ", _help_lang) if prefix is None else prefix)


def _get_help_option(self: core.Command, ctx: core.Context) -> Any:
    option = _help_option(self, ctx)
    if option is not None and option.help:
        option.help = text_in(option.help, _help_lang)
    return option


# Typer's help sections ("Options", "Arguments", "default: ...") go through gettext's `_`, its
# usage line through the formatter, and --help's own line is made when help is asked for: all
# three are pointed at the catalogue of the chosen language.
typer.core._ = _core_text  # type: ignore[attr-defined]
formatting.HelpFormatter.write_usage = _write_usage  # type: ignore[method-assign]
core.Command.get_help_option = _get_help_option  # type: ignore[method-assign]


def help_language(argv: list[str] | None = None) -> str:
    return language.argv_language(argv) or locale_language() or "en"


def help_texts(command: Any) -> Iterator[tuple[Any, str]]:
    """(owner, attribute) of every help text in the tree: commands' help and short help, options' help."""
    yield from ((command, name) for name in ("help", "short_help", "epilog") if getattr(command, name, None))
    for param in command.params:
        if getattr(param, "help", None):
            yield param, "help"
    for sub in getattr(command, "commands", {}).values():
        yield from help_texts(sub)


def localized(app: typer.Typer, lang: str) -> Any:
    """The Click command of `app` with its help in `lang`."""
    global _help_lang
    _help_lang = lang
    command = typer.main.get_command(app)
    if lang != "en":
        for owner, name in help_texts(command):
            setattr(owner, name, text_in(getattr(owner, name), lang))
    return command
