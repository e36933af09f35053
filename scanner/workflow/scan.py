"""The nightly scan: crawl, extract, link, rules, model and score, then purge, under one lock.

`run_scan` takes the database's scan lock (a second scan is refused at once), then either starts a
new scan run or resumes the last one when it did not complete: a run still marked "running" while
nobody holds the lock was killed (SIGKILL, power loss), a "failed" one stopped on an error. It is
resumed in place, so its crawl frontier (the URLs still to fetch) is picked up where it stopped and
the stages it had finished are not run again; every stage is idempotent, so the database ends as
after an uninterrupted scan. The run stores each stage's statistics, the
rule-set hash and the model version, and keeps a heartbeat. The scan ends with the purge
(retention) unless `retention.purge_after_scan` is off.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from scanner.clock import utcnow
from scanner.db.models import ScanRun
from scanner.db.session import Database
from scanner.settings import Settings
from scanner.workflow import audit, retention
from scanner.workflow.lock import scan_lock
from scanner.workflow.privacy import check_legal_basis
from scanner.workflow.summary import ScanSummary, count_outcomes

log = logging.getLogger("scanner.workflow")


@dataclass(frozen=True)
class StageContext:
    db: Database
    settings: Settings
    run_id: int
    now: datetime | None
    progress: bool
    sources: list[str] | None
    actor: str = ""
    purpose: str = ""


Stage = Callable[[StageContext], dict[str, Any]]
RESUMABLE = frozenset({"running", "failed", "interrupted"})
StageListener = Callable[[str], None]


def _crawl(context: StageContext) -> dict[str, Any]:
    from scanner.crawl import load_sources, run_crawl

    configs = load_sources(Path(context.settings.paths.sources_dir), context.sources) if context.sources else None
    stats = run_crawl(
        context.db,
        context.settings,
        sources=configs,
        scan_run_id=context.run_id,
        now=context.now,
        progress=context.progress,
    )
    return stats.to_json()


def _extract(context: StageContext) -> dict[str, Any]:
    from scanner.extract.store import extract_pending

    return {"versions": extract_pending(context.db, context.settings, now=context.now)}


def _places(context: StageContext) -> dict[str, Any]:
    from scanner.workflow.places import settle_held_places

    held = settle_held_places(
        context.db, context.settings, actor=context.actor, purpose=context.purpose, now=context.now
    )
    return held.as_dict()


def _link(context: StageContext) -> dict[str, Any]:
    from scanner.link import run_linking

    return run_linking(context.db, context.settings, now=context.now).as_dict()


def _rules(context: StageContext) -> dict[str, Any]:
    from scanner.rules.store import apply_rules

    return asdict(apply_rules(context.db, context.settings, scan_run_id=context.run_id, now=context.now))


def _score(context: StageContext) -> dict[str, Any]:
    from scanner.score import score_all

    return score_all(context.db, context.settings, scan_run_id=context.run_id, now=context.now).as_dict()


# The model runs inside the score stage (score_all loads the configured model file).
STAGES: tuple[tuple[str, Stage], ...] = (
    ("crawl", _crawl),
    ("extract", _extract),
    ("places", _places),  # ads held for an unresolved place: released or refused by what their text says
    ("link", _link),
    ("rules", _rules),
    ("score", _score),
)


def _open_run(db: Database, started: datetime, simulated_day: int | None) -> tuple[int, bool]:
    """The run to work in: the newest scan run when it did not complete (resumed in place), or a new one.

    We hold the lock, so a run still marked "running" was killed; a "failed" or "interrupted" run
    stopped on an error or Ctrl-C. Older unfinished runs are left as they are: only the newest resumes.
    """
    with db.session() as session:
        newest = session.scalars(select(ScanRun).where(ScanRun.kind == "scan").order_by(ScanRun.id.desc())).first()
        if newest is not None and newest.status in RESUMABLE:
            resumes = list((newest.stats or {}).get("resumes", []))
            resumes.append(
                {
                    "at": utcnow().isoformat(timespec="seconds"),
                    "status": newest.status,
                    "previous_pid": newest.pid,
                    "host": newest.host,
                }
            )
            newest.stats = {**(newest.stats or {}), "resumes": resumes}
            if newest.status == "running":
                newest.error = f"interrupted: pid {newest.pid} on {newest.host} stopped without finishing"
            newest.status = "running"
            newest.pid, newest.host, newest.heartbeat_at = os.getpid(), socket.gethostname(), utcnow()
            log.warning("resuming scan run %s (%s)", newest.id, resumes[-1]["status"])
            return newest.id, True
        run = ScanRun(
            kind="scan",
            status="running",
            started_at=started,
            heartbeat_at=utcnow(),
            simulated_day=simulated_day,
            stats={},
            host=socket.gethostname(),
            pid=os.getpid(),
        )
        session.add(run)
        session.flush()
        return run.id, False


def _save(db: Database, run_id: int, **changes: Any) -> dict[str, Any]:
    """Update the run row (stats are merged, not replaced) and beat the heart; returns the stats."""
    with db.session() as session:
        run = session.get(ScanRun, run_id)
        assert run is not None
        stats = dict(run.stats or {})
        stats.update(changes.pop("stats", {}))
        run.stats = stats
        for name, value in changes.items():
            setattr(run, name, value)
        run.heartbeat_at = utcnow()
        return stats


def run_scan(
    db: Database,
    settings: Settings,
    *,
    actor: str,
    purpose: str = "",
    now: datetime | None = None,
    simulated_day: int | None = None,
    sources: list[str] | None = None,
    progress: bool = False,
    on_stage: StageListener | None = None,
) -> ScanSummary:
    """The whole nightly job; raises LockHeldError when another scan runs, PrivacyError without a legal basis."""
    check_legal_basis(settings.privacy)
    with scan_lock(db):
        clock_start = time.monotonic()
        run_id, resumed = _open_run(db, now or utcnow(), simulated_day)
        summary = ScanSummary(run_id=run_id, resumed=resumed)
        with db.session() as session:
            audit.record(
                session,
                actor=actor,
                command="scan",
                action="collect",
                purpose=purpose or settings.privacy.purpose,
                details={"scan_run_id": run_id, "resumed": resumed, "legal_basis": settings.privacy.legal_basis},
                now=now,
            )
        stats = _save(db, run_id)
        done: list[str] = list(stats.get("stages_done", []))
        try:
            for name, stage in STAGES:
                if name in done:
                    continue
                if on_stage:
                    on_stage(name)
                began = time.monotonic()
                context = StageContext(
                    db, settings, run_id, now, progress, sources, actor, purpose or settings.privacy.purpose
                )
                result = stage(context)
                done.append(name)
                durations = {**stats.get("durations", {}), name: round(time.monotonic() - began, 3)}
                stats = _save(db, run_id, stats={name: result, "stages_done": done, "durations": durations})
                log.info("scan run %s: %s done in %.1f s", run_id, name, durations[name])
        except BaseException as exc:
            # A Ctrl-C or an error ends the run for good; only a killed process leaves it "running".
            status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
            _save(db, run_id, status=status, finished_at=utcnow(), error=f"{type(exc).__name__} in a stage")
            raise
        _fill_summary(summary, stats)
        if settings.retention.purge_after_scan:
            if on_stage:
                on_stage("purge")
            purged = retention.purge(
                db, settings.retention, actor=actor, purpose=purpose, command="scan", now=now or utcnow()
            )
            summary.stages["purge"] = purged.as_dict()
            summary.places_purged = purged.unresolved_places
        with db.session() as session:
            count_outcomes(session, summary, run_id)
        summary.status = "completed"
        finished = (now + timedelta(seconds=time.monotonic() - clock_start)) if now else utcnow()
        _save(
            db,
            run_id,
            status="completed",
            finished_at=finished,
            ruleset_hash=summary.ruleset_hash,
            model_version=summary.model_version,
            stats={"summary": summary.as_dict()},
        )
        log.info("scan run %s completed: %s", run_id, "; ".join(summary.lines()[1:4]))
        return summary


def _fill_summary(summary: ScanSummary, stats: dict[str, Any]) -> None:
    crawl = stats.get("crawl", {})
    totals = crawl.get("totals", {})
    summary.new_ads = int(totals.get("new_ads", 0))
    summary.changed_ads = int(totals.get("changed_ads", 0))
    summary.removed_ads = int(totals.get("removed_ads", 0))
    summary.errors = {name: int(source.get("error_count", 0)) for name, source in crawl.get("sources", {}).items()}
    places = stats.get("places", {})
    summary.places_held = int(places.get("held", 0))
    summary.places_released = int(places.get("released", 0))
    summary.places_refused = int(places.get("refused", 0))
    summary.stages = {name: stats[name] for name, _stage in STAGES if name in stats}
    summary.durations = dict(stats.get("durations", {}))
    score = stats.get("score", {})
    summary.ruleset_hash = stats.get("rules", {}).get("ruleset_hash") or score.get("ruleset_hash")
    summary.model_version = score.get("model_version")
