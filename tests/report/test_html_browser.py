"""The HTML report in headless Chromium: it opens offline and shows the evidence, networks and timelines.

Needs /usr/bin/chromium (CI installs Debian's package); skipped without it. Nothing is installed here.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from scanner.db import Database
from scanner.report.html import render_html
from scanner.report.report import ReportFilter, build_report
from scanner.settings import Settings
from tests.report.builders import SmallWorld

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
    with db.session() as session:
        document = build_report(session, settings, ReportFilter(since="2026-01-02"))
    target = tmp_path / "report.html"
    target.write_text(render_html(document), encoding="utf-8")
    return target


def test_chromium_shows_groups_evidence_network_picture_and_timeline(page: Path, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert re.search(r"<h2>N-000001 · risk 85 · 2 ads</h2>", dom)
    marks = re.findall(r"<mark>(.*?)</mark>", dom)
    assert {"zonder condoom", "24/7 beschikbaar", "nieuw in de stad", "geen vergunning"} <= set(marks)
    network_start = dom.index('id="N-000001"')
    network_section = dom[network_start : dom.index("</section>", network_start)]
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
