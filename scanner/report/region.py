"""The `--region` filter of report, search and export: one place resolver, the same names the crawl accepts.

`places_in(name)` asks the gazetteer (`scanner.extract.places.places_in_region`, which the crawl's
`municipality.region` uses too) for every place inside a municipality, residence, province, police
unit or safety region, in any spelling it knows ("Zuid Holland", "zuid-holland", "Den Bosch"). An
unknown name is an `InputError` with the gazetteer's did-you-mean. `RegionFilter` then keeps an ad
whose city, or a place its text names (not as a reference point: "10 min van Utrecht"), is one of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from scanner.db.models import Ad
from scanner.errors import ConfigError, InputError
from scanner.report import queries


def places_in(name: str) -> frozenset[str]:
    """Canonical names of every place inside `name`; the one call into the place resolver."""
    from scanner.extract.places import places_in_region

    if not name.strip():
        raise InputError("the region is empty", context="--region", hint="e.g. --region Kennemerland")
    try:
        return frozenset(places_in_region([name]))
    except ConfigError as exc:
        raise InputError(exc.message, context="--region", hint=exc.hint) from None


def in_region(city: str | None, features: Mapping[str, Any] | None, places: frozenset[str]) -> bool:
    """The ad's city or a place it says it is in lies inside `places`."""
    if city in places:
        return True
    for place in (features or {}).get("places") or []:
        if isinstance(place, Mapping) and not place.get("reference") and place.get("name") in places:
            return True
    return False


@dataclass(frozen=True)
class RegionFilter:
    """The ads a `--region` keeps; without a region, every ad."""

    places: frozenset[str] | None = None

    @classmethod
    def named(cls, name: str | None) -> RegionFilter:
        return cls(places_in(name) if name else None)

    def keeps(self, ad: Ad, features: Mapping[str, Any] | None) -> bool:
        return self.places is None or in_region(ad.city, features, self.places)

    def ads(self, session: Session, ads: Iterable[Ad]) -> list[Ad]:
        """The ads (judged by their current version) inside the region."""
        ads = list(ads)
        if self.places is None:
            return ads
        versions = queries.versions(session, [ad.current_version_id for ad in ads])
        return [ad for ad in ads if self.keeps(ad, queries.current_features(versions, ad))]
