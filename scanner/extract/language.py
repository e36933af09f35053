"""Which languages an ad is written in, and which languages it offers.

`detect_languages(view)` is an offline stopword identifier for nl, en, de, fr, es, ro, hu, bg, pl, it
and pt: it counts the frequent function words of each language (the words that say little but
give a language away) and returns every language holding a fair share of the hits, most first.
Short or wordless texts give no language rather than a guess.

`find_languages_offered(view)` reads the languages a worker says she speaks ("ik spreek Engels en
Duits", "languages: English, Español", a "talen" line) as ISO 639-1 codes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter

from scanner.extract.normalize import Normalized

_STOPWORDS: dict[str, str] = {
    "nl": "de het een en van ik je jij mij me mijn ben is niet wat op voor met maar ook bij als dat die er om naar "
    "zijn heb hebt kan wil ze zij we wij jou jouw graag lekker heerlijk ons onze geen nog wel al even alleen zoals "
    "kom bel stuur nieuw echt uur",
    "en": "the and you i me my am is are to for with of a an in on at your not but or can will be have has this that "
    "we our come call new real just here hot sweet",
    "de": "der die das und ich bin du ist nicht mit für ein eine zu auf auch bei mich mir dich dir sehr gerne nur "
    "oder komm neu hier",
    "fr": "le la les et je suis tu est pas avec pour un une des du de en au aux moi toi tres mon ma mes nouvelle ici "
    "vous",
    "es": "el la los las y yo soy eres es no con para un una de del en muy mi mis te tu que por nueva aqui hola chica",
    "ro": "si eu sunt esti este nu cu pentru un o de la in pe foarte mea meu te ce sa fata noua aici buna",
    "hu": "a az es en vagyok vagy van nem egy hogy is meg de csak nagyon szia itt uj vagyok",
    "pl": "i jestem jest nie z dla na do w sie mnie moja moj bardzo tylko tu nowa dziewczyna czesc",
    "it": "il lo la gli le e io sono sei non con per un una di del in molto mia mio ti che qui nuova ciao ragazza",
    "pt": "o os as e eu sou voce nao com para um uma de do da em muito minha meu te que aqui nova ola menina",
}
# Words of ads in each language besides its function words ("lat" and "godzina" say Polish as "jest" does): short
# ads in a foreign language have few function words, and the phone reader reads their national numbers by them
_AD_WORDS: dict[str, str] = {
    "pl": "lat lata zadzwon godzina godz cena mam masaz polka numer",
    "ro": "ani ora suna numar numarul pret pretul ofer",
    "hu": "eves ora perc hivj lany szam",
    "es": "anos hora llamame numero",
    "de": "jahre stunde nummer",
    "fr": "ans heure numero",
    "it": "anni ora chiamami",
    "pt": "anos hora",
}
# A word that several languages share gives each of them a point; "de" is one of them.
_WORD_LANGUAGES: dict[str, tuple[str, ...]] = {}
for _language, _words in _STOPWORDS.items():
    for _word in {*_words.split(), *_AD_WORDS.get(_language, "").split()}:
        _WORD_LANGUAGES[_word] = (*_WORD_LANGUAGES.get(_word, ()), _language)
_WORD = re.compile(r"[^\W\d_]+")
# Bulgarian is read from the original text: the normalised view turns Cyrillic look-alikes into Latin letters.
_BULGARIAN_WORDS = "и аз съм си е не с за на от да много ме моя мой тук нова момиче"
_BULGARIAN = frozenset(_BULGARIAN_WORDS.split(" "))
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_MIN_HITS = 3
_MIN_SHARE = 0.2

_LANGUAGE_NAMES: dict[str, str] = {}
for _code, _names in {
    "nl": "nederlands dutch hollands niederlandisch neerlandais holandes olandese holandeza flemish vlaams",
    "en": "engels english englisch anglais ingles inglese engleza angol angielski",
    "de": "duits german deutsch allemand aleman tedesco germana nemet niemiecki",
    "fr": "frans french franzosisch francais frances francese franceza francia francuski",
    "es": "spaans spanish spanisch espagnol espanol castellano spagnolo spaniola spanyol hiszpanski",
    "ro": "roemeens romanian rumanisch roumain rumano romeno romana roman rumunski",
    "hu": "hongaars hungarian ungarisch hongrois hungaro ungherese maghiara magyar wegierski",
    "bg": "bulgaars bulgarian bulgarisch bulgare bulgaro bulgara bolgar bulgarski",
    "pl": "pools polish polnisch polonais polaco polacco poloneza lengyel polski",
    "it": "italiaans italian italienisch italien italiano italiana olasz wloski",
    "pt": "portugees portuguese portugiesisch portugais portugues portoghese portugheza portugal portugalski",
    "ru": "russisch russian russisch russe ruso russo rusa orosz rosyjski",
    "ar": "arabisch arabic arabe arabo araba",
    "th": "thais thai",
    "zh": "chinees chinese chinesisch chinois chino cinese",
    "tr": "turks turkish turkisch turc turco",
    "uk": "oekraiens ukrainian ukrainisch",
}.items():
    for _name in _names.split():
        _LANGUAGE_NAMES[_name] = _code
_OFFERED_CUE_WORDS = frozenset(
    {"spreek", "spreken", "talen", "taal", "speak", "speaks", "spoken", "language", "languages", "lang", "sprachen",
     "spreche", "sprache", "parle", "langues", "hablo", "idiomas", "parlo", "lingue", "vorbesc", "limbi", "beszelek",
     "mowie", "jezyki", "falo", "linguas"}
)  # fmt: skip
_OFFERED_CUE = re.compile(r"\b(?:" + "|".join(sorted(_OFFERED_CUE_WORDS)) + r")\b")
_NAME_PATTERN = re.compile(r"\b(?:" + "|".join(sorted(_LANGUAGE_NAMES, key=len, reverse=True)) + r")\b")


@dataclass(frozen=True, slots=True)
class LanguageOffered:
    code: str
    start: int
    end: int
    text: str


def detect_languages(view: Normalized) -> list[str]:
    """ISO 639-1 codes of the languages the text is written in, most used first."""
    counts: Counter[str] = Counter()
    # only the stopwords are counted, by C-level map and filter: an ad has a hundred words
    stopwords = Counter(filter(_WORD_LANGUAGES.__contains__, map(itemgetter(0), view.tokens)))
    for word, count in stopwords.items():
        for language in _WORD_LANGUAGES[word]:
            counts[language] += count
    if _CYRILLIC.search(view.original):
        counts["bg"] = sum(1 for match in _WORD.finditer(view.original.lower()) if match.group() in _BULGARIAN)
    total = sum(counts.values())
    if total < _MIN_HITS:
        return []
    best = counts.most_common(1)[0][1]
    # ties broken by code: set iteration order differs between processes, the output must not
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        language
        for language, count in ranked
        if count >= _MIN_HITS and count / total >= _MIN_SHARE and count >= best * 0.35
    ]


def find_languages_offered(view: Normalized, *, field: bool = False) -> list[LanguageOffered]:
    """Languages the advertiser says she speaks; in a languages field every language name counts."""
    found: dict[str, LanguageOffered] = {}
    if not field and _OFFERED_CUE_WORDS.isdisjoint(view.words):
        return []  # a cue is a whole word, so an ad without one among its words has no line to read
    text = view.text
    for line_match in re.finditer(r"[^\n]+", text):
        line = line_match.group()
        if not field and not _OFFERED_CUE.search(line):
            continue
        for match in _NAME_PATTERN.finditer(line):
            code = _LANGUAGE_NAMES[match.group()]
            start, end = view.span(line_match.start() + match.start(), line_match.start() + match.end())
            found.setdefault(code, LanguageOffered(code, start, end, view.original[start:end]))
    return sorted(found.values(), key=lambda item: item.start)
