"""The HTML report in headless Chromium: it opens offline and shows the start-here block, the model line,
the evidence, networks and timelines.

Needs /usr/bin/chromium (CI installs Debian's package); skipped without it. Nothing is installed here.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from scanner.db import Database
from scanner.investigate.html import render_html
from scanner.investigate.report import ReportFilter, build_report
from scanner.settings import Settings
from tests.investigate.builders import SmallWorld, escalate

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)"),
]


def chromium(tmp_path: Path, *args: str) -> str:
    result = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


@pytest.fixture
def page(db: Database, settings: Settings, world: SmallWorld, tmp_path: Path) -> Path:
    escalate(db, world, world.network_ads[1])  # a possible minor for the start-here block
    with db.session() as session:
        document = build_report(session, settings, ReportFilter(since="2026-01-02"))
    target = tmp_path / "report.html"
    target.write_text(render_html(document), encoding="utf-8")
    return target


def test_chromium_shows_groups_evidence_network_picture_and_timeline(page: Path, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert re.search(r"<h2>N-000001 · risk 85.0 · licensing 40.0 · 2 ads</h2>", dom)
    marks = re.findall(r"<mark>(.*?)</mark>", dom)
    assert {"zonder condoom", "24/7 beschikbaar", "nieuw in de stad", "geen vergunning"} <= set(marks)
    begin = dom.index('id="N-000001"')
    network_section = dom[begin : dom.index("</section>", begin)]
    assert network_section.count('class="ad-node"') == 2
    assert network_section.count('class="link link-phone"') == 1
    assert network_section.count('class="sighting"') == 4  # Haarlem, Leiden, then both on day 3
    assert dom.count('<tr class="ad"') == 3


def test_chromium_renders_something_visible(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,2400", page.as_uri())
    with Image.open(shot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000) or []
    # A blank page has one colour; text, highlights and the SVG pictures give many.
    assert len(colours) > 50
    assert any(r > 200 and g > 180 and b < 140 for _, (r, g, b) in colours)  # the yellow evidence highlight


def _screen(tmp_path: Path, page: Path, height: int) -> list[tuple[int, tuple[int, int, int]]]:
    shot = tmp_path / f"top-{height}.png"
    chromium(tmp_path, f"--screenshot={shot}", f"--window-size=1200,{height}", page.as_uri())
    with Image.open(shot) as image:
        return image.convert("RGB").getcolors(maxcolors=1_000_000) or []


def _shows(colours: list[tuple[int, tuple[int, int, int]]], rgb: tuple[int, int, int], pixels: int) -> bool:
    """At least `pixels` pixels within 3 of `rgb` on each channel: a filled box of that colour is on screen."""
    return sum(n for n, c in colours if all(abs(a - b) <= 3 for a, b in zip(c, rgb, strict=True))) >= pixels


def test_the_start_here_block_and_the_model_line_are_on_the_first_screen(page: Path, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    start = dom[dom.index('id="start-here"') : dom.index("</section>", dom.index('class="minors"'))]
    assert dom.index('id="start-here"') < dom.index('<section class="group')
    assert "Scores: rules and model test-1." in start
    assert "MODEL WARNING: Model test-1: TRAINED ON SYNTHETIC DATA (a test world)." in start
    assert "Possible minors: 1 (1 new)" in start and "underage explained" in start
    assert "Newly flagged networks: 1" in dom
    model_lines = re.findall(r'<p class="model-line">risk parts: (.*?)</p>', dom)
    assert len(model_lines) == dom.count('<tr class="ad"') == 3
    # the three features that moved the ad most, strongest first, either way; the rules' part; the version
    assert all("model p=" in line and "(test-1; moved most by network: member +1.2" in line for line in model_lines)
    assert all("ad: text_length -0.7" in line and "rules " in line for line in model_lines)
    # Rendered, not only written: the start-here box and the model warning's box fill part of the first screen.
    first_screen = _screen(tmp_path, page, 900)
    assert _shows(first_screen, (0xEE, 0xF4, 0xFB), 20_000), "the start-here block is not on the first screen"
    assert _shows(first_screen, (0xFF, 0xF3, 0xCD), 5_000), "the model warning is not on the first screen"
