"""The review workbook of the 85,856 petition titles, in-process, by phase: the sheets described
(review_sheets), XlsxWriter's part (its own XML, styles, the package with placeholders) and the
stream (the large sheets' rows made in one thread, deflated in another: output/package.py).
Optionally the streamed parts' zlib level, several side by side, with the file size each gives.

    python bench/workbook.py [--rounds 7] [--levels 6,5,4]

One process: the petitions are clustered once (token cache in a temporary folder), then each
round writes the workbook once per level, the levels alternating, with the collector off as the
CLI runs. Medians. Needs ../shared/datasets (the petitions).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))
from datasets import PETITIONS, petition_titles  # noqa: E402

from taskdedup.config import Settings  # noqa: E402
from taskdedup.input.tables import read_table  # noqa: E402
from taskdedup.output import package, sheets, workbook  # noqa: E402
from taskdedup.pipeline import assemble, prepare  # noqa: E402
from taskdedup.text.token_cache import TokenCache  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--levels", default=str(package.STREAMED_LEVEL), help="zlib levels of the streamed parts, comma-separated")
    args = parser.parse_args()
    if not PETITIONS.exists():
        raise SystemExit(f"{PETITIONS} not found")
    levels = [int(level) for level in args.levels.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        result = assemble(prepare(read_table(str(petition_titles(Path(tmp)))), Settings(), cache=TokenCache(Path(tmp) / "cache")))
    gc.disable()  # as the CLI runs a command (cli/root.py)
    closed: list[float] = []
    write = sheets.filled

    def filled(*args: object, **kwargs: object) -> bytes:
        closed.append(time.perf_counter())  # XlsxWriter is done; the stream starts
        return write(*args, **kwargs)  # type: ignore[arg-type]

    sheets.filled = filled  # type: ignore[assignment]
    figures: dict[int, dict[str, list[float]]] = {level: {"described": [], "xlsxwriter": [], "stream": [], "total": []} for level in levels}
    sizes: dict[int, int] = {}
    for round_ in range(args.rounds):
        for level in levels:
            package.STREAMED_LEVEL = level
            start = time.perf_counter()
            specs = workbook.review_sheets(result)
            described = time.perf_counter()
            data = sheets.workbook_bytes(specs, workbook.properties(result), active=1)
            end = time.perf_counter()
            phases = figures[level]
            phases["described"].append(described - start)
            phases["xlsxwriter"].append(closed[-1] - described)
            phases["stream"].append(end - closed[-1])
            phases["total"].append(end - start)
            sizes[level] = len(data)
        print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    print(f"{args.rounds} rounds, levels alternating, medians (s); {len(result.rows)} rows\n")
    print("| streamed level | described | XlsxWriter | stream | workbook | file MB |")
    print("|---|---|---|---|---|---|")
    for level in levels:
        med = {phase: statistics.median(values) for phase, values in figures[level].items()}
        print(f"| {level} | {med['described']:.3f} | {med['xlsxwriter']:.3f} | {med['stream']:.3f} | {med['total']:.3f} | {sizes[level] / 1e6:.2f} |")


if __name__ == "__main__":
    main()
