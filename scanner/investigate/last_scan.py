"""The truth about the night, before any ad: the last scan, how it ended, and which sources failed or degraded.

`last_scan(session)` is the one place every view gets it from: the report opens with it (table and
HTML, and `last_scan` in JSON), and so do the other views that start a working day. `last_scan_lines`
words it for a person, line by line with a severity, for text and HTML alike.

    {"run_id": 14, "status": "completed",         # completed | failed | interrupted | running
     "health": "failed",                          # ok | degraded | failed; null until its crawl ended
     "started_at": ..., "finished_at": ..., "heartbeat_at": ..., "resumed": false, "error": null,
     "stale": false,                              # started more than 26 hours before the report
     "last_success_at": ...,                      # end of the last scan with no failed source
     "failed_sources": ["rozewereld"], "degraded_sources": [],
     "sources": [{"name": "rozewereld", "state": "failed", "removals": "held",
                  "reasons": [{"class": "robots_unreachable", "message": "...", "count": 1}],
                  "pages": 0, "errors": 1, "new_ads": 0, "removed_ads": 0}]}
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from scanner.clock import utcnow
from scanner.db.models import ScanRun
from scanner.investigate.queries import iso

STALE_AFTER = timedelta(hours=26)  # a nightly job that has not started for this long is not running
Line = tuple[str, str]  # (severity: ok | warning | error, text)


def last_success(session: Session) -> datetime | None:
    """When the last scan ended that completed with no failed source."""
    return session.scalar(
        select(ScanRun.finished_at)
        .where(
            ScanRun.kind == "scan",
            ScanRun.status == "completed",
            or_(ScanRun.health.is_(None), ScanRun.health != "failed"),
        )
        .order_by(ScanRun.id.desc())
        .limit(1)
    )


def _source(name: str, crawl: dict[str, Any]) -> dict[str, Any]:
    health = crawl.get("health") or {}
    return {
        "name": name,
        "state": health.get("state"),
        "removals": health.get("removals"),
        "reasons": list(health.get("reasons", [])),
        "pages": int(crawl.get("pages", 0)),
        "errors": int(crawl.get("error_count", 0)),
        "new_ads": int(crawl.get("new_ads", 0)),
        "removed_ads": int(crawl.get("removed_ads", 0)),
    }


def last_scan(session: Session, *, now: datetime | None = None) -> dict[str, Any] | None:
    """The newest nightly scan run, whatever became of it; None when no scan has run yet."""
    run = session.scalars(select(ScanRun).where(ScanRun.kind == "scan").order_by(ScanRun.id.desc()).limit(1)).first()
    if run is None:
        return None
    stats = run.stats or {}
    crawled = (stats.get("crawl") or {}).get("sources", {})
    sources = [_source(name, crawl) for name, crawl in sorted(crawled.items())]
    return {
        "run_id": run.id,
        "status": run.status,
        "health": run.health,
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
        "heartbeat_at": iso(run.heartbeat_at),
        "resumed": bool(stats.get("resumes")),
        "error": run.error,
        "stale": (now or utcnow()) - run.started_at > STALE_AFTER,
        "last_success_at": iso(last_success(session)),
        "failed_sources": [source["name"] for source in sources if source["state"] == "failed"],
        "degraded_sources": [source["name"] for source in sources if source["state"] == "degraded"],
        "sources": sources,
    }


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _headline(block: dict[str, Any]) -> Line:
    opening = f"Last scan: run {block['run_id']}, started {block['started_at']}"
    status = block["status"]
    if status == "running":
        return "warning", (
            f"{opening}, STILL RUNNING (last heartbeat {block['heartbeat_at']}): what follows may be incomplete; "
            "if no scan process runs, it was killed and the next scan resumes it"
        )
    if status in ("failed", "interrupted"):
        return "error", (
            f"{opening}, {status.upper()} at {block['finished_at']} ({block['error'] or 'no error recorded'}): "
            "what follows may be incomplete; the next scan resumes it"
        )
    failed, degraded = block["failed_sources"], block["degraded_sources"]
    if failed or degraded:
        parts = []
        if failed:
            parts.append(f"{_plural(len(failed), 'source')} FAILED ({', '.join(failed)})")
        if degraded:
            count = str(len(degraded)) if failed else _plural(len(degraded), "source")
            parts.append(f"{count} degraded ({', '.join(degraded)})")
        return ("error" if failed else "warning"), f"{opening}, completed {block['finished_at']}; {', '.join(parts)}"
    sources = _plural(len(block["sources"]), "source")
    return "ok", f"{opening}, completed {block['finished_at']}; {sources}, all ok"


def last_scan_lines(block: dict[str, Any] | None) -> list[Line]:
    """The last scan for a person: a headline, then each failed or degraded source with its reasons."""
    if block is None:
        return [("warning", "No scan has run yet: nothing below comes from a nightly scan.")]
    lines = [_headline(block)]
    if block["stale"]:
        hours = STALE_AFTER.total_seconds() / 3600
        lines.append(("warning", f"  it started more than {hours:.0f} hours ago: is the nightly job running?"))
    for source in block["sources"]:
        if source["state"] not in ("failed", "degraded"):
            continue
        severity = "error" if source["state"] == "failed" else "warning"
        for reason in source["reasons"]:
            lines.append((severity, f"  {source['state'].upper()} {source['name']}: {reason['message']}"))
    if block["status"] != "completed" or block["failed_sources"]:
        success = block["last_success_at"] or "none yet"
        lines.append(("warning", f"  last scan without a failed source ended: {success}"))
    return lines
