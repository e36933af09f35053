"""The `--region` filter of report, search and export: the one place resolver, the same names the crawl accepts.

`region_named(name)` asks `scanner.places` (which the crawl's `municipality.region` uses too) for the
municipalities inside a municipality, residence, province, police unit or safety region, in any
spelling it knows ("Zuid Holland", "zuid-holland", "Den Bosch"). An unknown name is an `InputError`
with the gazetteer's did-you-mean. `RegionFilter` then keeps an ad whose municipality (resolved by
the crawl), or a municipality its text says it is in (not a reference point: "10 min van Utrecht"),
is one of them. An ad held because its place could not be resolved is never kept: it cannot be shown
to be in the region.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from scanner.db.models import Ad
from scanner.errors import ConfigError, InputError
from scanner.investigate import queries
from scanner.places import Region


def region_named(name: str) -> frozenset[str]:
    """The municipalities inside `name`; the one call into the place resolver."""
    if not name.strip():
        raise InputError("the region is empty", context="--region", hint="e.g. --region Kennemerland")
    try:
        return Region([name]).municipalities
    except ConfigError as exc:
        raise InputError(exc.message, context="--region", hint=exc.hint) from None


def in_region(city: str | None, features: Mapping[str, Any] | None, municipalities: frozenset[str]) -> bool:
    """The ad's municipality, or one its text says it is in, lies inside `municipalities`."""
    if city in municipalities:
        return True
    for place in (features or {}).get("places") or []:
        if isinstance(place, Mapping) and not place.get("reference") and place.get("municipality") in municipalities:
            return True
    return False


@dataclass(frozen=True)
class RegionFilter:
    """The ads a `--region` keeps; without a region, every ad whose place is resolved."""

    municipalities: frozenset[str] | None = None

    @classmethod
    def named(cls, name: str | None) -> RegionFilter:
        return cls(region_named(name) if name else None)

    def keeps(self, ad: Ad, features: Mapping[str, Any] | None) -> bool:
        if ad.place_held_since is not None:
            return False
        return self.municipalities is None or in_region(ad.city, features, self.municipalities)

    def ads(self, session: Session, ads: Iterable[Ad]) -> list[Ad]:
        """The ads (judged by their current version) inside the region."""
        ads = [ad for ad in ads if ad.place_held_since is None]
        if self.municipalities is None:
            return ads
        versions = queries.versions(session, [ad.current_version_id for ad in ads])
        return [ad for ad in ads if self.keeps(ad, queries.current_features(versions, ad))]
