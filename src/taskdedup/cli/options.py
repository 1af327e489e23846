"""Options that several commands share, declared once.

Typer reads a command's options from its function signature, so options that four commands share
would be written out four times. Instead they are fields of a dataclass (an option group); a
command takes the group as one parameter, and `@expand_groups` puts the group's fields into the
signature Typer sees, in that place, and hands the command the filled-in group.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import typing
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional, TypeVar

import typer

from taskdedup.cli.language import Lang, given
from taskdedup.config import (
    DEFAULT_KEYWORDS,
    DEFAULT_THEME_THRESHOLD,
    DEFAULT_THRESHOLD,
    DEFAULT_TOKENIZER,
    EMBED_BUDGET,
    LARGE_ROWS,
    ColumnSpec,
    Settings,
)
from taskdedup.text.tokenizers import BACKENDS

TokenizerName = Enum("TokenizerName", {name: name for name in BACKENDS}, type=str)  # type: ignore[misc]


class LinkageName(str, Enum):
    average = "average"
    complete = "complete"
    single = "single"


class SimilarityChoice(str, Enum):
    auto = "auto"
    hybrid = "hybrid"
    lexical = "lexical"


class EngineName(str, Enum):
    local = "local"
    dask = "dask"


class AgencyFrom(str, Enum):
    auto = "auto"
    column = "column"
    filename = "filename"


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def positive(value: float | None) -> float | None:
    if value is not None and value <= 0:
        raise typer.BadParameter("must be above 0 (1 groups only identical texts)")
    return value


InputArg = Annotated[
    str,
    typer.Argument(
        metavar="INPUT",
        help="Survey file (.xlsx, .xlsm, .xls, .csv, .tsv, .txt, or - for CSV on stdin), a proposal document (.hwpx, .hwp, .docx, .pdf), "
        "or a folder (or a quoted glob) of agency files, read as one survey with each row's file.",
    ),
]
InputsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="INPUT",
        help="Survey file (.xlsx, .xlsm, .xls, .csv, .tsv, .txt, or - for CSV on stdin); or several files, folders and globs, read as one "
        "survey with each row's file: agency tables and proposal documents (.hwpx, .hwp, .docx, .pdf).",
    ),
]
ThresholdOpt = Annotated[
    float,
    typer.Option(min=0.0, max=1.0, metavar="P", callback=positive, help="Probability (0-1] that tasks are one project at which they are grouped; lower merges more."),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors (and the JSON that --format json asks for).")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Also print how long each stage took (and put the timings in --format json).")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")]
LangOpt = Annotated[
    Optional[Lang],
    typer.Option("--lang", metavar="ko|en", is_eager=True, callback=given,
                 help="Language of messages and exports [default: the locale's (LANG); Korean exports and English messages when it names none]."),
]


@dataclasses.dataclass(frozen=True)
class InputOptions:
    """How an input is read and compared: every command that clusters one has these."""

    tokenizer: Annotated[
        Optional[TokenizerName],
        typer.Option("--tokenizer", "-t", metavar="NAME", help=f"Korean tokenizer: {', '.join(BACKENDS)} [default: {DEFAULT_TOKENIZER}]."),
    ] = None
    linkage: Annotated[LinkageName, typer.Option(metavar="average|complete|single", help="How the similarity of two groups is measured.")] = (
        LinkageName.average
    )
    text_col: Annotated[
        Optional[list[str]], typer.Option("--text-col", metavar="COL", help="Text column to compare; repeat to join (title, then description).")
    ] = None
    id_col: Annotated[Optional[str], typer.Option("--id-col", metavar="COL", help="Column with the task id.")] = None
    agency_col: Annotated[Optional[str], typer.Option("--agency-col", metavar="COL", help="Column with the submitting agency.")] = None
    field_col: Annotated[Optional[str], typer.Option("--field-col", metavar="COL", help="Column with the field or category.")] = None
    encoding: Annotated[Optional[str], typer.Option(metavar="NAME", help="Text encoding of a CSV (e.g. utf-8, cp949); detected if omitted.")] = None
    sheet: Annotated[Optional[str], typer.Option(metavar="NAME|NUMBER", help="Workbook sheet, by name or number from 1 [default: the first visible].")] = None
    header_row: Annotated[
        Optional[int], typer.Option("--header-row", min=1, metavar="N", help="Row of the header, counted from 1 at the top [default: detected].")
    ] = None
    agency_from: Annotated[
        AgencyFrom,
        typer.Option("--agency-from", metavar="auto|column|filename",
                     help="With several files: the agency of each row from its agency column, or from the file name (the part before the "
                     "first _, e.g. 행정안전부_수요조사.xlsx); auto: the column, and the file name for files without one."),
    ] = AgencyFrom.auto
    skip_bad_files: Annotated[
        bool, typer.Option("--skip-bad-files", help="With several files: go on without the files that cannot be read (each is listed in the notices).")
    ] = False
    lexicon: Annotated[Optional[Path], typer.Option("--lexicon", metavar="FILE", help="Your lexicon (TOML) added to the built-in one; see README.")] = None
    no_lexicon: Annotated[bool, typer.Option("--no-lexicon", help="Match words as written, without the built-in lexicon.")] = False
    similarity: Annotated[
        SimilarityChoice,
        typer.Option(
            "--similarity", metavar="auto|hybrid|lexical",
            help=f"hybrid: words, characters and a bundled sentence embedding (finds paraphrase); lexical: words and characters "
            f"(fast); auto: hybrid while what it embeds fits a run of about two minutes ({EMBED_BUDGET:,} characters; above, each "
            f"row's first line only), lexical beyond.",
        ),
    ] = SimilarityChoice.auto
    char_weight: Annotated[
        Optional[float],
        typer.Option(
            "--char-weight", min=0.0, max=0.95, metavar="W",
            help=f"Share of character 2-3-gram similarity [default: the calibrated one (see README), 0 above {LARGE_ROWS:,} rows].",
        ),
    ] = None
    model: Annotated[
        Optional[Path],
        typer.Option("--model", metavar="FILE", help="A match model learned from your team's decisions (taskdedup learn) [default: the built-in one]."),
    ] = None
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, max=64, metavar="N", help="Tokeniser processes and similarity threads [default: all cores].")] = None
    cache_dir: Annotated[Optional[Path], typer.Option("--cache-dir", metavar="DIR", help="Where tokens are cached [default: your user cache folder].")] = None
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the token cache.")] = False
    engine: Annotated[
        EngineName,
        typer.Option("--engine", metavar="local|dask",
                     help="Where the parallel work runs: this machine's processes, or a Dask cluster (pip install 'taskdedup[dask]'); the result is the same."),
    ] = EngineName.local
    scheduler: Annotated[
        Optional[str],
        typer.Option("--scheduler", metavar="ADDRESS",
                     help="A running dask scheduler, e.g. tcp://10.0.0.5:8786, for --engine dask [default: a local cluster sized to this machine]."),
    ] = None

    def settings(
        self, *, threshold: float | None, theme_threshold: float | None = None, keywords: int = DEFAULT_KEYWORDS, columns: ColumnSpec | None = None
    ) -> Settings:
        """The run's settings; `theme_threshold` None means the default (and may be turned off at scale),
        `threshold` None the team model's threshold (--model), else the default."""
        from taskdedup.cli.common import load_lexicon

        team = None
        if self.model is not None:
            from taskdedup.input.model_file import read_model

            team = read_model(self.model)
        return Settings(
            match=team.match if team else None,
            match_source=team.source if team else "",
            tokenizer=self.tokenizer.value if self.tokenizer else DEFAULT_TOKENIZER,
            tokenizer_is_default=self.tokenizer is None,
            threshold=threshold if threshold is not None else team.threshold if team else DEFAULT_THRESHOLD,
            theme_threshold=DEFAULT_THEME_THRESHOLD if theme_threshold is None else theme_threshold,
            theme_threshold_is_default=theme_threshold is None,
            linkage=self.linkage.value,  # type: ignore[arg-type]
            keywords=keywords,
            lexicon=load_lexicon(self.lexicon, self.no_lexicon),
            char_weight=self.char_weight,
            similarity=self.similarity.value,  # type: ignore[arg-type]
            columns=columns or self.column_spec(),
        )

    def column_spec(self) -> ColumnSpec:
        return ColumnSpec(id_col=self.id_col, agency_col=self.agency_col, field_col=self.field_col, text_cols=tuple(self.text_col or ()))


@dataclasses.dataclass(frozen=True)
class ReportOptions:
    """What a command prints."""

    format: Annotated[OutputFormat, typer.Option("--format", metavar="text|json", help="Terminal output: text, or json for scripts.")] = (
        OutputFormat.text
    )
    quiet: QuietOpt = False
    verbose: VerboseOpt = False
    debug: DebugOpt = False
    lang: LangOpt = None


F = TypeVar("F", bound=Callable[..., Any])
_GROUPS = (InputOptions, ReportOptions)


def expand_groups(command: F) -> F:
    """Put the fields of each option-group parameter of `command` into the signature Typer reads."""
    signature = inspect.signature(command, eval_str=True)
    parameters: list[inspect.Parameter] = []
    groups: dict[str, tuple[type, list[str]]] = {}
    for parameter in signature.parameters.values():
        group = parameter.annotation
        if group not in _GROUPS:
            parameters.append(parameter)
            continue
        hints = typing.get_type_hints(group, include_extras=True)
        names = [f.name for f in dataclasses.fields(group)]
        parameters.extend(
            inspect.Parameter(f.name, parameter.kind, annotation=hints[f.name], default=f.default)
            for f in dataclasses.fields(group)
        )
        groups[parameter.name] = (group, names)

    @functools.wraps(command)
    def run(**values: Any) -> Any:
        for name, (group, fields) in groups.items():
            values[name] = group(**{field: values.pop(field) for field in fields})
        return command(**values)

    run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    return run  # type: ignore[return-value]
