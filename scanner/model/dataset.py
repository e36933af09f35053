"""What the model sees of an ad: records read from the database, a review snapshot or a JSON lines file.

An `AdRecord` gathers the raw parts of one ad (text, extraction features, indicator hits, network
summary, link counts); `scanner.model.features.to_row` turns it into the `AdRow` the model reads.
Labels come from three places, each mapped to 1 (trafficking suspect) or 0 (not):

- reviews in the database (`labels_from_reviews`): trafficking-suspect is positive, benign negative;
  illegal-prostitution is a licensing matter (not a trafficking positive), unsure and spam-scam are
  left out. A network review labels its member ads unless an ad has a review of its own.
- a JSON lines file (`records_from_jsonl`): one self-contained ad a line, see docs/model.md;
- the demo world's ground truth (`scanner.model.demo_labels`): controlled (network) ads positive.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from scanner.db.models import Ad, AdVersion, IndicatorHit, Link, Network, NetworkMember, Review, Source, live_networks
from scanner.errors import InputError

POSITIVE_LABELS = frozenset({"trafficking-suspect"})
NEGATIVE_LABELS = frozenset({"benign"})
# Labels that say nothing about trafficking: licensing is scored apart, the others are noise.
IGNORED_LABELS = frozenset({"illegal-prostitution", "unsure", "spam-scam"})


@dataclass(frozen=True)
class HitRecord:
    """One indicator hit as the score explains it."""

    rule_id: str
    version: int
    category: str
    weight: float
    explanation: str
    evidence: list[dict[str, Any]]
    scope: str  # ad | network
    ruleset_hash: str | None = None


@dataclass(frozen=True)
class NetworkRecord:
    id: int | None
    label: str
    size: int
    summary: dict[str, Any]


@dataclass
class AdRecord:
    """Everything known about one ad that the model and the score read."""

    ad_id: int | None
    site: str
    city: str | None
    title: str
    text: str
    features: dict[str, Any]
    hits: list[HitRecord] = field(default_factory=list)
    network: NetworkRecord | None = None
    link_counts: dict[str, int] = field(default_factory=dict)
    group: str = ""  # cross-validation group: ads of one group never sit on both sides of a split

    def __post_init__(self) -> None:
        if not self.group:
            if self.network is not None:
                self.group = f"network:{self.network.label}"
            else:
                self.group = f"ad:{self.ad_id}" if self.ad_id is not None else f"row:{id(self)}"


def label_value(label: str) -> int | None:
    """1 for a trafficking positive, 0 for a negative, None for a label that does not train the model."""
    if label in POSITIVE_LABELS:
        return 1
    if label in NEGATIVE_LABELS:
        return 0
    return None


def load_records(session: Session, ad_ids: Collection[int] | None = None, *, live_only: bool = False) -> list[AdRecord]:
    """Records of the ads with a current version (all of them, or those in `ad_ids`; with `live_only`
    not those removed from their site or held for an unresolved place), ordered by id."""
    query = (
        select(Ad.id, Ad.city, Source.name, AdVersion.id, AdVersion.title, AdVersion.text, AdVersion.features)
        .join(Source, Source.id == Ad.source_id)
        .join(AdVersion, AdVersion.id == Ad.current_version_id)
        .order_by(Ad.id)
    )
    if ad_ids is not None:
        query = query.where(Ad.id.in_(list(ad_ids)))
    if live_only:  # on its site, and placed: an ad held for an unresolved place is not scored
        query = query.where(Ad.removed_at.is_(None), Ad.place_held_since.is_(None))
    rows = session.execute(query).all()
    ids = [row[0] for row in rows]
    current_versions = {row[0]: row[3] for row in rows}
    networks = _networks_of(session, ids)
    hits = _hits_of(session, current_versions, {record.id for record in networks.values() if record.id is not None})
    links = _link_counts(session, ids)
    records = []
    for ad_id, city, site, _version_id, title, text, features in rows:
        network = networks.get(ad_id)
        ad_hits = list(hits.get(("ad", ad_id), []))
        if network is not None and network.id is not None:
            ad_hits += hits.get(("network", network.id), [])
        records.append(
            AdRecord(
                ad_id=ad_id,
                site=site,
                city=city,
                title=title or "",
                text=text or "",
                features=features if isinstance(features, dict) else {},
                hits=ad_hits,
                network=network,
                link_counts=links.get(ad_id, {}),
            )
        )
    return records


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _networks_of(session: Session, ad_ids: list[int]) -> dict[int, NetworkRecord]:
    found: dict[int, NetworkRecord] = {}
    for chunk in _chunks(ad_ids):
        query = (
            select(NetworkMember.ad_id, Network.id, Network.label, Network.size, Network.summary)
            .join(Network, Network.id == NetworkMember.network_id)
            .where(NetworkMember.ad_id.in_(chunk), live_networks())
        )
        for ad_id, network_id, label, size, summary in session.execute(query):
            found[ad_id] = NetworkRecord(network_id, label, size or 0, summary if isinstance(summary, dict) else {})
    return found


def _hits_of(
    session: Session, current_versions: dict[int, int], network_ids: set[int]
) -> dict[tuple[str, int], list[HitRecord]]:
    """The newest hit of each rule per ad (current version only) and per network."""
    newest: dict[tuple[str, int, str], IndicatorHit] = {}
    ad_ids = list(current_versions)
    conditions: list[ColumnElement[bool]] = []
    for chunk in _chunks(ad_ids):
        conditions.append(IndicatorHit.ad_id.in_(chunk))
    for chunk in _chunks(sorted(network_ids)):
        conditions.append(IndicatorHit.network_id.in_(chunk) & IndicatorHit.ad_id.is_(None))
    for condition in conditions:
        for hit in session.scalars(select(IndicatorHit).where(condition).order_by(IndicatorHit.id)):
            if hit.ad_id is not None:
                if hit.ad_version_id is not None and hit.ad_version_id != current_versions.get(hit.ad_id):
                    continue  # a hit on an older text of the ad
                key = ("ad", hit.ad_id, hit.rule_id)
            elif hit.network_id is not None:
                key = ("network", hit.network_id, hit.rule_id)
            else:
                continue
            newest[key] = hit
    grouped: dict[tuple[str, int], list[HitRecord]] = defaultdict(list)
    for (scope, owner, _rule), hit in sorted(newest.items()):
        grouped[(scope, owner)].append(
            HitRecord(
                rule_id=hit.rule_id,
                version=hit.rule_version,
                category=hit.category,
                weight=float(hit.weight),
                explanation=hit.explanation or "",
                evidence=list(hit.evidence or []),
                scope=scope,
                ruleset_hash=hit.ruleset_hash,
            )
        )
    return grouped


def _link_counts(session: Session, ad_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for chunk in _chunks(ad_ids):
        in_chunk = set(chunk)
        query = select(Link.ad_a_id, Link.ad_b_id, Link.kind).where(
            or_(Link.ad_a_id.in_(chunk), Link.ad_b_id.in_(chunk))
        )
        for ad_a, ad_b, kind in session.execute(query).all():
            for ad_id in (ad_a, ad_b):
                if ad_id in in_chunk:  # a link between two chunks is counted once for each side
                    counts[ad_id][kind] += 1
    return {ad_id: dict(kinds) for ad_id, kinds in counts.items()}


def labels_from_reviews(session: Session) -> dict[int, int]:
    """Training labels of ads from the newest review of each ad, then of each network for the rest."""
    by_ad: dict[int, str] = {}
    by_network: dict[int, str] = {}
    for ad_id, network_id, label in session.execute(
        select(Review.ad_id, Review.network_id, Review.label).order_by(Review.id)
    ):
        if ad_id is not None:
            by_ad[ad_id] = label
        elif network_id is not None:
            by_network[network_id] = label
    labels: dict[int, int] = {}
    if by_network:
        members = session.execute(
            select(NetworkMember.ad_id, NetworkMember.network_id).where(NetworkMember.network_id.in_(list(by_network)))
        )
        for ad_id, network_id in members:
            value = label_value(by_network[network_id])
            if value is not None:
                labels[ad_id] = value
    for ad_id, label in by_ad.items():
        value = label_value(label)
        if value is None:
            labels.pop(ad_id, None)  # the ad's own review overrides its network's
        else:
            labels[ad_id] = value
    return labels


def records_from_purged_reviews(session: Session) -> list[tuple[AdRecord, int]]:
    """Reviews whose ad was purged still train the model, from the snapshot stored with the review."""
    found = []
    for review in session.scalars(select(Review).where(Review.ad_id.is_(None), Review.network_id.is_(None))):
        snapshot = review.snapshot or {}
        value = label_value(review.label)
        # A redacted snapshot (a purged ad reviewed benign) has no text left to learn from.
        if value is None or snapshot.get("kind") != "ad" or snapshot.get("redacted"):
            continue
        found.append((record_from_json(snapshot, where=f"review {review.id}"), value))
    return found


def record_from_json(data: dict[str, Any], *, where: str) -> AdRecord:
    """An `AdRecord` from a self-contained JSON object (a JSON lines row or a review snapshot)."""
    if not isinstance(data, dict):
        raise InputError("each line must be a JSON object", context=where, hint="see docs/model.md for the format")
    rules = data.get("rules") or []
    hits = []
    for rule in rules:
        if isinstance(rule, str):
            rule = {"rule_id": rule}
        if not isinstance(rule, dict) or "rule_id" not in rule:
            raise InputError("rules must be rule ids or objects with rule_id", context=where, hint="see docs/model.md")
        hits.append(
            HitRecord(
                rule_id=str(rule["rule_id"]),
                version=int(rule.get("version", 1)),
                category=str(rule.get("category", "trafficking")),
                weight=float(rule.get("weight", 0.0)),
                explanation=str(rule.get("explanation", "")),
                evidence=list(rule.get("evidence", [])),
                scope=str(rule.get("scope", "ad")),
            )
        )
    network_data = data.get("network")
    network = None
    if isinstance(network_data, dict):
        network = NetworkRecord(
            id=None,
            label=str(network_data.get("label", "")),
            size=int(network_data.get("size", 0)),
            summary=dict(network_data.get("summary", network_data)),
        )
    features = data.get("features")
    raw_id = data.get("ad_id")
    return AdRecord(
        ad_id=int(raw_id) if isinstance(raw_id, int) else None,
        site=str(data.get("site") or data.get("source") or "unknown"),
        city=data.get("city"),
        title=str(data.get("title") or ""),
        text=str(data.get("text") or ""),
        features=features if isinstance(features, dict) else {},
        hits=hits,
        network=network if network is not None and network.label else None,
        link_counts={str(k): int(v) for k, v in (data.get("link_counts") or {}).items()},
        group=str(data.get("group") or ""),
    )


def records_from_jsonl(path: Path) -> list[tuple[AdRecord, int]]:
    """Labelled records from a JSON lines file; rows whose label does not train the model are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot read the file: {exc}", context=str(path), hint="give a UTF-8 JSON lines file"
        ) from None
    found = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON: {exc.msg}", context=where, hint="one JSON object per line") from None
        value = _json_label(data, where)
        if value is not None:
            found.append((record_from_json(data, where=where), value))
    return found


def _json_label(data: Any, where: str) -> int | None:
    label = data.get("label") if isinstance(data, dict) else None
    if isinstance(label, bool | int) and label in (0, 1):
        return int(label)
    if isinstance(label, str) and label in POSITIVE_LABELS | NEGATIVE_LABELS | IGNORED_LABELS:
        return label_value(label)
    raise InputError(
        f"label {label!r} is not a review label, 0 or 1",
        context=where,
        hint="use trafficking-suspect, benign, illegal-prostitution, unsure, spam-scam, 0 or 1",
    )


def labelled(records: Iterable[AdRecord], labels: dict[int, int]) -> list[tuple[AdRecord, int]]:
    """The records that have a label."""
    return [(record, labels[record.ad_id]) for record in records if record.ad_id in labels]
