"""The command line: options -> Settings -> pipeline -> render / export. Only this module knows Typer.

Library errors (TaskdedupError) become one line on stderr and their exit code here, in one place.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from taskdedup import __version__
from taskdedup.config import (
    DEFAULT_CHAR_WEIGHT,
    DEFAULT_KEYWORDS,
    DEFAULT_THEME_THRESHOLD,
    DEFAULT_THRESHOLD,
    DEFAULT_TOKENIZER,
    LARGE_ROWS,
    ColumnSpec,
    Settings,
)
from taskdedup.decisions import Decisions, apply_decisions, read_decisions
from taskdedup.errors import ColumnError, TaskdedupError
from taskdedup.evaluate import evaluate_clusters, evaluate_pairs
from taskdedup.explain import explain as run_explain
from taskdedup.export import (
    EXPORT_SUFFIXES,
    check_fits,
    dumps,
    evaluation_to_dict,
    explanation_to_dict,
    render_applied,
    render_export,
    to_json,
    tuning_to_dict,
)
from taskdedup.io import (
    TokenCache,
    read_config,
    check_output_path,
    default_cache_dir,
    read_pairs,
    read_table,
    read_text_file,
    read_workbook_sheets,
    write_outputs,
)
from taskdedup.lexicon import EMPTY, Lexicon, builtin, parse_lexicon
from taskdedup.pipeline import Prepared, Result, assemble, prepare
from taskdedup.propose import CROSS_AGENCY
from taskdedup.render import (
    progress_bars,
    render_evaluation,
    render_explanation,
    render_plain,
    render_rich,
    render_tuning,
    render_tuning_rich,
)
from taskdedup.tokenizers import BACKENDS
from taskdedup.tune import plot_tuning, thresholds_between
from taskdedup.tune import tune as run_tuning

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Find duplicate and overlapping task proposals across agencies, and propose merges.",
)

TokenizerName = Enum("TokenizerName", {name: name for name in BACKENDS}, type=str)  # type: ignore[misc]


class LinkageName(str, Enum):
    average = "average"
    complete = "complete"
    single = "single"


class Lang(str, Enum):
    ko = "ko"
    en = "en"


class FailOn(str, Enum):
    cross_agency = "cross-agency"
    any = "any"


EXIT_FOUND = 3  # --fail-on: proposals of the named kind exist


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


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
        _error(str(exc))
        raise typer.Exit(exc.exit_code) from None


def _default_map(ctx: typer.Context, options: dict[str, object], source: str | None) -> dict[str, dict[str, object]]:
    """Configuration keys (dashes or underscores) -> Click defaults for each command that has them."""
    if not options:
        return {}
    commands = getattr(ctx.command, "commands", {})
    known = {p.name for cmd in commands.values() for p in cmd.params if p.name}
    values = {key.replace("-", "_"): value for key, value in options.items()}
    unknown = sorted(k for k in values if k not in known or k in {"input", "first", "second"})
    if unknown:
        listed = ", ".join(sorted(k.replace("_", "-") for k in known - {"input", "first", "second"}))
        raise TaskdedupError(f"{source}: unknown option '{unknown[0].replace('_', '-')}'; known options: {listed}")
    return {
        name: {p.name: values[p.name] for p in cmd.params if p.name in values}
        for name, cmd in commands.items()
    }


def _positive(value: float | None) -> float | None:
    if value is not None and value <= 0:
        raise typer.BadParameter("must be above 0 (1 groups only identical texts)")
    return value


AUTO = "auto"
AUTO_RANGE = (0.15, 0.60, 0.05)  # thresholds --threshold auto chooses among


def _threshold_or_auto(value: str) -> str:
    if value == AUTO:
        return value
    try:
        number = float(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is neither a number in (0, 1] nor 'auto'") from None
    if not 0 < number <= 1:
        raise typer.BadParameter(f"{value} is not in (0, 1] (1 groups only identical texts)")
    return value


def _error(message: str) -> None:
    sys.stderr.write(f"Error: {message}\n")
    sys.stderr.flush()


@contextmanager
def _errors_to_exit(debug: bool) -> Iterator[None]:
    """The one place where library errors become a message and an exit code."""
    try:
        yield
    except TaskdedupError as exc:
        if debug:
            raise
        _error(str(exc))
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        _error("interrupted; no output was written")
        raise typer.Exit(130) from None
    except MemoryError:
        if debug:
            raise
        _error(
            "out of memory; no output was written. The similar pairs kept for clustering grow as the threshold "
            "falls: raise --threshold (and --theme-threshold, or tune's --from), or use a machine with more memory"
        )
        raise typer.Exit(1) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # a bug: still one line, with the way to see more
        if debug:
            raise
        _error(f"unexpected {type(exc).__name__}: {exc}; rerun with --debug and report the traceback")
        raise typer.Exit(1) from None


def _check_suffixes(outputs: list[Path]) -> list[Path]:
    for path in outputs:
        if path.suffix.lower() not in EXPORT_SUFFIXES:
            raise typer.BadParameter(
                f"'{path}' has no known format; end the name with {', '.join(EXPORT_SUFFIXES)}", param_hint="--output"
            )
    return outputs


# Options shared by every command that clusters an input.
InputArg = Annotated[str, typer.Argument(metavar="INPUT", help="Survey file: .xlsx, .xlsm, .xls, .csv, .tsv, .txt, or - for CSV on stdin.")]
TokenizerOpt = Annotated[
    Optional[TokenizerName],
    typer.Option("--tokenizer", "-t", metavar="NAME", help=f"Korean tokenizer: {', '.join(BACKENDS)} [default: {DEFAULT_TOKENIZER}]."),
]
ThresholdOpt = Annotated[
    float,
    typer.Option(min=0.0, max=1.0, metavar="SIM", callback=_positive, help="Similarity (0-1] at which tasks are grouped; lower merges more."),
]
ThemeOpt = Annotated[
    Optional[float],
    typer.Option("--theme-threshold", min=0.0, max=1.0, metavar="SIM", callback=_positive,
                 help=f"Lower similarity at which clusters join into themes (never above --threshold) [default: {DEFAULT_THEME_THRESHOLD:g}]."),
]
LinkageOpt = Annotated[LinkageName, typer.Option(metavar="average|complete|single", help="How the similarity of two groups is measured.")]
TextColOpt = Annotated[Optional[list[str]], typer.Option("--text-col", metavar="COL", help="Text column to compare; repeat to join (title, then description).")]
IdColOpt = Annotated[Optional[str], typer.Option("--id-col", metavar="COL", help="Column with the task id.")]
AgencyColOpt = Annotated[Optional[str], typer.Option("--agency-col", metavar="COL", help="Column with the submitting agency.")]
FieldColOpt = Annotated[Optional[str], typer.Option("--field-col", metavar="COL", help="Column with the field or category.")]
EncodingOpt = Annotated[Optional[str], typer.Option(metavar="NAME", help="Text encoding of a CSV (e.g. utf-8, cp949); detected if omitted.")]
SheetOpt = Annotated[Optional[str], typer.Option(metavar="NAME|NUMBER", help="Workbook sheet, by name or number from 1 [default: first].")]
LexiconOpt = Annotated[Optional[Path], typer.Option("--lexicon", metavar="FILE", help="Your lexicon (TOML) added to the built-in one; see README.")]
NoLexiconOpt = Annotated[bool, typer.Option("--no-lexicon", help="Match words as written, without the built-in lexicon.")]
CharWeightOpt = Annotated[
    Optional[float],
    typer.Option(
        "--char-weight", min=0.0, max=0.95, metavar="W",
        help=f"Share of character 2-3-gram similarity mixed in; 0 for words only [default: {DEFAULT_CHAR_WEIGHT:g}, 0 above {LARGE_ROWS:,} rows].",
    ),
]
JobsOpt = Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, max=64, metavar="N", help="Tokeniser processes and similarity threads [default: all cores].")]
CacheDirOpt = Annotated[Optional[Path], typer.Option("--cache-dir", metavar="DIR", help="Where tokens are cached [default: your user cache folder].")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the token cache.")]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", metavar="text|json", help="Terminal output: text, or json for scripts.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")]


def _lexicon(path: Path | None, disabled: bool) -> Lexicon:
    if disabled:
        return EMPTY
    if path is None:
        return builtin()
    user, replace_builtin = parse_lexicon(read_text_file(str(path)), str(path))
    return user if replace_builtin else builtin().extended(user)


def _settings(
    *, tokenizer: TokenizerName | None, threshold: float, theme_threshold: float, linkage: LinkageName,
    text_col: list[str] | None, id_col: str | None, agency_col: str | None, field_col: str | None,
    lexicon: Path | None, no_lexicon: bool, char_weight: float | None, keywords: int = DEFAULT_KEYWORDS,
    theme_threshold_is_default: bool = True,
) -> Settings:
    return Settings(
        tokenizer=tokenizer.value if tokenizer else DEFAULT_TOKENIZER,
        tokenizer_is_default=tokenizer is None,
        threshold=threshold,
        theme_threshold=theme_threshold,
        linkage=linkage.value,  # type: ignore[arg-type]
        keywords=keywords,
        lexicon=_lexicon(lexicon, no_lexicon),
        char_weight=DEFAULT_CHAR_WEIGHT if char_weight is None else char_weight,
        char_weight_is_default=char_weight is None,
        theme_threshold_is_default=theme_threshold_is_default,
        columns=ColumnSpec(id_col=id_col, agency_col=agency_col, field_col=field_col, text_cols=tuple(text_col or ())),
    )


def _say_columns(err: Console, columns_line: str, notices: list[str], quiet: bool) -> None:
    if quiet:
        return
    err.print(f"columns: {columns_line}")
    for notice in notices:
        err.print(f"notice: {notice}")


@app.command()
def cluster(
    input: InputArg,
    output: Annotated[
        Optional[list[Path]],
        typer.Option("--output", "-o", metavar="PATH", help="Write results here; format by suffix: .xlsx, .csv (members), .json. Repeatable."),
    ] = None,
    tokenizer: TokenizerOpt = None,
    threshold: Annotated[
        str,
        typer.Option(
            metavar="SIM|auto",
            callback=_threshold_or_auto,
            help="Similarity (0-1] at which tasks are grouped; lower merges more. 'auto' picks the best silhouette.",
        ),
    ] = str(DEFAULT_THRESHOLD),
    theme_threshold: ThemeOpt = None,
    linkage: LinkageOpt = LinkageName.average,
    text_col: TextColOpt = None,
    id_col: IdColOpt = None,
    agency_col: AgencyColOpt = None,
    field_col: FieldColOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    lexicon: LexiconOpt = None,
    no_lexicon: NoLexiconOpt = False,
    char_weight: CharWeightOpt = None,
    jobs: JobsOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    keywords: Annotated[int, typer.Option(min=1, max=50, metavar="N", help="Keywords shown per proposal.")] = DEFAULT_KEYWORDS,
    lang: Annotated[Lang, typer.Option("--lang", metavar="ko|en", help="Language of the .xlsx review workbook.")] = Lang.ko,
    decisions: Annotated[
        Optional[str],
        typer.Option("--decisions", metavar="REVIEW", help="A review workbook (or decisions CSV) from an earlier run: its 병합 groups stay together, 분리 ones apart."),
    ] = None,
    fail_on: Annotated[
        Optional[FailOn],
        typer.Option("--fail-on", metavar="cross-agency|any", help=f"Exit {EXIT_FOUND} when such proposals exist (for CI jobs)."),
    ] = None,
    format: FormatOpt = OutputFormat.text,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Group similar task proposals and propose merges."""
    outputs = _check_suffixes(output or [])
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    with _errors_to_exit(debug):
        for path in outputs:
            check_output_path(path, input_path=input)
        auto = threshold == AUTO
        settings = _settings(
            tokenizer=tokenizer, threshold=DEFAULT_THRESHOLD if auto else float(threshold),
            theme_threshold=DEFAULT_THEME_THRESHOLD if theme_threshold is None else theme_threshold,
            theme_threshold_is_default=theme_threshold is None,
            linkage=linkage, text_col=text_col, id_col=id_col, agency_col=agency_col, field_col=field_col, lexicon=lexicon,
            no_lexicon=no_lexicon, char_weight=char_weight, keywords=keywords,
        )
        decided = _read_decisions(decisions) if decisions else None  # fail before the long work
        with progress_bars(enabled=not quiet and sys.stderr.isatty()) as progress:
            started = time.perf_counter()
            progress("reading", 0, 1)
            table = read_table(input, encoding=encoding, sheet=sheet)
            progress("reading", 1, 1)
            read_seconds = time.perf_counter() - started
            for path in outputs:
                check_fits(path, len(table.frame))
            prepared = prepare(
                table, settings, min_similarity=AUTO_RANGE[0] if auto else None, progress=progress,
                jobs=jobs, cache=_cache(cache_dir, no_cache),
            )
            result = _cut(prepared, auto, decided)
            result.timings = {"read": read_seconds, **result.timings}
            _say_columns(err, result.columns.describe(), result.notices, quiet)
            started = time.perf_counter()
            progress("writing", 0, 1)
            write_outputs({path: render_export(result, path, lang.value) for path in outputs})
            progress("writing", 1, 1)
            result.timings["write"] = time.perf_counter() - started
        if not quiet:
            if format is OutputFormat.json:
                sys.stdout.write(to_json(result).decode("utf-8"))
            elif sys.stdout.isatty():
                render_rich(result, Console())
            else:
                sys.stdout.write(render_plain(result))
            for path in outputs:
                err.print(f"wrote {path}")
    _fail_on(result, fail_on)


def _fail_on(result: Result, fail_on: FailOn | None) -> None:
    """Exit 3 when proposals of the kind exist; with --decisions, only those nobody has decided yet,
    so that a scheduled job fails on new work, not on every run after the first finding."""
    if fail_on is None:
        return
    wanted = [c for c in result.proposals if fail_on is FailOn.any or c.kind == CROSS_AGENCY]
    found = [c for c in wanted if c.cluster_id not in result.carried]
    if found:
        kind = "cross-agency " if fail_on is FailOn.cross_agency else ""
        decided = len(wanted) - len(found)
        undecided = "undecided " if decided else ""
        earlier = f"; {decided} decided earlier" if decided else ""
        sys.stderr.write(f"taskdedup: {len(found)} {undecided}{kind}merge proposal(s) found (--fail-on {fail_on.value}{earlier})\n")
        raise typer.Exit(EXIT_FOUND)


def _read_decisions(path: str) -> Decisions:
    if path.lower().endswith((".csv", ".tsv", ".txt")):
        return read_decisions({"": read_table(path).frame.reset_index(drop=True)}, path)
    return read_decisions(read_workbook_sheets(path), path)


def _cut(prepared: Prepared, auto: bool, decided: Decisions | None) -> Result:
    if auto:
        tuning = run_tuning(prepared, thresholds_between(*AUTO_RANGE))
        prepared.notices.append(f"threshold auto: {tuning.recommended:g} ({tuning.rule} between {AUTO_RANGE[0]:g} and {AUTO_RANGE[1]:g})")
        return assemble(prepared, tuning.recommended, decided)
    return assemble(prepared, decisions=decided)


def _cache(cache_dir: Path | None, disabled: bool) -> TokenCache | None:
    if disabled:
        return None
    return TokenCache(cache_dir or default_cache_dir())


def _gold_labels(table_frame: object, prepared: Prepared, gold_col: str) -> list[str]:
    frame = table_frame  # a DataFrame indexed by data row number
    headers = [str(c) for c in frame.columns]  # type: ignore[attr-defined]
    if gold_col not in headers:
        listed = ", ".join(f"'{h}'" for h in headers)
        raise ColumnError(f"no column '{gold_col}' for --gold-col; available columns: {listed}")
    column = frame[gold_col]  # type: ignore[index]
    return [str(column.loc[s.row_number]).strip() for s in prepared.clustered]


@app.command()
def evaluate(
    input: InputArg,
    gold_col: Annotated[Optional[str], typer.Option("--gold-col", metavar="COL", help="Column with the true group of each row.")] = None,
    pairs: Annotated[
        Optional[str],
        typer.Option("--pairs", metavar="FILE", help="Labelled pairs instead: a table whose first three columns are id, id, 1 (same) or 0."),
    ] = None,
    worst: Annotated[int, typer.Option(min=0, max=100, metavar="N", help="False merges and missed pairs to show.")] = 5,
    tokenizer: TokenizerOpt = None,
    threshold: ThresholdOpt = DEFAULT_THRESHOLD,
    linkage: LinkageOpt = LinkageName.average,
    text_col: TextColOpt = None,
    id_col: IdColOpt = None,
    agency_col: AgencyColOpt = None,
    field_col: FieldColOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    lexicon: LexiconOpt = None,
    no_lexicon: NoLexiconOpt = False,
    char_weight: CharWeightOpt = None,
    jobs: JobsOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    format: FormatOpt = OutputFormat.text,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Score the clustering against a gold grouping column or labelled pairs."""
    if (gold_col is None) == (pairs is None):
        raise typer.BadParameter("give exactly one of --gold-col COL or --pairs FILE", param_hint="--gold-col / --pairs")
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    with _errors_to_exit(debug):
        settings = _settings(
            tokenizer=tokenizer, threshold=threshold, theme_threshold=threshold, linkage=linkage,
            text_col=text_col, id_col=id_col, agency_col=agency_col, field_col=field_col, lexicon=lexicon, no_lexicon=no_lexicon, char_weight=char_weight,
        )
        table = read_table(input, encoding=encoding, sheet=sheet)
        if gold_col is not None:
            # The gold column is the answer: it must never be read as a text, agency or field column.
            settings = replace(settings, columns=_without(settings.columns, table.frame, gold_col))
        prepared = prepare(table, settings, jobs=jobs, cache=_cache(cache_dir, no_cache))
        _say_columns(err, prepared.columns.describe(), prepared.notices, quiet)
        labels = prepared.tree.cut(settings.threshold)
        if gold_col is not None:
            evaluation = evaluate_clusters(prepared, labels, _gold_labels(table.frame, prepared, gold_col), settings.threshold, worst)
        else:
            evaluation = evaluate_pairs(prepared, labels, read_pairs(str(pairs)), settings.threshold, worst)
        if quiet:
            return
        if format is OutputFormat.json:
            sys.stdout.write(dumps(evaluation_to_dict(evaluation)))
        else:
            sys.stdout.write(render_evaluation(evaluation))


def _without(spec: ColumnSpec, frame: object, gold_col: str) -> ColumnSpec:
    """Column detection that skips the gold column."""
    from taskdedup.columns import resolve_columns

    headers = [str(c) for c in frame.columns if str(c) != gold_col]  # type: ignore[attr-defined]
    cols = resolve_columns(headers, spec)
    return ColumnSpec(id_col=cols.id, agency_col=cols.agency, field_col=cols.field, text_cols=cols.text)


@app.command()
def tune(
    input: InputArg,
    gold_col: Annotated[Optional[str], typer.Option("--gold-col", metavar="COL", help="Column with the true group: recommend by F1.")] = None,
    start: Annotated[float, typer.Option("--from", min=0.01, max=1.0, metavar="SIM", help="Lowest threshold tried.")] = 0.10,
    stop: Annotated[float, typer.Option("--to", min=0.01, max=1.0, metavar="SIM", help="Highest threshold tried.")] = 0.80,
    step: Annotated[float, typer.Option("--step", min=0.005, max=0.5, metavar="SIM", help="Distance between thresholds.")] = 0.05,
    plot: Annotated[Optional[Path], typer.Option("--plot", metavar="PNG", help="Also draw proposals and F1 (or silhouette) against the threshold.")] = None,
    tokenizer: TokenizerOpt = None,
    linkage: LinkageOpt = LinkageName.average,
    text_col: TextColOpt = None,
    id_col: IdColOpt = None,
    agency_col: AgencyColOpt = None,
    field_col: FieldColOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    lexicon: LexiconOpt = None,
    no_lexicon: NoLexiconOpt = False,
    char_weight: CharWeightOpt = None,
    jobs: JobsOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    format: FormatOpt = OutputFormat.text,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Cut one clustering at many thresholds and recommend one."""
    if start > stop:
        raise typer.BadParameter(f"--from {start:g} is above --to {stop:g}", param_hint="--from")
    if plot is not None and plot.suffix.lower() != ".png":
        raise typer.BadParameter(f"'{plot}' must end in .png", param_hint="--plot")
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    with _errors_to_exit(debug):
        if plot is not None:
            check_output_path(plot, input_path=input)
        settings = _settings(
            tokenizer=tokenizer, threshold=DEFAULT_THRESHOLD, theme_threshold=DEFAULT_THEME_THRESHOLD, linkage=linkage, text_col=text_col,
            id_col=id_col, agency_col=agency_col, field_col=field_col, lexicon=lexicon, no_lexicon=no_lexicon, char_weight=char_weight,
        )
        table = read_table(input, encoding=encoding, sheet=sheet)
        if gold_col is not None:
            settings = replace(settings, columns=_without(settings.columns, table.frame, gold_col))
        prepared = prepare(table, settings, min_similarity=start, jobs=jobs, cache=_cache(cache_dir, no_cache))
        _say_columns(err, prepared.columns.describe(), prepared.notices, quiet)
        gold = _gold_labels(table.frame, prepared, gold_col) if gold_col else None
        tuning = run_tuning(prepared, thresholds_between(start, stop, step), gold)
        if plot is not None:
            try:
                image = plot_tuning(tuning)
            except ImportError:
                raise TaskdedupError("--plot needs matplotlib: pip install 'taskdedup[plot]'") from None
            write_outputs({plot: image})
        if quiet:
            return
        if format is OutputFormat.json:
            sys.stdout.write(dumps(tuning_to_dict(tuning)))
        elif sys.stdout.isatty():
            render_tuning_rich(tuning, Console())
        else:
            sys.stdout.write(render_tuning(tuning))


@app.command()
def explain(
    input: InputArg,
    first: Annotated[str, typer.Argument(metavar="ID1", help="Row id (or #N for data row N).")],
    second: Annotated[str, typer.Argument(metavar="ID2", help="Row id (or #N for data row N).")],
    terms: Annotated[int, typer.Option(min=1, max=100, metavar="N", help="Terms to list in each part.")] = 10,
    tokenizer: TokenizerOpt = None,
    threshold: ThresholdOpt = DEFAULT_THRESHOLD,
    linkage: LinkageOpt = LinkageName.average,
    text_col: TextColOpt = None,
    id_col: IdColOpt = None,
    agency_col: AgencyColOpt = None,
    field_col: FieldColOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    lexicon: LexiconOpt = None,
    no_lexicon: NoLexiconOpt = False,
    char_weight: CharWeightOpt = None,
    jobs: JobsOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    format: FormatOpt = OutputFormat.text,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Show the similarity of two rows and the terms behind it."""
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    with _errors_to_exit(debug):
        settings = _settings(
            tokenizer=tokenizer, threshold=threshold, theme_threshold=threshold, linkage=linkage,
            text_col=text_col, id_col=id_col, agency_col=agency_col, field_col=field_col, lexicon=lexicon, no_lexicon=no_lexicon, char_weight=char_weight,
        )
        prepared = prepare(read_table(input, encoding=encoding, sheet=sheet), settings, jobs=jobs, cache=_cache(cache_dir, no_cache))
        _say_columns(err, prepared.columns.describe(), prepared.notices, quiet)
        explanation = run_explain(prepared, first, second, terms)
        if quiet:
            return
        if format is OutputFormat.json:
            sys.stdout.write(dumps(explanation_to_dict(explanation)))
        else:
            sys.stdout.write(render_explanation(explanation))


@app.command()
def apply(
    review: Annotated[str, typer.Argument(metavar="REVIEW", help="The review workbook (.xlsx) with the 결정 column filled in.")],
    output: Annotated[
        list[Path], typer.Option("--output", "-o", metavar="PATH", help="The merged task list: .xlsx or .csv. Repeatable.")
    ],
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Turn the decisions in a review workbook into the merged task list."""
    for path in output:
        if path.suffix.lower() not in (".xlsx", ".csv"):
            raise typer.BadParameter(f"'{path}' has no known format; end the name with .xlsx or .csv", param_hint="--output")
    with _errors_to_exit(debug):
        for path in output:
            check_output_path(path, input_path=review)
        applied = apply_decisions(read_workbook_sheets(review), review)
        write_outputs({path: render_applied(applied, path) for path in output})
        if not quiet:
            d = applied.decisions
            sys.stdout.write(
                f"{applied.tasks_in} tasks -> {len(applied.projects)} rows: {applied.merged_groups} merged projects from "
                f"{applied.tasks_merged} tasks, {applied.tasks_in - applied.tasks_merged} tasks as they were "
                f"(decisions: {d['merge']} merge, {d['split']} split, {d['hold']} hold, {d['undecided']} undecided)\n"
            )


def main() -> None:
    app()
