"""A message to people when a scan needs them: a failed source, an interrupted scan, a possible minor,
a watchlist hit, and if asked a degraded source (`notify.events`).

One message per scan, sent at its end by e-mail over SMTP (`notify.email_to`) and/or given as JSON on
stdin to a command (`notify.command`, run without a shell). It names ids, source names, page URLs
of sources and links, never phone numbers, names or ad text: whoever reads it opens scanner for the
evidence. A message that cannot be sent is logged and counted (the summary's `notifications`, the
metric `scanner_notification_failures`); it never fails the scan.

The JSON document:

    {"scanner": "scan", "run_id": 14, "status": "completed", "health": "failed", "host": "...",
     "started_at": "...", "finished_at": "...", "municipality": "Haarlem",
     "events": [{"kind": "source_failed", "source": "rozewereld", "url": "https://...", "reasons": ["..."]},
                {"kind": "source_degraded", "source": "nachtlicht", "url": "https://...", "reasons": ["..."]},
                {"kind": "scan_interrupted", "status": "interrupted", "error": "KeyboardInterrupt in a stage"},
                {"kind": "possible_minor", "ads": [{"id": 123, "link": "...", "command": "scanner show ad 123"}]},
                {"kind": "watchlist_hit", "ads": [...], "entries": [3]}]}
"""

from __future__ import annotations

import ipaddress
import json
import logging
import shutil
import smtplib
import ssl
import subprocess
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from sqlalchemy import select

from scanner.db.models import ScanRun, Source
from scanner.db.session import Database
from scanner.errors import ConfigError
from scanner.investigate.queries import iso
from scanner.settings import NotifySettings, Settings
from scanner.workflow.summary import ScanSummary

log = logging.getLogger("scanner.workflow")
INCOMPLETE = frozenset({"failed", "interrupted"})


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    document: dict[str, Any]


def check_notify(settings: NotifySettings) -> None:
    """Refuse to start a scan whose notifications could not go out, before it collects anything."""
    if settings.command and shutil.which(settings.command[0]) is None:
        raise ConfigError(
            f"notify.command: {settings.command[0]} is not an executable program",
            context="notify.command",
            hint='give the full path of the program, e.g. ["/usr/local/bin/notify-team"]',
        )
    if settings.email_to and settings.smtp_user and settings.smtp_security == "none" and not _local(settings.smtp_host):
        raise ConfigError(
            f"the SMTP password would cross the network to {settings.smtp_host} unencrypted",
            context="notify.smtp_security",
            hint="set notify.smtp_security to starttls (port 587) or tls (port 465)",
        )


def _local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _ad(settings: NotifySettings, ad_id: int) -> dict[str, Any]:
    link = f"{settings.link_base.rstrip('/')}/ads/{ad_id}" if settings.link_base else None
    return {"id": ad_id, "link": link, "command": f"scanner show ad {ad_id}"}


def build_message(db: Database, settings: Settings, summary: ScanSummary) -> Message | None:
    """The message for this scan, or None when nothing in it is one of notify.events."""
    wanted = set(settings.notify.events)
    events: list[dict[str, Any]] = []
    with db.session() as session:
        run = session.get(ScanRun, summary.run_id)
        assert run is not None
        urls = {name: url for name, url in session.execute(select(Source.name, Source.base_url))}
        started, finished, error, host = run.started_at, run.finished_at, run.error, run.host
    for state in ("failed", "degraded"):
        if f"source_{state}" not in wanted:
            continue
        for name in summary.sources_in(state):
            reasons = [reason["message"] for reason in summary.sources[name].get("reasons", [])]
            events.append({"kind": f"source_{state}", "source": name, "url": urls.get(name), "reasons": reasons})
    if "scan_interrupted" in wanted and summary.status in INCOMPLETE:
        events.append({"kind": "scan_interrupted", "status": summary.status, "error": error})
    if "possible_minor" in wanted and summary.possible_minor_ads:
        ads = [_ad(settings.notify, ad_id) for ad_id in summary.possible_minor_ads]
        events.append({"kind": "possible_minor", "ads": ads})
    if "watchlist_hit" in wanted and summary.watchlist_hit_ads:
        ads = [_ad(settings.notify, ad_id) for ad_id in summary.watchlist_hit_ads]
        events.append({"kind": "watchlist_hit", "ads": ads, "entries": summary.watchlist_entry_ids})
    if not events:
        return None
    document = {
        "scanner": "scan",
        "run_id": summary.run_id,
        "status": summary.status,
        "health": summary.health,
        "host": host,
        "started_at": iso(started),
        "finished_at": iso(finished),
        "municipality": settings.municipality.name or None,
        "events": events,
    }
    return Message(_subject(settings, summary, events), _text(document), document)


def _subject(settings: Settings, summary: ScanSummary, events: list[dict[str, Any]]) -> str:
    parts = []
    for event in events:
        kind = event["kind"]
        if kind in ("source_failed", "source_degraded"):
            parts.append(f"source {event['source']} {kind.removeprefix('source_')}")
        elif kind == "scan_interrupted":
            parts.append(f"scan {event['status']}")
        else:
            count = len(event["ads"])
            noun = "possible minor" if kind == "possible_minor" else "watchlist hit"
            parts.append(f"{count} {noun}{'' if count == 1 else 's'}")
    where = f" {settings.municipality.name}" if settings.municipality.name else ""
    return f"[scanner{where}] scan run {summary.run_id}: {'; '.join(parts)}"


def _text(document: dict[str, Any]) -> str:
    lines = [
        f"scanner scan run {document['run_id']} on {document['host']}: {document['status']}, "
        f"health {document['health'] or 'unknown'}",
        f"started {document['started_at']}, finished {document['finished_at'] or '-'} (UTC)",
        "",
    ]
    for event in document["events"]:
        kind = event["kind"]
        if kind in ("source_failed", "source_degraded"):
            lines.append(f"Source {kind.removeprefix('source_')}: {event['source']} ({event['url'] or 'no URL'})")
            lines.extend(f"  {reason}" for reason in event["reasons"])
        elif kind == "scan_interrupted":
            lines.append(f"Scan {event['status']}: {event['error'] or 'no error recorded'}")
            lines.append("  the next scan resumes it where it stopped")
        else:
            title = "Possible minor" if kind == "possible_minor" else "Watchlist hit"
            entries = f" (watchlist entries {', '.join(map(str, event['entries']))})" if kind == "watchlist_hit" else ""
            lines.append(f"{title}: {len(event['ads'])} ad{'' if len(event['ads']) == 1 else 's'}{entries}")
            lines.extend(f"  ad {ad['id']}: {ad['link'] or ad['command']}" for ad in event["ads"])
        lines.append("")
    lines.append("This message holds ids and links only; the evidence is in scanner (scanner report).")
    return "\n".join(lines) + "\n"


def send_email(settings: NotifySettings, message: Message) -> str:
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = settings.email_from
    email["To"] = ", ".join(settings.email_to)
    email["Date"] = formatdate(localtime=False, usegmt=True)
    email["Message-ID"] = make_msgid(domain=settings.email_from.rpartition("@")[2] or None)
    email.set_content(message.text)
    payload = json.dumps(message.document, indent=2, ensure_ascii=False).encode()
    filename = f"scan-run-{message.document['run_id']}.json"
    email.add_attachment(payload, maintype="application", subtype="json", filename=filename)
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.smtp_security == "tls":
        smtp = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout)
    with smtp:
        if settings.smtp_security == "starttls":
            smtp.starttls(context=context)
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(email)
    return f"sent to {len(settings.email_to)} address{'' if len(settings.email_to) == 1 else 'es'}"


def run_command(settings: NotifySettings, message: Message) -> str:
    document = json.dumps(message.document, ensure_ascii=False)
    done = subprocess.run(
        settings.command,
        input=document,
        text=True,
        capture_output=True,
        timeout=settings.command_timeout,
        check=False,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1][:200]
        raise subprocess.SubprocessError(f"exit code {done.returncode}: {last}")
    return "sent"


def notify(db: Database, settings: Settings, summary: ScanSummary) -> dict[str, str]:
    """Send this scan's message through every configured channel; returns what became of it per channel."""
    channels = settings.notify
    if not channels.email_to and not channels.command:
        return {}
    message = build_message(db, settings, summary)
    if message is None:
        return {}
    outcome: dict[str, str] = {}
    if channels.email_to:
        try:
            outcome["email"] = send_email(channels, message)
        except (OSError, smtplib.SMTPException) as exc:
            outcome["email"] = f"failed: {type(exc).__name__}: {exc}"
    if channels.command:
        try:
            outcome["command"] = run_command(channels, message)
        except (OSError, subprocess.SubprocessError) as exc:
            outcome["command"] = f"failed: {exc}"
    for channel, what in outcome.items():
        if what.startswith("failed"):
            log.error("scan run %s: notification by %s %s", summary.run_id, channel, what)
        else:
            log.info("scan run %s: notification by %s %s", summary.run_id, channel, what)
    return outcome
