"""Time and memory of the inputs that used to take unbounded time or memory (issue #10).

    python bench/odd_inputs.py [--src DIR] [--cases copies-7500,copies-20000,long-cell-200k,long-cell-200k-char,long-cell-1m]

Each case is a whole `taskdedup cluster INPUT -o members.csv --no-cache` in a fresh process, timed
with its peak RSS. `--src` runs another checkout's source tree (for example a worktree of an older
commit) with the same interpreter, so two versions can be measured side by side in one session.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = "인공지능 기반 민원 상담 챗봇 구축 독거노인 돌봄 서비스 블록체인 국고보조금 부정수급 방지 CCTV 안전 시스템 혼자 사는 어르신".split()


def copies(n: int) -> list[list[str]]:
    return [[str(k + 1), f"기관{k % 37}", "인공지능 기반 민원 상담 챗봇 구축", "국민이 24시간 민원을 상담받을 수 있도록 챗봇을 구축한다"] for k in range(n)]


def long_cell(chars: int) -> list[list[str]]:
    random.seed(1)
    text = " ".join(random.choice(WORDS) for _ in range(chars // 4))
    rows = [["1", "행정안전부", "인공지능 민원 상담 챗봇 구축", "민원 처리 절차를 챗봇이 안내"],
            ["2", "서울특별시", "AI 민원상담 챗봇 도입", "시민 민원 문의에 챗봇이 답변"]]
    return [*rows, ["3", "경기도", text, ""]]


CASES = {
    "copies-7500": (lambda: copies(7_500), []),
    "copies-20000": (lambda: copies(20_000), []),
    "long-cell-200k": (lambda: long_cell(200_000), []),
    "long-cell-200k-char": (lambda: long_cell(200_000), ["--tokenizer", "char"]),
    "long-cell-1m": (lambda: long_cell(1_000_000), []),
}


def run(case: str, src: Path, folder: Path, timeout: float) -> dict:
    rows, extra = CASES[case]
    path = folder / f"{case}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["연번", "기관명", "과제명", "과제내용"])
        writer.writerows(rows())
    env = {**os.environ, "PYTHONPATH": str(src)}
    argv = ["taskdedup", "cluster", str(path), "-q", "--no-cache", "-o", str(folder / "m.csv"), *extra]
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", WRAPPER, *argv], env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"case": case, "exit": None, "seconds": f"> {timeout:g}", "peak_rss_mb": None}
    seconds = time.perf_counter() - started
    rss = next((line.split()[1] for line in done.stderr.splitlines() if line.startswith("PEAK_RSS_KB ")), "0")
    return {"case": case, "exit": done.returncode, "seconds": round(seconds, 1), "peak_rss_mb": round(int(rss) / 1024)}


# The child reports its own peak memory as it exits, whatever way it exits.
WRAPPER = """
import atexit, resource, runpy, sys
atexit.register(lambda: sys.stderr.write(f"PEAK_RSS_KB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n"))
sys.argv = sys.argv[1:]
runpy.run_module("taskdedup", run_name="__main__")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a case is stopped and reported as over")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases.split(","):
            print(json.dumps(run(case, args.src, Path(tmp), args.timeout)), flush=True)


if __name__ == "__main__":
    main()
