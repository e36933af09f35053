"""Scans that never lie, end to end through the CLI: the demo sites behind a proxy that breaks them.

Per kind of bad night (every request 503; robots.txt 503; the port closed; a listing failing
half-way; a changed layout) two nights are scanned as an operator found them, then the site
recovers. Each bad night: nothing of the broken sources is counted missing or removed; the summary,
the exit code, the report's first lines and `last_scan`, the metrics file, the e-mail received by a
local SMTP server and the JSON received by a command all say what went wrong. The night after, all
is `ok` and the database equals one that never saw the bad nights.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from scanner.clock import demo_day
from scanner.lab.demo.server import SOURCES_DIR, DemoServer
from scanner.lab.demo.world import World, WorldConfig
from tests.conftest import CliRun, DatabaseFactory
from tests.crawl.site import closed_port
from tests.workflow.demo_world import REPOSITORY
from tests.workflow.faults import FaultProxy
from tests.workflow.outside import Outside, SmtpServer

pytestmark = pytest.mark.slow

# rozewereld lists 36 to 41 ads (two listing pages), nachtlicht 16 or 17 (one JSON page)
WORLD = WorldConfig(seed=9, days=4, independents=40, networks=2, agencies=1)
BOTH = ("nachtlicht", "rozewereld")
# fault: (sources it breaks, their state, the class of their first reason, the scan's exit code)
FAULTS: dict[str, tuple[tuple[str, ...], str, str, int]] = {
    "all_503": (BOTH, "failed", "robots_unreachable", 12),
    "robots_503": (BOTH, "failed", "robots_unreachable", 12),
    "refused": (BOTH, "failed", "robots_unreachable", 12),
    "listing_halfway": (("rozewereld",), "degraded", "http_5xx", 0),
    "layout_changed": (BOTH, "failed", "selectors", 12),
}
MESSAGES = {
    "all_503": "/robots.txt answered HTTP 503: crawled nothing, removed nothing",
    "robots_503": "/robots.txt answered HTTP 503: crawled nothing, removed nothing",
    "refused": "/robots.txt unreachable (connection refused): crawled nothing, removed nothing",
    "listing_halfway": "1 of 2 listing pages failed (HTTP 5xx 1): no ad was counted missing",
    "layout_changed": "selectors no longer match this site",
}
ENV = {
    "SCANNER_PATHS_SOURCES_DIR": str(SOURCES_DIR),
    "SCANNER_PATHS_RULES_DIR": str(REPOSITORY / "rules"),
    "SCANNER_MODEL_RULES_ONLY": "true",
    "SCANNER_CRAWL_PER_HOST_CONCURRENCY": "4",
    "SCANNER_CRAWL_BACKOFF_BASE": "0.01",
    "SCANNER_CRAWL_BACKOFF_MAX": "0.05",
}
AdRow = tuple[str, bool, int]  # current content hash, removed, days missing


def ad_rows(url: str, sources: tuple[str, ...]) -> dict[tuple[str, str], AdRow]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT s.name, a.external_id, v.content_hash, a.removed_at IS NOT NULL, a.missing_days "
                    "FROM ads a JOIN sources s ON s.id = a.source_id JOIN ad_versions v ON v.id = a.current_version_id"
                )
            )
            return {
                (name, key): (digest, bool(removed), days)
                for name, key, digest, removed, days in rows
                if name in sources
            }
    finally:
        engine.dispose()


def metric(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


class Nights:
    """The demo world behind one fault proxy per site, scanned night after night through the CLI."""

    def __init__(self, server: DemoServer, proxies: dict[str, FaultProxy], run: CliRun, env: dict[str, str]) -> None:
        self.server, self.proxies, self.run, self.env = server, proxies, run, env

    def scan(self, day: int, fault: str = "none", broken: tuple[str, ...] = ()) -> Any:
        self.server.set_day(day)
        env = {**self.env, **{f"DEMO_{name.upper()}_URL": proxy.url for name, proxy in self.proxies.items()}}
        for name, proxy in self.proxies.items():
            proxy.fault = fault if name in broken and fault != "refused" else "none"
            if name in broken and fault == "refused":
                env[f"DEMO_{name.upper()}_URL"] = closed_port()
        return self.run("--as", "nightly", "scan", "--json", "--now", demo_day(day).isoformat(), env=env)


def control_database(world: World, factory: DatabaseFactory, tmp_path: Path, days: tuple[int, ...]) -> str:
    """A database scanned on `days` only, by a scanner that never saw a bad night."""
    run = CliRun(factory.new_url(tmp_path / "control"), tmp_path / "control")
    with DemoServer(world, day=1) as server:
        env = {**ENV, **server.environ()}
        for day in days:
            server.set_day(day)
            result = run("scan", "--now", demo_day(day).isoformat(), env=env)
            assert result.exit_code == 0, result.output
    return run.database_url


@pytest.mark.parametrize("fault", FAULTS)
def test_bad_nights_are_reported_as_bad_and_remove_nothing_then_the_sites_recover(
    fault: str, run_cli: CliRun, database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    broken, state, reason, exit_code = FAULTS[fault]
    world = World.generate(WORLD)
    phones = {phone.removeprefix("+31") for record in world.truth() for phone in record.phones}
    with (
        SmtpServer() as inbox,
        DemoServer(world, day=1) as server,
        FaultProxy(server.urls["rozewereld"]) as rozewereld,
        FaultProxy(server.urls["nachtlicht"]) as nachtlicht,
    ):
        outside = Outside(inbox, tmp_path)
        events = ["source_failed", "source_degraded", "scan_interrupted"]
        nights = Nights(
            server, {"rozewereld": rozewereld, "nachtlicht": nachtlicht}, run_cli, {**ENV, **outside.env(events)}
        )

        first = nights.scan(1)
        assert first.exit_code == 0, first.output
        assert json.loads(first.stdout)["health"] == "ok"
        good_night_ended = metric(outside.metrics(), "scanner_scan_last_success_timestamp_seconds")
        assert good_night_ended > 0 and not inbox.messages and not outside.commands()
        before = ad_rows(run_cli.database_url, broken)

        for number, day in enumerate((2, 3), start=1):
            result = nights.scan(day, fault, broken)
            assert result.exit_code == exit_code, result.output
            summary = json.loads(result.stdout)
            assert {name for name, health in summary["sources"].items() if health["state"] == state} == set(broken)
            for name in broken:
                first_reason = summary["sources"][name]["reasons"][0]
                assert first_reason["class"] == reason and MESSAGES[fault] in first_reason["message"]
            if exit_code:
                assert f"error: scan run {summary['run_id']}: {len(broken)} sources failed" in result.stderr
            else:
                assert "warning: source rozewereld degraded: 1 of 2 listing pages failed" in result.stderr
            # nothing of a broken source counted missing, let alone removed; a failed one is left as it was
            rows = ad_rows(run_cli.database_url, broken)
            assert set(before) <= set(rows)
            assert not any(removed or days for _digest, removed, days in rows.values())
            if state == "failed":
                assert rows == before

            report = run_cli("report").stdout.splitlines()
            opening = report[: report.index(next(line for line in report if line.startswith("== Report since")))]
            assert opening[0] == "== Start here"  # the report's first block, before any ad
            assert opening[1].startswith(f"Last scan: run {summary['run_id']}, started {demo_day(day).isoformat()}")
            word = "FAILED" if state == "failed" else "degraded"
            assert f"{word} ({', '.join(broken)})" in opening[1]
            for name in broken:
                assert any(
                    line.startswith(f"  {state.upper()} {name}: ") and MESSAGES[fault] in line for line in opening
                )
            document = json.loads(run_cli("report", "--format", "json").stdout)
            last_scan = document["last_scan"]
            assert last_scan["run_id"] == summary["run_id"] and last_scan["status"] == "completed"
            assert last_scan[f"{state}_sources"] == list(broken) and last_scan["health"] == state
            html = run_cli("report", "--format", "html", "--since", "2000-01-01").stdout
            assert html.index('<section class="last-scan') < html.index("<h1>") < html.index('<section class="group')
            assert run_cli("report", "--format", "csv").stdout.startswith('"network","id","change",')  # rows only

            samples = outside.metrics()
            for name in broken:
                assert metric(samples, "scanner_source_health", source=name, state=state) == 1
                assert metric(samples, "scanner_source_health", source=name, state="ok") == 0
                assert metric(samples, "scanner_source_ads", source=name, change="removed") == 0
            assert metric(samples, "scanner_scan_health", state=state) == 1
            assert metric(samples, "scanner_notification_failures") == 0
            head_id, _, head_hash = summary["audit_head"].partition(":")
            assert metric(samples, "scanner_audit_head", hash=head_hash) == int(head_id)  # the head leaves the database
            expected_success = (
                good_night_ended if state == "failed" else metric(samples, "scanner_scan_last_run_timestamp_seconds")
            )
            assert metric(samples, "scanner_scan_last_success_timestamp_seconds") == expected_success

            assert len(inbox.messages) == len(outside.commands()) == number
            assert inbox.recipients[-1] == ["zeden@gemeente.example", "wachtdienst@politie.example"]
            subject = str(inbox.messages[-1]["Subject"]).strip()  # a long subject is folded after "Subject:"
            assert subject.startswith(f"[scanner] scan run {summary['run_id']}: ")
            assert all(f"source {name} {state}" in subject for name in broken)
            for document in (inbox.attachment(), outside.commands()[-1]):
                assert document["run_id"] == summary["run_id"] and document["health"] == state
                kinds = [(event["kind"], event["source"]) for event in document["events"]]
                assert kinds == [(f"source_{state}", name) for name in broken]
                assert all(MESSAGES[fault] in event["reasons"][0] for event in document["events"])
            assert MESSAGES[fault] in inbox.body()
            sent = inbox.messages[-1].as_string() + json.dumps(outside.commands()[-1])
            assert not any(phone in sent for phone in phones)  # ids and links, never phone numbers

        recovered = nights.scan(4)
        assert recovered.exit_code == 0, recovered.output
        summary = json.loads(recovered.stdout)
        assert summary["health"] == "ok"
        assert [summary["stages"]["crawl"]["sources"][name]["removed_ads"] for name in broken] == [0] * len(broken)
        assert all(health["state"] == "ok" for health in summary["sources"].values())
        assert len(inbox.messages) == 2  # a good night sends nothing
        samples = outside.metrics()
        assert metric(samples, "scanner_scan_last_success_timestamp_seconds") == metric(
            samples, "scanner_scan_last_run_timestamp_seconds"
        )
        assert run_cli("report").stdout.splitlines()[1].endswith("2 sources, all ok")  # under "== Start here"

    # The database ends as one that scanned the good nights only: nothing duplicated, nothing lost.
    control = ad_rows(control_database(world, database_factory, tmp_path, (1, 4)), broken)
    recovered_rows = ad_rows(run_cli.database_url, broken)
    if fault == "listing_halfway":  # ads page 1 showed on the bad nights only are extra, the rest must agree
        recovered_rows = {key: row for key, row in recovered_rows.items() if key in control}
    assert recovered_rows == control
    assert sum(days for _digest, _removed, days in control.values()) > 0  # the good night did count ads missing
