"""taskdedup against the tool a user picks for speed: datasketch MinHash LSH, end to end, same titles.

    pip install datasketch
    python bench/minhash.py [--runs 3]

The peer run is what a data engineer would write: read the CSV, character 3-gram shingles of each
lower-cased title, 128-permutation MinHashes (MinHash.bulk, datasketch's fastest path), an LSH
index at Jaccard 0.5, every title queried, candidate pairs joined by union-find, a members CSV
written. taskdedup runs `taskdedup cluster petitions.csv -q -o members.csv` cold (empty token
cache) and warm. Each run is a fresh process; runs alternate; medians and ratios are printed.
The two do not match alike (estimated Jaccard of shingles against calibrated TF-IDF similarity
with average linkage), so this compares time, not quality. Needs ../shared/datasets.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from datasets import PETITIONS, petition_titles  # noqa: E402

PEER = r"""
import csv, sys
from datasketch import MinHash, MinHashLSH
source, out = sys.argv[1:3]
with open(source, encoding="utf-8") as handle:
    rows = [(r["번호"], r["제목"]) for r in csv.DictReader(handle)]
def shingles(text):
    t = " ".join(text.lower().split())
    return [t[i:i + 3].encode("utf-8") for i in range(max(len(t) - 2, 0))] or [t.encode("utf-8")]
hashes = list(MinHash.bulk([shingles(t) for _, t in rows], num_perm=128))
lsh = MinHashLSH(threshold=0.5, num_perm=128)
with lsh.insertion_session() as session:
    for k, m in enumerate(hashes):
        session.insert(k, m)
parent = list(range(len(rows)))
def find(x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x
for k, m in enumerate(hashes):
    for j in lsh.query(m):
        a, b = find(k), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
with open(out, "w", encoding="utf-8", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["cluster", "row_id", "title"])
    for k, (row_id, title) in enumerate(rows):
        writer.writerow([find(k), row_id, title])
print(len({find(k) for k in range(len(rows))}))
"""


def timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return seconds, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not PETITIONS.exists():
        print(f"skipping: {PETITIONS} not found", file=sys.stderr)
        return
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        titles = petition_titles(work)
        td = [py, "-m", "taskdedup", "cluster", str(titles), "-q", "-o", str(work / "members.csv")]
        seconds: dict[str, list[float]] = {"datasketch MinHash LSH": [], "taskdedup, cold": [], "taskdedup, warm": []}
        clusters = ""
        for run in range(args.runs):
            peer, clusters = timed([py, "-c", PEER, str(titles), str(work / "peer.csv")])
            seconds["datasketch MinHash LSH"].append(peer)
            cache = work / f"cache-{run}"
            seconds["taskdedup, cold"].append(timed([*td, "--cache-dir", str(cache)])[0])
            seconds["taskdedup, warm"].append(timed([*td, "--cache-dir", str(cache)])[0])
            print(f"run {run + 1}/{args.runs} done", file=sys.stderr, flush=True)
    peer_median = statistics.median(seconds["datasketch MinHash LSH"])
    print(f"85,856 petition titles, {args.runs} alternating runs, medians (MinHash LSH found {clusters} clusters)\n")
    print("| run | seconds | / MinHash LSH |")
    print("|---|---|---|")
    for label, values in seconds.items():
        median = statistics.median(values)
        print(f"| {label} | {median:.2f} | x{median / peer_median:.2f} |")


if __name__ == "__main__":
    main()
