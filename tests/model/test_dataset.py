"""Training data: labels from reviews and JSON lines, and the hits that belong to an ad's current text."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.db.models import Ad, AdVersion, IndicatorHit, Review
from scanner.db.session import Database
from scanner.errors import InputError
from scanner.model.dataset import label_value, labels_from_reviews, load_records, records_from_jsonl
from scanner.model.sources import from_reviews
from tests.model.factory import NOW, StoredAd, store_ads, store_network, store_review

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("label", "value"),
    [("trafficking-suspect", 1), ("benign", 0), ("illegal-prostitution", None), ("unsure", None), ("spam-scam", None)],
)
def test_review_labels_map_to_training_labels(label: str, value: int | None) -> None:
    assert label_value(label) == value


def test_labels_from_reviews_newest_wins_and_ads_override_their_network(db: Database) -> None:
    with db.session() as session:
        ids = store_ads(session, [StoredAd(f"ad {n}") for n in range(5)])
        network = store_network(session, "N-000001", ids[:3])
        store_review(session, "trafficking-suspect", network_id=network)
        store_review(session, "benign", ad_id=ids[1])  # the ad's own review beats the network's
        store_review(session, "unsure", ad_id=ids[2])  # unsure: the ad does not train the model
        store_review(session, "trafficking-suspect", ad_id=ids[3])
        store_review(session, "benign", ad_id=ids[3])  # newest review wins
        store_review(session, "illegal-prostitution", ad_id=ids[4])
        assert labels_from_reviews(session) == {ids[0]: 1, ids[1]: 0, ids[3]: 0}


def test_records_take_hits_of_the_current_text_and_of_the_network(db: Database) -> None:
    with db.session() as session:
        ids = store_ads(session, [StoredAd("oud", hits=[("old-rule", "trafficking", 1.0)]), StoredAd("ander")])
        network = store_network(session, "N-000002", ids, {"distinct_phones": 1})
        session.add(
            IndicatorHit(
                network_id=network,
                rule_id="shared-phone",
                rule_version=2,
                ruleset_hash="r",
                category="trafficking",
                weight=2.0,
                evidence=[],
                created_at=NOW,
            )
        )
        new_version = AdVersion(ad_id=ids[0], content_hash="new", fetched_at=NOW, text="nieuw", features={})
        session.add(new_version)
        session.flush()
        first_ad = session.get(Ad, ids[0])
        assert first_ad is not None
        first_ad.current_version_id = new_version.id
        session.flush()
        records = {record.ad_id: record for record in load_records(session)}
    assert records[ids[0]].text == "nieuw"
    assert [(hit.rule_id, hit.scope) for hit in records[ids[0]].hits] == [("shared-phone", "network")]
    assert [hit.rule_id for hit in records[ids[1]].hits] == ["shared-phone"]
    assert records[ids[0]].group == records[ids[1]].group == "network:N-000002"


def test_jsonl_rows_train_unless_their_label_says_nothing_about_trafficking() -> None:
    pairs = records_from_jsonl(DATA / "labelled.jsonl")
    assert [(record.text, label) for record, label in pairs] == [
        ("zonder condoom 24/7", 1),
        ("lieve dame", 0),
        ("jong", 1),
        ("rustig", 0),
    ]
    assert pairs[0][0].hits[0].rule_id == "unsafe" and pairs[0][0].group == "N-1"
    assert pairs[2][0].network is not None and pairs[2][0].group == "network:N-2"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "a", "label": "maybe"}\n', "label 'maybe' is not a review label"),
        ('{"text": "a", "label": 1}\nnot json\n', "not JSON"),
        ('["a list"]\n', "label None"),
    ],
)
def test_bad_jsonl_is_refused_with_its_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        records_from_jsonl(path)
    assert caught.value.context and caught.value.context.startswith(f"{path}:")


def test_reviews_of_purged_ads_still_train_from_their_snapshot(db: Database) -> None:
    with db.session() as session:
        ids = store_ads(session, [StoredAd("lieve dame")])
        store_review(session, "benign", ad_id=ids[0])
        session.add(
            Review(
                ad_id=None,
                label="trafficking-suspect",
                reviewer="test",
                created_at=NOW,
                snapshot={
                    "kind": "ad",
                    "source": "nachtlicht",
                    "title": "Nieuw",
                    "text": "zonder condoom",
                    "rules": ["unsafe"],
                },
            )
        )
    training = from_reviews(db)
    assert sorted(zip((r.text for r in training.records), training.labels, strict=True)) == [
        ("lieve dame", 0),
        ("zonder condoom", 1),
    ]
    purged = next(record for record in training.records if record.text == "zonder condoom")
    assert purged.site == "nachtlicht" and [hit.rule_id for hit in purged.hits] == ["unsafe"]
