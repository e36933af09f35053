"""What investigators read about the demo world is true, complete and quick to act on (slow).

`scanner demo` is run once for this module, as a user runs it (seed 7, four simulated nights, real
crawls of the demo sites on 127.0.0.1, the shipped model), into the test database. Then:

- its report opens with the scan status, the possible minors and the model's warning;
- every piece of evidence of every stored hit is the text of the field it names, at its offsets;
- `rules explain` agrees with the stored hits on every ad;
- every region named in the documentation returns ads, and a misspelled one is refused with a suggestion;
- partial phone numbers and accent-free words find the ads they should;
- the Excel export keeps phone numbers as text.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from scanner.db import Database
from scanner.db.models import Ad, AdIdentifier, AdVersion, Identifier, IndicatorHit
from scanner.db.session import open_database
from scanner.errors import InputError
from scanner.extract.spans import source_text
from scanner.investigate.render import Output
from scanner.investigate.report import ReportFilter, build_report, report_ad_ids
from scanner.investigate.search import by_text, fold
from scanner.lab.demo.run import demo_settings, run_demo
from scanner.lab.demo.world import World, WorldConfig
from scanner.rules import RuleSet
from scanner.rules.explain import explain_stored_ad, says_the_same
from scanner.settings import Settings, load_settings
from tests.conftest import CliRun, DatabaseFactory

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SEED, NIGHTS = 7, 4  # what `scanner demo` scans
AGE_RULES = ("underage", "below-municipal-min-age", "age-under-23")
REGION_EXAMPLE = re.compile(r"--region[ =](?:\"([^\"]+)\"|'([^']+)'|([^\s`\"'\[\]]+))")


@dataclass
class Demo:
    settings: Settings
    db: Database
    printed: str
    cli: CliRun
    world: World


@pytest.fixture(scope="module")
def demo(database_factory: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    base = tmp_path_factory.mktemp("demo-world")
    url = database_factory.new_url(base / "data")
    environ = {"SCANNER_DATABASE_URL": url, "SCANNER_DATA_DIR": str(base / "data"), "SCANNER_CONFIG": ""}
    loaded = load_settings(environ=environ)
    stream = io.StringIO()
    run_demo(loaded, "analyst", seed=SEED, days=NIGHTS, database_dir=base, out=Output(stream, rich=False))
    settings = demo_settings(loaded, base)
    db = open_database(settings)
    yield Demo(settings, db, stream.getvalue(), CliRun(url, base / "data"), World.generate(WorldConfig(SEED, NIGHTS)))
    db.dispose()


def test_the_demo_report_opens_with_the_scan_the_possible_minors_and_the_model(demo: Demo) -> None:
    nights = demo.printed[: demo.printed.index("== Start here")]
    warnings = [line for line in nights.splitlines() if line.startswith("  WARNING: Model bootstrap-")]
    assert len(warnings) == NIGHTS and all("TRAINED ON SYNTHETIC DATA" in line for line in warnings), "every scan"
    report = demo.printed[demo.printed.index("== Start here") :]
    start = report[: report.index("== Report since")].splitlines()
    assert start[1].startswith(f"Last scan: run {NIGHTS}, started 2026-01-05T12:00:00, completed")
    assert start[1].endswith("2 sources, all ok")
    assert any(
        line.startswith("MODEL WARNING: Model bootstrap-") and "TRAINED ON SYNTHETIC DATA" in line for line in start
    )
    counted = next(line for line in start if line.startswith("Possible minors: "))
    assert re.fullmatch(r"Possible minors: [1-9]\d* \([1-9]\d* new\), not yet reviewed: look at these first", counted)
    listed = [int(m.group(1)) for line in start if (m := re.match(r"  (?:NEW )?#(\d+) · ", line))]
    new = [line for line in start if line.startswith("  NEW #")]
    assert new and all("Possibly underage: stated age 1" in line for line in new)
    # Exactly the girls under 18 of the demo world's truth that are still online, none else.
    with demo.db.session() as session:
        keys = dict(session.execute(select(Ad.id, Ad.external_id).where(Ad.removed_at.is_(None))).all())
    truly_young = {record.key for record in demo.world.truth() if any(age < 18 for age in record.ages)}
    assert {keys[ad_id] for ad_id in listed} == truly_young & set(keys.values())
    # Every listed ad shows the parts of its risk: the rules' share, the model's probability and version.
    ad_lines = [line for line in report.splitlines() if re.match(r"  #\d+ \[", line)]
    parts = [line for line in report.splitlines() if line.startswith("     risk parts: ")]
    assert ad_lines and len(parts) == len(ad_lines)
    assert all(re.search(r"rules \d+/100 · model p=\d\.\d\d \(bootstrap-\w+; moved most by ", line) for line in parts)
    assert re.search(r"\(trafficking, \+\d\.\d\)", report), "weights print with one decimal"


def test_every_piece_of_evidence_is_the_text_of_the_field_it_names(demo: Demo) -> None:
    checked: dict[str, int] = {}
    with demo.db.session() as session:
        versions = {version.id: version for version in session.scalars(select(AdVersion))}
        for hit in session.scalars(select(IndicatorHit).where(IndicatorHit.ad_id.is_not(None))):
            version = versions[hit.ad_version_id] if hit.ad_version_id else None
            for span in hit.evidence:
                if span.get("start") is None:
                    assert span["field"] == "group" and span["ad_ids"], hit.rule_id  # a cross-ad fact
                    continue
                assert version is not None, hit.rule_id
                source = source_text(version.title, version.text, version.fields, span["field"])
                assert source[span["start"] : span["end"]] == span["text"], (hit.ad_id, hit.rule_id, span)
                checked[span["field"]] = checked.get(span["field"], 0) + 1
                if hit.rule_id in AGE_RULES:  # an age rule quotes the age it names
                    digits = re.findall(r"\d+", span["text"])
                    assert digits and f"stated age {digits[0]}" in hit.explanation, (hit.explanation, span)
    assert checked.get("text", 0) > 300 and checked.get("title", 0) > 10 and checked.get("age", 0) > 10, checked


def test_rules_explain_agrees_with_the_stored_hits_on_every_ad(demo: Demo) -> None:
    ruleset = RuleSet.load(Path(demo.settings.paths.rules_dir), demo.settings)
    group_rules = {rule.id for rule in ruleset.rules if rule.rule.group}
    walked = 0
    with demo.db.session() as session:
        ad_ids = session.scalars(select(Ad.id).where(Ad.current_version_id.is_not(None)).order_by(Ad.id)).all()
        for ad_id in ad_ids:
            found = explain_stored_ad(session, demo.settings, ruleset, ad_id)
            assert found.differences == [], (ad_id, found.differences)
            explained = {e.rule_id: e.hit for e in found.rules if e.enabled and e.hit is not None}
            stored = {hit.rule_id: hit for hit in found.stored}
            assert explained.keys() == stored.keys(), ad_id
            assert all(says_the_same(explained[rule], stored[rule]) for rule in stored), ad_id
            assert {hit.rule_id for hit in found.cross_ad} <= group_rules
            walked += 1
    assert walked == len(ad_ids) > 300


def documented_regions() -> tuple[set[str], set[str]]:
    """The regions of the documentation's examples, and those shown being refused (an error names them)."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    found, refused = set(), set()
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for match in REGION_EXAMPLE.finditer(text):
            name = next(group for group in match.groups() if group)
            after = text[match.end() : match.end() + 300]
            (refused if f"unknown place or region '{name}'" in after else found).add(name)
    return found - {"R"}, refused  # R: the placeholder of the option's synopsis


def test_every_region_in_the_docs_returns_ads(demo: Demo) -> None:
    regions, refused = documented_regions()
    assert {"Kennemerland", "Amsterdam-Amstelland", "Zuid Holland"} <= regions
    for name in refused:  # the documented mistake is refused as documented
        result = demo.cli("report", "--region", name)
        assert result.exit_code == InputError.exit_code and f"unknown place or region '{name}'" in result.output
    with demo.db.session() as session:
        for region in sorted(regions):
            document = build_report(
                session, demo.settings, ReportFilter(since=None, region=region, include_unflagged=True)
            )
            assert report_ad_ids(document), f"--region {region} lists nothing"
        spelled = [
            set(report_ad_ids(build_report(session, demo.settings, ReportFilter(since=None, region=name))))
            for name in ("Zuid Holland", "Zuid-Holland", "zuid-holland", "provincie Zuid-Holland")
        ]
    assert spelled[0] and all(ads == spelled[0] for ads in spelled)


def test_search_and_export_take_the_same_regions(demo: Demo) -> None:
    found = json.loads(demo.cli("search", "--text", "uur", "--region", "Kennemerland", "--format", "json").output)
    assert found["ads"] and {ad["city"] for ad in found["ads"]} <= {
        "Haarlem",
        "Haarlemmermeer",
        "Zandvoort",
        "Bloemendaal",
    }
    exported = json.loads(demo.cli("export", "--all", "--region", "Amsterdam-Amstelland", "--format", "json").output)
    assert exported["ads"] and {row["city"] for row in exported["ads"]} <= {"Amsterdam", "Amstelveen", "Diemen"}


@pytest.mark.parametrize("command", [["report"], ["search", "--text", "uur"], ["export"]])
def test_a_misspelled_region_is_refused_with_a_suggestion(demo: Demo, command: list[str]) -> None:
    result = demo.cli(*command, "--region", "Kenemerland")
    assert result.exit_code == InputError.exit_code
    assert "unknown place or region 'Kenemerland'" in result.output and "did you mean Kennemerland" in result.output


def test_part_of_a_phone_number_finds_the_ads_with_it(demo: Demo) -> None:
    with demo.db.session() as session:
        phone, count = session.execute(
            select(Identifier.value, func.count(AdIdentifier.ad_id))
            .join(AdIdentifier, AdIdentifier.identifier_id == Identifier.id)
            .where(Identifier.kind == "phone", Identifier.value.like("+316%"))
            .group_by(Identifier.value)
            .order_by(func.count(AdIdentifier.ad_id).desc(), Identifier.value)
            .limit(1)
        ).one()
        with_phone = set(
            session.scalars(
                select(AdIdentifier.ad_id).join(Identifier).where(Identifier.value == phone, Identifier.kind == "phone")
            )
        )
    assert count >= 2
    national = "0" + phone[3:]  # +31612345678 -> 0612345678
    for typed, query in [
        (phone[-6:], {"phone_ends_with": phone[-6:]}),
        (f"{national[:4]} {national[4:6]}", {"phone_prefix": phone[:8]}),
        (f"+31 {phone[3]} {phone[4:7]}", {"phone_prefix": phone[:7]}),
    ]:
        result = json.loads(demo.cli("search", "--phone", typed, "--format", "json").output)
        assert result["query"] == query, typed
        found = {ad["id"] for ad in result["ads"]}
        assert with_phone <= found, typed
        assert all(
            any(p.endswith(phone[-6:]) or p.startswith(query.get("phone_prefix", "-")) for p in ad["phones"])
            for ad in result["ads"]
        )
    refused = demo.cli("search", "--phone", "3456")
    assert refused.exit_code == InputError.exit_code and "too few" in refused.output


def test_words_are_found_whatever_their_accents_and_case(demo: Demo) -> None:
    with demo.db.session() as session:
        accented = session.scalars(select(AdVersion.ad_id).where(AdVersion.text.like("%privé%"))).all()
        assert accented, "the demo world writes 'privé'"
        for typed in ("prive", "PRIVÉ", "Privé"):
            found = {ad["id"] for ad in by_text(session, demo.settings, typed)}
            assert set(accented) <= found, typed
        for ad in by_text(session, demo.settings, "prive"):
            versions = session.scalars(select(AdVersion).where(AdVersion.ad_id == ad["id"])).all()
            assert any("prive" in fold(f"{v.title} {v.text}") for v in versions)


def test_the_excel_export_keeps_phone_numbers_as_text(demo: Demo, tmp_path: Path) -> None:
    target = tmp_path / "flagged.xlsx"
    assert demo.cli("export", "--format", "xlsx", "-o", str(target)).exit_code == 0
    records = json.loads(demo.cli("export", "--format", "json").output)
    sheet = load_workbook(target)["ads"]
    header = [cell.value for cell in sheet[1]]
    phones = header.index("phones")
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(records["ads"]) > 10
    for row, record in zip(rows, records["ads"], strict=True):
        cell = row[phones]
        if record["phones"]:
            assert cell.data_type == "s" and cell.number_format == "@"
            assert cell.value == ";".join(record["phones"])
            assert all(re.fullmatch(r"\+\d{8,15}", phone) for phone in cell.value.split(";"))
    about = {row[0].value: row[1].value for row in load_workbook(target)["about"].iter_rows(min_row=2)}
    assert "TRAINED ON SYNTHETIC DATA" in str(about.get("model warning"))
