"""Writes the title and text of one demo ad from what it must say (`AdSpec`).

A writer's habits (language, layout, phrases, emoji, typos, price format) come from a generator
seeded with `spec.template_seed`, one sub-generator per part, so every ad written with the same
seed shares its wording: an independent's ads on two sites, or all ads of one network's template.
`spec.variation_seed` drives what differs between those ads (slots, some swapped phrases, emoji).
The composer reports back what it actually wrote (phones, prices, indicator families, traps), which
becomes the ground truth.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from scanner.lab.demo import vocab
from scanner.lab.demo.habits import Habit
from scanner.lab.demo.phones import style_level, write_phone
from scanner.lab.demo.records import Price

PER_ORDER = ("15min", "half_hour", "hour", "night")


@dataclass
class AdSpec:
    template_seed: str
    variation_seed: str
    lang: str  # nl | en | mix
    foreign: str | None  # ro | es | hu: a few words of another language
    name: str
    age: int
    age_in_text: bool
    city: str
    city_written: str
    district: str
    postcode: str
    phones: list[str]  # E.164 numbers written in the text
    phone_style: str | None  # how the first number is written; None: no number in the text
    services_safe: list[str]
    services_unsafe: list[str]
    prices: dict[str, int]  # per -> amount
    indicators: set[str]  # families to write (obscured_phone comes from the phone style)
    third_person: bool = False
    agency: str | None = None
    licence: str | None = None
    benign_rate: float = 0.7  # chance that the writer adds a reassuring line (safe sex, respect, ...)
    variation: float = 0.15  # share of phrase choices this ad makes on its own
    emoji_rate: float = 0.3
    typo_rate: float = 0.02
    shouting: bool = False
    traps: tuple[str, ...] = ()
    other_names: list[str] = field(default_factory=list)  # further women named in a multi-women ad


@dataclass
class Composed:
    title: str
    text: str
    prices: list[Price]
    indicators: set[str]
    phone_styles: list[str]
    phone_obscurity: int
    traps: list[str]
    ages: list[int]


class _Writer:
    def __init__(self, spec: AdSpec) -> None:
        self.spec = spec
        self.ad = random.Random(spec.variation_seed)
        self._palette: list[str] | None = None

    def habit(self, part: str) -> Habit:
        """The writer's own generator for one part: the same for every ad of this template."""
        return Habit(self.spec.template_seed, part)

    def choose(self, part: str, options: tuple[str, ...] | list[str]) -> str:
        if self.ad.random() < self.spec.variation:
            return self.ad.choice(options)
        return self.habit(part).choice(options)

    def lang_for(self, part: str) -> str:
        if self.spec.lang != "mix":
            return self.spec.lang
        return self.habit("lang:" + part).choice(["nl", "en"])

    def phrase(self, part: str, table: dict[str, tuple[str, ...]]) -> str:
        return self.choose(part, table[self.lang_for(part)])

    def emoji(self) -> str:
        if self.ad.random() >= self.spec.emoji_rate:
            return ""
        if self._palette is None:
            self._palette = self.habit("emoji").sample(vocab.EMOJIS, 4)
        palette = self._palette
        return " " + "".join(self.ad.choice(palette) for _ in range(self.ad.choice([1, 1, 2, 3])))

    def typos(self, text: str) -> str:
        """About `typo_rate` of the letters get a slip of the finger: swapped, dropped or doubled."""
        expected = len(text) * self.spec.typo_rate
        count = int(expected) + (1 if self.ad.random() < expected - int(expected) else 0)
        chars = list(text)
        for _ in range(count):
            i = self.ad.randrange(max(1, len(chars) - 1))
            if not (chars[i].isalpha() and i + 1 < len(chars) and chars[i + 1].isalpha()):
                continue
            kind = self.ad.choice(["swap", "drop", "double"])
            if kind == "swap":
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
            elif kind == "drop":
                chars[i] = ""
            else:
                chars[i] = chars[i] * 2
        return "".join(chars)


def _fill(template: str, spec: AdSpec, **extra: str) -> str:
    values = {
        "name": spec.name,
        "age": str(spec.age),
        "city": spec.city_written,
        "district": spec.district,
        "agency": spec.agency or "",
        **extra,
    }
    return template.format(**values)


def write_prices(prices: dict[str, int], style: int, lang: str) -> str:
    """One of the common ways of writing a price list; `prices` maps a unit (15min, hour, ...) to euros."""
    q, h, u, n = (prices.get(per) for per in PER_ORDER)
    uur, half = ("uur", "half uur") if lang == "nl" else ("hour", "half hour")
    lines: list[str] = []
    if style == 0:
        lines.append(
            " / ".join(
                x for x in [f"15 min {q}" if q else "", f"30 min {h}" if h else "", f"1 {uur} {u}" if u else ""] if x
            )
        )
    elif style == 1:
        lines.append(
            " | ".join(
                x
                for x in [
                    f"½ {uur[:3] if lang == 'nl' else 'hr'} € {h},-" if h else "",
                    f"1 {uur} € {u},-" if u else "",
                ]
                if x
            )
        )
    elif style == 2:
        lines += [f"{half.capitalize()}: {h} euro" if h else "", f"{uur.capitalize()}: {u} euro" if u else ""]
    elif style == 3:
        lines.append(f"30min {h}eu, 1h {u}eu" if h else f"1h {u}eu")
    elif style == 4:
        label = "Tarieven" if lang == "nl" else "Rates"
        parts = [
            f"kwartier {q}" if q and lang == "nl" else f"15 min {q}" if q else "",
            f"{half} {h}" if h else "",
            f"{uur} {u}" if u else "",
        ]
        lines.append(f"{label}: " + ", ".join(x for x in parts if x))
    elif style == 5:
        lines.append(f"€ {u},- per {uur}" if lang == "nl" else f"€{u} per hour")
    elif style == 6:
        lines.append(f"1u = {u}€" + (f" / 30m = {h}€" if h else ""))
    else:
        lines.append(f"{u} p/u" if lang == "nl" else f"{u} eur/h")
    if n:
        lines.append(f"Hele nacht {n} euro" if lang == "nl" else f"Full night {n} eur")
    return "\n".join(line for line in lines if line)


def _written_prices(prices: dict[str, int], style: int) -> list[Price]:
    shown = {
        0: ("15min", "half_hour", "hour"),
        1: ("half_hour", "hour"),
        2: ("half_hour", "hour"),
        3: ("half_hour", "hour"),
        4: ("15min", "half_hour", "hour"),
        5: ("hour",),
        6: ("hour", "half_hour"),
        7: ("hour",),
    }[style]
    out = [Price(prices[per], "EUR", per) for per in PER_ORDER if per in shown and per in prices]
    if "night" in prices:
        out.append(Price(prices["night"], "EUR", "night"))
    return out


def compose(spec: AdSpec) -> Composed:
    """Title and text of one ad, with what was written in it."""
    w = _Writer(spec)
    written: set[str] = set()
    traps: list[str] = []
    ages = [spec.age] if spec.age_in_text else []
    lang = w.lang_for("main")
    parts: list[str] = []

    greeting = w.phrase("greeting", vocab.GREETINGS)
    if spec.foreign and w.habit("foreign-greet").random() < 0.6:
        greeting = w.choose("fgreet", vocab.FOREIGN_GREETINGS[spec.foreign])
    parts.append(greeting + w.emoji())

    if spec.third_person:
        intro = w.phrase("intro3", vocab.INTRO_THIRD if spec.age_in_text else vocab.INTRO_THIRD_NOAGE)
        personality = w.phrase("pers3", vocab.PERSONALITY_THIRD)
        written.add("third_person")
    else:
        intro = w.phrase("intro1", vocab.INTRO_FIRST if spec.age_in_text else vocab.INTRO_FIRST_NOAGE)
        personality = w.phrase("pers1", vocab.PERSONALITY_FIRST)
    sentence = _fill(intro, spec) + ", " + w.typos(personality) + "."
    parts.append(sentence)

    looks_habit = w.habit("looks")
    if looks_habit.random() < 0.7:
        height_cm = looks_habit.choice(vocab.HEIGHTS_CM)
        height = looks_habit.choice([f"{height_cm} cm", f"1.{height_cm - 100:02d} m", f"1,{height_cm - 100:02d}m"])
        cup = looks_habit.choice(vocab.CUPS)
        looks = _fill(w.phrase("looks", vocab.LOOKS), spec, height=height, cup=cup)
        parts.append(looks[:1].upper() + looks[1:] + w.emoji())
        traps.append("height")
        traps.append("measurement")

    if "multi_women" in spec.indicators and spec.other_names:
        others = ", ".join(spec.other_names)
        parts.append((f"Ook aanwezig: {others}" if lang == "nl" else f"Also here: {others}") + w.emoji())

    incall_table = vocab.INCALL_THIRD if spec.third_person else vocab.INCALL
    parts.append(_fill(w.phrase("incall", incall_table), spec).strip() + ".")
    if w.habit("postcode").random() < 0.35:
        parts.append(("Omgeving " if lang == "nl" else "Area ") + spec.postcode)
        traps.append("postcode")
    if w.habit("escort").random() < 0.4:
        parts.append(_fill(w.phrase("escort", vocab.ESCORT), spec) + ".")
    if "24_7" not in spec.indicators and w.habit("hours").random() < 0.6:
        hours = w.habit("hourvals")
        h1, h2 = hours.choice(["10", "11", "12", "14", "09"]), hours.choice(["20", "22", "23", "00", "02"])
        parts.append(_fill(w.phrase("hours", vocab.HOURS), spec, h1=h1, h2=h2))
        traps.append("time")

    for family in sorted(spec.indicators):
        if family in vocab.INDICATOR_PHRASES and family != "multi_women":
            if family == "low_price" and w.habit("lowprice-word").random() < 0.5:
                continue  # most low prices are only numbers
            table = vocab.INDICATOR_PHRASES[family]
            if not 18 <= spec.age <= 19:  # "net 18 geworden" only where it is true: the truth holds the stated ages
                table = {lang: tuple(p for p in phrases if "18" not in p) for lang, phrases in table.items()}
            text = _fill(w.phrase("ind:" + family, table), spec)
            if spec.shouting:
                text = text.upper()
            parts.insert(1 + w.habit("pos:" + family).randrange(len(parts)), text + w.emoji())
            written.add(family)
        elif family == "multi_women" and spec.other_names:
            parts.append(_fill(w.phrase("ind:multi", vocab.INDICATOR_PHRASES["multi_women"]), spec))
            written.add(family)

    services = list(spec.services_safe) + list(spec.services_unsafe)
    if services:
        service_style = w.habit("svc").randrange(3)
        heads = {
            ("nl", False): ["Services:", "Mijn services:", "Wat ik doe:", "Ik bied:", ""],
            ("en", False): ["Services:", "I offer:", "What I do:", ""],
            ("nl", True): ["Services:", "Haar services:", "Zij biedt:", ""],
            ("en", True): ["Services:", "She offers:", ""],
        }
        head = w.choose("svchead", heads[(lang, spec.third_person)])
        if service_style == 0:
            parts.append((head + " " + ", ".join(services)).strip())
        elif service_style == 1:
            bullet = w.habit("bullet").choice(["- ", "✔ ", "• ", "💋 ", "* "])
            parts.append((head + "\n" if head else "") + "\n".join(bullet + item for item in services))
        else:
            parts.append((head + " " + " / ".join(services)).strip())
        if spec.services_unsafe:
            written.add("unsafe")

    if w.habit("benign").random() < spec.benign_rate:
        parts.append(w.typos(w.phrase("benign", vocab.BENIGN_EXTRAS)) + ".")
    if spec.agency:
        parts.append(_fill(w.phrase("agency", vocab.AGENCY_LINES), spec) + ".")
    if spec.licence:
        label = w.habit("liclabel").choice(["Vergunningnummer:", "Vergunning nr.", "Vergunning:", "Licence no."])
        parts.append(f"{label} {spec.licence}")
        traps.append("licence")

    prices: list[Price] = []
    if spec.prices:
        style = w.habit("pricefmt").randrange(8)
        parts.append(write_prices(spec.prices, style, w.lang_for("prices")))
        prices = _written_prices(spec.prices, style)

    for trap in spec.traps:
        values = {
            "day": str(w.ad.randint(1, 28)),
            "month": f"{w.ad.randint(1, 12):02d}",
            "adid": str(w.ad.randint(100000, 999999)),
            "kvk": str(w.ad.randint(60000000, 99999999)),
            "kg": str(w.ad.randint(48, 75)),
        }
        parts.append(_fill(w.phrase("trap:" + trap, vocab.TRAPS[trap]), spec, **values))
        traps.append(trap)

    phone_styles: list[str] = []
    if spec.phone_style and spec.phones:
        written_phone = write_phone(spec.phones[0], spec.phone_style, w.ad)
        contact_table = vocab.CONTACT_THIRD if spec.third_person else vocab.CONTACT
        parts.append(_fill(w.phrase("contact", contact_table), spec, phone=written_phone))
        phone_styles.append(spec.phone_style)
        for extra in spec.phones[1:]:
            parts.append(("Of: " if lang == "nl" else "Or: ") + write_phone(extra, "separators", w.ad))
            phone_styles.append("separators")
    else:
        parts.append(w.phrase("nocontact", vocab.CONTACT_NO_PHONE))
    closing = w.phrase("closing", vocab.CLOSINGS)
    if spec.foreign and w.habit("foreign-close").random() < 0.7:
        closing = w.choose("fclose", vocab.FOREIGN_CLOSINGS[spec.foreign])
    parts.append(_fill(closing, spec) + w.emoji())

    layout = w.habit("layout").randrange(3)
    joiner = ["\n", "\n\n", " "][layout]
    text = joiner.join(part for part in parts if part)
    if spec.shouting:
        text = text.replace("!", "!!!")
    title_template = w.phrase("title", vocab.TITLES)
    title = _fill(title_template, spec)
    if "{age}" in title_template and spec.age not in ages:
        ages.append(spec.age)
    if spec.shouting:
        title = title.upper() + " 🔥"
    obscurity = max((style_level(style) for style in phone_styles), default=0)
    if obscurity >= 2:
        written.add("obscured_phone")
    if "low_price" in spec.indicators:
        written.add("low_price")
    return Composed(title, text, prices, written, phone_styles, obscurity, sorted(set(traps)), ages)
