"""A database holding the hand-made small world (see tests/investigate/builders.py)."""

from __future__ import annotations

import pytest

from scanner.db import Database
from tests.investigate.builders import SmallWorld, small_world


@pytest.fixture
def world(db: Database) -> SmallWorld:
    with db.session() as session:
        built = small_world(session)
    return built
