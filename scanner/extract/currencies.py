"""The currency of an amount: the one the ad writes, else the money of the site's country.

"€80", "80 euro", "$160.50", "£130", "200 zł" name their currency. An amount without one ("hh 150",
"150 roses", "Donation: 300") is in the currency the ad uses elsewhere, else in the money of the site's
country (`extract.default_region`: EUR on Dutch and Belgian sites, USD in the US, GBP in the UK, CAD in
Canada). A dollar sign is the site country's dollar (CAD on a Canadian site, USD elsewhere).
"""

from __future__ import annotations

import re
from functools import lru_cache

from scanner.extract.normalize import Normalized

_REGION_CURRENCIES = {
    "US": "USD", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "GB": "GBP", "IE": "EUR", "CH": "CHF", "PL": "PLN",
    "HU": "HUF", "RO": "RON", "BG": "BGN", "CZ": "CZK", "SE": "SEK", "DK": "DKK", "NO": "NOK",
}  # fmt: skip
_DOLLAR_REGIONS = {"CA": "CAD", "AU": "AUD", "NZ": "NZD"}
_CODES = {
    "€": "EUR", "eu": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP", "gbp": "GBP", "pound": "GBP",
    "pounds": "GBP", "usd": "USD", "chf": "CHF", "zł": "PLN", "zl": "PLN", "pln": "PLN", "huf": "HUF",
    "forint": "HUF", "lei": "RON", "ron": "RON", "cad": "CAD",
}  # fmt: skip
# Words that name no currency of their own: the amount is in the ad's currency ("150 roses")
CONTEXT_WORDS = frozenset({"roses", "rozen", "rose", "donation", "donatie"})
# A currency word after a number, in an ad without a currency sign
_FIRST = re.compile(r"\d\s*(?:euros?|eur|usd|gbp|pounds?|chf|zł|pln|huf|lei|ron|cad)\b")


def site_currency(region: str) -> str:
    """The money of the site's country: EUR unless the region has its own."""
    return _REGION_CURRENCIES.get(region, "EUR")


def ad_currency(view: Normalized, region: str) -> str:
    """The currency of the amounts an ad writes without one: the first it names, else the site's."""
    text = view.text
    signs = [(at, sign) for sign in "€$£" if (at := text.find(sign)) >= 0]
    if signs:  # the first sign ("€" opens most Dutch ads); a currency word before it is rare
        return code_of(min(signs)[1], region, site_currency(region))
    match = _FIRST.search(text)
    if match is None:
        return site_currency(region)
    return code_of(match.group().lstrip("0123456789 \t"), region, site_currency(region))


@lru_cache(maxsize=256)
def code_of(currency: str, region: str, context: str) -> str:
    """The ISO code of a currency as written ("€", "euro's", "$", "zł"); `context` for "roses" and the like."""
    word = re.sub(r"'?s$", "s", currency.lower()).replace("euros", "euro")
    if word == "$" or word in ("dollar", "dollars"):
        return _DOLLAR_REGIONS.get(region, "USD")
    if word in CONTEXT_WORDS:
        return context
    return _CODES.get(word, context)
