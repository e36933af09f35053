"""Where an ad is, and whether to keep it: its place resolved to a municipality, then kept, refused or held.

The ad's place field, else the city of the listing it was found on, goes through the one place
resolver (`scanner.places.resolve_place`): "Haarlem e.o." is Haarlem, "IJmuiden" is Velsen,
"Schalkwijk" is Haarlem. Then, against the region (a source's `region`, else
`municipality.region`; names checked when the settings load):

- inside: the ad is kept and its municipality stored (`ads.city`, `sightings.city`), so the
  movement rules and the report see one town however the site writes it;
- outside: nothing of the ad is stored (data minimisation);
- unknown: the place cannot be resolved (a spelling the gazetteer does not know), is an area only
  partly inside the region, or is missing while a region is configured. The ad is stored without a
  city and **held** (`ads.place_held_since`): not linked, scored or reported until a known place is
  found in its text, and purged when the hold ends (`retention.unresolved_place_days`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from scanner.places import Decision, Region, resolve_place


@dataclass(frozen=True, slots=True)
class Placement:
    decision: Decision  # inside | outside | unknown (held)
    municipality: str | None


class RegionFilter:
    def __init__(self, names: Iterable[str]) -> None:
        self.region = Region(list(names))
        self._place = lru_cache(maxsize=4096)(self._compute)

    @property
    def names(self) -> list[str]:
        return self.region.names

    @property
    def keeps_everything(self) -> bool:
        return self.region.keeps_everything

    def place(self, *written: str | None) -> Placement:
        """The first of the ad's place texts that resolves (its own field first, then the listing's city)."""
        return self._place(tuple(text.strip() for text in written if text and text.strip()))

    def contains(self, city: str | None) -> bool:
        """Whether a place text is inside the region (an unresolved one is not known to be)."""
        return self.place(city).decision == "inside"

    def _compute(self, texts: tuple[str, ...]) -> Placement:
        for text in texts:
            resolution = resolve_place(text)
            if resolution is not None:
                return Placement(self.region.decide(resolution), resolution.municipality)
        if not texts and self.keeps_everything:
            return Placement("inside", None)  # no place and no region: nothing to decide
        return Placement("unknown", None)
