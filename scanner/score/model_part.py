"""The model's part of a score, as stored with every assessment and shown wherever a score is shown.

    {"version": "bootstrap-12974cb25821",
     "probability": 0.9942,
     "top_features": [{"name": "network: member", "contribution": 0.94}, ...],   # at most TOP_FEATURES
     "warning": "TRAINED ON SYNTHETIC DATA ..." or null}

The features are the three that moved the ad's log-odds most, up (positive) or down (negative), read
from the shipped model's own coefficients (`LoadedModel.explain`). The warning comes from the model
card: a model trained on synthetic data, or on fewer labelled ads than `model.min_training_labels`,
is shown with its warning on every score and by every scan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scanner.settings import ModelSettings

TOP_FEATURES = 3


def model_warning(card: Mapping[str, Any], settings: ModelSettings) -> str | None:
    """Why the model's probabilities deserve little trust, from its card; None when the card gives no reason."""
    version = str(card.get("version") or card.get("name") or "unsaved")
    reasons = []
    if card.get("synthetic"):
        reasons.append(str(card.get("warning") or "TRAINED ON SYNTHETIC DATA, not on reviewed ads."))
    labelled = (card.get("training_data") or {}).get("ads")
    if isinstance(labelled, int) and labelled < settings.min_training_labels:
        reasons.append(
            f"Trained on only {labelled} labelled ads (fewer than model.min_training_labels, "
            f"{settings.min_training_labels}): read its probability as rough."
        )
    if not reasons:
        return None
    return f"Model {version}: " + " ".join(reasons)


def model_part(
    *,
    version: str | None,
    probability: float | None,
    top_features: Sequence[Mapping[str, Any]],
    warning: str | None,
) -> dict[str, Any] | None:
    """What an assessment stores of the model; None when the score used the rules only."""
    if probability is None:
        return None
    return {
        "version": version,
        "probability": round(probability, 4),
        "top_features": [dict(feature) for feature in top_features[:TOP_FEATURES]],
        "warning": warning,
    }


def strongest(features: Sequence[Mapping[str, Any]], count: int = TOP_FEATURES) -> list[dict[str, Any]]:
    """The features with the largest contributions either way, strongest first."""
    ranked = sorted(features, key=lambda feature: -abs(float(feature["contribution"])))
    return [dict(feature) for feature in ranked[:count]]
