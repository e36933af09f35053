"""`scanner rules explain AD`: the rules judged on a stored ad exactly as the nightly run judged it.

The per-ad rules read the ad's current version (title, text, site fields and extracted features) and
the hourly prices of its area. A nightly evaluation records the area, count and percentiles it
compared the ad with (`rule_evaluations.statistics`); when that evaluation saw the same version
under the same rule set, the explanation uses those very statistics, so it agrees with the stored
hits. Otherwise it uses today's prices, chosen the way the nightly run chooses them (city, else
province, else nationwide), and says plainly what differs from the stored hits and why.

Group rules are not evaluated here: their hits are shown as stored by the last run, and their member
filters are judged on the ad.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanner.db.models import Ad, AdVersion, IndicatorHit, RuleEvaluation
from scanner.errors import NotFoundError
from scanner.extract.spans import joined_text, source_text
from scanner.rules.engine import AdInput, Explanation, Hit
from scanner.rules.features import AreaPrices
from scanner.rules.ruleset import RuleSet
from scanner.rules.store import RegionPrices, price_shares, prices_needed
from scanner.settings import Settings


@dataclass
class StoredExplanation:
    """Every per-ad rule judged on a stored ad, the stored hits beside them, and what differs."""

    ad_id: int
    version_id: int
    title: str
    text: str
    fields: dict[str, Any]
    rules: list[Explanation]
    members: list[Explanation]
    stored: list[IndicatorHit]  # the ad's per-ad hits as stored by the last evaluation
    cross_ad: list[IndicatorHit]  # the ad's hits of group rules, as stored by the last run
    prices: str  # which prices the price checks compared with, in words
    differences: list[str] = field(default_factory=list)  # what differs from the nightly evaluation, plainly

    def source(self, name: str) -> str:
        """The stored text a span of field `name` counts in (`scanner.extract.spans`)."""
        return source_text(self.title, self.text, self.fields, name)


def says_the_same(hit: Hit, row: IndicatorHit) -> bool:
    """An explained hit and a stored hit with the same weight, words and evidence."""
    return (hit.rule_id, round(hit.weight, 4), hit.explanation, hit.evidence) == (
        row.rule_id,
        round(row.weight, 4),
        row.explanation,
        row.evidence,
    )


def _prices_in_words(prices: AreaPrices, shares: list[float], source: str) -> str:
    points = [(share, prices.percentile(share)) for share in shares]
    shown = ", ".join(f"p{share:g} €{value:.0f}" for share, value in points if value is not None)
    return f"{prices.count} hourly prices in {prices.area or 'the region'}{f' ({shown})' if shown else ''}, {source}"


def explain_stored_ad(session: Session, settings: Settings, ruleset: RuleSet, ad_id: int) -> StoredExplanation:
    """The rules on ad `ad_id`'s current version, with the statistics of its last nightly evaluation."""
    from scanner.extract import extract

    row = session.execute(
        select(Ad.city, AdVersion.id, AdVersion.title, AdVersion.text, AdVersion.fields, AdVersion.features)
        .join(AdVersion, AdVersion.id == Ad.current_version_id)
        .where(Ad.id == ad_id)
    ).first()
    if row is None:
        raise NotFoundError(
            f"no ad {ad_id} with a stored version", context="rules explain", hint="list ads with: scanner report"
        )
    city, version_id, title, text, fields, features = row
    differences: list[str] = []
    if features is None:
        features = extract(joined_text(title, text), fields or {}, settings=settings).to_json()
        differences.append("the current version has not been extracted yet: its features are read now")
    evaluation = session.get(RuleEvaluation, ad_id)
    recorded = (evaluation.statistics or {}).get("prices") if evaluation is not None else None
    same_evaluation = (
        evaluation is not None and evaluation.ad_version_id == version_id and evaluation.ruleset_hash == ruleset.hash
    )
    if evaluation is None:
        differences.append("no nightly run has evaluated this ad yet")
    elif evaluation.ad_version_id != version_id:
        differences.append(
            f"the nightly run evaluated version {evaluation.ad_version_id}; the current version {version_id} is "
            "evaluated at the next scan"
        )
    elif evaluation.ruleset_hash != ruleset.hash:
        differences.append(
            f"the nightly run used rule set {evaluation.ruleset_hash[:12]}, this explanation rule set "
            f"{ruleset.hash[:12]} (other rule files or overrides): the stored hits may differ"
        )
    needed, shares = prices_needed(ruleset.ad_rules), price_shares(ruleset.ad_rules)
    if same_evaluation and isinstance(recorded, dict):
        assert evaluation is not None
        prices = AreaPrices.from_record(recorded)
        when = f"{evaluation.evaluated_at:%Y-%m-%d %H:%M}"
        prices_text = _prices_in_words(prices, shares, f"as the nightly run of {when} compared the ad with them")
    else:
        prices = RegionPrices.load(session, needed).for_ad(city, features) if needed else AreaPrices()
        prices_text = _prices_in_words(prices, shares, "today's, chosen as the nightly run chooses them")
        if same_evaluation and needed:
            differences.append(
                "the nightly run did not record its price statistics (evaluated before scanner recorded them): "
                "price checks use today's prices"
            )
    ad = AdInput.from_version(title, text, features=features, fields=fields or {}, city=city, prices=prices)
    rules = ruleset.explain_ad(ad)
    members = ruleset.explain_members(ad)
    group_ids = {rule.id for rule in ruleset.rules if rule.rule.group}
    hits = list(
        session.scalars(select(IndicatorHit).where(IndicatorHit.ad_id == ad_id, IndicatorHit.network_id.is_(None)))
    )
    stored = sorted((hit for hit in hits if hit.rule_id not in group_ids), key=lambda hit: hit.rule_id)
    cross_ad = sorted((hit for hit in hits if hit.rule_id in group_ids), key=lambda hit: hit.rule_id)
    if same_evaluation:
        differences += _disagreements(rules, stored)
    if any(rule.rule.has_member_filter for rule in ruleset.rules) and prices_needed(
        [rule for rule in ruleset.rules if rule.rule.has_member_filter]
    ):
        differences.append("member filters are judged with the prices above; the last run judged them with its own")
    return StoredExplanation(
        ad_id,
        version_id,
        title or "",
        text or "",
        dict(fields or {}),
        rules,
        members,
        stored,
        cross_ad,
        prices_text,
        differences,
    )


def _disagreements(rules: list[Explanation], stored: list[IndicatorHit]) -> list[str]:
    """Where the explanation and the stored hits of the same evaluation say different things (a bug if any)."""
    explained = {item.rule_id: item.hit for item in rules if item.enabled and item.hit is not None}
    kept = {hit.rule_id: hit for hit in stored}
    found = []
    for rule_id in sorted(explained.keys() | kept.keys()):
        hit, row = explained.get(rule_id), kept.get(rule_id)
        if hit is None:
            found.append(f"{rule_id}: stored as fired, but does not fire now")
        elif row is None:
            found.append(f"{rule_id}: fires now, but no hit is stored")
        elif not says_the_same(hit, row):
            found.append(f"{rule_id}: stored with other words or evidence than it fires with now")
    return found
