"""Links through shared identifiers: phone (E.164), email, handle and licence number.

Ads that carry the same identifier are linked pairwise, as the identifier's judgement allows
(scanner.link.identity): a hub links nothing, a business identifier (a fixed, VoIP or 088 number, a
licence number, a contact whose ads mostly show a licence) gives a weak link that is kept as evidence
of a business group but is below `linking.link_min_strength`, so an agency's workers are not joined
into a network by their employer's number; a duo's phone links two women as a pair. Numbers in
`linking.licensed_numbers` and identifiers on more ads than `linking.max_ads_per_identifier` link
nothing. The strength of a link falls with how common the identifier is (an IDF-like weight).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import lru_cache

import phonenumbers

from scanner.link.records import AdRecord, Judgement, LinkEdge

PERSON, HUB, BUSINESS, DUO = "person", "hub", "business", "duo"

KIND_BASE = {"phone": 1.0, "email": 1.0, "handle": 0.9, "license": 1.0}
BUSINESS_FACTOR = 0.25  # a business line still says something, but not enough to form a network
_BUSINESS_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.VOIP,
        phonenumbers.PhoneNumberType.UAN,
        phonenumbers.PhoneNumberType.SHARED_COST,
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.PREMIUM_RATE,
    }
)


def rarity_weight(count: int, max_ads: int) -> float:
    """1.0 for an identifier on two ads, falling with log(count) to 0.5 at the hub limit."""
    if count <= 2:
        return 1.0
    return 1.0 - 0.5 * math.log(count / 2) / math.log(max(max_ads, 3) / 2)


@lru_cache(maxsize=65536)
def is_business_line(e164: str) -> bool:
    """Fixed lines, VoIP, 088 company numbers and service numbers: what agencies and clubs advertise."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in _BUSINESS_TYPES


def group_by_identifier(records: Sequence[AdRecord]) -> dict[tuple[str, str], list[int]]:
    """(kind, value) -> ad ids carrying it, each ad once, in ad id order (licence numbers included)."""
    groups: dict[tuple[str, str], set[int]] = defaultdict(set)
    for record in records:
        for kind, values in (
            ("phone", record.phones),
            ("email", record.emails),
            ("handle", record.handles),
            ("license", record.license_numbers),
        ):
            for value in values:
                groups[(kind, value)].add(record.ad_id)
    return {key: sorted(ads) for key, ads in groups.items()}


def identifier_links(
    groups: Mapping[tuple[str, str], Sequence[int]],
    judgements: Mapping[tuple[str, str], Judgement],
    *,
    max_ads: int,
    stats: dict[str, int] | None = None,
) -> list[LinkEdge]:
    """Pairwise links for every identifier shared by two or more ads, as its judgement allows.

    A hub, a licensed number from the settings and an identifier on more than `max_ads` ads link
    nothing; a business identifier (a business line, a licence number, a contact whose ads mostly
    show a licence) links weakly, as evidence of a business group; a duo's phone links the two women
    as a pair. The strongest evidence is kept per pair.
    """
    counters = stats if stats is not None else {}
    best: dict[tuple[int, int, str], LinkEdge] = {}
    for (kind, value), ads in sorted(groups.items()):
        if len(ads) < 2:
            continue
        judgement = judgements.get((kind, value))
        verdict = judgement.verdict if judgement is not None else PERSON
        if verdict == HUB or len(ads) > max_ads:
            counters[f"{kind}_hubs"] = counters.get(f"{kind}_hubs", 0) + 1
            continue
        if judgement is not None and judgement.facts.get("licensed_list"):
            counters["licensed_numbers_skipped"] = counters.get("licensed_numbers_skipped", 0) + 1
            continue
        strength = KIND_BASE[kind] * rarity_weight(len(ads), max_ads)
        evidence: dict[str, object] = {kind: value, "ads_sharing": len(ads)}
        role = PERSON
        if verdict == BUSINESS:
            strength *= BUSINESS_FACTOR
            role = BUSINESS
            evidence["role"] = BUSINESS
            if kind == "phone":
                evidence["business_line"] = True
                counters["business_lines"] = counters.get("business_lines", 0) + 1
        elif verdict == DUO:
            role = DUO
            evidence["role"] = DUO
        strength = round(strength, 4)
        for i, ad_a in enumerate(ads):
            for ad_b in ads[i + 1 :]:
                key = (ad_a, ad_b, kind)
                current = best.get(key)
                if current is None or strength > current.strength:
                    best[key] = LinkEdge(ad_a, ad_b, kind, strength, evidence, role)
    return list(best.values())
