"""On a scanned demo world with a few reviews: `scanner audit` shows the oversight figures, and the AI Act
documentation and the algorithm register draft carry the values of this database and model card."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scanner.db.models import Assessment, AuditEntry
from scanner.db.session import Database
from scanner.model.card import read_card
from scanner.model.documents import ANNEX_IV_SECTIONS
from tests.conftest import CliRun
from tests.workflow.demo_world import served

pytestmark = pytest.mark.slow

DEPLOYMENT = {
    "SCANNER_PRIVACY_CONTROLLER": "Gemeente Testdam",
    "SCANNER_PRIVACY_PURPOSE": "Toezicht op de APV en signalering van mensenhandel",
    "SCANNER_PRIVACY_LEGAL_BASIS": "Art. 6(1)(e) AVG, APV Testdam art. 3:4",
    "SCANNER_PRIVACY_DPIA_REFERENCE": "DPIA-2026-14",
    "SCANNER_MUNICIPALITY_NAME": "Testdam",
    "SCANNER_CRAWL_PER_HOST_CONCURRENCY": "4",
}


def _newest_flags(db: Database) -> dict[int, bool]:
    newest = select(func.max(Assessment.id)).where(Assessment.ad_id.is_not(None)).group_by(Assessment.ad_id)
    with db.session() as session:
        rows = session.execute(select(Assessment.ad_id, Assessment.flagged).where(Assessment.id.in_(newest)))
        return {ad_id: flagged for ad_id, flagged in rows if ad_id is not None}


def test_oversight_and_documents_on_the_demo_world(run_cli: CliRun, db: Database, saved_model: Path) -> None:
    with served() as demo:
        env = {**demo.env, **DEPLOYMENT, "SCANNER_MODEL_PATH": str(saved_model), "SCANNER_MODEL_RULES_ONLY": "false"}
        for day in (1, 2):
            demo.server.set_day(day)
            result = run_cli("--as", "nightly", "scan", env=env)
            assert result.exit_code == 0, result.output
            assert "flag rate per group" in result.output

    flags = _newest_flags(db)
    flagged = sorted(ad for ad, is_flagged in flags.items() if is_flagged)
    calm = sorted(ad for ad, is_flagged in flags.items() if not is_flagged)
    assert flagged and calm, "the demo world has flagged and unflagged ads"
    with db.session() as session:
        ever_flagged = session.scalar(
            select(func.count(func.distinct(Assessment.ad_id))).where(Assessment.flagged, Assessment.ad_id.is_not(None))
        )
    for actor, ad_id, label in [
        ("alice", flagged[0], "trafficking-suspect"),  # agrees with the flag
        ("bob", flagged[0], "benign"),  # disagrees with the flag and with alice
        ("alice", calm[0], "benign"),  # agrees: not flagged, benign
        ("carol", calm[1], "illegal-prostitution"),  # a licensing label says nothing about the risk score
    ]:
        assert run_cli("--as", actor, "review", str(ad_id), "--label", label, env=env).exit_code == 0

    figures = json.loads(run_cli("audit", "--oversight", "--format", "json", env=env).output)
    assert figures["flagged_ads_reviewed"]["count"] == 1
    assert figures["flagged_ads_reviewed"]["total"] == ever_flagged
    assert figures["hours_from_flag_to_review"]["count"] == 1
    assert figures["reviews"] == 4 and figures["reviewers"] == 3
    assert figures["reviews_by_label"] == {"benign": 2, "illegal-prostitution": 1, "trafficking-suspect": 1}
    score = figures["disagreement_with_score"]
    assert (score["disagreed"]["count"], score["disagreed"]["total"]) == (1, 3)
    assert (score["flagged_but_benign"], score["not_flagged_but_suspect"]) == (1, 0)
    between = figures["disagreement_between_reviewers"]["disagreed"]
    assert (between["count"], between["total"]) == (1, 1)

    table = run_cli("audit", env=env).output
    assert f"oversight: flagged ads reviewed by a person: 1 of {ever_flagged} (" in table
    assert "reviewers disagreed with the score: 1 of 3 (33.3%" in table
    text = run_cli("audit", "--oversight", env=env).output
    assert "reviewers disagreed with each other: 1 of 1" in text

    with db.session() as session:
        audit_entries = session.scalar(select(func.count()).select_from(AuditEntry))
    document = run_cli("model", "card", "--format", "ai-act", env=env).output
    card = read_card(saved_model)
    assert card is not None
    positions = [document.index(f"## {section}") for section in ANNEX_IV_SECTIONS]
    assert positions == sorted(positions), "every Annex IV section, in order"
    masked = card["features"]["sensitive"]["masked_lists"]
    for value in [
        "deployer (controller): Gemeente Testdam",
        "legal basis: Art. 6(1)(e) AVG, APV Testdam art. 3:4",
        "purpose of the processing: Toezicht op de APV en signalering van mensenhandel",
        f"model version: `{card['version']}`",
        f"SHA-256 `{card['file']['sha256']}`",
        f"{card['training_data']['ads']} ads, {card['training_data']['positives']} positive",
        f"{sum(masked.values())} terms of {len(masked)} lists masked",
        f"- `{card['version']}`: 2 scans, from ",
        f"audit log: {audit_entries} entries",
        "scan runs: 2 completed",
        f"flagged ads reviewed by a person: 1 of {ever_flagged} (",
        "reviewers disagreed with the score: 1 of 3 (33.3%",
        "the DPIA DPIA-2026-14 conclusions",
        "sensitive rules (nationality, ethnicity, language) switched off: `nationality`, `no-dutch-offered`",
    ]:
        assert value in document, value
    negatives = card["metrics"]["error_rates"]["populations"]["negatives"]["overall"]
    assert f"### negatives: {negatives['count']} of {negatives['total']} (" in document
    # The introduction names the mark once; then provider, residual risks, standards, declaration, monitoring.
    assert document.count("[TO COMPLETE:") == 6

    register = run_cli("model", "card", "--format", "register", env=env).output
    assert "## Organisatie\n\nGemeente Testdam" in register
    assert "## Status\n\nIn gebruik" in register
    assert "DPIA: DPIA-2026-14" in register
    assert f"Model: {card['version']}." in register
