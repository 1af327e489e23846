"""--engine dask gives the local engine's result, byte for byte, on a real scheduler and two
worker processes started with the `dask` command line on 127.0.0.1; a worker killed mid-run is
replaced by the scheduler and the result is still the same."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("distributed")

from taskdedup.cli import app  # noqa: E402
from taskdedup.config import Settings  # noqa: E402
from taskdedup.engines.dask_cluster import DaskEngine  # noqa: E402
from taskdedup.input.tables import read_table  # noqa: E402
from taskdedup.output.csvfile import to_csv  # noqa: E402
from taskdedup.pipeline import assemble, prepare  # noqa: E402

runner = CliRunner()
ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "data" / "samples" / "survey_2018.csv"
DASK = str(Path(sys.executable).parent / "dask")
LEXICAL = ("--similarity", "lexical")


class Cluster:
    """A scheduler and `workers` single-threaded worker processes (no nanny: killing one kills it)."""

    def __init__(self, folder: Path, workers: int) -> None:
        self.file = folder / "scheduler.json"
        env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
        self.scheduler = subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address", ":0",
                                           "--scheduler-file", str(self.file)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + 60
        while not self.file.exists() or not self.file.read_text().strip():
            assert time.monotonic() < deadline, "dask scheduler did not start"
            time.sleep(0.2)
        time.sleep(0.3)  # the file is written before it is complete on slow machines
        self.address = json.loads(self.file.read_text())["address"]
        self.workers = [
            subprocess.Popen([DASK, "worker", self.address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--host", "127.0.0.1"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            for _ in range(workers)
        ]
        from distributed import Client

        with Client(self.address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=90)

    def close(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    started = Cluster(tmp_path_factory.mktemp("dask"), workers=2)
    yield started
    started.close()


def survey(folder: Path, rows: int = 3000) -> Path:
    """A few thousand real-looking proposals: the sample's titles and descriptions, each written
    again by other agencies with words added, dropped and swapped (seeded)."""
    import csv

    with SAMPLE.open(encoding="utf-8") as handle:
        base = list(csv.DictReader(handle))
    agencies = sorted({r["기관명"] for r in base})
    extra = ["시범", "고도화", "확대", "구축", "운영", "지원", "통합", "개선", "플랫폼", "서비스", "스마트", "기반"]
    rng = random.Random(20181)
    path = folder / "survey_3000.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["연번", "기관명", "분야", "과제명", "과제내용"])
        for k in range(rows):
            row = base[k % len(base)]
            words = row["과제명"].split()
            if len(words) > 2 and rng.random() < 0.5:
                words.pop(rng.randrange(len(words)))
            if rng.random() < 0.6:
                words.insert(rng.randrange(len(words) + 1), rng.choice(extra))
            if len(words) > 1 and rng.random() < 0.3:
                i = rng.randrange(len(words) - 1)
                words[i], words[i + 1] = words[i + 1], words[i]
            text = row["과제내용"].split()
            text = text[: max(3, len(text) - rng.randrange(4))]
            writer.writerow([k + 1, rng.choice(agencies), row["분야"], " ".join(words), " ".join(text)])
    return path


def _exports(tmp_path: Path, name: str, source: Path, *extra: str) -> dict[str, bytes]:
    folder = tmp_path / name  # same file names: the workbook records the command, files without folders
    folder.mkdir()
    out = {suffix: folder / f"review{suffix}" for suffix in (".csv", ".json", ".xlsx", ".html")}
    args = ["cluster", str(source), *LEXICAL, "--no-cache", "-q", "--run-date", "2026-12-02", *extra]
    for path in out.values():
        args += ["-o", str(path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return {suffix: path.read_bytes() for suffix, path in out.items()}


@pytest.mark.parametrize("rows", [None, 3000])
def test_dask_engine_writes_the_local_engine_s_exports_byte_for_byte(cluster: Cluster, tmp_path: Path, rows: int | None) -> None:
    source = SAMPLE if rows is None else survey(tmp_path, rows)
    local = _exports(tmp_path, "local", source)
    dask = _exports(tmp_path, "dask", source, "--engine", "dask", "--scheduler", cluster.address)
    for suffix in local:
        assert dask[suffix] == local[suffix], suffix


def test_dask_engine_embeds_the_local_engine_s_vectors(cluster: Cluster, tmp_path: Path) -> None:
    """The hybrid match: the sentence embedding computed on the workers, batch for batch."""
    def run(name: str, *extra: str) -> bytes:
        folder = tmp_path / name
        folder.mkdir()
        args = ["cluster", str(SAMPLE), "--similarity", "hybrid", "--no-cache", "-q", "-o", str(folder / "members.json"), *extra]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        return (folder / "members.json").read_bytes()

    local = run("local")
    assert b'"embedding": {' in local or b'"embedding":{' in local  # the embedding was used
    assert run("dask", "--engine", "dask", "--scheduler", cluster.address) == local


def test_many_components_on_the_workers_give_the_one_run_merges_without_a_warning(cluster: Cluster) -> None:
    """300,000 two-unit components and a few larger ones: a chain graph of tens of MB, which Dask
    would warn about on the analyst's terminal; the merges are those of one local run."""
    import warnings

    import numpy as np
    import scipy.sparse as sp

    from taskdedup.clustering.join import Join
    from taskdedup.clustering.sparse import ChainTask, chain_merges
    from taskdedup.engines.dask_cluster import DaskPairs

    pairs = 300_000
    row = np.concatenate([np.arange(0, 2 * pairs, 2), [0, 2, 4]])
    col = np.concatenate([np.arange(1, 2 * pairs, 2), [2, 4, 6]])
    similarity = np.concatenate([np.round(np.linspace(0.3, 0.9, pairs), 9), [0.5, 0.5, 0.5]])  # ties across components
    units = 2 * pairs
    task = ChainTask(np.arange(units), row, col, similarity, np.ones(units), sp.csr_matrix((0, 0)), np.arange(units), "complete", 0.3,
                     units, 0)
    merged, distances, _ = chain_merges(task)
    engine = DaskEngine(cluster.address)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            # The pairs in three parts on the workers, as a join leaves them.
            cuts = [0, pairs // 3, 2 * pairs // 3, len(row)]
            parts = [engine.client.scatter((row[a:b], col[a:b], similarity[a:b])) for a, b in zip(cuts, cuts[1:], strict=False)]
            units_only = task.with_pairs((row[:0], col[:0], similarity[:0]))
            join = Join(DaskPairs(engine, parts), np.arange(units), np.arange(units), np.arange(units + 1))
            apart = engine.chain_components(units_only, join, lambda done: None)
    finally:
        engine.close()
    assert len(merged) > pairs - 10
    assert apart[0].tolist() == merged.tolist()
    assert apart[1].tobytes() == distances.tobytes()


def test_workers_killed_mid_run_change_nothing(tmp_path: Path) -> None:
    """One worker killed while tokenising, another while joining, a third while running the merge
    chain: the scheduler runs their tasks (and recomputes the results they held) on the last one,
    and the result is the local one."""
    source = survey(tmp_path, 3000)
    settings = Settings(similarity="lexical")
    expected = to_csv(assemble(prepare(read_table(str(source)), settings, cache=None)))
    own = Cluster(tmp_path, workers=4)
    killed: dict[str, int] = {}

    def progress(stage: str, done: int, total: int) -> None:
        # The first chunk back: the other tasks are running or queued, and the chunks done so far
        # are held on the workers, so the killed one's must be computed again.
        if stage in ("tokenising", "similarity", "clustering") and 0 < done < total and stage not in killed:
            victim = own.workers[len(killed)]
            victim.kill()
            victim.wait(timeout=30)
            killed[stage] = victim.pid

    try:
        engine = DaskEngine(own.address)
        try:
            result = assemble(prepare(read_table(str(source)), settings, cache=None, engine=engine, progress=progress))
        finally:
            engine.close()
    finally:
        own.close()
    assert set(killed) == {"tokenising", "similarity", "clustering"}, f"the run ended before all three kills: {killed}"
    assert to_csv(result) == expected


def test_engine_dask_without_a_scheduler_at_the_address_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["cluster", str(SAMPLE), *LEXICAL, "--no-cache", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no Dask scheduler answers at tcp://127.0.0.1:9 (")
    assert result.stderr.endswith("); start one with: dask scheduler\n") and result.stderr.count("\n") == 1


def test_scheduler_without_the_dask_engine_is_refused() -> None:
    result = runner.invoke(app, ["cluster", str(SAMPLE), "--scheduler", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 1
    assert result.stderr == "Error: --scheduler tcp://127.0.0.1:8786 is for the Dask engine; add --engine dask\n"


def test_engine_dask_without_distributed_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real = builtins.__import__

    def no_distributed(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "distributed" or name.startswith("distributed."):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_distributed)
    result = runner.invoke(app, ["cluster", str(SAMPLE), "--engine", "dask"])
    assert result.exit_code == 1
    assert result.stderr == "Error: --engine dask needs Dask's distributed package: pip install 'taskdedup[dask]'\n"


def test_engine_dask_without_a_scheduler_starts_a_local_cluster_and_says_where_its_dashboard_is(tmp_path: Path) -> None:
    local = _exports(tmp_path, "local", SAMPLE)
    folder = tmp_path / "dask"
    folder.mkdir()
    out = folder / "review.csv"
    result = runner.invoke(app, ["cluster", str(SAMPLE), *LEXICAL, "--no-cache", "--engine", "dask", "--run-date", "2026-12-02", "-o", str(out)])
    assert result.exit_code == 0, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"notice: started a local Dask cluster: {os.cpu_count()} worker(s), dashboard http://127.0.0.1:"), first
    assert out.read_bytes() == local[".csv"]
