"""Notifications: what a message holds (ids and links, never personal data), which events send one,
SMTP with a login, and channels that fail without failing the scan."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import func, select

from scanner.clock import demo_day
from scanner.db import Database
from scanner.db.models import ScanRun, Source
from scanner.errors import ConfigError
from scanner.settings import Settings
from scanner.workflow.notify import build_message, check_notify, notify
from scanner.workflow.summary import ScanSummary
from tests.crawl.site import closed_port
from tests.workflow.outside import Inbox, Outside, SmtpServer, free_port

FAILED = {
    "state": "failed",
    "reasons": [{"class": "robots_unreachable", "message": "http://x/robots.txt answered HTTP 503: crawled nothing"}],
}
DEGRADED = {"state": "degraded", "reasons": [{"class": "http_5xx", "message": "1 of 2 listing pages failed"}]}


def summary_of(db: Database, **fields: Any) -> ScanSummary:
    """A scan run in the database and its summary: rozewereld failed, nachtlicht degraded, by default."""
    with db.session() as session:
        if session.scalar(select(func.count()).select_from(Source)) == 0:
            session.add_all(
                [
                    Source(name="rozewereld", base_url="https://rozewereld.example/", created_at=demo_day(0)),
                    Source(name="nachtlicht", base_url="https://nachtlicht.example/", created_at=demo_day(0)),
                ]
            )
        run = ScanRun(
            kind="scan",
            status=fields.get("status", "completed"),
            started_at=demo_day(2),
            finished_at=demo_day(2).replace(hour=13),
            host="scan-host",
            error=fields.pop("error", None),
        )
        session.add(run)
        session.flush()
        run_id = run.id
    summary = ScanSummary(run_id=run_id, status="completed", health="failed")
    summary.sources = {"rozewereld": FAILED, "nachtlicht": DEGRADED}
    for name, value in fields.items():
        setattr(summary, name, value)
    return summary


def test_a_message_names_ids_sources_and_links_only(db: Database, settings: Settings) -> None:
    settings.notify.events = ["source_failed", "possible_minor", "watchlist_hit", "scan_interrupted"]
    settings.notify.link_base = "https://scanner.gemeente.example/"
    settings.municipality.name = "Haarlem"
    summary = summary_of(db, possible_minor_ads=[12, 40], watchlist_hit_ads=[7], watchlist_entry_ids=[3])
    message = build_message(db, settings, summary)
    assert message is not None
    assert message.subject == (
        f"[scanner Haarlem] scan run {summary.run_id}: source rozewereld failed; 2 possible minors; 1 watchlist hit"
    )
    events = message.document["events"]
    assert [event["kind"] for event in events] == ["source_failed", "possible_minor", "watchlist_hit"]
    assert events[0] == {
        "kind": "source_failed",
        "source": "rozewereld",
        "url": "https://rozewereld.example/",
        "reasons": ["http://x/robots.txt answered HTTP 503: crawled nothing"],
    }
    assert events[1]["ads"][0] == {
        "id": 12,
        "link": "https://scanner.gemeente.example/ads/12",
        "command": "scanner show ad 12",
    }
    assert events[2]["entries"] == [3] and [ad["id"] for ad in events[2]["ads"]] == [7]
    assert message.document["host"] == "scan-host" and message.document["municipality"] == "Haarlem"
    assert "ad 12: https://scanner.gemeente.example/ads/12" in message.text
    assert "Watchlist hit: 1 ad (watchlist entries 3)" in message.text
    assert "value" not in json.dumps(events[2])  # the watched phone or text is not repeated


def test_only_the_events_asked_for_send_a_message(db: Database, settings: Settings) -> None:
    settings.notify.events = ["possible_minor"]
    assert build_message(db, settings, summary_of(db)) is None  # a failed source, but not asked for
    settings.notify.events = ["source_degraded"]
    message = build_message(db, settings, summary_of(db, possible_minor_ads=[1]))
    assert message is not None and [event["kind"] for event in message.document["events"]] == ["source_degraded"]


def test_an_interrupted_scan_without_a_link_base_names_the_commands(db: Database, settings: Settings) -> None:
    settings.notify.events = ["scan_interrupted", "possible_minor"]
    summary = summary_of(db, status="interrupted", error="KeyboardInterrupt in a stage", possible_minor_ads=[5])
    summary.status = "interrupted"
    message = build_message(db, settings, summary)
    assert message is not None
    assert message.document["events"][0] == {
        "kind": "scan_interrupted",
        "status": "interrupted",
        "error": "KeyboardInterrupt in a stage",
    }
    assert "ad 5: scanner show ad 5" in message.text


def test_a_message_reaches_an_smtp_server_that_wants_a_login(db: Database, settings: Settings) -> None:
    logins: list[tuple[bytes, bytes]] = []

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"s3cret")

    inbox = Inbox(port=free_port())
    controller = Controller(
        inbox, hostname="127.0.0.1", port=inbox.port, authenticator=authenticate, auth_require_tls=False
    )
    controller.start()
    try:
        settings.notify.email_to = ["zeden@gemeente.example"]
        settings.notify.smtp_host, settings.notify.smtp_port = "127.0.0.1", inbox.port
        settings.notify.smtp_user, settings.notify.smtp_password = "scanner", "s3cret"
        check_notify(settings.notify)  # a password to a local server is allowed in the clear
        outcome = notify(db, settings, summary_of(db))
    finally:
        controller.stop()
    assert outcome == {"email": "sent to 1 address"}
    assert logins == [(b"scanner", b"s3cret")]
    assert inbox.attachment()["events"][0]["source"] == "rozewereld"


def test_channels_that_fail_are_recorded_not_raised(db: Database, settings: Settings, tmp_path: Path) -> None:
    failing = tmp_path / "failing.py"
    failing.write_text("import sys\nsys.stdin.read()\nprint('no route to the pager', file=sys.stderr)\nsys.exit(3)\n")
    port = int(closed_port().rsplit(":", 1)[1])
    settings.notify.email_to = ["zeden@gemeente.example"]
    settings.notify.smtp_host, settings.notify.smtp_port = "127.0.0.1", port
    settings.notify.command = [sys.executable, str(failing)]
    outcome = notify(db, settings, summary_of(db))
    assert outcome["email"].startswith("failed: ConnectionRefusedError")
    assert outcome["command"] == "failed: exit code 3: no route to the pager"


def test_both_channels_get_the_same_document(db: Database, settings: Settings, tmp_path: Path) -> None:
    with SmtpServer() as inbox:
        outside = Outside(inbox, tmp_path)
        for name, value in outside.env().items():
            section, key = name.removeprefix("SCANNER_").lower().split("_", 1)
            if section == "notify":
                setattr(settings.notify, key, json.loads(value) if value.startswith("[") else value)
        settings.notify.smtp_port = inbox.port
        outcome = notify(db, settings, summary_of(db))
    assert outcome == {"email": "sent to 2 addresses", "command": "sent"}
    assert inbox.attachment() == outside.commands()[-1]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"command": ["/no/such/notifier"]}, "is not an executable program"),
        (
            {"email_to": ["a@b.example"], "smtp_host": "mail.example", "smtp_user": "scanner"},
            "would cross the network to mail.example unencrypted",
        ),
    ],
)
def test_settings_that_cannot_work_are_refused_before_the_scan(
    settings: Settings, changes: dict[str, Any], problem: str
) -> None:
    for key, value in changes.items():
        setattr(settings.notify, key, value)
    with pytest.raises(ConfigError, match=problem):
        check_notify(settings.notify)
    settings.notify.smtp_security = "starttls"
    if "smtp_user" in changes:
        check_notify(settings.notify)  # encrypted: fine
