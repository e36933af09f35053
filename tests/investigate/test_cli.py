"""The investigators' commands through the CLI on the small world, and the audit entries they leave."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError as SQLDatabaseError

from scanner.crawl.imagehashes import hash_image
from scanner.db import Database
from scanner.db.models import AuditEntry, Review, WatchlistEntry
from tests.conftest import CliRun
from tests.investigate.builders import LONE_PHONE, MODEL_WARNING, NETWORK_PHONE, SmallWorld


def audit_rows(db: Database) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_report_json_and_its_audit_entry(run_cli: CliRun, db: Database, world: SmallWorld) -> None:
    result = run_cli("--as", "inv1", "--purpose", "morning check", "report", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert [ad["id"] for group in document["groups"] for ad in group["ads"]] == [
        world.network_ads[1].id,
        world.lone_flagged.id,
    ]
    entry = audit_rows(db)[-1]
    assert (entry.actor, entry.command, entry.action, entry.purpose) == ("inv1", "report", "read", "morning check")
    assert entry.details["ads"] == [world.network_ads[1].id, world.lone_flagged.id]


# (arguments, audited command, audited action), run in this order: the remove needs the add before it.
INVESTIGATOR_COMMANDS = [
    (("report", "--format", "json"), "report", "read"),
    (("show", "ad", "{ad}"), "show ad", "read"),
    (("show", "network", "N-000001"), "show network", "read"),
    (("show", "phone", "06 12 34 56 78"), "show phone", "read"),
    (("search", "--text", "nieuw"), "search", "read"),
    (("review", "next", "--format", "json"), "review next", "read"),
    (("review", "{ad}", "--label", "benign"), "review", "change"),
    (("watch", "add", "network", "N-000001"), "watch add", "change"),
    (("watch", "list"), "watch list", "read"),
    (("watch", "remove", "{watch}"), "watch remove", "change"),
    (("export", "--format", "json"), "export", "export"),
]


def test_every_investigator_command_records_who_and_why(run_cli: CliRun, db: Database, world: SmallWorld) -> None:
    for args, _command, _action in INVESTIGATOR_COMMANDS:
        with db.session() as session:
            watch_id = session.scalar(select(WatchlistEntry.id))
        filled = [arg.format(ad=world.network_ads[0].id, watch=watch_id) for arg in args]
        result = run_cli("--as", "inv3", "--purpose", "case 12", *filled)
        assert result.exit_code == 0, (args, result.output)
    assert [(e.actor, e.command, e.action, e.purpose) for e in audit_rows(db)] == [
        ("inv3", command, action, "case 12") for _args, command, action in INVESTIGATOR_COMMANDS
    ]


def test_report_table_when_piped_is_plain_text(run_cli: CliRun, world: SmallWorld) -> None:
    result = run_cli("report")
    assert result.exit_code == 0
    assert "== N-000001" in result.output
    assert "[[zonder condoom]]" in result.output


def test_report_html_file(run_cli: CliRun, world: SmallWorld, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = run_cli("report", "--format", "html", "-o", str(target))
    assert result.exit_code == 0
    page = target.read_text()
    assert "<mark>zonder condoom</mark>" in page
    assert page.count("<svg") == 2  # the network picture and its movement timeline
    assert "<script" not in page and 'src="http' not in page


def test_show_ad_network_and_phone_in_odd_formatting(run_cli: CliRun, world: SmallWorld) -> None:
    a1 = world.network_ads[0]
    ad = json.loads(run_cli("show", "ad", str(a1.id), "--format", "json").output)
    assert ad["ad"]["network"] == "N-000001"
    assert [link["ad_id"] for link in ad["links"]] == [world.network_ads[1].id]
    assert [day["cities"] for day in ad["movement"]] == [["Haarlem"], ["Leiden"], ["Leiden"]]
    assert {hit["rule_id"] for hit in ad["versions"][0]["indicators"]} == {"new_in_town", "always_available"}
    assert [a["risk_score"] for a in ad["assessments"]] == [65.0, 80.0]

    network = json.loads(run_cli("show", "network", "1", "--format", "json").output)
    assert network["network"]["label"] == "N-000001"
    assert [hit["rule_id"] for hit in network["indicators"]] == ["moving_network"]
    assert len(network["graph"]["edges"]) == 1

    for typed in ("06 12 34 56 78", "+31 (0)6-1234 5678", "0031612345678", "06.12.34.56.78"):
        phone = json.loads(run_cli("show", "phone", typed, "--format", "json").output)
        assert phone["phone"] == NETWORK_PHONE
        assert sorted(ad["id"] for ad in phone["ads"]) == [ad.id for ad in world.network_ads]

    text_output = run_cli("show", "ad", str(a1.id)).output
    assert "[[24/7 beschikbaar]]" in text_output


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("show", "ad", "999"), 10),
        (("show", "ad", "x"), 9),
        (("show", "network", "N-000404"), 10),
        (("show", "phone", "12"), 9),
        (("show", "phone", "0699999999"), 10),
        (("search",), 9),
        (("report", "--since", "gisteren"), 9),
    ],
)
def test_expected_failures_are_one_line_with_exit_code(
    run_cli: CliRun, world: SmallWorld, args: tuple[str, ...], code: int
) -> None:
    result = run_cli(*args)
    assert result.exit_code == code
    assert "Traceback" not in result.output


def test_search_by_phone_text_and_image(run_cli: CliRun, world: SmallWorld, tmp_path: Path, db: Database) -> None:
    by_phone = json.loads(run_cli("search", "--phone", "06-87 65 43 21", "--format", "json").output)
    assert [ad["id"] for ad in by_phone["ads"]] == [world.lone_flagged.id]
    assert by_phone["query"] == {"phone": LONE_PHONE}
    by_text = json.loads(run_cli("search", "--text", "NIEUW in de", "--format", "json").output)
    assert [ad["id"] for ad in by_text["ads"]] == [world.network_ads[0].id]
    assert json.loads(run_cli("search", "--text", "100%", "--format", "json").output)["ads"] == []

    image = Image.new("RGB", (64, 64))
    for x in range(64):
        for y in range(64):
            image.putpixel((x, y), (x * 4, y * 4, (x * y) % 256))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    photo_file = tmp_path / "photo.png"
    photo_file.write_bytes(buffer.getvalue())
    mirrored = tmp_path / "mirrored.png"
    image.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(mirrored)
    with db.session() as session:
        world.rows.session = session
        world.rows.photo(world.benign, hash_image(buffer.getvalue()).phash)
    for path in (photo_file, mirrored):
        found = json.loads(run_cli("search", "--image", str(path), "--format", "json").output)
        assert [ad["id"] for ad in found["ads"]] == [world.benign.id]
    details = audit_rows(db)[-1].details
    assert details == {"by": "image", "ads": [world.benign.id]}
    assert all(NETWORK_PHONE not in json.dumps(entry.details) for entry in audit_rows(db))


def test_review_and_queue(run_cli: CliRun, world: SmallWorld, db: Database) -> None:
    first = json.loads(run_cli("review", "next", "--format", "json").output)
    assert first["queue"][0]["ad_id"] == world.network_ads[0].id  # risk 80, the highest
    result = run_cli("--as", "inv2", "review", str(world.network_ads[0].id), "--label", "benign", "--note", "known")
    assert result.exit_code == 0, result.output
    after = json.loads(run_cli("review", "next", "--format", "json").output)
    assert world.network_ads[0].id not in [item["ad_id"] for item in after["queue"]]
    assert run_cli("review", "N-000001", "--label", "trafficking-suspect").exit_code == 0
    assert run_cli("review", "5", "--label", "guilty").exit_code == 2
    with db.session() as session:
        reviews = list(session.scalars(select(Review).order_by(Review.id)))
    assert [(r.label, r.reviewer) for r in reviews[:1]] == [("benign", "inv2")]
    assert reviews[0].snapshot["text"].startswith("Hoi ik ben Lina")
    assert reviews[1].snapshot["label"] == "N-000001"
    assert [e.action for e in audit_rows(db) if e.command == "review"] == ["change", "change"]


def test_watch_add_list_remove(run_cli: CliRun, world: SmallWorld, db: Database) -> None:
    assert run_cli("watch", "add", "phone", "06 12 34 56 78", "--note", "case 7").exit_code == 0
    assert run_cli("watch", "add", "network", "n-000001").exit_code == 0
    assert run_cli("watch", "add", "text", "Zonder  CONDOOM").exit_code == 0
    assert run_cli("watch", "add", "network", "N-000999").exit_code == 10
    listed = json.loads(run_cli("watch", "list", "--format", "json").output)
    assert [(e["kind"], e["value"]) for e in listed] == [
        ("phone", NETWORK_PHONE),
        ("network", "N-000001"),
        ("text", "zonder condoom"),
    ]
    document = json.loads(run_cli("report", "--format", "json").output)
    a2 = document["groups"][0]["ads"][0]
    assert sorted(entry["kind"] for entry in a2["watch"]) == ["network", "phone", "text"]
    assert run_cli("watch", "remove", str(listed[0]["id"])).exit_code == 0
    with db.session() as session:
        active = session.scalars(select(WatchlistEntry.value).where(WatchlistEntry.active.is_(True))).all()
    assert NETWORK_PHONE not in active


def test_export_formats_carry_only_the_needed_fields(
    run_cli: CliRun, world: SmallWorld, tmp_path: Path, db: Database
) -> None:
    rows = list(csv.reader(io.StringIO(run_cli("export", "--format", "csv").output)))
    assert rows[0] == [
        *("id", "network", "source", "url", "city", "first_seen_at", "last_seen_at"),
        *("risk_score", "licensing_score", "model_probability", "model_version", "flagged", "underage"),
        *("phones", "indicators", "model_warning"),
    ]
    assert len(rows) == 4  # a1, a2, b1: the flagged ads
    assert {row[-1] for row in rows[1:]} == {MODEL_WARNING}, "no exported row travels without the model's warning"
    records = json.loads(run_cli("export", "--format", "json", "--all").output)
    assert len(records["ads"]) == 5
    assert "text" not in records["ads"][0] and "title" not in records["ads"][0]
    target = tmp_path / "net.graphml"
    result = run_cli(
        "--purpose",
        "referral",
        "export",
        "--format",
        "graphml",
        "--network",
        "N-000001",
        "--recipient",
        "PCT",
        "-o",
        str(target),
    )
    assert result.exit_code == 0
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ElementTree.parse(target).getroot()
    assert len(root.findall(".//g:node", ns)) == 2
    assert len(root.findall(".//g:edge", ns)) == 1
    entry = audit_rows(db)[-1]
    assert (entry.action, entry.purpose, entry.details["recipient"]) == ("export", "referral", "PCT")


def test_audit_lists_entries_and_the_log_is_append_only(run_cli: CliRun, world: SmallWorld, db: Database) -> None:
    run_cli("--as", "inv1", "report")
    run_cli("--as", "inv2", "show", "ad", str(world.benign.id))
    listed = json.loads(run_cli("audit", "--format", "json").output)
    assert [(e["actor"], e["command"]) for e in listed] == [("inv1", "report"), ("inv2", "show ad")]
    only = json.loads(run_cli("audit", "--actor", "inv2", "--format", "json").output)
    assert [e["command"] for e in only] == ["show ad"]
    csv_rows = run_cli("audit", "--format", "csv").output.splitlines()
    assert len(csv_rows) == 3
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(SQLDatabaseError), db.engine.begin() as connection:
            connection.execute(text(statement))
    assert len(audit_rows(db)) == 2
