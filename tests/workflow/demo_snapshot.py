"""The demo scan's output as plain data, without database ids or wall-clock times, for comparison.

`scan_small_world(db, settings)` runs the real nightly scan over the small demo world, night after
night; `snapshot(db)` reads back what the stages stored (ads, versions, identifiers, links, networks,
hits and assessments), naming every ad by its site and key instead of its id, and every network by
its members. A change that moves code without changing behaviour leaves the snapshot as it was.

Rewrite the committed snapshot only for a change of behaviour that is meant, and say so in the commit:

    SCANNER_WRITE_SNAPSHOT=1 .venv/bin/python -m pytest tests/workflow/test_same_output.py
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanner.clock import demo_day
from scanner.db.models import (
    Ad,
    AdIdentifier,
    AdVersion,
    Assessment,
    Identifier,
    IndicatorHit,
    Link,
    Network,
    NetworkMember,
    Source,
)
from scanner.db.session import Database
from scanner.lab.demo.server import SOURCES_DIR, DemoServer
from scanner.lab.demo.world import World, WorldConfig
from scanner.settings import Settings
from scanner.workflow.scan import run_scan

REPOSITORY = Path(__file__).resolve().parent.parent.parent
# Small enough for a test, big enough that every stage has work: networks, agencies, removals.
WORLD = WorldConfig(seed=9, days=3, independents=12, networks=2, agencies=1)
NIGHTS = 3
DIGITS = 6  # scores are compared to this many decimals: equal on SQLite and PostgreSQL


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def demo_settings(settings: Settings) -> Settings:
    """The test's settings pointed at the demo sites, the shipped rules and the shipped bootstrap model."""
    copy = settings.model_copy(deep=True)
    copy.paths.sources_dir = str(SOURCES_DIR)
    copy.paths.rules_dir = str(REPOSITORY / "rules")
    copy.paths.models_dir = str(REPOSITORY / "models")
    copy.model.path = str(REPOSITORY / "models" / "bootstrap.skops")
    copy.crawl.per_host_concurrency = 4
    return copy


def scan_small_world(db: Database, settings: Settings) -> None:
    """Serve the small demo world and run the nightly scan once per simulated day."""
    world = World.generate(WORLD)
    with DemoServer(world, day=1) as server, _environment(server.environ()):
        for day in range(1, NIGHTS + 1):
            server.set_day(day)
            run_scan(db, settings, actor="snapshot", now=demo_day(day), simulated_day=day)


def _day(value: datetime | date | None) -> str | None:
    return None if value is None else value.date().isoformat() if isinstance(value, datetime) else value.isoformat()


def snapshot(db: Database) -> dict[str, Any]:
    """What the scan stored, by ad key (`site/external id`) and network members, sorted."""
    with db.session() as session:
        keys = _ad_keys(session)
        networks = _networks(session, keys)
        return {
            "ads": _ads(session, keys),
            "links": sorted(
                [sorted([keys[link.ad_a_id], keys[link.ad_b_id]]), link.kind, round(link.strength, DIGITS)]
                for link in session.scalars(select(Link))
            ),
            "networks": sorted(networks.values(), key=lambda network: (network["kind"], network["members"])),
            "hits": _hits(session, keys, networks),
            "assessments": _assessments(session, keys, networks),
        }


def _ad_keys(session: Session) -> dict[int, str]:
    rows = session.execute(select(Ad.id, Source.name, Ad.external_id).join(Source, Source.id == Ad.source_id))
    return {ad_id: f"{site}/{external_id}" for ad_id, site, external_id in rows}


def _ads(session: Session, keys: dict[int, str]) -> dict[str, Any]:
    versions: dict[int, list[dict[str, Any]]] = {}
    for version in session.scalars(select(AdVersion).order_by(AdVersion.fetched_at, AdVersion.content_hash)):
        versions.setdefault(version.ad_id, []).append(
            {"content_hash": version.content_hash, "fetched": _day(version.fetched_at), "current": False}
        )
    identifiers: dict[int, list[list[Any]]] = {}
    rows = session.execute(
        select(
            AdIdentifier.ad_id, Identifier.kind, Identifier.value, AdIdentifier.found_in, AdIdentifier.obscurity
        ).join(Identifier, Identifier.id == AdIdentifier.identifier_id)
    )
    for ad_id, kind, value, found_in, obscurity in rows:
        identifiers.setdefault(ad_id, []).append([kind, value, found_in, obscurity])
    current = select(Ad.id, AdVersion.content_hash).join(AdVersion, AdVersion.id == Ad.current_version_id)
    current_hash = {ad_id: content_hash for ad_id, content_hash in session.execute(current)}
    ads: dict[str, Any] = {}
    for ad in session.scalars(select(Ad)):
        own = versions.get(ad.id, [])
        for version in own:
            version["current"] = version["content_hash"] == current_hash.get(ad.id)
        ads[keys[ad.id]] = {
            "url": ad.url.split("/", 3)[-1],  # the path: the demo sites run on ephemeral ports
            "city": ad.city,
            "first_seen": _day(ad.first_seen_at),
            "last_seen": _day(ad.last_seen_at),
            "removed": _day(ad.removed_at),
            "missing_days": ad.missing_days,
            "place_held": _day(ad.place_held_since),
            "versions": own,
            "identifiers": sorted(identifiers.get(ad.id, [])),
        }
    return dict(sorted(ads.items()))


def _networks(session: Session, keys: dict[int, str]) -> dict[int, dict[str, Any]]:
    members: dict[int, list[str]] = {}
    for network_id, ad_id in session.execute(select(NetworkMember.network_id, NetworkMember.ad_id)):
        members.setdefault(network_id, []).append(keys[ad_id])
    return {
        network.id: {
            "kind": network.kind,
            "size": network.size,
            "dissolved": _day(network.dissolved_at),
            "members": sorted(members.get(network.id, [])),
        }
        for network in session.scalars(select(Network))
    }


def _owner(ad_id: int | None, network_id: int | None, keys: dict[int, str], networks: dict[int, Any]) -> str:
    """An ad by its key, a network by its kind and first member (labels depend on the order ads came in)."""
    if ad_id is not None:
        return keys[ad_id]
    assert network_id is not None
    network = networks[network_id]
    return f"{network['kind']}:{network['members'][0] if network['members'] else network_id}"


def _hits(session: Session, keys: dict[int, str], networks: dict[int, Any]) -> list[dict[str, Any]]:
    hits = [
        {
            "owner": _owner(hit.ad_id, hit.network_id, keys, networks),
            "rule": hit.rule_id,
            "rule_version": hit.rule_version,
            "category": hit.category,
            "weight": round(hit.weight, DIGITS),
            "explanation": hit.explanation,
            "evidence": _evidence(hit.evidence, keys),
        }
        for hit in session.scalars(select(IndicatorHit))
    ]
    return sorted(hits, key=lambda hit: (hit["owner"], hit["rule"], repr(hit["evidence"])))


def _evidence(evidence: Any, keys: dict[int, str]) -> Any:
    """Evidence spans as stored, with the ad ids of a cross-ad fact replaced by ad keys."""
    spans = []
    for span in evidence or []:
        span = dict(span)
        if "ad_ids" in span:
            span["ad_ids"] = sorted(keys[ad_id] for ad_id in span["ad_ids"])
        spans.append(span)
    return spans


def _assessments(session: Session, keys: dict[int, str], networks: dict[int, Any]) -> list[dict[str, Any]]:
    rows = [
        {
            "owner": _owner(assessment.ad_id, assessment.network_id, keys, networks),
            "run_day": _day(assessment.created_at),
            "risk": round(assessment.risk_score, DIGITS),
            "licensing": round(assessment.licensing_score, DIGITS),
            "underage": assessment.underage,
            "flagged": assessment.flagged,
            "model_version": assessment.model_version,
            "model_probability": None
            if assessment.model_probability is None
            else round(assessment.model_probability, DIGITS),
        }
        for assessment in session.scalars(select(Assessment))
    ]
    return sorted(rows, key=lambda row: (row["owner"], row["run_day"] or "", row["risk"]))
