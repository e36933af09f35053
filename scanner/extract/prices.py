"""Prices: amount, currency and the time they buy ("€ 150,-", "150 euro p/u", "1,5 uur 200").

Amounts are read from money expressions: a currency before or after ("€80", "80 euro", "EUR 80",
"80€"), the Dutch whole-euro mark ("150,-"), a rate ("150 p/u", "200 per nacht"), or a bare number
right after a duration ("15 min 50", "1,5 uur 200"). Durations are "15 min"/"kwartier" (15min),
"30 min"/"half uur" (half_hour), "uur"/"hour"/"60 min" (hour), "nacht"/"night" (night), and other
lengths such as "1,5 uur" or "45 min" (minutes kept, `per` null); German, Spanish, Italian, French
and Polish hour and night words count too ("pro Std.", "media hora", "toda la noche", "un'ora"). A
bracket after a night ("Nacht (22:00-08:00)", "overnight (12 hrs)") belongs to the night. Each amount is
paired with the nearest free duration on the same line, not across a list separator (a comma, bar or
bullet between them); "€1,400" groups thousands the English way.

`parse_amount(text)` reads one amount with Dutch or English separators ("1.250,00", "1,250.00",
"150,-", "175.00", "175,00") and is tested on the price-parser cases in tests/extract/data.

The currency comes from `currencies` (the ad's or the site's); the rate shorthands of English
classifieds ("qv", "ss", "hh", "hhr", "h", "hr", "fh", "O/N") are durations, before or after the amount.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from scanner.extract.currencies import ad_currency, code_of
from scanner.extract.normalize import Normalized
from scanner.extract.numbers import word_value

MIN_AMOUNT = Decimal(10)
MAX_AMOUNT = Decimal(20000)
_WINDOW = 60  # characters between an amount and the duration it belongs to, at most (with the duration)
_POSTCODE_LETTERS = re.compile(r" ?[A-Z]{2}\b")  # "2515 PH" is a postcode, not 2515 per hour

# The first digit comes before the check on what precedes it, so that the pattern starts with a digit class and
# the regex engine skips straight to digits instead of trying the lookbehind at every character.
_AMOUNT = (
    r"\d(?<![\d.,]\d)(?:\d{0,2}(?:\.\d{3})+(?:,\d{1,2})?|\d{0,2}(?:,\d{3})+(?:\.\d{1,2})?|\d{0,4}(?:[.,]\d{1,2})?)"
    r"(?!\d)"
)
_AMOUNT_RE = re.compile(_AMOUNT)
_DIGIT = re.compile(r"\d")
# "Nacht (22:00-08:00)", "overnight (12 hrs)": what the night covers, written in brackets after it
_NIGHT_BRACKET = re.compile(r"[ \t]*\([^()\n]{1,24}\)")
_CURRENCY_BEFORE = re.compile(r"(€|eur(?:o(?:'?s)?)?|\$|usd|£|gbp|chf|cad|pln|huf)\s*$")
_CURRENCY_AFTER = re.compile(
    r"\s*(?:,-{1,2}|\.-)?\s*(€|euro(?:'?s)?\b|eur?\b|\$|£|chf\b|pounds?\b|dollars?\b|usd\b|cad\b|zł|zl\b|pln\b|"
    r"huf\b|forint\b|lei\b|ron\b|rozen\b|roses\b)"
)
_NOT_MONEY_AFTER = re.compile(r"\s*(?:kg|kilo|cm|m\b|jaar|jr|yo|years|%|x\b|/\s*7|\+)")
# Every money form above needs one of these within the window around the amount.
_MARKERS = (
    r"[€$£/]|,-|\.-|eu|chf|usd|gbp|pound|roz|roses|per|ph|p\.u|hour|overnight|night|nacht|prij|price|tarie|rate|kost"
    r"|dona|dollar|pln|huf|forint|zł|hh|hr|qv|fh|gift|half|hora|heure|stund|godz"
)
_MONEY_MARKERS = re.compile(_MARKERS)
# Markers that are also parts of common words ("ss" in "massage"), searched only in an ad that has them as words
_RARE_MARKER_WORDS = frozenset({"ss", "cad", "zl", "lei", "ron"})
_ALL_MONEY_MARKERS = re.compile(_MARKERS + r"|\b(?:ss|cad|zl|lei|ron)\b")
_PRICE_LABEL = re.compile(
    r"\b(?:prijs|prijzen|price|prices|tarief|tarieven|rates?|kosten|donatie|donations?|gift|uurtarief)\s*[:=]?\s*$"
)
_AMOUNT_NEXT = re.compile(r"\s*\d")
_WHOLE_EURO_AFTER = re.compile(r"\s*(?:,-{1,2}|\.-)(?!\d)")
_RATE_AFTER = re.compile(
    r"\s*(?P<unit>p/u|p\.u\.?|per\s+(?:uur|hour|nacht|night|keer|half)|/\s*(?:uur|u|h|hr|hh|nacht|hour|half)\b|ph\b|p/h\b|"
    r"an hour\b|overnight\b|(?:a|the|de|een|hele)\s+(?:night|nacht)\b|"
    r"(?:la|por|de\s+l'|pro|a|o)\s*(?:hora|heure|stunde|ora)\b|"
    # the rate shorthands of English classifieds, glued or not: "250hr", "150 hh", "80qv", "300 fh", "120 for half"
    r"(?:hh|hhr|hr|hrs|h|qv|ss|fh)\b|for\s+(?:the\s+)?(?:half|hour)\b|(?P<hour>hours?|uur)\b)"
)
_BARE_AFTER_DURATION = re.compile(
    rf"[ \t]*[:=\-]?[ \t]*(?P<a>{_AMOUNT})(?!\s*(?:min|%|x\b|/\d|cm|kg|jaar|am\b|pm\b|a\.m|p\.m|:\d))"
)
# "15 min 2 uur": a small number with an hour word after it is a length, not an amount
_HOURS_AFTER = re.compile(r"\s*(?:uur|u\b|h\b|hours?\b|hrs?\b)")
# Separators between the items of a price list: a duration on the other side of one belongs to the other amount
# ("100 euro for 30 minutes, 150 euro for 1 hour"; "30 min €90, 1 uur €160")
_LIST_SEPARATOR = re.compile(r"[,;|•·~]| / ")
_LIST_PENALTY = 50
_FOR_DURATION = re.compile(r"\s*/\s*|\s+(?:for|voor|per)\s+")  # "450 for two hours", "120/30min"

# Duration words, found token by token (one regex pass over a whole ad is what costs time).
_MINUTE_UNITS = frozenset(
    {"min", "mins", "minuten", "minutes", "minuut", "minuutjes", "m", "minut", "minuty", "minutos", "minuti", "minute",
     "perc"}
)  # fmt: skip
_HOUR_UNITS = frozenset(
    {"uur", "uurtje", "uurtarief", "uurprijs", "hourly", "hour", "hours", "hr", "hrs", "h", "u", "std", "stunde",
     "stunden", "hora", "horas", "ora", "ore", "heure", "heures", "godzina", "godz"}
)  # fmt: skip
_LOOSE_HOUR_UNITS = frozenset({"h", "u", "hr", "hrs"})  # "u" is also the Dutch "you": needs a number or a "/"
_NIGHT_UNITS = frozenset(
    {"nacht", "nachtje", "night", "nights", "overnight", "overnachting", "noche", "nuit", "notte", "noc", "noapte",
     "ej"}
)  # fmt: skip
# The rate shorthands of English classifieds, each for a fixed length: "qv" (quick visit) and "ss" (short stay) are
# taken as 15 minutes, "hh"/"hhr" are half an hour, "fh" is a full hour
_SHORTHANDS = {"qv": ("15min", 15), "ss": ("15min", 15), "hh": ("half_hour", 30), "hhr": ("half_hour", 30)}
_SHORTHANDS |= {"fh": ("hour", 60)}
_LOOSE_SHORTHANDS = frozenset({"ss"})  # also an ordinary abbreviation: needs a number beside it
_QUARTER_UNITS = frozenset({"kwartier", "kwartiertje", "quarter"})
_ONE = frozenset(
    {"een", "one", "an", "a", "per", "1", "pro", "la", "un", "una", "une", "eine", "ein", "za", "o", "egy"}
)  # fmt: skip
_HALF = frozenset({"half", "halve", "media", "halbe", "demi", "mezza", "mezz", "pol", "jumatate", "fel"})
_NIGHT_QUALIFIERS = frozenset({"hele", "een", "per", "all", "whole", "the", "1", "la", "toute", "pro", "une"})
_PER = {15: "15min", 30: "half_hour", 60: "hour"}
# "250hr", "200 h": a number this large before an hour shorthand is the amount, not a count of hours
_AMOUNT_HOUR_UNITS = frozenset({"h", "hr", "hrs"})
_MONEY_WORDS = frozenset({"roses", "rozen", "euro", "euros", "eur", "usd", "dollars", "pounds", "gbp"})
_MIN_HOURLY_AMOUNT = 25
# "van 09 tot 02 uur", "14-20 uur": opening hours; "06 40 29 18 37 — 1h 150" is a phone number and a price list
_CLOCK_BEFORE = re.compile(r"(?:\b(?:tot|to|till|until|t/m)|(?<![\d.,])(?<!\d )(?P<hour>\d{1,2})\s*-)\s*$")
_DIGIT_CHARS = "0123456789"
# A word of digits and then letters ("15min", "1h"); the check on what precedes comes after the first digit so that
# the regex engine skips straight to digits.
_GLUED = re.compile(r"[0-9](?<![a-z0-9][0-9])[0-9]*[a-z][a-z0-9]*")
DURATION_WORDS = _MINUTE_UNITS | _HOUR_UNITS | _NIGHT_UNITS | _QUARTER_UNITS | {"halfuur", "ph", *_SHORTHANDS, "half"}
# "1h30": an hour and a half
_HOURS_MINUTES = re.compile(r"(\d)h(\d\d)(?:m|min)?")
# "O/N": overnight
_OVERNIGHT_SHORT = re.compile(r"(?<![a-z/])o/n(?![a-z/])")


@dataclass(frozen=True, slots=True)
class PriceMatch:
    amount: Decimal
    currency: str
    per: str | None  # 15min | half_hour | hour | night | None
    minutes: int | None
    start: int
    end: int
    text: str


@dataclass(slots=True)
class _Duration:
    per: str | None
    minutes: int | None
    start: int
    end: int
    taken: bool = False


def _rate_after(text: str, start: int, end: int, duration_starts: set[int]) -> bool:
    """Whether a rate follows an amount: "150 p/u", "250hr", "150 hh", "450 for two hours", "150 la hora"."""
    rate = _RATE_AFTER.match(text, end)
    if rate is not None:
        if rate.group("hour") and int(text[start:end].split(".")[0].split(",")[0]) < _MIN_HOURLY_AMOUNT:
            return False  # "24 hours" is a length
        # "Brandy 31 hh 160 h 240": a shorthand set apart with an amount after it opens that amount
        return rate.start("unit") == end or _AMOUNT_NEXT.match(text, rate.end()) is None
    linked = _FOR_DURATION.match(text, end)
    return linked is not None and linked.end() in duration_starts


@lru_cache(maxsize=4096)  # ads repeat the same few amounts ("100", "150,-"); Decimal is immutable
def parse_amount(text: str, decimal_separator: str | None = None) -> Decimal | None:
    """The first amount in `text`, with "." or "," read as decimal or thousands separator."""
    match = re.search(r"\d[\d\s.,'\u00a0\u202f]*\d|\d|[.,]\d+", text)
    if match is None:
        return None
    raw = re.sub(r"[\s'\u00a0\u202f]", "", match.group())
    raw = raw.rstrip(".,")
    if decimal_separator in (".", ","):
        thousands = "," if decimal_separator == "." else "."
        raw = raw.replace(thousands, "").replace(decimal_separator, ".")
    else:
        last_dot, last_comma = raw.rfind("."), raw.rfind(",")
        if last_dot >= 0 and last_comma >= 0:
            decimal = "." if last_dot > last_comma else ","
            other = "," if decimal == "." else "."
            raw = raw.replace(other, "").replace(decimal, ".")
        elif last_dot >= 0 or last_comma >= 0:
            separator = "." if last_dot >= 0 else ","
            parts = raw.split(separator)
            grouped = len(parts) > 2 or (len(parts[-1]) == 3 and parts[0] not in ("", "0"))
            raw = raw.replace(separator, "") if grouped else raw.replace(separator, ".")
    raw = re.sub(r"\.(?=.*\.)", "", raw)
    try:
        return Decimal(raw.lstrip(".") and raw if not raw.startswith(".") else "0" + raw)
    except InvalidOperation:
        return None


def _adjacent(text: str, left: tuple[str, int, int], right: tuple[str, int, int]) -> bool:
    return right[1] - left[2] <= 2 and not text[left[2] : right[1]].strip(" ")


def _durations(view: Normalized) -> list[_Duration]:
    text, tokens = view.text, view.tokens
    found: list[_Duration] = []
    # the distinct words that are durations ("uur", "15min"), found once, so that the token walk is a set lookup
    units = {
        *DURATION_WORDS.intersection(view.words),
        *(
            word
            for word in _GLUED.findall(view.text)
            if word.lstrip(_DIGIT_CHARS) in DURATION_WORDS or _HOURS_MINUTES.fullmatch(word)
        ),
    }
    if "o/n" in text:
        found.extend(_Duration("night", None, *match.span()) for match in _OVERNIGHT_SHORT.finditer(text))
    if not units:
        return found
    # the walk visits only the unit tokens, picked out by a comprehension (a few among a hundred words)
    for index in [index for index, token in enumerate(tokens) if token[0] in units]:
        word, start, end = tokens[index]
        previous = tokens[index - 1] if index else None
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        glued = word.lstrip(_DIGIT_CHARS)
        if (both := _HOURS_MINUTES.fullmatch(word)) is not None:  # "1h30"
            minutes = int(both.group(1)) * 60 + int(both.group(2))
            found.append(_Duration(_PER.get(minutes), minutes, start, end))
            continue
        if glued != word:  # "15min", "1h", "30m"; "250hr", "80qv": an amount with its unit
            number = int(word[: len(word) - len(glued)] or 0)
            if glued in _SHORTHANDS or (glued in _AMOUNT_HOUR_UNITS and number >= _MIN_HOURLY_AMOUNT):
                per, minutes = _SHORTHANDS.get(glued, ("hour", 60))
                found.append(_Duration(per, minutes, end - len(glued), end))
                continue
            word, previous = glued, (str(number), start, start)
        if word in _SHORTHANDS:
            if word not in _LOOSE_SHORTHANDS or _number_beside(previous, following):
                found.append(_Duration(*_SHORTHANDS[word], start, end))
        elif word == "half":
            # "120 for half", "half: 100"; "half uur" is read at "uur"
            alone = following is None or following[0] not in _HOUR_UNITS
            if alone and ((previous is not None and previous[0] in ("for", "per")) or _number_beside(None, following)):
                found.append(_Duration("half_hour", 30, start, end))
        elif word in _QUARTER_UNITS:
            found.append(_Duration("15min", 15, start, end))
        elif word == "halfuur":
            found.append(_Duration("half_hour", 30, start, end))
        elif word == "ph":
            found.append(_Duration("hour", 60, start, end))
        elif word in _NIGHT_UNITS:
            begin = start
            if previous is not None and previous[0] in _NIGHT_QUALIFIERS and _adjacent(text, previous, tokens[index]):
                begin = previous[1]
            found.append(_Duration("night", None, begin, end))
        elif word in _MINUTE_UNITS or word in _HOUR_UNITS:
            duration = _timed(view, index, word, previous)
            if duration is not None:
                found.append(duration)
    return found


def _number_beside(previous: tuple[str, int, int] | None, following: tuple[str, int, int] | None) -> bool:
    """Whether an amount-sized number stands right before or after a word ("ss 100", "100 ss")."""
    return any(
        token is not None and token[0].isdigit() and int(token[0]) >= _MIN_HOURLY_AMOUNT
        for token in (previous, following)
    )


def _timed(view: Normalized, index: int, unit: str, previous: tuple[str, int, int] | None) -> _Duration | None:
    """A duration in minutes or hours: "15 min", "1,5 uur", "half uur", "1/2 h", "p/u", "uur"."""
    text, tokens = view.text, view.tokens
    _, start, end = tokens[index]
    linked = previous is not None and (previous[2] == start or _adjacent(text, previous, tokens[index]))
    if linked and previous is not None and previous[0] == "de" and index >= 2 and previous[2] != start:
        previous = tokens[index - 2]  # "30 de minute", "jumatate de ora"
        linked = _adjacent(text, previous, tokens[index - 1])
    if previous is None or not linked:
        if unit in _HOUR_UNITS and unit not in _LOOSE_HOUR_UNITS:
            return _Duration("hour", 60, start, end)
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if unit in _AMOUNT_HOUR_UNITS and _number_beside(None, following):
            return _Duration("hour", 60, start, end)  # "h 250", "HR 200 roses"
        slash = text.rfind("/", max(0, start - 3), start)
        if unit in _LOOSE_HOUR_UNITS and slash >= 0 and not text[slash + 1 : start].strip():
            begin = slash - 1 if slash >= 1 and text[slash - 1] == "p" else slash  # "p/u", "/h"
            return _Duration("hour", 60, begin, end)
        if (
            unit in _LOOSE_HOUR_UNITS
            and text.startswith("p.", start - 2)
            and (start < 3 or not text[start - 3].isalnum())
        ):
            return _Duration("hour", 60, start - 2, end)  # "p.u." and "p.h.": per hour
        return None
    word, begin, _ = previous
    value: Decimal | None = None
    if word.isdigit():
        clock = _CLOCK_BEFORE.search(text, max(0, begin - 8), begin)
        if clock is not None and (clock.group("hour") is None or int(clock.group("hour")) <= 24):
            return None  # "van 09 tot 02 uur", "14-20 uur" give opening hours, not a length
        value = Decimal(word)
        before = tokens[index - 2] if index >= 2 and previous[2] != start else None
        joiner = text[before[2] : begin] if before is not None else ""
        if before is not None and before[0].isdigit() and joiner in (",", "."):
            if unit in _MINUTE_UNITS:
                return None  # "1.65 m" is a height
            value = Decimal(f"{before[0]}.{word}")
            begin = before[1]
        elif before is not None and before[0] in ("1",) and joiner == "/" and word in ("2", "4"):
            value = Decimal(1) / Decimal(word)
            begin = before[1]
    elif word in _HALF and unit in _HOUR_UNITS:
        return _Duration("half_hour", 30, begin, end)
    elif word in _ONE and unit in _HOUR_UNITS:
        return _Duration("hour", 60, begin, end)
    else:
        digits = word_value(word)
        value = Decimal(digits) if digits is not None else None
    if value is None:
        after_money = unit in _AMOUNT_HOUR_UNITS and word in _MONEY_WORDS  # "230 roses h"
        if unit in _HOUR_UNITS and (unit not in _LOOSE_HOUR_UNITS or after_money):
            return _Duration("hour", 60, start, end)
        return None
    if unit in _HOUR_UNITS and value >= _MIN_HOURLY_AMOUNT:
        return _Duration("hour", 60, start, end)  # "250 hr", "$275.00 hour": the number is the amount
    minutes = int(value) if unit in _MINUTE_UNITS else int(value * 60)
    if not 0 < minutes <= 24 * 60 or (unit in _MINUTE_UNITS and minutes > 600):
        return None
    return _Duration(_PER.get(minutes), minutes, begin, end)


def _money(
    view: Normalized, durations: list[_Duration], region: str, context: str
) -> list[tuple[Decimal, str, int, int]]:
    """Amounts of money with their ISO currency: `region` is the site's country, `context` the ad's currency."""
    text = view.text
    found: dict[int, tuple[Decimal, str, int, int]] = {}
    claimed = 0  # a currency sign already taken by the amount before ("240 euro 74 kg")
    # the numbers of durations ("30min", "30 de minute") are lengths, not amounts
    lengths = {offset for d in durations for offset in range(d.start, d.end)}
    duration_starts = {duration.start for duration in durations}
    markers = _MONEY_MARKERS if view.words.isdisjoint(_RARE_MARKER_WORDS) else _ALL_MONEY_MARKERS
    for match in _AMOUNT_RE.finditer(text):
        start, end = match.span()
        if start in lengths:
            continue
        if not markers.search(text, max(0, start - 14), end + 16):
            continue  # most numbers (phone digits, heights, postcodes) have no money word beside them
        if _NOT_MONEY_AFTER.match(text, end):
            continue
        if end - start == 4 and _POSTCODE_LETTERS.match(view.original, view.span(start, end)[1]):
            continue
        currency: str | None = None
        before = _CURRENCY_BEFORE.search(text, max(claimed, start - 8), start)
        after_sign = _CURRENCY_AFTER.match(text, end)
        following = _AMOUNT_NEXT.match(text, after_sign.end()) if after_sign is not None else None
        if following is not None and following.end() - 1 not in lengths:
            after_sign = None  # "69 € 220": the sign belongs to the amount after it (not so "100€ 30min")
        if before is not None:
            currency, start = before.group(1), before.start()
            after = _WHOLE_EURO_AFTER.match(text, end)
            end = after.end() if after else end
        elif after_sign is not None:
            currency, end = after_sign.group(1), after_sign.end()
        elif (after := _WHOLE_EURO_AFTER.match(text, end)) is not None:
            currency, end = "€", after.end()
        elif _rate_after(text, start, end, duration_starts) or _PRICE_LABEL.search(text, max(0, start - 14), start):
            currency = context  # "150 hh", "250hr", "Donation: 300": the ad's own currency
        if currency is None:
            continue
        # "175.00" and "175,00" have decimals, "1.500" and "1,400" group thousands (parse_amount decides by the digits)
        amount = parse_amount(match.group())
        code = code_of(currency, region, context)
        if amount is not None and MIN_AMOUNT <= amount <= MAX_AMOUNT:
            found[start] = (amount, code, start, end)
            claimed = end
    covered = {offset for _, _, start, end in found.values() for offset in range(start, end)}
    for duration in durations:
        bare = _BARE_AFTER_DURATION.match(text, duration.end)
        if bare is None or bare.start("a") in covered or bare.start("a") in duration_starts:
            continue
        amount = parse_amount(bare.group("a"))
        if amount is None or not MIN_AMOUNT <= amount <= MAX_AMOUNT:
            continue
        if amount < _MIN_HOURLY_AMOUNT and _HOURS_AFTER.match(text, bare.end("a")):
            continue  # "15 min 2 uur": a length
        found.setdefault(bare.start("a"), (amount, context, bare.start("a"), bare.end("a")))
    return sorted(found.values(), key=lambda item: item[2])


def _night_brackets(text: str, durations: list[_Duration]) -> list[_Duration]:
    """A night duration swallows the bracket that follows it; durations inside that bracket go."""
    if not any(duration.per == "night" for duration in durations):
        return durations
    swallowed: list[tuple[int, int]] = []
    for duration in durations:
        if duration.per == "night" and (bracket := _NIGHT_BRACKET.match(text, duration.end)) is not None:
            swallowed.append((duration.end, bracket.end()))
            duration.end = bracket.end()
    return [d for d in durations if not any(a <= d.start < b for a, b in swallowed)]


def find_prices(view: Normalized, region: str = "NL", currency: str | None = None) -> list[PriceMatch]:
    """Prices in order of appearance, each with the duration it buys when one stands beside it.

    `region` is the site's country (`extract.default_region`); `currency` the ad's currency for amounts that name
    none ("hh 150", "150 roses"), by default the one this text names first or else the site's."""
    text = view.text
    if _DIGIT.search(text) is None and view.words.isdisjoint(DURATION_WORDS):
        return []
    durations = _night_brackets(text, _durations(view))
    money = _money(view, durations, region, currency or ad_currency(view, region))
    # money that is itself inside a duration ("15 min") is no amount
    in_durations = {offset for d in durations for offset in range(d.start, d.end)}
    money = [m for m in money if m[2] not in in_durations]
    pairs: list[tuple[int, int, int]] = []  # (distance, money index, duration index)
    starts = [duration.start for duration in durations]  # in text order, as found
    for m_index, (_, _, m_start, m_end) in enumerate(money):
        first = bisect.bisect_left(starts, m_start - _WINDOW)
        last = bisect.bisect_right(starts, m_end + _WINDOW)
        for d_index in range(first, last):
            duration = durations[d_index]
            if duration.end <= m_start:
                gap = text[duration.end : m_start]
            elif duration.start >= m_end:
                gap = text[m_end : duration.start]
            else:
                continue
            if len(gap) <= 25 and "\n" not in gap and _DIGIT.search(gap) is None:
                penalty = _LIST_PENALTY if _LIST_SEPARATOR.search(gap) else 0
                # "160/hh 240/h": a slash glued between an amount and its unit binds them
                pairs.append((len(gap.strip().strip("/")) + penalty, m_index, d_index))
    chosen: dict[int, _Duration] = {}
    for _, m_index, d_index in sorted(pairs):
        duration = durations[d_index]
        if m_index in chosen or duration.taken:
            continue
        duration.taken = True
        chosen[m_index] = duration
    prices: list[PriceMatch] = []
    for m_index, (amount, currency, m_start, m_end) in enumerate(money):
        paired = chosen.get(m_index)
        start = min(m_start, paired.start) if paired else m_start
        end = max(m_end, paired.end) if paired else m_end
        original_start, original_end = view.span(start, end)
        prices.append(
            PriceMatch(
                amount,
                currency,
                paired.per if paired else None,
                paired.minutes if paired else None,
                original_start,
                original_end,
                view.original[original_start:original_end],
            )
        )
    return prices
