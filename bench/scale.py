"""Speed and memory at scale: real petition titles and synthetic sets, end to end.

    python bench/scale.py [--cases petitions,synthetic-10k,synthetic-100k,synthetic-1m] [--dense-upto 20000]

Each case runs in a fresh subprocess (so peak RSS is its own): read the table, tokenise, cluster,
write the members CSV, exactly as `taskdedup cluster INPUT -o members.csv` does with default
settings. The petitions case runs three times: first with nothing cached (neither tokens nor
numba's compiled code: the first large input after an install), then with an empty token cache,
then warm. For synthetic sets up to --dense-upto rows the dense scikit-learn pipeline runs too,
side by side, and the two partitions are compared. Synthetic rows are real titles perturbed: spaces removed or added,
lexicon synonyms swapped, one-character typos. Needs ../shared/datasets; skips cleanly without.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from datasets import DATASETS  # noqa: E402

PETITIONS = DATASETS / "petitions_2019_2021" / "petition_data.csv"

CASE = r"""
import json, resource, sys, time
from pathlib import Path
from taskdedup.config import Settings
from taskdedup.output.csvfile import to_csv
from taskdedup.input.tables import read_table
from taskdedup.output.files import write_outputs
from taskdedup.text.token_cache import TokenCache
from taskdedup.pipeline import assemble, prepare
path, out, cache_dir, engine, char = sys.argv[1:6]
t0 = time.perf_counter()
table = read_table(path)
t1 = time.perf_counter()
rss_read = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
settings = Settings(method=engine) if char == "default" else Settings(method=engine, char_weight=float(char))
prepared = prepare(table, settings, cache=TokenCache(Path(cache_dir)) if cache_dir != "-" else None)
result = assemble(prepared)
t2 = time.perf_counter()
write_outputs({Path(out): to_csv(result)})
t3 = time.perf_counter()
stages = {"read": t1 - t0, **result.timings, "write": t3 - t2}
join = prepared.join
print(json.dumps({"rows": result.summary.rows_read, "seconds": t3 - t0, "stages": stages,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rss_read_mb": rss_read,
                  "unit_pairs": join.unit_pairs() if join else None, "row_pairs": join.row_pairs() if join else None,
                  "proposals": result.summary.proposals, "notices": result.notices}))
"""


def petition_titles() -> list[str]:
    with PETITIONS.open(encoding="utf-8") as handle:
        return [row["title"] for row in csv.DictReader(handle)]


def perturb(title: str, rng: random.Random, synonyms: list[tuple[str, str]]) -> str:
    choice = rng.random()
    if choice < 0.25:
        return title.replace(" ", "")
    if choice < 0.5:
        for variant, canonical in rng.sample(synonyms, k=min(40, len(synonyms))):
            if canonical in title:
                return title.replace(canonical, variant, 1)
        return title + " 건의"
    if choice < 0.75 and len(title) > 3:
        i = rng.randrange(len(title) - 1)
        return title[:i] + title[i + 1] + title[i] + title[i + 2 :]
    return " ".join(title)  if len(title) < 8 else title


def synthetic(rows: int, folder: Path) -> Path:
    from taskdedup.text.lexicon import builtin

    lexicon = builtin()
    synonyms = [(v, c) for v, c in lexicon.concepts.items() if v != c]
    rng = random.Random(rows)
    titles = [t for t in petition_titles() if t.strip()]
    path = folder / f"synthetic_{rows}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["번호", "제목"])
        for k in range(rows):
            base = titles[k % len(titles)] if k < len(titles) else rng.choice(titles)
            writer.writerow([k + 1, base if k < len(titles) and rows <= len(titles) else perturb(base, rng, synonyms)])
    return path


def petitions_file(folder: Path) -> Path:
    path = folder / "petitions.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["번호", "분야", "제목"])
        with PETITIONS.open(encoding="utf-8") as source:
            for row in csv.DictReader(source):
                writer.writerow([row["id"], row["category"], row["title"]])
    return path


def run_case(path: Path, folder: Path, cache: str, engine: str = "auto", char: str = "default") -> dict:
    out = folder / f"{path.stem}-{engine}-{char}-members.csv"
    # numba's compiled code goes to a folder of this run: the first case pays the compilation,
    # as the first large input after an install does, and the others find it cached.
    env = {**os.environ, "NUMBA_CACHE_DIR": str(folder / "numba")}
    done = subprocess.run([sys.executable, "-c", CASE, str(path), str(out), cache, engine, char], capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{path.name}: {done.stderr.strip().splitlines()[-1]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["members"] = str(out)
    return result


def same_partition(a: str, b: str) -> bool:
    def groups(path: str) -> set[frozenset[str]]:
        by_cluster: dict[str, set[str]] = {}
        with open(path, encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                by_cluster.setdefault(row["cluster_id"], set()).add(row["row_id"])
        return {frozenset(v) for v in by_cluster.values()}

    return groups(a) == groups(b)


def fmt(r: dict) -> str:
    st = r["stages"]
    tok = st.get("tokenise", 0.0)
    clus = st.get("cluster", 0.0)
    rest = r["seconds"] - tok - clus
    pairs = r.get("unit_pairs")
    # Memory above what reading the input took, per similar pair kept: an upper bound on what a
    # pair costs, since tokens and vectors are in it too.
    per_pair = f"{(r['rss_mb'] - r['rss_read_mb']) * 2**20 / pairs:,.0f}" if pairs else "-"
    return (f"{r['rows']:,} | {r['seconds']:.1f} | {tok:.1f} | {clus:.1f} | {rest:.1f} | {r['rss_mb']:,.0f} | "
            f"{pairs or 0:,} | {r.get('row_pairs') or 0:,} | {per_pair}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="petitions,synthetic-10k,synthetic-100k")
    parser.add_argument("--dense-upto", type=int, default=20000)
    args = parser.parse_args()
    if not PETITIONS.exists():
        print(f"skipping: {PETITIONS} not found", file=sys.stderr)
        return
    print("| case | rows | total s | tokenise s | cluster s | other s | peak RSS MB | unit pairs | row pairs | bytes per pair (<=) | note |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for case in args.cases.split(","):
            if case == "petitions":
                path = petitions_file(folder)
                cache = folder / "cache"
                compiled = (folder / "numba").exists()
                first = run_case(path, folder, str(cache))
                shutil.rmtree(cache)
                cold = run_case(path, folder, str(cache))
                warm = run_case(path, folder, str(cache))
                if not compiled:
                    print(f"| petitions, first run after install (nothing cached; includes compiling) | {fmt(first)} | |", flush=True)
                print(f"| petitions, cold token cache | {fmt(cold)} | {cold['proposals']:,} proposals |", flush=True)
                print(f"| petitions, warm token cache | {fmt(warm)} | |", flush=True)
                continue
            parts = case.split("-")  # synthetic-10k, or synthetic-10k-words for --char-weight 0
            size = {"10k": 10_000, "20k": 20_000, "100k": 100_000, "1m": 1_000_000}[parts[1]]
            char = "0" if parts[-1] == "words" else "default"
            path = synthetic(size, folder)
            if not (folder / "numba").exists():  # compile once, untimed, so it is not charged to this case
                run_case(synthetic(3000, folder), folder, "-", "sparse", char)
            sparse = run_case(path, folder, "-", "sparse", char)
            note = ""
            if size <= args.dense_upto:
                dense = run_case(path, folder, "-", "dense", char)
                same = same_partition(sparse["members"], dense["members"])
                note = f"dense {dense['seconds']:.1f} s, {dense['rss_mb']:,.0f} MB; ratio x{dense['seconds'] / sparse['seconds']:.1f}; identical partition: {same}"
            print(f"| {case} | {fmt(sparse)} | {note} |", flush=True)


if __name__ == "__main__":
    main()
