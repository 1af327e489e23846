"""`link`: the rows of new files against those already collected, and the duplicates among the
new rows themselves (cli/link.py, output/links.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Any

from taskdedup.clustering.match import MatchModel
from taskdedup.config import Settings
from taskdedup.errors import NothingToCluster
from taskdedup.input.submissions import Submission
from taskdedup.input.table import Table
from taskdedup.messages import msg
from taskdedup.pipeline import assemble, prepare
from taskdedup.results import Result, RowOutcome, RunInfo
from taskdedup.review.links import Link, link_rows


@dataclass
class LinkResult:
    """`link`: every new row against the existing ones, and the duplicates among the new rows."""

    files: tuple[tuple[str, int], ...]  # every file of both sides, with its rows
    new_files: frozenset[str]
    settings: Settings  # as the link ran (the similarity auto chose, for both sides together)
    match: MatchModel
    low: float  # candidates below this probability are not shown; between it and the threshold: to check
    links: list[Link]  # every new row with text, in canonical order
    skipped_new: list[RowOutcome]  # new rows without text: listed, never matched
    existing: list[Submission]  # every existing row, those without text included
    matched_by: dict[str, tuple[str, ...]]  # existing row id -> the new rows it is a candidate of at the threshold
    inside: Result  # a cluster run on the new rows alone
    notices: list[str] = field(default_factory=list)
    run: RunInfo = field(default_factory=RunInfo)


def new_rows(both: Table, new_files: frozenset[str]) -> Table:
    """The new side of a collection read by read_sides, as a table of its own."""
    assert both.columns is not None and both.columns.source is not None, "link reads a collection (read_sides)"
    frame = both.frame[both.frame[both.columns.source].isin(new_files)]
    return Table(frame=frame, source=both.source, columns=both.columns, files=tuple(f for f in both.files if f[0] in new_files))


def link(both: Table, new_files: frozenset[str], settings: Settings, **prepare_options: Any) -> LinkResult:
    """The new rows of `both` (a collection: read_sides) against its other rows. Both sides are
    prepared as one input, so a pair scores as a `cluster` run over both would score it; only
    pairs across the sides count. Candidates start at the theme threshold."""
    low = settings.theme_threshold
    prepared = prepare(both, settings, with_tree=False, **prepare_options)  # links read the similarities, never the tree
    is_new = [s.source in new_files for s in prepared.clustered]
    if not any(is_new):
        raise NothingToCluster(msg("no new row has text to compare; check the NEW files"))
    links = link_rows(prepared.clustered, is_new, prepared.similarity, prepared.match, threshold=settings.threshold, low=low,
                      jobs=prepare_options.get("jobs") or os.cpu_count() or 1)
    score = prepared.match.score_at(settings.threshold)
    matched: dict[str, list[str]] = {}
    for one in links:
        for candidate in one.candidates:
            if candidate.similarity >= score:
                matched.setdefault(candidate.submission.row_id, []).append(one.submission.row_id)
    # Shown in the files' own order (file, then row): as content-derived as the canonical order,
    # and how the analyst finds the rows in the files.
    links.sort(key=lambda one: (one.submission.source, one.submission.row_number))
    existing = [s for s in prepared.clustered if s.source not in new_files]
    existing += [r.submission for r in prepared.skipped if r.submission.source not in new_files]
    existing.sort(key=lambda s: (s.source, s.row_number))
    new_table = new_rows(both, new_files)
    # The link exports show the new rows' proposals, never their themes or near misses: the tree
    # down to the threshold is all they read (to the check-from floor, with its themes, it cost
    # ~2.5 s more at 42,856 new titles).
    inside = assemble(prepare(new_table, replace(settings, theme_threshold=settings.threshold), **prepare_options), review_pairs=False)
    return LinkResult(
        files=both.files, new_files=new_files, settings=prepared.settings, match=prepared.match, low=low, links=links,
        skipped_new=[r for r in prepared.skipped if r.submission.source in new_files], existing=existing,
        matched_by={k: tuple(v) for k, v in matched.items()}, inside=inside, notices=list(prepared.notices),
    )
