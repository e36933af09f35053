"""A source's health at the end of its crawl: `ok`, `degraded` or `failed`, with its reasons by class.

    failed    the crawl cannot tell what the site lists: robots.txt unreachable (RFC 9309: crawl
              nothing), no listing page read, or listings that showed no ad at all (the selectors no
              longer match the site). Nothing of the source is counted missing or removed.
    degraded  it can, but not everything: a listing page failed (then no ad is counted missing),
              ad pages failed, the gate request failed, or the removal guard held the removals.
    ok        every listing page read, at least one ad listed, no page failed.

Photos never change a source's health: a broken photo is the site's content, not its health.
`assess` is pure: the facts come from the run's frontier (`scanner.crawl.removal`), so a resumed
run judges exactly what was fetched. A crawl is `complete` (missing ads may be counted) when every
listing page was read and they listed at least one ad.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scanner.crawl.failures import breakdown

STATES = ("ok", "degraded", "failed")  # from best to worst


@dataclass
class PageCounts:
    """Frontier entries of one kind (listing or ad) of one source in one run, by outcome."""

    done: int = 0
    failed: dict[str, int] = field(default_factory=dict)  # by failure class
    gone: int = 0  # ad pages that answered 404 or 410
    pending: int = 0  # never fetched (the source could not be crawled)

    @property
    def failed_total(self) -> int:
        return sum(self.failed.values())

    @property
    def total(self) -> int:
        return self.done + self.failed_total + self.gone + self.pending

    def dominant(self) -> str:
        """The most frequent failure class."""
        return min(self.failed.items(), key=lambda item: (-item[1], item[0]))[0] if self.failed else "internal"


@dataclass
class CrawlFacts:
    """What one source's crawl in one run did, as `assess` needs it."""

    listings: PageCounts = field(default_factory=PageCounts)
    ads: PageCounts = field(default_factory=PageCounts)
    ad_links: int = 0  # distinct ads the listings showed (stored or not)
    listing_selector: str = "the listing selector"
    robots: str | None = None  # why robots.txt could not be read; then nothing was crawled
    robots_cause: str | None = None  # its failure class
    gate: str | None = None  # why the gate request failed


@dataclass(frozen=True)
class Reason:
    cls: str  # a failure class of scanner.crawl.failures.CLASSES, or "guard"
    message: str
    count: int = 1

    def to_json(self) -> dict[str, Any]:
        return {"class": self.cls, "message": self.message, "count": self.count}


@dataclass
class SourceHealth:
    state: str
    reasons: list[Reason] = field(default_factory=list)
    complete: bool = False
    removals: str = "held"  # applied | held
    errors_by_class: dict[str, int] = field(default_factory=dict)

    def degrade(self, reason: Reason) -> None:
        self.reasons.append(reason)
        if self.state == "ok":
            self.state = "degraded"

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "reasons": [reason.to_json() for reason in self.reasons],
            "complete": self.complete,
            "removals": self.removals,
            "errors_by_class": dict(sorted(self.errors_by_class.items())),
        }


def worst(states: list[str]) -> str | None:
    """The worst of some health states; None for none."""
    return max(states, key=STATES.index) if states else None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def assess(facts: CrawlFacts) -> SourceHealth:
    """The health of one source's crawl (see the module docstring)."""
    errors: dict[str, int] = {}
    for counts in (facts.listings, facts.ads):
        for name, count in counts.failed.items():
            errors[name] = errors.get(name, 0) + count
    if facts.robots is not None:
        cause = facts.robots_cause or "network"
        errors["robots_unreachable"] = errors.get("robots_unreachable", 0) + 1
        errors[cause] = errors.get(cause, 0) + 1
        reason = Reason("robots_unreachable", f"{facts.robots}: crawled nothing, removed nothing")
        return SourceHealth("failed", [reason], errors_by_class=errors)

    health = SourceHealth("ok", errors_by_class=errors)
    listings = facts.listings
    if listings.done == 0 and set(listings.failed) == {"selectors"}:
        health.state = "failed"
        message = (
            f"selectors no longer match this site: listing {facts.listing_selector} found nothing on "
            f"{_plural(listings.failed_total, 'page')}: removed nothing"
        )
        health.reasons.append(Reason("selectors", message, listings.failed_total))
    elif listings.done == 0:
        health.state = "failed"
        why = f" ({breakdown(listings.failed)})" if listings.failed else ""
        message = f"no listing page could be read{why}: removed nothing"
        health.reasons.append(Reason(listings.dominant(), message, listings.failed_total))
    elif listings.failed_total or listings.pending:
        unread = listings.failed_total + listings.pending
        message = (
            f"{unread} of {_plural(listings.total, 'listing page')} failed ({breakdown(listings.failed)}): "
            "no ad was counted missing"
        )
        health.degrade(Reason(listings.dominant(), message, unread))
    elif facts.ad_links == 0:
        health.state = "failed"
        message = (
            f"selectors no longer match this site: listing {facts.listing_selector} found 0 items on "
            f"{_plural(listings.done, 'page')}: removed nothing"
        )
        health.reasons.append(Reason("selectors", message, listings.done))
    else:
        health.complete = True
    if facts.ads.failed_total:
        failed = facts.ads.failed_total
        message = f"{failed} of {_plural(facts.ads.total, 'ad page')} failed ({breakdown(facts.ads.failed)})"
        health.degrade(Reason(facts.ads.dominant(), message, facts.ads.failed_total))
    if facts.gate is not None:
        errors["gate"] = errors.get("gate", 0) + 1
        health.degrade(Reason("gate", f"gate not passed: {facts.gate}"))
    return health


@dataclass(frozen=True)
class Baseline:
    """The ads a source's listings showed at its last complete crawl whose removals went ahead."""

    listed_ads: int
    run_id: int | None = None
    at: str | None = None  # ISO date


def guard_trips(baseline: Baseline | None, listed_now: int, *, share: float, min_ads: int) -> bool:
    """Whether the ads listed fell too far since the baseline for any removal to be trusted."""
    if baseline is None or baseline.listed_ads <= 0:
        return False
    fall = baseline.listed_ads - listed_now
    return fall >= min_ads and fall / baseline.listed_ads > share


def guard_reason(baseline: Baseline, listed_now: int, held: int, share: float) -> Reason:
    fall = (baseline.listed_ads - listed_now) / baseline.listed_ads
    since = f" since run {baseline.run_id}" if baseline.run_id is not None else ""
    when = f" ({baseline.at})" if baseline.at else ""
    message = (
        f"removal guard: ads listed fell from {baseline.listed_ads} to {listed_now} (-{fall:.0%}){since}{when}, "
        f"more than {share:.0%}: {_plural(held, 'removal')} held; if the site really shrank, run the next scan "
        "with --set crawl.removal_guard_share=1"
    )
    return Reason("guard", message, held)
