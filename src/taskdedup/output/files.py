"""Writing outputs: checked before any work, written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from taskdedup.errors import OutputError
from taskdedup.input.table import STDIN
from taskdedup.messages import msg


def check_output_path(path: Path, *, inputs: Sequence[str] = ()) -> None:
    """Fail before any work if an output cannot be written where asked, or would overwrite an
    input, or land in an input folder (where the next run would read it as a submission)."""
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise OutputError(msg('{path}: the folder {parent} does not exist; create it first', path=path, parent=parent))
    if not os.access(parent, os.W_OK):
        raise OutputError(msg('{path}: cannot write in {parent}; choose another folder', path=path, parent=parent))
    if path.is_dir():
        raise OutputError(msg('{path}: is a folder; give a file name such as {example}', path=path, example=path / 'result.xlsx'))
    for given in inputs:
        if not given or given == STDIN:
            continue
        source = Path(given)
        if path.exists() and source.exists() and source.resolve() == path.resolve():
            raise OutputError(msg('{path}: is the input file; choose another output name', path=path))
        if source.is_dir() and path.resolve().is_relative_to(source.resolve()):
            raise OutputError(msg('{path}: is inside the input folder {folder}, where the next run would read it as a submission; write it elsewhere',
                                  path=path, folder=given))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_outputs(contents: Mapping[Path, bytes]) -> None:
    """Write every output to a temporary file beside it, then rename them all into place.

    Nothing is renamed until every file has been written, so a failure leaves no output half
    written and none of the old files replaced.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in contents.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent if str(path.parent) else ".")
            staged.append((tmp, path))
            os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are shared documents
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException as exc:  # Ctrl-C too: no temporary file is left behind
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(msg('cannot write {filename}: {strerror}; check the folder and free space', filename=exc.filename or 'output', strerror=exc.strerror)) from None
        raise
