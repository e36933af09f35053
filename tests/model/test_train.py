"""Training: grouped cross-validation keeps networks on one side, so memorised templates do not pass for skill."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest
from sklearn.metrics import average_precision_score

from scanner.errors import ModelError
from scanner.model.dataset import AdRecord, NetworkRecord
from scanner.model.features import to_matrix, to_rows
from scanner.model.train import TrainingOptions, _splits, check_trainable, cross_validated_probabilities
from tests.model.factory import synthetic_records


def test_no_network_sits_on_both_sides_of_a_split() -> None:
    pairs = synthetic_records(3)
    rows = to_rows([record for record, _ in pairs])
    labels = np.asarray([label for _, label in pairs])
    groups = [row.group for row in rows]
    for train, test in _splits(to_matrix(rows), labels, groups, 4, seed=0):
        assert not {groups[i] for i in train} & {groups[i] for i in test}


def _template_world(seed: int) -> tuple[list[AdRecord], np.ndarray]:
    """Networks whose ads share a unique template word and a label drawn at random: nothing to learn
    but the templates themselves."""
    rnd = random.Random(seed)
    records, labels = [], []
    for index in range(24):
        label = index % 2
        network = NetworkRecord(None, f"N-{index}", 4, {})
        for _ in range(4):
            text = f"sjabloon{index}x " + " ".join(rnd.sample(["lief", "mooi", "warm", "zacht", "fijn", "leuk"], 3))
            records.append(AdRecord(None, "s", None, "", text, {}, network=network))
            labels.append(label)
    return records, np.asarray(labels)


def test_grouped_cross_validation_does_not_reward_memorised_templates() -> None:
    records, labels = _template_world(5)
    rows = to_rows(records)
    options = TrainingOptions(folds=3, seed=5)
    grouped = cross_validated_probabilities(rows, labels, options)
    assert average_precision_score(labels, grouped) < 0.75
    # Split ad by ad instead, every template is seen in training: what leakage looks like.
    ungrouped = cross_validated_probabilities(
        [replace(row, group=str(i)) for i, row in enumerate(rows)], labels, options
    )
    assert average_precision_score(labels, ungrouped) > 0.9


def test_real_signal_survives_grouped_cross_validation() -> None:
    pairs = synthetic_records(4)
    rows = to_rows([record for record, _ in pairs])
    labels = np.asarray([label for _, label in pairs])
    probabilities = cross_validated_probabilities(rows, labels, TrainingOptions(folds=3, seed=4))
    assert not np.isnan(probabilities).any()
    assert average_precision_score(labels, probabilities) > 0.9


@pytest.mark.parametrize(
    ("labels", "groups", "folds", "usable"),
    [
        ([1, 1, 0, 0], ["a", "b", "c", "d"], 4, 2),
        ([1, 1, 1, 0, 0, 0], ["a", "b", "c", "d", "e", "f"], 4, 3),
        ([1, 0, 0, 0, 0, 0], ["a", "b", "c", "d", "e", "f"], 4, None),
        ([1, 1, 0, 0, 0, 0], ["a", "a", "b", "c", "d", "e"], 4, None),
    ],
)
def test_too_few_labelled_groups_are_refused(
    labels: list[int], groups: list[str], folds: int, usable: int | None
) -> None:
    if usable is None:
        with pytest.raises(ModelError, match="too few labelled examples") as caught:
            check_trainable(np.asarray(labels), groups, folds)
        assert caught.value.hint and "scanner review" in caught.value.hint
    else:
        assert check_trainable(np.asarray(labels), groups, folds) == usable
