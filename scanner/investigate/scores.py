"""A stored score as every view shows it: risk and licensing apart, the rules' part and the model's part.

    {"risk": 93.2, "licensing": 44.2, "underage": false, "flagged": true,
     "rule_part": 0.8188, "rule_share": 0.5,            # R of the formula (0..1) and its share of the risk
     "model": {"version": "bootstrap-12974cb25821", "probability": 0.9942,
               "top_features": [{"name": "network: member", "contribution": 0.94}, ...],   # three at most
               "warning": "Model bootstrap-...: TRAINED ON SYNTHETIC DATA ..." or null}}   # null: rules only

Assessments stored before the model's version and warning were kept in the explanation take the
version from the assessment and show no warning.
"""

from __future__ import annotations

from typing import Any

from scanner.db.models import Assessment
from scanner.score.model_part import strongest


def score_json(assessment: Assessment | None) -> dict[str, Any] | None:
    if assessment is None:
        return None
    explanation = assessment.explanation or {}
    parts = explanation.get("parts") or {}
    stored = explanation.get("model") or {}
    model = None
    if assessment.model_probability is not None:
        model = {
            "version": stored.get("version") or assessment.model_version,
            "probability": round(assessment.model_probability, 4),
            "top_features": strongest(stored.get("top_features") or []),
            "warning": stored.get("warning"),
        }
    return {
        "risk": round(assessment.risk_score, 1),
        "licensing": round(assessment.licensing_score, 1),
        "underage": assessment.underage,
        "flagged": assessment.flagged,
        "rule_part": parts.get("rule_part"),
        "rule_share": parts.get("rule_share"),
        "model": model,
    }


def scores_text(score: dict[str, Any] | None) -> str:
    """ "risk 93.2 · licensing 44.2", or "not scored yet"."""
    if score is None:
        return "not scored yet"
    return f"risk {score['risk']:.1f} · licensing {score['licensing']:.1f}"


def model_text(score: dict[str, Any] | None) -> str:
    """The parts of the risk score in one line: the rules' part, the model's probability and what moved it."""
    if score is None:
        return "not scored yet"
    rules = f"rules {score['rule_part'] * 100:.0f}/100" if isinstance(score.get("rule_part"), int | float) else ""
    model = score.get("model")
    if model is None:
        return f"{rules} · no model: the risk is the rules' part alone".strip(" ·")
    share = score.get("rule_share")
    weights = f" (risk = {share:.0%} rules + {1 - share:.0%} model)" if isinstance(share, int | float) else ""
    features = ", ".join(f"{f['name']} {f['contribution']:+.1f}" for f in model["top_features"]) or "none recorded"
    return (
        f"{rules} · model p={model['probability']:.2f} ({model['version']}; moved most by {features}){weights}"
    ).strip(" ·")
