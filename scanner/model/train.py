"""Training: a calibrated, class-balanced logistic regression, cross-validated by network.

The estimator is `CalibratedClassifierCV(Pipeline([features, LogisticRegression]))`:

- the logistic regression weighs the classes by their inverse frequency (`class_weight="balanced"`),
  since confirmed cases are rare;
- the probabilities are calibrated with a sigmoid fitted on out-of-fold scores, and the folds are
  grouped by network (`StratifiedGroupKFold`): the ads of one network never sit on both sides of a
  split, so the calibration does not learn that a network's template means "positive";
- `ensemble=False` keeps one logistic regression fitted on all the data, whose coefficients explain
  each score (`scanner.model.predict`).

The metrics stored in the model card come from a second, outer grouped cross-validation: each outer
fold is scored by a model that never saw any ad of its networks. Metrics measured on the training
ads themselves would show what leakage looks like (everything at 1.0), not how the model will do.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline

from scanner.errors import ModelError
from scanner.model.features import AdRow, make_transformer, to_matrix

log = logging.getLogger("scanner.model")

Labels = npt.NDArray[np.int_]


@dataclass(frozen=True)
class TrainingOptions:
    folds: int = 4  # outer folds, for the metrics in the card
    calibration_folds: int = 3  # inner folds, for the calibration
    seed: int = 7
    regularisation: float = 1.0  # C of the logistic regression: smaller is simpler


def data_hash(rows: Sequence[AdRow], labels: Sequence[int]) -> str:
    """SHA-256 of the training rows and labels, in order: the card says exactly what trained the model."""
    digest = hashlib.sha256()
    for row, label in zip(rows, labels, strict=True):
        digest.update(json.dumps([row.text, row.numbers, row.group, int(label)], sort_keys=True).encode())
    return digest.hexdigest()


def check_trainable(labels: Labels, groups: Sequence[str], folds: int) -> int:
    """The number of folds usable for these labels; refuses data that cannot train a model."""
    positive_groups = {group for group, label in zip(groups, labels, strict=True) if label == 1}
    negative_groups = {group for group, label in zip(groups, labels, strict=True) if label == 0}
    usable = min(folds, len(positive_groups), len(negative_groups))
    if usable < 2:
        raise ModelError(
            f"too few labelled examples to train: {len(positive_groups)} positive and "
            f"{len(negative_groups)} negative groups (ads of one network count once)",
            context="training data",
            hint="label more ads with `scanner review` (trafficking-suspect and benign), in at least two networks each",
        )
    return usable


def _splits(
    matrix: np.ndarray[Any, Any], labels: Labels, groups: Sequence[str], folds: int, seed: int
) -> list[tuple[npt.NDArray[np.int_], npt.NDArray[np.int_]]]:
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    return list(splitter.split(matrix, labels, np.asarray(groups)))


def _min_df(count: int) -> int:
    # An n-gram must occur in several ads (0.5% of them, at least 2 or 3) to enter the vocabulary, so
    # that a worker's name or a one-off phrase stays out of the model file.
    return max(3 if count >= 300 else 2, math.ceil(count * 0.005))


def fit_calibrated(rows: Sequence[AdRow], labels: Labels, options: TrainingOptions) -> CalibratedClassifierCV:
    """The calibrated pipeline fitted on all `rows`, its calibration folds grouped by network."""
    groups = [row.group for row in rows]
    folds = check_trainable(labels, groups, options.calibration_folds)
    matrix = to_matrix(rows)
    pipeline = Pipeline(
        [
            ("features", make_transformer(min_df=_min_df(len(rows)))),
            (
                "classifier",
                LogisticRegression(
                    C=options.regularisation, class_weight="balanced", max_iter=2000, random_state=options.seed
                ),
            ),
        ]
    )
    splits = _splits(matrix, labels, groups, folds, options.seed)
    model = CalibratedClassifierCV(pipeline, method="sigmoid", cv=splits, ensemble=False)
    try:
        model.fit(matrix, labels)
    except ValueError as exc:
        raise ModelError(
            f"training failed: {exc}", context="training data", hint="check that the ads have text and labels"
        ) from None
    # The fold indices were only needed during fit; keeping them would store row numbers of the
    # training data in the model file.
    model.set_params(cv=folds)
    _plain_vocabularies(model)
    return model


def _plain_vocabularies(model: CalibratedClassifierCV) -> None:
    """Store vocabulary indices as Python ints: skops writes each numpy scalar as its own object, which
    made a model with 20,000 n-grams take seconds to load."""
    for calibrated in model.calibrated_classifiers_:
        features = calibrated.estimator.named_steps["features"]
        for name in ("word", "char"):
            vectorizer = features.named_transformers_[name]
            vectorizer.vocabulary_ = {term: int(index) for term, index in vectorizer.vocabulary_.items()}
        vectorizer = features.named_transformers_["numeric"].named_steps["dict"]
        vectorizer.vocabulary_ = {term: int(index) for term, index in vectorizer.vocabulary_.items()}


def cross_validated_probabilities(
    rows: Sequence[AdRow], labels: Labels, options: TrainingOptions
) -> npt.NDArray[np.float64]:
    """Out-of-fold probabilities: each ad scored by a model trained without any ad of its group."""
    groups = [row.group for row in rows]
    folds = check_trainable(labels, groups, options.folds)
    matrix = to_matrix(rows)
    probabilities = np.full(len(rows), np.nan)
    for index, (train, test) in enumerate(_splits(matrix, labels, groups, folds, options.seed)):
        fold_rows = [rows[i] for i in train]
        try:
            model = fit_calibrated(fold_rows, labels[train], options)
        except ModelError:
            log.warning("outer fold %d has too few groups of one class; its ads get no cross-validated score", index)
            continue
        probabilities[test] = model.predict_proba(to_matrix([rows[i] for i in test]))[:, 1]
    return probabilities
