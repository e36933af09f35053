"""The report document: what is listed, in which order, with which evidence, and its pinned JSON shape."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from scanner.clock import demo_day
from scanner.db import Database
from scanner.db.models import IndicatorHit, Review
from scanner.errors import InputError
from scanner.investigate.render import Output
from scanner.investigate.report import ReportFilter, build_report, render_csv
from scanner.investigate.text import render_text
from scanner.investigate.watch import add_entry
from scanner.settings import Settings
from tests.investigate.builders import LONE_PHONE, NETWORK_PHONE, Rows, SmallWorld, escalate

DATA = Path(__file__).parent / "data"


def shape(value: Any) -> Any:
    """The structure of a JSON value: keys and value types, lists by their first element."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    return "number" if isinstance(value, int | float) else "str"


def report(db: Database, settings: Settings, **options: Any) -> dict[str, Any]:
    with db.session() as session:
        return build_report(session, settings, ReportFilter(**options))


def listed(document: dict[str, Any]) -> list[tuple[str | None, int]]:
    return [
        (group["network"]["label"] if group["network"] else None, ad["id"])
        for group in document["groups"]
        for ad in group["ads"]
    ]


def test_json_shape_is_pinned(db: Database, settings: Settings, world: SmallWorld) -> None:
    with db.session() as session:
        add_entry(session, settings, kind="phone", value=NETWORK_PHONE, note="case 1", actor="tester")
    escalate(db, world, world.network_ads[1])
    document = report(db, settings)
    assert document["start_here"]["possible_minors"] and document["start_here"]["watchlist_hits"]
    expected = json.loads((DATA / "report_shape.json").read_text())
    assert shape(json.loads(json.dumps(document))) == expected


def test_default_report_lists_newly_flagged_ads_grouped_by_network_highest_risk_first(
    db: Database, settings: Settings, world: SmallWorld
) -> None:
    document = report(db, settings)
    a2, b1 = world.network_ads[1], world.lone_flagged
    # a1 was flagged already on day 2 and did not change: not new. c1 and d1 are not flagged.
    assert listed(document) == [("N-000001", a2.id), (None, b1.id)]
    assert document["since"] == "2026-01-04T12:00:00"
    network_group = document["groups"][0]
    assert network_group["risk_score"] == 85.0
    assert network_group["network"]["phones"] == [NETWORK_PHONE]
    assert [day["cities"] for day in network_group["network"]["movement"]] == [
        ["Haarlem"],
        ["Leiden"],
        ["Haarlem", "Leiden"],
    ]
    assert document["summary"] | {"total_ads": 5} == {
        "new": 2,
        "changed": 0,
        "removed": 0,
        "newly_flagged_ads": 2,
        "newly_flagged_networks": 1,
        "possible_minors": 0,
        "watchlist_hits": 0,
        "listed_ads": 2,
        "groups": 2,
        "total_ads": 5,
    }


def test_evidence_is_cut_around_the_matched_words(db: Database, settings: Settings, world: SmallWorld) -> None:
    document = report(db, settings)
    ad = document["groups"][0]["ads"][0]
    assert ad["indicators"][0]["rule_id"] == "unsafe_services"
    span = ad["indicators"][0]["evidence"][0]
    assert span["text"] == "zonder condoom"
    assert span["before"].endswith("alles mogelijk ")
    assert span["after"].startswith(". 0612")


@pytest.mark.parametrize(
    ("options", "expected_ids"),
    [
        ({"since": "2026-01-02"}, ["a1", "a2", "b1"]),
        ({"since": None}, ["a1", "a2", "b1"]),
        ({"category": "licensing"}, ["b1"]),
        ({"category": "trafficking", "min_score": 65}, ["a2"]),
        ({"min_score": 75}, []),
        ({"region": "zandvoort"}, ["b1"]),
        ({"region": "Kennemerland"}, ["a2", "b1"]),
        ({"since": None, "region": "Zuid Holland"}, ["a1"]),
        ({"since": None, "region": "hollands-midden"}, ["a1"]),
        ({"since": None, "region": "provincie Noord-Holland"}, ["a2", "b1"]),
        ({"include_unflagged": True}, ["a2", "b1"]),
        ({"include_unflagged": True, "since": None}, ["a1", "a2", "b1", "c1", "d1"]),
    ],
)
def test_filters(
    db: Database, settings: Settings, world: SmallWorld, options: dict[str, Any], expected_ids: list[str]
) -> None:
    names = {
        ad.id: ad.external_id for ad in [*world.network_ads, world.lone_flagged, world.benign, world.old_unflagged]
    }
    document = report(db, settings, **options)
    assert sorted(names[ad_id] for _, ad_id in listed(document)) == expected_ids


def test_watched_phone_is_marked_and_listed_even_below_min_score(
    db: Database, settings: Settings, world: SmallWorld
) -> None:
    with db.session() as session:
        add_entry(session, settings, kind="phone", value="06-12 34 56 78", note="", actor="tester")
    document = report(db, settings, min_score=99)
    assert listed(document) == [("N-000001", world.network_ads[1].id)]
    assert document["groups"][0]["ads"][0]["watch"][0]["value"] == NETWORK_PHONE
    assert document["summary"]["watchlist_hits"] == 1


def test_bad_since_is_an_input_error(db: Database, settings: Settings, world: SmallWorld) -> None:
    with pytest.raises(InputError):
        report(db, settings, since="yesterday")


def test_an_unknown_region_is_refused_with_a_suggestion(db: Database, settings: Settings, world: SmallWorld) -> None:
    with pytest.raises(InputError) as raised:
        report(db, settings, region="Zuid Holand")
    assert raised.value.context == "--region" and "did you mean Zuid-Holland" in str(raised.value.hint)


def test_csv_has_one_row_per_listed_ad(db: Database, settings: Settings, world: SmallWorld) -> None:
    rows = list(csv.reader(io.StringIO(render_csv(report(db, settings)))))
    assert rows[0][:4] == ["network", "id", "change", "risk_score"]
    assert len(rows) == 3
    assert rows[1][:4] == ["N-000001", str(world.network_ads[1].id), "new", "70.0"]


def test_plain_text_marks_evidence_and_has_no_colour_codes(
    db: Database, settings: Settings, world: SmallWorld, tmp_path: Path
) -> None:
    target = tmp_path / "report.txt"
    with target.open("w") as stream:
        render_text(report(db, settings), Output(stream, rich=False))
    text = target.read_text()
    assert "alles mogelijk [[zonder condoom]]" in text
    assert "NEWLY FLAGGED" in text
    assert "\x1b[" not in text


def test_possible_minors_then_watchlist_hits_come_first(db: Database, settings: Settings, world: SmallWorld) -> None:
    def order() -> list[str | None]:
        return [group["network"]["label"] if group["network"] else None for group in report(db, settings)["groups"]]

    assert order() == ["N-000001", None]  # by score: the network's 85 before the lone ad's 60
    with db.session() as session:
        add_entry(session, settings, kind="phone", value=LONE_PHONE, note="case 2", actor="tester")
    assert order() == [None, "N-000001"]  # a watchlist hit before a higher score
    escalate(db, world, world.network_ads[1])
    assert order() == ["N-000001", None]  # a possible minor before a watchlist hit
    start = report(db, settings)["start_here"]
    assert [minor["id"] for minor in start["possible_minors"]] == [world.network_ads[1].id]
    assert [hit["id"] for hit in start["watchlist_hits"]] == [world.lone_flagged.id]


def test_scores_are_labelled_and_weights_have_one_decimal(db: Database, settings: Settings, world: SmallWorld) -> None:
    with db.session() as session:
        rows = Rows(session)
        rows.runs = {day: session.merge(run) for day, run in world.rows.runs.items()}
        ad = session.merge(world.lone_flagged)
        rows.hit(ad, "half-a-sign", day=3, weight=0.5, evidence="prive huis", category="licensing")
        rows.hit(ad, "one-and-a-half", day=3, weight=1.5, evidence="massage", category="licensing")
    out = io.StringIO()
    render_text(report(db, settings), Output(out, rich=False))
    text = out.getvalue()
    assert f"== ad {world.lone_flagged.id} (no network) · risk 60.0 · licensing 40.0" in text
    assert "one-and-a-half (licensing, +1.5): " in text and "half-a-sign (licensing, +0.5): " in text
    assert "no_license (licensing, +20.0): " in text
    assert "risk parts: rules 60/100 · model p=0.60 (test-1; moved most by network: member +1.2, " in text


def test_evidence_that_no_longer_fits_its_field_is_shown_unchecked_never_found_elsewhere(
    db: Database, settings: Settings, world: SmallWorld
) -> None:
    """A hit stored before spans named their field: "18" at 0..2 of the text, where the text says "Ontsp".
    The old report searched the text for "18" and highlighted it inside "06 87654321"; now it says it cannot check."""
    with db.session() as session:
        hit = session.scalars(select(IndicatorHit).where(IndicatorHit.ad_id == world.lone_flagged.id)).one()
        hit.evidence = [{"start": 0, "end": 2, "text": "87", "field": "text"}]
    ad = next(
        ad for group in report(db, settings)["groups"] for ad in group["ads"] if ad["id"] == world.lone_flagged.id
    )
    assert ad["indicators"][0]["evidence"] == [
        {"kind": "unchecked", "field": "text", "before": "", "text": "87", "after": ""}
    ]
    out = io.StringIO()
    render_text(report(db, settings), Output(out, rich=False))
    assert "text: “87” (not checked against the stored text" in out.getvalue()
    assert "[[87]]" not in out.getvalue()


def test_a_possible_minor_stays_at_the_top_until_her_ad_is_reviewed_after_the_escalation(
    db: Database, settings: Settings, world: SmallWorld
) -> None:
    minor = world.network_ads[1]

    def listed_minors() -> list[int]:
        return [item["id"] for item in report(db, settings, since=None)["start_here"]["possible_minors"]]

    def review(day: int, *, ad: int | None = None, network: int | None = None) -> None:
        with db.session() as session:
            session.add(
                Review(
                    ad_id=ad, network_id=network, label="unsure", reviewer="inv", created_at=demo_day(day), snapshot={}
                )
            )

    escalate(db, world, minor)  # escalated on day 3
    review(2, ad=minor.id)  # a look at the ad before it said she is a minor
    review(3, network=world.network.id)  # a look at the network is not a look at her ad
    assert listed_minors() == [minor.id]
    review(3, ad=minor.id)
    assert listed_minors() == []
