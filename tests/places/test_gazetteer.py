"""The gazetteer: the 2023-2025 municipal division, its regions, aliases and region filters."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from scanner.errors import ConfigError
from scanner.places import gazetteer, lookup, places_in_region
from scanner.places.gazetteer import DATA_DIR


def _municipalities() -> list[dict[str, str]]:
    with (DATA_DIR / "municipalities_nl.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_2023_division_has_342_municipalities_with_regions() -> None:
    rows = _municipalities()
    assert len(rows) == 342
    assert len({row["code"] for row in rows}) == 342
    assert len({row["name"] for row in rows}) == 342
    assert len({row["safety_region"] for row in rows}) == 25
    assert len({row["police_unit"] for row in rows}) == 10
    assert len({row["province"] for row in rows}) == 12
    names = {row["name"] for row in rows}
    assert "Voorne aan Zee" in names and "Weesp" not in names and "Brielle" not in names


def test_data_readme_names_the_sources() -> None:
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for needed in ("minvws/nl-covid19-data-dashboard", "CBS", "licen"):
        assert needed in readme


@pytest.mark.parametrize(
    ("name", "canonical", "municipality", "safety_region", "police_unit", "province"),
    [
        ("The Hague", "Den Haag", "Den Haag", "Haaglanden", "Den Haag", "Zuid-Holland"),
        ("'s-Gravenhage", "Den Haag", "Den Haag", "Haaglanden", "Den Haag", "Zuid-Holland"),
        ("Den Bosch", "'s-Hertogenbosch", "'s-Hertogenbosch", "Brabant-Noord", "Oost-Brabant", "Noord-Brabant"),
        ("haarlem", "Haarlem", "Haarlem", "Kennemerland", "Noord-Holland", "Noord-Holland"),
        ("Hoofddorp", "Hoofddorp", "Haarlemmermeer", "Kennemerland", "Noord-Holland", "Noord-Holland"),
        ("Amsterdam", "Amsterdam", "Amsterdam", "Amsterdam-Amstelland", "Amsterdam", "Noord-Holland"),
        ("Almere", "Almere", "Almere", "Flevoland", "Midden-Nederland", "Flevoland"),
    ],
)
def test_lookup(
    name: str, canonical: str, municipality: str, safety_region: str, police_unit: str, province: str
) -> None:
    place = lookup(name)
    assert place is not None
    assert (place.name, place.municipality, place.safety_region, place.police_unit, place.province) == (
        canonical, municipality, safety_region, police_unit, province,
    )  # fmt: skip


def test_belgian_cities_in_dutch() -> None:
    for alias, name in (("Antwerp", "Antwerpen"), ("Brussels", "Brussel"), ("Liège", "Luik"), ("Ghent", "Gent")):
        place = lookup(alias)
        assert place is not None and place.name == name and place.country == "BE"
    assert lookup("Atlantis") is None


def test_places_in_a_safety_region() -> None:
    kennemerland = places_in_region(["Kennemerland"])
    assert {"Haarlem", "Hoofddorp", "Haarlemmermeer", "Zandvoort", "IJmuiden", "Velsen"} <= kennemerland
    assert "Amsterdam" not in kennemerland


def test_places_in_a_municipality_include_its_residences() -> None:
    assert places_in_region(["Haarlemmermeer"]) >= {"Haarlemmermeer", "Hoofddorp", "Nieuw-Vennep", "Schiphol"}
    assert places_in_region(["Haarlem"]) == {"Haarlem", "Spaarndam", "Schalkwijk", "Rozenprieel"}


def test_police_unit_and_province_of_the_same_name() -> None:
    unit = places_in_region(["politie-eenheid Noord-Holland"])
    province = places_in_region(["provincie Noord-Holland"])
    assert "Haarlem" in unit and "Amsterdam" not in unit and "Hilversum" not in unit
    assert {"Haarlem", "Amsterdam", "Hilversum"} <= province
    assert places_in_region(["Noord-Holland"]) == unit | province


def test_unknown_region_suggests_a_name() -> None:
    with pytest.raises(ConfigError) as raised:
        places_in_region(["Kenemerland"])
    assert raised.value.hint is not None and "Kennemerland" in raised.value.hint


def test_every_alias_points_at_a_known_place() -> None:
    table = gazetteer()
    with (Path(DATA_DIR) / "aliases.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            place = lookup(row["alias"])
            assert place is not None and place.name in table.places, row
