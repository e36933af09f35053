"""A purge leaves nothing of the purged ads behind, and its dry run counts exactly what it does.

The small world (tests/investigate/builders.py) gets what a real crawl and scan leave around its ads:
cached pages and a cached listing that names them, crawl queue entries, a crawl error sample, a
group hit and an assessment that counted them, a network summary and reviews.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from scanner.clock import demo_day
from scanner.db import Database
from scanner.db.models import (
    Ad,
    Assessment,
    FrontierEntry,
    HttpCacheEntry,
    IndicatorHit,
    Network,
    Review,
    ScanRun,
)
from scanner.investigate.review import add_review
from scanner.model.dataset import records_from_purged_reviews
from scanner.settings import RetentionSettings
from scanner.workflow.purge_derived import REMOVED
from scanner.workflow.retention import purge
from tests.investigate.builders import NETWORK_PHONE, SmallWorld, small_world

NOW = demo_day(3) + timedelta(days=2)
OTHER_LISTING = "http://127.0.0.1/rozewereld/list?page=1"
OLD_LISTING = "http://127.0.0.1/rozewereld/list?page=9"
OTHER_ERROR = {"url": "http://127.0.0.1/rozewereld/list?page=2", "reason": "HTTP 500"}


@pytest.fixture
def world(db: Database) -> SmallWorld:
    """The small world with the traces a crawl and a scan leave around its ads."""
    with db.session() as session:
        built = small_world(session)
        rows = built.rows
        a1, a2 = built.network_ads
        old, kept = built.old_unflagged, built.benign
        photo = rows.photo(old, "8f373714acfcf4d0")
        ads = [a1, a2, built.lone_flagged, kept, old]
        for ad in ads:
            session.add(HttpCacheEntry(url=ad.url, content_hash="c" * 64, fetched_at=ad.last_seen_at, meta={}))
        for url, listed in ((OLD_LISTING, [old, kept]), (OTHER_LISTING, [kept])):
            meta = {"ads": [[ad.url, ad.external_id, None] for ad in listed], "next": []}
            session.add(HttpCacheEntry(url=url, fetched_at=demo_day(1), meta=meta))
        for ad in ads:
            session.add(
                FrontierEntry(
                    scan_run_id=rows.run(1).id,
                    source_id=ad.source_id,
                    url=ad.url,
                    kind="ad",
                    status="done",
                    meta={"listing_url": OLD_LISTING, "external_id": ad.external_id},
                    discovered_at=demo_day(1),
                )
            )
        session.add(
            FrontierEntry(
                scan_run_id=rows.run(1).id,
                source_id=old.source_id,
                url=photo.url,
                kind="photo",
                status="done",
                meta={"ad_ids": [old.id]},
                discovered_at=demo_day(1),
            )
        )
        errors = [{"url": old.url, "reason": "HTTP 503"}, OTHER_ERROR]
        crawl = {"sources": {"rozewereld": {"errors": errors, "error_count": 2}}}
        rows.run(1).stats = {"crawl": crawl, "summary": {"run_id": rows.run(1).id, "stages": {"crawl": crawl}}}
        group = {
            "start": None,
            "end": None,
            "text": "2 names sharing one phone: Oud, Anna",
            "field": "group",
            "ad_ids": [kept.id, old.id],
        }
        session.add(
            IndicatorHit(
                ad_id=kept.id,
                scan_run_id=rows.run(3).id,
                rule_id="shared-phone-names",
                rule_version=1,
                ruleset_hash="r" * 64,
                category="trafficking",
                weight=2.0,
                explanation="One phone with the names Oud, Anna",
                evidence=[group],
                created_at=demo_day(3),
            )
        )
        assessment = session.scalars(select(Assessment).where(Assessment.ad_id == kept.id)).one()
        assessment.explanation = {
            "rules": [{"rule_id": "shared-phone-names", "explanation": "names Oud, Anna", "evidence": [group]}],
            "model": {},
        }
        built.network.summary = {"label": "N-000001", "phones": [NETWORK_PHONE], "names": ["lina", "mia"], "size": 2}
    return built


def stats_without_flag(stats: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in stats.items() if key != "dry_run"}


@pytest.mark.parametrize(
    ("unflagged_days", "flagged_days", "reviews"),
    [
        (30, 365, {}),
        (3, 365, {}),
        (1, 365, {"b1": "benign"}),
        (1, 1, {}),
        (1, 1, {"a1": "unsure", "b1": "benign", "d1": "spam-scam"}),
        (1, 1, {"a2": "trafficking-suspect", "c1": "benign"}),
    ],
)
def test_the_dry_run_counts_exactly_what_the_purge_does(
    db: Database, world: SmallWorld, unflagged_days: int, flagged_days: int, reviews: dict[str, str]
) -> None:
    with db.session() as session:
        for external_id, label in reviews.items():
            ad_id = session.scalars(select(Ad.id).where(Ad.external_id == external_id)).one()
            add_review(session, ad_id=ad_id, label=label, note="bel 06-12345678", reviewer="inv", now=demo_day(3))
    retention = RetentionSettings(unflagged_days=unflagged_days, flagged_days=flagged_days)
    dry = purge(db, retention, actor="op", now=NOW, dry_run=True)
    real = purge(db, retention, actor="op", now=NOW)
    assert stats_without_flag(dry.as_dict()) == stats_without_flag(real.as_dict())
    assert (dry.dry_run, real.dry_run) == (True, False)
    again = purge(db, retention, actor="op", now=NOW, dry_run=True)
    assert again.ads == 0 and again.http_cache == 0 and again.reviews_redacted == 0  # nothing left to do


def test_a_purged_ads_cached_pages_queue_entries_and_crawl_errors_go(db: Database, world: SmallWorld) -> None:
    old, kept = world.old_unflagged, world.benign
    stats = purge(db, RetentionSettings(unflagged_days=3, flagged_days=365), actor="op", now=NOW)
    assert stats.ads == 1 and stats.photos == 1
    assert (stats.http_cache, stats.frontier, stats.scan_runs_cleaned) == (2, 2, 1)
    with db.session() as session:
        cached = set(session.scalars(select(HttpCacheEntry.url)))
        queued = set(session.scalars(select(FrontierEntry.url)))
        run = session.scalars(select(ScanRun).where(ScanRun.simulated_day == 1)).one()
    assert old.url not in cached and OLD_LISTING not in cached  # the listing that named it is fetched afresh
    assert {kept.url, OTHER_LISTING} <= cached
    assert not any(url.startswith(f"http://127.0.0.1/photo/{old.id}/") for url in queued) and old.url not in queued
    assert kept.url in queued
    for crawl in (run.stats["crawl"], run.stats["summary"]["stages"]["crawl"]):
        assert crawl["sources"]["rozewereld"]["errors"] == [OTHER_ERROR]
        assert crawl["sources"]["rozewereld"]["error_count"] == 2
    assert run.stats["summary"]["run_id"] == run.id


def test_evidence_that_counted_a_purged_ad_is_replaced_in_hits_and_assessments(db: Database, world: SmallWorld) -> None:
    kept = world.benign
    stats = purge(db, RetentionSettings(unflagged_days=3, flagged_days=365), actor="op", now=NOW)
    assert (stats.hits_cleaned, stats.assessments_cleaned) == (1, 1)
    with db.session() as session:
        hit = session.scalars(select(IndicatorHit).where(IndicatorHit.rule_id == "shared-phone-names")).one()
        assessment = session.scalars(select(Assessment).where(Assessment.ad_id == kept.id)).one()
    assert hit.weight == 2.0 and hit.explanation == REMOVED
    assert hit.evidence == [{"start": None, "end": None, "text": REMOVED, "field": "group", "ad_ids": [kept.id]}]
    (rule,) = assessment.explanation["rules"]
    assert rule["explanation"] == REMOVED and rule["evidence"] == hit.evidence
    assert "Oud" not in json.dumps([hit.evidence, hit.explanation, assessment.explanation])


def test_a_network_that_loses_members_gets_its_summary_from_those_left(db: Database, world: SmallWorld) -> None:
    a1 = world.network_ads[0]
    with db.session() as session:
        add_review(session, ad_id=a1.id, label="unsure", note="", reviewer="inv")
    stats = purge(db, RetentionSettings(unflagged_days=1, flagged_days=1), actor="op", now=NOW)
    assert stats.networks == 0 and stats.networks_updated == 1
    with db.session() as session:
        network = session.scalars(select(Network)).one()
    assert network.size == 1
    assert network.summary["label"] == "N-000001" and network.summary["phones"] == [NETWORK_PHONE]
    assert network.summary["size"] == 1 and "Mia" not in json.dumps(network.summary)
    assert "mia" not in network.summary["names"]


def test_a_benign_review_keeps_label_and_reviewer_but_not_the_ads_text_or_phone(
    db: Database, world: SmallWorld
) -> None:
    lone = world.lone_flagged
    with db.session() as session:
        add_review(session, ad_id=lone.id, label="unsure", note="checking 06 87654321", reviewer="ana")
        add_review(session, ad_id=lone.id, label="benign", note="licensed, see 06 87654321", reviewer="bob")
    stats = purge(db, RetentionSettings(unflagged_days=1, flagged_days=365), actor="op", now=NOW)
    assert stats.reviews_redacted == 2  # the case closed benign: the earlier review goes too
    with db.session() as session:
        reviews = list(session.scalars(select(Review).order_by(Review.id)))
        training = records_from_purged_reviews(session)
    assert [(review.label, review.reviewer) for review in reviews] == [("unsure", "ana"), ("benign", "bob")]
    for review in reviews:
        assert review.ad_id is None and review.note == ""
        assert review.snapshot["redacted"] is True and review.snapshot["ad_id"] == lone.id
        assert review.snapshot["risk_score"] == 60 and review.snapshot["flagged"] is True
        dumped = json.dumps(review.snapshot)
        assert "87654321" not in dumped and "massage" not in dumped.lower() and lone.url not in dumped
    assert training == []  # nothing left to learn from


def test_reviews_of_other_labels_and_the_setting_off_keep_their_snapshot(db: Database, world: SmallWorld) -> None:
    lone, old = world.lone_flagged, world.old_unflagged
    with db.session() as session:
        add_review(session, ad_id=lone.id, label="benign", note="ok", reviewer="bob")
        add_review(session, ad_id=old.id, label="spam-scam", note="fake", reviewer="bob")
    retention = RetentionSettings(unflagged_days=1, flagged_days=365, redact_benign_reviews=False)
    stats = purge(db, retention, actor="op", now=NOW)
    assert stats.reviews_redacted == 0
    with db.session() as session:
        snapshots = {review.label: review.snapshot for review in session.scalars(select(Review))}
    assert "massage" in snapshots["benign"]["text"].lower() and snapshots["spam-scam"]["text"] == "Oude advertentie"
    # Switched on later, the next purge redacts the benign review of the ad purged before.
    later = purge(db, RetentionSettings(unflagged_days=1, flagged_days=365), actor="op", now=NOW)
    assert (later.ads, later.reviews_redacted) == (0, 1)
    with db.session() as session:
        snapshots = {review.label: review.snapshot for review in session.scalars(select(Review))}
    assert "text" not in snapshots["benign"] and snapshots["spam-scam"]["text"] == "Oude advertentie"


def test_purge_command_prints_the_same_counts_for_dry_run_and_purge(world: SmallWorld, run_cli: Any) -> None:
    args = ("--set", "retention.unflagged_days=1", "--set", "retention.flagged_days=1", "purge", "--json")
    dry = json.loads(run_cli(*args, "--dry-run").output)
    real = json.loads(run_cli(*args).output)
    assert stats_without_flag(dry) == stats_without_flag(real) and real["ads"] == 5
    text = run_cli("purge", "--dry-run").output
    assert "would delete 0 ads" in text and "would clean" in text
