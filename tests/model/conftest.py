"""A small model trained once per test session on synthetic records, saved with its card."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.model.build import TrainingSet, train_model
from scanner.model.io import save_model
from scanner.model.train import TrainingOptions
from tests.model.factory import NOW, synthetic_records


@pytest.fixture(scope="session")
def saved_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pairs = synthetic_records(1)
    data = TrainingSet([r for r, _ in pairs], [y for _, y in pairs], source="synthetic test records", synthetic=True)
    trained = train_model(data, name="test", now=NOW, options=TrainingOptions(folds=3, seed=1), budget=20)
    path = tmp_path_factory.mktemp("models") / "test.skops"
    save_model(trained.estimator, trained.card, path)
    return path
