"""What a scan did, in numbers: the summary `scanner scan` prints and stores in scan_runs.stats.

It starts with the truth about the night: the run's status, its health (the worst over the
sources: ok, degraded or failed) and, per source, its health with the reasons. Never phone numbers
or ad text: counts, ids of ads and watchlist entries, network labels and source names only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from scanner.db.models import Ad, AdVersion, Assessment
from scanner.investigate import watch
from scanner.investigate.queries import chunks
from scanner.model.flag_rates import flag_rate_lines, flag_rates
from scanner.settings import FairnessSettings


@dataclass
class ScanSummary:
    run_id: int
    status: str = "running"
    resumed: bool = False
    health: str | None = None  # ok | degraded | failed, the worst over the sources; None before the crawl ended
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)  # per source: scanner.crawl.health JSON
    new_ads: int = 0
    changed_ads: int = 0
    removed_ads: int = 0
    newly_flagged_ads: int = 0
    newly_flagged_networks: int = 0
    watchlist_hits: int = 0
    watchlist_hit_ads: list[int] = field(default_factory=list)
    watchlist_entry_ids: list[int] = field(default_factory=list)  # the entries those ads matched
    possible_minor_ads: list[int] = field(default_factory=list)  # newly escalated as possibly underage
    # ads whose place could not be resolved: still held, resolved from their text, outside the region, purged
    places_held: int = 0
    places_released: int = 0
    places_refused: int = 0
    places_purged: int = 0
    errors: dict[str, int] = field(default_factory=dict)  # per source
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)  # per stage: its own statistics
    durations: dict[str, float] = field(default_factory=dict)  # seconds per stage
    ruleset_hash: str | None = None
    model_version: str | None = None
    model_warning: str | None = None  # the model card's warning (synthetic, few labels), said on every scan
    notifications: dict[str, str] = field(default_factory=dict)  # per channel: what became of the message
    # The audit log's newest entry, ID:HASH: kept outside the database, it shows later rewriting
    # (`scanner audit verify --head`).
    audit_head: str | None = None
    warnings: list[str] = field(default_factory=list)
    group_rates: dict[str, Any] = field(default_factory=dict)  # scanner.model.flag_rates: flag rates per group

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def sources_in(self, state: str) -> list[str]:
        return sorted(name for name, health in self.sources.items() if health.get("state") == state)

    def lines(self) -> list[str]:
        errors = ", ".join(f"{source} {count}" for source, count in sorted(self.errors.items())) or "none"
        timing = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in self.durations.items())
        resumed = " (resumed after an interruption)" if self.resumed else ""
        health = f", health {self.health}" if self.health else ""
        lines = [f"scan run {self.run_id}: {self.status}{resumed}{health}"]
        if self.sources:
            states = ", ".join(
                f"{name} {health['state'] if health['state'] == 'ok' else str(health['state']).upper()}"
                for name, health in sorted(self.sources.items())
            )
            lines.append(f"sources: {states}")
            for name, source in sorted(self.sources.items()):
                lines.extend(f"  {name}: {reason['message']}" for reason in source.get("reasons", []))
        minors = f", {len(self.possible_minor_ads)} possibly underage" if self.possible_minor_ads else ""
        lines += [
            f"ads: {self.new_ads} new, {self.changed_ads} changed, {self.removed_ads} removed",
            f"flagged: {self.newly_flagged_ads} ads and {self.newly_flagged_networks} networks newly flagged{minors}",
            f"watchlist hits: {self.watchlist_hits}",
            f"places not resolved: {self.places_held} ads held, {self.places_released} placed by their text, "
            f"{self.places_refused} outside the region, {self.places_purged} purged after the hold",
            f"errors per source: {errors}",
            f"rule set {(self.ruleset_hash or '-')[:12]}, model {self.model_version or 'none (rules only)'}",
            *([f"WARNING: {self.model_warning}"] if self.model_warning else []),
            f"stages: {timing}",
            f"audit head: {self.audit_head or '-'}",
            *(f"warning: {warning}" for warning in self.warnings),
            *flag_rate_lines(self.group_rates),
        ]
        lines.extend(f"notification by {channel}: {what}" for channel, what in sorted(self.notifications.items()))
        return lines


def _newly(session: Session, run_id: int, marked: Any, *, networks: bool) -> set[int]:
    """Ads (or networks) whose assessment in this run is `marked` (flagged, underage) and none before was."""
    key = Assessment.network_id if networks else Assessment.ad_id
    scope = Assessment.ad_id.is_(None) if networks else Assessment.ad_id.is_not(None)
    query = select(key).where(scope, marked.is_(True))
    now = set(session.scalars(query.where(Assessment.scan_run_id == run_id)))
    earlier = or_(Assessment.scan_run_id != run_id, Assessment.scan_run_id.is_(None))
    before = set(session.scalars(query.where(earlier)))
    return {int(found) for found in now - before if found is not None}


def count_outcomes(
    session: Session, summary: ScanSummary, run_id: int, fairness: FairnessSettings | None = None
) -> None:
    """Fill in the newly flagged counts, the possible minors, the flag rates per group and the watchlist
    hits among ads new or changed in this run."""
    summary.newly_flagged_ads = len(_newly(session, run_id, Assessment.flagged, networks=False))
    summary.newly_flagged_networks = len(_newly(session, run_id, Assessment.flagged, networks=True))
    summary.possible_minor_ads = sorted(_newly(session, run_id, Assessment.underage, networks=False))
    if fairness is not None:
        summary.group_rates = flag_rates(session, fairness)
    entries = watch.active_entries(session)
    if not entries:
        return
    touched = sorted(set(session.scalars(select(AdVersion.ad_id).where(AdVersion.scan_run_id == run_id))))
    ads = [ad for chunk in chunks(touched) for ad in session.scalars(select(Ad).where(Ad.id.in_(chunk)))]
    hits = watch.matches(session, ads, entries)
    summary.watchlist_hits = len(hits)
    summary.watchlist_hit_ads = sorted(hits)
    summary.watchlist_entry_ids = sorted({int(entry["id"]) for found in hits.values() for entry in found})
