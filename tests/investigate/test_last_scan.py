"""The report opens with the truth about the night: the last scan however it ended, and its failed or
degraded sources."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

import pytest

from scanner.clock import demo_day
from scanner.crawl.health import CrawlFacts, PageCounts
from scanner.db import Database
from scanner.db.models import ScanRun
from scanner.investigate.html import last_scan_html, render_html
from scanner.investigate.last_scan import last_scan, last_scan_lines
from scanner.investigate.render import Output
from scanner.investigate.report import ReportFilter, build_report, render_csv
from scanner.investigate.text import render_text
from scanner.settings import Settings
from tests.investigate.builders import HALF_LISTED, HEALTHY, judged_crawl

DOWN = CrawlFacts(
    listings=PageCounts(pending=1), robots="http://x/robots.txt answered HTTP 503", robots_cause="http_5xx"
)


def add_run(db: Database, day: int, status: str = "completed", **changes: Any) -> int:
    with db.session() as session:
        run = ScanRun(
            kind=changes.pop("kind", "scan"),
            status=status,
            started_at=demo_day(day),
            finished_at=None if status == "running" else demo_day(day) + timedelta(minutes=40),
            heartbeat_at=demo_day(day) + timedelta(minutes=10),
            **{"stats": {}, **changes},
        )
        session.add(run)
        session.flush()
        return run.id


def block(db: Database, now: datetime | None = None) -> dict[str, Any] | None:
    with db.session() as session:
        return last_scan(session, now=now or demo_day(3))


def test_no_scan_yet(db: Database) -> None:
    assert block(db) is None
    assert last_scan_lines(None) == [("warning", "No scan has run yet: nothing below comes from a nightly scan.")]


def test_a_night_where_one_source_failed_and_one_degraded(db: Database) -> None:
    crawl = judged_crawl(rozewereld=DOWN, nachtlicht=HALF_LISTED)
    add_run(db, 1, health="ok", stats={"crawl": judged_crawl(rozewereld=HEALTHY).to_json()})
    run_id = add_run(db, 2, health=crawl.health, stats={"crawl": crawl.to_json()})
    found = block(db)
    assert found is not None
    assert (found["run_id"], found["status"], found["health"]) == (run_id, "completed", "failed")
    assert (found["failed_sources"], found["degraded_sources"]) == (["rozewereld"], ["nachtlicht"])
    assert found["last_success_at"] == "2026-01-02T12:40:00"  # night 1: night 2 had a failed source
    assert [source["name"] for source in found["sources"]] == ["nachtlicht", "rozewereld"]
    assert found["sources"][1]["reasons"][0]["class"] == "robots_unreachable"
    assert last_scan_lines(found) == [
        (
            "error",
            "Last scan: run 2, started 2026-01-03T12:00:00, completed 2026-01-03T12:40:00; "
            "1 source FAILED (rozewereld), 1 degraded (nachtlicht)",
        ),
        (
            "warning",
            "  DEGRADED nachtlicht: 1 of 4 listing pages failed (HTTP 5xx 1): no ad was counted missing",
        ),
        ("error", "  FAILED rozewereld: http://x/robots.txt answered HTTP 503: crawled nothing, removed nothing"),
        ("warning", "  last scan without a failed source ended: 2026-01-02T12:40:00"),
    ]


@pytest.mark.parametrize(
    ("status", "error", "severity", "says"),
    [
        (
            "running",
            None,
            "warning",
            "STILL RUNNING (last heartbeat 2026-01-03T12:10:00): what follows may be incomplete",
        ),
        (
            "interrupted",
            "KeyboardInterrupt in a stage",
            "error",
            "INTERRUPTED at 2026-01-03T12:40:00 (KeyboardInterrupt",
        ),
        ("failed", "RuntimeError in a stage", "error", "FAILED at 2026-01-03T12:40:00 (RuntimeError in a stage)"),
    ],
)
def test_a_scan_that_did_not_complete_says_so_first(
    db: Database, status: str, error: str | None, severity: str, says: str
) -> None:
    add_run(db, 1, health="ok")
    add_run(db, 2, status=status, error=error)
    add_run(db, 3, kind="crawl")  # a `scanner crawl` run is not the nightly scan
    lines = last_scan_lines(block(db))
    assert lines[0][0] == severity and says in lines[0][1]
    assert lines[0][1].startswith("Last scan: run 2, started 2026-01-03T12:00:00, ")
    assert lines[-1] == ("warning", "  last scan without a failed source ended: 2026-01-02T12:40:00")


def test_an_old_last_scan_is_called_stale(db: Database) -> None:
    add_run(db, 1, health="ok", stats={"crawl": judged_crawl(rozewereld=HEALTHY).to_json()})
    fresh = block(db, now=demo_day(1) + timedelta(hours=25))
    assert fresh is not None and not fresh["stale"]
    assert last_scan_lines(fresh) == [
        ("ok", "Last scan: run 1, started 2026-01-02T12:00:00, completed 2026-01-02T12:40:00; 1 source, all ok")
    ]
    stale = block(db, now=demo_day(1) + timedelta(hours=27))
    assert stale is not None and stale["stale"]
    assert last_scan_lines(stale)[1] == (
        "warning",
        "  it started more than 26 hours ago: is the nightly job running?",
    )


def test_the_report_opens_with_it_in_every_format_but_csv(db: Database, settings: Settings) -> None:
    crawl = judged_crawl(rozewereld=DOWN, nachtlicht=HEALTHY)
    add_run(db, 2, health=crawl.health, stats={"crawl": crawl.to_json()})
    with db.session() as session:
        document = build_report(session, settings, ReportFilter(), now=demo_day(2))
    assert document["last_scan"]["failed_sources"] == ["rozewereld"]
    out = io.StringIO()
    render_text(document, Output(out, rich=False))
    text = out.getvalue().splitlines()
    assert text[0] == "== Start here"
    assert text[1].startswith("Last scan: run 1, ") and text[1].endswith("1 source FAILED (rozewereld)")
    assert text[2].startswith("  FAILED rozewereld: http://x/robots.txt answered HTTP 503")
    assert text.index("") < text.index(next(line for line in text if line.startswith("== Report since")))
    html = render_html(document)
    assert html.index('<section class="last-scan error" id="last-scan">') < html.index("<h1>")
    assert "FAILED rozewereld: http://x/robots.txt answered HTTP 503" in html
    assert render_csv(document).splitlines()[0].startswith('"network","id",')


def test_the_html_block_takes_the_colour_of_its_worst_line(db: Database) -> None:
    assert 'class="last-scan warning"' in last_scan_html(None)
    add_run(db, 1, health="ok", stats={"crawl": judged_crawl(rozewereld=HEALTHY).to_json()})
    assert 'class="last-scan ok"' in last_scan_html(block(db, now=demo_day(1)))
    crawl = judged_crawl(**{"<script>x</script>": DOWN})  # a source name from a hostile source file
    add_run(db, 2, health=crawl.health, stats={"crawl": crawl.to_json()})
    html = last_scan_html(block(db))
    assert 'class="last-scan error"' in html
    assert "<script>" not in html and "FAILED &lt;script&gt;x&lt;/script&gt;: " in html
