"""Where an ad is: its place field (else its listing's city) resolved to a municipality, then kept inside the
region, refused outside it, or held when it cannot be resolved."""

from __future__ import annotations

import pytest

from scanner.crawl.region import Placement, RegionFilter


@pytest.mark.parametrize(
    ("region", "written", "expected"),
    [
        (["Kennemerland"], "Haarlem", Placement("inside", "Haarlem")),  # safety region
        (["Kennemerland"], "Haarlem e.o.", Placement("inside", "Haarlem")),
        (["Kennemerland"], "Haarlem (Kennemerland)", Placement("inside", "Haarlem")),
        (["Kennemerland"], "regio Haarlem", Placement("inside", "Haarlem")),
        (["Kennemerland"], "Schalkwijk", Placement("inside", "Haarlem")),  # a district of Haarlem
        (["Kennemerland"], "Haarlem-Noord", Placement("inside", "Haarlem")),
        (["Kennemerland"], "IJmuiden e.o.", Placement("inside", "Velsen")),  # a residence of Velsen
        (["Kennemerland"], "Hoofddorp (Schiphol)", Placement("inside", "Haarlemmermeer")),
        (["Kennemerland"], "Heemstede (bij Haarlem)", Placement("inside", "Heemstede")),
        (["Kennemerland"], "Amsterdam West", Placement("outside", "Amsterdam")),
        (["Kennemerland"], "Rotterdam", Placement("outside", "Rotterdam")),
        (["Noord-Holland"], "Zaandam", Placement("inside", "Zaanstad")),  # province
        (["noord holland"], "Amsterdam", Placement("inside", "Amsterdam")),  # the region written differently
        (["Haarlem"], "haarlem", Placement("inside", "Haarlem")),  # the municipality itself, any case
        (["Haarlem"], "Antwerpen", Placement("outside", "Antwerpen")),
        ([], "Antwerpen", Placement("inside", "Antwerpen")),  # no region: every known place is kept
        (["Kennemerland"], "Haarlm", Placement("unknown", None)),  # a spelling nobody knows: held
        ([], "Haarlm", Placement("unknown", None)),  # held without a region too: it cannot be placed
        (["Kennemerland"], None, Placement("unknown", None)),  # no place while a region is set: held
        ([], None, Placement("inside", None)),  # no place, no region: nothing to decide
        (["Kennemerland"], "Kennemerland", Placement("inside", None)),  # an area inside the region
        (["Kennemerland"], "Noord-Holland", Placement("unknown", None)),  # an area partly inside
        (["Kennemerland"], "Groningen (provincie)", Placement("outside", "Groningen")),
    ],
)
def test_places_as_sites_write_them(region: list[str], written: str | None, expected: Placement) -> None:
    assert RegionFilter(region).place(written) == expected


def test_the_ads_own_place_comes_first_then_the_listings_city() -> None:
    region = RegionFilter(["Kennemerland"])
    assert region.place("IJmuiden", "Haarlem") == Placement("inside", "Velsen")
    assert region.place("Haarlm", "Haarlem") == Placement("inside", "Haarlem")  # the listing places it
    assert region.place("", "Amsterdam") == Placement("outside", "Amsterdam")
    assert region.contains("Haarlem e.o.") and not region.contains("Haarlm")
