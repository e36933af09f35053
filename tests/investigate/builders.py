"""Hand-made database rows for report and workflow tests: a few ads, a network, hits and assessments.

`small_world(session)` builds the same little situation every time (documented on the function), so
tests can assert on exact ids, scores and evidence without running crawl, extraction or scoring.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from scanner.clock import demo_day
from scanner.crawl.health import CrawlFacts, PageCounts, assess
from scanner.crawl.stats import CrawlStats
from scanner.db import Database
from scanner.db.models import (
    Ad,
    AdIdentifier,
    AdPhoto,
    AdVersion,
    Assessment,
    Identifier,
    IndicatorHit,
    Link,
    Network,
    NetworkMember,
    Photo,
    ScanRun,
    Sighting,
    Source,
)


@dataclass
class Rows:
    session: Session
    sources: dict[str, Source] = field(default_factory=dict)
    runs: dict[int, ScanRun] = field(default_factory=dict)
    identifiers: dict[str, Identifier] = field(default_factory=dict)

    def source(self, name: str) -> Source:
        if name not in self.sources:
            source = Source(name=name, base_url=f"http://127.0.0.1/{name}", created_at=demo_day(0))
            self.session.add(source)
            self.session.flush()
            self.sources[name] = source
        return self.sources[name]

    def run(self, day: int, status: str = "completed", crawl: CrawlStats | None = None) -> ScanRun:
        if day not in self.runs:
            run = ScanRun(
                kind="scan",
                status=status,
                health=crawl.health if crawl else None,
                started_at=demo_day(day),
                finished_at=demo_day(day).replace(hour=13) if status == "completed" else None,
                simulated_day=day,
                stats={"crawl": crawl.to_json()} if crawl else {},
            )
            self.session.add(run)
            self.session.flush()
            self.runs[day] = run
        return self.runs[day]

    def ad(
        self,
        external_id: str,
        *,
        text: str,
        title: str = "",
        cities: dict[int, str],
        phones: tuple[str, ...] = (),
        source: str = "rozewereld",
        removed_day: int | None = None,
    ) -> Ad:
        """An ad seen on the days in `cities` (day -> city), one version, its phones as identifiers."""
        days = sorted(cities)
        ad = Ad(
            source_id=self.source(source).id,
            external_id=external_id,
            url=f"http://127.0.0.1/{source}/ad/{external_id}",
            first_seen_at=demo_day(days[0]),
            last_seen_at=demo_day(days[-1]),
            removed_at=demo_day(removed_day) if removed_day else None,
            city=cities[days[-1]],
        )
        self.session.add(ad)
        self.session.flush()
        self.version(ad, text=text, title=title, day=days[0])
        for day in days:
            self.session.add(
                Sighting(ad_id=ad.id, scan_run_id=self.run(day).id, seen_at=demo_day(day), city=cities[day])
            )
        for phone in phones:
            self.phone(ad, phone, demo_day(days[0]))
        self.session.flush()
        return ad

    def version(self, ad: Ad, *, text: str, title: str = "", day: int) -> AdVersion:
        version = AdVersion(
            ad_id=ad.id,
            scan_run_id=self.run(day).id,
            content_hash=f"{ad.id}-{len(text)}-{day}",
            fetched_at=demo_day(day),
            title=title,
            text=text,
            fields={},
            features={"places": [{"name": ad.city, "province": "Noord-Holland", "regions": ["Kennemerland"]}]},
        )
        self.session.add(version)
        self.session.flush()
        ad.current_version_id = version.id
        return version

    def phone(self, ad: Ad, e164: str, at: datetime) -> None:
        if e164 not in self.identifiers:
            identifier = Identifier(kind="phone", value=e164, created_at=at)
            self.session.add(identifier)
            self.session.flush()
            self.identifiers[e164] = identifier
        self.session.add(
            AdIdentifier(ad_id=ad.id, identifier_id=self.identifiers[e164].id, first_seen_at=at, last_seen_at=at)
        )

    def photo(self, ad: Ad, phash: str) -> Photo:
        photo = Photo(url=f"http://127.0.0.1/photo/{ad.id}/{phash}", phash=phash, fetched_at=ad.first_seen_at)
        self.session.add(photo)
        self.session.flush()
        self.session.add(AdPhoto(ad_id=ad.id, photo_id=photo.id, first_seen_at=ad.first_seen_at))
        return photo

    def hit(
        self, ad: Ad, rule_id: str, *, day: int, weight: float, evidence: str, category: str = "trafficking"
    ) -> IndicatorHit:
        version = self.session.get(AdVersion, ad.current_version_id)
        assert version is not None
        start = version.text.index(evidence)
        hit = IndicatorHit(
            ad_id=ad.id,
            ad_version_id=version.id,
            scan_run_id=self.run(day).id,
            rule_id=rule_id,
            rule_version=1,
            ruleset_hash="r" * 64,
            category=category,
            weight=weight,
            explanation=f"{rule_id} explained",
            evidence=[{"start": start, "end": start + len(evidence), "text": evidence, "field": "text"}],
            created_at=demo_day(day),
        )
        self.session.add(hit)
        return hit

    def network_hit(self, network: Network, rule_id: str, *, day: int, weight: float) -> IndicatorHit:
        hit = IndicatorHit(
            network_id=network.id,
            scan_run_id=self.run(day).id,
            rule_id=rule_id,
            rule_version=1,
            ruleset_hash="r" * 64,
            category="trafficking",
            weight=weight,
            explanation=f"{rule_id} explained",
            evidence=[],
            created_at=demo_day(day),
        )
        self.session.add(hit)
        return hit

    def assess(
        self,
        *,
        day: int,
        risk: float,
        flagged: bool,
        ad: Ad | None = None,
        network: Network | None = None,
        licensing: float = 0.0,
        underage: bool = False,
    ) -> Assessment:
        assessment = Assessment(
            ad_id=ad.id if ad else None,
            network_id=network.id if network else None,
            scan_run_id=self.run(day).id,
            created_at=demo_day(day),
            risk_score=risk,
            licensing_score=licensing,
            underage=underage,
            flagged=flagged,
            model_version=MODEL_VERSION,
            model_probability=risk / 100,
            ruleset_hash="r" * 64,
            explanation={
                "rules": [],
                "parts": {"rule_part": risk / 100, "rule_share": 0.5},
                "model": {
                    "version": MODEL_VERSION,
                    "probability": risk / 100,
                    "top_features": [
                        {"name": "text: 'mogelijk'", "contribution": 0.4},
                        {"name": "network: member", "contribution": 1.25},
                        {"name": "ad: text_length", "contribution": -0.7},
                        {"name": "ad: services", "contribution": 0.1},
                    ],
                    "warning": MODEL_WARNING,
                },
            },
        )
        self.session.add(assessment)
        return assessment

    def network(self, label: str, ads: list[Ad], *, day: int) -> Network:
        network = Network(label=label, size=len(ads), created_at=demo_day(day), updated_at=demo_day(day), summary={})
        self.session.add(network)
        self.session.flush()
        for ad in ads:
            self.session.add(NetworkMember(network_id=network.id, ad_id=ad.id, added_at=demo_day(day)))
        for a, b in itertools.pairwise(ads):
            low, high = sorted((a.id, b.id))
            self.session.add(Link(ad_a_id=low, ad_b_id=high, kind="phone", strength=1.0, created_at=demo_day(day)))
        return network


@dataclass
class SmallWorld:
    rows: Rows
    network_ads: list[Ad]
    lone_flagged: Ad
    benign: Ad
    old_unflagged: Ad
    network: Network


def judged_crawl(**sources: CrawlFacts) -> CrawlStats:
    """Crawl statistics whose sources were judged by the real health rules from these facts."""
    stats = CrawlStats()
    for name, facts in sources.items():
        source = stats.source(name)
        source.pages = facts.listings.total + facts.ads.total
        source.error_count = facts.listings.failed_total + facts.ads.failed_total
        source.health = assess(facts).to_json()
        source.finalized = True
    return stats


HEALTHY = CrawlFacts(listings=PageCounts(done=4), ads=PageCounts(done=12), ad_links=30)
HALF_LISTED = CrawlFacts(listings=PageCounts(done=3, failed={"http_5xx": 1}), ads=PageCounts(done=9), ad_links=20)
MODEL_VERSION = "test-1"
MODEL_WARNING = "Model test-1: TRAINED ON SYNTHETIC DATA (a test world)."
NETWORK_PHONE = "+31612345678"
LONE_PHONE = "+31687654321"


def small_world(session: Session) -> SmallWorld:
    """Days 1..3 of a little world.

    - N-000001: ads a1 (day 1, Haarlem → day 2 Leiden) and a2 (new on day 3, Haarlem), sharing
      NETWORK_PHONE; both flagged on day 3 (risks 80 and 70), a1 was already flagged on day 2; the
      network itself flagged with risk 85 on day 3, with the network rule moving_network.
    - b1: a lone ad new on day 3 in Zandvoort, flagged (risk 60, licensing 40), phone LONE_PHONE.
    - c1: a benign ad seen days 1..3 in Haarlem, risk 5, never flagged.
    - d1: an unflagged ad seen only on day 1 (risk 10), a candidate for the purge.

    Each day's scan run completed; on day 3 rozewereld was ok and nachtlicht degraded (a listing
    page answered 503).
    """
    rows = Rows(session)
    for day in (1, 2):
        rows.run(day, crawl=judged_crawl(rozewereld=HEALTHY, nachtlicht=HEALTHY))
    rows.run(3, crawl=judged_crawl(rozewereld=HEALTHY, nachtlicht=HALF_LISTED))
    a1 = rows.ad(
        "a1",
        title="Nieuw in de stad",
        text="Hoi ik ben Lina, nieuw in de stad, 24/7 beschikbaar, bel 06-12345678",
        cities={1: "Haarlem", 2: "Leiden", 3: "Leiden"},
        phones=(NETWORK_PHONE,),
    )
    a2 = rows.ad(
        "a2",
        title="Sexy Mia",
        text="Mia, net aangekomen, alles mogelijk zonder condoom. 0612345678",
        cities={3: "Haarlem"},
        phones=(NETWORK_PHONE,),
    )
    b1 = rows.ad(
        "b1",
        source="nachtlicht",
        title="Massage",
        text="Ontspannende massage in prive huis, geen vergunning nodig, bel 06 87654321",
        cities={3: "Zandvoort"},
        phones=(LONE_PHONE,),
    )
    c1 = rows.ad(
        "c1", title="Anna", text="Anna, zelfstandig, afspraak via de site", cities={1: "Haarlem", 3: "Haarlem"}
    )
    d1 = rows.ad("d1", title="Oud", text="Oude advertentie", cities={1: "Haarlem"})
    network = rows.network("N-000001", [a1, a2], day=2)
    rows.network_hit(network, "moving_network", day=3, weight=20)
    rows.hit(a1, "new_in_town", day=2, weight=10, evidence="nieuw in de stad")
    rows.hit(a1, "new_in_town", day=3, weight=10, evidence="nieuw in de stad")
    rows.hit(a1, "always_available", day=3, weight=15, evidence="24/7 beschikbaar")
    rows.hit(a2, "unsafe_services", day=3, weight=25, evidence="zonder condoom")
    rows.hit(b1, "no_license", day=3, weight=20, evidence="geen vergunning", category="licensing")
    rows.assess(ad=a1, day=2, risk=65, flagged=True)
    rows.assess(ad=a1, day=3, risk=80, flagged=True)
    rows.assess(ad=a2, day=3, risk=70, flagged=True)
    rows.assess(network=network, day=3, risk=85, flagged=True)
    rows.assess(ad=b1, day=3, risk=60, licensing=40, flagged=True)
    rows.assess(ad=c1, day=3, risk=5, flagged=False)
    rows.assess(ad=d1, day=1, risk=10, flagged=False)
    session.flush()
    return SmallWorld(rows, [a1, a2], b1, c1, d1, network)


def escalate(db: Database, world: SmallWorld, ad: Ad) -> None:
    """The ad's text and newest score say it may be a minor (the underage rule fired on day 3)."""
    with db.session() as session:
        rows = Rows(session)
        rows.runs = {day: session.merge(run) for day, run in world.rows.runs.items()}
        ad = session.merge(ad)
        version = session.get(AdVersion, ad.current_version_id)
        assert version is not None
        rows.hit(ad, "underage", day=3, weight=0, evidence=version.text[:5], category="underage")
        rows.assess(ad=ad, day=3, risk=60, licensing=40, flagged=True, underage=True)
