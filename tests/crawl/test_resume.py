"""A crawl killed with SIGKILL mid-run and started again ends with exactly the ads of an uninterrupted crawl."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import DatabaseFactory
from tests.crawl.conftest import DATA, make_ads
from tests.crawl.site import FakeSite, serve

SNAPSHOT_QUERIES = {
    "ads": "SELECT a.external_id, a.city, a.missing_days, a.missing_on, a.removed_at IS NULL, v.content_hash "
    "FROM ads a JOIN ad_versions v ON v.id = a.current_version_id ORDER BY a.external_id",
    "versions": "SELECT a.external_id, v.content_hash, v.title FROM ad_versions v JOIN ads a ON a.id = v.ad_id "
    "ORDER BY 1, 2",
    "sightings": "SELECT a.external_id, count(*) FROM sightings s JOIN ads a ON a.id = s.ad_id GROUP BY 1 ORDER BY 1",
    "photos": "SELECT url, sha256, phash FROM photos ORDER BY url",
    "ad_photos": "SELECT a.external_id, p.url FROM ad_photos x JOIN ads a ON a.id = x.ad_id "
    "JOIN photos p ON p.id = x.photo_id ORDER BY 1, 2",
    "frontier": "SELECT status, count(*) FROM frontier GROUP BY status ORDER BY status",
}


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(url)
    with engine.connect() as connection:
        result = {name: [tuple(row) for row in connection.execute(text(sql))] for name, sql in SNAPSHOT_QUERIES.items()}
    engine.dispose()
    return result


def done_entries(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        value = connection.execute(text("SELECT count(*) FROM frontier WHERE status = 'done'")).scalar()
    engine.dispose()
    return int(value or 0)


def crawl_process(database_url: str, data_dir: Path, site: FakeSite) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "TEST_SITE_URL": site.url,
        "SCANNER_DATABASE_URL": database_url,
        "SCANNER_DATA_DIR": str(data_dir),
        "SCANNER_PATHS_SOURCES_DIR": str(DATA / "sources"),
        "SCANNER_CRAWL_DELAY": "0",
        "SCANNER_CRAWL_JITTER": "0",
        "SCANNER_CRAWL_GLOBAL_CONCURRENCY": "2",
        "SCANNER_PRIVACY_REQUIRE_LEGAL_BASIS": "false",
        "SCANNER_CONFIG": "",
    }
    command = [sys.executable, "-c", "from scanner.cli import main; main()", "crawl", "--source", "testsite"]
    return subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_sigkill_mid_run_then_resume_equals_an_uninterrupted_crawl(
    database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    killed_url = database_factory.new_url(tmp_path / "killed")
    reference_url = database_factory.new_url(tmp_path / "reference")
    with serve(FakeSite(ads=make_ads(40), per_page=8, latency=0.03)) as site:
        reference = crawl_process(reference_url, tmp_path / "reference", site)
        assert reference.wait(timeout=120) == 0, reference.stderr.read() if reference.stderr else ""

        first = crawl_process(killed_url, tmp_path / "killed", site)
        deadline = time.monotonic() + 60
        while done_entries(killed_url) < 12 and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.05)
        assert first.poll() is None, "the crawl ended before it could be killed"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        partial = snapshot(killed_url)
        assert 0 < len(partial["ads"]) < 40

        second = crawl_process(killed_url, tmp_path / "killed", site)
        assert second.wait(timeout=120) == 0, second.stderr.read() if second.stderr else ""
        stderr = second.stderr.read().decode() if second.stderr else ""
        assert "resuming interrupted crawl run" in stderr

    resumed, uninterrupted = snapshot(killed_url), snapshot(reference_url)
    assert len(uninterrupted["ads"]) == 40
    assert resumed == uninterrupted
