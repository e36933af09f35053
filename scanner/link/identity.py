"""Before an identifier links ads: does it belong to a person, a business, a duo, or to nobody (a hub)?

Every phone, e-mail, handle, licence number and photo cluster shared by two or more ads is judged once
per run, and the judgement (verdict, reason in words, facts in numbers) is stored and shown by
`scanner show network`:

- **business**: a licence number; a number in `linking.licensed_numbers`; a fixed, VoIP or 088 line;
  a contact or picture whose ads mostly show a licence number; a picture every ad of which shows one
  business contact (an agency's logo). Business identifiers link weakly and make business groups,
  never networks.
- **duo**: a phone (e-mail, handle) shared by exactly two names that are online together (their days
  overlap at least `linking.duo_together`) in at most two cities, each writing her own ads (their
  texts are not one writer's, see `hub_text_similarity`): two friends or a shared flat. It links the
  two as a pair, which is not a network and is flagged only on other evidence.
- **hub**: a picture or contact used by many unrelated groups of ads under as many names, where
  "unrelated" means joined by no other contact, licence or picture, and written by different writers
  (the median similarity of their texts is below `linking.hub_text_similarity`), and "many" is the
  line: the larger of `linking.hub_min_groups` (`hub_min_groups_contact` for a phone, e-mail or
  handle: one phone behind several women is what a network looks like) and `linking.hub_share` of the
  ads of its sources and cities, so the line grows with the listing. A site's "no photo" picture or a
  stock photo is a hub and links nothing. A hub is not used as evidence when judging the others.
- **person**: everything else links as before: one person's, or one group's.

An identifier on more ads than `linking.max_ads_per_identifier` is a hub whatever it looks like.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from scanner.link.identifiers import BUSINESS, DUO, HUB, PERSON, is_business_line
from scanner.link.networks import person_names
from scanner.link.photos import PhotoCluster
from scanner.link.records import AdRecord, Judgement, Signature
from scanner.link.unionfind import UnionFind
from scanner.settings import LinkingSettings

CONTACT_KINDS = ("phone", "email", "handle")
MAX_JUDGE_ROUNDS = 3  # hubs found in one round are dropped as evidence in the next; two rounds settle the demo worlds


@dataclass(frozen=True, slots=True)
class Candidate:
    kind: str  # phone | email | handle | license | photo
    value: str
    ads: tuple[int, ...]
    phashes: tuple[str, ...] = ()  # a picture's pHashes (hex), kept with its judgement for the rules


def candidates_of(groups: Mapping[tuple[str, str], Sequence[int]], clusters: Sequence[PhotoCluster]) -> list[Candidate]:
    """Every identifier and picture on two or more ads, contacts and licences first, pictures last."""
    found = [Candidate(kind, value, tuple(ads)) for (kind, value), ads in sorted(groups.items()) if len(ads) >= 2]
    found += [
        Candidate("photo", cluster.key, cluster.ads, tuple(f"{value:016x}" for value in cluster.phashes))
        for cluster in clusters
        if len(cluster.ads) >= 2
    ]
    return found


class _Judge:
    def __init__(
        self,
        records: Sequence[AdRecord],
        candidates: Sequence[Candidate],
        signatures: Mapping[int, Signature],
        settings: LinkingSettings,
    ) -> None:
        self.settings = settings
        self.by_id = {record.ad_id: record for record in records}
        self.candidates = list(candidates)
        self.signatures = signatures
        self.member_of: dict[int, list[int]] = defaultdict(list)
        for index, candidate in enumerate(self.candidates):
            for ad in candidate.ads:
                self.member_of[ad].append(index)
        self.listing = Counter((record.source, record.city) for record in records)
        self.licensed_list = frozenset(settings.licensed_numbers)
        self.business_of_ad: dict[int, set[tuple[str, str]]] = defaultdict(set)  # the business contacts of each ad

    # -- what the ads of a candidate show ---------------------------------------------------------
    def identities(self, ads: Sequence[int]) -> set[str]:
        """Who the ads say they are about: the names they give, or their first contact when they give none (an
        ad with neither tells nothing, so it does not count as someone else)."""
        found: set[str] = set()
        for ad in ads:
            record = self.by_id[ad]
            names = person_names(record.name)
            if names:
                found.update(names)
            elif contact := next(iter(record.phones or record.emails or record.handles), None):
                found.add(f"contact:{contact}")
        return found

    def line(self, kind: str, ads: Sequence[int]) -> tuple[int, int]:
        """(the hub line, the number of ads of the sources and cities these ads are in)."""
        places = {(self.by_id[ad].source, self.by_id[ad].city) for ad in ads}
        scope = sum(self.listing[place] for place in places)
        floor = self.settings.hub_min_groups if kind == "photo" else self.settings.hub_min_groups_contact
        return max(floor, math.ceil(self.settings.hub_share * scope)), scope

    def licensed_share(self, ads: Sequence[int]) -> int:
        return sum(1 for ad in ads if self.by_id[ad].license_numbers)

    def unrelated_groups(self, index: int, ads: Sequence[int], hubs: set[int]) -> list[list[int]]:
        """The groups of these ads that no other shared contact, licence or picture joins.

        Another identifier on every one of these ads says nothing about them (a site-wide number on every ad
        that shows the placeholder is as much a hub as the placeholder), and neither does a known hub.
        """
        position = {ad: i for i, ad in enumerate(ads)}
        union = UnionFind(len(ads))
        shared: dict[int, list[int]] = defaultdict(list)
        for ad in ads:
            for other in self.member_of[ad]:
                if other != index and other not in hubs:
                    shared[other].append(position[ad])
        for members in shared.values():
            if len(members) == len(ads):
                continue
            for member in members[1:]:
                union.union(members[0], member)
        groups: dict[int, list[int]] = defaultdict(list)
        for ad in ads:
            groups[union.find(position[ad])].append(ad)
        return list(groups.values())

    def text_relatedness(self, groups: Sequence[Sequence[int]]) -> float | None:
        """Median estimated Jaccard between the texts of ads in different groups (None: too few texts).

        One writer's ads (an operator's template) stay related however much they vary; ads of unrelated
        writers share next to nothing. The median is robust to the odd pair of look-alike texts.
        """
        signed = [
            (number, self.signatures[ad])
            for number, group in enumerate(groups)
            for ad in group
            if len(self.signatures.get(ad, ())) > 0
        ]
        if len({number for number, _ in signed}) < 2:
            return None
        matrix = np.stack([signature for _, signature in signed])
        labels = np.array([number for number, _ in signed])
        across = labels[:, None] != labels[None, :]
        similarity = (matrix[:, None, :] == matrix[None, :, :]).mean(axis=2)
        return float(np.median(similarity[np.triu(across, k=1)]))

    # -- the verdicts -------------------------------------------------------------------------------
    def business(self, candidate: Candidate) -> Judgement | None:
        kind, value, ads = candidate.kind, candidate.value, candidate.ads
        licensed = self.licensed_share(ads)
        facts: dict[str, Any] = {"ads": len(ads), "with_licence": licensed}
        reason = None
        if kind == "license":
            reason = f"a licence number, shown on {len(ads)} ads: the business it was issued to"
        elif kind == "phone" and value in self.licensed_list:
            reason = "listed in linking.licensed_numbers (the licence register): links nothing"
            facts["licensed_list"] = True
        elif kind == "phone" and is_business_line(value):
            reason = f"a fixed, VoIP or company line on {len(ads)} ads: a business's reception number"
        elif licensed * 2 >= len(ads):
            what = "a picture (a logo)" if kind == "photo" else f"a {kind}"
            reason = f"{what} on {len(ads)} ads, {licensed} of which show a licence number"
        elif kind == "photo":
            common = set.intersection(*(self.business_of_ad.get(ad, set()) for ad in ads))
            if common:
                shared = sorted(common)[0]
                reason = f"a picture (a logo) on {len(ads)} ads that all show the business {shared[0]} {shared[1]}"
        if reason is None:
            return None
        return Judgement(kind, value, BUSINESS, reason, ads, facts)

    def duo(self, candidate: Candidate) -> Judgement | None:
        if candidate.kind not in CONTACT_KINDS:
            return None
        records = [self.by_id[ad] for ad in candidate.ads]
        if any(not person_names(record.name) for record in records):
            return None
        days: dict[str, set[Any]] = defaultdict(set)
        cities: set[str] = set()
        for record in records:
            for name in person_names(record.name):
                days[name].update(day for day, _ in record.sightings)
            cities.update(city for _, city in record.sightings)
            if record.city and not record.sightings:
                cities.add(record.city)
        if len(days) != 2 or len(cities) > 2:
            return None
        first, second = (days[name] for name in sorted(days))
        together = len(first & second) / len(first | second) if first | second else 1.0
        if together < self.settings.duo_together:
            return None
        names = sorted(days)
        # Two friends write their own ads; one writer behind both women's ads is an operator's sign.
        own = [[r.ad_id for r in records if person_names(r.name) == (name,)] for name in names]
        related = self.text_relatedness(own) if all(own) else None
        if related is not None and related >= self.settings.hub_text_similarity:
            return None
        where = " and ".join(sorted(cities)) or "one place"
        reason = (
            f"shared by exactly two names, {names[0].title()} and {names[1].title()}, online together "
            f"({together:.0%} of their days) in {where}: a duo or a shared flat, a pair and not a network"
        )
        facts = {"ads": len(records), "names": names, "together": round(together, 3), "cities": sorted(cities)}
        return Judgement(candidate.kind, candidate.value, DUO, reason, candidate.ads, facts)

    def hub_or_person(self, index: int, hubs: set[int]) -> Judgement:
        candidate = self.candidates[index]
        kind, ads = candidate.kind, candidate.ads
        people = self.identities(ads)
        line, scope = self.line(kind, ads)
        phones = {value for ad in ads for value in self.by_id[ad].phones}
        facts: dict[str, Any] = {"ads": len(ads), "names": len(people), "phones": len(phones), "line": line}
        facts["listing"] = scope
        if len(ads) > self.settings.max_ads_per_identifier:
            reason = f"on {len(ads)} ads, more than linking.max_ads_per_identifier: links nothing"
            return Judgement(kind, candidate.value, HUB, reason, ads, facts)
        if len(people) >= line:
            groups = self.unrelated_groups(index, ads, hubs)
            facts["groups"] = len(groups)
            if len(groups) >= line:
                related = self.text_relatedness(groups)
                facts["text_relatedness"] = None if related is None else round(related, 3)
                what = "picture" if kind == "photo" else kind
                if related is not None and related >= self.settings.hub_text_similarity:
                    reason = (
                        f"a {what} on {len(ads)} ads under {len(people)} names in {len(groups)} groups whose texts "
                        f"one writer wrote (median similarity {related:.2f}): one group's"
                    )
                    return Judgement(kind, candidate.value, PERSON, reason, ads, facts)
                reason = (
                    f"a {what} on {len(ads)} ads under {len(people)} names and {len(phones)} phones, in {len(groups)} "
                    "groups of ads that nothing else joins and whose texts are unrelated; the line for the "
                    f"{scope} ads of its sites and cities is {line}: a placeholder or stock item, links nothing"
                )
                return Judgement(kind, candidate.value, HUB, reason, ads, facts)
        plural = "s" if len(people) != 1 else ""
        reason = f"on {len(ads)} ads under {len(people)} name{plural}: one person's or one group's"
        return Judgement(kind, candidate.value, PERSON, reason, ads, facts)

    def run(self) -> dict[tuple[str, str], Judgement]:
        judged: dict[int, Judgement] = {}
        order = sorted(range(len(self.candidates)), key=lambda i: self.candidates[i].kind == "photo")
        for index in order:
            candidate = self.candidates[index]
            found = self.business(candidate) or self.duo(candidate)
            if found is not None:
                judged[index] = found
                if found.verdict == BUSINESS and candidate.kind in CONTACT_KINDS:
                    for ad in candidate.ads:
                        self.business_of_ad[ad].add((candidate.kind, candidate.value))
        open_indexes = [index for index in range(len(self.candidates)) if index not in judged]
        hubs: set[int] = set()
        verdicts: dict[int, Judgement] = {}
        for _ in range(MAX_JUDGE_ROUNDS):
            verdicts = {index: self.hub_or_person(index, hubs) for index in open_indexes}
            found_hubs = {index for index, judgement in verdicts.items() if judgement.verdict == HUB}
            if found_hubs == hubs:
                break
            hubs = found_hubs
        judged.update(verdicts)
        for index, judgement in judged.items():
            if self.candidates[index].phashes:
                judgement.facts["phashes"] = list(self.candidates[index].phashes)
        return {(judgement.kind, judgement.value): judgement for judgement in judged.values()}


def judge_identities(
    records: Sequence[AdRecord],
    candidates: Sequence[Candidate],
    signatures: Mapping[int, Signature],
    settings: LinkingSettings,
) -> dict[tuple[str, str], Judgement]:
    """The judgement of every candidate, by (kind, value); deterministic for the same records."""
    return _Judge(records, candidates, signatures, settings).run()
