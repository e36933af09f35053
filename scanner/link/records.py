"""The pure records the linker works on, and what it returns: no database, no I/O.

`AdRecord` is one ad as the linker sees it (identifiers, photo hashes, text, name, city, sightings).
`link_records` (scanner.link.core) turns a sequence of them into a `LinkResult`: pairwise links with
their kind, strength and evidence, and the networks formed from them. The database layer
(scanner.link.store) builds the records from the tables and writes the result back; the benchmark and
the quality evaluation call the core directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

LINK_KINDS = ("phone", "email", "handle", "photo", "text", "movement")

Signature = npt.NDArray[np.uint32]


@dataclass(frozen=True, slots=True)
class PhotoHash:
    """A photo's 64-bit pHash and the pHash of its mirror image (None when unknown)."""

    phash: int
    mirror: int | None = None


@dataclass(frozen=True, slots=True)
class AdRecord:
    """One ad: what links it to other ads and where it was seen."""

    ad_id: int
    phones: tuple[str, ...] = ()  # E.164
    emails: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()  # "kind:value"
    photos: tuple[PhotoHash, ...] = ()
    text: str = ""
    name: str = ""
    city: str | None = None
    sightings: tuple[tuple[date, str], ...] = ()  # (day, city)
    license_numbers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LinkEdge:
    """One link between two ads (ad_a < ad_b) of one kind."""

    ad_a: int
    ad_b: int
    kind: str
    strength: float
    evidence: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(slots=True)
class NetworkGroup:
    """A connected group of ads that looks like more than one person behind one operator."""

    members: tuple[int, ...]
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class LinkResult:
    links: list[LinkEdge]
    networks: list[NetworkGroup]
    stats: dict[str, Any] = field(default_factory=dict)
    # Text signatures by ad id, so a later incremental run need not recompute them.
    signatures: dict[int, Signature] = field(default_factory=dict)
