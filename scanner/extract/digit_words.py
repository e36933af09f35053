"""Number words of the other languages of the ads, as phone numbers are read aloud in them.

Dutch and English number words (compounds included) are read by `scanner.extract.numbers`. Women from
Romania, Hungary, Poland, Spain, Latin America, Germany and France write their numbers in their own
words: "zero sapte patru doi", "nulla-hat, húsz", "pięć zero trzy", "seis uno cuatro, veintidós,
treinta y ocho", "null eins sieben sechs", "zéro quatre, nonante-sept, douze". This module gives each
such word its digits, in the folded form of `scanner.extract.normalize` (lower case, accents gone).

- `DIGIT_WORDS`: word -> digits, for units, teens, tens and the compounds written as one word
  ("veintidos", "vierundzwanzig", "huszonketto", "harmincegy");
- `TENS`: words of a multiple of ten that a following unit completes when written apart
  ("treinta y ocho", "trente-quatre", "soixante-dix-huit", "fifty three" is in `numbers`);
- `JOINERS`: the words between a ten and its unit ("y", "et", "si", "und");
- `WEAK`: words that are also ordinary words of the ads ("het" is the Dutch article and the Hungarian 7,
  "onze" is Dutch "our" and French 11): they count only beside another number word.
"""

from __future__ import annotations

_UNITS: dict[str, tuple[str, ...]] = {
    # language: zero .. nine, spelled without accents; several spellings share a slot, joined by "/"
    "de": ("null", "eins/ein/zwo", "zwei", "drei", "vier", "funf/fuenf", "sechs", "sieben", "acht", "neun"),
    "fr": ("zero", "un/une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),
    "es": ("cero", "uno/una", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"),
    "ro": ("zero", "unu/una", "doi/doua", "trei", "patru", "cinci", "sase", "sapte", "opt", "noua"),
    "pl": ("zero", "jeden", "dwa", "trzy", "cztery", "piec", "szesc", "siedem", "osiem", "dziewiec"),
    "hu": ("nulla", "egy", "ketto/ket", "harom", "negy", "ot", "hat", "het", "nyolc", "kilenc"),
    "it": ("zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove"),
    "pt": ("zero", "um", "dois", "tres", "quatro", "cinco", "seis", "sete", "oito", "nove"),
}
_TEENS: dict[str, tuple[str, ...]] = {
    # ten .. nineteen
    "de": ("zehn", "elf", "zwolf", "dreizehn", "vierzehn", "funfzehn", "sechzehn", "siebzehn", "achtzehn", "neunzehn"),
    "fr": ("dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "", "", ""),
    "es": ("diez", "once", "doce", "trece", "catorce", "quince", "dieciseis", "diecisiete", "dieciocho", "diecinueve"),
    "ro": ("zece", "unsprezece", "doisprezece", "treisprezece", "paisprezece", "cincisprezece", "saisprezece",
           "saptesprezece", "optsprezece", "nouasprezece"),
    "pl": ("dziesiec", "jedenascie", "dwanascie", "trzynascie", "czternascie", "pietnascie", "szesnascie",
           "siedemnascie", "osiemnascie", "dziewietnascie"),
    "hu": ("tiz", "tizenegy", "tizenketto", "tizenharom", "tizennegy", "tizenot", "tizenhat", "tizenhet",
           "tizennyolc", "tizenkilenc"),
}  # fmt: skip
_TENS: dict[str, tuple[str, ...]] = {
    # twenty .. ninety
    "de": ("zwanzig", "dreissig/dreißig", "vierzig", "funfzig", "sechzig", "siebzig", "achtzig", "neunzig"),
    "fr": ("vingt", "trente", "quarante", "cinquante", "soixante", "septante", "huitante/octante", "nonante"),
    "es": ("veinte", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa"),
    "ro": ("douazeci", "treizeci", "patruzeci", "cincizeci", "saizeci", "saptezeci", "optzeci", "nouazeci"),
    "pl": ("dwadziescia", "trzydziesci", "czterdziesci", "piecdziesiat", "szescdziesiat", "siedemdziesiat",
           "osiemdziesiat", "dziewiecdziesiat"),
    "hu": ("husz", "harminc", "negyven", "otven", "hatvan", "hetven", "nyolcvan", "kilencven"),
}  # fmt: skip
# Ordinary words of the ads that are also number words: Dutch "het" (Hungarian 7), "onze" (French 11), English
# "hat" and "once", the French articles "un"/"une", Romanian "noua" (also "new"), "sept" (September), "neuf" (new).
WEAK = frozenset({"het", "hat", "ot", "egy", "ket", "un", "une", "una", "onze", "once", "opt", "noua", "sept", "neuf",
                  "ein", "tre", "due", "sei", "um", "nove", "sete", "dos", "tres", "seize", "quinze"})  # fmt: skip
JOINERS = frozenset({"y", "et", "si", "und"})


def _build() -> tuple[dict[str, str], frozenset[str]]:
    words: dict[str, str] = {}
    tens_words: set[str] = set()
    for language, units in _UNITS.items():
        for value, spellings in enumerate(units):
            for spelling in spellings.split("/"):
                words.setdefault(spelling, str(value))
        for value, spellings in enumerate(_TEENS.get(language, ()), 10):
            for spelling in filter(None, spellings.split("/")):
                words.setdefault(spelling, str(value))
        for value, spellings in enumerate(_TENS.get(language, ()), 2):
            for spelling in spellings.split("/"):
                words.setdefault(spelling, str(value * 10))
                tens_words.add(spelling)
    # compounds written as one word: Spanish "veintidos", German "vierundzwanzig", Hungarian "huszonketto"
    for unit, spellings in enumerate(_UNITS["es"][1:], 1):
        for spelling in spellings.split("/"):
            words.setdefault(f"veinti{spelling}", str(20 + unit))
    words |= {"veintitres": "23", "veintiseis": "26", "veintidos": "22"}
    for ten, ten_word in enumerate(_TENS["de"], 2):
        for unit, spellings in enumerate(_UNITS["de"][1:], 1):
            unit_word = spellings.split("/")[0] if unit != 1 else "ein"
            for ten_spelling in ten_word.split("/"):
                words.setdefault(f"{unit_word}und{ten_spelling}", str(ten * 10 + unit))
    for ten, ten_word in enumerate(("huszon", "harminc", "negyven", "otven", "hatvan", "hetven", "nyolcvan",
                                    "kilencven"), 2):  # fmt: skip
        for unit, spellings in enumerate(_UNITS["hu"][1:], 1):
            words.setdefault(ten_word + spellings.split("/")[0], str(ten * 10 + unit))
    tens_words.add("dix")  # French 17 to 19 are "dix-sept", "dix-huit", "dix-neuf"
    return words, frozenset(tens_words)


DIGIT_WORDS, TENS = _build()


def units(language: str) -> dict[str, int]:
    """The unit words of a language with their values (every spelling): units("es")["dos"] == 2."""
    return {spelling: value for value, spellings in enumerate(_UNITS[language]) for spelling in spellings.split("/")}
