"""`scanner model train / evaluate / show` and `scanner score`, end to end on a JSON lines file."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result

from scanner.db.session import open_database
from scanner.settings import load_settings
from tests.conftest import CliRun
from tests.model.factory import StoredAd, store_ads, synthetic_records


def write_jsonl(path: Path, seed: int) -> Path:
    lines = []
    for record, label in synthetic_records(seed):
        row = {
            "text": record.text,
            "title": record.title,
            "features": record.features,
            "rules": [hit.rule_id for hit in record.hits],
            "site": record.site,
            "group": record.group,
            "label": "trafficking-suspect" if label else "benign",
        }
        lines.append(json.dumps(row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def train(run_cli: CliRun, tmp_path: Path, model_path: Path) -> Result:
    """`scanner model train` on a seeded JSON lines file, with two folds to stay quick."""
    training = str(write_jsonl(tmp_path / "a.jsonl", 5))
    return run_cli("model", "train", "--jsonl", training, "--output", str(model_path), "--folds", "2")


def test_train_evaluate_show(run_cli: CliRun, tmp_path: Path) -> None:
    model_path = tmp_path / "models" / "local.skops"
    trained = train(run_cli, tmp_path, model_path)
    assert trained.exit_code == 0, trained.output
    assert "PR-AUC" in trained.output and model_path.exists()
    assert (tmp_path / "models" / "local.card.json").exists() and (tmp_path / "models" / "local.card.md").exists()

    plot = tmp_path / "calibration.png"
    evaluated = run_cli(
        "model",
        "evaluate",
        "--jsonl",
        str(write_jsonl(tmp_path / "b.jsonl", 6)),
        "--model",
        str(model_path),
        "--plot",
        str(plot),
        "--json",
    )
    assert evaluated.exit_code == 0, evaluated.output
    report = json.loads(evaluated.output)
    assert report["overall"]["pr_auc"] > 0.8 and set(report["by_site"]) == {"rozewereld", "nachtlicht"}
    assert report["score"]["flags"]["false_positive_rate"] is not None
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    shown = run_cli("model", "show", "--model", str(model_path))
    assert shown.exit_code == 0, shown.output
    assert "Intended use" in shown.output and "Strongest features" in shown.output


def test_a_tampered_model_is_refused_in_one_line(run_cli: CliRun, tmp_path: Path) -> None:
    model_path = tmp_path / "local.skops"
    assert train(run_cli, tmp_path, model_path).exit_code == 0
    with model_path.open("ab") as handle:
        handle.write(b"x")
    shown = run_cli("model", "show", "--model", str(model_path))
    assert shown.exit_code == 8
    assert "changed after training" in shown.output and "Traceback" not in shown.output


def test_train_from_too_few_reviews_says_what_to_do(run_cli: CliRun) -> None:
    result = run_cli("model", "train")
    assert result.exit_code == 8
    assert "too few labelled examples" in result.output and "scanner review" in result.output


def test_score_command_without_model(run_cli: CliRun) -> None:
    settings = load_settings(cli={"database.url": run_cli.database_url}, environ={}).settings
    database = open_database(settings)
    with database.session() as session:
        store_ads(session, [StoredAd("zonder condoom", hits=[("unsafe", "trafficking", 9.0)]), StoredAd("lief")])
    database.dispose()
    result = run_cli("score", "--json", env={"SCANNER_MODEL_RULES_ONLY": "true"})
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) | {"ruleset_hash": None} == {
        "ads": 2,
        "networks": 0,
        "flagged": 1,
        "underage": 0,
        "model_version": None,
        "model_warning": None,
        "ruleset_hash": None,
    }


def test_one_source_of_labels_at_a_time(run_cli: CliRun, tmp_path: Path) -> None:
    result = run_cli("model", "train", "--from-reviews", "--jsonl", str(write_jsonl(tmp_path / "a.jsonl", 5)))
    assert result.exit_code == 9
    assert "choose one source of labels" in result.output
