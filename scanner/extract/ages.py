"""Ages of the advertised people, and words that suggest youth without giving an age.

An age is a number from 13 to 79, written in digits or in Dutch or English words, tied to an age
cue: a unit after it ("19 jaar", "19yo", "23-jarige", "22 years old", "25 ans"), a label before it
("age: 23", "leeftijd 21"), a statement ("ik ben 20", "I'm 21", "he is 35", "ik word vandaag 25",
"lady of 51", "een vrouw van 42", "wij zijn 21 en 23"), "net 18 geworden", a capitalised name with the
age in brackets ("Anna (21)"), or a title "<Name> 26 <place>" (also "Name | 26 | City", "Name - 26 - City")
where a place, country, nationality, dash, emoji or describing word ("nieuw", "sexy") follows the number
(18 to 79; not after street, venue, weekday, service or price words). On the first line, the title, any
word follows except units, prices and counts ("Anna 25 ontvangt", not "Anal 50 extra"; 18 to 60 there).
Lists give several ages ("19 en 21 jaar", "22 & 25"). Classifieds add "Poster's age: 23", "About me: 23" and a title
line that ends in the age ("Sexy Latina - 23"); a flag, emoji, tilde or stars may stand between name and age, and
ages are also read in German, Spanish, French and Hungarian words ("dreiundzwanzig", "treinta y dos", "vingt-trois").
Not ages: client ages ("heren vanaf 30 jaar", "30+"), ranges ("25-60 jaar"), years of experience ("10 jaar
ervaring"), 24/7, percentages, times ("14.00-20.00", also "Lisa, 14.00-20.00"), years and counts ("2 girls").

Youth language ("jong", "studentje", "petite", "fresh", "barely legal", 🎒) is returned as hints,
never as an age.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from scanner.extract import digit_words
from scanner.extract.normalize import Normalized, windows
from scanner.extract.numbers import TEENS_EN, TEENS_NL, TENS_EN, TENS_NL, UNITS_EN, UNITS_NL
from scanner.extract.terms import Lexicon
from scanner.places import lookup

MIN_AGE = 13
MAX_AGE = 79
FIRST_NAMES_FILE = Path(__file__).resolve().parent / "data" / "first_names.txt"


@cache
def first_names() -> frozenset[str]:
    """Given names of women, lower case (see data/README.md for the source)."""
    return frozenset(FIRST_NAMES_FILE.read_text(encoding="utf-8").split())


def _age_words() -> dict[str, int]:
    words: dict[str, int] = {}
    for teens, tens, units, joiners in (
        (TEENS_NL, TENS_NL, UNITS_NL, ("en",)),
        (TEENS_EN, TENS_EN, UNITS_EN, ("-", " ", "")),
    ):
        words.update({word: value for word, value in teens.items() if value >= MIN_AGE})
        for ten_word, ten in tens.items():
            if ten > MAX_AGE:
                continue
            words[ten_word] = ten
            for unit_word, unit in units.items():
                for joiner in joiners:
                    compound = unit_word + joiner + ten_word if units is UNITS_NL else ten_word + joiner + unit_word
                    words[compound] = ten + unit
    return words


def _foreign_age_words() -> dict[str, int]:
    """Ages in the number words of other languages: "veintitrés", "dreiundzwanzig", "treinta y dos", "vingt-trois"."""
    words = {
        word: int(digits)
        for word, digits in digit_words.DIGIT_WORDS.items()
        if MIN_AGE <= int(digits) <= MAX_AGE and word not in digit_words.WEAK
    }
    units = {"es": digit_words.units("es"), "fr": digit_words.units("fr")}
    for ten_word, ten in (("treinta", 30), ("cuarenta", 40), ("cincuenta", 50), ("sesenta", 60), ("setenta", 70)):
        words.update({f"{ten_word} y {unit}": ten + value for unit, value in units["es"].items() if value})
    for ten_word, ten in (("vingt", 20), ("trente", 30), ("quarante", 40), ("cinquante", 50), ("soixante", 60)):
        words.update({f"{ten_word}-{unit}": ten + value for unit, value in units["fr"].items() if value > 1})
        words[f"{ten_word} et un"] = words[f"{ten_word}-et-un"] = ten + 1
    return words


AGE_WORDS = _age_words() | _foreign_age_words()
AGE_WORD_TOKENS = frozenset(re.split(r"[- ]", word)[0] for word in AGE_WORDS)
_WORD_ALTERNATION = "|".join(sorted(map(re.escape, AGE_WORDS), key=len, reverse=True))
# Two digits not inside a longer number, a decimal or a percentage. The check comes after the digits so that
# the pattern starts with a digit class, which lets the regex engine skip to digits quickly.
# "14.00-20.00" and "15:30" are times, not ages.
_DIGITS_NUM = r"\d\d(?<!\d\d\d)(?<!\d[,.]\d\d)(?![\d%]|[.,:]\d)"
_WORDS_NUM = rf"(?:{_DIGITS_NUM}|(?<![a-z])(?:{_WORD_ALTERNATION})(?![a-z]))"
_UNIT = (
    r"(?:jaar(?:tjes)?\b|jr\b\.?|j\b\.?|-?jarige?\b|yo\b|y/o\b|y\.o\.?|yrs?\b|years?(?:\s+old|-old)?\b|"
    r"ans\b|anos\b|anitos\b|jahre\b|lat\b|lata\b|let\b|(?:de\s+)?ani\b|anni\b|eves\b|lentes?\b|lentjes\b|springs\b|"
    r"(?<=\d)y\b)"  # "23y" glued; "22 y 25" is a Spanish list
)
# Stars, hearts and emoji that decorate titles between a name and an age ("Carla ★ 23", "Anna💋23")
_DECORATION = "[\u2600-\u27bf\U0001f1e6-\U0001f1ff\U0001f300-\U0001faff]+"  # also flags ("Andreea 🇷🇴 24")
_LIST_SEPARATOR = r"\s*(?:,|&|\ben\b|\band\b|/|\+|\bund\b|\bet\b|\bsi\b|\bi\b)\s*"
_NOT_MEASURE = (
    r"(?!\s*(?:cm|kg|kilo|m\b|min|minuten|minutes|euro|eur|€|%|uur|u\b|h\b|hours?\b|hrs?\b|x\b|/|\+|-\s*\d|\d|,\d|\.\d|keer|times"
    r"|dagen|days|weken|weeks|maanden|months|cup|dd|mm|jr\b|tot\b|to\b|t/m))"
)


@dataclass(frozen=True)
class _Patterns:
    with_unit: re.Pattern[str]
    labelled: re.Pattern[str]
    first_person: re.Pattern[str]
    plural: re.Pattern[str]
    name_bracket: re.Pattern[str]
    name_number: re.Pattern[str]
    name_title: re.Pattern[str]
    introduced: re.Pattern[str]


def _patterns(num: str) -> _Patterns:
    listed = rf"(?P<nums>{num}(?:{_LIST_SEPARATOR}{num})*)"
    return _Patterns(
        with_unit=re.compile(rf"{listed}\s*-?\s*{_UNIT}"),
        labelled=re.compile(
            r"\b(?:age|leeftijd|lft|alter|edad|idade|eta|varsta|wiek|vek|kor|ages|about me)\b"
            rf"\s*(?:[:=.\-|;\u2013]+|is\b)?\s*{listed}"
            r"(?!\s*[+\-]\s*\d|\+)"
        ),
        first_person=re.compile(
            r"\b(?:ik ben|ben|i'?m|i am|im|ich bin|je suis|soy|tengo|sono|jestem|sunt|just turned|net|pas|barely|"
            r"nog maar|only|juist|she is|she's|zij is|ze is|sie ist|elle a|ella tiene|is pas|is net|he is|he's|hij is|"
            r"word|turn|turning|turned|lady of|woman of|girl of|vrouw van|dame van|meid van|meisje van|studente van|"
            r"jongedame van|blondine van|brunette van|schoonheid van)"
            r"\s+(?:net\s+|pas\s+|just\s+|only\s+|nog maar\s+|vandaag\s+|today\s+|morgen\s+|binnenkort\s+|nu\s+|now\s+|"
            r"inmiddels\s+)?"
            rf"(?P<nums>{num}){_NOT_MEASURE}"
        ),
        plural=re.compile(
            r"\b(?:wij zijn|we zijn|zij zijn|ze zijn|we are|we're|they are|they're|wir sind|vriendinnen van|zusjes van|"
            rf"meiden van|dames van|girls of|ladies of|friends of|sisters of)\s+{listed}{_NOT_MEASURE}"
        ),
        name_bracket=re.compile(
            rf"\b(?P<name>[a-z]{{2,}})\s*[(\[]\s*(?P<nums>{num}(?:{_LIST_SEPARATOR}{num})*)\s*(?:j|jr|jaar|y|yo|yrs)?\s*[)\]]"
            r"(?!\s*(?:min|uur|u\b|h\b|hour|euro|eur|€|cm|kg|%|x\b))"
        ),
        name_number=re.compile(
            rf"\b(?P<name>[a-z]{{2,}})(?:(?P<comma>,)\s*|\s+){listed}"
            r"(?=\s*(?:[,.!;)|]|-\s|\ben\b|\band\b|&|\n|$))"
        ),
        # "Lisa 26 Amsterdam", "Anna 23 - Belgium", "Eva 24 🌹": what follows the number is checked in _title_follows
        # "Lotte | 26 | Utrecht", "Lotte - 26 - Utrecht": a bar or dash may also stand between name and age
        # "Kim\n27 sexy": a name alone on its line may have the age open the next one (checked in _find_in)
        name_title=re.compile(
            rf"\b(?P<name>[a-z]{{2,}})(?:[ \t]+|[ \t]*(?:[|\-\u2013\u2014\u2022~*\u00b7]+|{_DECORATION})[ \t]*"
            r"|(?P<newline>[ \t]*\n[ \t]*))"
            rf"(?P<nums>{_DIGITS_NUM})(?=[ \t]*[^\w\s.!;)&]|[ \t]+[a-z]|(?P<line_end>[ \t]*(?:\n|$)))"
        ),
        # "ik ben Sophie 23 en nieuw hier", "I'm Bella 24 from Spain": a name introduced by the writer, then a number
        introduced=re.compile(
            r"\b(?:ik ben|i'?m|i am|my name is|mijn naam is|ik heet|my name's|call me|noem me|this is|it'?s|dit is|"
            r"hier is|je spreekt met|you'?re talking to)\s+"
            rf"(?P<name>[a-z]{{2,}})[,.]?\s+(?P<nums>{num}){_NOT_MEASURE}"
        ),
    )


_DIGIT_PATTERNS = _patterns(_DIGITS_NUM)
# The words one of which a pattern needs before it can match: most ads have none of some of them
_PATTERN_WORDS = {
    "labelled": frozenset(
        {"age", "leeftijd", "lft", "alter", "edad", "idade", "eta", "varsta", "wiek", "vek", "kor", "ages", "about"}
    ),
    "plural": frozenset(
        {"wij", "we", "zij", "ze", "they", "wir", "vriendinnen", "zusjes", "meiden", "dames", "girls", "ladies",
         "friends", "sisters"}
    ),
}  # fmt: skip
_WORD_PATTERNS = _patterns(_WORDS_NUM)
_NUMBER_IN = re.compile(_WORDS_NUM)
_CLIENT_BEFORE = re.compile(
    r"(?:(?<![a-z])(?:vanaf|boven(?: de)?|ouder dan|older than|over|min(?:imaal|imum)?\.?|max(?:imaal|imum)?\.?|tot|"
    r"onder(?: de)?|under|tussen|between|from|heren|mannen|men|klanten|clients|gentlemen|gasten|al|sinds|since|for|"
    r"ruim|meer dan|more than|na|after|per|elke|every|t/m)|\d\s*-|\d\s*tot|\d\s*to)\s*(?:de\s+|the\s+)?$"
)
# "ik ben nu 15 jaar actief": the unit may stand between the number and what makes it a duration
_NOT_AGE_AFTER = re.compile(
    rf"(?:\s*-?\s*{_UNIT})?"
    r"\s*(?:ervaring|experience|in het vak|in de branche|werkzaam|actief|getrouwd|married|samen|together|geleden|ago|"
    r"garantie|en ouder|and older|and up|plus|\+|of older|oder älter)"
)
_NAME_STOP = {
    "min", "minuten", "uur", "euro", "eur", "nr", "no", "cm", "kg", "tel", "foto", "photos", "fotos", "pics", "maat",
    "maatje", "bh", "confectie", "kledingmaat", "schoenmaat", "gewicht", "lengte", "weight", "height", "prijzen",
    "prijs", "prices", "price", "rates", "rate", "tarief", "tarieven", "kosten", "nacht", "night", "hour", "kamer",
    "size", "cup", "room", "huisnummer", "nummer", "number", "top", "bus", "lijn", "tram", "postcode", "van",
    "tot", "om", "vanaf", "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
    "oktober", "november", "december", "january", "february", "march", "may", "june", "july", "august", "october",
    "dag", "day", "week", "ma", "di", "wo", "do", "vr", "za", "zo", "appartement", "flat", "unit", "verdieping",
    "club", "studio", "salon", "bar", "hotel", "privehuis", "huis", "house", "box", "raam", "cabine", "suite",
    "only", "alleen", "nu", "now", "maar", "bijna", "almost", "ca", "circa", "ongeveer", "totaal", "total", "extra",
    "korting", "actie", "aanbieding", "bonus", "sale", "met", "with", "wij", "we", "onze", "our", "ook", "also",
    "nog", "slechts", "ruim", "massage", "escort", "service", "services", "anal", "gfe", "pse", "trio", "dinner",
    "overnight", "sauna", "jacuzzi", "parkeren", "parking", "station", "centrum", "afrit", "uitgang", "pagina",
    "bel", "sms", "app", "whatsapp", "route", "snelweg",
}  # fmt: skip
_WEEKDAYS = {
    "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "vandaag", "today", "morgen", "tomorrow",
}  # fmt: skip
# Countries and nationalities that follow a name and age in titles ("Anna 23 Roemeense", "Lisa 26 - Brazil")
_ORIGIN_WORDS = {
    "nederland", "netherlands", "holland", "nederlandse", "hollandse", "dutch", "belgie", "belgium", "belgique",
    "belgische", "duitsland", "germany", "duitse", "german", "roemenie", "romania", "roemeense", "romanian",
    "polen", "poland", "poolse", "polish", "hongarije", "hungary", "hongaarse", "hungarian", "bulgarije", "bulgaria",
    "bulgaarse", "bulgarian", "spanje", "spain", "spaanse", "spanish", "brazilie", "brazil", "braziliaanse",
    "brazilian", "colombia", "colombiaanse", "colombian", "venezuela", "venezolaanse", "venezuelan", "dominicaanse",
    "dominican", "thailand", "thaise", "thai", "oekraine", "ukraine", "oekraiense", "ukrainian", "rusland", "russia",
    "russische", "russian", "letland", "latvia", "litouwen", "lithuania", "tsjechie", "czech", "italie", "italy",
    "italiaanse", "italian", "frankrijk", "france", "franse", "french", "latina", "latin", "aziatische", "asian",
    "afrikaanse", "african", "europese", "european", "arabische", "arabic", "turkse", "turkish", "marokkaanse",
    "moroccan", "surinaamse", "antilliaanse", "cubaanse", "cuban", "peru", "argentinie", "argentina", "mexico",
    "slowakije", "slovakia", "moldavie", "moldova", "griekenland", "greece", "portugal", "portugese", "portuguese",
    "england", "engelse", "english", "china", "chinese", "japan", "japanse", "japanese", "filipina", "escort",
}  # fmt: skip
# Ordinary words that describe the advertiser after "<Name> <age>" in titles ("Anna 25 nieuw in Breda")
_DESCRIPTOR_WORDS = {
    "nieuw", "new", "sexy", "hot", "heet", "hete", "lief", "lieve", "mooi", "mooie", "geil", "geile", "blond",
    "blonde", "brunette", "slank", "slanke", "sweet", "cute", "busty", "curvy", "ebony", "echt", "echte", "real",
    "terug", "back", "discreet", "discrete", "ondeugend", "ondeugende", "naughty", "exclusief", "exclusive", "vip",
    "beschikbaar", "available", "rijpe", "mature", "milf", "lekker", "lekkere", "knap", "knappe", "gezellig",
    "gezellige", "beautiful", "pretty", "stunning", "natural", "naturel", "naturelle", "rondborstig", "rondborstige",
    "getint", "getinte", "zwoel", "zwoele", "verleidelijk", "verleidelijke", "jong", "fris",
}  # fmt: skip
# A descriptor before these counts people ("maar 25 sexy dames"), so the number is no age
_COUNTED_PEOPLE = re.compile(
    r"[ \t]*(?:dames|girls|meiden|meisjes|ladies|vrouwen|women|modellen|models|escorts|babes|chicks)\b"
)
# On the first line (the title) any other word may follow "<Name> <age>" ("Anna 25 ontvangt"), except words that
# make the number a price, a duration, a measure or a count ("Anal 50 extra", "Nog 25 plekken")
_NOT_TITLE_WORDS = {
    "per", "voor", "for", "tot", "till", "until", "extra", "erbij", "bij", "toeslag", "meer", "more", "half", "hele",
    "kwartier", "min", "mins", "minuten", "minutes", "uur", "hour", "hours", "euro", "euros", "eur", "dollar", "pond",
    "cash", "contant", "rozen", "roses", "incl", "inclusief", "excl", "exclusief", "all", "procent", "percent",
    "stuks", "keer", "times", "meter", "km", "kilo", "kg", "cm", "cup", "dagen", "days", "weken", "weeks",
    "maanden", "months", "nachten", "nights", "plekken", "plaatsen", "kamers", "rooms", "foto", "fotos", "photos",
    "pics", "video", "videos", "reviews", "sterren", "stars", "likes", "volgers", "followers", "seconden",
    "sec", "pagina", "t", "of", "or", "off", "korting", "discount", "ervaring", "experience",
}  # fmt: skip
_PLACE_PREPOSITIONS = {"uit", "from", "in", "te", "aus", "van", "de", "near", "bij", "regio", "omgeving"}
_TITLE_NEXT = re.compile(
    r"[ \t]*(?:(?P<dash>[-|\u2013\u2014\u2022~*/:]+[ \t]*(?=[^\d\s\u20ac$]))|(?P<word>[a-z][a-z-]*))"
)
# "Service | 30 | min": a unit after the dash makes the number a duration, a price or a measure
_MEASURE_WORD = re.compile(r"(?:min|minuten|minutes|mins?|uur|u|h|hours?|euro|eur|cm|kg|x|keer|times)\b")
_ADDRESS_BEFORE = re.compile(r"\b(?:adres|address|adresse|locatie|location|straat|street)\b[^\n]*$")
# "Mature lady 45, Groningen": a word for a woman stands where a name would, also in lower case
_PERSON_NOUNS = frozenset(
    {"lady", "dame", "vrouw", "vrouwtje", "girl", "meid", "meisje", "milf", "mature", "woman", "babe", "oma", "granny"}
)
_STREET = re.compile(
    r"(?:straat|weg|laan|plein|gracht|kade|singel|dijk|park|hof|steeg|pad|dreef|strasse|street|road|wal|markt|baan|"
    r"haven|plantsoen|boulevard|avenue|allee)$"
)


@dataclass(frozen=True, slots=True)
class AgeMatch:
    value: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class AgeHint:
    term: str
    start: int
    end: int
    text: str


def _value(token: str) -> int | None:
    token = token.strip()
    value = int(token) if token.isdigit() else AGE_WORDS.get(token)
    if value is None or not MIN_AGE <= value <= MAX_AGE:
        return None
    return value


def _add_ages(view: Normalized, match: re.Match[str], found: dict[int, AgeMatch], check_after: bool) -> None:
    text = view.text
    group_start = match.start("nums")
    if _CLIENT_BEFORE.search(text[max(0, group_start - 25) : group_start]):
        return
    if check_after and _NOT_AGE_AFTER.match(text, match.end()):
        return
    for number in _NUMBER_IN.finditer(match.group("nums")):
        value = _value(number.group())
        if value is None:
            continue
        start, end = view.span(group_start + number.start(), group_start + number.end())
        found.setdefault(start, AgeMatch(value, start, end, view.original[start:end]))
    joined = _AND_AGE.match(text, match.end("nums"))
    if joined is not None and 18 <= int(joined.group(1)) <= MAX_AGE and not _UNIT_AFTER.match(text, joined.end()):
        start, end = view.span(*joined.span(1))
        found.setdefault(start, AgeMatch(int(joined.group(1)), start, end, view.original[start:end]))


_UNIT_AFTER = re.compile(rf"\s*-?\s*{_UNIT}")
# "~ 200hh", "$180": a separator set apart by spaces, or a currency sign ("24-12 t/m 02-01" is a date)
_AMOUNT_AFTER = re.compile(r"[ \t]+[-|~*\u2022\u00b7]+[ \t]*[$\u20ac\u00a3]?\d|[ \t]*[$\u20ac\u00a3][ \t]?\d")
# "Ana & Maria 20 & 23": a second age joined to the first with "&"
_AND_AGE = re.compile(r"[ \t]*&[ \t]*(\d\d)(?!\d|[.,:]\d)")
# "Hot Hungarian girl in Almere - 22": a classified title that ends in the age, on the ad's first line
_TITLE_END = re.compile(
    r"(?P<word>[a-z]+)[ \t]+[-\u2013\u2014~|*\u2022]+[ \t]*(?P<nums>\d\d)(?<!\d\d\d)[ \t]*[^\w\s]*[ \t]*$"
)
_LINE_END = re.compile(r"[ \t!.]*(?:\n|$)")


def _plausible_title_age(number: str, name: str, oldest: int = 60) -> bool:
    """ "Sexy Anna 23" at the end of a line: an age when the number is adult-like and the word no place."""
    return number.isdigit() and 18 <= int(number) <= oldest and lookup(name) is None


def _is_place_or_origin(view: Normalized, start: int, word: str) -> bool:
    if word in _ORIGIN_WORDS:
        return True
    original_start, _ = view.span(start, start + len(word))
    return view.original[original_start : original_start + 1].isupper() and lookup(word) is not None


def _title_follows(view: Normalized, end: int, in_title: bool, short_words: bool = False) -> bool:
    """After "Lisa 26": a dash or bar, an emoji, a place, a country or nationality, or "uit/from <place>"."""
    text = view.text
    rest = text[end : end + 8].lstrip(" \t")
    if rest and unicodedata.category(rest[0]) == "So":  # an emoji, not a currency sign
        return True
    if (in_title or short_words) and _AMOUNT_AFTER.match(text, end):
        return True  # "Crystal 25 ~ 200hh", "Amber 26 $180 HH": a title's name and age, then its prices
    comma = text.startswith(",", end)
    nxt = _TITLE_NEXT.match(text, end + 1 if comma else end)
    if nxt is None:
        return False
    if nxt.group("dash"):
        return not comma and not _MEASURE_WORD.match(text, nxt.end())
    word = nxt.group("word").rstrip("-")
    if _is_place_or_origin(view, nxt.start("word"), word):
        return True
    if word in _DESCRIPTOR_WORDS or (
        in_title and len(word) >= (2 if short_words else 3) and word not in _NOT_TITLE_WORDS
    ):
        return not _COUNTED_PEOPLE.match(text, nxt.end())
    if word in _PLACE_PREPOSITIONS:
        after = _TITLE_NEXT.match(text, nxt.end())
        if after is not None and after.group("word"):
            if in_title or short_words:  # "Agata 29 in Leeds": in a title any capitalised place will do
                start, _ = view.span(after.start("word"), after.end("word"))
                if view.original[start : start + 1].isupper():
                    return True
            return _is_place_or_origin(view, after.start("word"), after.group("word").rstrip("-"))
    return False


def _capitalised(view: Normalized, match: re.Match[str]) -> bool:
    """The name of `match` as the ad wrote it starts with a capital ("Anna", "ANNA")."""
    start, _ = view.span(match.start("name"), match.end("name"))
    written = view.original[start : start + len(match.group("name"))]
    return written.istitle() or written.isupper()


def _first_number(match: re.Match[str]) -> str:
    first = _NUMBER_IN.search(match.group("nums"))
    return first.group() if first else ""


def _title_age(view: Normalized, match: re.Match[str]) -> bool:
    """ "<Name> 26 <place, origin, description>": is this title-like name and number an age?"""
    text = view.text
    name, number = match.group("name"), match.group("nums")
    if name in _NAME_STOP or name in _WEEKDAYS or _STREET.search(name) or name.endswith("maat") or number == "69":
        return False
    person_noun = name in _PERSON_NOUNS  # "Rijpe vrouw 52 zoekt contact", also in lower case
    # a title followed by a place, origin or description may give an older age ("Rijpe Ans 63 uit Zwolle")
    if not (_capitalised(view, match) or person_noun) or not _plausible_title_age(number, name, 79):
        return False
    if _ADDRESS_BEFORE.search(text, max(0, match.start() - 30), match.start()):
        return False
    if _UNIT_AFTER.match(text, match.end()):
        return False  # "Anna 25 jaar ervaring": a number with a unit is for the with_unit pattern to judge
    line_start = text.rfind("\n", 0, match.start("name")) + 1
    if match.group("newline") is not None and any(char.isalnum() for char in text[line_start : match.start("name")]):
        return False  # only a name alone on its line lends its age to the next line
    # a known given name reads like a title anywhere: "Anna 23 ontvangt je graag", "Anna 23 en nieuw"
    known_name = name in first_names() and int(number) <= 60
    in_title = "\n" not in text[:line_start] and int(number) <= 60
    if match.group("line_end") is not None:
        # "Anna - 25" closing the title line; elsewhere such a line is a price list ("Zoenen - 20")
        return (in_title or known_name) and match.group("newline") is None
    return _title_follows(view, match.end(), in_title or person_noun or known_name, short_words=known_name)


def find_ages(view: Normalized) -> list[AgeMatch]:
    """Stated ages in order of appearance, one per place in the text."""
    found: dict[int, AgeMatch] = {}
    if view.words & AGE_WORD_TOKENS:
        patterns, ranges = _WORD_PATTERNS, [(0, len(view.text))]
    else:
        patterns, ranges = _DIGIT_PATTERNS, windows(view, 40, 30)
    # the patterns that need a word or a bracket the ad does not have are skipped for the whole ad
    skip = frozenset(name for name, words in _PATTERN_WORDS.items() if view.words.isdisjoint(words))
    if "(" not in view.text and "[" not in view.text:
        skip |= {"name_bracket"}
    for start, end in ranges:
        _find_in(view, patterns, start, end, found, skip)
    _title_end(view, found)
    return sorted(found.values(), key=lambda age: age.start)


def _title_end(view: Normalized, found: dict[int, AgeMatch]) -> None:
    """ "Sexy Petite Latina - 23" as the first line (the title) of a longer ad: the age ends the title."""
    text = view.text
    line_end = text.find("\n")
    if line_end < 0:
        return
    match = _TITLE_END.search(text, 0, line_end)
    if match is None or match.group("word") in _NOT_TITLE_WORDS or match.group("word") in _NAME_STOP:
        return
    value = int(match.group("nums"))
    if 18 <= value <= 60:
        start, end = view.span(*match.span("nums"))
        found.setdefault(start, AgeMatch(value, start, end, view.original[start:end]))


def _find_in(
    view: Normalized, patterns: _Patterns, begin: int, stop: int, found: dict[int, AgeMatch], skip: frozenset[str]
) -> None:
    text = view.text
    for match in patterns.with_unit.finditer(text, begin, stop):
        _add_ages(view, match, found, check_after=True)
    if "labelled" not in skip:
        for match in patterns.labelled.finditer(text, begin, stop):
            _add_ages(view, match, found, check_after=False)
    for match in patterns.first_person.finditer(text, begin, stop):
        _add_ages(view, match, found, check_after=True)
    if "plural" not in skip:
        for match in patterns.plural.finditer(text, begin, stop):
            _add_ages(view, match, found, check_after=True)
    strong = bool(found)
    candidates = []
    for match in patterns.name_number.finditer(text, begin, stop):
        name = match.group("name")
        if name in _NAME_STOP or _STREET.search(name) or not (_capitalised(view, match) or name in _PERSON_NOUNS):
            continue
        if match.group("nums") == "69":  # a sex position in a list of services, not an age
            continue
        candidates.append(match)
    # "Natasha 20, Bianca 22 en Elena 19": several names each with an adult-like number make a list of ages
    listed = sum(_plausible_title_age(_first_number(match), match.group("name")) for match in candidates) >= 2
    for match in candidates:
        name, first = match.group("name"), _first_number(match)
        plausible = _plausible_title_age(first, name)
        at_line_end = _LINE_END.match(text, match.end())
        if (
            strong
            or match.group("comma")
            or (listed and plausible)
            or (name in _PERSON_NOUNS and _plausible_title_age(first, name, 79))
            or ((at_line_end or name in first_names()) and plausible)
        ):
            _add_ages(view, match, found, check_after=False)
    for match in patterns.name_title.finditer(text, begin, stop):
        if _title_age(view, match):
            _add_ages(view, match, found, check_after=True)
    for match in patterns.introduced.finditer(text, begin, stop):
        name = match.group("name")
        if name in _NAME_STOP or not _capitalised(view, match):
            continue
        if _plausible_title_age(_first_number(match), name, 79) and match.group("nums") != "69":
            _add_ages(view, match, found, check_after=True)
    for match in patterns.name_bracket.finditer(text, begin, stop) if "name_bracket" not in skip else ():
        # "Anna (21)", "student (19)", "2 vriendinnen (20 en 22)": a word, then ages in brackets
        if match.group("name") in _NAME_STOP:
            continue
        _add_ages(view, match, found, check_after=False)


HINTS = Lexicon(
    [
        ("net 18", "hint", ("18", "achttien", "eighteen"),
         r"\b(?:net|pas|just|barely|only|nog maar)\s+(?:18|achttien|eighteen)\b(?!\s*\+)"),
        ("jong", "hint", ("jong",),
         r"(?<!jaar )\bjong(?:e|er|ere|ste|etje|kie)?\b(?!\s+(?:van\s+(?:geest|hart)|gebleven|blijven|at heart))"),
        ("tiener", "hint", ("tiener",), r"\btiener(?:tje|s)?\b"),
        ("teen", "hint", ("teen",), r"\bteen(?:s|ager|agers|y)?\b"),
        ("schoolmeisje", "hint", ("school",), r"\bschool\s?(?:meisje|meid|girl)s?\b"),
        ("studentje", "hint", ("student", "college"), r"\bstudent(?:je|e|in)\b|\bcollege\s?girl\b"),
        ("petite", "hint", ("petite",), r"\bpetite\b"),
        ("barely legal", "hint", ("barely",), r"\bbarely\s+legal\b"),
        ("fresh", "hint", ("fresh",),
         r"\bfresh\b(?!\s+(?:towels?|sheets?|shower|handdoeken|lakens|douche|fruit|drinks?))"),
        ("young", "hint", ("young",), r"\byoung(?:er|est)?\b(?!\s+at\s+heart)"),
        ("lolita", "hint", ("lolita",), r"\blolita\b"),
        ("babyface", "hint", ("baby",), r"\bbaby\s?face\b"),
        ("maagd", "hint", ("maagd", "virgin"), r"\bmaagd(?:elijk)?\b|\bvirgin\b"),
        ("minderjarig", "hint", ("minderjarig", "underage"), r"\bminderjarig\w*|\bunderage\b"),
        ("klein meisje", "hint", ("klein", "little"), r"\bklein(?:e)? meisje\b|\blittle girl\b"),
        ("emoji", "hint", ("\U0001f392", "\U0001f9f8", "\U0001f467", "\U0001f36d"),
         "[\U0001f392\U0001f9f8\U0001f467\U0001f36d]"),
    ]
)  # fmt: skip


def find_age_hints(view: Normalized, hits: set[str] | None = None) -> list[AgeHint]:
    """Youth language, in order of appearance (`hits`: the lexicon triggers in the text, when known)."""
    return [
        AgeHint(match.text if match.term == "emoji" else match.term, match.start, match.end, match.text)
        for match in HINTS.find(view, hits)
    ]
