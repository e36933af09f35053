"""The end of one source's crawl in a run: its health, and which of its ads are missing or removed.

Removal only on proof:

- an ad is counted missing only when its source's crawl was complete (every listing page read, at
  least one ad listed; see `scanner.crawl.health`) and no listing showed it. An ad a listing showed
  is present even when its own page failed;
- it is marked removed once it was missing on crawl.removed_after_days different days (two scans
  on one day count once), or at once when its own page answered 404 or 410 (unless the source failed);
- the removal guard holds every removal of a source whose ads listed fell by more than
  crawl.removal_guard_share (and by at least crawl.removal_guard_min_ads) since its baseline: the
  ads listed at its last complete crawl whose removals went ahead (`sources.listed_ads`). The
  source is then `degraded`, and its health says so and how to release the guard.

A removed ad is kept as evidence and un-marked when a listing shows it again. Everything is read
from the run's frontier and sightings, so a resumed run decides on all that it fetched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scanner.crawl.health import Baseline, CrawlFacts, PageCounts, SourceHealth, assess, guard_reason, guard_trips
from scanner.crawl.sourcefile import SourceConfig
from scanner.crawl.stats import SourceStats
from scanner.db.models import Ad, FrontierEntry, Sighting, Source
from scanner.settings import CrawlSettings


@dataclass
class _Listed:
    """Which stored ads the listings of this run showed, and which answered 404/410."""

    present: set[int] = field(default_factory=set)
    gone: set[int] = field(default_factory=set)
    unstored: int = 0  # ad links not (yet) stored: new ads whose page failed, ads outside the region


def describe_listing_selector(config: SourceConfig) -> str:
    """The selector that finds a source's ad links, as a summary names it."""
    if config.adapter is not None:
        return f"adapter {config.adapter}"
    listing = config.listing
    if listing is not None and listing.json_listing is not None:
        return f"json `{listing.json_listing.items_path}`"
    if listing is not None and listing.ad_links is not None:
        return f"`{listing.ad_links.css}`"
    return "the listing selector"


def _page_counts(session: Session, run_id: int, source_id: int) -> dict[str, PageCounts]:
    counts = {"listing": PageCounts(), "ad": PageCounts()}
    rows = session.execute(
        select(FrontierEntry.kind, FrontierEntry.status, FrontierEntry.error_class, func.count())
        .where(FrontierEntry.scan_run_id == run_id, FrontierEntry.source_id == source_id)
        .group_by(FrontierEntry.kind, FrontierEntry.status, FrontierEntry.error_class)
    )
    for kind, status, error_class, count in rows:
        pages = counts.get(kind)
        if pages is None:
            continue  # photos do not change a source's health
        if status == "done":
            pages.done += count
        elif status == "gone":
            pages.gone += count
        elif status == "failed":
            name = error_class or "internal"
            pages.failed[name] = pages.failed.get(name, 0) + count
        else:
            pages.pending += count
    return counts


def _listed(session: Session, run_id: int, source_id: int) -> _Listed:
    by_external: dict[str, int] = {}
    by_url: dict[str, int] = {}
    for ad_id, external_id, url in session.execute(
        select(Ad.id, Ad.external_id, Ad.url).where(Ad.source_id == source_id)
    ):
        by_external[external_id] = ad_id
        by_url[url] = ad_id
    listed = _Listed()
    listed.present.update(
        session.scalars(
            select(Sighting.ad_id)
            .join(Ad, Ad.id == Sighting.ad_id)
            .where(Sighting.scan_run_id == run_id, Ad.source_id == source_id)
        )
    )
    for link_url, status, meta in session.execute(
        select(FrontierEntry.url, FrontierEntry.status, FrontierEntry.meta).where(
            FrontierEntry.scan_run_id == run_id, FrontierEntry.source_id == source_id, FrontierEntry.kind == "ad"
        )
    ):
        link_id = (meta or {}).get("external_id")
        found = by_external.get(link_id) if isinstance(link_id, str) else None
        if found is None:
            found = by_url.get(link_url)
        if status == "gone":
            if found is not None:
                listed.gone.add(found)
        elif found is not None:
            listed.present.add(found)
        else:
            listed.unstored += 1
    listed.gone -= listed.present
    return listed


def finish_source(
    session: Session,
    *,
    config: SourceConfig,
    source_id: int,
    run_id: int,
    now: datetime,
    stats: SourceStats,
    settings: CrawlSettings,
) -> SourceHealth:
    """Judge the source's crawl, count missing ads and mark removed ones; stores the health in `stats`."""
    counts = _page_counts(session, run_id, source_id)
    listed = _listed(session, run_id, source_id)
    facts = CrawlFacts(
        listings=counts["listing"],
        ads=counts["ad"],
        ad_links=len(listed.present) + listed.unstored,
        listing_selector=describe_listing_selector(config),
        robots=stats.robots,
        robots_cause=stats.robots_cause,
        gate=stats.gate,
    )
    health = assess(facts)
    stats.listed_ads, stats.ad_links = len(listed.present), facts.ad_links
    if health.state != "failed":
        _apply_removals(session, source_id, run_id, now, stats, settings, health, listed)
    stats.health = health.to_json()
    return health


def _apply_removals(
    session: Session,
    source_id: int,
    run_id: int,
    now: datetime,
    stats: SourceStats,
    settings: CrawlSettings,
    health: SourceHealth,
    listed: _Listed,
) -> None:
    source = session.get(Source, source_id)
    assert source is not None
    baseline = None
    if source.listed_ads is not None:
        since = source.listed_at.date().isoformat() if source.listed_at else None
        baseline = Baseline(source.listed_ads, source.listed_run_id, since)
    live = list(session.scalars(select(Ad).where(Ad.source_id == source_id, Ad.removed_at.is_(None))))
    gone = [ad for ad in live if ad.id in listed.gone]
    missing = [ad for ad in live if ad.id not in listed.present and ad.id not in listed.gone] if health.complete else []
    # Without complete listings the count now is unknown; the 404/410 answers are the only fall seen.
    listed_now = len(listed.present) if health.complete else (baseline.listed_ads - len(gone) if baseline else 0)
    held = len(gone) + len(missing)
    if (
        baseline is not None
        and held
        and guard_trips(
            baseline, listed_now, share=settings.removal_guard_share, min_ads=settings.removal_guard_min_ads
        )
    ):
        health.degrade(guard_reason(baseline, listed_now, held, settings.removal_guard_share))
        health.removals = "held"
        return
    for ad in gone:
        ad.removed_at = now
        stats.removed_ads += 1
    if not health.complete:
        return
    today = now.date()
    for ad in missing:
        if ad.missing_on != today:
            ad.missing_days += 1
            ad.missing_on = today
        if ad.missing_days >= settings.removed_after_days:
            ad.removed_at = now
            stats.removed_ads += 1
    source.listed_ads, source.listed_run_id, source.listed_at = len(listed.present), run_id, now
    health.removals = "applied"
