"""The documented score formula, case by case (tests/score/data/combine.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.model.dataset import HitRecord
from scanner.score.combine import FORMULA, combine
from scanner.settings import ScoreSettings

CASES = [json.loads(line) for line in (Path(__file__).parent / "data" / "combine.jsonl").read_text().splitlines()]


def hits(rows: list[list[Any]]) -> list[HitRecord]:
    return [
        HitRecord(
            rule, 1, category, weight, f"{rule} fired", [{"start": 0, "end": 3, "text": "abc", "field": "text"}], "ad"
        )
        for rule, category, weight in rows
    ]


FORMULA_SCALE = ScoreSettings(rule_scale=8.0)  # the cases below were worked out by hand at this scale


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["why"])
def test_formula(case: dict[str, Any]) -> None:
    score = combine(hits(case["hits"]), case["probability"], FORMULA_SCALE)
    assert (score.risk, score.licensing, score.underage, score.flagged) == (
        case["risk"],
        case["licensing"],
        case["underage"],
        case["flagged"],
    )


def test_explanation_lists_rules_with_evidence_and_the_model() -> None:
    score = combine(
        hits([["24-7", "trafficking", 1.0], ["unsafe", "trafficking", 3.0]]),
        0.7,
        ScoreSettings(),
        top_features=[{"name": "text: 'zonder condoom'", "contribution": 1.2}],
    )
    explanation = score.explanation
    assert [rule["rule_id"] for rule in explanation["rules"]] == ["unsafe", "24-7"]  # strongest first
    assert explanation["rules"][0]["evidence"][0]["text"] == "abc"
    assert explanation["model"] == {
        "version": None,
        "probability": 0.7,
        "top_features": [{"name": "text: 'zonder condoom'", "contribution": 1.2}],
        "warning": None,
    }
    assert explanation["formula"] == FORMULA


def test_settings_move_the_threshold_and_the_share() -> None:
    rules_only = ScoreSettings(rule_share=1.0, flag_threshold=30.0, rule_scale=5.0)
    score = combine(hits([["unsafe", "trafficking", 2.0]]), 0.0, rules_only)
    assert score.risk == 32.97 and score.flagged
    assert combine([], None, ScoreSettings()).explanation["model"] is None


@pytest.mark.parametrize(
    ("weights", "flagged"),
    [
        ([4.0, 3.0], False),  # two cues of one ad (obscured phone, trust language): not enough alone
        ([4.0, 4.0], False),  # youth language and an obscured phone
        ([4.0, 3.0, 2.0], True),  # a third cue
        ([5.0, 4.0], True),  # cross-ad evidence (one phone, several names) and one cue of the ad
        ([5.0, 3.0, 3.0], True),  # a network: shared phone and two circuits
    ],
)
def test_default_scale_needs_more_than_two_cues_without_a_model(weights: list[float], flagged: bool) -> None:
    rows = [[f"rule-{index}", "trafficking", weight] for index, weight in enumerate(weights)]
    assert combine(hits(rows), None, ScoreSettings()).flagged is flagged
