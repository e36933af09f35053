"""Where labelled training data comes from: the reviews in the database, or a JSON lines file.

(The demo world's ground truth is the third source, in `scanner.lab.demo_training`.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scanner.db.session import Database
from scanner.model.dataset import (
    AdRecord,
    labelled,
    labels_from_reviews,
    load_records,
    records_from_jsonl,
    records_from_purged_reviews,
)


@dataclass(frozen=True)
class TrainingSet:
    records: list[AdRecord]
    labels: list[int]
    source: str  # e.g. "reviews in the database", "demo world seed 7 (ground truth)", "file ads.jsonl"
    synthetic: bool = False
    classes: list[str] | None = None  # the true class of each ad where known (demo world: network, independent, agency)


def from_reviews(db: Database) -> TrainingSet:
    """Reviewed ads (trafficking-suspect 1, benign 0), with reviews of purged ads read from their snapshot."""
    with db.session() as session:
        labels = labels_from_reviews(session)
        pairs = labelled(load_records(session, list(labels)), labels)
        pairs += records_from_purged_reviews(session)
    return TrainingSet(
        records=[record for record, _ in pairs],
        labels=[label for _, label in pairs],
        source="reviews in the database (scanner review)",
    )


def from_jsonl(path: Path) -> TrainingSet:
    pairs = records_from_jsonl(path)
    return TrainingSet(
        records=[record for record, _ in pairs],
        labels=[label for _, label in pairs],
        source=f"JSON lines file {path.name}",
    )
