"""The self-contained HTML report, and a look at it in a real headless Chromium."""

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

from taskdedup.config import Settings
from taskdedup.input.tables import read_table
from taskdedup.output.report import GRAPH_MEMBERS, edge_colour, to_html
from taskdedup.pipeline import run

SAMPLES = Path(__file__).parents[2] / "data" / "samples"


@pytest.fixture(scope="module")
def result():
    return run(read_table(str(SAMPLES / "survey_2018.csv")), Settings())


@pytest.fixture(scope="module")
def page(result) -> str:
    return to_html(result).decode("utf-8")


def test_report_is_self_contained(page: str) -> None:
    external = re.findall(r"""(?:src|href)\s*=\s*["'](?!#)([^"']+)""", page)
    assert external == []  # no scripts, styles, fonts or images from anywhere
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page
    assert page.count("<script") == 1 and "<script>" in page  # the search box's, inline


def test_every_proposal_has_a_card_with_ids_korean_kinds_and_a_graph_of_its_pairs(result, page: str) -> None:
    proposals = result.proposals
    assert len(proposals) >= 10
    assert page.count('class="card"') == len(proposals) and page.count('class="graph"') == len(proposals)
    assert 'id="p1"' in page and f"병합 제안 ({len(proposals)})" in page and "T1</td>" in page
    assert "기관 간 중복" in page and "cross-agency" not in page
    cards = page.split('<div class="card"')[1:]
    for c, card in zip(proposals, cards, strict=True):
        n = c.size
        assert card.count("<line") == (n * (n - 1) // 2 if n <= GRAPH_MEMBERS else n - 1)
        assert card.count("<circle") == n
        for m in c.members:
            assert f'<span class="id">{m.submission.row_id}</span>' in card
    # An edge's probability is the pair's own, as `explain` computes it.
    from taskdedup.pipeline import prepare
    from taskdedup.quality.explain import explain

    prepared = prepare(read_table(str(SAMPLES / "survey_2018.csv")), Settings())
    a, b = proposals[1].members[0].submission.row_id, proposals[1].members[1].submission.row_id
    p = explain(prepared, a, b).probability
    assert f"{a} – {b}: 일치 확률 {p:.2f}</title>" in cards[1] or f"{b} – {a}: 일치 확률 {p:.2f}</title>" in cards[1]
    assert "대표 과제" in page and "p ≥ 0.9" in page  # the legend
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page


def test_edge_colours_rise_with_the_probability() -> None:
    colours = [edge_colour(p) for p in (0.1, 0.5, 0.7, 0.95)]
    assert len(set(colours)) == 4 and edge_colour(0.49) == colours[0]


def test_report_escapes_task_text(fixtures: Path) -> None:
    page = to_html(run(read_table(str(fixtures / "formula.csv")), Settings())).decode("utf-8")
    assert '=HYPERLINK(&quot;http://example.invalid&quot;)' in page
    assert '<a href="http://example.invalid' not in page


def test_report_is_deterministic() -> None:
    table = read_table(str(SAMPLES / "survey_2018.csv"))
    assert to_html(run(table, Settings())) == to_html(run(table, Settings()))


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")


def _chromium(tmp_path: Path, width: int, *args: str) -> subprocess.CompletedProcess:
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", "--hide-scrollbars",
        f"--window-size={width},1400", "--enable-logging=stderr", "--v=0", "--allow-file-access-from-files",
    ]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120)


@needs_chromium
@pytest.mark.parametrize("width", [1280, 400])
def test_report_renders_in_headless_chromium(page: str, tmp_path: Path, width: int) -> None:
    html_file = tmp_path / "report.html"
    html_file.write_text(page, encoding="utf-8")
    shot = tmp_path / "report.png"
    done = _chromium(tmp_path, width, f"--screenshot={shot}", html_file.as_uri())
    assert shot.exists(), done.stderr[-2000:]
    assert "CONSOLE" not in done.stderr  # no console messages: no errors from the page or its script
    from PIL import Image  # noqa: PLC0415 - Pillow comes with matplotlib in the test extra

    image = Image.open(shot).convert("RGB")
    assert image.size == (width, 1400)
    colours = {image.getpixel((x, y)) for x in range(0, width, 5) for y in range(300, 1400, 5)}
    assert len(colours) > 10  # cards and graphs drawn, not a blank page


@needs_chromium
def test_the_search_box_filters_the_cards_in_a_browser(page: str, tmp_path: Path) -> None:
    html_file = tmp_path / "report.html"
    html_file.write_text(page, encoding="utf-8")
    dom = _chromium(tmp_path, 1280, "--dump-dom", html_file.as_uri() + "#q=" + quote("챗봇 인천")).stdout
    cards = re.findall(r'<div class="card"[^>]*>', dom)
    shown = [c for c in cards if " hidden" not in c]
    assert len(cards) >= 10 and len(shown) == 1 and 'id="p1"' in shown[0]
    assert '<span id="shown">1</span>' in dom


@needs_chromium
def test_the_report_fits_a_phone_without_sideways_scrolling(page: str, tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text(page, encoding="utf-8")
    # A page of the test's own measures the report in a 400 px frame: the report carries no test code.
    probe = tmp_path / "probe.html"
    probe.write_text(
        '<iframe id="f" src="report.html" style="width:400px;height:800px;border:0"></iframe><pre id="out"></pre>'
        "<script>document.getElementById('f').onload=function(){var d=this.contentDocument.documentElement;"
        "document.getElementById('out').textContent='width '+d.scrollWidth+' of '+d.clientWidth;};</script>",
        encoding="utf-8",
    )
    dom = _chromium(tmp_path, 1000, "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()).stdout
    found = re.search(r"width (\d+) of (\d+)", dom)
    assert found, dom[-500:]
    assert int(found.group(1)) <= int(found.group(2)) == 400


def test_graph_labels_stay_inside_the_graph() -> None:
    from taskdedup.output.report import node_label

    assert node_label("14") == "14"
    assert node_label("서울특별시_수요조사#1") == "서울특별시#1"  # a folder's file#id: the file's first part
    assert node_label("관세청_제안#2") == "관세청#2"
    assert node_label("P-2019-000123456") == "P-2019-0001…"
    assert node_label("아주아주긴기관이름_파일#12345") == "아주아주긴…"
