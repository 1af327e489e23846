"""The proposal-document readers side by side on the fixtures (docs/INPUTS.md).

    pip install unhwp python-hwpx pdfminer.six   # the alternatives; the chosen ones are dependencies
    python bench/document_readers.py

Per library: its import time in a fresh process, and the median of 7 reads of each fixture of its
formats after one warm-up. A library that is not installed is left out with a line saying so.
"""

from __future__ import annotations

import importlib.util
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

DOCUMENTS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "documents"


def import_ms(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    return 1000 * float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def median_ms(read: Callable[[Path], object], path: Path, runs: int = 7) -> float:
    read(path)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        read(path)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def hwp_hwpx_parser(path: Path) -> object:
    import hwp_hwpx_parser

    reader = hwp_hwpx_parser.read(str(path))
    return reader.tables, reader.extract_text()


def unhwp(path: Path) -> object:
    import unhwp

    return unhwp.extract_text(str(path))


def python_hwpx(path: Path) -> object:
    from hwpx import TextExtractor

    return TextExtractor(str(path)).extract_text()


def python_docx(path: Path) -> object:
    import docx

    return list(docx.Document(str(path)).iter_inner_content())


def pypdf(path: Path) -> object:
    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(str(path)).pages]


def pdfminer(path: Path) -> object:
    from pdfminer.high_level import extract_text

    return extract_text(str(path))


READERS = [  # name, module, reader, suffixes
    ("hwp-hwpx-parser", "hwp_hwpx_parser", hwp_hwpx_parser, {".hwp", ".hwpx"}),
    ("unhwp", "unhwp", unhwp, {".hwp", ".hwpx"}),
    ("python-hwpx", "hwpx", python_hwpx, {".hwpx"}),
    ("python-docx", "docx", python_docx, {".docx"}),
    ("pypdf", "pypdf", pypdf, {".pdf"}),
    ("pdfminer.six", "pdfminer", pdfminer, {".pdf"}),
]


def main() -> None:
    for name, module, read, suffixes in READERS:
        if importlib.util.find_spec(module) is None:
            print(f"{name}: not installed, left out")
            continue
        files = [p for p in sorted(DOCUMENTS.iterdir()) if p.suffix in suffixes]
        timings = "; ".join(f"{p.name} {median_ms(read, p):.1f} ms" for p in files)
        print(f"{name}: import {import_ms(module):.0f} ms; {timings}")


if __name__ == "__main__":
    main()
