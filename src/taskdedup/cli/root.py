"""The `taskdedup` command itself: --version, --config, and the team's configuration as defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from typer._click import ClickException  # Typer's own copy of Click, whose errors its parameters raise
from typer._click.exceptions import UsageError

from taskdedup import __version__
from taskdedup.cli.failures import error
from taskdedup.errors import TaskdedupError
from taskdedup.input.config_file import read_config

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
    where = f" (see '{self.ctx.command_path} --help')" if self.ctx is not None else ""
    error(f"{self.format_message()}{where}")


# Typer's private copy of Click belongs to this application alone; NoArgsIsHelpError (a bare
# `taskdedup`) keeps its own show(), the help text.
UsageError.show = _usage_line  # type: ignore[method-assign]

# Arguments are never defaults: a configuration file names options only.
_ARGUMENTS = {"input", "first", "second", "review", "reviews"}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"taskdedup {__version__}")
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
) -> None:
    """Find duplicate and overlapping task proposals across agencies, and propose merges.

    Options in the configuration file apply to every command that has them; flags on the command
    line override them.
    """
    try:
        options, source = read_config(config, Path.cwd())
        ctx.default_map = _default_map(ctx, options, source)
    except TaskdedupError as exc:
        error(str(exc))
        raise typer.Exit(exc.exit_code) from None


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
        raise TaskdedupError(f"{source}: unknown option '{unknown[0].replace('_', '-')}'; known options: {listed}")
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
                raise TaskdedupError(f"{source}: {key} = {value!r} is not valid ({exc.format_message()}); fix it in the file") from None
            out[name][param.name] = value
    return out


def main() -> None:
    app()
