"""Progress bars on the terminal while the long stages run: only Rich, so that a command can show
them while it reads its input, before the libraries the work needs are imported (an input that
is not there is said in a quarter of a second, not one)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from taskdedup.messages import msg, translate

# The names the library's progress callback uses for its stages, as the bars show them.
STAGES = {"reading": msg("reading"), "tokenising": msg("tokenising"), "embedding": msg("embedding"), "similarity": msg("similarity"),
          "clustering": msg("clustering"), "writing": msg("writing")}


class Bars:
    """The library's progress callback on a terminal: a bar per stage, shown when the stage starts
    (done 0) and removed when it ends, so that finished stages leave nothing behind. Lines printed
    meanwhile go through `console`, the bars' own, which puts them above the bars, never into one."""

    def __init__(self, bars: Progress | None, console: Console | None, lang: str = "en") -> None:
        self.bars = bars
        self.console = console
        self.lang = lang
        self.tasks: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.bars is None:
            return
        task = self.tasks.get(stage)
        if done >= total:
            if task is not None:
                self.bars.remove_task(task)
                del self.tasks[stage]
            return
        if task is None:
            self.tasks[stage] = self.bars.add_task(translate(STAGES.get(stage, stage), self.lang), total=total, completed=done)
        else:
            self.bars.update(task, completed=done, total=total)


@contextmanager
def progress_bars(enabled: bool, lang: str = "en") -> Iterator[Bars]:
    """Rich bars on stderr while the long stages run, or a callback that does nothing."""
    if not enabled:
        yield Bars(None, None)
        return
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    columns = (TextColumn("{task.description:>12}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bars:
        yield Bars(bars, console, lang)
