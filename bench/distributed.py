"""--engine dask against --engine local, with 1, 2 and 4 workers: wall time per stage, peak memory
of the client and of the largest worker, pairs, and whether the members CSV is identical.

    python bench/distributed.py [--cases petitions,synthetic-1m] [--workers 1,2,4] [--cache cold|warm]

Each run is a fresh `taskdedup cluster INPUT -v -o members.csv` process under /usr/bin/time. The
Dask runs connect to a scheduler and N single-threaded worker processes started here with the
`dask` command line on 127.0.0.1 (as on a real cluster), fresh for every run so a worker's peak
memory is that run's; a worker's peak is read from the kernel (ru_maxrss) before it is stopped.
Needs `pip install 'taskdedup[dask]'` and ../shared/datasets.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This file's name is Dask's package's: take bench/ off the path so `import distributed` finds Dask,
# and load the neighbouring scale.py by its path.
_spec = importlib.util.spec_from_file_location("scale", ROOT / "bench" / "scale.py")
scale = importlib.util.module_from_spec(_spec)
sys.modules["scale"] = scale
_spec.loader.exec_module(scale)  # it puts bench/ on the path for its own imports
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

BIN = Path(sys.executable).parent


def _peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class Workers:
    def __init__(self, folder: Path, count: int) -> None:
        self.file = folder / "scheduler.json"
        self.file.unlink(missing_ok=True)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        self.scheduler = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address", ":0",
                                           "--scheduler-file", str(self.file)], **quiet)
        while not self.file.exists() or not self.file.read_text().strip():
            time.sleep(0.2)
        time.sleep(0.3)
        self.address = json.loads(self.file.read_text())["address"]
        self.workers = [subprocess.Popen([str(BIN / "dask"), "worker", self.address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                                          "--host", "127.0.0.1", "--memory-limit", "0"], **quiet) for _ in range(count)]
        from distributed import Client

        with Client(self.address, timeout="60s") as client:
            client.wait_for_workers(count, timeout=120)

    def peak_mb(self) -> float:
        from distributed import Client

        with Client(self.address, timeout="60s") as client:
            peaks = client.run(_peak_kb)
        return max(peaks.values()) / 1024 if peaks else 0.0

    def close(self) -> None:
        for process in [*self.workers, self.scheduler]:
            process.send_signal(signal.SIGTERM)
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def run(path: Path, out: Path, cache: Path | None, extra: list[str]) -> dict:
    args = [str(BIN / "taskdedup"), "cluster", str(path), "-v", "-o", str(out), *(["--cache-dir", str(cache)] if cache else ["--no-cache"]), *extra]
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *args], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-2000:]}")
    timings = dict(re.findall(r"([a-z ]+?) ([0-9.]+) s(?:,|;)", done.stderr.split("timings: ", 1)[1].split("\n", 1)[0] + ","))
    pairs = re.search(r"([0-9]+) similar pairs", done.stderr)
    return {"seconds": seconds, "client_mb": int(done.stderr.strip().splitlines()[-1]) / 1024, "timings": {k.strip(): float(v) for k, v in timings.items()},
            "pairs": int(pairs.group(1)) if pairs else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="petitions")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--cache", choices=("cold", "warm"), default="cold")
    args = parser.parse_args()
    if not scale.PETITIONS.exists():
        print(f"skipping: {scale.PETITIONS} not found", file=sys.stderr)
        return
    print("| case | engine | wall s | read | tokenise | similarity + chain (cluster) | propose | write | client peak MB | largest worker MB | row pairs | same CSV |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["NUMBA_CACHE_DIR"] = str(folder / "numba")  # compiled once by the warm-up, shared by every process
        for case in args.cases.split(","):
            path = scale.petitions_file(folder) if case == "petitions" else scale.synthetic({"100k": 100_000, "1m": 1_000_000}[case.split("-")[1]], folder)
            run(scale.synthetic(3000, folder), folder / "warmup.csv", None, [])  # numba's compilation, untimed
            cache = folder / "cache" if args.cache == "warm" else None
            if cache:
                run(path, folder / "fill.csv", cache, [])
            local = run(path, folder / "local.csv", cache, [])
            rows = [("local", local, None, True)]
            for count in (int(w) for w in args.workers.split(",")):
                workers = Workers(folder, count)
                try:
                    result = run(path, folder / f"dask{count}.csv", cache, ["--engine", "dask", "--scheduler", workers.address])
                    peak = workers.peak_mb()
                finally:
                    workers.close()
                same = (folder / f"dask{count}.csv").read_bytes() == (folder / "local.csv").read_bytes()
                rows.append((f"dask, {count} worker(s)", result, peak, same))
            for name, r, peak, same in rows:
                t = r["timings"]
                worker = "" if peak is None else f"{peak:,.0f}"
                pairs = "" if r["pairs"] is None else f"{r['pairs']:,}"
                print(f"| {case} ({args.cache}) | {name} | {r['seconds']:.1f} | {t.get('read', 0):.2f} | {t.get('tokenise', 0):.2f} | "
                      f"{t.get('cluster', 0):.2f} | {t.get('propose', 0):.2f} | {t.get('write', 0):.2f} | {r['client_mb']:,.0f} | {worker} | "
                      f"{pairs} | {same} |", flush=True)
            shutil.rmtree(folder / "cache", ignore_errors=True)


if __name__ == "__main__":
    main()
