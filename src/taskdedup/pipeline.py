"""The whole job, with no printing: prepare(table, settings) builds the similarity tree once;
assemble() cuts it into clusters, proposals and themes. run() does both. What they decide before
the work is in plan.py, the data they give in results.py, `link` in linking.py.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path

import numpy as np

from taskdedup.clustering.join import Join
from taskdedup.clustering.sparse import sparse_tree
from taskdedup.clustering.tree import MergeTree, Similarity, build_tree, similarity_matrix
from taskdedup.config import DENSE_MAX_ROWS, Linkage, Settings
from taskdedup.engines import Engine
from taskdedup.errors import ColumnError, NothingToCluster
from taskdedup.input.checks import formula_hint, input_notices, sheet_hint
from taskdedup.input.columns import resolve_columns
from taskdedup.input.submissions import to_submissions
from taskdedup.input.table import Table
from taskdedup.messages import msg
from taskdedup.plan import canonical_order, embedding_plan, match_for, scale_settings, start_tokenizer
from taskdedup.results import CLUSTERED, SKIPPED_EMPTY, SKIPPED_NO_WORDS, Prepared, Progress, Result, RowOutcome, RunInfo, Summary
from taskdedup.review.decisions import MERGE, NEW_ATTACHED, Decided, Decisions, carry_forward, constrain
from taskdedup.review.label_requests import label_requests
from taskdedup.review.near_misses import near_misses
from taskdedup.review.proposals import CROSS_AGENCY, SAME_AGENCY, UNATTRIBUTED, build_clusters
from taskdedup.review.themes import build_themes, nested_themes
from taskdedup.text.embeddings import embed_rows, first_lines
from taskdedup.text.token_cache import TokenCache
from taskdedup.text.tokenizers import Tokenizer
from taskdedup.text.tokens import cached_tokens, input_key, normalised_texts
from taskdedup.text.vectors import Vectors, vectors_for

# The data a run gives lives in results.py, what it decides before the work in plan.py; both are
# named here too, where callers have always found them.
__all__ = [
    "CLUSTERED", "SKIPPED_EMPTY", "SKIPPED_NO_WORDS", "Prepared", "Progress", "Result", "RowOutcome", "RunInfo", "Summary",
    "assemble", "canonical_order", "prepare", "run", "start_tokenizer", "timed",
]

def _silent(stage: str, done: int, total: int) -> None:
    pass


@contextmanager
def timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


def prepare(
    table: Table,
    settings: Settings,
    tokenizer: Tokenizer | None = None,
    *,
    min_threshold: float | None = None,
    progress: Progress | None = None,
    jobs: int | None = None,
    cache: TokenCache | None = None,
    engine: Engine | None = None,
    with_tree: bool = True,
) -> Prepared:
    """Everything up to the merge tree. The tree can later be cut at any threshold at or above
    `min_threshold` (default: the lower of the cluster and theme thresholds). `engine` runs the
    parallel maps (engines/: local processes by default, or a Dask cluster); the result does not
    depend on it. `with_tree=False`: everything but the tree, for a caller that reads the
    similarities only (`link`: at 85,856 rows the tree down to its candidates' floor was 13 s)."""
    report = progress or _silent
    jobs = jobs or os.cpu_count() or 1  # tokeniser processes and similarity threads
    timings: dict[str, float] = {}
    frame = table.frame
    if frame.empty:
        raise NothingToCluster(msg('{source}: no data rows below the header; check the sheet (--sheet) or the file{hint}', source=table.source, hint=sheet_hint(table)))
    try:
        columns = table.columns or resolve_columns(list(frame.columns), settings.columns)
    except ColumnError as exc:
        if not table.other_sheets:
            raise
        raise ColumnError(msg('{exc}{hint}', exc=exc, hint=sheet_hint(table))) from None
    entities: list[str] = []
    # The file as the exports name it: without its folders, so the same run from elsewhere gives the same bytes.
    submissions = to_submissions(frame, columns, entities, source=Path(table.source).name)
    kernels = None
    if with_tree and (engine is None or engine.name == "local") and _sparse(settings.method, len(submissions)):
        from taskdedup.clustering.preload import load_kernels

        # The compiled join and chain load in this thread (~0.4 s of a run that would wait for
        # them) while a run whose texts come from the cache reads their tokens and vectorises.
        # Not in a run that tokenises: the loading holds the GIL, which this process needs to
        # hand out its tokeniser workers' chunks and the cache's writer to write (paired first
        # runs: +0.5 s started beside the workers, +0.1 s after them; the same texts with another
        # analyser still meet that). Daemon: a run that ends early does not wait for it.
        kernels = threading.Thread(target=load_kernels, name="taskdedup-load-kernels", daemon=True)
    notices = input_notices(table, columns, submissions) + entities
    chars_by_user = settings.char_weight is not None

    if settings.similarity == "auto" and settings.match is not None and settings.match.name == "lexical":
        settings = replace(settings, similarity="lexical")  # a team model learned without embeddings: match as it was learned
    settings, titles_only = embedding_plan(settings, [s.text for s in submissions], notices)
    settings = scale_settings(settings, len(submissions), notices)
    if tokenizer is None:
        with timed(timings, "tokenizer start"):
            tokenizer, started_notices = start_tokenizer(settings)
        notices.extend(started_notices)
    settings = replace(settings, tokenizer=tokenizer.name)

    # What the two stages add to the cache is written by a thread while the run goes on (the
    # chain leaves a core free); prepare waits for it before it returns.
    with cache.behind() if cache else nullcontext():
        with timed(timings, "normalise"):
            raw = list(dict.fromkeys(s.text for s in submissions))  # texts repeat word for word in real inputs: normalise each once
            raw_key = input_key(raw) if cache else None
            on_hit = None
            if kernels is not None and cache is not None and raw_key is not None:
                from taskdedup.clustering.tree_store import kept_for

                # Not when a run over these texts left its tree in the cache: it likely needs no kernels.
                on_hit = lambda: None if kept_for(cache, raw_key) else kernels.start()  # noqa: E731
            normalised = dict(zip(raw, normalised_texts(raw, cache, on_hit=on_hit, key=raw_key), strict=True))
            del raw
            texts = [normalised[s.text] for s in submissions]
        # Canonical order: clustering and tie-breaks see the same sequence whatever the row order.
        order = canonical_order(texts, submissions)
        with timed(timings, "tokenise"):
            candidates = [i for i in order if texts[i]]
            token_lists = cached_tokens([texts[i] for i in candidates], tokenizer, settings.lexicon, jobs, cache, report, notices, engine)
    skipped = [
        RowOutcome(submissions[i], SKIPPED_NO_WORDS if submissions[i].text.strip() else SKIPPED_EMPTY)
        for i in order
        if not texts[i]
    ]
    kept: list[int] = []
    kept_tokens: list[list[str]] = []
    for i, tokens in zip(candidates, token_lists, strict=True):
        if tokens:
            kept.append(i)
            kept_tokens.append(tokens)
        else:
            skipped.append(RowOutcome(submissions[i], SKIPPED_NO_WORDS))
    if not kept:
        cols = " + ".join(f"'{c}'" for c in columns.text)
        raise NothingToCluster(msg('{source}: no row has text to compare in {cols}; choose the text columns with --text-col{hint}', source=table.source, cols=cols, hint=formula_hint(table)))
    skipped.sort(key=lambda r: r.submission.sort_key())

    embeddings = None
    if settings.similarity == "hybrid":
        with timed(timings, "embed"):
            texts_to_embed = [submissions[i].text for i in kept]
            embeddings = embed_rows(first_lines(texts_to_embed) if titles_only else texts_to_embed, settings.embedder, cache, report, notices, jobs, engine)
        if embeddings is None:
            settings = replace(settings, similarity="lexical")
    match, team = match_for(settings, notices, chars_by_user)
    # As run: a team model that does not fit this run's similarity is not part of its settings.
    settings = replace(settings, char_weight=match.char_weight)
    if not team:
        settings = replace(settings, match=None, match_source="")
    with timed(timings, "vectorise"):
        vectors = vectors_for([texts[i] for i in kept], kept_tokens, tokenizer, match.char_weight, embeddings, match.embedding_weight)
    # The texts and token lists are in the matrix now: let them go before the join and chain, the
    # run's peak (a million rows: ~0.5 GB of small strings and lists the proposals can reuse).
    del normalised, texts, token_lists, kept_tokens, embeddings
    lowest_threshold = min(settings.threshold, settings.themes_at) if min_threshold is None else min_threshold
    lowest = match.score_at(lowest_threshold)
    dense = not _sparse(settings.method, len(kept))
    with timed(timings, "cluster"):
        if not with_tree:
            similarity = Similarity(vectors.matrix, similarity_matrix(vectors.matrix, vectors.dense) if dense else None, vectors.dense)
            tree, join = None, None
        elif dense:
            matrix = similarity_matrix(vectors.matrix, vectors.dense)
            similarity = Similarity(vectors.matrix, matrix, vectors.dense)
            tree = build_tree(matrix, settings.linkage)
        else:
            tree, join = _sparse_tree(vectors, settings.linkage, lowest, report, jobs, engine, cache, raw_key)
            similarity = Similarity(vectors.matrix, dense_columns=vectors.dense)
            largest = int(np.bincount(join.component, weights=join.sizes).max()) if len(join.sizes) else 0
            notices.append(
                msg(
                    '{n_kept} rows clustered exactly without an n x n matrix: {pairs} similar pairs at p >= {lowest_threshold:g}, '
                    'largest connected group {largest} rows',
                    n_kept=len(kept), pairs=join.row_pairs(), lowest_threshold=lowest_threshold, largest=largest
                )
            )
    if cache:
        with timed(timings, "tokenise"):  # what is left of its writing, if anything
            cache.settle()
        cache.tell(notices)
    return Prepared(
        source=table.source,
        files=table.files,
        columns=columns,
        settings=settings,
        match=match,
        tokenizer_version=tokenizer.version,
        rows_read=len(submissions),
        blank_rows=table.blank_rows,
        clustered=[submissions[i] for i in kept],
        skipped=skipped,
        vectors=vectors,
        similarity=similarity,
        tree=tree,
        min_threshold=lowest_threshold if not dense else 0.0,
        join=None if dense else join,
        engine=engine,
        notices=notices,
        timings=timings,
    )


def _sparse(method: str, rows: int) -> bool:
    """Whether `rows` rows are clustered by the sparse join and chain rather than a dense matrix."""
    return method == "sparse" or (method == "auto" and rows > DENSE_MAX_ROWS)


def _sparse_tree(
    vectors: Vectors, linkage: Linkage, lowest: float, report: Progress, jobs: int, engine: Engine | None, cache: TokenCache | None,
    texts_key: bytes | None,
) -> tuple[MergeTree, Join]:
    """sparse_tree(), or the one the token cache kept from a run over the same vectors
    (clustering/tree_store.py; a local run's only: a cluster's join stays on its workers)."""
    from taskdedup.clustering.tree_store import KeptTree

    local = engine is None or engine.name == "local"
    kept = KeptTree.of(cache, vectors.matrix, vectors.dense, linkage, lowest) if cache is not None and local else None
    found = kept.read() if kept is not None else None
    if found is not None:
        return found
    tree, join = sparse_tree(vectors.matrix, linkage, lowest, report, jobs, engine, vectors.dense, on_join=kept.keep_pairs if kept else None)
    if kept is not None:
        kept.keep(tree, join, texts_key)
    return tree, join


def assemble(prepared: Prepared, threshold: float | None = None, decisions: Decisions | None = None, *, review_pairs: bool = True) -> Result:
    """Cut the prepared tree at `threshold` (default: the settings') into clusters and themes;
    earlier `decisions` (merged groups stay together, split ones apart) are applied to the cut.
    `review_pairs=False` leaves Result.near_misses and Result.label_requests empty: only the review
    workbook shows them, and on 85,856 rows they cost 0.13-0.19 s a run that writes no workbook."""
    settings = prepared.settings if threshold is None else replace(prepared.settings, threshold=threshold)
    if min(settings.threshold, settings.themes_at) < prepared.min_threshold:
        raise ValueError(f"the tree was built down to {prepared.min_threshold:g}; cannot cut at {settings.themes_at:g}")
    timings = dict(prepared.timings)
    agency_of = settings.lexicon.agency
    notices = list(prepared.notices)
    attached: set[int] = set()
    representatives: set[int] = set()
    with timed(timings, "propose"):
        labels = prepared.cut(settings.threshold)
        if decisions is not None:
            labels, attached, representatives = constrain(labels, [s.row_id for s in prepared.clustered], decisions, notices)
        words, word_terms = prepared.vectors.word_part()
        # The engine that prepared the tree makes the proposals (a Dask engine on its workers, a
        # part of the groups each); without one, here.
        clusters = (prepared.engine.proposals if prepared.engine is not None else build_clusters)(
            prepared.clustered,
            words,
            word_terms,
            prepared.similarity,
            labels,
            keywords=settings.keywords,
            has_agency=prepared.columns.agency is not None,
            agency_of=agency_of,
            representatives=representatives,
            units=None if prepared.join is None else prepared.join.unit_of,
        )
        themes = build_themes(
            clusters,
            nested_themes(prepared.cut(settings.themes_at), labels),
            words,
            word_terms,
            keywords=settings.keywords,
            agency_of=agency_of,
        )
        misses = near_misses(prepared.similarity, prepared.join, labels, clusters) if review_pairs else []
    carried: dict[int, Decided] = {}
    decision_log: list[Decided] = []
    if decisions is not None:
        carried, decision_log = carry_forward(decisions, clusters)
        if carried or decision_log:
            notices.append(
                msg(
                    '{n_total} earlier decision(s) from {source} carried forward: {n_carried} on proposals, {n_decision_log} split '
                    'group(s) for the 결정 기록 sheet of a review workbook',
                    n_total=len(carried) + len(decision_log), source=decisions.source, n_carried=len(carried), n_decision_log=len(decision_log)
                )
            )
    reopened = {
        c.cluster_id: tuple(m.submission.row_id for m in c.members if m.index in attached)
        for c in clusters
        if c.cluster_id in carried and carried[c.cluster_id].decision == MERGE and any(m.index in attached for m in c.members)
    }
    if reopened:
        shown = "; ".join(f"#{k} ({', '.join(ids[:5])})" for k, ids in list(reopened.items())[:5])
        notices.append(
            msg(
                '{n_reopened} merged group(s) need another look (재검토): new task(s) joined them since they were decided: '
                '{shown}; mark 제외 on the 과제목록 sheet for any that do not belong',
                n_reopened=len(reopened), shown=shown
            )
        )
    decided_ids = [frozenset(d.ids) for d in decisions.records] if decisions is not None else []
    requests = label_requests(clusters, misses, prepared.match, settings.threshold, decided_ids) if review_pairs else []
    theme_of = {c.cluster_id: t for t in themes for c in t.clusters}
    rows = [
        RowOutcome(m.submission, NEW_ATTACHED if m.index in attached else CLUSTERED, c, m, theme_of.get(c.cluster_id))
        for c in clusters
        for m in c.members
    ]
    rows.extend(prepared.skipped)
    if len(rows) != prepared.rows_read:  # every input row exactly once; anything else is a bug
        raise RuntimeError(f"{prepared.rows_read} rows in, {len(rows)} rows out")

    proposals = [c for c in clusters if c.is_proposal]
    summary = Summary(
        rows_read=prepared.rows_read,
        rows_skipped=len(prepared.skipped),
        blank_rows_ignored=prepared.blank_rows,
        clusters=len(clusters),
        proposals=len(proposals),
        cross_agency=sum(c.kind == CROSS_AGENCY for c in proposals),
        same_agency=sum(c.kind == SAME_AGENCY for c in proposals),
        unattributed=sum(c.kind == UNATTRIBUTED for c in proposals),
        rows_in_proposals=sum(c.size for c in proposals),
        themes=len(themes),
    )
    return Result(
        source=prepared.source,
        files=prepared.files,
        columns=prepared.columns,
        settings=settings,
        match=prepared.match,
        tokenizer_version=prepared.tokenizer_version,
        summary=summary,
        clusters=clusters,
        themes=themes,
        rows=rows,
        notices=notices,
        timings=timings,
        near_misses=misses,
        matrix=prepared.vectors.matrix,
        carried=carried,
        decision_log=decision_log,
        label_requests=requests,
        reopened=reopened,
    )


def run(table: Table, settings: Settings, tokenizer: Tokenizer | None = None) -> Result:
    return assemble(prepare(table, settings, tokenizer))
