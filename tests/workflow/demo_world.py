"""A small demo world served on 127.0.0.1 and the CLI environment that points the sources at it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scanner.lab.demo.server import SOURCES_DIR, DemoServer
from scanner.lab.demo.world import World, WorldConfig

REPOSITORY = Path(__file__).resolve().parent.parent.parent
SMALL = WorldConfig(seed=9, days=3, independents=12, networks=2, agencies=1)


@dataclass
class Served:
    server: DemoServer
    world: World
    env: dict[str, str]


@contextmanager
def served(config: WorldConfig = SMALL) -> Iterator[Served]:
    world = World.generate(config)
    with DemoServer(world, day=1) as server:
        env = {
            **server.environ(),
            "SCANNER_PATHS_SOURCES_DIR": str(SOURCES_DIR),
            "SCANNER_PATHS_RULES_DIR": str(REPOSITORY / "rules"),
            "SCANNER_MODEL_RULES_ONLY": "true",
        }
        yield Served(server, world, env)


def with_reappearing_phone(seeds: tuple[int, ...] = (9, 10, 16, 7, 5, 6)) -> WorldConfig:
    """The first small world (by seed) in which a watched phone can reappear in a new ad."""
    for seed in seeds:
        config = WorldConfig(seed=seed, days=3, independents=12, networks=2, agencies=1)
        try:
            reappearing_phone(World.generate(config))
        except AssertionError:
            continue
        return config
    raise AssertionError(f"no demo world of seeds {seeds} has a phone that reappears in a new ad")


def reappearing_phone(world: World) -> tuple[str, int]:
    """A Dutch mobile number advertised on day 1 that a new ad (a key not seen before) uses again later."""
    first_day: dict[str, int] = {}
    keys_by_phone: dict[str, list[tuple[int, str]]] = {}
    for record in world.truth():
        if not record.days_visible:
            continue
        start = min(record.days_visible)
        for phone in record.phones:
            keys_by_phone.setdefault(phone, []).append((start, record.key))
            first_day[phone] = min(first_day.get(phone, start), start)
    for phone, keys in sorted(keys_by_phone.items()):
        if not phone.startswith("+316"):
            continue
        later = sorted(day for day, _key in keys if day > 1)
        if first_day[phone] == 1 and later:
            return phone, later[0]
    raise AssertionError("the demo world has no phone that reappears in a new ad")


def oddly_written(e164: str) -> str:
    """+31612345678 as a person might type it: 06-12.34 56 78."""
    national = "0" + e164.removeprefix("+31")
    return f"{national[:2]}-{national[2:4]}.{national[4:6]} {national[6:8]} {national[8:]}"
