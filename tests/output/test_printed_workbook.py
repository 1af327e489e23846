"""The review workbook printed by LibreOffice (to PDF): what an analyst brings to the council."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from taskdedup.config import Settings
from taskdedup.input.tables import read_table
from taskdedup.output.workbook import to_xlsx
from taskdedup.pipeline import run

SAMPLES = Path(__file__).parents[2] / "data" / "samples"
SOFFICE = shutil.which("soffice")
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None, reason="LibreOffice or poppler-utils missing (.ci/run installs them)")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, list[str], Path]:
    folder = tmp_path_factory.mktemp("print")
    result = run(read_table(str(SAMPLES / "survey_2018.csv")), Settings(similarity="lexical"))
    (folder / "review.xlsx").write_bytes(to_xlsx(result))
    done = subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{folder / 'profile'}", "--convert-to", "pdf", "--outdir", str(folder),
         str(folder / "review.xlsx")],
        capture_output=True, text=True, timeout=300,
    )
    pdf = folder / "review.pdf"
    assert pdf.exists(), done.stderr[-2000:]
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return result, text.split("\f"), pdf


def test_pages_are_a4_landscape(printed) -> None:
    _, _, pdf = printed
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(width), round(height)) == (842, 595)


def test_proposals_print_their_chosen_columns_only(printed) -> None:
    _, pages, _ = printed
    page = next(p for p in pages if "과제 보기" in p and "제안번호" in p)
    header = next(line for line in page.splitlines() if "제안번호" in line)
    assert all(name in " ".join(header.split()) for name in ("제안번호", "대표 과제", "결정", "의견", "일치 확률"))
    assert "제안 키" not in page and "가장 먼 과제" not in page  # for the screen, not the paper


def test_every_description_prints_whole(printed) -> None:
    result, pages, _ = printed
    tasks = " ".join(" ".join(p.split()) for p in pages if "과제내용" in p)
    # A wrapped cell without its row height prints one line and hides the rest: every word shows.
    for row in result.rows:
        words = row.submission.description.split()
        assert words and " ".join(words[-2:]) in tasks.replace("- ", "-"), row.submission.row_id
