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

LINK_KINDS = ("phone", "email", "handle", "license", "photo", "text", "movement")
# What a link says about the two ads: one person's or one group's (person), one business (business), or
# the two women of a duo (duo). Only person and duo links join ads into groups; business links make
# business groups. See scanner.link.identity.
ROLES = ("person", "business", "duo")
# The kinds of group stored in `networks`: only "network" is read as a network by the later stages.
GROUP_KINDS = ("network", "business", "duo")

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
    source: str = ""  # the site, for the size of the listing an identifier is judged against


@dataclass(frozen=True, slots=True)
class LinkEdge:
    """One link between two ads (ad_a < ad_b) of one kind."""

    ad_a: int
    ad_b: int
    kind: str
    strength: float
    evidence: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    role: str = "person"


@dataclass(slots=True)
class NetworkGroup:
    """A connected group of ads: a network (several people behind one operator), a business group or a duo."""

    members: tuple[int, ...]
    summary: dict[str, Any] = field(default_factory=dict)
    kind: str = "network"


@dataclass(frozen=True, slots=True)
class Judgement:
    """What an identifier (a phone, e-mail, handle, licence number or photo cluster) says about its ads.

    `verdict` is person (it links), hub (it links nothing), business (a business group, not a
    network) or duo (two women, a pair); `reason` says why in words, `facts` in numbers.
    """

    kind: str
    value: str
    verdict: str
    reason: str
    ads: tuple[int, ...]
    facts: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(slots=True)
class LinkResult:
    links: list[LinkEdge]
    networks: list[NetworkGroup]
    stats: dict[str, Any] = field(default_factory=dict)
    # Text signatures by ad id, so a later incremental run need not recompute them.
    signatures: dict[int, Signature] = field(default_factory=dict)
    judgements: list[Judgement] = field(default_factory=list)
