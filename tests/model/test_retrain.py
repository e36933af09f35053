"""Labels matter: retraining on investigators' reviews moves the ads they marked up the ranking, and
reversing the reviews reverses the ranking."""

from __future__ import annotations

import random
from pathlib import Path

from sqlalchemy import select

from scanner.db.models import Assessment
from scanner.db.session import Database
from scanner.lab.training import train_model
from scanner.model.io import save_model
from scanner.model.sources import from_reviews
from scanner.model.train import TrainingOptions
from scanner.score import score_all
from scanner.settings import Settings
from tests.model.factory import FILLER, NOW, StoredAd, store_ads, store_review

PATTERN_A = "kamer geregeld door vriend"
PATTERN_B = "eigen studio met parkeren"


def _ads(db: Database) -> tuple[list[int], list[int]]:
    rnd = random.Random(8)
    ads = [StoredAd(f"{pattern}. {'. '.join(rnd.sample(FILLER, 4))}") for pattern in [PATTERN_A, PATTERN_B] * 20]
    with db.session() as session:
        ids = store_ads(session, ads)
    return ids[0::2], ids[1::2]


def _retrain_and_rank(db: Database, settings: Settings, tmp_path: Path, name: str, held_out: list[int]) -> list[int]:
    trained = train_model(
        from_reviews(db), name=name, now=NOW, options=TrainingOptions(folds=2, calibration_folds=2, seed=1)
    )
    path = tmp_path / f"{name}.skops"
    save_model(trained.estimator, trained.card, path)
    settings.model.path = str(path)
    score_all(db, settings, ad_ids=held_out)
    with db.session() as session:
        rows = session.scalars(select(Assessment).where(Assessment.ad_id.in_(held_out)))
        ranked = sorted(rows, key=lambda assessment: -assessment.risk_score)
        return [assessment.ad_id for assessment in ranked if assessment.ad_id is not None]


def test_reviews_decide_what_ranks_first(db: Database, settings: Settings, tmp_path: Path) -> None:
    pattern_a, pattern_b = _ads(db)
    held_out = pattern_a[-4:] + pattern_b[-4:]
    with db.session() as session:
        for ad_id in pattern_a[:-4]:
            store_review(session, "trafficking-suspect", ad_id=ad_id)
        for ad_id in pattern_b[:-4]:
            store_review(session, "benign", ad_id=ad_id)
    first = _retrain_and_rank(db, settings, tmp_path, "first", held_out)
    assert set(first[:4]) == set(pattern_a[-4:])

    with db.session() as session:  # the investigators change their minds: newest reviews win
        for ad_id in pattern_a[:-4]:
            store_review(session, "benign", ad_id=ad_id)
        for ad_id in pattern_b[:-4]:
            store_review(session, "trafficking-suspect", ad_id=ad_id)
    second = _retrain_and_rank(db, settings, tmp_path, "second", held_out)
    assert set(second[:4]) == set(pattern_b[-4:])
