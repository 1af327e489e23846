"""What the speed benchmarks share: running a source tree's taskdedup as an installed one runs,
and timing a whole process with its peak memory."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def tree_env(src: Path) -> dict[str, str]:
    """The environment to run the taskdedup of a tree's src/ folder as an installed one runs: its
    modules compiled to bytecode once (pip does that on install), not from source on every run as
    they are where PYTHONDONTWRITEBYTECODE is set (this machine's shells set it: +0.05 s on the
    52-row sample, 0.80 -> 0.85 s)."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int, str]:
    """(seconds, peak KB, stderr) of one run under GNU time, whose figures follow a marker so that
    the command's own stderr (the stage timings of -v) can come before them."""
    done = subprocess.run(["/usr/bin/time", "-f", "@@ %e %M", *command], env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    seconds, kb = done.stderr.rsplit("@@ ", 1)[1].split()
    return float(seconds), int(kb), done.stderr
