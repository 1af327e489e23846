"""The self-contained HTML report, and a look at it in a real headless Chromium."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from taskdedup.config import Settings
from taskdedup.input.tables import read_table
from taskdedup.output.report import to_html
from taskdedup.pipeline import run

SAMPLES = Path(__file__).parents[2] / "data" / "samples"


@pytest.fixture(scope="module")
def page() -> str:
    return to_html(run(read_table(str(SAMPLES / "survey_2018.csv")), Settings())).decode("utf-8")


def test_report_is_self_contained(page: str) -> None:
    external = re.findall(r"""(?:src|href)\s*=\s*["'](?!#)([^"']+)""", page)
    assert external == []  # no scripts, styles, fonts or images from anywhere
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page and "<script" not in page


def test_report_holds_every_task_and_proposal(page: str) -> None:
    proposals = run(read_table(str(SAMPLES / "survey_2018.csv")), Settings()).summary.proposals
    assert proposals >= 10
    assert page.count("<circle") == 52
    assert page.count('class="card"') == proposals
    assert 'id="p1"' in page and f"병합 제안 ({proposals})" in page and "T1</td>" in page
    assert "일치 확률" in page and "병합 임계값 (같은 과제일 확률) 0.5" in page


def test_report_escapes_task_text(fixtures: Path) -> None:
    page = to_html(run(read_table(str(fixtures / "formula.csv")), Settings())).decode("utf-8")
    assert '=HYPERLINK(&quot;http://example.invalid&quot;)' in page
    assert '<a href="http://example.invalid' not in page


def test_report_is_deterministic() -> None:
    table = read_table(str(SAMPLES / "survey_2018.csv"))
    assert to_html(run(table, Settings())) == to_html(run(table, Settings()))


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
def test_report_renders_in_headless_chromium(page: str, tmp_path: Path) -> None:
    html_file = tmp_path / "report.html"
    html_file.write_text(page, encoding="utf-8")
    shot = tmp_path / "report.png"
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", "--hide-scrollbars",
        "--window-size=1150,1400", "--enable-logging=stderr", "--v=0",
    ]
    done = subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", html_file.as_uri()], capture_output=True, text=True, timeout=120)
    assert shot.exists(), done.stderr[-2000:]
    assert "CONSOLE" not in done.stderr  # no console messages: no errors from the page
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", html_file.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.stdout.count("<circle") == 52  # the browser built the map
    from PIL import Image  # noqa: PLC0415 - Pillow comes with matplotlib in the test extra

    image = Image.open(shot).convert("RGB")
    assert image.size == (1150, 1400)
    colours = {image.getpixel((x, y)) for x in range(30, 900, 7) for y in range(320, 870, 7)}
    assert len(colours) > 10  # the map area holds coloured points, not a blank page
