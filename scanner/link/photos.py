"""Links through the same photo: perceptual hashes within a Hamming distance, found without all pairs.

Every distinct 64-bit pHash is a node. Near neighbours are found by multi-index hashing: the hash is
cut into four 16-bit bands, each band is a sorted index, and a query probes every key within
`probe_radius` bits of its own band. Two hashes within distance d differ by at most d // 4 bits in
some band (pigeonhole), so a radius of r finds every pair up to distance 4r + 3 and most pairs
beyond. A mirrored copy is found by querying with the photo's mirror hash as well. Candidates are
checked with the full Hamming distance.

Nodes within the distance are joined into photo clusters (the same picture, resized, cropped,
re-encoded or mirrored). Whether a cluster links its ads is judged first (scanner.link.identity): a
site's "no photo" picture or a stock photo is a hub and links nothing, an agency's logo links its ads
into a business group; `cluster_links` then links every two ads of the cluster.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from scanner.link.identifiers import BUSINESS, BUSINESS_FACTOR, HUB, PERSON, rarity_weight
from scanner.link.records import AdRecord, Judgement, LinkEdge
from scanner.link.unionfind import UnionFind

BANDS = 4
BAND_BITS = 16
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


def to_signed(value: int) -> int:
    """A 64-bit hash as the signed integer numpy stores without overflow."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _probe_masks(radius: int) -> npt.NDArray[np.uint64]:
    masks = [0]
    for flips in range(1, radius + 1):
        for bits in itertools.combinations(range(BAND_BITS), flips):
            masks.append(sum(1 << bit for bit in bits))
    return np.array(masks, dtype=np.uint64)


def near_pairs(hashes: U64, queries: U64, max_distance: int, probe_radius: int) -> tuple[I64, I64, I64]:
    """Pairs (query row i, hash row j, distance) with distance <= max_distance and i != j, found by banding.

    Candidates are checked band by band and probe by probe, so memory stays proportional to the pairs
    found rather than to the candidates tried.
    """
    found: list[I64] = []
    masks = _probe_masks(probe_radius)
    band_mask = np.uint64((1 << BAND_BITS) - 1)
    query_rows = np.arange(len(queries), dtype=np.int64)
    for band in range(BANDS):
        shift = np.uint64(band * BAND_BITS)
        keys = ((hashes >> shift) & band_mask).astype(np.int64)
        order = np.argsort(keys, kind="stable")
        # Counting sort: bucket k holds order[first[k]:first[k + 1]], looked up in O(1) per probe.
        first = np.zeros((1 << BAND_BITS) + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys, minlength=1 << BAND_BITS), out=first[1:])
        query_keys = ((queries >> shift) & band_mask).astype(np.int64)
        for mask in masks:
            probe = query_keys ^ np.int64(mask)
            left = first[probe]
            counts = first[probe + 1] - left
            total = int(counts.sum())
            if total == 0:
                continue
            rows_i = np.repeat(query_rows, counts)
            starts = np.repeat(left - np.cumsum(counts) + counts, counts)
            rows_j = order[starts + np.arange(total, dtype=np.int64)]
            distance = np.bitwise_count(queries[rows_i] ^ hashes[rows_j])
            keep = (distance <= max_distance) & (rows_i != rows_j)
            found.append(rows_i[keep] * len(hashes) + rows_j[keep])
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    packed = np.unique(np.concatenate(found))
    rows_i, rows_j = packed // len(hashes), packed % len(hashes)
    distance = np.bitwise_count(queries[rows_i] ^ hashes[rows_j]).astype(np.int64)
    return rows_i, rows_j, distance


@dataclass
class PhotoCluster:
    """One picture: the distinct pHashes within `max_distance` of each other (edits, mirror), and its ads."""

    key: str  # the smallest pHash of the cluster in hex: its name in judgements
    phashes: tuple[int, ...]
    ads: tuple[int, ...]
    node_ads: list[set[int]]  # the ads showing each pHash of the cluster
    near: list[tuple[int, int, int]]  # (node, node, distance) of the close pairs, as indices into node_ads


def photo_clusters(
    records: Sequence[AdRecord], *, max_distance: int, probe_radius: int, stats: dict[str, int] | None = None
) -> list[PhotoCluster]:
    """Every picture shown by two or more ads, found without comparing all pairs of photos."""
    counters = stats if stats is not None else {}
    node_of: dict[int, int] = {}
    mirror_of: list[int] = []
    ads_of_node: list[set[int]] = []
    for record in records:
        for photo in record.photos:
            node = node_of.get(photo.phash)
            if node is None:
                node = node_of[photo.phash] = len(mirror_of)
                mirror_of.append(photo.phash if photo.mirror is None else photo.mirror)
                ads_of_node.append(set())
            ads_of_node[node].add(record.ad_id)
    if not node_of:
        return []
    values = list(node_of)
    hashes = np.array([to_signed(value) for value in values], dtype=np.int64).view(np.uint64)
    mirrors = np.array([to_signed(value) for value in mirror_of], dtype=np.int64).view(np.uint64)
    union = UnionFind(len(hashes))
    direct: dict[tuple[int, int], int] = {}
    for queries in (hashes, mirrors):
        rows_i, rows_j, distance = near_pairs(hashes, queries, max_distance, probe_radius)
        union.union_many(rows_i, rows_j)
        for i, j, d in zip(rows_i.tolist(), rows_j.tolist(), distance.tolist(), strict=True):
            key = (min(i, j), max(i, j))
            if d < direct.get(key, 65):
                direct[key] = d
    counters["photo_near_pairs"] = len(direct)
    members: dict[int, list[int]] = defaultdict(list)
    for node in range(len(hashes)):
        members[union.find(node)].append(node)
    near_in: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for (i, j), d in direct.items():
        near_in[union.find(i)].append((i, j, d))
    clusters = []
    for root, nodes in members.items():
        ads = ads_of_node[nodes[0]] if len(nodes) == 1 else set().union(*(ads_of_node[node] for node in nodes))
        if len(ads) < 2:
            continue  # a picture on one ad links nothing and needs no judgement
        local = {node: position for position, node in enumerate(nodes)}
        clusters.append(
            PhotoCluster(
                key=f"{min(values[node] for node in nodes):016x}",
                phashes=tuple(sorted(values[node] for node in nodes)),
                ads=tuple(sorted(ads)),
                node_ads=[ads_of_node[node] for node in nodes],
                near=[(local[i], local[j], d) for i, j, d in near_in[root]],
            )
        )
    return clusters


def photo_links(
    clusters: Sequence[PhotoCluster],
    judgements: Mapping[tuple[str, str], Judgement],
    *,
    max_distance: int,
    max_ads: int,
    stats: dict[str, int] | None = None,
) -> list[LinkEdge]:
    """Links of every picture on two or more ads that is not a hub; a business picture (a logo) links weakly.

    Two ads that share several pictures get one link: the strongest.
    """
    counters = stats if stats is not None else {}
    best: dict[tuple[int, int], LinkEdge] = {}
    for cluster in clusters:
        if len(cluster.ads) < 2:
            continue
        judgement = judgements.get(("photo", cluster.key))
        verdict = judgement.verdict if judgement is not None else PERSON
        if verdict == HUB or len(cluster.ads) > max_ads:
            counters["photo_hubs"] = counters.get("photo_hubs", 0) + 1
            continue
        business = verdict == BUSINESS
        for link in cluster_links(
            cluster,
            max_distance=max_distance,
            max_ads=max_ads,
            factor=BUSINESS_FACTOR if business else 1.0,
            role=BUSINESS if business else PERSON,
        ):
            current = best.get((link.ad_a, link.ad_b))
            if current is None or link.strength > current.strength:
                best[(link.ad_a, link.ad_b)] = link
    return list(best.values())


def cluster_links(
    cluster: PhotoCluster, *, max_distance: int, max_ads: int, factor: float = 1.0, role: str = "person"
) -> list[LinkEdge]:
    """Links between every two ads of one picture, weaker the more ads show it and the further apart the copies."""
    ads = cluster.ads
    closest = _closest_distances(cluster)
    weight = rarity_weight(len(ads), max_ads) * factor
    links = []
    for i, ad_a in enumerate(ads):
        for ad_b in ads[i + 1 :]:
            gap = closest.get((ad_a, ad_b), max_distance)
            strength = round(weight * (1.0 - 0.5 * gap / (max_distance + 1)), 4)
            evidence: dict[str, object] = {"distance": gap, "ads_sharing": len(ads), "photo": cluster.key}
            if role != "person":
                evidence["role"] = role
            links.append(LinkEdge(ad_a, ad_b, "photo", strength, evidence, role))
    return links


def _closest_distances(cluster: PhotoCluster) -> dict[tuple[int, int], int]:
    """Smallest direct pHash distance between photos of each pair of ads in one cluster."""
    closest: dict[tuple[int, int], int] = {}

    def note(ads_a: set[int], ads_b: set[int], distance: int) -> None:
        for ad_a in ads_a:
            for ad_b in ads_b:
                if ad_a != ad_b:
                    key = (min(ad_a, ad_b), max(ad_a, ad_b))
                    if distance < closest.get(key, 65):
                        closest[key] = distance

    for ads in cluster.node_ads:
        note(ads, ads, 0)
    for i, j, distance in cluster.near:
        note(cluster.node_ads[i], cluster.node_ads[j], distance)
    return closest
