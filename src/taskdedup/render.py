"""Result -> terminal output: Rich tables on a terminal, plain text lines otherwise."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from taskdedup.pipeline import Result
from taskdedup.propose import CROSS_AGENCY, SAME_AGENCY, Cluster

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
    ]
    return ", ".join(parts)


def settings_line(result: Result) -> str:
    st = result.settings
    total = sum(result.timings.values())
    return f"tokenizer {st.tokenizer}, threshold {st.threshold:g}, {st.linkage} linkage, {total:.1f} s"


def render_plain(result: Result) -> str:
    """Stable text for pipes and logs: one header line per proposal, one indented line per member."""
    lines = [f"taskdedup: {result.source}: {summary_line(result)}", settings_line(result)]
    for c in result.proposals:
        lines.append("")
        lines.append(
            f"#{c.cluster_id} {c.kind}: {c.size} tasks, {len(c.agencies)} agencies, cohesion {c.cohesion:.2f}, "
            f"keywords: {', '.join(c.keywords)}"
        )
        for m in c.members:
            s = m.submission
            mark = "*" if m is c.representative else " "
            shared = f" [{', '.join(m.shared_terms)}]" if m.shared_terms and m is not c.representative else ""
            lines.append(f"  {mark} {s.row_id}\t{s.agency or '-'}\t{s.title}\t{m.similarity:.2f}{shared}")
    if not result.proposals:
        lines.append("")
        lines.append("No merge proposals at this threshold; try a lower --threshold.")
    return "\n".join(lines) + "\n"


def _members_text(c: Cluster) -> Text:
    text = Text()
    for k, m in enumerate(c.members):
        s = m.submission
        if k:
            text.append("\n")
        if m is c.representative:
            text.append("★ ", style="bold")
        else:
            text.append(f"{m.similarity:.2f} ", style="dim")
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
    table.add_column("ag/coh", no_wrap=True, width=6)
    table.add_column("tasks (★ representative; similarity)", ratio=3)
    table.add_column("keywords", ratio=1)
    for c in result.proposals:
        kind = Text(f"{len(c.agencies)} ag.\n{c.cohesion:.2f}", style=KIND_STYLE.get(c.kind, ""))
        table.add_row(str(c.cluster_id), kind, _members_text(c), ", ".join(c.keywords))
    console.print(Group(table))
    console.print("ag/coh: number of agencies, and cohesion (mean pairwise similarity)", style="dim")
