"""Region keeping: a city is inside when it, or its municipality, province, police unit or safety
region, is named in the region."""

from __future__ import annotations

import pytest

from scanner.crawl.region import RegionFilter


@pytest.mark.parametrize(
    ("region", "city", "inside"),
    [
        (["Kennemerland"], "Haarlem", True),  # safety region
        (["Kennemerland"], "Hoofddorp", True),  # a residence of Haarlemmermeer
        (["Kennemerland"], "Rotterdam", False),
        (["Noord-Holland"], "Amsterdam", True),  # province
        (["noord holland"], "Zaandam", True),  # written differently
        (["Haarlem"], "haarlem", True),  # the municipality itself, any case
        (["Haarlem"], "Antwerpen", False),
        ([], "Antwerpen", True),  # no region: everything is kept
        (["Haarlem"], None, True),  # no city: kept rather than hidden
    ],
)
def test_cities_inside_the_region(region: list[str], city: str | None, inside: bool) -> None:
    assert RegionFilter(region).contains(city) is inside


def test_a_city_the_place_data_does_not_know_is_left_out() -> None:
    region = RegionFilter(["Kennemerland"], lookup=lambda name: None)
    assert region.contains("Kennemerland")  # named in the region itself
    assert not region.contains("Atlantis")


def test_without_the_places_module_nothing_is_ruled_out(monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner.crawl import region as region_module

    monkeypatch.setattr(region_module, "_place_lookup", lambda: None)
    assert RegionFilter(["Kennemerland"]).contains("Rotterdam")
