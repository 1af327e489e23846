"""The Dask engine: the same chunks as the local engine, run as tasks on a Dask cluster.

`distributed` is an extra (`pip install 'taskdedup[dask]'`). Without a scheduler address a
LocalCluster sized to this machine is started (one single-threaded worker process per core:
MeCab and Kiwi hold the GIL) and closed at the end; with one, the run connects to that running
`dask scheduler`, whose workers need taskdedup installed (the same version). The analyser is
started once per worker thread, the lexicon sent to every worker once. Results are gathered in
chunk order, so they are those of the local engine; a task whose worker dies is run again
elsewhere by the scheduler, and being a pure function of its chunk it gives the same result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Sequence
from operator import getitem
from typing import Any

import numpy as np
import scipy.sparse as sp

from taskdedup.clustering.join import CHUNK_ROWS, Join, JoinArrays, LocalPairs, Pairs, PairSet, join_block, join_scratch
from taskdedup.clustering.sparse import ChainTask, chain_merges
from taskdedup.clustering.tree import Similarity
from taskdedup.errors import TaskdedupError
from taskdedup.input.submissions import Submission
from taskdedup.messages import msg
from taskdedup.review.proposals import Cluster
from taskdedup.text.embeddings import EMBEDDERS, Embedder
from taskdedup.text.lexicon import Lexicon
from taskdedup.text.tokenizers import Tokenizer, make_tokenizer
from taskdedup.text.tokens import CHUNK_TEXTS, joined_texts, token_lists, tokenize_joined

INSTALL = msg("--engine dask needs Dask's distributed package: pip install 'taskdedup[dask]'")


MIN_CHUNK = 100  # below this a task's overhead (~1 ms) is more than its work


class EngineUnavailable(TaskdedupError):
    """The Dask engine cannot start: distributed missing, or no scheduler at the address."""


_local = threading.local()


def _started(key: tuple[str, str], make: Callable[[], Any]) -> Any:
    """This worker thread's analyser or model for `key`, made and started on first use: starting
    one (MeCab's dictionary, the embedding model) costs far more than a task."""
    objects: dict[tuple[str, str], Any] = _local.__dict__.setdefault("objects", {})
    if key not in objects:
        made = make()
        made.start()
        objects[key] = made
    return objects[key]


# A chunk travels as one string each way (text/tokens.py says why and how): on a cluster,
# pickling 5,000 short strings, or 5,000 lists of tokens, cost about half as much again as
# tokenising them.
def tokenize_chunk(texts: str, tokenizer_name: str, lexicon: Lexicon) -> str:
    """A task: tokens_of() for one chunk (text/tokens.py's joined_texts), with this worker
    thread's analyser (started on first use); the token lists joined for token_lists()."""
    tokenizer = _started(("tokenizer", tokenizer_name), lambda: make_tokenizer(tokenizer_name))
    return tokenize_joined(texts, tokenizer, lexicon)


def embed_batches(batches: list[list[str]], embedder_name: str, threads: int | None) -> list[np.ndarray]:
    """A task: the vectors of a few batches, with this worker thread's model (loaded on first use)."""
    model = _started(("embedder", embedder_name), lambda: EMBEDDERS[embedder_name](threads=threads))
    return [model.embed(batch) for batch in batches]


def given(value: Any) -> Any:
    """A task that returns what it was given: see DaskEngine.held."""
    return value


def join_range(starts: list[int], arrays: Any, limit: float) -> Pairs:
    """A task: the join's pairs for consecutive blocks, joined in block order (the same arrays as
    the local engine's blocks, concatenated as it concatenates them)."""
    n = len(arrays[0]) - 1
    sums, touched = join_scratch(n)
    parts = [join_block(arrays, start, limit, sums, touched) for start in starts]
    return tuple(np.concatenate([p[k] for p in parts]) for k in range(3))  # type: ignore[return-value]


def group_chain(units: ChainTask, unit_group: np.ndarray, group: int, first_node: int, *pieces: Pairs) -> Any:
    """A task: one group's chain, from its pieces of every part of the join."""
    from taskdedup.clustering.components import group_task

    return chain_merges(group_task(units, unit_group, group, first_node, pieces))


class DaskPairs:
    """The join's pairs left on the workers: one future per join task, in block order. Reading
    them maps a task over the parts and gathers only what it returns; the engine must still be
    open (the pipeline's `assemble` reads them for near misses)."""

    def __init__(self, engine: DaskEngine, parts: list[Any], inputs: Any = None) -> None:
        self.engine = engine
        self.parts = parts
        self.inputs = inputs  # what the parts were computed from: kept, so a lost part can be computed again

    def map(self, fn: Callable[..., Any], *args: Any) -> list[Any]:
        client = self.engine.client
        if client.status != "running":
            raise RuntimeError("the Dask engine was closed while the join's pairs were still needed: assemble before closing it")
        # Arrays go into the graph once, not inside every task.
        shared = [self.engine.held(a) if isinstance(a, np.ndarray) else a for a in args]
        futures = client.map(fn, self.parts, *[[a] * len(self.parts) for a in shared], key=getattr(fn, "__name__", "map"), pure=False)
        return list(client.gather(futures))

    def arrays(self) -> Pairs:
        return LocalPairs.joined(list(self.engine.client.gather(self.parts))).parts[0]


class DaskEngine:
    name = "dask"

    def __init__(self, scheduler: str | None = None, notices: list[str] | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise EngineUnavailable(INSTALL) from None
        self._cluster: Any = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise EngineUnavailable(msg("no Dask scheduler answers at {address} ({exc}); start one with: dask scheduler", address=scheduler,
                                            exc=exc)) from None
        else:
            import os

            self._cluster = LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True,
                                         dashboard_address=":0")
            self.client = Client(self._cluster)
            if notices is not None:
                notices.append(msg("started a local Dask cluster: {workers} worker(s), dashboard {link}", workers=len(self._cluster.workers),
                                   link=self.client.dashboard_link))
        import dask

        # Chunks and components travel inside the task graph on purpose: the scheduler then holds
        # them, and can run a task again when the worker holding its result dies (scattered data
        # would be lost with it). Dask warns about graphs over 10 MB; here that is the design.
        self._config = dask.config.set({"distributed.admin.large-graph-warning-threshold": "1 TiB"})

    def held(self, value: Any) -> Any:
        """A future of `value` for many tasks to read, which the scheduler can compute again.

        Not scattered to every worker: scattered data lives on workers only, and the active memory
        manager (on by default) soon drops all but one copy of it, so losing that worker lost the
        data and failed the run ("lost dependencies"). A task that returns its argument keeps the
        value in the graph, as the chunks are: a lost copy is made again."""
        return self.client.submit(given, value, pure=False)

    def _chunk(self, texts: int) -> int:
        """Texts per task: about four tasks per worker, so a slow or lost worker holds up little,
        and never more than the local engine's chunk; the result does not depend on it."""
        return max(MIN_CHUNK, min(CHUNK_TEXTS, -(-texts // (4 * self._workers()))))

    def _workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def tokenize(self, normalised: list[str], tokenizer: Tokenizer, lexicon: Lexicon, report: Callable[[int], None] | None) -> list[list[str]]:
        chunks = [normalised[i : i + step] for step in [self._chunk(len(normalised))] for i in range(0, len(normalised), step)]
        if not chunks:
            return []
        shared = self.held(lexicon)
        # Keys unique to this run (pure=False): a scheduler shared by several runs must never hand
        # one run another's chunk.
        futures = self.client.map(tokenize_chunk, [joined_texts(c) for c in chunks], tokenizer_name=tokenizer.name, lexicon=shared,
                                  key="tokenise", pure=False)
        out: list[list[str]] = []
        for part, chunk in zip(self._gather(futures, [len(c) for c in chunks], report), chunks, strict=True):
            out.extend(token_lists(part, len(chunk)))
        return out

    def embed(self, batches: list[list[str]], embedder: Embedder, report: Callable[[int], None] | None) -> list[np.ndarray]:
        if not batches:
            return []
        per_task = max(1, -(-len(batches) // (4 * self._workers())))
        groups = [batches[i : i + per_task] for i in range(0, len(batches), per_task)]
        # One model thread per task: a cluster runs one single-threaded worker per core (the local
        # cluster does), so a model using every core would oversubscribe them.
        futures = self.client.map(embed_batches, groups, embedder_name=embedder.name, threads=1, key="embed", pure=False)
        return [vectors for part in self._gather(futures, [sum(map(len, g)) for g in groups], report) for vectors in part]

    def join_blocks(self, arrays: JoinArrays, limit: float, report: Callable[[int], None]) -> PairSet:
        """The join's pairs, left on the workers that computed them (DaskPairs)."""
        n = len(arrays[0]) - 1
        starts = list(range(0, n, CHUNK_ROWS))
        if not starts:
            return LocalPairs.joined([])
        # Many tasks per worker: a block's cost is the sum of its terms' df^2, so blocks of common
        # words take far longer than others and small tasks even the load out.
        per_task = max(1, -(-len(starts) // (16 * self._workers())))
        groups = [starts[i : i + per_task] for i in range(0, len(starts), per_task)]
        shared = self.held(arrays)
        futures = self.client.map(join_range, groups, arrays=shared, limit=limit, key="join", pure=False)
        self._wait(futures, [min(n, group[-1] + CHUNK_ROWS) - group[0] for group in groups], report)
        return DaskPairs(self, futures, inputs=shared)

    def chain_components(self, units: ChainTask, join: Join, report: Callable[[int], None]) -> tuple[np.ndarray, np.ndarray]:
        """The chain on the workers, whole connected components per task (clustering/components.py:
        put back in order, their merges are those of one run). Each task gathers its pairs from
        the join's parts on the workers; this process sees the components and the merges only."""
        from taskdedup.clustering import components as cc

        pairs = join.pairs if isinstance(join.pairs, DaskPairs) else DaskPairs(self, [self.held(join.pairs.arrays())])
        component = join.component
        loads = np.sum(pairs.map(cc.part_loads, component), axis=0)
        unit_group, used = cc.groups_of(component, loads, 4 * self._workers())
        if not used:
            return cc.combine([], [], units.first_node)
        shape = cc.spans(unit_group, used, units.first_node)
        shared_units, shared_group = self.held(units), self.held(unit_group)
        pieces = self.client.map(cc.pieces_of, pairs.parts, unit_group=shared_group, groups=used, key="pieces", pure=False)
        picked = [[self.client.submit(getitem, p, g, pure=False) for p in pieces] for g in range(used)]
        chains = [self.client.submit(group_chain, shared_units, shared_group, g, first, *picked[g], pure=False) for g, (first, _) in enumerate(shape)]
        # Every future stays referenced until the merges are here: a worker lost meanwhile takes
        # results with it, which the scheduler can compute again only from tasks it still knows.
        merges = self._gather(chains, [size for _, size in shape], report)
        return cc.combine(shape, merges, units.first_node)

    def proposals(
        self, submissions: Sequence[Submission], words: sp.csr_matrix, terms: np.ndarray, similarity: Similarity, labels: np.ndarray, *,
        keywords: int, has_agency: bool, agency_of: Callable[[str], str], representatives: Collection[int] = (), units: np.ndarray | None = None,
    ) -> list[Cluster]:
        """The proposals' evidence on the workers, whole groups per task, about four tasks per
        worker (review/apart.py: merged, the list one run makes). A small input's dense
        similarities stay here, as its whole run does."""
        from taskdedup.review import apart
        from taskdedup.review.proposals import build_clusters

        if similarity.dense is not None:
            return build_clusters(submissions, words, terms, similarity, labels, keywords=keywords, has_agency=has_agency, agency_of=agency_of,
                                  representatives=representatives, units=units)
        parts = apart.tasks(submissions, words, similarity, labels, 4 * self._workers(), representatives, units)
        shared_terms = self.held(terms)
        futures = self.client.map(apart.run, parts, terms=shared_terms, keywords=keywords, has_agency=has_agency, agency_of=agency_of,
                                  key="proposals", pure=False)
        del parts  # on their way to the scheduler
        return apart.merge(self._gather(futures, [1] * len(futures), None), submissions, labels, has_agency, agency_of)

    def _wait(self, futures: list[Any], sizes: list[int], report: Callable[[int], None] | None) -> None:
        """Wait for the tasks, reporting the work done as each finishes; results stay where they are."""
        from distributed import as_completed

        size = {future.key: n for future, n in zip(futures, sizes, strict=True)}
        done = 0
        for future in as_completed(futures):
            done += size[future.key]
            if report:
                report(done)

    def _gather(self, futures: list[Any], sizes: list[int], report: Callable[[int], None] | None) -> list[Any]:
        """The tasks' results in submission order, reporting the work done as each task finishes
        (the task stream, so a bar moves while the cluster works)."""
        self._wait(futures, sizes, report)
        return list(self.client.gather(futures))

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._config.__exit__(None, None, None)

