"""Watchlists: phones, networks and text an investigator follows, and which ads match them.

Values are stored normalised so matching is exact: a phone in E.164 whatever way it was typed, a
network as its label (N-000123), text in lower case. The report marks every listed ad that matches
an active entry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import phonenumbers
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scanner.clock import utcnow
from scanner.db.models import Ad, AdVersion, Network, WatchlistEntry
from scanner.errors import InputError, NotFoundError
from scanner.extract import extract
from scanner.investigate.queries import chunks, current_networks, identifiers
from scanner.settings import Settings

KINDS = ("phone", "network", "text")


def normalise_phone(raw: str, settings: Settings) -> str:
    """E.164 for a phone number typed in any formatting ("06 12 34 56 78", "+31 (0)6-12345678").

    The extractor reads it first, so a number copied from an ad in words, emoji or look-alike
    letters ("nul zes twaalf...", "O6-l2345678") is found as it was found in the ad itself.
    """
    found = extract("", {"phone": raw}, settings=settings).phones
    if len(found) == 1:
        return found[0]
    digits = "".join(char for char in raw if char.isdigit() or char == "+")
    for region in [settings.extract.default_region, *settings.extract.other_regions]:
        try:
            number = phonenumbers.parse(raw if raw.strip().startswith(("+", "00")) else digits, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    raise InputError(
        f"not a phone number: {len(digits)} digits",
        context="phone",
        hint="write it as on the ad, e.g. 06 12 34 56 78 or +31 6 12345678",
    )


def normalise(kind: str, value: str, settings: Settings) -> str:
    if kind == "phone":
        return normalise_phone(value, settings)
    if kind == "network":
        label = value.strip().upper()
        if label.isdigit():
            label = f"N-{int(label):06d}"
        return label
    if kind == "text":
        text = " ".join(value.lower().split())
        if len(text) < 3:
            raise InputError("watched text must be at least 3 characters", context="watch text")
        return text
    raise InputError(f"unknown watch kind {kind!r}", hint=f"one of: {', '.join(KINDS)}")


def add_entry(
    session: Session, settings: Settings, *, kind: str, value: str, note: str, actor: str, now: datetime | None = None
) -> WatchlistEntry:
    normalised = normalise(kind, value, settings)
    if kind == "network" and session.scalars(select(Network.id).where(Network.label == normalised)).first() is None:
        raise NotFoundError(f"no network {normalised}", context="watch", hint="find labels with `scanner report`")
    existing = session.scalars(
        select(WatchlistEntry).where(
            WatchlistEntry.kind == kind, WatchlistEntry.value == normalised, WatchlistEntry.active.is_(True)
        )
    ).first()
    if existing is not None:
        return existing
    entry = WatchlistEntry(kind=kind, value=normalised, note=note, created_by=actor, created_at=now or utcnow())
    session.add(entry)
    session.flush()
    return entry


def deactivate(session: Session, entry_id: int) -> WatchlistEntry:
    entry = session.get(WatchlistEntry, entry_id)
    if entry is None or not entry.active:
        raise NotFoundError(f"no active watchlist entry {entry_id}", context="watch", hint="see `scanner watch list`")
    entry.active = False
    return entry


def active_entries(session: Session) -> list[WatchlistEntry]:
    return list(
        session.scalars(select(WatchlistEntry).where(WatchlistEntry.active.is_(True)).order_by(WatchlistEntry.id))
    )


def entry_json(entry: WatchlistEntry) -> dict[str, Any]:
    return {"id": entry.id, "kind": entry.kind, "value": entry.value, "note": entry.note}


def matches(session: Session, ads: Sequence[Ad], entries: Sequence[WatchlistEntry]) -> dict[int, list[dict[str, Any]]]:
    """For each ad that matches an active entry, the entries it matches."""
    if not entries or not ads:
        return {}
    ad_ids = [ad.id for ad in ads]
    phones = identifiers(session, ad_ids)
    networks = {ad_id: network.label for ad_id, network in current_networks(session, ad_ids).items()}
    texts: dict[int, str] = {}
    if any(entry.kind == "text" for entry in entries):
        version_ids = [ad.current_version_id for ad in ads if ad.current_version_id]
        for chunk in chunks(version_ids):
            for ad_id, title, text in session.execute(
                select(AdVersion.ad_id, func.lower(AdVersion.title), func.lower(AdVersion.text)).where(
                    AdVersion.id.in_(chunk)
                )
            ):
                texts[ad_id] = " ".join(f"{title} {text}".split())
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for ad_id in ad_ids:
        for entry in entries:
            if (
                (entry.kind == "phone" and entry.value in phones.get(ad_id, []))
                or (entry.kind == "network" and networks.get(ad_id) == entry.value)
                or (entry.kind == "text" and entry.value in texts.get(ad_id, ""))
            ):
                found[ad_id].append(entry_json(entry))
    return dict(found)
