"""`scanner search`: find ads by phone (any formatting, or part of one), by words in any version, or by a photo.

- A whole phone number in any formatting matches exactly (numbers are stored in E.164). Part of one
  matches too: the last 6 or more digits ("345678"), or the start of a number written with its
  trunk or country prefix ("06 12 3", "+31 6 123", "0031 6 123": at least 6 digits in E.164).
- Words match in the title or text of any version, ignoring case and accents ("prive" finds "privé",
  "Zoe" finds "Zoë"): every stored version is read and compared in its folded form.
- A photo is compared by perceptual hash (pHash and its mirror) within `linking.photo_max_distance`
  bits, so a resized, recompressed or mirrored copy still matches.

Every search can be limited to a region (`scanner.investigate.region`, the names the crawl accepts).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from scanner.crawl.imagehashes import hamming, hash_image
from scanner.db.models import Ad, AdIdentifier, AdPhoto, AdVersion, Identifier, Photo
from scanner.errors import InputError
from scanner.investigate import queries
from scanner.investigate.region import RegionFilter
from scanner.investigate.watch import normalise_phone
from scanner.settings import Settings

MAX_RESULTS = 500
MIN_PART_DIGITS = 6  # fewer digits of a number would match too many others


def _ads(
    session: Session, settings: Settings, ad_ids: set[int], why: dict[int, str], region: str | None
) -> list[dict[str, Any]]:
    ordered = sorted(ad_ids)
    ads = RegionFilter.named(region).ads(
        session,
        [ad for chunk in queries.chunks(ordered) for ad in session.scalars(select(Ad).where(Ad.id.in_(chunk)))],
    )
    ads = sorted(ads, key=lambda ad: ad.id)[:MAX_RESULTS]
    summaries = queries.ad_summaries(session, ads, snippet_chars=settings.report.snippet_chars)
    for summary in summaries:
        summary["match"] = why.get(summary["id"], "")
    return sorted(summaries, key=lambda ad: (-(ad["risk_score"] or 0), ad["id"]))


def phone_query(raw: str, settings: Settings) -> dict[str, str]:
    """What a typed number asks for: {"phone": E.164} for a whole number, else {"phone_prefix": "+316123"}
    or {"phone_ends_with": "345678"} for part of one."""
    try:
        return {"phone": normalise_phone(raw, settings)}
    except InputError:
        pass
    typed = raw.strip()
    digits = "".join(char for char in typed if char.isdigit())
    if typed.startswith(("+", "00")):
        prefix = "+" + (digits[2:] if typed.startswith("00") else digits)
    elif typed.startswith("0"):
        country = phonenumbers.country_code_for_region(settings.extract.default_region)
        prefix = f"+{country}{digits[1:]}"
    else:
        if len(digits) < MIN_PART_DIGITS:
            raise _too_short(digits)
        return {"phone_ends_with": digits}
    if len(prefix) - 1 < MIN_PART_DIGITS:
        raise _too_short(prefix)
    return {"phone_prefix": prefix}


def _too_short(digits: str) -> InputError:
    return InputError(
        f"not a whole phone number, and {len(digits.lstrip('+'))} digits are too few to search for part of one",
        context="--phone",
        hint=f"give the whole number, its last {MIN_PART_DIGITS} digits or more (345678), or its start with "
        "0 or +31 and at least 6 digits (06 12 3)",
    )


def by_phone(
    session: Session, settings: Settings, raw: str, *, region: str | None = None
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    query = phone_query(raw, settings)
    ((kind, value),) = query.items()
    if kind == "phone":
        condition = Identifier.value == value
    else:  # E.164 values hold only "+" and digits: nothing to escape in the pattern
        condition = Identifier.value.like(f"{value}%" if kind == "phone_prefix" else f"%{value}")
    why: dict[int, str] = {}
    for ad_id, phone in session.execute(
        select(AdIdentifier.ad_id, Identifier.value)
        .join(Identifier, Identifier.id == AdIdentifier.identifier_id)
        .where(Identifier.kind == "phone", condition)
        .order_by(Identifier.value)
    ):
        why.setdefault(ad_id, f"phone {phone}")
    return query, _ads(session, settings, set(why), why, region)


def fold(text: str) -> str:
    """Text as text search compares it: accents and case dropped, every run of white space one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).casefold().split())


def by_text(session: Session, settings: Settings, words: str, *, region: str | None = None) -> list[dict[str, Any]]:
    needle = fold(words)
    if len(needle) < 3:
        raise InputError("search text must be at least 3 characters", context="--text")
    found: set[int] = set()
    rows = session.execute(select(AdVersion.ad_id, AdVersion.title, AdVersion.text).execution_options(yield_per=1000))
    for ad_id, title, text in rows:
        if ad_id not in found and (needle in fold(title or "") or needle in fold(text or "")):
            found.add(ad_id)
    return _ads(session, settings, found, dict.fromkeys(found, "text"), region)


def by_image(session: Session, settings: Settings, path: Path, *, region: str | None = None) -> list[dict[str, Any]]:
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
    return _ads(session, settings, set(why), why, region)
