"""After a purge of a scanned demo world, no value used only by the purged ads is left in a dump of the
database: not their URLs (with name and city slugs), external ids, texts, names, phones, photo URLs or
photo hashes. The dry run before counted exactly what the purge did."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from scanner.clock import demo_day
from scanner.db import Database
from scanner.db.models import Ad, AdIdentifier, AdPhoto, AdVersion, Base, Identifier, Photo, Review
from scanner.investigate.review import add_review
from scanner.lab.demo.server import SOURCES_DIR
from scanner.lab.demo.world import WorldConfig
from scanner.places import lookup
from scanner.settings import RetentionSettings, Settings
from scanner.workflow.retention import purge
from scanner.workflow.scan import run_scan
from tests.workflow.demo_world import served

pytestmark = pytest.mark.slow

DAYS = 6
WORLD = WorldConfig(seed=9, days=DAYS, independents=12, networks=2, agencies=1)
NOW = demo_day(DAYS) + timedelta(hours=1)  # ads not seen on days 5 and 6 are older than a day
RETENTION = RetentionSettings(unflagged_days=1, flagged_days=1)
HASH_FIELDS = ("url", "sha256", "phash", "dhash", "phash_mirror")


def leaves(value: Any) -> Iterator[str]:
    """Every string inside a column value (JSON walked, bytes as hex)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, bytes):
        yield value.hex()
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from leaves(item)


def dump(db: Database) -> list[str]:
    with db.session() as session:
        return [
            leaf
            for table in Base.metadata.sorted_tables
            for row in session.execute(select(table))
            for cell in row
            for leaf in leaves(cell)
        ]


def _word_in(word: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


def values_per_ad(db: Database) -> dict[int, dict[str, set[str]]]:
    """Per ad: the values that identify it or hold its content, by kind."""
    found: dict[int, dict[str, set[str]]] = {}

    def add(ad_id: int, kind: str, value: str | None) -> None:
        if value:
            found.setdefault(ad_id, {}).setdefault(kind, set()).add(value)

    with db.session() as session:
        for ad in session.scalars(select(Ad)):
            add(ad.id, "exact", ad.url)
            add(ad.id, "exact", ad.external_id)
        for version in session.scalars(select(AdVersion)):
            add(version.ad_id, "text", version.title)
            add(version.ad_id, "text", version.text)
            for value in (version.fields or {}).values():
                # A place name is public geography, not the ad's own: statistics per region keep it.
                if value and lookup(str(value)) is None:
                    add(version.ad_id, "word", str(value))
        for ad_id, value in session.execute(
            select(AdIdentifier.ad_id, Identifier.value).join(Identifier, Identifier.id == AdIdentifier.identifier_id)
        ):
            add(ad_id, "exact", value)
        for ad_id, photo in session.execute(select(AdPhoto.ad_id, Photo).join(Photo, Photo.id == AdPhoto.photo_id)):
            for name in HASH_FIELDS:
                add(ad_id, "exact", getattr(photo, name))
    return found


def test_nothing_of_the_purged_ads_is_left_in_a_dump(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.crawl.per_host_concurrency = 4
    settings.paths.sources_dir = str(SOURCES_DIR)
    with served(WORLD) as demo:
        for name, value in demo.server.environ().items():
            monkeypatch.setenv(name, value)  # the source files read the demo sites' addresses
        for day in range(1, DAYS + 1):
            demo.server.set_day(day)
            summary = run_scan(db, settings, actor="nightly", now=demo_day(day), simulated_day=day)
            assert summary.status == "completed"
    with db.session() as session:
        old = list(session.scalars(select(Ad.id).where(Ad.last_seen_at < NOW - timedelta(days=1)).order_by(Ad.id)))
        assert len(old) >= 6
        add_review(session, ad_id=old[0], label="benign", note="licensed, checked", reviewer="ana", now=NOW)
        add_review(session, ad_id=old[1], label="unsure", note="ask the police", reviewer="ana", now=NOW)
    values = values_per_ad(db)
    settings.retention = RETENTION
    dry = purge(db, RETENTION, actor="op", now=NOW, dry_run=True, linking=settings.linking)
    stats = purge(db, RETENTION, actor="op", now=NOW, linking=settings.linking)
    assert {**dry.as_dict(), "dry_run": False} == stats.as_dict()
    purged = set(stats.ad_ids)
    assert old[0] in purged and old[1] not in purged  # under review: kept
    assert stats.identifiers and stats.photos and stats.http_cache and stats.frontier and stats.reviews_redacted == 1

    kept: dict[str, set[str]] = {}
    for ad_id, kinds in values.items():
        if ad_id not in purged:
            for kind, found in kinds.items():
                kept.setdefault(kind, set()).update(found)
    everything_kept = set().union(*kept.values())
    only_purged = {
        kind: {value for ad_id in purged for value in values[ad_id].get(kind, set())} - everything_kept
        for kind in ("exact", "text", "word")
    }
    assert len(only_purged["exact"]) > 20 and only_purged["text"]

    # A name or phrase that a kept ad also writes in its text is not the purged ads' alone.
    kept_text = "\n".join(everything_kept)
    leftovers = dump(db)
    joined = "\n".join(leftovers)
    left_exact = only_purged["exact"] & set(leftovers)
    left_text = {text for text in only_purged["text"] if len(text) > 12 and text in joined and text not in kept_text}
    left_words = {
        word
        for word in only_purged["word"]
        if len(word) > 3 and _word_in(word, joined) and not _word_in(word, kept_text)
    }
    assert (left_exact, left_text, left_words) == (set(), set(), set())
    with db.session() as session:
        benign = session.scalars(select(Review).where(Review.label == "benign")).one()
    assert benign.reviewer == "ana" and benign.snapshot["redacted"] and "text" not in benign.snapshot
