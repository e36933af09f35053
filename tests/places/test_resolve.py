"""The one place resolver: place fields as sites and advertisers write them, to their municipality.

The cases are in tests/places/data/place_fields.jsonl (written, expected municipality or null); they
were written for this project from the forms Dutch ad sites use (a region in brackets, "e.o.", a
district, two towns), not taken from any site.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.lab.demo.lichtbaken.places import TOWNS
from scanner.places import Region, region_municipalities, resolve_place

CASES = [json.loads(line) for line in (Path(__file__).parent / "data" / "place_fields.jsonl").read_text().splitlines()]


@pytest.mark.parametrize("case", CASES, ids=[case["written"] for case in CASES])
def test_place_fields(case: dict[str, str | None]) -> None:
    resolution = resolve_place(case["written"])
    found = resolution.municipality if resolution is not None else None
    assert found == case["municipality"]


def test_every_way_the_lichtbaken_advertisers_write_their_town_resolves_and_no_slip_is_guessed() -> None:
    for town in TOWNS:
        for form in town.forms:
            resolution = resolve_place(form)
            assert resolution is not None and resolution.municipality == town.municipality, form
        for slip in town.slips:
            assert resolve_place(slip) is None, slip


def test_an_area_is_every_municipality_in_it_and_no_single_one() -> None:
    resolution = resolve_place("Kennemerland")
    assert resolution is not None and resolution.place is None and resolution.municipality is None
    assert resolution.municipalities == region_municipalities("Kennemerland")
    assert {"Haarlem", "Velsen", "Haarlemmermeer"} <= resolution.municipalities


def test_the_region_decides_on_municipalities() -> None:
    region = Region(["Kennemerland"])
    assert region.decide(resolve_place("Haarlem e.o.")) == "inside"
    assert region.decide(resolve_place("Amsterdam West")) == "outside"
    assert region.decide(resolve_place("Noord-Holland")) == "unknown"  # partly inside
    assert region.decide(None) == "unknown"
    assert Region([]).decide(resolve_place("Antwerpen")) == "inside"
