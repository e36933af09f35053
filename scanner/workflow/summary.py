"""What a scan did, in numbers: the summary `scanner scan` prints and stores in scan_runs.stats.

Never phone numbers or ad text: counts, ids of networks (public labels) and source names only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanner.db.models import Ad, AdVersion, Assessment
from scanner.report import watch
from scanner.report.queries import chunks


@dataclass
class ScanSummary:
    run_id: int
    status: str = "running"
    resumed: bool = False
    new_ads: int = 0
    changed_ads: int = 0
    removed_ads: int = 0
    newly_flagged_ads: int = 0
    newly_flagged_networks: int = 0
    watchlist_hits: int = 0
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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        errors = ", ".join(f"{source} {count}" for source, count in sorted(self.errors.items())) or "none"
        timing = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in self.durations.items())
        return [
            f"scan run {self.run_id}: {self.status}{' (resumed after an interruption)' if self.resumed else ''}",
            f"ads: {self.new_ads} new, {self.changed_ads} changed, {self.removed_ads} removed",
            f"flagged: {self.newly_flagged_ads} ads and {self.newly_flagged_networks} networks newly flagged",
            f"watchlist hits: {self.watchlist_hits}",
            f"places not resolved: {self.places_held} ads held, {self.places_released} placed by their text, "
            f"{self.places_refused} outside the region, {self.places_purged} purged after the hold",
            f"errors per source: {errors}",
            f"rule set {(self.ruleset_hash or '-')[:12]}, model {self.model_version or 'none (rules only)'}",
            f"stages: {timing}",
        ]


def _newly_flagged(session: Session, run_id: int, *, networks: bool) -> int:
    key = Assessment.network_id if networks else Assessment.ad_id
    scope = Assessment.ad_id.is_(None) if networks else Assessment.ad_id.is_not(None)
    flagged = select(key).where(scope, Assessment.flagged.is_(True))
    now = set(session.scalars(flagged.where(Assessment.scan_run_id == run_id)))
    before = set(session.scalars(flagged.where(Assessment.scan_run_id != run_id)))
    return len(now - before)


def count_outcomes(session: Session, summary: ScanSummary, run_id: int) -> None:
    """Fill in the newly flagged counts and the watchlist hits among ads new or changed in this run."""
    summary.newly_flagged_ads = _newly_flagged(session, run_id, networks=False)
    summary.newly_flagged_networks = _newly_flagged(session, run_id, networks=True)
    entries = watch.active_entries(session)
    if not entries:
        return
    touched = sorted(set(session.scalars(select(AdVersion.ad_id).where(AdVersion.scan_run_id == run_id))))
    ads = [ad for chunk in chunks(touched) for ad in session.scalars(select(Ad).where(Ad.id.in_(chunk)))]
    summary.watchlist_hits = len(watch.matches(session, ads, entries))
