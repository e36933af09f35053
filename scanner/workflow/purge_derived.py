"""What purged ads leave behind outside their own rows, found before the purge and cleaned with it.

Deleting an ad cascades to its versions, sightings, hits, assessments and links. These do not
cascade, and would keep URLs (with name and city slugs), names and ad ids of purged ads:

- `http_cache` rows of their pages and photos, and of listing pages whose remembered links name them;
- `frontier` rows of their pages and photos (the frontier of every run is kept);
- crawl error samples in `scan_runs.stats` that name their URLs (the crawl's statistics and their copy
  in the run's summary);
- the evidence of group indicator hits of surviving ads and networks that counted them (the next
  rules run recomputes those hits), and the same evidence copied into assessments' explanations;
- summaries of surviving networks they were members of (names, phones, cities, text template);
- reviews labelled benign: the label and reviewer stay, the ad's text and phone go
  (`retention.redact_benign_reviews`, see docs/deploy.md).

Each `find_*` returns what the purge will change, so `purge --dry-run` counts exactly what `purge`
does; each `clean_*` changes exactly that.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Text, cast, delete, select
from sqlalchemy.orm import Session

from scanner.db.models import (
    Ad,
    Assessment,
    FrontierEntry,
    HttpCacheEntry,
    IndicatorHit,
    Link,
    Network,
    NetworkMember,
    Photo,
    Review,
    ScanRun,
)

CHUNK = 500  # values per statement: below every database's bound-parameter limit
REMOVED = "(removed: it described ads that were purged)"
# What a redacted benign review keeps of its snapshot: the decision, not the ad.
REDACTED_KEEPS = ("kind", "ad_id", "label", "source", "risk_score", "licensing_score", "flagged", "rules")


def chunks(values: Sequence[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield list(values[start : start + CHUNK])


def _urls_in_use(session: Session, urls: set[str], purged_ads: set[int], purged_photos: set[int]) -> set[str]:
    """Those of `urls` that an ad or photo staying in the database still has."""
    used: set[str] = set()
    for chunk in chunks(sorted(urls)):
        used.update(
            url
            for ad_id, url in session.execute(select(Ad.id, Ad.url).where(Ad.url.in_(chunk)))
            if ad_id not in purged_ads
        )
        used.update(
            url
            for photo_id, url in session.execute(select(Photo.id, Photo.url).where(Photo.url.in_(chunk)))
            if photo_id not in purged_photos
        )
    return used


def gone_urls(session: Session, purged_ads: set[int], purged_photos: set[int]) -> tuple[set[str], set[str]]:
    """URLs of the purged ads' pages and of their photos that nothing kept uses: (all of them, the ad pages)."""
    ad_urls: set[str] = set()
    photo_urls: set[str] = set()
    for chunk in chunks(sorted(purged_ads)):
        ad_urls.update(session.scalars(select(Ad.url).where(Ad.id.in_(chunk))))
    for chunk in chunks(sorted(purged_photos)):
        photo_urls.update(session.scalars(select(Photo.url).where(Photo.id.in_(chunk))))
    kept = _urls_in_use(session, ad_urls | photo_urls, purged_ads, purged_photos)
    return (ad_urls | photo_urls) - kept, ad_urls - kept


def find_cache_urls(session: Session, urls: set[str], ad_urls: set[str]) -> list[str]:
    """http_cache rows of those URLs, and of listing pages whose remembered ad links include one of the ads.

    A listing row is dropped whole: the next crawl fetches that page again instead of trusting a 304.
    """
    found: set[str] = set()
    for chunk in chunks(sorted(urls)):
        found.update(session.scalars(select(HttpCacheEntry.url).where(HttpCacheEntry.url.in_(chunk))))
    if ad_urls:
        listings = select(HttpCacheEntry.url, HttpCacheEntry.meta).where(
            cast(HttpCacheEntry.meta, Text).like('%"ads"%')
        )
        for url, meta in session.execute(listings):
            links = meta.get("ads", []) if isinstance(meta, dict) else []
            if any(isinstance(link, list) and link and link[0] in ad_urls for link in links):
                found.add(url)
    return sorted(found)


def find_frontier_ids(session: Session, urls: set[str]) -> list[int]:
    found: set[int] = set()
    for chunk in chunks(sorted(urls)):
        found.update(session.scalars(select(FrontierEntry.id).where(FrontierEntry.url.in_(chunk))))
    return sorted(found)


def find_scan_runs(session: Session, urls: set[str]) -> list[int]:
    """Runs whose stored crawl error samples name one of the URLs."""
    if not urls:
        return []
    return [
        run_id
        for run_id, stats in session.execute(select(ScanRun.id, ScanRun.stats).order_by(ScanRun.id))
        if any(_names(error, urls) for error in _crawl_errors(stats))
    ]


# Where a run's stored statistics hold the crawl's error samples: the crawl stage's own statistics, and
# their copy in the summary the scan stores when it completes.
CRAWL_STATS = (("crawl",), ("summary", "stages", "crawl"))


def _at(stats: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        stats = stats.get(key) if isinstance(stats, dict) else None
    return stats


def _crawl_errors(stats: Any) -> Iterator[Any]:
    for path in CRAWL_STATS:
        sources = _at(stats, (*path, "sources"))
        for source in sources.values() if isinstance(sources, dict) else []:
            errors = source.get("errors") if isinstance(source, dict) else None
            yield from errors if isinstance(errors, list) else []


def _without_errors_naming(crawl: Any, urls: Collection[str]) -> Any:
    """A copy of crawl statistics without the error samples that name the URLs (the counts stay)."""
    sources = crawl.get("sources") if isinstance(crawl, dict) else None
    if not isinstance(sources, dict):
        return crawl
    cleaned = {
        name: {**source, "errors": [error for error in source["errors"] if not _names(error, urls)]}
        if isinstance(source, dict) and isinstance(source.get("errors"), list)
        else source
        for name, source in sources.items()
    }
    return {**crawl, "sources": cleaned}


def _names(error: Any, urls: Collection[str]) -> bool:
    return isinstance(error, dict) and error.get("url") in urls


def _named_ads(evidence: Any) -> set[int]:
    """Ad ids a group hit's evidence counted."""
    named: set[int] = set()
    for item in evidence if isinstance(evidence, list) else []:
        if isinstance(item, dict) and isinstance(item.get("ad_ids"), list):
            named.update(ad_id for ad_id in item["ad_ids"] if isinstance(ad_id, int))
    return named


def _survives(ad_id: int | None, network_id: int | None, purged_ads: set[int], gone_networks: set[int]) -> bool:
    return ad_id not in purged_ads and network_id not in gone_networks


def find_group_hits(session: Session, purged_ads: set[int], gone_networks: set[int]) -> list[int]:
    """Group hits of surviving ads and networks that counted a purged ad."""
    if not purged_ads:
        return []
    query = select(IndicatorHit.id, IndicatorHit.ad_id, IndicatorHit.network_id, IndicatorHit.evidence).where(
        cast(IndicatorHit.evidence, Text).like('%"ad_ids"%')
    )
    return [
        hit_id
        for hit_id, ad_id, network_id, evidence in session.execute(query)
        if _survives(ad_id, network_id, purged_ads, gone_networks) and _named_ads(evidence) & purged_ads
    ]


def _explanation_names(explanation: Any, purged_ads: set[int]) -> bool:
    rules = explanation.get("rules") if isinstance(explanation, dict) else None
    return any(isinstance(rule, dict) and _named_ads(rule.get("evidence")) & purged_ads for rule in rules or [])


def find_assessments(session: Session, purged_ads: set[int], gone_networks: set[int]) -> list[int]:
    """Surviving assessments whose explanation quotes a group hit that counted a purged ad."""
    if not purged_ads:
        return []
    query = select(Assessment.id, Assessment.ad_id, Assessment.network_id, Assessment.explanation).where(
        cast(Assessment.explanation, Text).like('%"ad_ids"%')
    )
    return [
        assessment_id
        for assessment_id, ad_id, network_id, explanation in session.execute(query)
        if _survives(ad_id, network_id, purged_ads, gone_networks) and _explanation_names(explanation, purged_ads)
    ]


def find_shrinking_networks(session: Session, purged_ads: set[int], gone_networks: set[int]) -> list[int]:
    """Networks that lose members but keep others: their summaries are recomputed from what stays."""
    found: set[int] = set()
    for chunk in chunks(sorted(purged_ads)):
        found.update(session.scalars(select(NetworkMember.network_id).where(NetworkMember.ad_id.in_(chunk))))
    return sorted(found - gone_networks)


def _subject(review: Review) -> tuple[str, Any]:
    """What a review is about, also after its ad or network was purged (the snapshot still says)."""
    snapshot = review.snapshot if isinstance(review.snapshot, dict) else {}
    if snapshot.get("kind") == "network":
        return ("network", snapshot.get("label") or review.network_id)
    return ("ad", review.ad_id if review.ad_id is not None else snapshot.get("ad_id"))


def find_benign_reviews(session: Session, purged_ads: set[int], gone_networks: set[int]) -> list[int]:
    """Reviews of purged ads and networks whose latest label is benign, not yet redacted."""
    reviews = list(session.scalars(select(Review).order_by(Review.id)))
    latest: dict[tuple[str, Any], str] = {}
    for review in reviews:
        latest[_subject(review)] = review.label
    found = []
    for review in reviews:
        snapshot = review.snapshot if isinstance(review.snapshot, dict) else {}
        gone = (review.ad_id is None or review.ad_id in purged_ads) and (
            review.network_id is None or review.network_id in gone_networks
        )
        if gone and latest[_subject(review)] == "benign" and not snapshot.get("redacted"):
            found.append(review.id)
    return found


def delete_cache(session: Session, urls: Sequence[str]) -> None:
    for chunk in chunks(urls):
        session.execute(delete(HttpCacheEntry).where(HttpCacheEntry.url.in_(chunk)))


def delete_frontier(session: Session, ids: Sequence[int]) -> None:
    for chunk in chunks(ids):
        session.execute(delete(FrontierEntry).where(FrontierEntry.id.in_(chunk)))


def clean_hits(session: Session, ids: Sequence[int], purged_ads: set[int]) -> None:
    """Replace the evidence of group hits that counted purged ads; the hit and its weight stay until the
    next rules run recomputes it from the ads that are left."""
    for chunk in chunks(ids):
        for hit in session.scalars(select(IndicatorHit).where(IndicatorHit.id.in_(chunk))):
            hit.evidence = _without_purged(list(hit.evidence), purged_ads)
            hit.explanation = REMOVED


def clean_scan_runs(session: Session, run_ids: Iterable[int], urls: Collection[str]) -> None:
    """Drop the crawl error samples that name the URLs, wherever the run's statistics hold them."""
    for run in session.scalars(select(ScanRun).where(ScanRun.id.in_(list(run_ids)))):
        stats = copy.deepcopy(run.stats)
        for path in CRAWL_STATS:
            parent = _at(stats, path[:-1]) if len(path) > 1 else stats
            if isinstance(parent, dict) and path[-1] in parent:
                parent[path[-1]] = _without_errors_naming(parent[path[-1]], urls)
        run.stats = stats


def _without_purged(evidence: list[Any], purged_ads: set[int]) -> list[Any]:
    cleaned = []
    for item in evidence:
        if isinstance(item, dict) and _named_ads([item]) & purged_ads:
            kept = [ad_id for ad_id in item["ad_ids"] if ad_id not in purged_ads]
            item = {"start": None, "end": None, "text": REMOVED, "field": item.get("field"), "ad_ids": kept}
        cleaned.append(item)
    return cleaned


def clean_assessments(session: Session, ids: Sequence[int], purged_ads: set[int]) -> None:
    """Replace the quoted evidence (and explanation) of group hits that counted purged ads; scores stay."""
    for chunk in chunks(ids):
        for assessment in session.scalars(select(Assessment).where(Assessment.id.in_(chunk))):
            explanation = dict(assessment.explanation)
            rules = []
            for rule in explanation["rules"]:
                if isinstance(rule, dict) and _named_ads(rule.get("evidence")) & purged_ads:
                    rule = {**rule, "explanation": REMOVED, "evidence": _without_purged(rule["evidence"], purged_ads)}
                rules.append(rule)
            explanation["rules"] = rules
            assessment.explanation = explanation


def refresh_network_summaries(session: Session, network_ids: Sequence[int], min_strength: float) -> None:
    """Summaries (and sizes) of networks that lost members, from the members that stay."""
    if not network_ids:
        return
    from scanner.link.core import summarise
    from scanner.link.records import LinkEdge
    from scanner.link.store import load_records

    members: dict[int, set[int]] = {network_id: set() for network_id in network_ids}
    for chunk in chunks(list(network_ids)):
        for network_id, ad_id in session.execute(
            select(NetworkMember.network_id, NetworkMember.ad_id).where(NetworkMember.network_id.in_(chunk))
        ):
            members[network_id].add(ad_id)
    wanted = set().union(*members.values())
    records = {record.ad_id: record for record in load_records(session) if record.ad_id in wanted}
    for network in session.scalars(select(Network).where(Network.id.in_(list(network_ids)))):
        ads = sorted(ad for ad in members[network.id] if ad in records)
        links = [
            LinkEdge(link.ad_a_id, link.ad_b_id, link.kind, link.strength, link.evidence)
            for chunk in chunks(ads)
            for link in session.scalars(select(Link).where(Link.ad_a_id.in_(chunk)))
            if link.ad_b_id in members[network.id]
        ]
        network.summary = {**summarise([records[ad] for ad in ads], links, min_strength), "label": network.label}
        network.size = len(members[network.id])


def redact_reviews(session: Session, ids: Sequence[int]) -> None:
    """Keep label, reviewer, time, scores and rule ids; drop the ad's text, phones, URL and the note."""
    for chunk in chunks(ids):
        for review in session.scalars(select(Review).where(Review.id.in_(chunk))):
            snapshot = review.snapshot if isinstance(review.snapshot, dict) else {}
            review.snapshot = {**{key: snapshot[key] for key in REDACTED_KEEPS if key in snapshot}, "redacted": True}
            review.note = ""
