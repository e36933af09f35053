"""score_all stores explained assessments, with and without a model; review_queue picks what to label next."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from scanner.db.models import Assessment
from scanner.db.session import Database
from scanner.errors import ModelError
from scanner.score import review_queue, score_all
from scanner.settings import Settings
from tests.model.factory import StoredAd, store_ads, store_network, store_review


@pytest.fixture(autouse=True)
def _hand_worked_scale(settings: Settings) -> None:
    """The expected scores below were worked out at rule scale 8 (weights 5 + 3 reach 63%)."""
    settings.score.rule_scale = 8.0


def _ads(db: Database) -> list[int]:
    with db.session() as session:
        ids = store_ads(
            session,
            [
                StoredAd(
                    "zonder condoom, 24/7 beschikbaar",
                    hits=[("unsafe", "trafficking", 5.0), ("24-7", "trafficking", 3.0)],
                ),
                StoredAd("nieuwe meiden, alles mag", hits=[("unsafe", "trafficking", 5.0)]),
                StoredAd("lieve dame, eigen woning, met condoom"),
                StoredAd("net 16 jaar", hits=[("age-under-18", "underage", 10.0)]),
                StoredAd("zonder vergunning", hits=[("no-licence", "licensing", 8.0)]),
            ],
        )
        store_network(session, "N-000001", ids[:2], {"distinct_phones": 1, "names": ["a", "b"]})
    return ids


def _assessments(db: Database) -> list[Assessment]:
    with db.session() as session:
        return list(session.scalars(select(Assessment).order_by(Assessment.id)))


def test_without_a_model_the_rules_alone_score(db: Database, settings: Settings) -> None:
    settings.model.rules_only = True
    ids = _ads(db)
    stats = score_all(db, settings)
    assert (stats.ads, stats.networks, stats.model_version, stats.underage) == (5, 1, None, 1)
    by_ad = {a.ad_id: a for a in _assessments(db) if a.ad_id is not None}
    assert by_ad[ids[0]].risk_score == 63.21 and by_ad[ids[0]].flagged
    assert by_ad[ids[2]].risk_score == 0.0 and not by_ad[ids[2]].flagged
    assert by_ad[ids[3]].underage and by_ad[ids[3]].flagged and by_ad[ids[3]].risk_score == 0.0
    assert by_ad[ids[4]].licensing_score > 50 and by_ad[ids[4]].risk_score == 0.0
    assert by_ad[ids[0]].model_version is None and by_ad[ids[0]].explanation["model"] is None
    assert by_ad[ids[0]].ruleset_hash == "r" * 64
    rules = by_ad[ids[0]].explanation["rules"]
    assert [rule["rule_id"] for rule in rules] == ["unsafe", "24-7"] and rules[0]["evidence"]
    network = next(a for a in _assessments(db) if a.network_id is not None)
    assert network.risk_score == 63.21 and network.explanation["members"] == 2  # each rule once: 5 + 3


def test_scoring_twice_stores_nothing_new(db: Database, settings: Settings) -> None:
    settings.model.rules_only = True
    _ads(db)
    score_all(db, settings)
    first = [(a.ad_id, a.network_id, a.risk_score) for a in _assessments(db)]
    score_all(db, settings)
    assert [(a.ad_id, a.network_id, a.risk_score) for a in _assessments(db)] == first


def test_with_a_model_each_assessment_records_its_version_and_features(
    db: Database, settings: Settings, saved_model: Path
) -> None:
    settings.model.path = str(saved_model)
    ids = _ads(db)
    stats = score_all(db, settings, ad_ids=[ids[0]])
    assert stats.model_version and stats.model_version.startswith("test-")
    assessments = _assessments(db)
    ad = next(a for a in assessments if a.ad_id == ids[0])
    assert ad.model_version == stats.model_version and ad.model_probability is not None
    model = ad.explanation["model"]
    features = model["top_features"]
    assert 0 < len(features) <= 3, "the three features that moved this ad most are listed"
    sizes = [abs(feature["contribution"]) for feature in features]
    assert all(size > 0 for size in sizes) and sizes == sorted(sizes, reverse=True)
    assert (model["version"], model["probability"]) == (stats.model_version, round(ad.model_probability, 4))
    assert model["warning"] == stats.model_warning and "TRAINED ON SYNTHETIC DATA" in model["warning"]
    assert {a.network_id for a in assessments if a.network_id is not None}, "its network is scored too"
    assert {a.ad_id for a in assessments if a.ad_id is not None} == {ids[0]}


def test_a_broken_model_file_stops_the_score(db: Database, settings: Settings, tmp_path: Path) -> None:
    broken = tmp_path / "broken.skops"
    broken.write_bytes(b"not a model")
    settings.model.path = str(broken)
    _ads(db)
    with pytest.raises(ModelError):
        score_all(db, settings)


def test_review_queue_puts_minors_first_then_risk_and_uncertainty(
    db: Database, settings: Settings, saved_model: Path
) -> None:
    settings.model.path = str(saved_model)
    ids = _ads(db)
    score_all(db, settings)
    with db.session() as session:
        store_review(session, "benign", ad_id=ids[2])
    queue = review_queue(db, settings, limit=3)
    assert queue[0].ad_id == ids[3] and queue[0].reason == "underage"
    assert [item.reason for item in queue[1:]] == ["highest risk", "uncertain"]
    assert ids[2] not in {item.ad_id for item in queue}, "reviewed ads are left out"
    highest = max(
        (a for a in _assessments(db) if a.ad_id not in (ids[2], ids[3]) and a.ad_id), key=lambda a: a.risk_score
    )
    assert queue[1].ad_id == highest.ad_id
