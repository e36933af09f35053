"""Read-only queries shared by report, show, search and export: ads with their scores, evidence and ties.

Everything here returns plain JSON-ready values (dicts, lists, ISO dates), so each output format
renders the same facts. Nothing here writes; the commands record the audit entries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scanner.db.models import (
    Ad,
    AdIdentifier,
    AdPhoto,
    AdVersion,
    Assessment,
    Identifier,
    IdentityJudgement,
    IndicatorHit,
    Network,
    NetworkMember,
    Photo,
    ScanRun,
    Sighting,
    Source,
    live_networks,
)
from scanner.errors import InputError
from scanner.extract.spans import TEXT, source_text
from scanner.investigate.evidence import evidence_item
from scanner.investigate.scores import score_json

CHUNK = 500


def chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def iso(value: datetime | date | None) -> str | None:
    return (
        value.isoformat(timespec="seconds") if isinstance(value, datetime) else (value.isoformat() if value else None)
    )


def last_completed_run(session: Session) -> ScanRun | None:
    return session.scalars(
        select(ScanRun).where(ScanRun.kind == "scan", ScanRun.status == "completed").order_by(ScanRun.id.desc())
    ).first()


def parse_since(session: Session, value: str | None) -> datetime | None:
    """`last-run` (the start of the newest completed scan), a date or a date-time; None means everything."""
    if value is None or value == "":
        return None
    if value == "last-run":
        run = last_completed_run(session)
        return run.started_at if run else None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"cannot read {value!r} as a date", context="--since", hint="write last-run, 2026-01-03 or 2026-01-03T06:00"
        ) from None


def latest_assessments(session: Session, ad_ids: Sequence[int]) -> dict[int, Assessment]:
    """The newest assessment of each ad."""
    found: dict[int, Assessment] = {}
    for chunk in chunks(ad_ids):
        newest = (
            select(func.max(Assessment.id))
            .where(Assessment.ad_id.in_(chunk))
            .group_by(Assessment.ad_id)
            .scalar_subquery()
        )
        for assessment in session.scalars(select(Assessment).where(Assessment.id.in_(newest))):
            if assessment.ad_id is not None:
                found[assessment.ad_id] = assessment
    return found


def latest_network_assessments(session: Session, network_ids: Sequence[int]) -> dict[int, Assessment]:
    found: dict[int, Assessment] = {}
    for chunk in chunks(network_ids):
        newest = (
            select(func.max(Assessment.id))
            .where(Assessment.network_id.in_(chunk), Assessment.ad_id.is_(None))
            .group_by(Assessment.network_id)
            .scalar_subquery()
        )
        for assessment in session.scalars(select(Assessment).where(Assessment.id.in_(newest))):
            if assessment.network_id is not None:
                found[assessment.network_id] = assessment
    return found


def flagged_before(session: Session, ad_ids: Sequence[int], since: datetime) -> set[int]:
    """Ads that already had a flagged assessment before `since` (so a flag now is not new)."""
    found: set[int] = set()
    for chunk in chunks(ad_ids):
        found.update(
            ad_id
            for ad_id in session.scalars(
                select(Assessment.ad_id)
                .where(Assessment.ad_id.in_(chunk), Assessment.flagged.is_(True), Assessment.created_at < since)
                .distinct()
            )
            if ad_id is not None
        )
    return found


def current_hits(hits: Iterable[IndicatorHit]) -> list[IndicatorHit]:
    """The hits that hold now, one per rule (the newest), underage escalations first (their weight is 0: they
    are never scored, always shown), then the strongest.

    Every stored hit of an ad is current: a new evaluation replaces the ad's per-ad hits, and each run
    replaces the cross-ad hits that changed (keeping the others with the run that made them). So the
    hits of an ad can come from several runs; none may be left out.
    """
    unique = {hit.rule_id: hit for hit in sorted(hits, key=lambda hit: hit.id)}
    return sorted(unique.values(), key=lambda hit: (hit.category != "underage", -hit.weight, hit.rule_id))


def ad_hits(session: Session, ad_ids: Sequence[int]) -> dict[int, list[IndicatorHit]]:
    grouped: dict[int, list[IndicatorHit]] = defaultdict(list)
    for chunk in chunks(ad_ids):
        for hit in session.scalars(select(IndicatorHit).where(IndicatorHit.ad_id.in_(chunk))):
            if hit.ad_id is not None:
                grouped[hit.ad_id].append(hit)
    return {ad_id: current_hits(hits) for ad_id, hits in grouped.items()}


def network_hits(session: Session, network_id: int) -> list[IndicatorHit]:
    query = select(IndicatorHit).where(IndicatorHit.network_id == network_id, IndicatorHit.ad_id.is_(None))
    return current_hits(session.scalars(query))


def field_text(version: AdVersion | None, field: str | None) -> str | None:
    """The stored text an evidence span points into (its title, its text or a site field); None without a version."""
    if version is None:
        return None
    return source_text(version.title, version.text, version.fields, field or TEXT)


def hit_json(hit: IndicatorHit, version: AdVersion | None, chars: int) -> dict[str, Any]:
    spans = [span for span in (hit.evidence or []) if isinstance(span, dict)]
    return {
        "rule_id": hit.rule_id,
        "rule_version": hit.rule_version,
        "category": hit.category,
        "weight": hit.weight,
        "explanation": hit.explanation,
        "evidence": [evidence_item(span, field_text(version, span.get("field")), chars) for span in spans],
    }


def identifiers(session: Session, ad_ids: Sequence[int], kind: str | None = "phone") -> dict[int, list[str]]:
    """Identifier values per ad (phones in E.164), sorted."""
    found: dict[int, set[str]] = defaultdict(set)
    for chunk in chunks(ad_ids):
        query = (
            select(AdIdentifier.ad_id, Identifier.kind, Identifier.value)
            .join(Identifier, Identifier.id == AdIdentifier.identifier_id)
            .where(AdIdentifier.ad_id.in_(chunk))
        )
        if kind is not None:
            query = query.where(Identifier.kind == kind)
        for ad_id, found_kind, value in session.execute(query):
            found[ad_id].add(value if kind is not None else f"{found_kind}:{value}")
    return {ad_id: sorted(values) for ad_id, values in found.items()}


def current_networks(session: Session, ad_ids: Sequence[int]) -> dict[int, Network]:
    """The network each ad belongs to now (dissolved networks do not count)."""
    found: dict[int, Network] = {}
    for chunk in chunks(ad_ids):
        query = (
            select(NetworkMember.ad_id, Network)
            .join(Network, Network.id == NetworkMember.network_id)
            .where(NetworkMember.ad_id.in_(chunk), live_networks())
        )
        for ad_id, network in session.execute(query):
            found[ad_id] = network
    return found


def judgements(session: Session, ad_ids: Sequence[int]) -> list[dict[str, Any]]:
    """What linking decided about the phones, e-mails, handles, licences and pictures of these ads, and why."""
    wanted = set(ad_ids)
    values: dict[str, set[str]] = defaultdict(set)
    phashes: set[str] = set()
    for chunk in chunks(sorted(wanted)):
        rows = session.execute(
            select(Identifier.kind, Identifier.value)
            .join(AdIdentifier, AdIdentifier.identifier_id == Identifier.id)
            .where(AdIdentifier.ad_id.in_(chunk))
        )
        for kind, value in rows:
            values[kind].add(value)
        photos = select(Photo.phash).join(AdPhoto, AdPhoto.photo_id == Photo.id).where(AdPhoto.ad_id.in_(chunk))
        phashes.update(str(phash) for phash in session.scalars(photos) if phash)
    found: list[IdentityJudgement] = []
    for kind, kind_values in sorted(values.items()):
        query = select(IdentityJudgement).where(IdentityJudgement.kind == kind)
        found += session.scalars(query.where(IdentityJudgement.value.in_(sorted(kind_values)))).all()
    if phashes:
        pictures = session.scalars(select(IdentityJudgement).where(IdentityJudgement.kind == "photo"))
        found += [row for row in pictures if phashes & set((row.facts or {}).get("phashes", []))]
    return [
        {
            "kind": row.kind,
            "value": row.value,
            "verdict": row.verdict,
            "reason": row.reason,
            "ads": len((row.facts or {}).get("ad_ids", [])),
            "of_these_ads": len(wanted & set((row.facts or {}).get("ad_ids", []))),
            "decided_at": iso(row.decided_at),
        }
        for row in sorted(found, key=lambda row: (row.verdict == "person", row.kind, row.value))
    ]


def network_member_ids(session: Session, network_id: int) -> list[int]:
    return sorted(session.scalars(select(NetworkMember.ad_id).where(NetworkMember.network_id == network_id)).all())


def movement(session: Session, ad_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Where the ads were advertised, day by day: [{date, cities, ads}], oldest first."""
    days: dict[date, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for chunk in chunks(ad_ids):
        for ad_id, seen_at, city in session.execute(
            select(Sighting.ad_id, Sighting.seen_at, Sighting.city).where(Sighting.ad_id.in_(chunk))
        ):
            days[seen_at.date()][city or "?"].add(ad_id)
    return [
        {
            "date": day.isoformat(),
            "cities": sorted(days[day]),
            "ads": len(set().union(*days[day].values())),
        }
        for day in sorted(days)
    ]


def versions(session: Session, version_ids: Iterable[int | None]) -> dict[int, AdVersion]:
    wanted = sorted({version_id for version_id in version_ids if version_id is not None})
    found: dict[int, AdVersion] = {}
    for chunk in chunks(wanted):
        found.update(
            {version.id: version for version in session.scalars(select(AdVersion).where(AdVersion.id.in_(chunk)))}
        )
    return found


def current_features(versions: Mapping[int, AdVersion], ad: Ad) -> dict[str, Any] | None:
    """The extracted features of the ad's current version among `versions`, if any."""
    version = versions.get(ad.current_version_id or -1)
    return version.features if version is not None and isinstance(version.features, dict) else None


def changed_since(session: Session, ad_ids: Sequence[int], since: datetime) -> set[int]:
    """Ads with a version fetched since `since` (a new version of an ad that existed before)."""
    found: set[int] = set()
    for chunk in chunks(ad_ids):
        found.update(
            session.scalars(
                select(AdVersion.ad_id).where(AdVersion.ad_id.in_(chunk), AdVersion.fetched_at >= since).distinct()
            ).all()
        )
    return found


def ad_change(ad: Ad, since: datetime | None, changed: set[int]) -> str:
    """new | changed | removed | seen, relative to `since`."""
    if since is None or ad.first_seen_at >= since:
        return "new"
    if ad.removed_at is not None and ad.removed_at >= since:
        return "removed"
    return "changed" if ad.id in changed else "seen"


def ad_summaries(
    session: Session, ads: Sequence[Ad], *, snippet_chars: int, since: datetime | None = None
) -> list[dict[str, Any]]:
    """One JSON-ready summary per ad: identity, scores, top indicators with evidence, phones, network."""
    ad_ids = [ad.id for ad in ads]
    assessments = latest_assessments(session, ad_ids)
    hits = ad_hits(session, ad_ids)
    phones = identifiers(session, ad_ids)
    networks = current_networks(session, ad_ids)
    all_versions = versions(session, [ad.current_version_id for ad in ads])
    changed = changed_since(session, ad_ids, since) if since else set()
    previously_flagged = flagged_before(session, ad_ids, since) if since else set()
    sources = {source.id: source.name for source in session.scalars(select(Source))}
    summaries = []
    for ad in ads:
        assessment = assessments.get(ad.id)
        version = all_versions.get(ad.current_version_id) if ad.current_version_id else None
        network = networks.get(ad.id)
        flagged = bool(assessment and assessment.flagged)
        summaries.append(
            {
                "id": ad.id,
                "source": sources.get(ad.source_id, ""),
                "url": ad.url,
                "title": version.title if version else "",
                "city": ad.city,
                "first_seen_at": iso(ad.first_seen_at),
                "last_seen_at": iso(ad.last_seen_at),
                "removed_at": iso(ad.removed_at),
                "change": ad_change(ad, since, changed),
                "network": network.label if network else None,
                "risk_score": round(assessment.risk_score, 1) if assessment else None,
                "licensing_score": round(assessment.licensing_score, 1) if assessment else None,
                "underage": bool(assessment and assessment.underage),
                "flagged": flagged,
                "newly_flagged": flagged and ad.id not in previously_flagged,
                "model_probability": assessment.model_probability if assessment else None,
                "score": score_json(assessment),
                "phones": phones.get(ad.id, []),
                "indicators": [
                    hit_json(hit, all_versions.get(hit.ad_version_id or -1) or version, snippet_chars)
                    for hit in hits.get(ad.id, [])
                ],
            }
        )
    return summaries
