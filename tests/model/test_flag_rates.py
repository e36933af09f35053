"""Flag rates per group at night: a language group the score over-flags is named in the scan summary."""

from __future__ import annotations

from sqlalchemy import select

from scanner.db.models import Ad
from scanner.db.session import Database
from scanner.model.flag_rates import flag_rate_lines, flag_rates
from scanner.score import score_all
from scanner.settings import FairnessSettings, Settings
from scanner.workflow.summary import ScanSummary, count_outcomes
from tests.model.factory import StoredAd, store_ads, store_review

STRONG = [("unsafe-services", "trafficking", 9.0)]  # alone enough to flag without a model: 100 * (1 - e^(-9/12)) = 53


def _ads(language: str, count: int, flagged: int, province: str, site: str) -> list[StoredAd]:
    features = {"ages": [30], "languages": [language], "places": [{"city": "X", "province": province}]}
    return [
        StoredAd(f"ad {language} {index}", features=features, hits=STRONG if index < flagged else [], site=site)
        for index in range(count)
    ]


def _scored_world(db: Database, settings: Settings) -> tuple[list[int], list[int]]:
    """40 English ads of which 14 flagged, 60 Dutch ads of which 6, spread evenly over sites and provinces."""
    english = _ads("en", 20, 7, "Noord-Holland", "rozewereld") + _ads("en", 20, 7, "Utrecht", "nachtlicht")
    dutch = _ads("nl", 30, 3, "Noord-Holland", "rozewereld") + _ads("nl", 30, 3, "Utrecht", "nachtlicht")
    with db.session() as session:
        ids = store_ads(session, english + dutch)
    settings.model.rules_only = True  # rules only: the flags are exactly the ads with the strong hit
    score_all(db, settings)
    return ids[:40], ids[40:]


def test_an_over_flagged_language_is_warned_about(db: Database, settings: Settings) -> None:
    _scored_world(db, settings)
    with db.session() as session:
        rates = flag_rates(session, FairnessSettings())
        summary = ScanSummary(run_id=0)
        count_outcomes(session, summary, 0, FairnessSettings())
    language = rates["flag_rate"]["language"]
    assert (language["en"]["count"], language["en"]["total"]) == (14, 40)
    assert (language["nl"]["count"], language["nl"]["total"]) == (6, 60)
    assert language["en"]["ratio"] == 3.5 and language["en"]["stands_out"]
    assert not rates["flag_rate"]["site"]["rozewereld"]["stands_out"], "sites were flagged alike: 10 of 50 each"
    assert not any(group["stands_out"] for group in rates["flag_rate"]["region"].values())
    lines = summary.lines()
    assert any(line.startswith("flag rate per group of 30+ ads: language en 14 of 40 (35.0%") for line in lines)
    warnings = [line for line in lines if line.startswith("WARNING")]
    assert warnings == [
        "WARNING flag rate of live ads, language en: 14 of 40 (35.0%, 95% CI 22.1%-50.5%), "
        "against 6 of 60 (10.0%, 95% CI 4.7%-20.2%) of the rest (3.50x the rest)"
    ]
    assert summary.as_dict()["group_rates"]["warnings"] == [line.removeprefix("WARNING ") for line in warnings]


def test_a_higher_factor_or_a_larger_minimum_silences_the_warning(db: Database, settings: Settings) -> None:
    _scored_world(db, settings)
    with db.session() as session:
        assert flag_rates(session, FairnessSettings(max_rate_ratio=3.6))["warnings"] == []
        quiet = flag_rates(session, FairnessSettings(min_group_ads=50))
    assert quiet["warnings"] == [] and not quiet["flag_rate"]["language"]["en"]["compared"]
    # Only the two sites (50 ads each) are big enough to compare.
    assert flag_rate_lines(quiet)[0].startswith("flag rate per group of 50+ ads: site nachtlicht 10 of 50 (20.0%")


def test_false_positives_among_reviewed_ads_and_removed_ads_left_out(db: Database, settings: Settings) -> None:
    english, dutch = _scored_world(db, settings)
    with db.session() as session:
        for ad_id in english[:10] + english[20:30]:  # 14 flagged and 6 unflagged English ads
            store_review(session, "benign", ad_id=ad_id)
        for ad_id in dutch[:10] + dutch[30:40]:  # 6 flagged and 14 unflagged Dutch ads
            store_review(session, "benign", ad_id=ad_id)
        store_review(session, "trafficking-suspect", ad_id=english[0])  # the newest review wins: no longer benign
        removed = session.get(Ad, english[-1])
        assert removed is not None
        removed.removed_at = removed.first_seen_at
    with db.session() as session:
        rates = flag_rates(session, FairnessSettings(min_group_ads=10))
        live = session.scalar(select(Ad.id).where(Ad.id == english[-1], Ad.removed_at.is_(None)))
    assert live is None and rates["ads"] == 99
    benign = rates["false_positive_rate"]["language"]
    assert rates["reviewed_benign"] == 39
    assert (benign["en"]["count"], benign["en"]["total"]) == (13, 19)
    assert (benign["nl"]["count"], benign["nl"]["total"]) == (6, 20)
    assert benign["en"]["stands_out"]
    assert any(
        w.startswith("false-positive rate of ads reviewed as benign, language en: 13 of 19") for w in rates["warnings"]
    )
