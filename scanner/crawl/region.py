"""Which ads to keep: only those whose city lies in the configured region (data minimisation).

The region (a source's `region`, else settings.municipality.region) names municipalities, provinces,
police units or safety regions. A city is inside when its own name, or its municipality, province,
police unit or safety region as known to `scanner.extract.places`, is one of those names. An empty
region keeps everything, and so does a city that cannot be placed while `scanner.extract.places` is
missing. An ad without a city is kept: leaving it out could hide an ad in the region.
"""

from __future__ import annotations

import importlib
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

_PLACE_ATTRIBUTES = ("name", "municipality", "province", "police_unit", "safety_region")


def normalise(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().replace("-", " ").split())


def _place_lookup() -> Callable[[str], Any] | None:
    try:
        places = importlib.import_module("scanner.extract.places")
    except ImportError:
        return None
    lookup = getattr(places, "lookup", None)
    return lookup if callable(lookup) else None


class RegionFilter:
    def __init__(self, names: Iterable[str], lookup: Callable[[str], Any] | None = None) -> None:
        self.names = frozenset(normalise(name) for name in names if name.strip())
        self._lookup = lookup if lookup is not None else (_place_lookup() if self.names else None)
        self._inside = lru_cache(maxsize=4096)(self._compute)

    @property
    def keeps_everything(self) -> bool:
        return not self.names

    def contains(self, city: str | None) -> bool:
        if not self.names or not city:
            return True
        return self._inside(city)

    def _compute(self, city: str) -> bool:
        if normalise(city) in self.names:
            return True
        if self._lookup is None:
            return True  # without place data nothing can be ruled out
        place = self._lookup(city)
        if place is None:
            return False
        for attribute in _PLACE_ATTRIBUTES:
            value = getattr(place, attribute, None)
            if isinstance(value, str) and normalise(value) in self.names:
                return True
        return False
