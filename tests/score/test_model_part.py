"""The model's part of a score: the card's warning, and what an assessment keeps of the model."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.score.model_part import model_part, model_warning, strongest
from scanner.settings import ModelSettings

SYNTHETIC = {
    "version": "demo-1",
    "synthetic": True,
    "warning": "TRAINED ON SYNTHETIC DATA (x).",
    "training_data": {"ads": 900},
}
REVIEWED = {"version": "local-2", "synthetic": False, "warning": "", "training_data": {"ads": 1200}}
FEW = {"version": "local-1", "synthetic": False, "warning": "", "training_data": {"ads": 120}}
FEW_SYNTHETIC = {**FEW, "synthetic": True, "warning": "TRAINED ON SYNTHETIC DATA (y)."}


@pytest.mark.parametrize(
    ("card", "minimum", "expected"),
    [
        (SYNTHETIC, 500, "Model demo-1: TRAINED ON SYNTHETIC DATA (x)."),
        (REVIEWED, 500, None),
        (
            FEW,
            500,
            "Model local-1: Trained on only 120 labelled ads (fewer than model.min_training_labels, 500): "
            "read its probability as rough.",
        ),
        (FEW, 100, None),
        (FEW, 0, None),
        (
            FEW_SYNTHETIC,
            500,
            "Model local-1: TRAINED ON SYNTHETIC DATA (y). Trained on only 120 labelled ads (fewer than "
            "model.min_training_labels, 500): read its probability as rough.",
        ),
        ({"name": "bare", "synthetic": True}, 500, "Model bare: TRAINED ON SYNTHETIC DATA, not on reviewed ads."),
    ],
)
def test_the_warning_comes_from_the_card(card: dict[str, Any], minimum: int, expected: str | None) -> None:
    assert model_warning(card, ModelSettings(min_training_labels=minimum)) == expected


def test_an_assessment_keeps_three_features_and_none_without_a_model() -> None:
    features = [{"name": f"f{i}", "contribution": value} for i, value in enumerate([0.2, -1.5, 0.9, 0.05])]
    kept = model_part(version="v", probability=0.123456, top_features=strongest(features), warning=None)
    assert kept == {
        "version": "v",
        "probability": 0.1235,
        "top_features": [features[1], features[2], features[0]],
        "warning": None,
    }
    assert model_part(version=None, probability=None, top_features=features, warning="w") is None
