"""Prices: amount, currency and the time they buy ("€ 150,-", "150 euro p/u", "1,5 uur 200").

Amounts are read from money expressions: a currency before or after ("€80", "80 euro", "EUR 80",
"80€"), the Dutch whole-euro mark ("150,-"), a rate ("150 p/u", "200 per nacht"), or a bare number
right after a duration ("15 min 50", "1,5 uur 200"). Durations are "15 min"/"kwartier" (15min),
"30 min"/"half uur" (half_hour), "uur"/"hour"/"60 min" (hour), "nacht"/"night" (night), and other
lengths such as "1,5 uur" or "45 min" (minutes kept, `per` null). Each amount is paired with the
nearest free duration on the same line.

`parse_amount(text)` reads one amount with Dutch or English separators ("1.250,00", "1,250.00",
"150,-") and is tested on the price-parser cases in ../shared/benchmarks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from scanner.extract.normalize import Normalized

MIN_AMOUNT = Decimal(10)
MAX_AMOUNT = Decimal(20000)

_AMOUNT = r"(?<![\d.,])(?:\d{1,3}(?:[. ]\d{3})+(?:,\d{1,2})?|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,5}(?:[.,]\d{1,2})?)(?![\d])"
_CURRENCY = r"(?P<cur>€|eur(?:o(?:'?s)?)?\b|\$|usd\b|£|gbp\b|chf\b)"
_MONEY = re.compile(
    rf"(?:{_CURRENCY}\s*(?P<a1>{_AMOUNT})(?:\s*,-{{1,2}})?)"
    rf"|(?:(?P<a2>{_AMOUNT})\s*(?:,-{{1,2}}|\.-)?\s*(?P<cur2>€|euro(?:'?s)?\b|eur\b|\$|£|chf\b|pounds?\b))"
    rf"|(?:(?P<a3>{_AMOUNT})\s*(?P<mark>,-{{1,2}}|\.-)(?![\d]))"
    rf"|(?:(?P<a4>{_AMOUNT})\s*(?=(?:p/u|p\.u\.?|per\s+(?:uur|hour|nacht|night|keer)|/\s*(?:uur|u|h|hr|nacht)\b|ph\b|p/h\b|an hour\b|overnight\b|(?:a|the|de|een|hele)\s+(?:night|nacht)\b)))"
)
_MINUTES = r"(?:min(?:uten|utes|uutjes|uut|s)?\b\.?|m\b|mins\b)"
_DURATION = re.compile(
    r"(?P<q>\b(?:15|vijftien|fifteen)\s*" + _MINUTES + r"|\bkwartier(?:tje)?\b|\bquarter(?:\s+(?:of\s+an\s+)?hour)?\b"
    r"|\b1/4\s*(?:uur|u|h|hour)\b)"
    r"|(?P<hh>\b(?:30|dertig|thirty)\s*" + _MINUTES + r"|\bhalf\s*(?:uur(?:tje)?|hour|hr)\b|\bhalfuur\b"
    r"|\b1/2\s*(?:uur|u|h|hr|hour)\b|\b0[,.]5\s*(?:uur|u|h|hour)\b)"
    r"|(?P<h>(?:\b(?:1|een|one|an?)\s*)?\b(?:uur(?:tje)?|hour|hr|h)\b|\b60\s*" + _MINUTES
    + r"|\bp/u\b|\bp\.u\.?|\bp/h\b|\bph\b|/\s*(?:uur|u|h|hr)\b)"
    r"|(?P<n>\b(?:hele\s+|een\s+|per\s+|all\s+|whole\s+|the\s+|1\s+)?(?:nacht(?:je)?|night)\b|\bovernight\b"
    r"|\bovernachting\b|/\s*nacht\b)"
    r"|(?P<hours>\b(?P<hv>\d(?:[.,]\d{1,2})?)\s*(?:uur|u|hours?|hrs?|h)\b)"
    r"|(?P<mins>\b(?P<mv>[1-9]\d{1,2})\s*" + _MINUTES + r")"
)
_BARE_AFTER_DURATION = re.compile(rf"\s*[:=\-]?\s*(?P<a>{_AMOUNT})(?!\s*(?:min|uur|u\b|h\b|hour|%|x\b|/\d|cm|kg|jaar))")
_CURRENCIES = {"€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "$": "USD", "usd": "USD", "£": "GBP"}
_CURRENCIES |= {"gbp": "GBP", "chf": "CHF", "pound": "GBP", "pounds": "GBP"}


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


def _durations(text: str) -> list[_Duration]:
    found: list[_Duration] = []
    for match in _DURATION.finditer(text):
        kind = match.lastgroup
        if kind == "q":
            found.append(_Duration("15min", 15, *match.span()))
        elif kind == "hh":
            found.append(_Duration("half_hour", 30, *match.span()))
        elif kind == "h":
            found.append(_Duration("hour", 60, *match.span()))
        elif kind == "n":
            found.append(_Duration("night", None, *match.span()))
        elif kind == "hours":
            hours = Decimal(match.group("hv").replace(",", "."))
            minutes = int(hours * 60)
            per = {60: "hour", 30: "half_hour", 15: "15min"}.get(minutes)
            if 0 < minutes <= 24 * 60:
                found.append(_Duration(per, minutes, *match.span()))
        elif kind == "mins":
            minutes = int(match.group("mv"))
            per = {60: "hour", 30: "half_hour", 15: "15min"}.get(minutes)
            if minutes <= 600:
                found.append(_Duration(per, minutes, *match.span()))
    return found


def _money(text: str, durations: list[_Duration]) -> list[tuple[Decimal, str, int, int]]:
    found: dict[int, tuple[Decimal, str, int, int]] = {}
    for match in _MONEY.finditer(text):
        for group, currency_group in (("a1", "cur"), ("a2", "cur2"), ("a3", None), ("a4", None)):
            if match.group(group) is None:
                continue
            amount = parse_amount(match.group(group), ",")
            symbol = match.group(currency_group) if currency_group else "€"
            currency = _CURRENCIES.get(re.sub(r"'?s$", "s", symbol or "€").replace("euros", "euro"), "EUR")
            if amount is not None and MIN_AMOUNT <= amount <= MAX_AMOUNT:
                found[match.start()] = (amount, currency, match.start(), match.end())
    covered = [(start, end) for _, _, start, end in found.values()]
    for duration in durations:
        bare = _BARE_AFTER_DURATION.match(text, duration.end)
        if bare is None or any(a <= bare.start("a") < b for a, b in covered):
            continue
        if any(other.start == bare.start("a") for other in durations):
            continue
        amount = parse_amount(bare.group("a"), ",")
        if amount is not None and MIN_AMOUNT <= amount <= MAX_AMOUNT:
            found.setdefault(bare.start("a"), (amount, "EUR", bare.start("a"), bare.end("a")))
    return sorted(found.values(), key=lambda item: item[2])


def find_prices(view: Normalized) -> list[PriceMatch]:
    """Prices in order of appearance, each with the duration it buys when one stands beside it."""
    text = view.text
    if not any(char.isdigit() for char in text):
        return []
    durations = [d for d in _durations(text)]
    money = _money(text, durations)
    # money that is itself inside a duration ("15 min") is no amount
    money = [m for m in money if not any(d.start <= m[2] < d.end for d in durations)]
    pairs: list[tuple[int, int, int]] = []  # (distance, money index, duration index)
    for m_index, (_, _, m_start, m_end) in enumerate(money):
        for d_index, duration in enumerate(durations):
            if duration.end <= m_start:
                gap = text[duration.end : m_start]
            elif duration.start >= m_end:
                gap = text[m_end : duration.start]
            else:
                continue
            if len(gap) <= 25 and "\n" not in gap and not re.search(r"\d", gap):
                pairs.append((len(gap.strip()), m_index, d_index))
    chosen: dict[int, _Duration] = {}
    for _, m_index, d_index in sorted(pairs):
        duration = durations[d_index]
        if m_index in chosen or duration.taken:
            continue
        duration.taken = True
        chosen[m_index] = duration
    prices: list[PriceMatch] = []
    for m_index, (amount, currency, m_start, m_end) in enumerate(money):
        duration = chosen.get(m_index)
        start = min(m_start, duration.start) if duration else m_start
        end = max(m_end, duration.end) if duration else m_end
        original_start, original_end = view.span(start, end)
        prices.append(
            PriceMatch(
                amount,
                currency,
                duration.per if duration else None,
                duration.minutes if duration else None,
                original_start,
                original_end,
                view.original[original_start:original_end],
            )
        )
    return prices
