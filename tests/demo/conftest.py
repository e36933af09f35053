"""Small demo worlds shared by the demo tests (generated once per session: generation is deterministic)."""

from __future__ import annotations

import pytest

from scanner.demo.world import World, WorldConfig

SMALL = WorldConfig(seed=3, days=6, independents=40, networks=3, agencies=2)


@pytest.fixture(scope="session")
def small_world() -> World:
    return World.generate(SMALL)


@pytest.fixture(scope="session")
def default_world() -> World:
    return World.generate(WorldConfig())
