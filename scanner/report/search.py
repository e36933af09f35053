"""`scanner search`: find ads by phone (any formatting), by words in any version, or by a photo.

A photo is compared by perceptual hash (pHash and its mirror) within `linking.photo_max_distance`
bits, so a resized, recompressed or mirrored copy still matches.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from scanner.crawl.imagehashes import hamming, hash_image
from scanner.db.models import Ad, AdIdentifier, AdPhoto, AdVersion, Identifier, Photo
from scanner.errors import InputError
from scanner.report import queries
from scanner.report.watch import normalise_phone
from scanner.settings import Settings

MAX_RESULTS = 500


def _ads(session: Session, settings: Settings, ad_ids: set[int], why: dict[int, str]) -> list[dict[str, Any]]:
    ordered = sorted(ad_ids)[:MAX_RESULTS]
    ads = list(session.scalars(select(Ad).where(Ad.id.in_(ordered)).order_by(Ad.id))) if ordered else []
    summaries = queries.ad_summaries(session, ads, snippet_chars=settings.report.snippet_chars)
    for summary in summaries:
        summary["match"] = why.get(summary["id"], "")
    return sorted(summaries, key=lambda ad: (-(ad["risk_score"] or 0), ad["id"]))


def by_phone(session: Session, settings: Settings, raw: str) -> tuple[str, list[dict[str, Any]]]:
    e164 = normalise_phone(raw, settings)
    ad_ids = set(
        session.scalars(
            select(AdIdentifier.ad_id)
            .join(Identifier, Identifier.id == AdIdentifier.identifier_id)
            .where(Identifier.kind == "phone", Identifier.value == e164)
        )
    )
    return e164, _ads(session, settings, ad_ids, dict.fromkeys(ad_ids, "phone"))


def by_text(session: Session, settings: Settings, words: str) -> list[dict[str, Any]]:
    needle = " ".join(words.lower().split())
    if len(needle) < 3:
        raise InputError("search text must be at least 3 characters", context="--text")
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    ad_ids = set(
        session.scalars(
            select(AdVersion.ad_id)
            .where(
                or_(
                    func.lower(AdVersion.text).like(pattern, escape="\\"),
                    func.lower(AdVersion.title).like(pattern, escape="\\"),
                )
            )
            .distinct()
        )
    )
    return _ads(session, settings, ad_ids, dict.fromkeys(ad_ids, "text"))


def by_image(session: Session, settings: Settings, path: Path) -> list[dict[str, Any]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the image: {exc.strerror}", context=str(path)) from None
    hashes = hash_image(data, max_pixels=settings.crawl.max_image_pixels, context=str(path))
    limit = settings.linking.photo_max_distance
    close: dict[int, int] = {}
    for photo_id, phash in session.execute(select(Photo.id, Photo.phash).where(Photo.phash.is_not(None))):
        if phash is None:
            continue
        distance = min(hamming(phash, hashes.phash), hamming(phash, hashes.phash_mirror))
        if distance <= limit:
            close[photo_id] = distance
    why: dict[int, str] = {}
    for chunk in queries.chunks(sorted(close)):
        for ad_id, photo_id in session.execute(
            select(AdPhoto.ad_id, AdPhoto.photo_id).where(AdPhoto.photo_id.in_(chunk))
        ):
            distance = close[photo_id]
            if ad_id not in why or distance < int(why[ad_id].split()[-1]):
                why[ad_id] = f"photo distance {distance}"
    return _ads(session, settings, set(why), why)
