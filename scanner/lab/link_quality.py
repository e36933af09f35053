"""How well linking recovers the demo world's true networks: pairwise precision, recall and F1.

Pairs are counted over all pairs of ads that belong to one true network or were put in one recovered
network: a recovered pair is correct when both ads are in the same true network. Independent workers
and agencies have no true network, so any pair of theirs inside a recovered network counts against
precision, and is also reported on its own (`agency_ads`, `independent_ads`).

`records_from_world` builds linker records straight from the world (photos hashed, sightings per
visible day) with the true phones: the upper bound that does not depend on the extraction stage.
The end-to-end figure (crawl-equivalent load, extraction, linking in a scratch database) is
`evaluate_demo`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from scanner.db.models import Ad, Network, NetworkMember, live_networks
from scanner.db.session import Database
from scanner.link.records import AdRecord, PhotoHash
from scanner.settings import Settings

if TYPE_CHECKING:
    from scanner.lab.demo.world import World

DAY_ZERO = date(2026, 1, 1)


@dataclass(frozen=True, slots=True)
class PairScores:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    recovered_pairs: int
    correct_pairs: int
    networks_true: int
    networks_recovered: int
    agency_ads: int  # agency ads put in a recovered network
    independent_ads: int  # independent workers' ads put in a recovered network

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pairs(size: int) -> int:
    return size * (size - 1) // 2


def pairwise_scores(
    truth: Mapping[Hashable, Hashable | None],
    recovered: Iterable[Iterable[Hashable]],
    classes: Mapping[Hashable, str] | None = None,
) -> PairScores:
    """Pairwise scores of recovered groups against true network ids (None: in no network)."""
    true_sizes = Counter(network for network in truth.values() if network is not None)
    groups = [list(group) for group in recovered]
    recovered_pairs = sum(_pairs(len(group)) for group in groups)
    correct = 0
    for group in groups:
        inside = Counter(truth.get(ad) for ad in group)
        correct += sum(_pairs(count) for network, count in inside.items() if network is not None)
    true_pairs = sum(_pairs(size) for size in true_sizes.values())
    precision = correct / recovered_pairs if recovered_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    in_groups = [ad for group in groups for ad in group]
    kinds = Counter((classes or {}).get(ad) for ad in in_groups)
    return PairScores(
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
        true_pairs=true_pairs,
        recovered_pairs=recovered_pairs,
        correct_pairs=correct,
        networks_true=len(true_sizes),
        networks_recovered=len(groups),
        agency_ads=kinds.get("agency", 0),
        independent_ads=kinds.get("independent", 0),
    )


@lru_cache(maxsize=8192)
def _photo_hash(world_key: str) -> PhotoHash:
    from scanner.crawl.imagehashes import hash_image
    from scanner.lab.demo.images import render_photo

    hashes = hash_image(render_photo(world_key), context=world_key)
    return PhotoHash(int(hashes.phash, 16), int(hashes.phash_mirror, 16))


def records_from_world(world: World) -> tuple[list[AdRecord], dict[int, str]]:
    """One record per ad key (its latest version, true phones, hashed photos) and the key of each id."""
    truth = {record.key: record for record in world.truth()}
    latest = {ad.key: ad for day in world.days for ad in world.ads_on(day)}  # later days overwrite
    records: list[AdRecord] = []
    keys: dict[int, str] = {}
    for ad_id, plan in enumerate(sorted(world.plans, key=lambda plan: plan.key), start=1):
        ad = latest[plan.key]
        sightings = tuple(
            (DAY_ZERO + timedelta(days=day), plan.version_on(day)[1].city.name) for day in sorted(plan.days)
        )
        licence = ad.license_field or ""
        records.append(
            AdRecord(
                ad_id=ad_id,
                phones=tuple(truth[plan.key].phones),
                photos=tuple(_photo_hash(photo) for photo in ad.photo_keys),
                text=f"{ad.title}\n{ad.text}",
                name=ad.name,
                city=ad.city,
                sightings=sightings,
                license_numbers=(licence,) if licence else (),
            )
        )
        keys[ad_id] = plan.key
    return records, keys


def evaluate_records(world: World, records: Iterable[AdRecord], keys: Mapping[int, str], settings: Any) -> PairScores:
    """Link the records with the settings and score the networks against the world's truth."""
    from scanner.link.core import link_records

    result = link_records(list(records), settings, summaries=False)
    truth = {record.key: record for record in world.truth()}
    recovered = [[keys[ad] for ad in network.members] for network in result.networks if network.kind == "network"]
    return pairwise_scores(
        {key: record.network_id for key, record in truth.items()},
        recovered,
        {key: record.cls for key, record in truth.items()},
    )


def degrade(
    world: World,
    records: Iterable[AdRecord],
    keys: Mapping[int, str],
    *,
    extra_photo_bits: int = 0,
    fresh_phone_share: float = 0.0,
    seed: int = 0,
) -> list[AdRecord]:
    """Harder versions of the network ads: heavier photo edits and phones rotated per ad.

    `extra_photo_bits` flips that many more pHash bits in every network photo (a heavier crop, filter
    or overlay); `fresh_phone_share` gives that share of network ads a phone of their own, as if the
    operator used a new SIM card for each ad.
    """
    import random
    from dataclasses import replace

    rng = random.Random(seed)
    truth = {record.key: record for record in world.truth()}
    changed: list[AdRecord] = []
    for record in records:
        if truth[keys[record.ad_id]].cls != "network":
            changed.append(record)
            continue
        photos = record.photos
        if extra_photo_bits:
            photos = tuple(
                PhotoHash(
                    _flip(photo.phash, extra_photo_bits, rng),
                    photo.mirror and _flip(photo.mirror, extra_photo_bits, rng),
                )
                for photo in photos
            )
        phones = record.phones
        if rng.random() < fresh_phone_share:
            phones = (f"+3169{rng.randrange(10**7):07d}",)
        changed.append(replace(record, photos=photos, phones=phones))
    return changed


def _flip(value: int, bits: int, rng: Any) -> int:
    for bit in rng.sample(range(64), bits):
        value ^= 1 << bit
    return value


def scratch_database(directory: str) -> Database:
    """A fresh SQLite database at the newest schema in `directory` (for the demo evaluation)."""
    from alembic import command

    from scanner.db.models import Base
    from scanner.db.session import alembic_config, make_engine, open_database
    from scanner.settings import load_settings

    url = f"sqlite:///{directory}/link-evaluation.db"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    command.stamp(alembic_config(url), "head")
    return open_database(load_settings(cli={"database.url": url}, environ={}).settings)


def evaluate_demo(seed: int, settings: Settings, *, days: int | None = None) -> dict[str, Any]:
    """End to end on the demo world: load a perfect crawl, extract, link, and score against the truth.

    Also scores the same world linked with the true phones (the upper bound that does not depend on
    the extraction stage). Runs in a scratch SQLite database, never in the configured one.
    """
    import tempfile

    from scanner.extract import extract_pending
    from scanner.lab.demo.load import load_world
    from scanner.lab.demo.world import World, WorldConfig
    from scanner.link import run_linking

    world = World.generate(WorldConfig(seed=seed) if days is None else WorldConfig(seed=seed, days=days))
    truth = {record.key: record for record in world.truth()}
    with tempfile.TemporaryDirectory(prefix="scanner-link-eval-") as directory:
        db = scratch_database(directory)
        try:
            load_world(db, world, world.days)
            extract_pending(db, settings)
            stats = run_linking(db, settings)
            with db.session() as session:
                key_of = {ad_id: key for ad_id, key in session.execute(select(Ad.id, Ad.external_id))}
                groups: dict[int, list[str]] = defaultdict(list)
                active = select(NetworkMember.network_id, NetworkMember.ad_id).join(
                    Network, Network.id == NetworkMember.network_id
                )
                for network_id, ad_id in session.execute(active.where(live_networks())):
                    groups[network_id].append(key_of[ad_id])
        finally:
            db.dispose()
    end_to_end = pairwise_scores(
        {key: record.network_id for key, record in truth.items()},
        groups.values(),
        {key: record.cls for key, record in truth.items()},
    )
    records, keys = records_from_world(world)
    upper = evaluate_records(world, records, keys, settings.linking)
    return {
        "seed": seed,
        "ads": stats.ads,
        "end_to_end": end_to_end.as_dict(),
        "true_phones": upper.as_dict(),
        "linking_seconds": stats.seconds,
    }
