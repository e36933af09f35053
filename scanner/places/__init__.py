"""Places: the one gazetteer and place resolver, below every stage that reads a place.

`lookup(name)` gives the place a name or alias stands for; `resolve_place(text)` reads a site's place
field or a listing's city ("Haarlem e.o.", "Haarlem (Kennemerland)", "Schalkwijk") to its
municipality; `Region(names)` decides whether a resolved place is inside the configured region;
`places_in_region` and `unknown_region_names` answer questions about regions. The crawl's region
filter, the extraction stage (which finds places in text) and the settings all use this package.
"""

from scanner.places.gazetteer import (
    Place,
    fold,
    gazetteer,
    lookup,
    place_key,
    places_in_region,
    region_municipalities,
    unknown_region_names,
)
from scanner.places.resolve import Decision, Region, Resolution, resolve_place

__all__ = [
    "Decision",
    "Place",
    "Region",
    "Resolution",
    "fold",
    "gazetteer",
    "lookup",
    "place_key",
    "places_in_region",
    "region_municipalities",
    "resolve_place",
    "unknown_region_names",
]
