"""Purge removes exactly what the retention settings say, keeps what is under review, and is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from scanner.clock import demo_day
from scanner.db import Database
from scanner.db.models import (
    Ad,
    AdVersion,
    Assessment,
    AuditEntry,
    Identifier,
    IdentityJudgement,
    IndicatorHit,
    Network,
    Photo,
    Review,
    Sighting,
)
from scanner.investigate.review import add_review
from scanner.settings import RetentionSettings
from scanner.workflow.retention import purge
from tests.investigate.builders import LONE_PHONE, NETWORK_PHONE, SmallWorld, small_world

# The small world's ads were last seen on day 1 (d1) or day 3 (all others).
NOW = demo_day(3) + timedelta(days=2)  # two days after the last sighting of most ads


@pytest.fixture
def world(db: Database) -> SmallWorld:
    with db.session() as session:
        built = small_world(session)
        built.rows.photo(built.old_unflagged, "8f373714acfcf4d0")
    return built


def remaining(db: Database) -> set[str]:
    with db.session() as session:
        return set(session.scalars(select(Ad.external_id)))


@pytest.mark.parametrize(
    ("unflagged_days", "flagged_days", "reviews", "kept"),
    [
        # Nothing is old enough.
        (30, 365, {}, {"a1", "a2", "b1", "c1", "d1"}),
        # d1 was last seen 4 days ago: gone after 3 days; c1 (2 days) stays.
        (3, 365, {}, {"a1", "a2", "b1", "c1"}),
        # After one day both unflagged ads go; flagged ones stay for a year.
        (1, 365, {}, {"a1", "a2", "b1"}),
        # Flagged ads without a review go after flagged_days too.
        (1, 1, {}, set()),
        # An open review keeps the ad; a closing label lets it go like an unflagged ad.
        (1, 1, {"b1": "unsure", "a1": "trafficking-suspect", "a2": "benign"}, {"a1", "b1"}),
        # A closing label on a flagged ad: purged after unflagged_days, not flagged_days.
        (3, 365, {"a2": "spam-scam"}, {"a1", "a2", "b1", "c1"}),
        (1, 365, {"a2": "spam-scam"}, {"a1", "b1"}),
    ],
)
def test_purge_keeps_exactly_what_retention_allows(
    db: Database,
    world: SmallWorld,
    unflagged_days: int,
    flagged_days: int,
    reviews: dict[str, str],
    kept: set[str],
) -> None:
    with db.session() as session:
        for external_id, label in reviews.items():
            ad_id = session.scalars(select(Ad.id).where(Ad.external_id == external_id)).one()
            add_review(session, ad_id=ad_id, label=label, note="", reviewer="inv", now=demo_day(3))
    retention = RetentionSettings(unflagged_days=unflagged_days, flagged_days=flagged_days)
    stats = purge(db, retention, actor="op", purpose="retention", now=NOW)
    assert remaining(db) == kept
    assert stats.ads == 5 - len(kept)
    with db.session() as session:
        # Reviews are never purged; they keep their snapshot.
        assert session.scalar(select(func.count()).select_from(Review)) == len(reviews)
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None
        assert (entry.action, entry.actor, entry.details["ads"]) == ("purge", "op", stats.ads)
        assert entry.details["retention"]["unflagged_days"] == unflagged_days


def test_purge_cascades_and_removes_orphaned_identifiers_photos_and_networks(db: Database, world: SmallWorld) -> None:
    stats = purge(db, RetentionSettings(unflagged_days=1, flagged_days=1), actor="op", now=NOW)
    assert (stats.ads, stats.networks, stats.photos, stats.identifiers) == (5, 1, 1, 2)
    with db.session() as session:
        for table in (AdVersion, Sighting, IndicatorHit, Assessment, Network, Photo, Identifier):
            assert session.scalar(select(func.count()).select_from(table)) == 0, table.__tablename__


def test_shared_phone_survives_while_another_ad_uses_it(db: Database, world: SmallWorld) -> None:
    with db.session() as session:
        add_review(session, ad_id=world.network_ads[0].id, label="unsure", note="", reviewer="inv")
    purge(db, RetentionSettings(unflagged_days=1, flagged_days=1), actor="op", now=NOW)
    with db.session() as session:
        phones = set(session.scalars(select(Identifier.value)))
        networks = session.scalars(select(Network.label)).all()
    assert phones == {NETWORK_PHONE}
    assert LONE_PHONE not in phones
    assert networks == ["N-000001"]  # one member left


def test_dry_run_deletes_nothing_and_is_recorded_as_a_read(db: Database, world: SmallWorld) -> None:
    stats = purge(db, RetentionSettings(unflagged_days=1, flagged_days=1), actor="op", now=NOW, dry_run=True)
    assert stats.ads == 5 and stats.versions == 5 and stats.sightings == 3 + 1 + 1 + 2 + 1
    assert len(remaining(db)) == 5
    with db.session() as session:
        entry = session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.details["dry_run"]) == ("read", True)


def test_the_judgements_naming_a_purged_ad_go_with_it(db: Database, world: SmallWorld) -> None:
    kept, purged = world.network_ads[0].id, world.lone_flagged.id
    with db.session() as session:
        add_review(session, ad_id=kept, label="unsure", note="", reviewer="inv")
        for value, ads in ((NETWORK_PHONE, [kept]), (LONE_PHONE, [purged, kept])):
            session.add(
                IdentityJudgement(
                    kind="phone", value=value, verdict="person", reason="", facts={"ad_ids": ads}, decided_at=NOW
                )
            )
    purge(db, RetentionSettings(unflagged_days=1, flagged_days=1), actor="op", now=NOW)
    with db.session() as session:
        assert list(session.scalars(select(IdentityJudgement.value))) == [NETWORK_PHONE]


def test_an_ad_held_for_an_unresolved_place_is_purged_when_the_hold_ends(db: Database, world: SmallWorld) -> None:
    retention = RetentionSettings(unflagged_days=400, flagged_days=400, unresolved_place_days=3)
    with db.session() as session:
        session.get_one(Ad, world.benign.id).place_held_since = NOW - timedelta(days=2)
    assert purge(db, retention, actor="op", now=NOW).ads == 0  # two days: still held
    stats = purge(db, retention, actor="op", now=NOW + timedelta(days=1))
    assert (stats.ads, stats.unresolved_places) == (1, 1)
    with db.session() as session:
        assert session.get(Ad, world.benign.id) is None
