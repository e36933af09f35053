"""The papers a deployment files: the AI Act technical documentation and a draft algorithm register entry.

Risk assessment for law enforcement is a high-risk use under the EU AI Act (Annex III), which asks
for technical documentation with the sections of Annex IV. `ai_act_markdown(facts)` writes one
section for each of them, filled with the facts of `scanner.model.facts.deployment_facts` (settings,
rule pack, model card, database). `register_markdown(facts)` writes a draft entry for the Dutch
algorithm register (algoritmeregister.overheid.nl), in Dutch, with the fields of its publication
standard.

What the tool cannot know (who is accountable, the outcome of the DPIA and of the fundamental-rights
impact assessment, the standards applied, the declaration of conformity) is marked `[TO COMPLETE: ...]`;
docs/model.md lists what the operator must add by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.model.card import INTENDED_USE, LIMITS, error_rate_lines, sensitive_lines
from scanner.model.fairness import rate_text
from scanner.model.flag_rates import flag_rate_lines
from scanner.model.oversight import oversight_lines

TODO = "[TO COMPLETE: {}]"
ANNEX_IV_SECTIONS = (
    "1. General description of the AI system",
    "2. Detailed description of the elements of the AI system and of the process for its development",
    "3. Monitoring, functioning and control of the AI system",
    "4. Appropriateness of the performance metrics",
    "5. Risk management system",
    "6. Changes made to the system through its lifecycle",
    "7. Harmonised standards and other specifications applied",
    "8. EU declaration of conformity",
    "9. Post-market monitoring plan",
)


def _value(value: Any, missing: str) -> str:
    return str(value) if value not in (None, "", [], {}) else TODO.format(missing)


def _metrics_lines(card: Mapping[str, Any]) -> list[str]:
    metrics = card.get("metrics", {})
    overall = metrics.get("overall", {})
    budget = metrics.get("budget", 50)
    lines = [
        f"- method: {metrics.get('method', 'not recorded')}",
        f"- overall: {overall.get('ads')} ads, {overall.get('positives')} positive; PR-AUC {overall.get('pr_auc')}, "
        f"precision at {budget} {overall.get(f'precision_at_{budget}')}, recall {overall.get('recall')}, "
        f"Brier score {overall.get('brier')}",
    ]
    for key in ("by_language", "by_site"):
        for group, values in metrics.get(key, {}).items():
            lines.append(
                f"- {key[3:]} {group}: {values.get('ads')} ads, {values.get('positives')} positive, "
                f"PR-AUC {values.get('pr_auc', 'n/a')}, recall {values.get('recall', 'n/a')}"
            )
    return lines


def _model_section(facts: Mapping[str, Any]) -> list[str]:
    card = facts.get("model")
    if not isinstance(card, dict):
        return ["No model file is configured: the risk score uses the rules only (docs/model.md).", ""]
    training = card.get("training_data", {})
    file = card.get("file", {})
    lines = [
        f"- model version: `{facts.get('model_version')}`, file `{file.get('name')}`, SHA-256 `{file.get('sha256')}`",
        f"- trained: {card.get('created_at')}; estimator: {card.get('estimator')}",
        "- libraries: " + ", ".join(f"{name} {version}" for name, version in card.get("libraries", {}).items()),
        f"- training data: {training.get('source')}; {training.get('ads')} ads, {training.get('positives')} "
        f"positive, {training.get('groups')} groups (networks, agencies or single advertisers)",
    ]
    for key in ("by_language", "by_site", "by_class"):
        if isinstance(training.get(key), dict):
            lines.append(f"- training ads {key[3:]}: " + ", ".join(f"{k} {v}" for k, v in training[key].items()))
    lines.append(f"- SHA-256 of the training rows and labels: `{training.get('hash')}`")
    if card.get("synthetic"):
        lines.append(f"- **{card.get('warning')}**")
    return [*lines, ""]


def _rules_lines(rules: Mapping[str, Any]) -> list[str]:
    if "error" in rules:
        return [f"- {rules['error']}"]
    enabled = rules.get("enabled", [])
    by_category: dict[str, list[str]] = {}
    for rule in enabled:
        by_category.setdefault(rule["category"], []).append(f"`{rule['id']}` ({rule['weight']:g})")
    lines = [f"- rule pack `{str(rules.get('hash'))[:12]}`: {len(enabled)} of {rules.get('rules')} rules run"]
    lines += [f"- {category}: " + ", ".join(items) for category, items in sorted(by_category.items())]
    lines.append(
        "- sensitive rules (nationality, ethnicity, language) switched off: "
        + (", ".join(f"`{rule}`" for rule in rules.get("sensitive_off", [])) or "none")
    )
    for rule_id, reason in rules.get("sensitive_enabled", {}).items():
        lines.append(f"- sensitive rule switched ON: `{rule_id}`, recorded reason: {reason}")
    return lines


def ai_act_markdown(facts: Mapping[str, Any]) -> str:
    """The technical documentation of Annex IV of the AI Act, one section per point, from `facts`."""
    deployment = facts.get("deployment", {})
    score = facts.get("score", {})
    card = facts.get("model") if isinstance(facts.get("model"), dict) else {}
    scans = facts.get("scans", {})
    data = facts.get("data", {})
    audit = facts.get("audit", {})
    retention = facts.get("retention", {})
    metrics = card.get("metrics", {}) if card else {}
    s = ANNEX_IV_SECTIONS
    tonight = [f"- {line}" for line in flag_rate_lines(facts.get("flag_rates", {}))] or [
        "- no scored ads in the database yet"
    ]
    changes = [
        f"- `{version}`: {entry['runs']} scans, from {entry['first']} to {entry['last']}"
        for version, entry in scans.get("model_versions", {}).items()
    ] or ["- no completed scan yet"]
    dpia = f"the DPIA {deployment['dpia_reference']}" if deployment.get("dpia_reference") else "the DPIA"
    residual = f"{dpia} conclusions and the fundamental-rights impact assessment (Art. 27 AI Act)"
    lines = [
        "# Technical documentation of the risk score (EU AI Act, Annex IV)",
        "",
        f"Generated by `scanner model card --format ai-act` (scanner {facts.get('scanner_version')}) on "
        f"{facts.get('generated_at')} from the settings, the rule pack, the model card and the "
        f"{deployment.get('database')} database of this deployment. Text marked `[TO COMPLETE: ...]` is "
        "what the tool cannot know; docs/model.md says what belongs there.",
        "",
        f"## {s[0]}",
        "",
        f"- **intended purpose**: {INTENDED_USE}",
        f"- deployer (controller): {_value(deployment.get('controller'), 'privacy.controller')}",
        f"- municipality: {_value(deployment.get('municipality'), 'municipality.name')}; region: "
        f"{', '.join(deployment.get('region') or []) or 'every place'}",
        f"- purpose of the processing: {_value(deployment.get('purpose'), 'privacy.purpose')}",
        f"- legal basis: {_value(deployment.get('legal_basis'), 'privacy.legal_basis')}",
        f"- provider of the AI system and person accountable: {TODO.format('name, role and contact')}",
        f"- software: scanner {facts.get('scanner_version')} (open source, EUPL-1.2), run by the deployer on its "
        f"own server with a {deployment.get('database')} database; no cloud service and no data leaves it",
        "- user interface: the `scanner` command line and its reports (docs/investigators.md); instructions "
        "for use: README.md and docs/",
        "",
        f"## {s[1]}",
        "",
        "### Method and design",
        "",
        "Every night `scanner scan` crawls the configured public ad sites, extracts features (phones, ages, "
        "places, prices, contacts, photo hashes), links ads into networks, applies the indicator rules and "
        "the model, and stores an assessment per ad and network. The risk score is "
        f"`100 * (s * R + (1 - s) * p)` with `s` = {score.get('rule_share')}, `R` = 1 - exp(-W / "
        f"{score.get('rule_scale')}) of the summed rule weights `W`, and `p` the model's calibrated "
        f"probability; an ad is flagged at {score.get('flag_threshold')} or when a rule of category "
        "underage fires. Licensing concerns are scored apart, by rules only.",
        "",
        *_rules_lines(facts.get("rules", {})),
        "",
        "### The model",
        "",
        *_model_section(facts),
        "### Data and data governance",
        "",
        "Labels come from the reviews of trained investigators (trafficking-suspect positive, benign "
        "negative) or, for the shipped bootstrap model, from the synthetic demo world's ground truth. "
        "Cross-validation is grouped by network, so no network's ads sit on both sides of a split. "
        "Contact details are masked before the text is read, and an n-gram enters the vocabulary only when "
        "several ads use it.",
        "",
        *_demoted(sensitive_lines(card.get("features", {})) if card else []),
        "Bias examination: the false-positive rate (the share of legal, independent workers and agencies "
        "that the score flags) per ad language, site and region:",
        "",
        *(_demoted(error_rate_lines(metrics.get("error_rates"))) or ["No per-group error rates in the model card."]),
        "### Human oversight (Art. 14)",
        "",
        "A flag is a signal for review, never a decision (Art. 22 AVG). Investigators work through the "
        "review queue (`scanner review next`: possible minors first, then the highest risk and the ads the "
        "model is least sure about); every review is stored with the reviewer and time, and retrains the "
        "model. Measured in this database:",
        "",
        *[f"- {line}" for line in oversight_lines(facts.get("oversight", {}))],
        "",
        "### Validation and testing",
        "",
        *(_metrics_lines(card) if card else ["- no model: nothing to validate beyond the rules' tests"]),
        "- rules: every rule carries examples that `scanner rules test` checks, and a benign baseline of ads "
        "of independent workers on which no trafficking rule may fire",
        "",
        "### Cybersecurity",
        "",
        "Model files are saved with skops, never pickle; a file is refused when its SHA-256 differs from "
        "its card, when it holds a type outside the reviewed list, or when it was made with another "
        "scikit-learn. The audit log refuses UPDATE and DELETE in the database.",
        "",
        f"## {s[2]}",
        "",
        "### Capabilities and limits",
        "",
        *[f"- {limit}" for limit in ((card or {}).get("limits") or LIMITS)],
        "",
        "### Accuracy for groups of people",
        "",
        "See the false-positive rates per group above. Tonight's flag rates of the live ads (no ground "
        "truth: a higher rate is where a person must look, not proof of unfairness):",
        "",
        *tonight,
        "",
        "### Logging (Art. 12)",
        "",
        f"- audit log: {audit.get('entries', 0)} entries from {audit.get('first')} to {audit.get('last')}; "
        + (", ".join(f"{action} {count}" for action, count in audit.get("by_action", {}).items()) or "empty"),
        f"- scan runs: {scans.get('completed', 0)} completed ("
        + ", ".join(f"{status} {count}" for status, count in scans.get("by_status", {}).items())
        + "); each stores the rule-set hash and model version it used",
        f"- stored now: {data.get('ads', 0)} ads ({data.get('live_ads', 0)} live), {data.get('assessments', 0)} "
        f"assessments, {data.get('flagged_ads_now', 0)} ads flagged by their newest assessment, "
        f"{data.get('reviews', 0)} reviews",
        f"- retention: ads never flagged are purged after {retention.get('unflagged_days')} days, flagged ads "
        f"without a review after {retention.get('flagged_days')} days",
        "",
        f"## {s[3]}",
        "",
        "PR-AUC and precision at the review budget "
        f"({score.get('review_budget')} ads) measure what an investigator sees: whether true cases rank "
        "first when they are rare. Recall says how many are missed; the Brier score and the calibration "
        "plot whether a probability means what it says. The false-positive rate per group measures the cost "
        "of the tool to independent workers, the people it can wrong.",
        "",
        f"## {s[4]}",
        "",
        "| risk | measure in the tool | measured |",
        "|---|---|---|",
        "| nationality or language by the back door | sensitive rules off unless enabled with a reason; "
        "nationality, country and language words masked before the model reads an ad; no language feature "
        f"| {_masked_summary(card)} |",
        "| independent workers flagged | rules need several cues; licensed businesses kept out; "
        f"per-group false-positive rates | {_fp_summary(metrics.get('error_rates'))} |",
        "| decisions without a person | flags are signals; the review queue; oversight figures "
        f"| {_oversight_summary(facts.get('oversight', {}))} |",
        "| a minor missed | a stated age under 18 always escalates, whatever the score | rule category underage |",
        "| personal data kept too long or seen by the wrong person | retention purge after every scan; "
        "append-only audit log | "
        f"{audit.get('entries', 0)} audit entries |",
        "",
        f"Residual risks and their acceptance: {TODO.format(residual)}",
        "",
        f"## {s[5]}",
        "",
        "Model versions used by the completed nightly scans of this database:",
        "",
        *changes,
        f"- rule sets used: {scans.get('rule_sets', 0)} (each hash identifies the exact rules and word lists)",
        "",
        f"## {s[6]}",
        "",
        f"{TODO.format('harmonised standards or common specifications applied, if any')}",
        "",
        f"## {s[7]}",
        "",
        f"{TODO.format('the EU declaration of conformity (Art. 47), or why none is needed for this deployment')}",
        "",
        f"## {s[8]}",
        "",
        "- every night the scan summary shows the flag rate per ad language, site and region and the "
        "false-positive rate among reviewed ads, and warns when a group's rate is more than "
        f"{facts.get('fairness', {}).get('max_rate_ratio')}x that of the rest (groups of at least "
        f"{facts.get('fairness', {}).get('min_group_ads')} ads); the warnings go to the log too",
        "- `scanner audit --oversight` shows the oversight figures; `scanner model evaluate` measures a model "
        "on labelled ads it never saw",
        f"- who reviews these figures, how often, and what triggers retraining or switching the model off: "
        f"{TODO.format('names and schedule')}",
        "",
    ]
    return "\n".join(lines)


def _demoted(lines: list[str]) -> list[str]:
    """Card sections as subsections of a section here: '## X' becomes '#### X'."""
    return [f"##{line}" if line.startswith("#") else line for line in lines]


def _masked_summary(card: Mapping[str, Any] | None) -> str:
    section = (card or {}).get("features", {}).get("sensitive")
    if not isinstance(section, dict):
        return "**no words masked: retrain the model**" if card else "no model"
    masked = section.get("masked_lists", {})
    return f"{sum(masked.values())} terms of {len(masked)} lists masked" + (
        f"; allowed: {', '.join(section['allowed'])}" if section.get("allowed") else ""
    )


def _fp_summary(rates: Any) -> str:
    if not isinstance(rates, dict):
        return "not measured"
    populations = rates.get("populations", {})
    parts = [f"{name} {rate_text(section['overall'])}" for name, section in populations.items()]
    warnings = len(rates.get("warnings", []))
    return "; ".join(parts) + (f"; **{warnings} groups stand out**" if warnings else "; no group stands out")


def _oversight_summary(figures: Mapping[str, Any]) -> str:
    return "flagged ads reviewed: " + rate_text(figures.get("flagged_ads_reviewed", {}), "no flags yet")


def register_markdown(facts: Mapping[str, Any]) -> str:
    """A draft entry for the Dutch algorithm register, in Dutch, from `facts`."""
    deployment = facts.get("deployment", {})
    card = facts.get("model") if isinstance(facts.get("model"), dict) else {}
    scans = facts.get("scans", {})
    oversight = facts.get("oversight", {})
    rates = (card or {}).get("metrics", {}).get("error_rates")
    status = "In gebruik" if scans.get("completed") else "In ontwikkeling"
    municipality = deployment.get("municipality") or TODO.format("gemeente")
    fields = [
        ("Naam", f"Signalering van mensenhandel en illegale prostitutie in online advertenties ({municipality})"),
        ("Organisatie", _value(deployment.get("controller"), "privacy.controller")),
        (
            "Korte omschrijving",
            "Een nachtelijke scan leest openbare advertenties voor sekswerk, herkent aanwijzingen van "
            "mensenhandel met uitlegbare regels en een leermodel, en zet advertenties in een volgorde voor "
            "beoordeling door een getrainde medewerker. Een signaal is nooit een besluit.",
        ),
        ("Status", status),
        ("Doel en impact", _value(deployment.get("purpose"), "privacy.purpose")),
        (
            "Afwegingen",
            "Nationaliteit, herkomst en taal tellen niet mee: de regels daarvoor staan uit en het model leest "
            f"geen woorden voor land, nationaliteit of taal ({_masked_summary(card)}). Onterechte signalen "
            f"over zelfstandige sekswerkers worden per groep gemeten: {_fp_summary(rates)}.",
        ),
        (
            "Menselijke tussenkomst",
            "Elk signaal wordt door een medewerker beoordeeld voordat er iets gebeurt. Gemeten: "
            + "; ".join(oversight_lines(oversight)[:3])
            + ".",
        ),
        (
            "Risicobeheer",
            "Bewaartermijnen met automatische verwijdering, een onveranderbaar auditlog, modelbestanden met "
            "controle op herkomst, en elke nacht signaalpercentages per taal, site en regio met een "
            f"waarschuwing boven {facts.get('fairness', {}).get('max_rate_ratio')}x de rest.",
        ),
        ("Wettelijke basis", _value(deployment.get("legal_basis"), "privacy.legal_basis")),
        (
            "Impacttoetsen",
            f"DPIA: {_value(deployment.get('dpia_reference'), 'privacy.dpia_reference')}; "
            f"IAMA / grondrechtentoets: {TODO.format('kenmerk en datum')}",
        ),
        (
            "Werking",
            "Regels in YAML met bron en gewicht, en een logistische regressie (scikit-learn) getraind op "
            "beoordelingen van medewerkers; de score toont welke regels en kenmerken meewogen. Model: "
            f"{facts.get('model_version') or 'geen (alleen regels)'}.",
        ),
        (
            "Gebruikte data",
            "Openbare advertenties op de geconfigureerde sites (tekst, leeftijd, plaats, prijs, "
            "contactgegevens, vingerafdrukken van foto's) en de beoordelingen van medewerkers.",
        ),
        ("Link naar technische documentatie", TODO.format("vindplaats van de AI-Act-documentatie")),
        ("Leverancier", "Open source: scanner (EUPL-1.2), door de organisatie zelf beheerd"),
        ("Link naar broncode", TODO.format("adres van de gebruikte versie van de broncode")),
        ("Contactgegevens", TODO.format("e-mailadres van het team")),
        ("Begindatum", _first_scan(scans) or TODO.format("datum van ingebruikname")),
        ("Publicatiecategorie", "Hoog-risico AI-systeem (AI-verordening, bijlage III) en impactvol algoritme"),
    ]
    lines = [
        "# Concept voor het Algoritmeregister",
        "",
        f"Opgesteld door `scanner model card --format register` op {facts.get('generated_at')} uit de instellingen, "
        "het modelkaartje en de database. Vul de velden `[TO COMPLETE: ...]` aan voordat u publiceert.",
        "",
    ]
    for name, value in fields:
        lines += [f"## {name}", "", value, ""]
    return "\n".join(lines)


def _first_scan(scans: Mapping[str, Any]) -> str | None:
    firsts = [entry["first"] for entry in scans.get("model_versions", {}).values() if entry.get("first")]
    return min(firsts)[:10] if firsts else None
