"""The towns of the lichtbaken world and how its advertisers fill in the site's free-text "Woonplaats" row.

Lichtbaken is a regional site for Haarlem, the IJmond and the Haarlemmermeer, with a few ads from
the cities around. Its place row is a text box: people write their town, their district, "e.o."
(en omstreken), a region in brackets, or a neighbouring town after a slash, and now and then a typing
slip. Each town knows its true municipality (the ground truth) and the forms its people write.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Town:
    name: str  # how the town is called in a sentence
    municipality: str  # the truth: the municipality it lies in
    site_region: str  # the site's own listing region ("Haarlem en omstreken", "IJmond", ...)
    weight: int  # how many advertisers live there, relative
    forms: tuple[str, ...]  # how people fill in the place row, the usual ones first
    slips: tuple[str, ...] = ()  # typing slips a few people make
    area_code: str | None = None  # for the landlines of clubs and agencies

    @property
    def in_kennemerland(self) -> bool:
        return self.municipality in KENNEMERLAND


KENNEMERLAND = frozenset(
    {
        "Beverwijk",
        "Bloemendaal",
        "Haarlem",
        "Haarlemmermeer",
        "Heemskerk",
        "Heemstede",
        "Uitgeest",
        "Velsen",
        "Zandvoort",
    }
)

TOWNS: tuple[Town, ...] = (
    Town(
        "Haarlem",
        "Haarlem",
        "Haarlem en omstreken",
        12,
        (
            "Haarlem",
            "Haarlem e.o.",
            "Haarlem (Kennemerland)",
            "Haarlem-Noord",
            "Haarlem Schalkwijk",
            "Schalkwijk",
            "Haarlem centrum",
            "Haarlem-Oost",
            "regio Haarlem",
            "Haarlem en omgeving",
            "Haarlem/Heemstede",
            "Haarlem eo",
        ),
        ("Haarlm", "Harlem"),
        "23",
    ),
    Town(
        "IJmuiden",
        "Velsen",
        "IJmond",
        4,
        ("IJmuiden", "IJmuiden e.o.", "Ijmuiden", "IJmuiden aan Zee", "IJmuiden (Velsen)"),
        ("Ijmuden",),
        "255",
    ),
    Town("Velsen-Noord", "Velsen", "IJmond", 1, ("Velsen-Noord", "Velsen Noord")),
    Town("Santpoort", "Velsen", "IJmond", 1, ("Santpoort-Noord", "Santpoort", "Santpoort-Zuid")),
    Town(
        "Beverwijk",
        "Beverwijk",
        "IJmond",
        3,
        ("Beverwijk", "Beverwijk e.o.", "Beverwijk (IJmond)"),
        ("Beverwyk",),
        "251",
    ),
    Town("Heemskerk", "Heemskerk", "IJmond", 1, ("Heemskerk", "Heemskerk e.o.")),
    Town("Zandvoort", "Zandvoort", "Haarlem en omstreken", 2, ("Zandvoort", "Zandvoort aan Zee", "Zandvoort e.o.")),
    Town("Heemstede", "Heemstede", "Haarlem en omstreken", 2, ("Heemstede", "Heemstede (bij Haarlem)")),
    Town("Overveen", "Bloemendaal", "Haarlem en omstreken", 1, ("Overveen", "Bloemendaal", "Overveen/Bloemendaal")),
    Town(
        "Hoofddorp",
        "Haarlemmermeer",
        "Haarlemmermeer",
        4,
        ("Hoofddorp", "Hoofddorp e.o.", "Hoofddorp (Schiphol)", "Haarlemmermeer"),
        ("Hoofdorp",),
        "23",
    ),
    Town("Nieuw-Vennep", "Haarlemmermeer", "Haarlemmermeer", 2, ("Nieuw-Vennep", "Nieuw Vennep")),
    Town("Badhoevedorp", "Haarlemmermeer", "Haarlemmermeer", 1, ("Badhoevedorp", "Badhoevedorp (Schiphol)")),
    Town(
        "Amsterdam",
        "Amsterdam",
        "Amsterdam",
        6,
        ("Amsterdam", "Amsterdam West", "Amsterdam-Zuidoost", "A'dam", "Amsterdam Nieuw-West", "Amsterdam e.o."),
        (),
        "20",
    ),
    Town("Zaandam", "Zaanstad", "Zaanstreek", 2, ("Zaandam", "Zaandam e.o.", "Zaanstad", "Zaandam (Zaanstreek)")),
    Town("Alkmaar", "Alkmaar", "Alkmaar e.o.", 2, ("Alkmaar", "Alkmaar e.o.", "Alkmaar centrum")),
    Town("Leiden", "Leiden", "Leiden e.o.", 2, ("Leiden", "Leiden e.o.", "Leiden centrum")),
)

# The site's listing regions in the order of its menu.
SITE_REGIONS: tuple[str, ...] = tuple(dict.fromkeys(town.site_region for town in TOWNS))
# Where travelling groups go: the region itself and the cities an hour away.
CIRCUIT: tuple[str, ...] = (
    "Haarlem",
    "IJmuiden",
    "Hoofddorp",
    "Beverwijk",
    "Zandvoort",
    "Amsterdam",
    "Zaandam",
    "Alkmaar",
    "Leiden",
)


def town(name: str) -> Town:
    return next(town for town in TOWNS if town.name == name)
