"""The people who write lichtbaken's ads, each in their own way.

Three kinds of writer, with phrases of their own (not those of the main demo world):

- an independent woman writes about herself, in Dutch or English, with her own habits: which
  greeting, how she gives her age, her place ("in Schalkwijk", "Haarlem e.o."), her hours
  ("14.00-20.00"), prices, services and how she writes her number;
- an operator writes for every woman of his group from one template in one of three styles (shouting
  English, broken Dutch, polite English), filling in name, age, town and number, with the phrases
  that give such ads away now and then ("only few days", "24/7", "young", "also hotel");
- an agency or club writes about its workers in the third person, with its reception number and
  often its licence.

A writer's habits come from a `Habit` seeded with the writer's id, one per part of the text, so all
ads of one writer share their wording; `Brief.variation_seed` drives what differs between them. The
writer returns what it wrote (ages, phones, indicator families), which becomes the ground truth.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from scanner.lab.demo.habits import Habit
from scanner.lab.demo.records import Price


@dataclass
class Brief:
    """What one ad must say."""

    writer: str  # the writer's id: the seed of her or his habits
    kind: str  # independent | operator | agency
    variation_seed: str
    name: str
    age: int
    place: str  # the place as named in a sentence
    phone: str | None  # E.164 number to write in the text (None: no number in the text)
    hours: str | None
    prices: dict[str, int]  # half | hour | night -> euros
    services: list[str]
    lang: str = "nl"  # nl | en
    age_in_text: bool = True
    indicators: set[str] = field(default_factory=set)
    friend: str | None = None  # the other woman of a duo, or another woman of a group
    agency: str | None = None
    licence: str | None = None
    style: int = 0  # an operator's template style
    obscure: bool = False  # write the number so that a filter misses it


@dataclass
class Written:
    title: str
    text: str
    ages: list[int]
    phones: list[str]
    prices: list[Price]
    indicators: set[str]
    obscurity: int


SERVICES_NL = (
    "zoenen",
    "massage",
    "erotische massage",
    "body to body",
    "striptease",
    "samen douchen",
    "GFE",
    "rollenspel",
    "lingerie",
    "69",
    "knuffelen",
    "voetfetisj",
    "tantra",
    "relax",
)
SERVICES_EN = (
    "kissing",
    "massage",
    "body to body",
    "striptease",
    "shower together",
    "GFE",
    "role play",
    "lingerie",
    "69",
    "cuddling",
    "tantric massage",
    "dinner date",
)
RISKY_SERVICES = {
    "nl": ("zonder condoom mogelijk", "alles zonder", "anaal extra"),
    "en": ("bareback", "everything without", "anal extra"),
}
HOURS = ("14.00-20.00", "10.00 - 22.00", "12:00-00:00", "11.00 tot 19.00", "13.00-23.00", "09.30-17.30", "18.00-02.00")
NAMES_NL = (
    "Sanne",
    "Lotte",
    "Femke",
    "Mirthe",
    "Esmee",
    "Naomi",
    "Joyce",
    "Kim",
    "Denise",
    "Romy",
    "Maud",
    "Isa",
    "Noor",
    "Fleur",
    "Yvonne",
    "Chantal",
    "Priscilla",
    "Melissa",
    "Tessa",
    "Anouk",
    "Babette",
    "Dewi",
)
NAMES_WORLD = (
    "Bianca",
    "Roxy",
    "Carmen",
    "Lola",
    "Nicole",
    "Vanessa",
    "Jasmine",
    "Daniela",
    "Alina",
    "Kira",
    "Vivian",
    "Sofia",
    "Gabriela",
    "Mia",
    "Paula",
    "Rita",
    "Angelique",
    "Chloe",
    "Jade",
    "Mila",
    "Luna",
    "Bella",
    "Sasha",
    "Eva",
    "Lara",
    "Valentina",
    "Anastasia",
    "Monique",
)
ORIGINS = ("Roemenie", "Bulgarije", "Hongarije", "Colombia", "Venezuela", "Brazilie", "Oekraine", "Thailand")
LATIN = ("Colombia", "Venezuela", "Brazilie")

_GREET = {
    "nl": ("Hoi!", "Hallo heren,", "Welkom op mijn pagina.", "Hey jij daar!", "Goedemiddag,", "Lieve heren,", ""),
    "en": ("Hi gentlemen!", "Hello there,", "Welcome to my page.", "Hey you!", "Good afternoon,", ""),
}
_INTRO = {
    "nl": (
        "Ik ben {name}, {age} jaar jong",
        "Mijn naam is {name} ({age})",
        "{name} hier, {age} jaar",
        "Ik heet {name} en ik ben {age}",
    ),
    "en": ("I'm {name}, {age} years young", "My name is {name} ({age})", "{name} here, {age} years old"),
}
_INTRO_NOAGE = {
    "nl": ("Ik ben {name}", "Mijn naam is {name}", "{name} hier", "Ik heet {name}"),
    "en": ("I'm {name}", "My name is {name}", "{name} here"),
}
_SELF = {
    "nl": (
        "een spontane vrouw met mooie rondingen",
        "slank, donkerblond en altijd vrolijk",
        "een echte Hollandse meid die van gezelligheid houdt",
        "een rustige dame voor de man die geen haast heeft",
        "sportief, nieuwsgierig en een tikje ondeugend",
        "met een lach en een warm hart",
    ),
    "en": (
        "a sweet and relaxed lady",
        "curvy, blonde and always in a good mood",
        "a classy woman for the discerning gentleman",
        "sporty, curious and a little naughty",
    ),
}
_PLACE = {
    "nl": (
        "Ik ontvang in mijn eigen appartement in {place}.",
        "Prive ontvangst in {place}, gratis parkeren voor de deur.",
        "Je vindt mij in {place}, vijf minuten van het station.",
        "Discreet adres in {place}.",
        "Ontvangst in {place}, escort in de regio is ook mogelijk.",
        "Ik werk vanuit {place}.",
    ),
    "en": (
        "I receive guests in my private apartment in {place}.",
        "Private incall in {place}, free parking.",
        "You can find me in {place}, close to the station.",
        "Discreet location in {place}.",
    ),
}
_TRIP = {
    "nl": (
        "Deze week even in {place}!",
        "Tijdelijk in {place}, grijp je kans.",
        "Vanaf vandaag een paar dagen in {place}.",
    ),
    "en": ("Only this week in {place}!", "Visiting {place} for a few days.", "Temporarily in {place}."),
}
_HOURS = {
    "nl": (
        "Bereikbaar van {hours}.",
        "Ik werk van {hours}.",
        "Dagelijks {hours} uur.",
        "Ma t/m vr {hours}, weekend op afspraak.",
        "Bellen tussen {hours} aub.",
    ),
    "en": ("Available {hours}.", "Working hours {hours}.", "Daily {hours}."),
}
_PRICES = {
    "nl": (
        "Half uur €{half}, uur €{hour}.",
        "€ {hour},- per uur",
        "Tarief: {hour} euro p/u (half uur {half})",
        "Uur {hour} / half uur {half}",
        "Prijzen: 30 min {half} euro - 60 min {hour} euro",
    ),
    "en": ("30 min €{half} / 1 hour €{hour}", "{hour} euro per hour", "Rates: half hour {half}, hour {hour}"),
}
_NIGHT = {"nl": "Hele nacht in overleg ({night} euro).", "en": "Overnight {night} euro."}
_SERVICES = {
    "nl": ("Wat ik doe: {list}.", "Mijn services: {list}.", "Bij mij kun je terecht voor {list}."),
    "en": ("What I do: {list}.", "My services: {list}.", "I offer {list}."),
}
_CARE = {
    "nl": (
        "Veilig vrijen is voor mij vanzelfsprekend.",
        "Hygiene vind ik belangrijk en dat verwacht ik ook van jou.",
        "Respect staat bij mij voorop.",
    ),
    "en": ("Safe sex only.", "Hygiene is important to me.", "Respect comes first."),
}
_CONTACT = {
    "nl": (
        "Bel of app me: {phone}",
        "Whatsapp: {phone}",
        "{phone} (ook sms)",
        "Bellen: {phone}, geen anonieme nummers.",
    ),
    "en": ("Call or text {phone}", "WhatsApp {phone}", "No private numbers please: {phone}"),
}
_NO_CONTACT = {
    "nl": ("Reageer via de knop hieronder.", "Contact alleen via de site.", "Stuur me een bericht via lichtbaken."),
    "en": ("Contact me through the button below.", "Messages through the site only."),
}
_DUO = {
    "nl": (
        "Samen met mijn vriendin {friend} ook als duo te boeken!",
        "Vraag ook naar {friend}, samen zijn we een feest.",
        "Duo met {friend} is mogelijk.",
    ),
    "en": ("Also available as a duo with my friend {friend}.", "Ask for {friend} too, together we are double fun."),
}
_CLOSE = {
    "nl": ("Tot snel!", "Liefs, {name}", "Kusjes x", "Groetjes {name}", ""),
    "en": ("See you soon!", "Kisses, {name}", "xoxo", ""),
}
_TITLE = {
    "nl": (
        "{name} ({age}) - {town}",
        "Sexy {name} in {town}",
        "Lieve {name} ontvangt in {town}",
        "Ontspannen bij {name}",
        "{name}: massage en meer",
    ),
    "en": ("{name}, private incall {town}", "Sweet {name} ({age})", "{name} in {town}"),
}

# Operators: one template per style, each part with a few wordings the operator rotates.
_OPERATOR_TITLE = (
    ("NEW {name} {age}yo in {town} ONLY FEW DAYS", "NEW GIRL {name} {age} - {town}", "{name} {age}yo NEW IN {town}"),
    ("Nieuw! {name} ({age}) in {town}", "{name} {age} net aangekomen {town}", "Lekkere {name} {age} jr {town}"),
    ("Beautiful {name}, {age}, visiting {town}", "{name} ({age}) - {town} - few days", "Elegant {name} in {town}"),
)
_OPERATOR_PARTS: tuple[dict[str, tuple[str, ...]], ...] = (
    {
        "open": ("NEW IN {TOWN}!!! 🔥", "JUST ARRIVED {TOWN} 🔥🔥", "HOT NEWS {TOWN}!!"),
        "intro": (
            "Hello baby, I am {name}, {age} years, new girl from {origin}.",
            "Hi honey I am {name} {age}yo, sexy girl from {origin}.",
        ),
        "self": ("Very sweet and sexy, I do everything you like ❤", "Nice body and nice face, I am your dream ❤"),
        "where": ("Incall and outcall in {place}.", "Private apartment in {place}, outcall also."),
        "contact": ("Call me {phone}", "Whatsapp {phone}", "Call or sms {phone}"),
        "close": ("Only few days here, don't miss!!!", "Don't wait baby, few days only!!"),
    },
    {
        "open": ("Hoi schat!", "Hallo lieverd!", "Hey schatje!"),
        "intro": ("Ik ben {name} ({age}), net aangekomen in {place}.", "Ik ben {name}, {age} jaar en pas in {place}."),
        "self": ("Lekker strak lijf en altijd zin 😘", "Lief, ondeugend en helemaal nieuw hier 😘"),
        "where": ("Ontvangst op prive adres.", "Prive appartement, ook naar jou toe."),
        "contact": ("Bel {phone}", "Bel of whatsapp {phone}", "Alleen bellen: {phone}"),
        "close": ("Alleen deze week!", "Maar een paar dagen hier!"),
    },
    {
        "open": ("Good evening gentlemen.", "Dear gentlemen,", "Welcome."),
        "intro": (
            "Beautiful {name}, {age}, is visiting {place} for a few days.",
            "{name} ({age}) is in {place} for a short visit.",
        ),
        "self": ("Girlfriend experience, massage and much more.", "Elegant, playful and very discreet."),
        "where": ("Private and discreet apartment.", "Discreet incall, outcall on request."),
        "contact": ("Whatsapp only {phone}", "Book now: {phone}", "Text first please {phone}"),
        "close": ("Short visit, book early.", "Limited time only."),
    },
)
_OPERATOR_SIGNS: dict[str, tuple[str, ...]] = {
    "youth": ("Young student, very tight 😇", "Jong en onervaren 😇", "Petite teen look, 18+"),
    "24_7": ("Available 24/7", "Dag en nacht bereikbaar", "Non stop open"),
    "hotel": ("Hotel visit ok", "Ook naar je hotel", "Hotel and home visits"),
    "unsafe": ("Everything without possible", "Ook zonder condoom", "Bareback extra"),
    "no_refusal": ("I never say no", "Ik zeg nooit nee", "No limits"),
    "multi_women": ("My friend {friend} is also here, 2 girls together!", "Ook mijn vriendin {friend} is er!"),
    "low_price": ("Special price today: half hour {half}!", "Actie: half uur maar {half} euro!"),
}
_AGENCY_TITLE = ("{agency}: {name}", "{name} via {agency}", "Nieuw bij {agency}: {name}", "{name} ({age}) - {agency}")
_AGENCY_INTRO = (
    "{agency} presenteert: {name} ({age}).",
    "Vandaag bij {agency}: {name}, {age} jaar.",
    "Maak kennis met {name} ({age}) van {agency}.",
)
_AGENCY_SELF = (
    "{name} is een charmante dame die graag de tijd voor je neemt.",
    "{name} is spontaan, verzorgd en houdt van een goed gesprek.",
    "Zij is een ervaren en ontspannen gastvrouw.",
)
_AGENCY_WHERE = (
    "Zij ontvangt in ons discrete pand in {place} of komt naar u toe.",
    "Ontvangst in onze sfeervolle kamers in {place}; escort in heel Kennemerland.",
)
_AGENCY_CONTACT = (
    "Reserveren via onze receptie: {phone}, dagelijks {hours}.",
    "Afspraken via {phone} (receptie, {hours}).",
)
_AGENCY_LICENCE = ("{agency} werkt met vergunning {licence} van de gemeente.", "Vergunningnummer: {licence}")


class _Writer:
    def __init__(self, brief: Brief) -> None:
        self.brief = brief
        self.ad = random.Random(brief.variation_seed)

    def pick(self, part: str, options: tuple[str, ...], variation: float = 0.15) -> str:
        """The writer's own choice for this part, or now and then another one."""
        if self.ad.random() < variation:
            return self.ad.choice(options)
        return Habit(self.brief.writer, part).choice(options)

    def habit(self, part: str) -> Habit:
        return Habit(self.brief.writer, part)


def write_number(e164: str, style: int, obscure: bool, rng: random.Random) -> tuple[str, int]:
    """The number as the writer types it, and how hard a filter has to work to read it (0-2)."""
    national = "0" + e164[3:]
    if obscure:
        way = rng.randrange(4)
        if way == 0:
            return " ".join(national), 2  # 0 6 1 2 3 4 5 6 7 8
        if way == 1:
            return national.replace("0", "O", 1).replace("1", "l"), 2  # O6l2345678
        if way == 2:
            return "*".join(national[i : i + 2] for i in range(0, 10, 2)), 2  # 06*12*34*56*78
        return f"nul zes {national[2:6]} {national[6:]}", 2
    forms = (
        national,
        f"{national[:2]}-{national[2:]}",
        f"{national[:2]} {national[2:4]} {national[4:6]} {national[6:8]} {national[8:]}",
        f"+31 6 {national[2:6]} {national[6:]}",
        f"{national[:2]}-{national[2:6]} {national[6:]}",
        f"{national[:2]}.{national[2:4]}.{national[4:6]}.{national[6:8]}.{national[8:]}",
    )
    form = forms[style % len(forms)]
    return form, 0 if style % len(forms) in (0, 3) else 1


def _prices(brief: Brief, template: str) -> list[Price]:
    shown = [
        Price(brief.prices[per], "EUR", {"half": "half_hour", "hour": "hour"}[per])
        for per in ("half", "hour")
        if "{" + per + "}" in template and per in brief.prices
    ]
    return shown


def write_independent(brief: Brief) -> Written:
    w = _Writer(brief)
    lang = brief.lang
    parts: list[str] = []
    ages = [brief.age] if brief.age_in_text else []
    written: set[str] = set()
    greeting = w.pick("greet", _GREET[lang])
    if greeting:
        parts.append(greeting)
    intro = w.pick("intro", _INTRO[lang] if brief.age_in_text else _INTRO_NOAGE[lang], 0.0)
    parts.append(intro.format(name=brief.name, age=brief.age) + ", " + w.pick("self", _SELF[lang]) + ".")
    if "new_in_town" in brief.indicators:
        parts.append(w.pick("trip", _TRIP[lang], 0.3).format(place=brief.place))
        written.add("new_in_town")
    else:
        parts.append(w.pick("place", _PLACE[lang]).format(place=brief.place))
    if brief.friend:
        parts.append(w.pick("duo", _DUO[lang]).format(friend=brief.friend))
    if brief.hours and w.habit("hours-in-text").random() < 0.7:
        parts.append(w.pick("hours", _HOURS[lang], 0.05).format(hours=brief.hours))
    if "24_7" in brief.indicators:
        parts.append("Dag en nacht bereikbaar." if lang == "nl" else "Available day and night.")
        written.add("24_7")
    if brief.services:
        parts.append(w.pick("services", _SERVICES[lang]).format(list=", ".join(brief.services)))
    if w.habit("care").random() < 0.6:
        parts.append(w.pick("care", _CARE[lang]))
    price_template = w.pick("prices", _PRICES[lang], 0.0)
    parts.append(price_template.format(**brief.prices))
    if "night" in brief.prices:
        parts.append(_NIGHT[lang].format(night=brief.prices["night"]))
    phones: list[str] = []
    obscurity = 0
    if brief.phone:
        number, obscurity = write_number(brief.phone, w.habit("phone-style").randrange(6), brief.obscure, w.ad)
        parts.append(w.pick("contact", _CONTACT[lang]).format(phone=number))
        phones.append(brief.phone)
    else:
        parts.append(w.pick("no-contact", _NO_CONTACT[lang]))
    closing = w.pick("close", _CLOSE[lang]).format(name=brief.name)
    if closing:
        parts.append(closing)
    joiner = w.habit("layout").choice(["\n", "\n\n", " "])
    title_template = w.pick("title", _TITLE[lang], 0.2)
    if "{age}" in title_template and brief.age not in ages:
        ages.append(brief.age)
    title = title_template.format(name=brief.name, age=brief.age, town=brief.place)
    prices = _prices(brief, price_template)
    if "night" in brief.prices:
        prices.append(Price(brief.prices["night"], "EUR", "night"))
    if obscurity >= 2:
        written.add("obscured_phone")
    return Written(title, joiner.join(parts), ages, phones, prices, written, obscurity)


def write_operator(brief: Brief, town: str, origin: str) -> Written:
    """A network ad: the operator's template in his style, with his signs of the trade."""
    w = _Writer(brief)
    style = _OPERATOR_PARTS[brief.style]
    values = {
        "name": brief.name,
        "age": brief.age,
        "place": brief.place,
        "TOWN": town.upper(),
        "origin": origin,
        "friend": brief.friend or "",
        "half": brief.prices.get("half", ""),
    }
    parts = [w.pick(part, style[part], 0.2).format(**values) for part in ("open", "intro", "self", "where")]
    written: set[str] = {"new_in_town"}
    for family in sorted(brief.indicators):
        signs = _OPERATOR_SIGNS.get(family)
        if signs is None or (family == "multi_women" and not brief.friend):
            continue
        parts.insert(2 + w.habit("at:" + family).randrange(3), w.pick("sign:" + family, signs, 0.3).format(**values))
        written.add(family)
    if brief.services:
        parts.append(", ".join(brief.services))
    parts.append(f"{brief.prices['half']} half hour / {brief.prices['hour']} hour")
    phones: list[str] = []
    obscurity = 0
    if brief.phone:
        number, obscurity = write_number(brief.phone, w.habit("phone-style").randrange(6), brief.obscure, w.ad)
        parts.append(w.pick("contact", style["contact"], 0.2).format(phone=number))
        phones.append(brief.phone)
    parts.append(w.pick("close", style["close"], 0.2))
    title = w.pick("title", _OPERATOR_TITLE[brief.style], 0.3).format(name=brief.name, age=brief.age, town=town)
    if obscurity >= 2:
        written.add("obscured_phone")
    prices = [Price(brief.prices["half"], "EUR", "half_hour"), Price(brief.prices["hour"], "EUR", "hour")]
    joiner = w.habit("layout").choice(["\n", " "])
    return Written(title, joiner.join(parts), [brief.age], phones, prices, written, obscurity)


def write_agency(brief: Brief) -> Written:
    """An agency or club ad about one of its workers, in the third person."""
    w = _Writer(brief)
    values = {
        "agency": brief.agency or "",
        "name": brief.name,
        "age": brief.age,
        "place": brief.place,
        "hours": brief.hours or "",
        "licence": brief.licence or "",
    }
    parts = [
        w.pick(part, options, 0.1).format(**values)
        for part, options in (("intro", _AGENCY_INTRO), ("self", _AGENCY_SELF), ("where", _AGENCY_WHERE))
    ]
    if brief.services:
        parts.append("Zij biedt: " + ", ".join(brief.services) + ".")
    parts.append(f"Tarieven: half uur {brief.prices['half']} euro, uur {brief.prices['hour']} euro.")
    phones: list[str] = []
    if brief.phone:
        national = "0" + brief.phone[3:]
        split = 3 if brief.phone[3:5] in ("20", "23") else 4
        number = f"{national[:split]}-{national[split:]}" if not national.startswith("06") else national
        parts.append(w.pick("contact", _AGENCY_CONTACT).format(**values, phone=number))
        phones.append(brief.phone)
    if brief.licence:
        parts.append(w.pick("licence", _AGENCY_LICENCE, 0.0).format(**values))
    title = w.pick("title", _AGENCY_TITLE, 0.2).format(**values)
    ages = [brief.age]  # every introduction gives it
    prices = [Price(brief.prices["half"], "EUR", "half_hour"), Price(brief.prices["hour"], "EUR", "hour")]
    return Written(title, "\n".join(parts), ages, phones, prices, {"third_person"}, 0)
