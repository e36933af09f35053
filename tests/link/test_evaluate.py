"""Pairwise precision and recall of recovered networks against true network ids."""

from __future__ import annotations

import pytest

from scanner.lab.link_quality import pairwise_scores

TRUTH = {"a": "n1", "b": "n1", "c": "n1", "d": "n2", "e": "n2", "f": None, "g": None}
CLASSES = {
    "a": "network",
    "b": "network",
    "c": "network",
    "d": "network",
    "e": "network",
    "f": "agency",
    "g": "independent",
}


@pytest.mark.parametrize(
    ("recovered", "precision", "recall", "agency", "independent"),
    [
        ([["a", "b", "c"], ["d", "e"]], 1.0, 1.0, 0, 0),
        ([["a", "b"], ["d", "e"]], 1.0, 0.5, 0, 0),  # 2 of the 4 true pairs
        ([["a", "b", "c", "f"]], 0.5, 0.75, 1, 0),  # 3 correct of 6 recovered pairs
        ([["a", "b", "c", "d", "e", "g"]], 4 / 15, 1.0, 0, 1),
        ([], 1.0, 0.0, 0, 0),
    ],
)
def test_pairwise_scores(
    recovered: list[list[str]], precision: float, recall: float, agency: int, independent: int
) -> None:
    scores = pairwise_scores(TRUTH, recovered, CLASSES)
    assert scores.precision == pytest.approx(precision, abs=1e-4)
    assert scores.recall == pytest.approx(recall, abs=1e-4)
    assert scores.true_pairs == 4
    assert (scores.agency_ads, scores.independent_ads) == (agency, independent)
    expected_f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    assert scores.f1 == pytest.approx(expected_f1, abs=1e-3)


def test_the_true_phone_evaluation_counts_networks_only_not_business_groups() -> None:
    from scanner.lab.demo.world import World, WorldConfig
    from scanner.lab.link_quality import evaluate_records, records_from_world
    from scanner.settings import LinkingSettings

    world = World.generate(WorldConfig(seed=3, days=3, independents=10, networks=1, agencies=2))
    records, keys = records_from_world(world)
    scores = evaluate_records(world, records, keys, LinkingSettings())
    assert scores.agency_ads == 0 and scores.independent_ads == 0
    assert scores.networks_recovered >= 1
