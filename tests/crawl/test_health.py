"""A source's health from the facts of its crawl, the removal guard, and failure classes: table-driven.

The cases of `assess` are in data/health_cases.json: the facts of a crawl next to the verdict,
reasons worded exactly as the summary, the report and the notifications show them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.crawl.failures import (
    CLASSES,
    GateNotPassed,
    RobotsDisallowed,
    RobotsUnreachable,
    breakdown,
    classify,
    status_class,
)
from scanner.crawl.fetcher import DeadlineExceeded, NetworkError
from scanner.crawl.health import Baseline, CrawlFacts, PageCounts, assess, guard_reason, guard_trips, worst
from scanner.errors import FetchError, SelectorError, SourceError, UnsafeResponseError

CASES = json.loads((Path(__file__).parent / "data" / "health_cases.json").read_text(encoding="utf-8"))


def facts_from(data: dict[str, Any]) -> CrawlFacts:
    pages = {kind: PageCounts(**data.pop(kind, {})) for kind in ("listings", "ads")}
    return CrawlFacts(**pages, **data)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_health_of_a_crawl(case: dict[str, Any]) -> None:
    health = assess(facts_from(dict(case["facts"])))
    expected = case["expected"]
    assert health.state == expected["state"]
    assert health.complete is expected["complete"]
    assert [[reason.cls, reason.message, reason.count] for reason in health.reasons] == expected["reasons"]
    assert health.errors_by_class == expected["errors_by_class"]
    assert set(health.errors_by_class) <= set(CLASSES)
    assert health.to_json()["state"] == expected["state"]


def test_only_a_complete_crawl_may_count_missing_ads() -> None:
    """The rule the whole removal logic rests on, over every case: complete means all listings read and an ad."""
    for case in CASES:
        facts = facts_from(dict(case["facts"]))
        health = assess(facts)
        listings_read = facts.listings.done > 0 and facts.listings.failed_total == facts.listings.pending == 0
        assert health.complete == (listings_read and facts.robots is None and facts.ad_links > 0), case["name"]
        assert not (health.complete and health.state == "failed"), case["name"]


@pytest.mark.parametrize(
    ("baseline", "listed_now", "share", "min_ads", "trips"),
    [
        (None, 10, 0.2, 5, False),  # a first crawl has nothing to compare with
        (345, 200, 0.2, 5, True),  # -42%
        (100, 60, 0.2, 5, True),  # the 40% in one night
        (100, 81, 0.2, 5, False),  # -19%
        (100, 80, 0.2, 5, False),  # exactly the share is not more than it
        (100, 79, 0.2, 5, True),
        (10, 6, 0.2, 5, False),  # 4 ads fewer on a small site: below the minimum
        (10, 5, 0.2, 5, True),
        (100, 150, 0.2, 5, False),  # growth
        (100, 0, 1.0, 5, False),  # share 1 switches the guard off
        (0, 0, 0.2, 5, False),
    ],
)
def test_the_removal_guard(baseline: int | None, listed_now: int, share: float, min_ads: int, trips: bool) -> None:
    base = Baseline(baseline, 7, "2026-01-03") if baseline is not None else None
    assert guard_trips(base, listed_now, share=share, min_ads=min_ads) is trips


def test_the_guard_says_what_it_held_and_how_to_release_it() -> None:
    reason = guard_reason(Baseline(345, 12, "2026-01-03"), 200, 145, 0.2)
    assert reason.cls == "guard" and reason.count == 145
    assert reason.message == (
        "removal guard: ads listed fell from 345 to 200 (-42%) since run 12 (2026-01-03), more than 20%: "
        "145 removals held; if the site really shrank, run the next scan with --set crawl.removal_guard_share=1"
    )


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (RobotsUnreachable("x answered HTTP 503", url="u", cause="http_5xx"), "robots_unreachable"),
        (RobotsDisallowed("disallowed", url="u"), "robots_disallowed"),
        (GateNotPassed("gate shown", url="u"), "gate"),
        (NetworkError("connection refused", url="u", kind="connection_refused"), "connection_refused"),
        (NetworkError("timed out", url="u", kind="timeout"), "timeout"),
        (NetworkError("cannot resolve", url="u"), "network"),
        (DeadlineExceeded("deadline", url="u"), "timeout"),
        (UnsafeResponseError("too big", url="u"), "unsafe"),
        (SelectorError("found nothing"), "selectors"),
        (FetchError("other", url="u"), "network"),
        (SourceError("adapter broke"), "internal"),
    ],
)
def test_failure_classes(error: Exception, expected: str) -> None:
    assert classify(error) == expected  # type: ignore[arg-type]
    assert expected in CLASSES


@pytest.mark.parametrize(
    ("status", "expected"), [(404, "http_4xx"), (429, "http_4xx"), (503, "http_5xx"), (304, "http_other")]
)
def test_status_classes(status: int, expected: str) -> None:
    assert status_class(status) == expected


def test_breakdown_and_worst() -> None:
    assert breakdown({"timeout": 1, "http_5xx": 3, "gate": 0}) == "HTTP 5xx 3, timeouts 1"
    assert worst(["ok", "failed", "degraded"]) == "failed"
    assert worst(["ok", "degraded"]) == "degraded"
    assert worst([]) is None
