"""The team's configuration file: taskdedup.toml, or [tool.taskdedup] in pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

from taskdedup.errors import InputError
from taskdedup.messages import msg

CONFIG_FILE = "taskdedup.toml"


def load_toml(path: Path, what: str, fix: str) -> dict[str, object]:
    """A TOML file's tables; unreadable or invalid, one InputError naming the file and `fix`."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(msg('{path}: cannot read the {what} ({exc})', path=path, what=what, exc=exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(msg('{path}: not valid TOML ({exc}); {fix}', path=path, exc=exc, fix=fix)) from None


def read_config(path: str | None, folder: Path) -> tuple[dict[str, object], str | None]:
    """The team's options: `path`, else ./taskdedup.toml, else [tool.taskdedup] in ./pyproject.toml.

    Returns (options, where they came from); ({}, None) when there is no configuration.
    """
    if path is not None:
        candidates = [(Path(path), False)]
    else:
        candidates = [(folder / CONFIG_FILE, False), (folder / "pyproject.toml", True)]
    for candidate, in_pyproject in candidates:
        if not candidate.is_file():
            if path is not None:
                raise InputError(msg('{candidate}: no such configuration file; check --config', candidate=candidate))
            continue
        data = load_toml(candidate, msg("configuration"), msg("fix the file or pass --config"))
        if in_pyproject:
            section = data.get("tool", {}).get("taskdedup")
            if section is None:
                continue
            return dict(section), f"{candidate} [tool.taskdedup]"
        return data, str(candidate)
    return {}, None
