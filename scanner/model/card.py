"""The model card: what trained a model, how well it did and what it is for, as JSON and Markdown.

The card sits beside the model file (`bootstrap.skops` -> `bootstrap.card.json`, `bootstrap.card.md`).
`scanner.model.io` refuses a model file whose SHA-256 differs from its card, or that was made with
another minor version of scikit-learn. The JSON is the record; the Markdown is for people.
"""

from __future__ import annotations

import json
import platform
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy
import scipy
import sklearn
import skops

from scanner import __version__

CARD_FORMAT = "scanner-model-card/1"

INTENDED_USE = (
    "Rank public sex-work ads for review by a trained investigator: which ads to look at first. "
    "A score is a signal for a person to check, never a decision about anyone (Art. 22 AVG)."
)
LIMITS = [
    "Trained on few, selected labels: it learns what investigators flagged before, including their blind spots.",
    "Text features favour the languages and sites of the training data. Nationality, country and language "
    "words are masked, but the language itself still shows in the other words and spellings: check the "
    "false-positive rates per ad language, site and region before trusting scores on other sites or languages.",
    "Independent workers and licensed agencies can resemble controlled ads (third-person writing, "
    "several cities); keep the false-positive rate among them in view.",
    "Probabilities are calibrated on the training population; on another population they shift.",
]
SYNTHETIC_WARNING = (
    "TRAINED ON SYNTHETIC DATA (the demo world's ground truth). It shows that the pipeline works; it is "
    "not evidence about real ads: the demo world is written with the same indicators the rules look for, "
    "so its metrics come close to 1.0 and its error rates per group are near zero for every group, which "
    "says nothing about how real ads in other languages will fare. Replace it by training on local "
    "reviews: scanner model train --from-reviews"
)


def library_versions() -> dict[str, str]:
    return {
        "scanner": __version__,
        "scikit-learn": sklearn.__version__,
        "skops": skops.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "python": platform.python_version(),
    }


def card_paths(model_path: Path) -> tuple[Path, Path]:
    """The JSON and Markdown card files of a model file."""
    stem = model_path.with_suffix("")
    return stem.with_name(stem.name + ".card.json"), stem.with_name(stem.name + ".card.md")


def make_card(
    *,
    name: str,
    created_at: datetime,
    synthetic: bool,
    training: dict[str, Any],
    features: dict[str, Any],
    metrics: dict[str, Any],
    trusted_types: list[str],
    oversight: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A card without the file section, which `scanner.model.io.save_model` adds once the file exists."""
    card = {
        "format": CARD_FORMAT,
        "name": name,
        "created_at": created_at.isoformat(timespec="seconds"),
        "synthetic": synthetic,
        "warning": SYNTHETIC_WARNING if synthetic else "",
        "training_data": training,
        "libraries": library_versions(),
        "estimator": "CalibratedClassifierCV(sigmoid, folds grouped by network, ensemble=False) around "
        "Pipeline(ColumnTransformer(TF-IDF words 1-2, TF-IDF characters 3-5, named numbers), "
        "LogisticRegression(class_weight=balanced))",
        "features": features,
        "metrics": metrics,
        "intended_use": INTENDED_USE,
        "limits": LIMITS,
        "trusted_types": trusted_types,
    }
    if oversight is not None:
        card["oversight"] = oversight
    return card


def write_card(card: dict[str, Any], model_path: Path) -> tuple[Path, Path]:
    json_path, markdown_path = card_paths(model_path)
    json_path.write_text(json.dumps(card, indent=2, sort_keys=False, ensure_ascii=False) + "\n", encoding="utf-8")
    markdown_path.write_text(to_markdown(card), encoding="utf-8")
    return json_path, markdown_path


def read_card(model_path: Path) -> dict[str, Any] | None:
    json_path, _ = card_paths(model_path)
    try:
        data = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) and data.get("format") == CARD_FORMAT else None


def _metric_table(rows: dict[str, dict[str, Any]], budget: int) -> list[str]:
    columns = ["ads", "positives", "pr_auc", f"precision_at_{budget}", "recall", "brier"]
    lines = ["| group | " + " | ".join(columns) + " |", "|---|" + "---:|" * len(columns)]
    for group, values in rows.items():
        cells = [str(values.get(column, "")) for column in columns]
        lines.append(f"| {group} | " + " | ".join(cells) + " |")
    return lines


def to_markdown(card: dict[str, Any]) -> str:
    training = card.get("training_data", {})
    metrics = card.get("metrics", {})
    budget = int(metrics.get("budget", 50))
    lines = [f"# Model card: {card.get('name')} ({card.get('version', 'unsaved')})", ""]
    if card.get("synthetic"):
        lines += [f"> **{card['warning']}**", ""]
    lines += [
        "## Intended use",
        "",
        card.get("intended_use", ""),
        "",
        "## Limits",
        "",
        *[f"- {limit}" for limit in card.get("limits", [])],
        "",
        "## Training data",
        "",
        f"- source: {training.get('source')}",
        f"- ads: {training.get('ads')}, positives: {training.get('positives')}, groups: {training.get('groups')}",
        *[
            f"- ads {key[3:]}: " + ", ".join(f"{name} {count}" for name, count in training[key].items())
            for key in ("by_language", "by_site", "by_class")
            if isinstance(training.get(key), dict)
        ],
        f"- SHA-256 of the rows and labels: `{training.get('hash')}`",
        f"- trained: {card.get('created_at')}",
        "",
        "## Model",
        "",
        card.get("estimator", ""),
        "",
        "Libraries: " + ", ".join(f"{name} {version}" for name, version in card.get("libraries", {}).items()),
        "",
        f"File: `{card.get('file', {}).get('name')}`, SHA-256 `{card.get('file', {}).get('sha256')}`",
        "",
        "## Metrics (grouped cross-validation: no network on both sides of a split)",
        "",
    ]
    overall = metrics.get("overall")
    if isinstance(overall, dict):
        lines += [*_metric_table({"all": overall}, budget), ""]
    for title, key in (("Per site", "by_site"), ("Per language", "by_language")):
        rows = metrics.get(key)
        if isinstance(rows, dict) and rows:
            lines += [f"### {title}", "", *_metric_table(rows, budget), ""]
    lines += error_rate_lines(metrics.get("error_rates"))
    features = card.get("features", {})
    numbers = features.get("numbers", [])
    lines += [
        "## Features",
        "",
        f"- text: {features.get('text', '')}",
        f"- named numbers ({len(numbers)}): " + ", ".join(f"`{name}`" for name in numbers),
        "",
        *sensitive_lines(features),
    ]
    if isinstance(card.get("oversight"), dict):
        from scanner.model.oversight import oversight_lines

        lines += ["## Human oversight (reviews in the database when the model was trained)", ""]
        lines += [f"- {line}" for line in oversight_lines(card["oversight"])] + [""]
    return "\n".join(lines)


def sensitive_lines(features: dict[str, Any]) -> list[str]:
    """What the model may not read: the masked lists, the allowed ones with their reasons, rules left out."""
    section = features.get("sensitive")
    lines = ["## Sensitive features", ""]
    if not isinstance(section, dict):
        return [
            *lines,
            "- **No words were masked**: this model was trained before nationality, country and language words "
            "were removed from the text. Retrain it (docs/model.md).",
            "",
        ]
    masked = section.get("masked_lists", {})
    lines.append(
        "- removed from every ad before the model reads it: "
        + (", ".join(f"`{name}` ({count} terms)" for name, count in masked.items()) or "nothing")
        + f"; SHA-256 of the terms `{str(section.get('terms_sha256', ''))[:16]}`"
    )
    for name, reason in section.get("allowed", {}).items():
        lines.append(f"- read by the model (model.sensitive_features): `{name}`, because: {reason}")
    lines.append(f"- the ad's language is {'a feature' if section.get('language_feature') else 'no feature'}")
    left_out = features.get("rules_left_out") or []
    if left_out:
        lines.append("- sensitive rules left out of training: " + ", ".join(f"`{rule}`" for rule in left_out))
    return [*lines, ""]


def error_rate_lines(rates: Any) -> list[str]:
    """The false-positive rates per group as Markdown tables, with the warnings first."""
    from scanner.model.fairness import rate_text, ratio_text

    if not isinstance(rates, dict) or not rates.get("populations"):
        return []
    lines = [
        f"## False-positive rates per group (score at threshold {rates.get('threshold')})",
        "",
        "The share of negatives the full score (rules and model) flags, with a 95% Wilson interval. A group is "
        f"compared with the rest when both have at least {rates.get('min_group_ads')} ads, and stands out above "
        f"{rates.get('max_rate_ratio')}x the rate of the rest.",
        "",
    ]
    warnings = rates.get("warnings") or []
    lines += [f"> **WARNING: {warning}**" for warning in warnings] or ["No group stands out."]
    lines.append("")
    for population, section in rates["populations"].items():
        lines += [f"### {population}: {rate_text(section['overall'])}", ""]
        lines += ["| group | flagged of ads (rate, 95% CI) | against the rest |", "|---|---|---|"]
        for key, groups in section.items():
            if not key.startswith("by_"):
                continue
            for name, group in groups.items():
                mark = " **stands out**" if group.get("stands_out") else ""
                lines.append(f"| {key[3:]} {name} | {rate_text(group)} | {ratio_text(group)}{mark} |")
        spreads = [
            f"{key[len('max_ratio_by_') :]} {value:.2f}x"
            for key, value in section.items()
            if key.startswith("max_ratio_by_") and value is not None
        ]
        if spreads:
            lines += ["", "Highest rate over the lowest: " + ", ".join(spreads)]
        lines.append("")
    return lines
