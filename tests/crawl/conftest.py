"""Fixtures of the crawler tests: the tiny test site and its source file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.crawl import SourceConfig, load_sources
from scanner.settings import Settings
from tests.crawl.site import FakeSite, SiteAd, serve

DATA = Path(__file__).parent / "data"


def make_ads(count: int) -> dict[int, SiteAd]:
    cities = ["Haarlem", "Amsterdam", "Utrecht"]
    return {
        i: SiteAd(i, f"Ad number {i}", f"Text of ad {i}, call me.", cities[i % len(cities)], photo=i % 4 + 1)
        for i in range(1, count + 1)
    }


@pytest.fixture
def site() -> Iterator[FakeSite]:
    with serve(FakeSite(ads=make_ads(7))) as running:
        yield running


@pytest.fixture
def source(site: FakeSite, monkeypatch: pytest.MonkeyPatch) -> SourceConfig:
    monkeypatch.setenv("TEST_SITE_URL", site.url)
    return load_sources(DATA / "sources", ["testsite"])[0]


@pytest.fixture
def crawl_settings(settings: Settings) -> Settings:
    """Small limits so hostile pages fail fast."""
    crawl = settings.crawl
    crawl.request_deadline = 4.0  # hostile pages must fail by their own limit even on a loaded machine
    crawl.request_timeout = 1.0
    crawl.max_response_bytes = 200_000
    crawl.backoff_base = 0.01
    crawl.backoff_max = 0.05
    crawl.max_retries = 2
    return settings
