"""The nightly scan: crawl, extract, link, rules, model and score, then purge, under one lock.

`run_scan` takes the database's scan lock (a second scan is refused at once), then either starts a
new scan run or resumes the last one when it did not complete: a run still marked "running" while
nobody holds the lock was killed (SIGKILL, power loss), a "failed" one stopped on an error. It is
resumed in place, so its crawl frontier (the URLs still to fetch) is picked up where it stopped and
the stages it had finished are not run again; every stage is idempotent, so the database ends as
after an uninterrupted scan. The run stores each stage's statistics, the
rule-set hash and the model version, and keeps a heartbeat. The scan ends with the purge
(retention) unless `retention.purge_after_scan` is off, and its summary carries the head of the audit
log's hash chain, to be kept outside the database. Before the lock it checks the rule pack and the
model file (`preflight`), and warns (and records the warning) when the legal-basis gate is off.

A source that fails does not stop the scan: the other sources and every later stage still run, and
the run ends `completed` with `health` failed (the CLI then exits with code 12). Whatever the end,
completed, failed or interrupted, the scan then sends its notifications (`scanner.workflow.notify`)
and writes its metrics file (`scanner.workflow.monitoring`); neither can fail the scan.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from scanner.clock import utcnow
from scanner.db import audit
from scanner.db.models import ScanRun
from scanner.db.session import Database
from scanner.settings import Settings
from scanner.workflow import retention
from scanner.workflow.lock import scan_lock
from scanner.workflow.monitoring import check_textfile, write_metrics
from scanner.workflow.notify import check_notify, notify
from scanner.workflow.preflight import preflight
from scanner.workflow.privacy import check_legal_basis, legal_basis_warning
from scanner.workflow.progress import StageTicker
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
        log_interval=None if context.progress else context.settings.monitoring.progress_interval,
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


def _finished(now: datetime | None, clock_start: float) -> datetime:
    """When the scan ends, on the simulated clock when one was given."""
    return (now + timedelta(seconds=time.monotonic() - clock_start)) if now else utcnow()


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
    """The whole nightly job; raises LockHeldError when another scan runs, PrivacyError without a legal basis.

    `progress` shows a progress bar (a terminal); without it the stages and sources log progress lines.
    """
    check_legal_basis(settings.privacy)
    check_textfile(settings)
    check_notify(settings.notify)
    warning = legal_basis_warning(settings.privacy)
    if warning:
        log.warning(warning)
    preflight(settings)
    with scan_lock(db):
        clock_start = time.monotonic()
        run_id, resumed = _open_run(db, now or utcnow(), simulated_day)
        summary = ScanSummary(run_id=run_id, resumed=resumed, warnings=[warning] if warning else [])
        with db.session() as session:
            audit.record(
                session,
                actor=actor,
                command="scan",
                action="collect",
                purpose=purpose or settings.privacy.purpose,
                details={
                    "scan_run_id": run_id,
                    "resumed": resumed,
                    "legal_basis": settings.privacy.legal_basis,
                    # Collecting with the gate off is recorded with the collection itself.
                    **({"warning": "privacy.require_legal_basis is off"} if warning else {}),
                },
                now=now,
            )
        context = StageContext(db, settings, run_id, now, progress, sources, actor, purpose or settings.privacy.purpose)
        try:
            stats = _run_stages(context, on_stage)
        except BaseException as exc:
            # A Ctrl-C or an error ends the run for good; only a killed process leaves it "running".
            status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
            error = f"{type(exc).__name__} in a stage"
            stats = _save(db, run_id, status=status, finished_at=_finished(now, clock_start), error=error)
            summary.status = status
            _fill_summary(summary, stats)
            _tell_the_world(db, settings, summary)
            raise
        _fill_summary(summary, stats)
        if settings.retention.purge_after_scan:
            if on_stage:
                on_stage("purge")
            purged = retention.purge(
                db,
                settings.retention,
                actor=actor,
                purpose=purpose,
                command="scan",
                now=now or utcnow(),
                linking=settings.linking,
            )
            summary.stages["purge"] = purged.as_dict()
            summary.places_purged = purged.unresolved_places
        with db.session() as session:
            count_outcomes(session, summary, run_id, settings.fairness)
            newest = audit.head(session)
            summary.audit_head = str(newest) if newest else None
        summary.status = "completed"
        _save(
            db,
            run_id,
            status="completed",
            finished_at=_finished(now, clock_start),
            health=summary.health,
            ruleset_hash=summary.ruleset_hash,
            model_version=summary.model_version,
            stats={"summary": summary.as_dict()},
        )
        _tell_the_world(db, settings, summary)
        log.info("%s", summary.lines()[0])
        for state in ("failed", "degraded"):
            for name in summary.sources_in(state):
                reasons = "; ".join(reason["message"] for reason in summary.sources[name]["reasons"])
                log.warning("scan run %s: source %s %s: %s", run_id, name, state, reasons)
        return summary


def _run_stages(context: StageContext, on_stage: StageListener | None) -> dict[str, Any]:
    """Run the stages the run has not finished yet, saving each one's statistics; returns the run's stats."""
    db, run_id = context.db, context.run_id
    stats = _save(db, run_id)
    done: list[str] = list(stats.get("stages_done", []))
    ticker = StageTicker(run_id, context.settings.monitoring.progress_interval)
    logging_progress: AbstractContextManager[object] = nullcontext() if context.progress else ticker
    with logging_progress:
        for name, stage in STAGES:
            if name in done:
                continue
            if on_stage:
                on_stage(name)
            if not context.progress:
                ticker.start_stage(name)
            began = time.monotonic()
            result = stage(context)
            done.append(name)
            durations = {**stats.get("durations", {}), name: round(time.monotonic() - began, 3)}
            # the crawl's verdict is on the run at once: a report read during the later stages shows it
            changes: dict[str, Any] = {"health": result.get("health")} if name == "crawl" else {}
            stats = _save(db, run_id, stats={name: result, "stages_done": done, "durations": durations}, **changes)
            log.info("scan run %s: %s done in %.1f s", run_id, name, durations[name])
    return stats


def _tell_the_world(db: Database, settings: Settings, summary: ScanSummary) -> None:
    """Send the notifications, then write the metrics file (it counts failed notifications); store both.

    Neither may fail the scan, nor hide why an interrupted one stopped: their failures are logged.
    """
    try:
        summary.notifications = notify(db, settings, summary)
    except Exception:  # a bug in building the message must not lose the scan's result
        log.exception("scan run %s: the notifications could not be prepared", summary.run_id)
        summary.notifications = {"all": "failed: internal error, see the log"}
    try:
        write_metrics(db, settings, summary)
    except OSError as exc:
        path = settings.monitoring.textfile
        log.error("scan run %s: cannot write the metrics file %s: %s", summary.run_id, path, exc)
    _save(db, summary.run_id, stats={"summary": summary.as_dict()})


def _fill_summary(summary: ScanSummary, stats: dict[str, Any]) -> None:
    crawl = stats.get("crawl", {})
    totals = crawl.get("totals", {})
    summary.new_ads = int(totals.get("new_ads", 0))
    summary.changed_ads = int(totals.get("changed_ads", 0))
    summary.removed_ads = int(totals.get("removed_ads", 0))
    summary.errors = {name: int(source.get("error_count", 0)) for name, source in crawl.get("sources", {}).items()}
    summary.health = crawl.get("health")
    summary.sources = {
        name: source["health"] for name, source in crawl.get("sources", {}).items() if source.get("health") is not None
    }
    places = stats.get("places", {})
    summary.places_held = int(places.get("held", 0))
    summary.places_released = int(places.get("released", 0))
    summary.places_refused = int(places.get("refused", 0))
    summary.stages = {name: stats[name] for name, _stage in STAGES if name in stats}
    summary.durations = dict(stats.get("durations", {}))
    score = stats.get("score", {})
    summary.ruleset_hash = stats.get("rules", {}).get("ruleset_hash") or score.get("ruleset_hash")
    summary.model_version = score.get("model_version")
    summary.model_warning = score.get("model_warning")
