"""Hand-made ads for model and score tests: in memory (`synthetic_records`) or stored in a database.

The synthetic population mimics the demo world's shape: controlled ads come in networks of several ads
sharing a template with risky wording; independents write alone with ordinary wording; a few
independents borrow one risky word, so the task is not trivially separable.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from scanner.db.models import Ad, AdVersion, IndicatorHit, Network, NetworkMember, Review, Source
from scanner.lab.training import train_model, training_mask
from scanner.model.dataset import AdRecord, HitRecord, NetworkRecord
from scanner.model.io import save_model
from scanner.model.sources import TrainingSet
from scanner.model.train import TrainingOptions
from scanner.settings import Settings

NOW = datetime(2026, 1, 15)
RISKY = ["zonder condoom", "24/7 beschikbaar", "nieuwe meiden", "jong en strak", "alles mag", "hotel bij de snelweg"]
ORDINARY = ["lieve dame", "eigen woning", "veilig en discreet", "met condoom", "ontspannen massage", "op afspraak"]
FILLER = ["bel mij", "kom langs", "groetjes", "tot snel", "mooie vrouw", "warm welkom", "schone kamer", "koffie"]


def _text(rnd: random.Random, words: list[str]) -> str:
    return ". ".join(rnd.sample(words, 3) + rnd.sample(FILLER, 3)) + f". bel 06{rnd.randint(10000000, 99999999)}"


def synthetic_records(seed: int, *, networks: int = 12, independents: int = 70) -> list[tuple[AdRecord, int]]:
    """Labelled records: ads of `networks` controlled networks (positive) and lone independents (negative)."""
    rnd = random.Random(seed)
    found: list[tuple[AdRecord, int]] = []
    for index in range(networks):
        size = rnd.randint(3, 6)
        summary = {"distinct_phones": 1, "names": [f"n{i}" for i in range(size)], "movement": {"max_cities_14d": 3}}
        network = NetworkRecord(None, f"N-{seed}{index:03d}", size, summary)
        for _ in range(size):
            hits = [HitRecord("unsafe-services", 1, "trafficking", 3.0, "unprotected services", [], "ad")]
            found.append((_record(rnd, _text(rnd, RISKY), hits, network, age=rnd.randint(19, 24)), 1))
    for _ in range(independents):
        words = ORDINARY + ([rnd.choice(RISKY)] if rnd.random() < 0.2 else [])
        found.append((_record(rnd, _text(rnd, words), [], None, age=rnd.randint(22, 45)), 0))
    return found


def _record(rnd: random.Random, text: str, hits: list[HitRecord], network: NetworkRecord | None, age: int) -> AdRecord:
    return AdRecord(
        ad_id=None,
        site=rnd.choice(["rozewereld", "nachtlicht"]),
        city="Haarlem",
        title="Hallo",
        text=text,
        features={"ages": [age], "languages": ["nl"], "prices": [{"amount": rnd.randint(80, 200), "per": "hour"}]},
        hits=hits,
        network=network,
        group=network.label if network else f"alone:{rnd.random()}",
    )


@dataclass
class StoredAd:
    text: str
    title: str = "Hallo"
    features: dict[str, Any] = field(default_factory=lambda: {"ages": [30], "languages": ["nl"]})
    hits: list[tuple[str, str, float]] = field(default_factory=list)  # (rule id, category, weight)
    site: str = "rozewereld"


def store_ads(session: Session, ads: list[StoredAd], *, ruleset_hash: str = "r" * 64) -> list[int]:
    """Insert ads with a current version and their hits; returns their ids in order."""
    sources: dict[str, Source] = {}
    ids = []
    for number, stored in enumerate(ads):
        if stored.site not in sources:
            sources[stored.site] = Source(name=stored.site, base_url=f"http://{stored.site}.test", created_at=NOW)
            session.add(sources[stored.site])
        ad = Ad(
            source=sources[stored.site],
            external_id=f"ad-{number}",
            url=f"http://{stored.site}.test/ad/{number}",
            first_seen_at=NOW,
            last_seen_at=NOW,
            city="Haarlem",
        )
        session.add(ad)
        session.flush()
        version = AdVersion(
            ad_id=ad.id,
            content_hash=f"h{number}",
            fetched_at=NOW,
            title=stored.title,
            text=stored.text,
            features=stored.features,
        )
        session.add(version)
        session.flush()
        ad.current_version_id = version.id
        for rule_id, category, weight in stored.hits:
            session.add(
                IndicatorHit(
                    ad_id=ad.id,
                    ad_version_id=version.id,
                    rule_id=rule_id,
                    rule_version=1,
                    ruleset_hash=ruleset_hash,
                    category=category,
                    weight=weight,
                    explanation=f"{rule_id} fired",
                    evidence=[{"start": 0, "end": 4, "text": stored.text[:4], "field": "text"}],
                    created_at=NOW,
                )
            )
        ids.append(ad.id)
    session.flush()
    return ids


def store_network(session: Session, label: str, ad_ids: list[int], summary: dict[str, Any] | None = None) -> int:
    network = Network(label=label, size=len(ad_ids), created_at=NOW, updated_at=NOW, summary=summary or {})
    session.add(network)
    session.flush()
    for ad_id in ad_ids:
        session.add(NetworkMember(network_id=network.id, ad_id=ad_id, added_at=NOW))
    session.flush()
    return network.id


def store_review(session: Session, label: str, *, ad_id: int | None = None, network_id: int | None = None) -> None:
    session.add(
        Review(ad_id=ad_id, network_id=network_id, label=label, note="", reviewer="test", created_at=NOW, snapshot={})
    )
    session.flush()


_TRAINED: dict[str, Path] = {}


def saved_test_model(folder: Path) -> Path:
    """A small model trained on synthetic records and saved with its card, once per test session."""
    if "model" not in _TRAINED:
        pairs = synthetic_records(1)
        data = TrainingSet(
            [r for r, _ in pairs], [y for _, y in pairs], source="synthetic test records", synthetic=True
        )
        trained = train_model(
            data,
            name="test",
            now=NOW,
            options=TrainingOptions(folds=2, seed=1),
            budget=20,
            mask=training_mask(Settings()),  # the shipped sensitive lists, as `scanner model train` uses them
        )
        folder.mkdir(parents=True, exist_ok=True)
        save_model(trained.estimator, trained.card, folder / "test.skops")
        _TRAINED["model"] = folder / "test.skops"
    return _TRAINED["model"]
