"""Metrics of a risk ranking: PR-AUC, precision at a review budget, recall, Brier score, calibration.

Every metric is also computed per site and per language, so that a model which works for Dutch ads
on one site and fails for English ads on another shows it. `false_positive_rates` gives the share of
negatives flagged at a threshold, per class where the true class is known (demo world: independent,
agency): the figure that says how many legal workers an investigator would be sent to.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import average_precision_score, brier_score_loss

# Labels and scores as lists or numpy arrays.
Ints = Sequence[int] | npt.NDArray[Any]
Floats = Sequence[float] | npt.NDArray[Any]

DEFAULT_BUDGET = 50


def precision_at_k(labels: Ints, scores: Floats, k: int) -> float:
    """The share of positives among the k highest scores (ties broken by order)."""
    if k <= 0 or not len(labels):
        return math.nan
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")[:k]
    return float(np.mean(np.asarray(labels)[order]))


def ranking_metrics(
    labels: Ints, probabilities: Floats, *, budget: int = DEFAULT_BUDGET, threshold: float = 0.5
) -> dict[str, Any]:
    """PR-AUC, precision at the review budget, precision and recall at the threshold, Brier score."""
    y = np.asarray(labels, dtype=int)
    p = np.asarray(probabilities, dtype=float)
    keep = ~np.isnan(p)
    y, p = y[keep], p[keep]
    positives = int(y.sum())
    result: dict[str, Any] = {"ads": len(y), "positives": positives}
    if not len(y):
        return result
    result["brier"] = round(float(brier_score_loss(y, p, pos_label=1)), 4)
    predicted = p >= threshold
    if positives and positives < len(y):
        result["pr_auc"] = round(float(average_precision_score(y, p)), 4)
        result["base_rate"] = round(positives / len(y), 4)
    k = min(budget, len(y))
    result[f"precision_at_{budget}"] = round(precision_at_k(y, p, k), 4)
    if positives:
        result["recall"] = round(float((predicted & (y == 1)).sum() / positives), 4)
    if predicted.any():
        result["precision"] = round(float((predicted & (y == 1)).sum() / predicted.sum()), 4)
    return result


def metrics_by(
    key: Sequence[str],
    labels: Ints,
    probabilities: Floats,
    *,
    budget: int = DEFAULT_BUDGET,
    threshold: float = 0.5,
) -> dict[str, dict[str, Any]]:
    """The ranking metrics for each value of `key` (a site, a language)."""
    indices: dict[str, list[int]] = defaultdict(list)
    for index, value in enumerate(key):
        indices[value].append(index)
    y = np.asarray(labels)
    p = np.asarray(probabilities, dtype=float)
    return {
        value: ranking_metrics(y[members], p[members], budget=budget, threshold=threshold)
        for value, members in sorted(indices.items())
    }


def false_positive_rates(labels: Ints, flagged: Sequence[bool], classes: Sequence[str] | None = None) -> dict[str, Any]:
    """Share of negatives flagged, overall and per true class (e.g. independent, agency)."""
    y = np.asarray(labels, dtype=int)
    f = np.asarray(flagged, dtype=bool)
    negatives = y == 0
    result: dict[str, Any] = {
        "negatives": int(negatives.sum()),
        "flagged_negatives": int((f & negatives).sum()),
        "false_positive_rate": round(float((f & negatives).sum() / negatives.sum()), 4) if negatives.any() else None,
        "positives": int((y == 1).sum()),
        "flagged_positives": int((f & (y == 1)).sum()),
    }
    if classes is not None:
        per_class: dict[str, dict[str, Any]] = {}
        names = np.asarray(classes)
        for name in sorted(set(classes)):
            members = names == name
            per_class[name] = {
                "ads": int(members.sum()),
                "flagged": int((f & members).sum()),
                "flagged_share": round(float((f & members).sum() / members.sum()), 4),
            }
        result["by_class"] = per_class
    return result


def calibration_plot(labels: Ints, probabilities: Floats, path: Path, *, title: str) -> Path:
    """A reliability diagram saved as PNG: predicted probability against the observed share of positives."""
    import matplotlib

    matplotlib.use("Agg")  # no display: this runs on servers and in CI
    import matplotlib.pyplot as plt
    from sklearn.calibration import calibration_curve

    y = np.asarray(labels, dtype=int)
    p = np.asarray(probabilities, dtype=float)
    keep = ~np.isnan(p)
    observed, predicted = calibration_curve(y[keep], p[keep], n_bins=10, strategy="quantile")
    figure, axes = plt.subplots(figsize=(5, 5), dpi=100)
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated")
    axes.plot(predicted, observed, marker="o", label="model")
    axes.set_xlabel("predicted probability")
    axes.set_ylabel("observed share of positives")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_title(title)
    axes.legend(loc="upper left")
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
    plt.close(figure)
    return path
