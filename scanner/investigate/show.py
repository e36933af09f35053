"""`scanner show`: everything known about one ad, network or phone, as one JSON-ready document.

An ad: its texts across versions with the evidence of each version highlighted, every indicator hit
with its explanation, the score history, identifiers, linked ads, its network, where and when it was
seen, and the review history. A network: its members, links, indicators, movement and reviews. A
phone: the ads and networks that use it and where they moved.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from scanner.db.models import (
    Ad,
    AdIdentifier,
    AdPhoto,
    AdVersion,
    Assessment,
    Identifier,
    IndicatorHit,
    Link,
    Network,
    Photo,
    Review,
    Sighting,
)
from scanner.errors import NotFoundError
from scanner.investigate import queries
from scanner.investigate.evidence import print_evidence, weight_text
from scanner.investigate.render import Output, cell
from scanner.investigate.report import graph
from scanner.investigate.scores import model_text, score_json, scores_text
from scanner.investigate.watch import normalise, normalise_phone
from scanner.settings import Settings


def _reviews(
    session: Session, *, ad_ids: list[int] | None = None, network_id: int | None = None
) -> list[dict[str, Any]]:
    query = select(Review).order_by(Review.id)
    if ad_ids is not None:
        query = query.where(Review.ad_id.in_(ad_ids))
    else:
        query = query.where(Review.network_id == network_id)
    return [
        {
            "id": review.id,
            "ad_id": review.ad_id,
            "label": review.label,
            "note": review.note,
            "reviewer": review.reviewer,
            "at": queries.iso(review.created_at),
        }
        for review in session.scalars(query)
    ]


def _assessment_json(assessment: Assessment) -> dict[str, Any]:
    return {
        "at": queries.iso(assessment.created_at),
        "scan_run_id": assessment.scan_run_id,
        "risk_score": round(assessment.risk_score, 1),
        "licensing_score": round(assessment.licensing_score, 1),
        "underage": assessment.underage,
        "flagged": assessment.flagged,
        "model_version": assessment.model_version,
        "model_probability": assessment.model_probability,
        "score": score_json(assessment),
        "explanation": assessment.explanation,
    }


def show_ad(session: Session, settings: Settings, ad_id: int) -> dict[str, Any]:
    ad = session.get(Ad, ad_id)
    if ad is None:
        raise NotFoundError(f"no ad with id {ad_id}", context="show ad", hint="find ids with `scanner report`")
    chars = settings.report.snippet_chars
    summary = queries.ad_summaries(session, [ad], snippet_chars=chars)[0]
    hits_by_version: dict[int | None, list[IndicatorHit]] = {}
    for hit in session.scalars(select(IndicatorHit).where(IndicatorHit.ad_id == ad.id).order_by(IndicatorHit.id)):
        hits_by_version.setdefault(hit.ad_version_id, []).append(hit)
    versions = []
    for version in session.scalars(select(AdVersion).where(AdVersion.ad_id == ad.id).order_by(AdVersion.id)):
        newest = queries.current_hits(hits_by_version.get(version.id, []))
        versions.append(
            {
                "id": version.id,
                "fetched_at": queries.iso(version.fetched_at),
                "current": version.id == ad.current_version_id,
                "title": version.title,
                "text": version.text,
                "fields": version.fields,
                "indicators": [queries.hit_json(hit, version, chars) for hit in newest],
            }
        )
    links = []
    for link in session.scalars(
        select(Link).where(or_(Link.ad_a_id == ad.id, Link.ad_b_id == ad.id)).order_by(Link.id)
    ):
        other = link.ad_b_id if link.ad_a_id == ad.id else link.ad_a_id
        links.append({"ad_id": other, "kind": link.kind, "strength": link.strength, "evidence": link.evidence})
    photos = session.execute(
        select(Photo.phash, Photo.width, Photo.height)
        .join(AdPhoto, AdPhoto.photo_id == Photo.id)
        .where(AdPhoto.ad_id == ad.id)
    ).all()
    sightings = session.execute(
        select(Sighting.seen_at, Sighting.city, Sighting.listing_url)
        .where(Sighting.ad_id == ad.id)
        .order_by(Sighting.seen_at)
    ).all()
    assessments = session.scalars(select(Assessment).where(Assessment.ad_id == ad.id).order_by(Assessment.id))
    return {
        "kind": "ad",
        "ad": summary,
        "identifiers": queries.identifiers(session, [ad.id], kind=None).get(ad.id, []),
        "versions": versions,
        "assessments": [_assessment_json(assessment) for assessment in assessments],
        "links": links,
        "photos": [{"phash": phash, "width": width, "height": height} for phash, width, height in photos],
        "sightings": [{"at": queries.iso(at), "city": city, "listing_url": url} for at, city, url in sightings],
        "movement": queries.movement(session, [ad.id]),
        "judgements": queries.judgements(session, [ad.id]),
        "reviews": _reviews(session, ad_ids=[ad.id]),
    }


def find_network(session: Session, settings: Settings, key: str) -> Network:
    label = normalise("network", key, settings)
    network = session.scalars(select(Network).where(Network.label == label)).first()
    if network is None:
        raise NotFoundError(
            f"no network {label}",
            context="show network",
            hint="labels look like N-000123 (networks), B-000012 (business groups) or D-000004 (duo pairs)",
        )
    return network


def show_network(session: Session, settings: Settings, key: str) -> dict[str, Any]:
    network = find_network(session, settings, key)
    member_ids = queries.network_member_ids(session, network.id)
    members = list(session.scalars(select(Ad).where(Ad.id.in_(member_ids)).order_by(Ad.id)))
    summaries = queries.ad_summaries(session, members, snippet_chars=settings.report.snippet_chars)
    assessment = queries.latest_network_assessments(session, [network.id]).get(network.id)
    return {
        "kind": "network",
        "network": {
            "label": network.label,
            "group": network.kind,  # network, business (a business group) or duo (a pair)
            "size": len(member_ids),
            "created_at": queries.iso(network.created_at),
            "updated_at": queries.iso(network.updated_at),
            "dissolved_at": queries.iso(network.dissolved_at),
            "summary": network.summary,
            "assessment": _assessment_json(assessment) if assessment else None,
        },
        "indicators": [
            queries.hit_json(hit, None, settings.report.snippet_chars)
            for hit in queries.network_hits(session, network.id)
        ],
        "ads": sorted(summaries, key=lambda ad: -(ad["risk_score"] or 0)),
        "graph": graph(session, member_ids),
        "movement": queries.movement(session, member_ids),
        "judgements": queries.judgements(session, member_ids),
        "reviews": _reviews(session, network_id=network.id) + _reviews(session, ad_ids=member_ids),
    }


def show_phone(session: Session, settings: Settings, raw: str) -> dict[str, Any]:
    e164 = normalise_phone(raw, settings)
    identifier = session.scalars(select(Identifier).where(Identifier.kind == "phone", Identifier.value == e164)).first()
    if identifier is None:
        raise NotFoundError("no ad uses this phone number", context="show phone", hint="try `scanner search --text`")
    ad_ids = sorted(session.scalars(select(AdIdentifier.ad_id).where(AdIdentifier.identifier_id == identifier.id)))
    ads = list(session.scalars(select(Ad).where(Ad.id.in_(ad_ids)).order_by(Ad.id)))
    summaries = queries.ad_summaries(session, ads, snippet_chars=settings.report.snippet_chars)
    return {
        "kind": "phone",
        "phone": e164,
        "first_seen_at": queries.iso(identifier.created_at),
        "networks": sorted({ad["network"] for ad in summaries if ad["network"]}),
        "ads": summaries,
        "movement": queries.movement(session, ad_ids),
        "reviews": _reviews(session, ad_ids=ad_ids),
    }


def _ads_table(out: Output, ads: list[dict[str, Any]], title: str) -> None:
    out.table(
        ["id", "risk", "licensing", "model p", "flagged", "network", "city", "source", "last seen", "title"],
        [
            [
                ad["id"],
                ad["risk_score"],
                ad["licensing_score"],
                _probability(ad["score"]),
                "yes" if ad["flagged"] else "",
                ad["network"],
                ad["city"],
                ad["source"],
                ad["last_seen_at"],
                ad["title"],
            ]
            for ad in ads
        ],
        title=title,
    )


GROUP_TITLES = {"network": "Network", "business": "Business group", "duo": "Duo pair"}
GROUP_NOTES = {
    "business": "a licensed business or club: its phone, licence or logo joins its workers' ads; not a network",
    "duo": "two women sharing one phone, online together: a pair, not a network; flagged only on other evidence",
}


def _judgements(out: Output, judgements: list[dict[str, Any]]) -> None:
    """What linking decided about each shared phone, licence and picture, and why."""
    if judgements:
        out.table(
            ["kind", "value", "decided", "ads", "why"],
            [[j["kind"], j["value"], j["verdict"], j["ads"], j["reason"]] for j in judgements],
            "what the shared identifiers say",
        )


def _common_tail(out: Output, document: dict[str, Any]) -> None:
    _judgements(out, document.get("judgements", []))
    if document["movement"]:
        out.table(
            ["date", "cities", "ads"], [[d["date"], d["cities"], d["ads"]] for d in document["movement"]], "movement"
        )
    if document["reviews"]:
        out.table(
            ["at", "ad", "label", "reviewer", "note"],
            [[r["at"], r["ad_id"], r["label"], r["reviewer"], r["note"]] for r in document["reviews"]],
            "reviews",
        )


def _hits(out: Output, hits: list[dict[str, Any]]) -> None:
    for hit in hits:
        out.line(f"  {hit['rule_id']} ({hit['category']}, {weight_text(hit['weight'])}): {hit['explanation']}")
        for item in hit["evidence"]:
            print_evidence(out, item, "    ")


def _probability(score: dict[str, Any] | None) -> str:
    model = (score or {}).get("model")
    return f"{model['probability']:.2f}" if model else ""


def _score_lines(out: Output, score: dict[str, Any] | None) -> None:
    """The parts of a score, and the model card's warning when it has one."""
    out.line(f"risk parts: {model_text(score)}")
    model = (score or {}).get("model")
    if model and model.get("warning"):
        out.line(f"MODEL WARNING: {model['warning']}", style="bold yellow")


def render_text(document: dict[str, Any], out: Output) -> None:
    kind = document["kind"]
    if kind == "ad":
        ad = document["ad"]
        out.heading(f"Ad #{ad['id']} · {ad['source']} · {ad['url']}")
        out.line(
            f"{scores_text(ad['score'])} · "
            f"{'FLAGGED' if ad['flagged'] else 'not flagged'}{' · POSSIBLY UNDERAGE' if ad['underage'] else ''} · "
            f"network {ad['network'] or '-'} · first seen {ad['first_seen_at']} · last seen {ad['last_seen_at']}",
            style="bold red" if ad["underage"] else "",
        )
        _score_lines(out, ad["score"])
        out.line(f"identifiers: {', '.join(document['identifiers']) or '-'}")
        for version in document["versions"]:
            out.heading(
                f"version {version['id']} fetched {version['fetched_at']}{' (current)' if version['current'] else ''}"
            )
            out.line(f"  title: {version['title']}")
            out.line(f"  text: {version['text']}")
            for name, value in (version["fields"] or {}).items():
                if value not in (None, "", []):
                    out.line(f"  {name} field: {cell(value)}")
            _hits(out, version["indicators"])
        if document["assessments"]:
            out.table(
                ["at", "risk", "licensing", "flagged", "underage", "model p", "model"],
                [
                    [
                        a["at"],
                        a["risk_score"],
                        a["licensing_score"],
                        a["flagged"],
                        a["underage"],
                        _probability(a["score"]),
                        a["model_version"] or "rules only",
                    ]
                    for a in document["assessments"]
                ],
                "scores",
            )
        if document["links"]:
            out.table(
                ["linked ad", "kind", "strength"],
                [[x["ad_id"], x["kind"], x["strength"]] for x in document["links"]],
                "links",
            )
    elif kind == "network":
        network = document["network"]
        title = GROUP_TITLES.get(network["group"], "Network")
        out.heading(f"{title} {network['label']} · {network['size']} ads · created {network['created_at']}")
        if network["group"] in GROUP_NOTES:
            out.line(GROUP_NOTES[network["group"]])
        if network["assessment"]:
            score = network["assessment"]["score"]
            out.line(f"{scores_text(score)} · {'FLAGGED' if score['flagged'] else 'not flagged'}")
            _score_lines(out, score)
        _hits(out, document["indicators"])
        _ads_table(out, document["ads"], "members")
        edges = document["graph"]["edges"]
        if edges:
            out.table(
                ["ad", "ad", "kind", "strength"], [[e["a"], e["b"], e["kind"], e["strength"]] for e in edges], "links"
            )
    else:
        out.heading(f"Phone {document['phone']} · first seen {document['first_seen_at']}")
        out.line(f"networks: {', '.join(document['networks']) or '-'}")
        _ads_table(out, document["ads"], "ads using this number")
    _common_tail(out, document)
