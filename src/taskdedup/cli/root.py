"""The `taskdedup` command itself: --version, --config, and the team's configuration as defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from typer._click import ClickException  # Typer's own copy of Click, whose errors its parameters raise
from typer._click.exceptions import BadParameter, MissingParameter, NoSuchOption, UsageError, _join_param_hints

import taskdedup
from taskdedup.cli import language
from taskdedup.cli.failures import error
from taskdedup.cli.options import LangOpt
from taskdedup.errors import TaskdedupError
from taskdedup.input.config_file import read_config
from taskdedup.messages import msg

app = typer.Typer(
    add_completion=True,  # --install-completion for bash, zsh, fish and PowerShell
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Find duplicate and overlapping task proposals across agencies, and propose merges.",
)

def _usage_line(self: UsageError, file: object = None) -> None:
    """A usage error as one line, like every other error: what is wrong and where help is. Click
    prints the usage line, a hint and a blank line before it (four lines for one mistake)."""
    where = msg(" (see '{command} --help')", command=self.ctx.command_path) if self.ctx is not None else ""
    error(msg("{problem}{where}", problem=_problem(self), where=where))


def _problem(exc: UsageError) -> str:
    """Click's wording for the common usage errors, rebuilt from their parts so it can be translated;
    any other one as Click words it."""
    if isinstance(exc, MissingParameter):
        hint = _join_param_hints(exc.param_hint if exc.param_hint is not None else exc.param.get_error_hint() if exc.param else None)
        kind = exc.param_type or (exc.param.param_type_name if exc.param else None)
        if not exc.message and kind == "option":
            return msg("Missing option {hint}.", hint=hint)
        if not exc.message and kind == "argument":
            return msg("Missing argument {hint}.", hint=hint)
    elif isinstance(exc, BadParameter):
        hint = exc.param_hint if exc.param_hint is not None else exc.param.get_error_hint() if exc.param else None
        if hint is None:
            return msg("Invalid value: {problem}", problem=exc.message)
        return msg("Invalid value for {hint}: {problem}", hint=_join_param_hints(hint), problem=exc.message)
    elif isinstance(exc, NoSuchOption) and exc.message == f"No such option: {exc.option_name}":
        found = msg("No such option: {name}", name=exc.option_name)
        if exc.possibilities:
            return msg("{problem} (Possible options: {options})", problem=found, options=", ".join(sorted(exc.possibilities)))
        return found
    return exc.format_message()


# Typer's private copy of Click belongs to this application alone; NoArgsIsHelpError (a bare
# `taskdedup`) keeps its own show(), the help text.
UsageError.show = _usage_line  # type: ignore[method-assign]

# Arguments are never defaults: a configuration file names options only.
_ARGUMENTS = {"input", "first", "second", "review", "reviews", "new", "existing"}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"taskdedup {taskdedup.__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    config: Annotated[
        Optional[str],
        typer.Option("--config", metavar="FILE", help="Options the team always uses [default: ./taskdedup.toml or [tool.taskdedup] in ./pyproject.toml]."),
    ] = None,
    lang: LangOpt = None,
) -> None:
    """Find duplicate and overlapping task proposals across agencies, and propose merges.

    Options in the configuration file apply to every command that has them; flags on the command
    line override them.
    """
    language.choose(lang, reset=True)  # a run's language is its own (one process runs many under test)
    _collector_off(ctx)
    try:
        options, source = read_config(config, Path.cwd())
        ctx.default_map = _default_map(ctx, options, source)
    except TaskdedupError as exc:
        error(exc.args[0] if exc.args else str(exc))
        raise typer.Exit(exc.exit_code) from None


def _collector_off(ctx: typer.Context) -> None:
    """No cyclic garbage collection while a command runs; back on when it ends.

    A run builds millions of small objects (token lists, submissions, members) that live until it
    ends, and every full collection walks all of them again, for almost no cycles to free: with
    the collector off, 85,856 titles ran x0.83 the time and 1,000,000 rows x0.75, at the same or a
    lower peak (docs/BENCHMARKS.md). Reference counting still frees everything else as it goes;
    the collector comes back at the end, for a process (a test) that runs many commands.
    """
    import gc

    if gc.isenabled():
        gc.disable()
        ctx.call_on_close(gc.enable)


def _default_map(ctx: typer.Context, options: dict[str, object], source: str | None) -> dict[str, dict[str, object]]:
    """Configuration keys (dashes or underscores) -> Click defaults for each command that has them."""
    if not options:
        return {}
    commands = getattr(ctx.command, "commands", {})
    known = {p.name for cmd in commands.values() for p in cmd.params if p.name}
    values = {key.replace("-", "_"): value for key, value in options.items()}
    unknown = sorted(k for k in values if k not in known or k in _ARGUMENTS)
    if unknown:
        listed = ", ".join(sorted(k.replace("_", "-") for k in known - _ARGUMENTS))
        raise TaskdedupError(msg("{source}: unknown option '{option}'; known options: {listed}", source=source, option=unknown[0].replace('_', '-'), listed=listed))
    out: dict[str, dict[str, object]] = {}
    for name, cmd in commands.items():
        command_ctx = typer.Context(cmd, parent=ctx, info_name=name)
        out[name] = {}
        for param in cmd.params:
            if param.name not in values:
                continue
            value = values[param.name]
            if getattr(param, "multiple", False) and isinstance(value, str):
                value = [value]  # text-col = "과제명" means the one column
            try:
                param.process_value(command_ctx, value)
            except ClickException as exc:  # BadParameter and kin: say which file and key, not a usage block
                key = param.name.replace("_", "-")
                raise TaskdedupError(msg('{source}: {key} = {value!r} is not valid ({reason}); fix it in the file', source=source, key=key, value=value, reason=exc.format_message())) from None
            out[name][param.name] = value
    return out


def main() -> None:
    app()
