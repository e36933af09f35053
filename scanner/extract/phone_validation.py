"""Whether a string of digits is a phone number, and in which country, given where the ad points.

`validate(candidate, regions)` takes the digits the phone reader put together (maybe with a leading
"+" or "00") and answers (E.164, type, region) or None, with `phonenumbers` as the judge:

- international numbers ("+40 747…", "0036 20…", "+44 (0)7…", "+40 (0) 754…": the trunk 0 written after
  the country code is dropped) are read as written;
- a national number with a trunk prefix ("0723 418 590", "06 20 318 4471", "0475 31 82 06") is read, in
  this order: in a country named beside it with a phone word ("Romanian number …"); in the site's
  country when it is a mobile there; as a fixed line of a neighbouring country the ad names (an
  Antwerp landline in an ad in Antwerpen); as a mobile of a country the ad points to (a Romanian ad's
  0723 is the Romanian mobile, not the Alkmaar landline); as any number of the site's country; as a
  mobile of the configured other regions (`extract.other_regions`);
- a number without a trunk prefix (NANP "702 555 0148", "1-786-…", Polish and Spanish nine-digit
  numbers) is read only in a country that writes numbers that way and that the site or the ad points
  to: the site's country, a country named beside it, or (mobiles only) one the ad points to or a
  configured other region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType

_TYPES = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "mobile",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PREMIUM_RATE: "premium",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.SHARED_COST: "premium",
    PhoneNumberType.UAN: "fixed_line",
    PhoneNumberType.PERSONAL_NUMBER: "mobile",
}
_M2M_PREFIX = "+3197"
_DUTCH_MOBILE = re.compile(r"(?:\+31|0)(6[1-58]\d{7})")  # Dutch 097 numbers belong to machines, not phones (ACM)
_NATIONAL_LENGTHS = range(9, 13)
_COUNTRY_CODE_IN_TEXT = re.compile(r"31[6]\d{8}|32[4]\d{8}")  # "31 6…" and "32 4…" written without the plus
Result = tuple[str, str, str]  # (E.164, type, region)


@dataclass(frozen=True, slots=True)
class Regions:
    """Where a number may be from: the site's country, the configured others, and where the ad points."""

    default: str
    others: tuple[str, ...] = ()
    named: tuple[str, ...] = ()  # countries the ad names (words, flags, country codes, currency signs)
    languages: tuple[str, ...] = ()  # countries of the languages the ad is written in
    beside: tuple[str, ...] = ()  # countries named beside this number with a phone word

    def with_beside(self, beside: tuple[str, ...]) -> Regions:
        return self if beside == self.beside else Regions(self.default, self.others, self.named, self.languages, beside)


@lru_cache(maxsize=1024)
def trunkless(regions: Regions) -> tuple[str, ...]:
    """The regions of these that write national numbers without a trunk prefix (NANP, Poland, Spain)."""
    every = (*regions.beside, regions.default, *regions.named, *regions.languages, *regions.others)
    return tuple(region for region in dict.fromkeys(every) if writes_without_trunk(region))


@cache
def writes_without_trunk(region: str) -> bool:
    """Whether national numbers of `region` are written without a trunk 0 (US "702…", PL "512…", ES "612…")."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return metadata is not None and metadata.national_prefix in (None, "", "1")


@cache
def _trunk_zero_codes() -> frozenset[str]:
    """Country codes whose numbers drop a trunk 0 after the code ("+31 (0)6", "+40 (0) 754", "+44 (0)7")."""
    codes = set()
    for code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items():
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(regions[0])
        if metadata is not None and metadata.national_prefix == "0":
            codes.add(str(code))
    return frozenset(codes)


def _drop_trunk_zero(number: str) -> str:
    for length in (1, 2, 3):
        code = number[1 : 1 + length]
        if code in _trunk_zero_codes() and number[1 + length : 2 + length] == "0":
            return f"+{code}{number[2 + length :]}"
        if int(code or 0) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return number  # country codes are prefix-free: this is the code, and no 0 follows it
    return number


@lru_cache(maxsize=16384)
def _checked(number: str, region: str | None, mobile_only: bool = False) -> Result | None:
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    kind = _TYPES.get(phonenumbers.number_type(parsed), "unknown")
    if mobile_only and kind != "mobile":
        return None
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if e164.startswith(_M2M_PREFIX):
        kind = "m2m"
    region_code = phonenumbers.region_code_for_number(parsed) or ""
    if region_code == "NL" and len(e164) < 12:
        return None  # short 0800/0900 service numbers look like times ("09.00-21.00")
    return e164, kind, region_code


@lru_cache(maxsize=16384)
def validate(candidate: str, regions: Regions) -> Result | None:
    """(E.164, type, region) when `candidate` (digits, maybe a leading + or 00) is a real phone number."""
    number = "+" + candidate[2:] if candidate.startswith("00") else candidate
    if number.startswith("+"):
        number = _drop_trunk_zero(number)
        if mobile := _DUTCH_MOBILE.fullmatch(number):
            # the commonest case, answered without the metadata walk (libphonenumber NL mobile: 6[1-58]\d{7})
            return "+31" + mobile.group(1), "mobile", "NL"
        if number.startswith("+31") and len(number) != 12:
            return None  # every Dutch number but the short service numbers (dropped in _checked) has nine digits
        return _checked(number, None)
    if number.startswith("0"):
        return _national(number, regions) if len(number) in _NATIONAL_LENGTHS else None
    if _COUNTRY_CODE_IN_TEXT.fullmatch(number):
        return _checked("+" + number, None, mobile_only=True)
    for region in trunkless(regions):
        stated = region == regions.default or region in regions.beside
        if result := _checked(number, region, mobile_only=not stated):
            return result
    return None


def _national(number: str, regions: Regions) -> Result | None:
    for region in regions.beside:
        if result := _checked(number, region):
            return result
    if regions.default == "NL" and not regions.beside and (mobile := _DUTCH_MOBILE.fullmatch(number)):
        return "+31" + mobile.group(1), "mobile", "NL"
    home = _checked(number, regions.default)
    if home is not None and home[1] != "fixed_line":
        return home
    named_neighbours = [region for region in regions.named if region in regions.others and region != regions.default]
    for region in named_neighbours:  # "03 234 56 78" in an ad in Antwerpen: the Antwerp landline
        if result := _checked(number, region):
            return result
    for region in dict.fromkeys((*regions.named, *regions.languages)):
        if region != regions.default and (result := _checked(number, region, mobile_only=True)):
            return result
    if home is not None:
        return home  # "0475 31 82 06" with nothing pointing to Belgium: the Roermond landline
    for region in regions.others:
        if region != regions.default and (result := _checked(number, region, mobile_only=True)):
            return result
    return None
