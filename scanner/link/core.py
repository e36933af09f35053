"""The pure linking core: records in, links and groups out, no database.

`link_records` first finds near-duplicate texts (their signatures tell one writer from many), then
judges every shared identifier and picture (scanner.link.identity: person, business, duo or hub),
links ads as the judgements allow, weakens text shared by ads of one licensed business (its house
style), adds `movement` links between groups that travel together, and joins ads over strong person
and duo links into connected groups. A group with several people is a network, unless it is exactly
the two women of a duo (a pair); business links make business groups of their own. Each group is
summarised: people, names, phones, cities, link kinds, licence numbers (a licensed business is marked
so that rules and scores do not read it as trafficking), the shared text template, and movement.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from scanner.link.identifiers import (
    BUSINESS,
    BUSINESS_FACTOR,
    DUO,
    group_by_identifier,
    identifier_links,
    is_business_line,
)
from scanner.link.identity import candidates_of, judge_identities
from scanner.link.movement import co_moving_pairs, movement_from_sightings
from scanner.link.networks import connected_groups, count_people, normalise_name, person_names
from scanner.link.photos import photo_clusters, photo_links
from scanner.link.records import AdRecord, Judgement, LinkEdge, LinkResult, NetworkGroup, Signature
from scanner.link.templates import extract_template
from scanner.link.text import text_links
from scanner.link.unionfind import UnionFind
from scanner.settings import LinkingSettings

MAX_LISTED = 20  # names, phones and cities listed in a summary


def link_records(
    records: Sequence[AdRecord],
    settings: LinkingSettings,
    *,
    cached_signatures: Mapping[int, Signature] | None = None,
    summaries: bool = True,
) -> LinkResult:
    """Links between the ads and the groups they form; deterministic for the same records."""
    stats: dict[str, Any] = {"ads": len(records)}
    timings: dict[str, float] = {}
    started = time.perf_counter()
    found, signatures = text_links(
        records,
        threshold=settings.text_threshold,
        num_perm=settings.text_num_perm,
        shingle_words=settings.text_shingle_words,
        max_ads=settings.max_ads_per_identifier,
        cached=cached_signatures,
        stats=stats,
    )
    text = _house_style(found, records, stats)
    timings["text"] = time.perf_counter() - started
    started = time.perf_counter()
    clusters = photo_clusters(
        records, max_distance=settings.photo_max_distance, probe_radius=settings.photo_probe_radius, stats=stats
    )
    timings["photos"] = time.perf_counter() - started
    started = time.perf_counter()
    groups = group_by_identifier(records)
    judgements = judge_identities(records, candidates_of(groups, clusters), signatures, settings)
    stats["judgements"] = dict(sorted(Counter(j.verdict for j in judgements.values()).items()))
    timings["judgements"] = time.perf_counter() - started
    started = time.perf_counter()
    links: list[LinkEdge] = identifier_links(groups, judgements, max_ads=settings.max_ads_per_identifier, stats=stats)
    links += photo_links(
        clusters,
        judgements,
        max_distance=settings.photo_max_distance,
        max_ads=settings.max_ads_per_identifier,
        stats=stats,
    )
    links += text
    timings["identifiers"] = time.perf_counter() - started
    started = time.perf_counter()
    by_id = {record.ad_id: record for record in records}
    joining = [link for link in links if link.role != BUSINESS]
    links += movement_links(by_id, joining, settings)
    links.sort(key=lambda link: (link.ad_a, link.ad_b, link.kind))
    networks = _groups(by_id, links, judgements, settings, stats)
    if summaries:
        member_links = _links_by_network(networks, links)
        for network, inner in zip(networks, member_links, strict=True):
            group = [by_id[ad] for ad in network.members]
            # a business's house style is its own affair: no template is worked out for it
            template = network.kind != "business"
            network.summary = summarise(group, inner, settings.link_min_strength, template=template)
            network.summary["kind"] = network.kind
    timings["networks"] = time.perf_counter() - started
    stats["links"] = dict(Counter(link.kind for link in links))
    stats["networks"] = sum(1 for network in networks if network.kind == "network")
    stats["groups"] = dict(sorted(Counter(network.kind for network in networks).items()))
    stats["seconds"] = {step: round(seconds, 3) for step, seconds in timings.items()}
    return LinkResult(
        links=links,
        networks=networks,
        stats=stats,
        signatures=signatures,
        judgements=sorted(judgements.values(), key=lambda judgement: (judgement.kind, judgement.value)),
    )


def _groups(
    by_id: Mapping[int, AdRecord],
    links: Sequence[LinkEdge],
    judgements: Mapping[tuple[str, str], Judgement],
    settings: LinkingSettings,
    stats: dict[str, Any],
) -> list[NetworkGroup]:
    """Networks and duo pairs over strong person and duo links; business groups over business links."""
    pairs = [frozenset(j.facts["names"]) for j in judgements.values() if j.verdict == DUO]
    found: list[NetworkGroup] = []
    joining = [link for link in links if link.role != BUSINESS]
    candidates = [
        NetworkGroup(tuple(members)) for members in connected_groups(sorted(by_id), joining, settings.link_min_strength)
    ]
    pictures = [[link for link in inner if link.kind == "photo"] for inner in _links_by_network(candidates, joining)]
    for candidate, shown in zip(candidates, pictures, strict=True):
        members = list(candidate.members)
        group = [by_id[ad] for ad in members]
        people = count_people((record.name for record in group), (phone for r in group for phone in r.phones))
        if people >= 2 and all(record.photos for record in group) and people_by_photos(group, shown) == 1:
            people = 1  # every ad shows the same woman's pictures: one woman under several working names
        if people < settings.min_network_people:
            stats["single_person_groups"] = stats.get("single_person_groups", 0) + 1
            continue
        names = frozenset(person for record in group for person in person_names(record.name))
        kind = "duo" if people == 2 and names in pairs else "network"
        found.append(NetworkGroup(members=tuple(members), kind=kind))
    business = [link for link in links if link.role == BUSINESS]
    found += [
        NetworkGroup(tuple(members), kind="business") for members in connected_groups(sorted(by_id), business, 0.0)
    ]
    return found


def _house_style(links: list[LinkEdge], records: Sequence[AdRecord], stats: dict[str, Any]) -> list[LinkEdge]:
    """Text shared by ads that both show a licence number is a licensed business's house style: weak evidence.

    An agency writes its workers' ads from one template, as a trafficker does; what tells them apart
    is the licence number the municipality issued (and can check against its register). Two agencies
    with look-alike texts are two licensed businesses, not one network.
    """
    licences = _business_licences(records)
    kept: list[LinkEdge] = []
    for link in links:
        # the same licence is one business's house style; two licences, two licensed businesses' texts
        if not (licences.get(link.ad_a) and licences.get(link.ad_b)):
            kept.append(link)
            continue
        stats["house_style_links"] = stats.get("house_style_links", 0) + 1
        evidence = {**link.evidence, "licensed_business": True}
        evidence["role"] = BUSINESS
        strength = round(link.strength * BUSINESS_FACTOR, 4)
        kept.append(LinkEdge(link.ad_a, link.ad_b, link.kind, strength, evidence, BUSINESS))
    return kept


def _business_licences(records: Sequence[AdRecord]) -> dict[int, frozenset[str]]:
    """Licence numbers per ad: its own, and those of a business phone it shows (one whose ads mostly show one)."""
    by_phone: dict[str, list[AdRecord]] = defaultdict(list)
    for record in records:
        for phone in record.phones:
            by_phone[phone].append(record)
    licences = {record.ad_id: set(record.license_numbers) for record in records if record.license_numbers}
    for ads in by_phone.values():
        shown = [record for record in ads if record.license_numbers]
        if len(shown) * 2 >= len(ads) and shown:
            numbers = {number for record in shown for number in record.license_numbers}
            for record in ads:
                licences.setdefault(record.ad_id, set()).update(numbers)
    return {ad: frozenset(numbers) for ad, numbers in licences.items()}


def movement_links(
    by_id: Mapping[int, AdRecord], links: Sequence[LinkEdge], settings: LinkingSettings
) -> list[LinkEdge]:
    """One `movement` link between the first ads of two groups (or lone ads) that travel together.

    `links` are the joining (person and duo) links: a business's ads do not travel as a group."""
    groups = connected_groups(sorted(by_id), links, settings.link_min_strength, keep_single=True)
    travelling = []
    for members in groups:
        seen_in = {city for ad in members for _, city in by_id[ad].sightings}
        if len(seen_in) < settings.movement_min_cities:
            continue  # most groups never leave their city: skip the day-by-day analysis
        movement = movement_from_sightings(sighting for ad in members for sighting in by_id[ad].sightings)
        if movement.distinct_cities >= settings.movement_min_cities:
            travelling.append((members, movement))
    found = []
    for i, j, cities in co_moving_pairs([movement for _, movement in travelling], settings.movement_min_cities):
        ad_a, ad_b = sorted((travelling[i][0][0], travelling[j][0][0]))
        strength = round(min(1.0, len(cities) / (settings.movement_min_cities + 1)), 4)
        found.append(LinkEdge(ad_a, ad_b, "movement", strength, {"cities": cities}))
    return found


def _links_by_network(networks: Sequence[NetworkGroup], links: Sequence[LinkEdge]) -> list[list[LinkEdge]]:
    position = {ad: index for index, network in enumerate(networks) for ad in network.members}
    inner: list[list[LinkEdge]] = [[] for _ in networks]
    for link in links:
        index = position.get(link.ad_a)
        if index is not None and position.get(link.ad_b) == index:
            inner[index].append(link)
    return inner


def people_by_photos(group: Sequence[AdRecord], links: Sequence[LinkEdge]) -> int:
    """Distinct people when ads showing the same photo are one person (ads without photos left out).

    Networks rotate names (one woman, three names, the same photos), so this is often lower than the
    count of names.
    """
    with_photos = [record for record in group if record.photos]
    index = {record.ad_id: position for position, record in enumerate(with_photos)}
    union = UnionFind(len(with_photos))
    for link in links:
        if link.kind == "photo" and link.ad_a in index and link.ad_b in index:
            union.union(index[link.ad_a], index[link.ad_b])
    return len({union.find(position) for position in range(len(with_photos))})


def summarise(
    group: Sequence[AdRecord], links: Sequence[LinkEdge], min_strength: float = 0.5, *, template: bool = True
) -> dict[str, Any]:
    """What an investigator reads first about a network (JSON-safe)."""
    names = sorted({normalise_name(record.name) for record in group if record.name.strip()})
    phones = sorted({phone for record in group for phone in record.phones})
    licences = sorted({number for record in group for number in record.license_numbers})
    with_licence = sum(1 for record in group if record.license_numbers)
    business_lines = [phone for phone in phones if is_business_line(phone)]
    cities = Counter(record.city for record in group if record.city)
    strong_kinds = Counter(link.kind for link in links if link.strength >= min_strength)
    texts = [record.text for record in sorted(group, key=lambda record: record.ad_id) if record.text.strip()]
    # One writer's frame shows even when the texts vary too much to be near-duplicates.
    shared = extract_template(texts) if template else None
    movement = movement_from_sightings(sighting for record in group for sighting in record.sightings)
    return {
        "size": len(group),
        "people": count_people(names, phones),
        "people_by_photos": people_by_photos(group, links),
        "names": names[:MAX_LISTED],
        "phones": phones[:MAX_LISTED],
        "distinct_phones": len(phones),
        "cities": [city for city, _ in cities.most_common(MAX_LISTED)],
        "link_kinds": dict(sorted(strong_kinds.items())),
        "licence_numbers": licences[:MAX_LISTED],
        "business_lines": len(business_lines),
        # A licensed business (most ads show a licence number) is an operator the municipality knows.
        "looks_licensed": with_licence * 2 >= len(group),
        "template": shared,
        "movement": movement.as_dict(),
    }
