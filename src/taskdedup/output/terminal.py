"""Result -> terminal output: Rich tables on a terminal, plain text lines otherwise."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich import box
from rich.console import Console, Group
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from taskdedup.clustering.match import MatchModel
from taskdedup.pipeline import Result
from taskdedup.quality.evaluate import Evaluation, PairExample
from taskdedup.quality.explain import Explanation
from taskdedup.quality.tune import Tuning
from taskdedup.review.proposals import CROSS_AGENCY, SAME_AGENCY, Cluster

KIND_STYLE = {CROSS_AGENCY: "bold green", SAME_AGENCY: "yellow"}


def summary_line(result: Result) -> str:
    s = result.summary
    parts = [
        f"{s.rows_read} rows read",
        f"{s.rows_skipped} skipped",
        f"{s.clusters} clusters",
        f"{s.proposals} merge proposals ({s.cross_agency} cross-agency, {s.same_agency} same-agency"
        + (f", {s.unattributed} unattributed" if s.unattributed else "")
        + ")",
        f"{s.themes} themes",
    ]
    return ", ".join(parts)


def settings_line(result: Result) -> str:
    st = result.settings
    total = sum(result.timings.values())
    return f"{result.match.name} similarity, tokenizer {st.tokenizer}, threshold p >= {st.threshold:g}, {st.linkage} linkage, {total:.1f} s"


def render_plain(result: Result) -> str:
    """Stable text for pipes and logs: one header line per proposal, one indented line per member."""
    lines = [f"taskdedup: {result.source}: {summary_line(result)}", settings_line(result)]
    for c in result.proposals:
        lines.append("")
        lines.append(
            f"#{c.cluster_id} {c.kind}: {c.size} tasks, {len(c.agencies)} agencies, p {result.match.probability(c.cohesion):.2f}, "
            f"keywords: {', '.join(c.keywords)}"
        )
        for m in c.members:
            s = m.submission
            mark = "*" if m is c.representative else " "
            shared = f" [{', '.join(m.shared_terms)}]" if m.shared_terms and m is not c.representative else ""
            lines.append(f"  {mark} {s.row_id}\t{s.agency or '-'}\t{s.title}\t{result.match.probability(m.similarity):.2f}{shared}")
    if not result.proposals:
        lines.append("")
        lines.append("No merge proposals at this threshold; try a lower --threshold.")
    if result.themes:
        lines.append("")
        lines.append(f"Themes spanning several clusters (p >= {result.settings.themes_at:g}):")
        for t in result.themes:
            lines.append(
                f"  T{t.theme_id}: {t.size} tasks, {len(t.agencies)} agencies, clusters {', '.join(f'#{c.cluster_id}' for c in t.clusters)}; "
                f"keywords: {', '.join(t.keywords)}"
            )
    return "\n".join(lines) + "\n"


def _members_text(c: Cluster, match: MatchModel) -> Text:
    text = Text()
    for k, m in enumerate(c.members):
        s = m.submission
        if k:
            text.append("\n")
        if m is c.representative:
            text.append("★ ", style="bold")
        else:
            text.append(f"{match.probability(m.similarity):.2f} ", style="dim")
        text.append(f"{s.agency or '-'}", style="cyan")
        text.append(f" {s.title}")
    return text


def render_rich(result: Result, console: Console) -> None:
    header = Text.assemble(("taskdedup ", "bold"), (result.source, "bold cyan"))
    console.print(header)
    console.print(summary_line(result))
    console.print(settings_line(result), style="dim")
    if not result.proposals:
        console.print("No merge proposals at this threshold; try a lower --threshold.")
        return
    table = Table(box=box.SIMPLE_HEAD, show_lines=True, expand=True, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True, width=3)
    table.add_column("ag/p", no_wrap=True, width=6)
    table.add_column("tasks (★ representative; p with it)", ratio=3)
    table.add_column("keywords", ratio=1)
    for c in result.proposals:
        kind = Text(f"{len(c.agencies)} ag.\np {result.match.probability(c.cohesion):.2f}", style=KIND_STYLE.get(c.kind, ""))
        table.add_row(str(c.cluster_id), kind, _members_text(c, result.match), ", ".join(c.keywords))
    console.print(Group(table))
    console.print("ag/p: number of agencies, and the probability that the group is one project (at its average link)", style="dim")
    if result.themes:
        themes = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, title=f"Themes (p >= {result.settings.themes_at:g})")
        themes.add_column("theme", no_wrap=True, width=5)
        themes.add_column("agencies", justify="right", width=8)
        themes.add_column("tasks", justify="right", width=5)
        themes.add_column("clusters", ratio=1)
        themes.add_column("keywords", ratio=2)
        for t in result.themes:
            themes.add_row(
                f"T{t.theme_id}", str(len(t.agencies)), str(t.size), ", ".join(f"#{c.cluster_id}" for c in t.clusters), ", ".join(t.keywords)
            )
        console.print(themes)


# --- reports of evaluate, tune, explain: plain text (stable for logs and tests) -----------------


def _pair_line(p: PairExample) -> str:
    return f"  p {p.probability:.2f}  {p.a.row_id} {p.a.title}  <->  {p.b.row_id} {p.b.title}"


def render_evaluation(ev: Evaluation) -> str:
    lines = [f"threshold {ev.threshold:g}, {ev.rows_scored} rows scored" + (f", {ev.pairs_scored} labelled pairs" if ev.pairs_scored else "")]
    lines.append(f"pairwise   P {ev.pairwise.precision:.3f}  R {ev.pairwise.recall:.3f}  F1 {ev.pairwise.f1:.3f}")
    if ev.bcubed is not None:
        lines.append(f"B-cubed    P {ev.bcubed.precision:.3f}  R {ev.bcubed.recall:.3f}  F1 {ev.bcubed.f1:.3f}")
    if ev.ari is not None:
        lines.append(f"adjusted Rand index {ev.ari:.3f}; {ev.predicted_clusters} predicted clusters, {ev.gold_clusters} gold")
    lines.append("worst false merges (grouped, but gold says apart; most similar first):")
    lines.extend(_pair_line(p) for p in ev.false_merges)
    if not ev.false_merges:
        lines.append("  none")
    lines.append("missed pairs (gold says together, but apart; least similar first):")
    lines.extend(_pair_line(p) for p in ev.missed)
    if not ev.missed:
        lines.append("  none")
    return "\n".join(lines) + "\n"


def _num(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def tuning_rows(tuning: Tuning) -> tuple[list[str], list[list[str]]]:
    with_gold = bool(tuning.points) and tuning.points[0].f1 is not None
    header = ["threshold", "clusters", "proposals", "cross-agency", "rows in proposals", "mean p", "silhouette"]
    if with_gold:
        header += ["P", "R", "F1"]
    rows = []
    for p in tuning.points:
        row = [f"{p.threshold:g}", str(p.clusters), str(p.proposals), str(p.cross_agency), str(p.rows_in_proposals), _num(p.mean_probability, 2), _num(p.silhouette)]
        if with_gold:
            row += [_num(p.precision), _num(p.recall), _num(p.f1)]
        rows.append(row)
    return header, rows


def render_tuning(tuning: Tuning) -> str:
    header, rows = tuning_rows(tuning)
    widths = [max(len(h), *(len(r[k]) for r in rows)) for k, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))]
    lines.extend("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
    lines.append(f"recommended threshold: {tuning.recommended:g} ({tuning.rule})")
    return "\n".join(lines) + "\n"


def render_tuning_rich(tuning: Tuning, console: Console) -> None:
    header, rows = tuning_rows(tuning)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for h in header:
        table.add_column(h, justify="right")
    for p, r in zip(tuning.points, rows, strict=True):
        table.add_row(*r, style="bold green" if p.threshold == tuning.recommended else "")
    console.print(table)
    console.print(f"recommended threshold: {tuning.recommended:g} ({tuning.rule})")


def render_explanation(ex: Explanation) -> str:
    verdict = "grouped together" if ex.same_cluster else "not grouped"
    lines = [
        f"A {ex.a.row_id} {ex.a.agency or '-'}: {ex.a.title}",
        f"B {ex.b.row_id} {ex.b.agency or '-'}: {ex.b.title}",
        f"probability {ex.probability:.4f} of one project (threshold {ex.threshold:g}): {verdict}",
        f"score {ex.similarity:.4f} = " + " + ".join(f"{name} {value:.4f}" for name, value in ex.signals)
        + f"; p = 1 / (1 + exp(-{ex.slope:g} x (score - {ex.midpoint:g})))",
        "shared terms (weight in A x weight in B = contribution):",
    ]
    lines.extend(f"  {t.term}\t{t.weight_a:.3f} x {t.weight_b:.3f} = {t.contribution:.4f}" for t in ex.shared)
    if not ex.shared:
        lines.append("  none")
    lines.append("only in A: " + (", ".join(f"{t.term} ({t.weight_a:.2f})" for t in ex.only_a) or "-"))
    lines.append("only in B: " + (", ".join(f"{t.term} ({t.weight_b:.2f})" for t in ex.only_b) or "-"))
    return "\n".join(lines) + "\n"


def _quiet_progress(stage: str, done: int, total: int) -> None:
    pass


@contextmanager
def progress_bars(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A progress callback for the library's long stages: Rich bars on stderr, or nothing."""
    if not enabled:
        yield _quiet_progress
        return
    columns = (TextColumn("{task.description:>12}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bars:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=total)
            bars.update(tasks[stage], completed=done, total=total)

        yield update
