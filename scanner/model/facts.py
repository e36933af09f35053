"""The facts a deployment holds about its risk score, gathered for the documents of `scanner.model.documents`.

`deployment_facts(session, settings, model)` reads the settings (controller, purpose, legal basis,
score settings, enabled sensitive rules), the rule pack (which rules run, their weights), the model
card (training data, metrics, false-positive rates per group, masked words), and the database (scan
runs and the model versions they used, ads and flags, tonight's flag rates per group, the oversight
figures, the audit log). Nothing here is typed by hand: a document built from these facts says what
the tool did, not what it was meant to do. Counts and group names only, never ad text or contacts.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scanner import __version__
from scanner.clock import utcnow
from scanner.db.models import Ad, Assessment, AuditEntry, Review, ScanRun
from scanner.errors import ScannerError
from scanner.model.flag_rates import flag_rates
from scanner.model.io import PROJECT_ROOT
from scanner.model.oversight import oversight_figures
from scanner.model.predict import LoadedModel
from scanner.settings import Settings


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _rules(settings: Settings) -> dict[str, Any]:
    """The rules that run with these settings; an unreadable pack is stated, not hidden."""
    from scanner.rules import RuleSet

    folder = Path(settings.paths.rules_dir)
    if not folder.is_dir():
        folder = PROJECT_ROOT / "rules"
    try:
        ruleset = RuleSet.load(folder, settings)
    except ScannerError as exc:
        return {"error": f"the rule pack cannot be loaded: {exc}"}
    enabled = ruleset.enabled
    return {
        "hash": ruleset.hash,
        "rules": len(ruleset.rules),
        "enabled": [
            {"id": rule.id, "category": rule.rule.category, "weight": rule.weight, "sensitive": rule.rule.sensitive}
            for rule in enabled
        ],
        "sensitive_off": sorted(rule.id for rule in ruleset.rules if rule.rule.sensitive and not rule.enabled),
        "sensitive_enabled": dict(sorted(settings.rules.sensitive_enabled.items())),
    }


def _scans(session: Session) -> dict[str, Any]:
    by_status = dict(session.execute(select(ScanRun.status, func.count()).group_by(ScanRun.status)).all())
    versions: dict[str, dict[str, Any]] = defaultdict(lambda: {"runs": 0, "first": None, "last": None})
    query = (
        select(ScanRun.model_version, ScanRun.started_at)
        .where(ScanRun.status == "completed")
        .order_by(ScanRun.started_at, ScanRun.id)
    )
    for version, started in session.execute(query):
        entry = versions[version or "none (rules only)"]
        entry["runs"] += 1
        entry["first"] = entry["first"] or _iso(started)
        entry["last"] = _iso(started)
    hashes = session.scalar(
        select(func.count(func.distinct(ScanRun.ruleset_hash))).where(ScanRun.ruleset_hash.is_not(None))
    )
    return {
        "by_status": {str(status): int(count) for status, count in sorted(by_status.items())},
        "completed": int(by_status.get("completed", 0)),
        "model_versions": dict(versions),
        "rule_sets": int(hashes or 0),
    }


def _data(session: Session) -> dict[str, Any]:
    newest = (
        select(func.max(Assessment.id))
        .where(Assessment.ad_id.is_not(None))
        .group_by(Assessment.ad_id)
        .scalar_subquery()
    )
    return {
        "ads": int(session.scalar(select(func.count()).select_from(Ad)) or 0),
        "live_ads": int(session.scalar(select(func.count()).select_from(Ad).where(Ad.removed_at.is_(None))) or 0),
        "assessments": int(session.scalar(select(func.count()).select_from(Assessment)) or 0),
        "flagged_ads_now": int(
            session.scalar(
                select(func.count()).select_from(Assessment).where(Assessment.id.in_(newest), Assessment.flagged)
            )
            or 0
        ),
        "reviews": int(session.scalar(select(func.count()).select_from(Review)) or 0),
    }


def _audit(session: Session) -> dict[str, Any]:
    by_action = dict(session.execute(select(AuditEntry.action, func.count()).group_by(AuditEntry.action)).all())
    first, last = session.execute(select(func.min(AuditEntry.at), func.max(AuditEntry.at))).one()
    return {
        "entries": int(sum(by_action.values())),
        "by_action": {str(action): int(count) for action, count in sorted(by_action.items())},
        "first": _iso(first),
        "last": _iso(last),
    }


def deployment_facts(
    session: Session, settings: Settings, model: LoadedModel | None, *, now: datetime | None = None
) -> dict[str, Any]:
    """Everything the AI Act documentation and the algorithm register draft are written from."""
    privacy = settings.privacy
    return {
        "generated_at": _iso(now or utcnow()),
        "scanner_version": __version__,
        "deployment": {
            "municipality": settings.municipality.name,
            "region": list(settings.municipality.region),
            "controller": privacy.controller,
            "purpose": privacy.purpose,
            "legal_basis": privacy.legal_basis,
            "dpia_reference": privacy.dpia_reference,
            "database": session.get_bind().dialect.name,
            "model_path": settings.model.path,
        },
        "score": settings.score.model_dump(),
        "fairness": settings.fairness.model_dump(),
        "retention": settings.retention.model_dump(),
        "sensitive_features": dict(sorted(settings.model.sensitive_features.items())),
        "rules": _rules(settings),
        "model": model.card if model is not None else None,
        "model_version": model.version if model is not None else None,
        "scans": _scans(session),
        "data": _data(session),
        "flag_rates": flag_rates(session, settings.fairness),
        "oversight": oversight_figures(session),
        "audit": _audit(session),
    }
