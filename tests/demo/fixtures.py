"""Pytest fixtures for any test that needs the demo sites: import them into a conftest.py.

    from tests.demo.fixtures import demo_server, demo_world  # noqa: F401  (pytest finds them by name)

`demo_world` is a small world (seed 3, 6 days, about 70 ads a day) generated once per session;
`demo_server` serves it on 127.0.0.1 from day 1, with the DEMO_*_URL variables set for the test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scanner.lab.demo.server import DemoServer
from scanner.lab.demo.world import World, WorldConfig

DEMO_CONFIG = WorldConfig(seed=3, days=6, independents=40, networks=3, agencies=2)


@pytest.fixture(scope="session")
def demo_world() -> World:
    return World.generate(DEMO_CONFIG)


@pytest.fixture
def demo_server(demo_world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[DemoServer]:
    with DemoServer(demo_world, day=1) as server:
        for name, url in server.environ().items():
            monkeypatch.setenv(name, url)
        yield server
