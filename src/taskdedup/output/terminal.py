"""Result -> terminal output: Rich tables on a terminal, plain text lines otherwise."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from taskdedup.clustering.match import MatchModel
from taskdedup.messages import msg, translate
from taskdedup.output.records import KIND_KO
from taskdedup.quality.evaluate import Evaluation, PairExample
from taskdedup.quality.explain import Explanation
from taskdedup.quality.tune import Tuning
from taskdedup.results import Result
from taskdedup.review.proposals import CROSS_AGENCY, SAME_AGENCY, Cluster
from taskdedup.text.vectors import CHAR_PREFIX

KIND_STYLE = {CROSS_AGENCY: "bold green", SAME_AGENCY: "yellow"}


def summary_line(result: Result, lang: str = "en") -> str:
    s = result.summary
    kinds = msg("{cross} cross-agency, {same} same-agency", cross=s.cross_agency, same=s.same_agency)
    if s.unattributed:
        kinds = msg("{kinds}, {unattributed} unattributed", kinds=kinds, unattributed=s.unattributed)
    return translate(msg(
        "{read} rows read, {skipped} skipped, {clusters} clusters, {proposals} merge proposals ({kinds}), {themes} themes",
        read=s.rows_read, skipped=s.rows_skipped, clusters=s.clusters, proposals=s.proposals, kinds=kinds, themes=s.themes,
    ), lang)


def settings_line(result: Result, lang: str = "en") -> str:
    st = result.settings
    total = sum(result.timings.values())
    return translate(msg(
        "{similarity} similarity, tokenizer {tokenizer}, threshold p >= {threshold:g}, {linkage} linkage, {seconds:.1f} s",
        similarity=result.match.name, tokenizer=st.tokenizer, threshold=st.threshold, linkage=st.linkage, seconds=total,
    ), lang)


def agencies(n: int, lang: str = "en") -> str:
    """'1 agency', '2 agencies'; '기관 1곳'."""
    return translate(msg("1 agency") if n == 1 else msg("{n} agencies", n=n), lang)


def _shown(items: list, top: int) -> list:
    return items if top <= 0 else items[:top]


def _more(kind: str, total: int, top: int, lang: str = "en") -> str | None:
    hidden = total - len(_shown(list(range(total)), top))
    if hidden <= 0:
        return None
    what = msg("proposals") if kind == "proposals" else msg("themes")
    return translate(msg("... {hidden} more {what} not shown (--top 0 shows all; the .xlsx and .json exports have every one)",
                         hidden=hidden, what=what), lang)


def timings_line(timings: dict[str, float], lang: str = "en") -> str:
    """--verbose: where the run's time went, stage by stage."""
    stages = ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in timings.items())
    return translate(msg("timings: {stages}; total {seconds:.1f} s", stages=stages, seconds=sum(timings.values())), lang)


NO_PROPOSALS = msg("No merge proposals at this threshold; try a lower --threshold.")


def render_plain(result: Result, top: int = 0, lang: str = "en") -> str:
    """Stable text for pipes and logs: one header line per proposal, one indented line per member;
    the first `top` proposals and themes (0: all). The words follow `lang`; the layout does not."""
    def t(message: str) -> str:
        return translate(message, lang)

    lines = [f"taskdedup: {result.source}: {summary_line(result, lang)}", settings_line(result, lang)]
    for c in _shown(result.proposals, top):
        lines.append("")
        lines.append(t(msg(
            "#{cluster_id} {kind}: {size} tasks, {agencies}, p {p:.2f}, keywords: {keywords}",
            cluster_id=c.cluster_id, kind=c.kind if lang == "en" else KIND_KO[c.kind], size=c.size,
            agencies=agencies(len(c.agencies), lang), p=result.match.probability(c.cohesion), keywords=", ".join(c.keywords),
        )))
        for m in c.members:
            s = m.submission
            mark = "*" if m is c.representative else " "
            shared = f" [{', '.join(m.shared_terms)}]" if m.shared_terms and m is not c.representative else ""
            lines.append(f"  {mark} {s.row_id}\t{s.agency or '-'}\t{s.title}\t{result.match.probability(m.similarity):.2f}{shared}")
    more = _more("proposals", len(result.proposals), top, lang)
    if more:
        lines += ["", more]
    if not result.proposals:
        lines.append("")
        lines.append(t(NO_PROPOSALS))
    if result.themes:
        lines.append("")
        lines.append(t(msg("Themes spanning several clusters (p >= {p:g}):", p=result.settings.themes_at)))
        for th in _shown(result.themes, top):
            lines.append("  " + t(msg(
                "T{theme_id}: {size} tasks, {agencies}, clusters {clusters}; keywords: {keywords}",
                theme_id=th.theme_id, size=th.size, agencies=agencies(len(th.agencies), lang),
                clusters=", ".join(f"#{c.cluster_id}" for c in th.clusters), keywords=", ".join(th.keywords),
            )))
        more = _more("themes", len(result.themes), top, lang)
        if more:
            lines.append(more)
    return "\n".join(lines) + "\n"


def _members_text(c: Cluster, match: MatchModel, keywords: bool, lang: str) -> Text:
    text = Text()
    for k, m in enumerate(c.members):
        s = m.submission
        if k:
            text.append("\n")
        if m is c.representative:
            text.append("  ★ ", style="bold")
        else:
            text.append(f"{match.probability(m.similarity):.2f} ", style="dim")
        text.append(f"{s.row_id} ", style="bold")
        text.append(f"{s.agency or '-'}", style="cyan")
        text.append(f" {s.title}")
    if keywords and c.keywords:
        text.append("\n" + translate(msg("keywords: {keywords}", keywords=", ".join(c.keywords)), lang), style="dim")
    return text


NARROW = 100  # columns below which keywords go under the tasks instead of beside them


def render_rich(result: Result, console: Console, top: int = 0, lang: str = "en") -> None:
    def t(message: str) -> str:
        return translate(message, lang)

    header = Text.assemble(("taskdedup ", "bold"), (result.source, "bold cyan"))
    console.print(header)
    console.print(summary_line(result, lang))
    console.print(settings_line(result, lang), style="dim")
    if not result.proposals:
        console.print(t(NO_PROPOSALS))
        return
    narrow = console.width < NARROW
    table = Table(box=box.SIMPLE_HEAD, show_lines=True, expand=True, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True, width=4)
    table.add_column(t(msg("group")), no_wrap=True, width=11)
    table.add_column(t(msg("tasks: p with ★ (the representative), id, agency, title")), ratio=3, overflow="fold")
    if not narrow:
        table.add_column(t(msg("keywords")), ratio=1)
    for c in _shown(result.proposals, top):
        kind = Text(f"{agencies(len(c.agencies), lang)}\np {result.match.probability(c.cohesion):.2f}", style=KIND_STYLE.get(c.kind, ""))
        if c.cluster_id in result.reopened:
            kind.append("\n재검토", style="bold red")
        cells = [str(c.cluster_id), kind, _members_text(c, result.match, narrow, lang)]
        table.add_row(*cells, *([] if narrow else [", ".join(c.keywords)]))
    console.print(Group(table))
    console.print(t(msg("group: agencies in it, and p, the probability that it is one project (at its average link)")), style="dim")
    more = _more("proposals", len(result.proposals), top, lang)
    if more:
        console.print(more, style="dim")
    if result.themes:
        themes = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, title=t(msg("Themes (p >= {p:g})", p=result.settings.themes_at)))
        themes.add_column(t(msg("theme")), no_wrap=True, width=5)
        themes.add_column(t(msg("agencies")), justify="right", width=8)
        themes.add_column(t(msg("tasks")), justify="right", width=5)
        themes.add_column(t(msg("clusters")), ratio=1)
        themes.add_column(t(msg("keywords")), ratio=2)
        for th in _shown(result.themes, top):
            themes.add_row(
                f"T{th.theme_id}", str(len(th.agencies)), str(th.size), ", ".join(f"#{c.cluster_id}" for c in th.clusters), ", ".join(th.keywords)
            )
        console.print(themes)
        more = _more("themes", len(result.themes), top, lang)
        if more:
            console.print(more, style="dim")


# --- reports of evaluate, tune, explain: plain text (stable for logs and tests) -----------------


def _pair_line(p: PairExample) -> str:
    return f"  p {p.probability:.2f}  {p.a.row_id} {p.a.title}  <->  {p.b.row_id} {p.b.title}"


NONE = msg("  none")


def render_evaluation(ev: Evaluation, lang: str = "en") -> str:
    head = msg("threshold {threshold:g}, {rows} rows scored", threshold=ev.threshold, rows=ev.rows_scored)
    if ev.pairs_scored:
        head = msg("{head}, {pairs} labelled pairs", head=head, pairs=ev.pairs_scored)
    lines: list[str] = [head]
    lines.append(msg("pairwise   P {p:.3f}  R {r:.3f}  F1 {f1:.3f}", p=ev.pairwise.precision, r=ev.pairwise.recall, f1=ev.pairwise.f1))
    if ev.bcubed is not None:
        lines.append(msg("B-cubed    P {p:.3f}  R {r:.3f}  F1 {f1:.3f}", p=ev.bcubed.precision, r=ev.bcubed.recall, f1=ev.bcubed.f1))
    if ev.ari is not None:
        lines.append(msg("adjusted Rand index {ari:.3f}; {predicted} predicted clusters, {gold} gold", ari=ev.ari,
                         predicted=ev.predicted_clusters, gold=ev.gold_clusters))
    lines.append(msg("worst false merges (grouped, but gold says apart; most similar first):"))
    lines.extend(_pair_line(p) for p in ev.false_merges)
    if not ev.false_merges:
        lines.append(NONE)
    lines.append(msg("missed pairs (gold says together, but apart; least similar first):"))
    lines.extend(_pair_line(p) for p in ev.missed)
    if not ev.missed:
        lines.append(NONE)
    return "\n".join(translate(line, lang) for line in lines) + "\n"


def _num(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


TUNING_HEADER = (msg("threshold"), msg("clusters"), msg("proposals"), msg("cross-agency"), msg("rows in proposals"), msg("mean p"),
                 msg("silhouette"))


def tuning_rows(tuning: Tuning, lang: str = "en") -> tuple[list[str], list[list[str]]]:
    with_gold = bool(tuning.points) and tuning.points[0].f1 is not None
    header = [translate(h, lang) for h in TUNING_HEADER]
    if with_gold:
        header += ["P", "R", "F1"]
    rows = []
    for p in tuning.points:
        row = [f"{p.threshold:g}", str(p.clusters), str(p.proposals), str(p.cross_agency), str(p.rows_in_proposals), _num(p.mean_probability, 2), _num(p.silhouette)]
        if with_gold:
            row += [_num(p.precision), _num(p.recall), _num(p.f1)]
        rows.append(row)
    return header, rows


def _recommended(tuning: Tuning, lang: str) -> str:
    return translate(msg("recommended threshold: {threshold:g} ({rule})", threshold=tuning.recommended, rule=tuning.rule), lang)


def render_tuning(tuning: Tuning, lang: str = "en") -> str:
    from rich.cells import cell_len  # Korean headers are two cells wide a character

    header, rows = tuning_rows(tuning, lang)
    widths = [max(cell_len(h), *(len(r[k]) for r in rows)) for k, h in enumerate(header)]
    lines = ["  ".join(" " * (w - cell_len(h)) + h for h, w in zip(header, widths, strict=True))]
    lines.extend("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
    lines.append(_recommended(tuning, lang))
    return "\n".join(lines) + "\n"


def render_tuning_rich(tuning: Tuning, console: Console, lang: str = "en") -> None:
    header, rows = tuning_rows(tuning, lang)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for h in header:
        table.add_column(h, justify="right")
    for p, r in zip(tuning.points, rows, strict=True):
        table.add_row(*r, style="bold green" if p.threshold == tuning.recommended else "")
    console.print(table)
    console.print(_recommended(tuning, lang))


def _term(term: str) -> str:
    """A character n-gram with its spaces made visible: '~ 빅' is the gram ' 빅', a word's start."""
    return CHAR_PREFIX + term[len(CHAR_PREFIX):].replace(" ", "␣") if term.startswith(CHAR_PREFIX) else term


def _verdict(ex: Explanation) -> str:
    """Grouping compares groups, not pairs: say at which average the groups of A and B join."""
    if ex.group_probability is None:
        return msg("the groups holding A and B never join above the lowest threshold computed: not grouped")
    if ex.a.row_id == ex.b.row_id and ex.a.row_number == ex.b.row_number:
        return msg("the same row")
    if ex.same_cluster:
        return msg("grouping compares whole groups: the groups holding A and B join at an average link of p {p:.4f} >= {threshold:g}: "
                   "grouped together", p=ex.group_probability, threshold=ex.threshold)
    return msg("grouping compares whole groups: the groups holding A and B join at an average link of p {p:.4f} < {threshold:g}: "
               "not grouped", p=ex.group_probability, threshold=ex.threshold)


def render_explanation(ex: Explanation, lang: str = "en") -> str:
    lines: list[str] = [
        f"A {ex.a.row_id} {ex.a.agency or '-'}: {ex.a.title}",
        f"B {ex.b.row_id} {ex.b.agency or '-'}: {ex.b.title}",
        msg("probability {p:.4f} that this pair is one project (threshold {threshold:g})", p=ex.probability, threshold=ex.threshold),
        _verdict(ex),
        msg("score {score:.4f} = {parts}; p = 1 / (1 + exp(-{slope:g} x (score - {midpoint:g})))", score=ex.similarity,
            parts=" + ".join(f"{name} {value:.4f}" for name, value in ex.signals), slope=ex.slope, midpoint=ex.midpoint),
        msg("shared terms (weight in A x weight in B = contribution):"),
    ]
    lines.extend(f"  {_term(t.term)}\t{t.weight_a:.3f} x {t.weight_b:.3f} = {t.contribution:.4f}" for t in ex.shared)
    if not ex.shared:
        lines.append(NONE)
    lines.append(msg("only in A: {terms}", terms=", ".join(f"{_term(t.term)} ({t.weight_a:.2f})" for t in ex.only_a) or "-"))
    lines.append(msg("only in B: {terms}", terms=", ".join(f"{_term(t.term)} ({t.weight_b:.2f})" for t in ex.only_b) or "-"))
    if any(t.term.startswith(CHAR_PREFIX) for t in [*ex.shared, *ex.only_a, *ex.only_b]):
        lines.append(msg("~ marks a character n-gram, ␣ a space in it (the start or end of a word)"))
    return "\n".join(translate(line, lang) for line in lines) + "\n"
