"""The score formula: rule weights and the model's probability into two separate 0-100 scores.

    R = 1 - exp(-W / c)      W: sum of the weights (0 to 10) of the trafficking rules that fired
                             (each rule once)
    L = 1 - exp(-V / c)      V: the same for the licensing rules
    c = score.rule_scale     the summed weight at which a rule part reaches 63%

    risk      = 100 * (s * R + (1 - s) * p)   with a model; p its calibrated probability,
                                              s = score.rule_share
    risk      = 100 * R                       without a model (a fresh install scores with rules only)
    licensing = 100 * L                       rules only: licensing is a compliance question, kept apart
    underage  = any underage rule fired
    flagged   = risk >= score.flag_threshold, or underage (a possible minor always escalates)

For a network, W and V take every rule that fired on the network or on any member ad (each rule once,
at its largest weight) and p is the mean probability of the member ads.

The explanation keeps the parts apart (`parts.rule_part`, and `model`: probability, version, the three
features that moved it most and the model card's warning, see `scanner.score.model_part`), so every view
can show what the rules and what the model contributed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.model.dataset import HitRecord
from scanner.score.model_part import model_part
from scanner.settings import ScoreSettings

FORMULA = (
    "risk = 100 * (s*R + (1-s)*p) with a model, 100*R without; R = 1 - exp(-W/c), W = summed weight of the "
    "trafficking rules; licensing = 100 * (1 - exp(-V/c)), V = summed weight of the licensing rules; "
    "flagged when risk >= threshold or any underage rule fired"
)
RISK_CATEGORIES = frozenset({"trafficking"})  # underage rules escalate; their weight is ignored
EVIDENCE_PER_RULE = 5  # evidence spans kept per rule in an explanation


@dataclass(frozen=True)
class Score:
    risk: float
    licensing: float
    underage: bool
    flagged: bool
    rule_part: float
    probability: float | None
    explanation: dict[str, Any]


def saturate(weight: float, scale: float) -> float:
    """0 for no weight, rising towards 1: 1 - exp(-weight / scale)."""
    return 1.0 - math.exp(-max(weight, 0.0) / scale)


def distinct_rules(hits: Iterable[HitRecord]) -> list[HitRecord]:
    """One hit per rule: the one with the largest weight (evidence of the others merged in)."""
    chosen: dict[str, HitRecord] = {}
    evidence: dict[str, list[dict[str, Any]]] = {}
    for hit in hits:
        evidence.setdefault(hit.rule_id, []).extend(hit.evidence)
        if hit.rule_id not in chosen or hit.weight > chosen[hit.rule_id].weight:
            chosen[hit.rule_id] = hit
    merged = []
    for rule_id, hit in sorted(chosen.items()):
        spans = evidence[rule_id][:EVIDENCE_PER_RULE]
        merged.append(
            HitRecord(
                rule_id=hit.rule_id,
                version=hit.version,
                category=hit.category,
                weight=hit.weight,
                explanation=hit.explanation,
                evidence=spans,
                scope=hit.scope,
                ruleset_hash=hit.ruleset_hash,
            )
        )
    return merged


def combine(
    hits: Sequence[HitRecord],
    probability: float | None,
    settings: ScoreSettings,
    *,
    top_features: Sequence[dict[str, Any]] = (),
    model_version: str | None = None,
    model_warning: str | None = None,
) -> Score:
    """Both scores, the escalation and the explanation of one ad or network."""
    rules = distinct_rules(hits)
    risk_weight = sum(hit.weight for hit in rules if hit.category in RISK_CATEGORIES)
    licensing_weight = sum(hit.weight for hit in rules if hit.category == "licensing")
    rule_part = saturate(risk_weight, settings.rule_scale)
    if probability is None:
        risk = 100.0 * rule_part
    else:
        risk = 100.0 * (settings.rule_share * rule_part + (1.0 - settings.rule_share) * probability)
    licensing = 100.0 * saturate(licensing_weight, settings.rule_scale)
    underage = any(hit.category == "underage" for hit in rules)
    explanation: dict[str, Any] = {
        "rules": [
            {
                "rule_id": hit.rule_id,
                "version": hit.version,
                "category": hit.category,
                "weight": hit.weight,
                "scope": hit.scope,
                "explanation": hit.explanation,
                "evidence": hit.evidence,
            }
            for hit in sorted(rules, key=lambda hit: (-hit.weight, hit.rule_id))
        ],
        "model": model_part(
            version=model_version, probability=probability, top_features=top_features, warning=model_warning
        ),
        "formula": FORMULA,
        "parts": {
            "risk_weight": round(risk_weight, 4),
            "licensing_weight": round(licensing_weight, 4),
            "rule_part": round(rule_part, 4),
            "rule_share": settings.rule_share if probability is not None else 1.0,
            "rule_scale": settings.rule_scale,
        },
        "underage_escalation": underage,
    }
    return Score(
        risk=round(risk, 2),
        licensing=round(licensing, 2),
        underage=underage,
        flagged=underage or risk >= settings.flag_threshold,
        rule_part=rule_part,
        probability=probability,
        explanation=explanation,
    )
