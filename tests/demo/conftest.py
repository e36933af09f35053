"""Small demo worlds shared by the demo tests (generated once per session: generation is deterministic)."""

from __future__ import annotations

import pytest

from scanner.lab.demo.world import World, WorldConfig
from tests.demo.fixtures import DEMO_CONFIG, demo_server, demo_world

__all__ = ["demo_server", "demo_world"]  # shared with other test packages through tests/demo/fixtures.py

SMALL = DEMO_CONFIG


@pytest.fixture(scope="session")
def small_world(demo_world: World) -> World:
    return demo_world


@pytest.fixture(scope="session")
def default_world() -> World:
    return World.generate(WorldConfig())
