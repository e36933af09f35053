"""`rules explain` on a stored ad judges it with the statistics the nightly run used, or says what differs.

The price rule compares an ad with the hourly prices of its area. Those prices move every night; the
stored hit was made with the prices of its night. An explanation made later must agree with the stored
hit (it uses the area, count and percentiles the evaluation recorded), and where it cannot (the ad
changed, another rule set, statistics not recorded) it says so plainly.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from scanner.db import Database
from scanner.db.models import Ad, AdVersion, IndicatorHit, RuleEvaluation, Source
from scanner.extract import extract
from scanner.extract.spans import joined_text
from scanner.rules import RuleSet, apply_rules
from scanner.rules.explain import explain_stored_ad
from scanner.settings import RuleOverride, Settings

PACK = Path(__file__).resolve().parents[2] / "rules"
DAY = datetime(2026, 1, 3, 12)


def add_ad(session: Session, key: str, hourly: int, city: str = "Haarlem") -> int:
    title, text = f"Ad {key}", f"Lieve dame in {city}. Een uur € {hourly},-"
    ad = Ad(source_id=1, external_id=key, url=f"http://127.0.0.1/{key}", city=city, first_seen_at=DAY, last_seen_at=DAY)
    session.add(ad)
    session.flush()
    version = AdVersion(
        ad_id=ad.id,
        content_hash=key,
        fetched_at=DAY,
        title=title,
        text=text,
        fields={"city": city},
        features=extract(joined_text(title, text), {"city": city}).to_json(),
    )
    session.add(version)
    session.flush()
    ad.current_version_id = version.id
    return ad.id


@pytest.fixture
def market(db: Database) -> int:
    """25 ads in Haarlem at €150 to €390 an hour, and one at €60: the cheap ad's id."""
    with db.session() as session:
        session.add(Source(id=1, name="test", base_url="http://127.0.0.1/", created_at=DAY))
        for index in range(25):
            add_ad(session, f"h{index}", 150 + 10 * index)
        return add_ad(session, "cheap", 60)


def explain(db: Database, settings: Settings, ruleset: RuleSet, ad_id: int):  # type: ignore[no-untyped-def]
    with db.session() as session:
        return explain_stored_ad(session, settings, ruleset, ad_id)


def fired(found, rule_id: str) -> bool:  # type: ignore[no-untyped-def]
    return any(item.rule_id == rule_id and item.fired for item in found.rules)


def test_explain_agrees_with_the_stored_hit_even_after_the_market_moved(
    db: Database, settings: Settings, market: int
) -> None:
    ruleset = RuleSet.load(PACK, settings)
    apply_rules(db, settings, ruleset=ruleset, now=DAY)
    found = explain(db, settings, ruleset, market)
    assert fired(found, "low-price") and found.differences == []
    assert "26 hourly prices in Haarlem" in found.prices and "as the nightly run of 2026-01-03 12:00" in found.prices
    stored = next(hit for hit in found.stored if hit.rule_id == "low-price")
    explained = next(item.hit for item in found.rules if item.rule_id == "low-price")
    assert explained is not None and (explained.explanation, explained.evidence) == (
        stored.explanation,
        stored.evidence,
    )
    assert "(p10 of 26 prices in Haarlem)" in stored.explanation

    with db.session() as session:  # thirty cheaper ads arrive; the cheap ad itself is not evaluated again
        for index in range(30):
            add_ad(session, f"new{index}", 30 + index)
    later = explain(db, settings, ruleset, market)
    assert fired(later, "low-price") and later.differences == [], "judged with the prices of its own night"

    with db.session() as session:  # an evaluation stored before scanner recorded its statistics
        session.execute(update(RuleEvaluation).values(statistics=None))
    unrecorded = explain(db, settings, ruleset, market)
    assert not fired(unrecorded, "low-price"), "€60 is not cheap among today's 56 prices"
    assert "56 hourly prices in Haarlem" in unrecorded.prices and "today's" in unrecorded.prices
    assert any("did not record its price statistics" in line for line in unrecorded.differences)
    assert "low-price: stored as fired, but does not fire now" in unrecorded.differences


def test_explain_says_when_the_ad_changed_or_the_rule_set_differs(
    db: Database, settings: Settings, market: int
) -> None:
    ruleset = RuleSet.load(PACK, settings)
    apply_rules(db, settings, ruleset=ruleset, now=DAY)
    tuned = settings.model_copy(deep=True)
    tuned.rules.overrides = {"low-price": RuleOverride(weight=1.5)}
    other = RuleSet.load(PACK, tuned)
    assert any("rule set" in line for line in explain(db, tuned, other, market).differences)

    with db.session() as session:
        ad = session.get_one(Ad, market)
        version = AdVersion(
            ad_id=market, content_hash="v2", fetched_at=DAY + timedelta(days=1), title="Ad", text="Nu duurder"
        )
        session.add(version)
        session.flush()
        ad.current_version_id = version.id
    changed = explain(db, settings, ruleset, market)
    assert any("the current version" in line and "next scan" in line for line in changed.differences)
    assert any("has not been extracted yet" in line for line in changed.differences)


def test_price_statistics_are_recorded_with_each_evaluation(db: Database, settings: Settings, market: int) -> None:
    apply_rules(db, settings, now=DAY)
    with db.session() as session:
        recorded = session.scalars(select(RuleEvaluation.statistics)).all()
        hits = session.scalars(select(IndicatorHit.rule_id).where(IndicatorHit.ad_id == market)).all()
    assert "low-price" in hits
    assert all(stats["prices"]["area"] == "Haarlem" and stats["prices"]["count"] == 26 for stats in recorded)
    assert all(set(stats["prices"]["percentiles"]) == {"10"} for stats in recorded)
