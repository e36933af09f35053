"""Pipeline stage: link ads into networks through shared phones, photos, text and movement.

Pure core: `link_records(records, settings.linking)` (no database). On the database:
`run_linking(db, settings, rebuild=False)`, and `movement_for_phone` / `movement_for_network` for the
rules and reports. See docs/linking.md.
"""

from scanner.link.core import link_records
from scanner.link.movement import Movement, movement_from_sightings
from scanner.link.records import AdRecord, LinkEdge, LinkResult, NetworkGroup, PhotoHash
from scanner.link.store import LinkStats, movement_for_network, movement_for_phone, run_linking

__all__ = [
    "AdRecord",
    "LinkEdge",
    "LinkResult",
    "LinkStats",
    "Movement",
    "NetworkGroup",
    "PhotoHash",
    "link_records",
    "movement_for_network",
    "movement_for_phone",
    "movement_from_sightings",
    "run_linking",
]
