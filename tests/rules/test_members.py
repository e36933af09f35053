"""Group rules with member filters: only the ads a rule's `match:` accepts are counted in its groups.

The worked example of docs/rules.md (`hotel-newcomers-one-phone`) is run on its own examples with and
without its filter, so each example proves what the filter does; then the same rule runs on a stored
database, where only the ads of groups that could reach the threshold are judged at all.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from scanner.db import Database
from scanner.db.models import Ad, AdIdentifier, AdVersion, Identifier, IndicatorHit, ScanRun, Source
from scanner.errors import ConfigError
from scanner.extract import extract
from scanner.rules import RuleSet, apply_rules
from scanner.rules.members import evaluate_example
from scanner.rules.model import GroupAdExample
from scanner.rules.testing import default_extractor, example_members
from scanner.settings import RuleOverride, Settings

PACK = Path(__file__).resolve().parents[2] / "rules"
RULE = "hotel-newcomers-one-phone"
DAY0 = datetime(2026, 1, 1, 12)


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return RuleSet.load(PACK, Settings())


def fires(ruleset: RuleSet, ads: list[GroupAdExample], *, filtered: bool = True) -> list[str]:
    """The explanations of the rule's hits on one group of example ads, with or without its member filter."""
    rule = ruleset.get(RULE)
    members = example_members(ruleset, rule, ads, default_extractor()) if filtered else None
    return [hit.explanation for hit in evaluate_example(rule, ads, members)]


def ad(name: str, day: int, text: str, phone: str = "A") -> GroupAdExample:
    return GroupAdExample(name=name, phone=phone, day=day, text=text)


HOTEL_NEW = "Nieuw in Haarlem! Ontvangst in mijn hotelkamer."
ALSO_HOTEL_NEW = "Net aangekomen, alleen deze week, hotel bij de A9."

# (what the example shows, its ads, fires with the filter, fires when every ad is counted)
CASES = [
    ("both say hotel and new in town", [ad("Anna", 1, HOTEL_NEW), ad("Bella", 4, ALSO_HOTEL_NEW)], True, True),
    (
        "one works from her own flat",
        [ad("Anna", 1, HOTEL_NEW), ad("Bella", 4, "Net aangekomen, eigen appartement in het centrum.")],
        False,
        True,
    ),
    (
        "'geen hotel' is negated",
        [ad("Anna", 1, HOTEL_NEW), ad("Bella", 4, "Nieuw in Leiden, geen hotel maar een eigen werkkamer.")],
        False,
        True,
    ),
    (
        "a non-member neither counts nor bridges the window",
        [ad("Anna", 1, HOTEL_NEW), ad("Cleo", 5, "Vaste plek, eigen werkkamer."), ad("Bella", 10, ALSO_HOTEL_NEW)],
        False,
        True,
    ),
    (
        "a non-member does not stop two members from counting",
        [ad("Anna", 1, HOTEL_NEW), ad("Cleo", 2, "Vaste plek, eigen werkkamer."), ad("Bella", 6, ALSO_HOTEL_NEW)],
        True,
        True,
    ),
    ("one name on two sites", [ad("Anna", 1, HOTEL_NEW), ad("Anna", 1, "New in town, my hotel room.")], False, False),
    ("two phones", [ad("Anna", 1, HOTEL_NEW), ad("Bella", 4, ALSO_HOTEL_NEW, phone="B")], False, False),
    ("ads without text are never members", [ad("Anna", 1, ""), ad("Bella", 4, "")], False, True),
]


@pytest.mark.parametrize(
    ("ads", "with_filter", "without_filter"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_the_member_filter_decides_which_ads_count(
    ruleset: RuleSet, ads: list[GroupAdExample], with_filter: bool, without_filter: bool
) -> None:
    assert bool(fires(ruleset, ads)) is with_filter
    assert bool(fires(ruleset, ads, filtered=False)) is without_filter


def test_the_explanation_shows_the_members_words_and_names_only(ruleset: RuleSet) -> None:
    ads = [ad("Anna", 1, HOTEL_NEW), ad("Cleo", 2, "Vaste plek, eigen werkkamer."), ad("Bella", 6, ALSO_HOTEL_NEW)]
    [explanation] = fires(ruleset, ads)
    assert explanation.startswith("2 names on one phone within 7 days")
    assert "'hotelkamer'" in explanation and "'hotel'" in explanation
    assert "'Nieuw in'" in explanation and "'Net aangekomen'" in explanation
    assert explanation.endswith(": Anna, Bella")  # Cleo is no member


def test_a_licensed_group_of_members_weighs_its_licensed_factor(ruleset: RuleSet) -> None:
    ads = [ad("Anna", 1, HOTEL_NEW), ad("Bella", 4, ALSO_HOTEL_NEW)]
    for one in ads:
        one.licence = "V-1234"
    rule = ruleset.get(RULE)
    [hit] = evaluate_example(rule, ads, example_members(ruleset, rule, ads, default_extractor()))
    assert hit.weight == rule.weight * 0.5 and "licensed business" in hit.explanation


def test_thresholds_of_the_member_filter_can_be_overridden(ruleset: RuleSet) -> None:
    settings = Settings()
    settings.rules.overrides[RULE] = RuleOverride(
        enabled=True, thresholds={"group.within_days": 14, "new_in_town.at_least": 2}
    )
    tuned = RuleSet.load(PACK, settings).get(RULE)
    assert tuned.enabled and tuned.rule.group is not None and tuned.rule.group.within_days == 14
    assert tuned.rule.match is not None and tuned.rule.match["new_in_town"].at_least == 2
    settings.rules.overrides[RULE] = RuleOverride(thresholds={"hotell.at_least": 2})
    with pytest.raises(ConfigError, match=r"unknown threshold 'hotell\.at_least'") as caught:
        RuleSet.load(PACK, settings)
    assert caught.value.hint == "did you mean 'hotel.at_least'?"


def test_a_failing_example_says_which_ads_were_not_counted_and_why(ruleset: RuleSet, tmp_path: Path) -> None:
    import shutil

    from scanner.rules.testing import run_tests

    shutil.copytree(PACK, tmp_path / "rules")
    path = tmp_path / "rules" / f"{RULE}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("discreet hotel bij de A9", "eigen flat"), "utf-8")
    report = run_tests(tmp_path / "rules", RuleSet.load(tmp_path / "rules", Settings()), only=RULE)
    [failure] = report.rules[0].failures
    assert failure.where == "match[0]"
    assert "ad 2 is not counted (hotel: no term of the rule's terms found)" in failure.detail


# The nightly run over a database.


def add_ad(session: Session, key: str, name: str, text: str, day: int, phone: Identifier | None) -> int:
    ad_row = Ad(
        source_id=1,
        external_id=key,
        url=f"http://127.0.0.1/{key}",
        city="Haarlem",
        first_seen_at=DAY0 + timedelta(days=day),
        last_seen_at=DAY0 + timedelta(days=day + 1),
    )
    session.add(ad_row)
    session.flush()
    set_text(session, ad_row.id, name, text)
    if phone is not None:
        session.add(AdIdentifier(ad_id=ad_row.id, identifier_id=phone.id, first_seen_at=DAY0, last_seen_at=DAY0))
    return ad_row.id


def set_text(session: Session, ad_id: int, name: str, text: str) -> None:
    version = AdVersion(
        ad_id=ad_id,
        content_hash=str(hash(text)),
        fetched_at=DAY0,
        text=text,
        fields={"name": name},
        features=extract(f"\n{text}").to_json(),
    )
    session.add(version)
    session.flush()
    session.get_one(Ad, ad_id).current_version_id = version.id


def stored(db: Database) -> list[IndicatorHit]:
    with db.session() as session:
        return list(session.scalars(select(IndicatorHit).where(IndicatorHit.rule_id == RULE)))


def test_the_nightly_run_counts_members_and_judges_only_candidates(db: Database, settings: Settings) -> None:
    ads: dict[str, int] = {}
    with db.session() as session:
        session.add(Source(id=1, name="test", base_url="http://127.0.0.1/", created_at=DAY0))
        session.add(ScanRun(id=1, kind="scan", status="completed", started_at=DAY0))
        shared = Identifier(kind="phone", value="+31612345678", created_at=DAY0)
        alone = Identifier(kind="phone", value="+31687654321", created_at=DAY0)
        session.add_all([shared, alone])
        session.flush()
        ads["anna"] = add_ad(session, "anna", "Anna", HOTEL_NEW, 1, shared)
        ads["cleo"] = add_ad(session, "cleo", "Cleo", "Vaste plek in Haarlem, eigen werkkamer.", 2, shared)
        ads["bella"] = add_ad(session, "bella", "Bella", ALSO_HOTEL_NEW, 4, shared)
        ads["dana"] = add_ad(session, "dana", "Dana", HOTEL_NEW, 3, alone)  # a group of one name: no candidate
        ads["eva"] = add_ad(session, "eva", "Eva", HOTEL_NEW, 3, None)  # shares nothing
    settings.paths.rules_dir = str(PACK)
    settings.rules.overrides[RULE] = RuleOverride(enabled=True)
    stats = apply_rules(db, settings, scan_run_id=1, now=DAY0 + timedelta(days=10))
    assert stats.member_checks == 3  # anna, cleo and bella; dana and eva are never judged
    hits = {hit.ad_id: hit for hit in stored(db)}
    assert set(hits) == {ads["anna"], ads["bella"]}
    anna = hits[ads["anna"]]
    assert anna.explanation.endswith(": Anna, Bella") and anna.weight == 2
    group_evidence, *own = anna.evidence
    assert group_evidence["field"] == "group" and group_evidence["ad_ids"] == [ads["anna"], ads["bella"]]
    assert {span["text"] for span in own} == {"Nieuw in", "hotelkamer"}
    assert "+316" not in str(anna.evidence) + anna.explanation

    with db.session() as session:
        set_text(session, ads["bella"], "Bella", "Net aangekomen, eigen appartement in het centrum.")
    apply_rules(db, settings, scan_run_id=1, now=DAY0 + timedelta(days=11))
    assert stored(db) == []  # Bella no longer counts: one name is left


def test_an_experimental_group_rule_changes_no_score(db: Database, settings: Settings) -> None:
    with db.session() as session:
        session.add(Source(id=1, name="test", base_url="http://127.0.0.1/", created_at=DAY0))
        shared = Identifier(kind="phone", value="+31612345678", created_at=DAY0)
        session.add(shared)
        session.flush()
        add_ad(session, "anna", "Anna", HOTEL_NEW, 1, shared)
        add_ad(session, "bella", "Bella", ALSO_HOTEL_NEW, 4, shared)
    settings.paths.rules_dir = str(PACK)
    stats = apply_rules(db, settings, now=DAY0 + timedelta(days=10))
    assert stats.member_checks == 0 and stored(db) == []


def test_the_worked_example_leaves_the_rule_set_hash_and_so_every_score_unchanged(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(PACK, tmp_path / "rules")
    (tmp_path / "rules" / f"{RULE}.yaml").unlink()
    without = RuleSet.load(tmp_path / "rules", Settings())
    assert RuleSet.load(PACK, Settings()).hash == without.hash
    enabled = Settings()
    enabled.rules.overrides[RULE] = RuleOverride(enabled=True)
    assert RuleSet.load(PACK, enabled).hash != without.hash  # switched on, every ad is evaluated again


CHEAP_GROUP = """\
id: cheap-on-one-phone
title: Cheap ads on one phone
description: Ads below the region's price median, for two names on one phone.
version: 1
status: experimental
author: tests
date: 2026-12-03
references: ["tests"]
evidence: consensus
category: trafficking
severity: low
confidence: low
weight: 1
group: {by: phone, count: names, at_least: 2, within_days: 30}
match:
  cheap: {price_below_percentile: 50, min_prices_in_region: 4}
explanation: "{count} names on one phone, each cheap ({cheap}): {values}"
false_positives: ["none known"]
"""


def test_a_member_filter_compares_prices_with_the_region_as_a_per_ad_rule_does(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    import shutil

    pack = tmp_path / "rules"
    shutil.copytree(PACK / "lists", pack / "lists")
    (pack / "cheap-on-one-phone.yaml").write_text(CHEAP_GROUP, encoding="utf-8")
    ads: dict[str, int] = {}
    with db.session() as session:
        session.add(Source(id=1, name="test", base_url="http://127.0.0.1/", created_at=DAY0))
        shared = Identifier(kind="phone", value="+31612345678", created_at=DAY0)
        session.add(shared)
        session.flush()
        for key, price, phone in [
            ("anna", 50, shared),
            ("bella", 60, shared),
            ("cleo", 200, shared),
            ("dana", 150, None),
            ("eva", 180, None),
            ("fay", 250, None),
        ]:
            ads[key] = add_ad(session, key, key.title(), f"Ontvangst, {price} euro per uur", 1, phone)
    settings.paths.rules_dir = str(pack)
    settings.rules.overrides["cheap-on-one-phone"] = RuleOverride(enabled=True)
    stats = apply_rules(db, settings, now=DAY0 + timedelta(days=5))
    assert stats.member_checks == 3
    with db.session() as session:
        hits = {hit.ad_id: hit.explanation for hit in session.scalars(select(IndicatorHit))}
    assert set(hits) == {ads["anna"], ads["bella"]}  # the median of the six prices is 165: Cleo's 200 is not cheap
    assert "€50 per hour, below €165 (p50 of 6 prices in Haarlem)" in hits[ads["anna"]]


BY_RULES = """\
id: newcomers-by-rules
title: Per-ad rules as a member filter
description: The worked example written with the pack's own per-ad rules instead of terms.
version: 1
status: experimental
author: tests
date: 2026-12-03
references: ["tests"]
evidence: consensus
category: trafficking
severity: low
confidence: low
weight: 1
group: {by: phone, count: names, at_least: 2, within_days: 7}
match:
  hotel: {fired: [hidden-location]}
  new_in_town: {fired: [movement-language]}
explanation: "{count} names on one phone ({hotel}; {new_in_town}): {values}"
false_positives: ["none known"]
"""


def pack_with(tmp_path: Path, name: str, text: str) -> Path:
    import shutil

    pack = tmp_path / "rules"
    shutil.copytree(PACK, pack)
    (pack / f"{name}.yaml").write_text(text, encoding="utf-8")
    return pack


def test_a_member_filter_can_count_on_per_ad_rules_whether_or_not_they_run(tmp_path: Path) -> None:
    settings = Settings()
    settings.rules.overrides["movement-language"] = RuleOverride(enabled=False)  # it need not run at night
    ruleset = RuleSet.load(pack_with(tmp_path, "newcomers-by-rules", BY_RULES), settings)
    rule = ruleset.get("newcomers-by-rules")
    hotel_room = [ad("Anna", 1, "Nieuw in Haarlem, ontvangst in mijn hotelkamer"), ad("Bella", 3, ALSO_HOTEL_NEW)]
    members = example_members(ruleset, rule, hotel_room, default_extractor())
    assert members is not None and set(members) == {0, 1}
    [hit] = evaluate_example(rule, hotel_room, members)
    assert "hidden-location (Hotel, holiday park, car or hidden address: 'hotelkamer')" in hit.explanation
    assert "movement-language (Movement language (weak, contrary evidence): 'Nieuw in')" in hit.explanation
    assert {span["text"] for span in members[0].evidence} == {"Nieuw in", "hotelkamer"}
    refused = [ad("Anna", 1, HOTEL_NEW), ad("Bella", 3, "Nieuw in Leiden, geen hotelkamer maar een eigen werkkamer")]
    members = example_members(ruleset, rule, refused, default_extractor())
    assert members is not None and set(members) == {0}  # hidden-location's own negation applies
    assert evaluate_example(rule, refused, members) == []


def test_counting_on_a_sensitive_rule_makes_a_rule_sensitive(tmp_path: Path) -> None:
    from scanner.rules.validate import validate_rules

    text = BY_RULES.replace("fired: [hidden-location]", "fired: [nationality]")
    problems = validate_rules(pack_with(tmp_path, "newcomers-by-rules", text))
    assert [(p.code, p.message) for p in problems] == [
        ("R019", "rule 'nationality' is sensitive but this rule, which counts on it, is not marked sensitive")
    ]
    assert validate_rules(pack_with(tmp_path / "ok", "newcomers-by-rules", text + "sensitive: true\n")) == []


def test_the_nightly_run_counts_on_per_ad_rules_too(db: Database, settings: Settings, tmp_path: Path) -> None:
    ads: dict[str, int] = {}
    with db.session() as session:
        session.add(Source(id=1, name="test", base_url="http://127.0.0.1/", created_at=DAY0))
        shared = Identifier(kind="phone", value="+31612345678", created_at=DAY0)
        session.add(shared)
        session.flush()
        ads["anna"] = add_ad(session, "anna", "Anna", HOTEL_NEW, 1, shared)
        ads["bella"] = add_ad(session, "bella", "Bella", ALSO_HOTEL_NEW, 4, shared)
        ads["cleo"] = add_ad(session, "cleo", "Cleo", "Nieuw in Leiden, geen hotelkamer", 5, shared)
    settings.paths.rules_dir = str(pack_with(tmp_path, "newcomers-by-rules", BY_RULES))
    settings.rules.overrides["newcomers-by-rules"] = RuleOverride(enabled=True)
    stats = apply_rules(db, settings, now=DAY0 + timedelta(days=10))
    assert stats.member_checks == 3
    with db.session() as session:
        hits = session.scalars(select(IndicatorHit).where(IndicatorHit.rule_id == "newcomers-by-rules")).all()
        assert {hit.ad_id for hit in hits} == {ads["anna"], ads["bella"]}
        assert all(hit.explanation.endswith(": Anna, Bella") for hit in hits)
