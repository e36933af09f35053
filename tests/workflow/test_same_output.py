"""Moving code must not change what a scan finds: the demo scan's output equals the committed snapshot.

The snapshot (`data/demo_scan_snapshot.json`) was made before the packages were moved into their
layers (scanner/lab, scanner/investigate, one pipeline); see tests/workflow/demo_snapshot.py for what
it holds and how to rewrite it after a change of behaviour that is meant.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from scanner.db import Database
from scanner.settings import Settings
from tests.workflow.demo_snapshot import demo_settings, scan_small_world, snapshot

SNAPSHOT = Path(__file__).with_name("data") / "demo_scan_snapshot.json"

pytestmark = pytest.mark.slow


def test_the_demo_scan_stores_what_the_snapshot_holds(db: Database, settings: Settings) -> None:
    scan_small_world(db, demo_settings(settings))
    found = json.loads(json.dumps(snapshot(db)))  # as JSON reads it back: tuples become lists
    if os.environ.get("SCANNER_WRITE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(found, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    # Every stage has work in this world, so the comparison is not one of empty tables.
    assert expected["hits"] and expected["networks"] and expected["assessments"] and len(expected["ads"]) > 20
    for part in ("ads", "links", "networks", "hits", "assessments"):
        assert found[part] == expected[part], f"the demo scan's {part} differ from the snapshot"
