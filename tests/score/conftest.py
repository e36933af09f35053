"""The small model trained once per test session on synthetic records (shared with tests/score)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.model.factory import saved_test_model


@pytest.fixture(scope="session")
def saved_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return saved_test_model(tmp_path_factory.getbasetemp() / "test-model")
