"""Train a model and describe it; evaluate a model on labelled ads. What `scanner model` runs.

`train_model` fits the calibrated model on all labelled ads and measures it by grouped cross-validation
(so the card's metrics are those of ads from networks the model never saw). `evaluate_model` scores
other labelled ads, e.g. a demo world made with another seed, and also reports how many negatives the
full score (rules and model, `scanner.score.combine`) would flag at the configured threshold.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from scanner.model.card import make_card
from scanner.model.dataset import AdRecord
from scanner.model.evaluate import Floats, calibration_plot, false_positive_rates, metrics_by, ranking_metrics
from scanner.model.fairness import error_rates
from scanner.model.features import AdRow, to_rows
from scanner.model.io import PROJECT_ROOT, TRUSTED_TYPES
from scanner.model.predict import LoadedModel
from scanner.model.sensitive import SensitiveMask, load_mask
from scanner.model.sources import TrainingSet
from scanner.model.train import TrainingOptions, cross_validated_probabilities, data_hash, fit_calibrated
from scanner.score.combine import combine
from scanner.settings import FairnessSettings, ScoreSettings, Settings


def training_mask(settings: Settings) -> SensitiveMask:
    """The sensitive words a model trained with these settings must not read: those of the sensitive
    lists in paths.rules_dir (the shipped rules/ when that folder is not here), less the lists that
    model.sensitive_features allows with a reason."""
    folder = Path(settings.paths.rules_dir)
    if not folder.is_dir():
        folder = PROJECT_ROOT / "rules"
    return load_mask(folder, settings.model.sensitive_features)


def _metrics(rows: Sequence[AdRow], labels: Sequence[int], probabilities: Floats, budget: int) -> dict[str, Any]:
    return {
        "budget": budget,
        "overall": ranking_metrics(labels, probabilities, budget=budget),
        "by_site": metrics_by([row.site for row in rows], labels, probabilities, budget=budget),
        "by_language": metrics_by([row.language for row in rows], labels, probabilities, budget=budget),
    }


def group_error_rates(
    rows: Sequence[AdRow],
    records: Sequence[AdRecord],
    labels: Sequence[int],
    probabilities: Floats,
    score: ScoreSettings,
    fairness: FairnessSettings,
    classes: Sequence[str] | None,
) -> dict[str, Any]:
    """False-positive rates of the full score (rules and model at score.flag_threshold) per ad language,
    site and region, per class of negatives where the class is known. An ad without a probability (its
    cross-validation fold could not be trained) is scored by its rules alone."""
    flagged = [
        combine(record.hits, None if np.isnan(p) else float(p), score).flagged
        for record, p in zip(records, probabilities, strict=True)
    ]
    dimensions = {
        "language": [row.language for row in rows],
        "site": [row.site for row in rows],
        "region": [row.region for row in rows],
    }
    rates = error_rates(
        labels,
        flagged,
        dimensions,
        classes,
        max_ratio=fairness.max_rate_ratio,
        min_ads=fairness.min_group_ads,
    )
    rates["threshold"] = score.flag_threshold
    return rates


def train_model(
    data: TrainingSet,
    *,
    name: str,
    now: datetime,
    options: TrainingOptions | None = None,
    budget: int | None = None,
    without_rules: Collection[str] = (),
    mask: SensitiveMask | None = None,
    score: ScoreSettings | None = None,
    fairness: FairnessSettings | None = None,
    oversight: dict[str, Any] | None = None,
) -> LoadedModel:
    """A model fitted on all of `data`, with a card whose metrics come from grouped cross-validation.

    Rules in `without_rules` (the sensitive rules a deployment enabled) are not model features: a
    learned weight on nationality or language cannot be reviewed and approved the way a rule weight is.
    The model then has no weight for them, so they are ignored when it scores. The words of `mask`
    (the sensitive lists, `scanner.model.sensitive`) are removed from every text before training, and
    the card keeps them so that the model masks the same words when it scores. `oversight` (the review
    figures of `scanner.workflow.oversight`) goes into the card of a model trained on reviews."""
    options = options or TrainingOptions()
    score = score or ScoreSettings()
    fairness = fairness or FairnessSettings()
    budget = score.review_budget if budget is None else budget
    rows = to_rows(data.records, without_rules=without_rules, mask=mask)
    labels = np.asarray(data.labels, dtype=int)
    estimator = fit_calibrated(rows, labels, options)
    probabilities = cross_validated_probabilities(rows, labels, options)
    metrics = _metrics(rows, data.labels, probabilities, budget)
    metrics["method"] = f"{options.folds}-fold cross-validation grouped by network (StratifiedGroupKFold)"
    metrics["error_rates"] = group_error_rates(
        rows, data.records, data.labels, probabilities, score, fairness, data.classes
    )
    model = LoadedModel(estimator=estimator, card={})
    transformer = model.pipeline.named_steps["features"]
    numbers = sorted(transformer.named_transformers_["numeric"].named_steps["dict"].feature_names_)
    masked = "nationality, country and language words of the sensitive lists removed" if mask else "no words removed"
    card = make_card(
        name=name,
        created_at=now,
        synthetic=data.synthetic,
        training={
            "source": data.source,
            "hash": data_hash(rows, data.labels),
            "ads": len(rows),
            "positives": int(labels.sum()),
            "groups": len({row.group for row in rows}),
            "by_language": dict(sorted(Counter(row.language for row in rows).items())),
            "by_site": dict(sorted(Counter(row.site for row in rows).items())),
            **({"by_class": dict(sorted(Counter(data.classes).items()))} if data.classes is not None else {}),
        },
        features={
            "text": "TF-IDF of word 1-2 grams and character 3-5 grams (within words) of title and text, "
            f"contact details masked, {masked}; an n-gram must occur in several ads",
            "vocabulary": {
                "word": len(transformer.named_transformers_["word"].vocabulary_),
                "char": len(transformer.named_transformers_["char"].vocabulary_),
            },
            "numbers": numbers,
            "rules_left_out": sorted(without_rules),
            "sensitive": mask.card_section() if mask is not None else None,
        },
        metrics=metrics,
        trusted_types=list(TRUSTED_TYPES),
        oversight=oversight,
    )
    return LoadedModel(estimator=estimator, card=card)


def evaluate_model(
    model: LoadedModel,
    records: Sequence[AdRecord],
    labels: Sequence[int],
    score_settings: ScoreSettings,
    *,
    classes: Sequence[str] | None = None,
    plot: Path | None = None,
    medians: dict[str, float] | None = None,
    fairness: FairnessSettings | None = None,
) -> dict[str, Any]:
    """Ranking metrics of the model, and the flag and false-positive rates of the full score on labelled
    ads, overall and per ad language, site and region."""
    rows = model.rows(records, medians)
    probabilities = model.probabilities(rows)
    budget = score_settings.review_budget
    report = _metrics(rows, labels, probabilities, budget)
    scores = [combine(record.hits, float(p), score_settings) for record, p in zip(records, probabilities, strict=True)]
    risks = np.asarray([score.risk / 100.0 for score in scores])
    rules_only = [combine(record.hits, None, score_settings).flagged for record in records]
    report["score"] = {
        "threshold": score_settings.flag_threshold,
        "ranking": ranking_metrics(labels, risks, budget=budget, threshold=score_settings.flag_threshold / 100.0),
        "flags": false_positive_rates(labels, [score.flagged for score in scores], classes),
        # What a deployment without a model file would flag: shows how much the model holds back.
        "rules_only_flags": false_positive_rates(labels, rules_only, classes),
    }
    report["error_rates"] = group_error_rates(
        rows, records, labels, probabilities, score_settings, fairness or FairnessSettings(), classes
    )
    report["model_version"] = model.version
    report["masked"] = model.mask is not None
    if plot is not None:
        report["calibration_plot"] = str(calibration_plot(labels, probabilities, plot, title=model.version))
    return report
