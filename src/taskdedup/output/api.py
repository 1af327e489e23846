"""Writing a result's exports from library code, as `taskdedup cluster -o` does."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from taskdedup.errors import OutputError
from taskdedup.messages import msg
from taskdedup.output.files import check_output_path, write_outputs
from taskdedup.output.formats import EXPORT_SUFFIXES, render_export
from taskdedup.results import Result


def write_exports(result: Result, paths: Iterable[str | Path], *, lang: str | None = None) -> list[Path]:
    """Write each export its suffix names (.xlsx, .csv, .json, .html): all of them, or none. `lang`
    (ko, en) is the language of the workbook and the CSV; None keeps each format's default."""
    targets = [Path(p) for p in paths]
    for path in targets:
        if path.suffix.lower() not in EXPORT_SUFFIXES:
            raise OutputError(msg('{path}: no known format; end the name with {suffixes}', path=path, suffixes=', '.join(EXPORT_SUFFIXES)))
        check_output_path(path, inputs=[result.source])
    write_outputs({path: render_export(result, path, lang) for path in targets})
    return targets
