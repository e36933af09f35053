"""Links through shared contact identifiers: phone (E.164), email and handle.

Ads that carry the same identifier are linked pairwise. Three guards keep an identifier that many
unrelated ads share from gluing them into one group:

- numbers in `linking.licensed_numbers` (licensed businesses) never link;
- an identifier on more ads than `linking.max_ads_per_identifier` is a hub (a site's or agency's
  switchboard, a placeholder address) and links nothing;
- the strength of a link falls with how common the identifier is (an IDF-like weight), and a phone
  that looks like a business line (a fixed, VoIP or 088 number, or one whose ads carry licence numbers)
  gives a weak link that is kept as evidence but is below `linking.link_min_strength`, so an agency's
  workers are not joined into a network by their employer's number alone.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

import phonenumbers

from scanner.link.records import AdRecord, LinkEdge

KIND_BASE = {"phone": 1.0, "email": 1.0, "handle": 0.9}
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
    """(kind, value) -> ad ids carrying it, each ad once, in ad id order."""
    groups: dict[tuple[str, str], set[int]] = defaultdict(set)
    for record in records:
        for kind, values in (("phone", record.phones), ("email", record.emails), ("handle", record.handles)):
            for value in values:
                groups[(kind, value)].add(record.ad_id)
    return {key: sorted(ads) for key, ads in groups.items()}


def identifier_links(
    records: Sequence[AdRecord],
    *,
    max_ads: int,
    licensed_numbers: Iterable[str] = (),
    stats: dict[str, int] | None = None,
) -> list[LinkEdge]:
    """Pairwise links for every identifier shared by 2..max_ads ads, strongest evidence kept per pair."""
    licensed = frozenset(licensed_numbers)
    licensed_ads = {record.ad_id for record in records if record.license_numbers}
    counters = stats if stats is not None else {}
    best: dict[tuple[int, int, str], LinkEdge] = {}
    for (kind, value), ads in sorted(group_by_identifier(records).items()):
        if len(ads) < 2:
            continue
        if kind == "phone" and value in licensed:
            counters["licensed_numbers_skipped"] = counters.get("licensed_numbers_skipped", 0) + 1
            continue
        if len(ads) > max_ads:
            counters[f"{kind}_hubs"] = counters.get(f"{kind}_hubs", 0) + 1
            continue
        strength = KIND_BASE[kind] * rarity_weight(len(ads), max_ads)
        evidence: dict[str, object] = {kind: value, "ads_sharing": len(ads)}
        if kind == "phone":
            with_licence = sum(1 for ad in ads if ad in licensed_ads)
            business = is_business_line(value) or with_licence * 2 >= len(ads)
            if business:
                strength *= BUSINESS_FACTOR
                evidence["business_line"] = True
                counters["business_lines"] = counters.get("business_lines", 0) + 1
        strength = round(strength, 4)
        for i, ad_a in enumerate(ads):
            for ad_b in ads[i + 1 :]:
                key = (ad_a, ad_b, kind)
                current = best.get(key)
                if current is None or strength > current.strength:
                    best[key] = LinkEdge(ad_a, ad_b, kind, strength, evidence)
    return list(best.values())
