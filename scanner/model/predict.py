"""A loaded model: the probability of each ad and the features that pushed it up.

The explanation reads the one logistic regression inside the calibrated model (trained with
`ensemble=False`): the contribution of a feature to an ad's log-odds is its coefficient times the
ad's transformed value. The sigmoid calibration is monotone, so the features with the largest
contributions are the ones that raised this ad's probability most.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from sklearn.calibration import CalibratedClassifierCV
from sklearn.pipeline import Pipeline

from scanner.model.dataset import AdRecord
from scanner.model.features import AdRow, readable_name, to_matrix, to_rows
from scanner.model.sensitive import SensitiveMask


@dataclass
class LoadedModel:
    estimator: CalibratedClassifierCV
    card: dict[str, Any]
    path: Path | None = None
    _names: npt.NDArray[np.str_] | None = field(default=None, repr=False)

    @property
    def version(self) -> str:
        return str(self.card.get("version") or self.card.get("name") or "unsaved")

    @property
    def pipeline(self) -> Pipeline:
        fitted = self.estimator.calibrated_classifiers_[0].estimator
        assert isinstance(fitted, Pipeline)
        return fitted

    @cached_property
    def mask(self) -> SensitiveMask | None:
        """The sensitive words this model was trained without; None for a model from before masking."""
        return SensitiveMask.from_card(self.card)

    def rows(self, records: Sequence[AdRecord], medians: dict[str, float] | None = None) -> list[AdRow]:
        """The rows this model reads of `records`: masked as its training data was."""
        return to_rows(records, medians, mask=self.mask)

    def _matrix(self, rows: Sequence[AdRow]) -> np.ndarray[Any, np.dtype[np.object_]]:
        # Masked again here, so that rows built without the mask (plain `to_rows`) cannot bring a
        # sensitive word to the vectorisers either.
        mask = self.mask
        if mask is not None:
            rows = [replace(row, text=mask.mask(row.text)) for row in rows]
        return to_matrix(rows)

    def probabilities(self, rows: Sequence[AdRow]) -> npt.NDArray[np.float64]:
        if not rows:
            return np.zeros(0)
        return np.asarray(self.estimator.predict_proba(self._matrix(rows))[:, 1], dtype=np.float64)

    def feature_names(self) -> npt.NDArray[np.str_]:
        if self._names is None:
            self._names = np.asarray(self.pipeline.named_steps["features"].get_feature_names_out(), dtype=str)
        return self._names

    def explain(self, rows: Sequence[AdRow], *, top: int = 5, both_ways: bool = False) -> list[list[dict[str, Any]]]:
        """For each row, the `top` features with the largest positive contribution to the log-odds (with
        `both_ways`, the largest either way: what moved the probability most, up or down)."""
        if not rows:
            return []
        transformed = csr_matrix(self.pipeline.named_steps["features"].transform(self._matrix(rows)))
        coefficients = self.pipeline.named_steps["classifier"].coef_[0]
        contributions = csr_matrix(transformed.multiply(coefficients))
        names = self.feature_names()
        explained = []
        for index in range(contributions.shape[0]):
            start, end = contributions.indptr[index], contributions.indptr[index + 1]
            values, columns = contributions.data[start:end], contributions.indices[start:end]
            order = np.argsort(-np.abs(values) if both_ways else -values)[:top]
            explained.append(
                [
                    {"name": readable_name(str(names[columns[i]])), "contribution": round(float(values[i]), 4)}
                    for i in order
                    if values[i] > 0 or (both_ways and values[i] < 0)
                ]
            )
        return explained

    def strongest_features(self, count: int = 15) -> list[dict[str, Any]]:
        """The features with the largest coefficients either way, for `scanner model show`."""
        coefficients = self.pipeline.named_steps["classifier"].coef_[0]
        names = self.feature_names()
        order = np.argsort(-np.abs(coefficients))[:count]
        return [{"name": readable_name(str(names[i])), "weight": round(float(coefficients[i]), 4)} for i in order]
