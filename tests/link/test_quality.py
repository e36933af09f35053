"""Linking measured against the demo world's truth, end to end, with pinned floors (slow).

The world is loaded day by day as a perfect nightly crawl would store it, the extraction stage finds
the phones, and linking runs incrementally after every day. At the end: the pairwise F1 of the
recovered networks has a floor, no agency or independent worker is in a network, and a rebuild gives
exactly the links and networks the nightly runs built.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from sqlalchemy import select

from scanner.db.models import Ad, Link, Network, NetworkMember, live_networks
from scanner.db.session import Database
from scanner.extract.store import extract_pending
from scanner.lab.demo.load import load_world
from scanner.lab.demo.world import World, WorldConfig
from scanner.lab.link_quality import pairwise_scores
from scanner.link import run_linking
from scanner.settings import Settings

F1_FLOOR = 0.95  # measured 0.985 on seed 7 (docs/linking.md); lowering it needs a reason in the commit


def stored(db: Database) -> tuple[set[tuple[int, int, str, float]], dict[str, frozenset[str]]]:
    with db.session() as session:
        key_of = {ad_id: key for ad_id, key in session.execute(select(Ad.id, Ad.external_id))}
        links = {(row.ad_a_id, row.ad_b_id, row.kind, row.strength) for row in session.scalars(select(Link))}
        groups: dict[str, set[str]] = defaultdict(set)
        rows = session.execute(
            select(Network.label, NetworkMember.ad_id)
            .join(NetworkMember, NetworkMember.network_id == Network.id)
            .where(live_networks())
        )
        for label, ad_id in rows:
            groups[label].add(key_of[ad_id])
    return links, {label: frozenset(keys) for label, keys in groups.items()}


@pytest.mark.slow
def test_nightly_linking_of_the_demo_world_meets_the_floor_and_equals_a_rebuild(
    db: Database, settings: Settings
) -> None:
    world = World.generate(WorldConfig(seed=7))
    labels_seen: dict[str, int] = {}
    for day in world.days:
        load_world(db, world, [day])
        extract_pending(db, settings)
        run_linking(db, settings)
        for label, keys in stored(db)[1].items():
            labels_seen[label] = len(keys)
    nightly = stored(db)
    truth = {record.key: record for record in world.truth()}
    scores = pairwise_scores(
        {key: record.network_id for key, record in truth.items()},
        nightly[1].values(),
        {key: record.cls for key, record in truth.items()},
    )
    assert scores.f1 >= F1_FLOOR, scores
    assert scores.agency_ads == 0 and scores.independent_ads == 0, scores
    # Networks grow night by night under the same label: far fewer labels than nights times networks.
    assert len(labels_seen) <= 2 * scores.networks_true, sorted(labels_seen)
    rebuilt_stats = run_linking(db, settings, rebuild=True)
    assert stored(db) == nightly
    assert rebuilt_stats.links_added == rebuilt_stats.links_removed == 0
