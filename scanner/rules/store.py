"""`apply_rules`: evaluate the rule pack on the stored ads and write `indicator_hits`.

Per-ad rules run on each ad's current version when the version or the rule-set hash changed since
the last evaluation (`rule_evaluations`), in batches with one transaction each, so a killed run loses
at most one batch. Cross-ad rules are recomputed over every group at each run: the members and values
of all groups come from a handful of set-based queries, and `crossad.find_groups` counts them in one
sweep per group (a group rule with a member filter first drops the ads its `match:` does not accept,
judging only the ads of groups that could reach its threshold: `MemberJudge`); only hits that
changed are deleted or inserted, so a night without news writes almost nothing. An ad's hits of a
rule are replaced when it is evaluated again; network rules write network-level hits (ad_id empty,
network_id set).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Executable, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from scanner.clock import utcnow
from scanner.db.models import (
    Ad,
    AdIdentifier,
    AdPhoto,
    AdVersion,
    Identifier,
    IdentityJudgement,
    IndicatorHit,
    Link,
    Network,
    NetworkMember,
    Photo,
    RuleEvaluation,
    Sighting,
    live_networks,
)
from scanner.db.session import Database
from scanner.link.networks import person_names
from scanner.rules.crossad import GroupFinding, Membership, find_in_groups, group_hit, rate_findings
from scanner.rules.engine import AdContext, AdInput, CompiledRule, Hit
from scanner.rules.features import AreaPrices, hourly_prices
from scanner.rules.members import Member, candidate_ads, found_in, judge, only_members
from scanner.rules.model import Group
from scanner.rules.ruleset import RuleSet
from scanner.settings import Settings

log = logging.getLogger("scanner.rules")
BATCH = 500
NATIONWIDE = "Nederland"


@dataclass
class RuleStats:
    ruleset_hash: str
    ads_evaluated: int = 0
    ads_skipped: int = 0  # no extracted features yet
    ad_hits: int = 0
    group_hits: int = 0
    network_hits: int = 0
    member_checks: int = 0  # ads judged against a group rule's member filter
    hits_by_rule: dict[str, int] = field(default_factory=dict)
    seconds_per_ad: float = 0.0
    seconds_cross_ad: float = 0.0

    def count(self, rule_id: str, hits: int = 1) -> None:
        self.hits_by_rule[rule_id] = self.hits_by_rule.get(rule_id, 0) + hits


def apply_rules(
    db: Database,
    settings: Settings,
    *,
    scan_run_id: int | None = None,
    ad_ids: Collection[int] | None = None,
    now: datetime | None = None,
    ruleset: RuleSet | None = None,
) -> RuleStats:
    """Evaluate per-ad rules on changed ads (or on `ad_ids`) and every cross-ad rule; store the hits."""
    ruleset = ruleset or RuleSet.load(Path(settings.paths.rules_dir), settings)
    now = now or utcnow()
    stats = RuleStats(ruleset.hash)
    started = time.perf_counter()
    with db.session() as session:
        pending = _pending_ads(session, ruleset.hash, ad_ids)
        needed = prices_needed(ruleset.ad_rules)
        prices = RegionPrices.load(session, needed) if pending and needed else RegionPrices()
    group_ids = {rule.id for rule in ruleset.rules if rule.rule.group}
    for batch in _chunks(pending, BATCH):
        with db.session() as session:
            _evaluate_batch(session, ruleset, batch, prices, group_ids, scan_run_id, now, stats)
    stats.seconds_per_ad = time.perf_counter() - started
    started = time.perf_counter()
    with db.session() as session:
        _evaluate_groups(session, ruleset, settings, scan_run_id, now, stats)
    stats.seconds_cross_ad = time.perf_counter() - started
    log.info(
        "rules: %d ads evaluated, %d skipped, %d ad hits, %d group hits, %d network hits",
        stats.ads_evaluated,
        stats.ads_skipped,
        stats.ad_hits,
        stats.group_hits,
        stats.network_hits,
    )
    return stats


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _pending_ads(session: Session, ruleset_hash: str, ad_ids: Collection[int] | None) -> list[int]:
    if ad_ids is not None:
        return sorted(set(ad_ids))
    query = (
        select(Ad.id)
        .outerjoin(RuleEvaluation, RuleEvaluation.ad_id == Ad.id)
        .where(Ad.current_version_id.is_not(None), Ad.place_held_since.is_(None))  # held: not scored yet
        .where(
            or_(
                RuleEvaluation.ad_id.is_(None),
                RuleEvaluation.ad_version_id != Ad.current_version_id,
                RuleEvaluation.ruleset_hash != ruleset_hash,
            )
        )
        .order_by(Ad.id)
    )
    return list(session.scalars(query))


def prices_needed(rules: Iterable[CompiledRule]) -> int:
    """How many prices a region needs for the price checks of `rules` (0: none of them compares prices)."""
    needed = [
        s.selection.min_prices_in_region
        for r in rules
        for s in r.selections.values()
        if s.selection.price_below_percentile is not None
    ]
    return max(needed, default=0)


def price_shares(rules: Iterable[CompiledRule]) -> list[float]:
    """The percentiles the price checks of `rules` compare with (recorded with each evaluation)."""
    return sorted(
        {
            s.selection.price_below_percentile
            for r in rules
            for s in r.selections.values()
            if s.selection.price_below_percentile is not None
        }
    )


@dataclass
class RegionPrices:
    """Sorted cheapest-hourly-price per ad, by city, by province and nationwide, from stored features."""

    by_city: dict[str, list[float]] = field(default_factory=dict)
    by_province: dict[str, list[float]] = field(default_factory=dict)
    nationwide: list[float] = field(default_factory=list)
    needed: int = 20

    @classmethod
    def load(cls, session: Session, needed: int) -> RegionPrices:
        prices = cls(needed=needed)
        query = (
            select(Ad.city, AdVersion.features["prices"], AdVersion.features["places"])
            .join(AdVersion, AdVersion.id == Ad.current_version_id)
            .where(AdVersion.features.is_not(None))
        )
        by_city: dict[str, list[float]] = defaultdict(list)
        by_province: dict[str, list[float]] = defaultdict(list)
        for city, ad_prices, places in session.execute(query):
            hourly = [amount for amount, _ in hourly_prices({"prices": ad_prices or []})]
            if not hourly:
                continue
            cheapest = min(hourly)
            prices.nationwide.append(cheapest)
            if city:
                by_city[city].append(cheapest)
            province = _province(places)
            if province:
                by_province[province].append(cheapest)
        prices.by_city = {k: sorted(v) for k, v in by_city.items()}
        prices.by_province = {k: sorted(v) for k, v in by_province.items()}
        prices.nationwide.sort()
        return prices

    def for_ad(self, city: str | None, features: dict[str, Any]) -> AreaPrices:
        """The ad's city when it has enough prices, else its province, else the whole country."""
        if city and len(self.by_city.get(city, ())) >= self.needed:
            return AreaPrices.of(city, self.by_city[city])
        province = _province(features.get("places"))
        if province and len(self.by_province.get(province, ())) >= self.needed:
            return AreaPrices.of(province, self.by_province[province])
        return AreaPrices.of(NATIONWIDE, self.nationwide)


def _province(places: Any) -> str | None:
    if isinstance(places, list) and places and isinstance(places[0], dict):
        value = places[0].get("province")
        return str(value) if value else None
    return None


def _evaluate_batch(
    session: Session,
    ruleset: RuleSet,
    batch: Sequence[int],
    prices: RegionPrices,
    group_ids: set[str],
    scan_run_id: int | None,
    now: datetime,
    stats: RuleStats,
) -> None:
    evaluated, skipped = ad_inputs(session, batch, prices)
    stats.ads_skipped += skipped
    ids = [ad_id for ad_id, _, _ in evaluated]
    if not ids:
        return
    session.execute(
        delete(IndicatorHit)
        .where(IndicatorHit.ad_id.in_(ids))
        .where(IndicatorHit.network_id.is_(None))
        .where(IndicatorHit.rule_id.not_in(group_ids or {""}))
    )
    session.execute(delete(RuleEvaluation).where(RuleEvaluation.ad_id.in_(ids)))
    hit_rows: list[dict[str, Any]] = []
    for ad_id, version_id, ad in evaluated:
        for hit in ruleset.evaluate_ad(ad):
            hit_rows.append(_hit_row(hit, ruleset.hash, scan_run_id, now, ad_id=ad_id, version_id=version_id))
            stats.count(hit.rule_id)
    if hit_rows:
        session.connection().execute(insert(IndicatorHit), hit_rows)
    shares = price_shares(ruleset.ad_rules)
    session.connection().execute(
        insert(RuleEvaluation),
        [
            {
                "ad_id": ad_id,
                "ad_version_id": version_id,
                "ruleset_hash": ruleset.hash,
                "evaluated_at": now,
                "statistics": {"prices": ad.prices.record(shares)} if shares else None,
            }
            for ad_id, version_id, ad in evaluated
        ],
    )
    stats.ads_evaluated += len(evaluated)
    stats.ad_hits += len(hit_rows)


def ad_inputs(
    session: Session, ad_ids: Sequence[int], prices: RegionPrices
) -> tuple[list[tuple[int, int, AdInput]], int]:
    """(ad id, version id, the ad as rules read it) of each ad's current version with features, and how
    many of `ad_ids` have no features yet."""
    rows = session.execute(
        select(Ad.id, Ad.city, AdVersion.id, AdVersion.title, AdVersion.text, AdVersion.fields, AdVersion.features)
        .join(AdVersion, AdVersion.id == Ad.current_version_id)
        .where(Ad.id.in_(ad_ids))
    ).all()
    inputs = []
    for ad_id, city, version_id, title, text, fields, features in rows:
        if features is None:
            continue
        ad = AdInput.from_version(
            title, text, features=features, fields=fields or {}, city=city, prices=prices.for_ad(city, features)
        )
        inputs.append((int(ad_id), int(version_id), ad))
    return inputs, len(rows) - len(inputs)


class MemberJudge:
    """Judges ads against the member filters of group rules, loading each ad once per run.

    Only the ads asked about are loaded (the candidates of `members.candidate_ads`), in batches, and
    each ad's text is tokenised once for every rule that asks about it.
    """

    def __init__(self, session: Session, ruleset: RuleSet, rules: list[CompiledRule], stats: RuleStats) -> None:
        self.session = session
        self.ruleset = ruleset
        self.stats = stats
        needed = prices_needed(rules)
        self.prices = RegionPrices.load(session, needed) if needed else RegionPrices()
        self.contexts: dict[int, AdContext | None] = {}

    def members(self, rule: CompiledRule, ad_ids: Collection[int]) -> dict[int, Member]:
        missing = sorted(set(ad_ids) - self.contexts.keys())
        for batch in _chunks(missing, BATCH):
            self.contexts.update(dict.fromkeys(batch))  # ads without features stay None: never members
            inputs, _ = ad_inputs(self.session, batch, self.prices)
            self.contexts.update((ad_id, self.ruleset.context(ad)) for ad_id, _, ad in inputs)
        found = {}
        for ad_id in ad_ids:
            context = self.contexts[ad_id]
            if context is None:
                continue
            self.stats.member_checks += 1
            member = judge(rule, context)
            if member is not None:
                found[ad_id] = member
        return found


def _hit_row(
    hit: Hit,
    ruleset_hash: str,
    scan_run_id: int | None,
    now: datetime,
    *,
    ad_id: int | None = None,
    version_id: int | None = None,
    network_id: int | None = None,
) -> dict[str, Any]:
    return {
        "ad_id": ad_id,
        "network_id": network_id,
        "ad_version_id": version_id,
        "scan_run_id": scan_run_id,
        "rule_id": hit.rule_id,
        "rule_version": hit.rule_version,
        "ruleset_hash": ruleset_hash,
        "category": hit.category,
        "weight": hit.weight,
        "explanation": hit.explanation,
        "evidence": hit.evidence,
        "created_at": now,
    }


class GroupData:
    """Group members and counted values, each fetched once per run with set-based queries."""

    def __init__(self, session: Session, settings: Settings) -> None:
        self.session = session
        self.licensed = set(settings.linking.licensed_numbers)
        self._members: dict[tuple[str, bool], list[tuple[Hashable, int]]] = {}
        self._values: dict[tuple[str, bool], dict[int, list[tuple[str, datetime, datetime]]]] = {}
        # What linking judged to identify no one (hubs: a placeholder picture, a switchboard) or a business
        # (a logo): such a picture or contact does not make a group of ads for the rules either.
        self.hub_values: set[tuple[str, str]] = set()
        self.not_a_person_phashes: set[str] = set()
        judged = select(
            IdentityJudgement.kind, IdentityJudgement.value, IdentityJudgement.verdict, IdentityJudgement.facts
        )
        for kind, value, verdict, facts in self.rows(judged.where(IdentityJudgement.verdict.in_(("hub", "business")))):
            if kind == "photo":
                self.not_a_person_phashes.update((facts or {}).get("phashes", []))
            elif verdict == "hub":
                self.hub_values.add((str(kind), str(value)))
        self.held = {int(ad_id) for (ad_id,) in self.rows(select(Ad.id).where(Ad.place_held_since.is_not(None)))}

    def memberships(self, group: Group) -> dict[Hashable, list[Membership]]:
        """Per group key, the counted values of its ads with the days they were seen."""
        key = (group.by, group.skip_licensed_numbers)
        if key not in self._members:
            self._members[key] = self._load_members(group.by, group.skip_licensed_numbers)
        value_key = (group.count, group.skip_licensed_numbers)
        if value_key not in self._values:
            self._values[value_key] = self._load_values(group.count, group.skip_licensed_numbers)
        values = self._values[value_key]
        by_group: dict[Hashable, list[Membership]] = defaultdict(list)
        for group_key, ad_id in self._members[key]:
            if ad_id in self.held:  # its place is not resolved yet: not scored, so not counted either
                continue
            ad_values = values.get(ad_id)
            if ad_values:
                by_group[group_key].extend(Membership(group_key, ad_id, v, start, end) for v, start, end in ad_values)
        return by_group

    def licensed_ads(self) -> set[int]:
        """Ads whose current version shows a licence number."""
        query = select(Ad.id, AdVersion.features).join(AdVersion, AdVersion.id == Ad.current_version_id)
        return {
            int(ad_id)
            for ad_id, features in self.rows(query)
            if isinstance(features, dict) and features.get("license_numbers")
        }

    def licensed_networks(self) -> set[Hashable]:
        """Networks the linking stage found to be licensed businesses (summary `looks_licensed`)."""
        query = select(Network.id, Network.summary).where(live_networks())
        return {int(network_id) for network_id, summary in self.rows(query) if (summary or {}).get("looks_licensed")}

    def rows(self, query: Executable) -> list[Any]:
        """Plain rows through the connection: no ORM bookkeeping for hundreds of thousands of rows."""
        return list(self.session.connection().execute(query).all())

    def _identifier_rows(self, kind: str, skip_licensed: bool) -> list[tuple[int, int, str, datetime, datetime]]:
        query = (
            select(
                AdIdentifier.identifier_id,
                AdIdentifier.ad_id,
                Identifier.value,
                AdIdentifier.first_seen_at,
                AdIdentifier.last_seen_at,
            )
            .join(Identifier, Identifier.id == AdIdentifier.identifier_id)
            .where(Identifier.kind == kind)
        )
        rows = [tuple(row) for row in self.rows(query) if (kind, row[2]) not in self.hub_values]
        if skip_licensed and kind == "phone":
            rows = [row for row in rows if row[2] not in self.licensed]
        return rows

    def _load_members(self, by: str, skip_licensed: bool) -> list[tuple[Hashable, int]]:
        if by in ("phone", "email"):
            return [(f"{by}:{row[0]}", row[1]) for row in self._identifier_rows(by, skip_licensed)]
        if by == "network":
            query = (
                select(NetworkMember.network_id, NetworkMember.ad_id)
                .join(Network, Network.id == NetworkMember.network_id)
                .where(live_networks())
            )
            return [(int(network_id), int(ad_id)) for network_id, ad_id in self.rows(query)]
        edges: list[tuple[int, int]] = []
        kind = "photo" if by == "photo" else "text"
        links = select(Link.ad_a_id, Link.ad_b_id, Link.evidence).where(Link.kind == kind)
        # a business's links (a logo, a house style) say who employs the ads, not who is behind them
        edges += [(a, b) for a, b, evidence in self.rows(links) if (evidence or {}).get("role") != "business"]
        if by == "photo":
            first_by_hash: dict[str, int] = {}
            photos = select(Photo.phash, AdPhoto.ad_id).join(Photo, Photo.id == AdPhoto.photo_id)
            for phash, ad_id in self.rows(photos.where(Photo.phash.is_not(None))):
                if str(phash) not in self.not_a_person_phashes:
                    edges.append((first_by_hash.setdefault(str(phash), ad_id), ad_id))
        return components(edges, prefix=by)

    def _load_values(self, count: str, skip_licensed: bool) -> dict[int, list[tuple[str, datetime, datetime]]]:
        values: dict[int, list[tuple[str, datetime, datetime]]] = defaultdict(list)
        if count == "phones":
            for identifier_id, ad_id, _value, first, last in self._identifier_rows("phone", skip_licensed):
                values[ad_id].append((str(identifier_id), first, last))
            return values
        if count == "cities":
            sightings = (
                select(Sighting.ad_id, Sighting.city, func.min(Sighting.seen_at), func.max(Sighting.seen_at))
                .where(Sighting.city.is_not(None))
                .group_by(Sighting.ad_id, Sighting.city)
            )
            spans: dict[tuple[int, str], tuple[datetime, datetime]] = {
                (ad_id, str(city)): (first, last) for ad_id, city, first, last in self.rows(sightings)
            }
            ads = select(Ad.id, Ad.city, Ad.first_seen_at, Ad.last_seen_at).where(Ad.city.is_not(None))
            for ad_id, city, first, last in self.rows(ads):
                spans.setdefault((ad_id, str(city)), (first, last))
            for (ad_id, city), (first, last) in spans.items():
                values[ad_id].append((city, first, last))
            return values
        if count == "names":
            names = select(Ad.id, AdVersion.fields["name"].as_string(), Ad.first_seen_at, Ad.last_seen_at).join(
                AdVersion, AdVersion.id == Ad.current_version_id
            )
            for ad_id, name, first, last in self.rows(names):
                if isinstance(name, str):  # a joint ad ("Mila & Jade") names each of its people
                    values[ad_id].extend((person.title(), first, last) for person in person_names(name))
            return values
        for ad_id, first, last in self.rows(select(Ad.id, Ad.first_seen_at, Ad.last_seen_at)):
            values[ad_id].append((str(ad_id), first, last))
        return values


def components(edges: list[tuple[int, int]], prefix: str) -> list[tuple[Hashable, int]]:
    """(component key, ad id) for every ad joined by the edges (union-find with path halving)."""
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in edges:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [(f"{prefix}:{root(node)}", node) for node in list(parent)]


def _evaluate_groups(
    session: Session, ruleset: RuleSet, settings: Settings, scan_run_id: int | None, now: datetime, stats: RuleStats
) -> None:
    all_group_ids = [rule.id for rule in ruleset.rules if rule.rule.group]
    rows: list[dict[str, Any]] = []
    if ruleset.group_rules:
        data = GroupData(session, settings)
        versions: dict[int, int | None] = dict(data.rows(select(Ad.id, Ad.current_version_id)))
        licensed_ads, licensed_networks = data.licensed_ads(), data.licensed_networks()
        filtering = [rule for rule in ruleset.group_rules if rule.rule.has_member_filter]
        judge_members = MemberJudge(session, ruleset, filtering, stats) if filtering else None
        for rule in ruleset.group_rules:
            group = rule.rule.group
            assert group is not None
            by_group = data.memberships(group)
            members = None
            if judge_members is not None and rule.rule.has_member_filter:
                members = judge_members.members(rule, candidate_ads(by_group, group))
                by_group = only_members(by_group, members)
            findings = find_in_groups(by_group, group)
            rated = rate_findings(rule, findings, licensed_ads, licensed_networks if group.by == "network" else set())
            rows += _group_rows(rule, rated, versions, ruleset.hash, scan_run_id, now, stats, members)
    if all_group_ids:
        _replace_changed(session, all_group_ids, rows)


COMPARED = ("rule_version", "ruleset_hash", "weight", "explanation", "evidence")


def _replace_changed(session: Session, rule_ids: list[str], rows: list[dict[str, Any]]) -> None:
    """Write only what changed: a nightly run over unchanged groups keeps its hits instead of rewriting them."""
    connection = session.connection()  # Core statements: the ORM's bulk path costs more than the SQL here
    columns = (
        IndicatorHit.id,
        IndicatorHit.rule_id,
        IndicatorHit.ad_id,
        IndicatorHit.network_id,
        *(getattr(IndicatorHit, name) for name in COMPARED),
    )
    stored: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for row in connection.execute(select(*columns).where(IndicatorHit.rule_id.in_(rule_ids))).mappings().all():
        stored[(row["rule_id"], row["ad_id"], row["network_id"])].append(row)
    fresh = []
    for new in rows:
        same_target = stored.get((new["rule_id"], new["ad_id"], new["network_id"]), [])
        match = next((old for old in same_target if all(old[k] == new[k] for k in COMPARED)), None)
        if match is None:
            fresh.append(new)
        else:
            same_target.remove(match)
    stale = [row["id"] for left in stored.values() for row in left]
    for start in range(0, len(stale), 5000):
        connection.execute(delete(IndicatorHit).where(IndicatorHit.id.in_(stale[start : start + 5000])))
    for start in range(0, len(fresh), 5000):
        connection.execute(insert(IndicatorHit), fresh[start : start + 5000])


def _group_rows(
    rule: CompiledRule,
    findings: list[tuple[GroupFinding, bool]],
    versions: dict[int, int | None],
    ruleset_hash: str,
    scan_run_id: int | None,
    now: datetime,
    stats: RuleStats,
    members: Mapping[int, Member] | None = None,
) -> list[dict[str, Any]]:
    """Hit rows of a group rule's findings: one per network, else one per ad in its busiest finding.

    With a member filter, the explanation shows what the members said, and each ad's hit carries the
    spans of its own text that made it a member after the group's evidence.
    """
    assert rule.rule.group is not None

    def hit_of(finding: GroupFinding, licensed: bool) -> Hit:
        found = found_in(finding.ad_ids, members) if members is not None else None
        return group_hit(rule, finding, licensed=licensed, found=found)

    if rule.rule.group.by == "network":
        stats.network_hits += len(findings)
        stats.count(rule.id, len(findings))
        return [
            _hit_row(hit_of(f, lic), ruleset_hash, scan_run_id, now, network_id=int(str(f.group)))
            for f, lic in findings
        ]
    best: dict[int, tuple[GroupFinding, bool]] = {}
    for finding, licensed in findings:
        for ad_id in finding.ad_ids:
            if ad_id not in best or finding.count > best[ad_id][0].count:
                best[ad_id] = (finding, licensed)
    hits: dict[int, Hit] = {}  # one explanation per finding, shared by its ads
    rows = []
    for ad_id, (finding, licensed) in sorted(best.items()):
        if id(finding) not in hits:
            hits[id(finding)] = hit_of(finding, licensed)
        hit = hits[id(finding)]
        if members is not None and ad_id in members:
            hit = replace(hit, evidence=[*hit.evidence, *members[ad_id].evidence])
        rows.append(_hit_row(hit, ruleset_hash, scan_run_id, now, ad_id=ad_id, version_id=versions.get(ad_id)))
    stats.group_hits += len(rows)
    stats.count(rule.id, len(rows))
    return rows
