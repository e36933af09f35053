"""Networks: connected groups of ads over strong links, and public labels that stay stable across runs.

Ads are joined (union-find) by every link at least `linking.link_min_strength` strong; weaker links
(business lines, common identifiers) stay in the database as evidence but join nothing. A connected
group becomes a network only when it holds at least `linking.min_network_people` distinct people,
counted by the names in the ads: one independent worker's own ads on three sites, all under her name
with her phone and photos, are one person, not a network.

Labels (`N-000001`; `B-` for business groups, `D-` for duo pairs) are kept from the previous run when a
new group largely continues an old group of its kind: the pairs are matched greedily by the number of
shared ads, and a match needs more than half of the old group's or of the new group's ads in common.
Old groups without a match are dissolved.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from scanner.link.records import LinkEdge
from scanner.link.unionfind import UnionFind

# What joins the names of a joint ad ("Mila & Jade", "Mila en Jade", "Mila/Jade", "Mila + Jade").
_JOINT = re.compile(r"\s*(?:&|\+|/|,|\s(?:en|and|und|et|y)\s)\s*", re.IGNORECASE)


def normalise_name(name: str) -> str:
    return " ".join(name.casefold().split())


def person_names(name: str) -> tuple[str, ...]:
    """The people a name field names: one, or each name of a joint ad ("Mila & Jade" -> mila, jade)."""
    parts = (normalise_name(piece) for piece in _JOINT.split(name))
    return tuple(dict.fromkeys(part for part in parts if any(char.isalpha() for char in part)))


def connected_groups(
    ad_ids: Sequence[int], links: Iterable[LinkEdge], min_strength: float, *, keep_single: bool = False
) -> list[list[int]]:
    """Groups of two or more ads (or also lone ads) connected by links at least `min_strength` strong, sorted."""
    index = {ad: position for position, ad in enumerate(ad_ids)}
    union = UnionFind(len(ad_ids))
    for link in links:
        if link.strength >= min_strength and link.ad_a in index and link.ad_b in index:
            union.union(index[link.ad_a], index[link.ad_b])
    groups: dict[int, list[int]] = defaultdict(list)
    for ad in ad_ids:
        groups[union.find(index[ad])].append(ad)
    smallest = 1 if keep_single else 2
    return sorted((sorted(group) for group in groups.values() if len(group) >= smallest), key=lambda group: group[0])


def count_people(names: Iterable[str], phones: Iterable[str]) -> int:
    """Distinct people behind a group: distinct names (a joint ad's names each), or distinct phones when no ad
    names anyone."""
    distinct = {person for name in names for person in person_names(name)}
    if distinct:
        return len(distinct)
    return len(set(phones))


# Public labels by kind of group: N-000123 a network, B-000004 a business group, D-000002 a duo pair.
LABEL_PREFIX = {"network": "N", "business": "B", "duo": "D"}


def format_label(number: int, kind: str = "network") -> str:
    return f"{LABEL_PREFIX[kind]}-{number:06d}"


def label_number(label: str) -> int:
    return int(label.split("-", 1)[1])


def match_labels(
    groups: Sequence[frozenset[int]],
    previous: Mapping[str, frozenset[int]],
    *,
    highest_used: int = 0,
    kind: str = "network",
) -> tuple[dict[int, str], list[str]]:
    """Label per group index (continuing an old group of the same kind, or a number never used before), and
    dissolved labels."""
    owner: dict[int, str] = {}
    for label, members in previous.items():
        for ad in members:
            owner[ad] = label
    candidates: list[tuple[int, str, int]] = []
    for position, group in enumerate(groups):
        overlap: dict[str, int] = defaultdict(int)
        for ad in group:
            if ad in owner:
                overlap[owner[ad]] += 1
        for label, shared in overlap.items():
            if shared * 2 > len(previous[label]) or shared * 2 > len(group):
                candidates.append((shared, label, position))
    candidates.sort(key=lambda item: (-item[0], label_number(item[1]), item[2]))
    labels: dict[int, str] = {}
    used: set[str] = set()
    for _shared, label, position in candidates:
        if position in labels or label in used:
            continue
        labels[position] = label
        used.add(label)
    next_number = max([highest_used, *(label_number(label) for label in previous)]) + 1
    for position in range(len(groups)):
        if position not in labels:
            labels[position] = format_label(next_number, kind)
            next_number += 1
    dissolved = sorted(label for label in previous if label not in used)
    return labels, dissolved
