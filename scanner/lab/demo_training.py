"""Labelled ads from the synthetic demo world: for the bootstrap model and for measuring on another seed.

The world is loaded into a temporary SQLite database as a perfect crawl would store it, then the
pipeline runs as it does at night (extract, link, rules), so the model sees exactly what it would see
in production. Labels come from the ground truth: ads of controlled networks are positive,
independent workers and agencies negative. Cross-validation groups follow the truth (network,
agency, person), so even ads that linking missed never sit on both sides of a split.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from scanner.db.models import Ad, Base, Source
from scanner.db.session import Database, make_engine
from scanner.lab.demo.records import TruthRecord
from scanner.lab.demo.world import WorldConfig
from scanner.model.dataset import AdRecord, load_records
from scanner.model.io import PROJECT_ROOT
from scanner.model.sources import TrainingSet
from scanner.settings import Settings

log = logging.getLogger("scanner.model")


@dataclass(frozen=True)
class DemoData:
    training: TrainingSet
    classes: list[str]  # the true class of each record: network, independent or agency


def run_demo_pipeline(
    db: Database, settings: Settings, config: WorldConfig, *, photos: bool = True
) -> dict[tuple[str, str], TruthRecord]:
    """Load a demo world into `db` and run extraction, linking and the rules; returns the truth by
    (site, ad key). Without `photos` (faster, for tests) no photo links are made."""
    from scanner.extract import extract_pending
    from scanner.lab.demo.load import load_world
    from scanner.lab.demo.world import World
    from scanner.link import run_linking
    from scanner.rules.store import apply_rules

    world = World.generate(config)
    load_world(db, world, world.days, photos=photos)
    extract_pending(db, settings)
    run_linking(db, settings)
    apply_rules(db, _with_rules_dir(settings))
    return {(truth.site, truth.key): truth for truth in world.truth()}


def _with_rules_dir(settings: Settings) -> Settings:
    """The settings with a rules folder that exists: the shipped `rules/` when run outside the checkout."""
    if Path(settings.paths.rules_dir).is_dir():
        return settings
    copy = settings.model_copy(deep=True)
    copy.paths.rules_dir = str(PROJECT_ROOT / "rules")
    return copy


def demo_training_set(settings: Settings, config: WorldConfig, *, photos: bool = True) -> DemoData:
    """Every ad of a demo world with a current version, labelled from the ground truth."""
    with tempfile.TemporaryDirectory(prefix="scanner-demo-") as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'demo.db'}")
        Base.metadata.create_all(engine)
        db = Database(engine=engine, factory=sessionmaker(engine, expire_on_commit=False))
        try:
            truth = run_demo_pipeline(db, settings, config, photos=photos)
            with db.session() as session:
                records = load_records(session)
                keys = {ad_id: key for ad_id, key in _ad_keys(session)}
        finally:
            db.dispose()
    labelled: list[AdRecord] = []
    labels: list[int] = []
    classes: list[str] = []
    for record in records:
        found = truth.get(keys[record.ad_id]) if record.ad_id is not None else None
        if found is None:
            continue
        cls = found.cls
        record.group = _truth_group(found)
        labelled.append(record)
        labels.append(int(cls == "network"))
        classes.append(cls)
    log.info("demo world seed %d: %d labelled ads, %d positive", config.seed, len(labels), sum(labels))
    source = (
        f"demo world seed {config.seed}, {config.days} days, {config.networks} networks, "
        f"{config.independents} independents, {config.agencies} agencies (synthetic ground truth: network ads positive)"
    )
    return DemoData(TrainingSet(labelled, labels, source, synthetic=True, classes=classes), classes)


def _ad_keys(session: Session) -> list[tuple[int, tuple[str, str]]]:
    rows = session.execute(select(Ad.id, Source.name, Ad.external_id).join(Source, Source.id == Ad.source_id))
    return [(ad_id, (site, key)) for ad_id, site, key in rows]


def _truth_group(truth: TruthRecord) -> str:
    """Who stands behind an ad: its network, else its agency, else the person."""
    if truth.network_id:
        return f"network:{truth.network_id}"
    if truth.agency_id:
        return f"agency:{truth.agency_id}"
    return f"person:{truth.person_id}"
