"""Statistics of a crawl, per source and in total: JSON-able, stored in `scan_runs.stats["crawl"]`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from scanner.crawl.health import worst

MAX_ERRORS_KEPT = 200


@dataclass
class SourceStats:
    pages: int = 0
    not_modified: int = 0
    skipped_known: int = 0
    bytes: int = 0
    status_codes: dict[str, int] = field(default_factory=dict)
    retries: int = 0
    robots_disallowed: int = 0
    new_ads: int = 0
    changed_ads: int = 0
    unchanged_ads: int = 0
    removed_ads: int = 0
    outside_region: int = 0
    held_places: int = 0  # ads stored but held: their place could not be resolved
    photos: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    error_count: int = 0
    duration: float = 0.0
    robots: str | None = None  # why robots.txt could not be read: then nothing of the source was crawled
    robots_cause: str | None = None  # the failure class of that
    gate: str | None = None  # why the gate request failed
    listed_ads: int = 0  # stored ads the listings showed this run (the removal guard compares these)
    ad_links: int = 0  # distinct ads the listings showed, stored or not
    health: dict[str, Any] | None = None  # scanner.crawl.health.SourceHealth.to_json(), once finalized
    finalized: bool = False

    @property
    def state(self) -> str | None:
        """ok, degraded or failed once the source's crawl ended; None before."""
        return None if self.health is None else str(self.health["state"])

    def add_error(self, url: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append({"url": url, "reason": reason})

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SourceStats:
        known = {name: value for name, value in data.items() if name in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class CrawlStats:
    sources: dict[str, SourceStats] = field(default_factory=dict)
    duration: float = 0.0

    def source(self, name: str) -> SourceStats:
        return self.sources.setdefault(name, SourceStats())

    def total(self, name: str) -> int:
        return sum(int(getattr(stats, name)) for stats in self.sources.values())

    @property
    def health(self) -> str | None:
        """The worst state over the sources; None until every source's crawl ended."""
        states = [stats.state for stats in self.sources.values()]
        if not states or None in states:
            return None
        return worst([state for state in states if state is not None])

    def to_json(self) -> dict[str, Any]:
        return {
            "duration": round(self.duration, 3),
            "health": self.health,
            "sources": {name: asdict(stats) for name, stats in self.sources.items()},
            "totals": {
                name: self.total(name)
                for name in (
                    "pages",
                    "bytes",
                    "retries",
                    "new_ads",
                    "changed_ads",
                    "removed_ads",
                    "outside_region",
                    "held_places",
                    "error_count",
                )
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> CrawlStats:
        if not data:
            return cls()
        sources = {name: SourceStats.from_json(value) for name, value in data.get("sources", {}).items()}
        return cls(sources=sources, duration=float(data.get("duration", 0.0)))

    def summary_lines(self) -> list[str]:
        lines = []
        for name, stats in sorted(self.sources.items()):
            codes = ", ".join(f"{code}×{count}" for code, count in sorted(stats.status_codes.items()))
            lines.append(
                f"{name}: {stats.pages} pages ({stats.not_modified} not modified, {stats.skipped_known} known ads "
                f"skipped), {stats.bytes / 1024:.0f} KiB, {stats.retries} retries; ads new {stats.new_ads}, "
                f"changed {stats.changed_ads}, unchanged {stats.unchanged_ads}, removed {stats.removed_ads}, "
                f"outside region {stats.outside_region}, place not resolved {stats.held_places}; "
                f"{stats.photos} photos; {stats.error_count} errors; "
                f"{stats.duration:.1f} s; status {codes or '-'}"
            )
            if stats.health is not None:
                lines.append(f"{name}: {stats.health['state']}")
                lines.extend(f"{name}: {reason['message']}" for reason in stats.health["reasons"])
        return lines
