"""Phone numbers in ad text, also when written to hide them.

The reader works on the normalised view (`scanner.extract.normalize`), so full-width digits, keycap
emoji, zero-width characters and accents are already gone. It then:

1. reads WhatsApp and tel: links (`wa.me/31612345678`, `api.whatsapp.com/send?phone=...`);
2. cuts the text into tokens and turns each into digits where it can: digit runs, number words in
   Dutch and English ("nul", "zes", "twaalf", "vierendertig", "zero", "six", "fifty three", "double six"),
   the digit words of German, French, Spanish, Romanian, Polish, Hungarian, Italian and Portuguese
   (`digit_words`: "null eins", "zéro quatre, nonante-sept", "treinta y ocho", "nulla-hat, húsz"), glued
   mixes ("nul6", "four5sixseven8") and look-alike letters in or between digit runs ("O6l2345678",
   "o6 ll 48", "06 S5 12 B9"); "plus" ("plus vier nul …") and a "+" set apart ("+ 4 0 7 …") start an
   international number, and "dash" between digit words is a hyphen;
3. joins neighbouring tokens separated only by spacing characters (spaces, hyphens, dots, slashes,
   brackets, at most two line breaks; not a full stop that ends a sentence) into runs, and blocks dates,
   times and prices;
4. inside each run, takes the longest token sequence that `phone_validation.validate` accepts, reading
   national numbers in the country the site or the ad points to (`regions`): the site's country
   (`extract.default_region`), a country named beside the number ("Romanian number 0735 …"), the
   countries the ad names or is written in, and `extract.other_regions` for mobiles. A sequence starts
   like a phone number (`+`, `00`, `0`, `31 6`/`32 4`) or, where a country that writes numbers without a
   trunk 0 is in play (US and Canada, Poland, Spain), with any digit; a number after an id or reference
   label ("Post ID: 7184932051") is no phone. A fixed line that starts one token before a mobile number
   ("23-07 📱 06 50 40 61 18") gives way to the mobile.

Each number carries its E.164 form, type, region and how hard it was hidden (`obscurity`):
0 plain digits in a usual layout, 1 unusual separators, 2 words, look-alikes or non-ASCII digits
(emoji, full-width, invisible characters), 3 split over lines.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from scanner.extract import digit_words
from scanner.extract.language import detect_languages
from scanner.extract.normalize import Normalized
from scanner.extract.numbers import TEENS_EN, TEENS_NL, TENS_EN, TENS_NL, UNITS_EN, UNITS_NL, word_value
from scanner.extract.phone_validation import Regions, trunkless, validate
from scanner.extract.regions import AdRegions

_LINK = re.compile(
    r"(?:wa\.me/|whatsapp\.com/send/?\?(?:[a-z_]+=[^&\s]*&)*phone=|whatsapp://send/?\?phone=|tel:|callto:)"
    r"\s?(?:%2b)?(\+?\d[\d\-\s.]{6,18}\d)"
)
_LEADING_DIGITS = re.compile(r"\d+")
# Words that join the two halves of a split number.
_SPLIT_WORDS = re.compile(
    r"\b(?:en dan|dan|daarna|gevolgd door|rest|laatste|last|then|followed by|and then|eind(?:igt|e)? (?:op|met)|"
    r"cijfers|digits|nummer|number)\b"
)
_LINK_TRIGGERS = ("wa.me", "whatsapp", "tel:", "callto:")
# Letters that stand in for digits inside a digit run ("O6l2345678").
_LOOKALIKE = {"o": "0", "l": "1", "i": "1", "s": "5", "b": "8", "z": "2", "q": "9"}
_REPEATERS = {"double": 2, "triple": 3, "dubbel": 2, "dubbele": 2, "driedubbel": 3, "doppel": 2}
_REPEATER_WORDS = frozenset(_REPEATERS)
# "plus vier nul …", "plus three six …": the word for "+" starts an international number
_PLUS_WORDS = frozenset({"plus", "plusz"})
# "six one four dash five five five": a hyphen written as a word between digit words
_SEPARATOR_WORDS = frozenset({"dash", "streepje", "tiret", "hyphen", "minus"})
# Words of every language that need a digit complement: "fifty three", "treinta y ocho", "trente-quatre"
_TENS_WORDS = frozenset(TENS_EN) | digit_words.TENS
_FRENCH_SCORE = frozenset({"vingt", "vingts"})  # "quatre-vingt" is 4 x 20
# Letters alone that stand for digits inside a run: "o6 ll 48 20 73" ("ll" for 11); longer words are words
_LOOKALIKE_WORD = re.compile(r"[oli]{2,3}")
# A label that makes the digits after it an id, not a phone ("Post ID: 7184932051", "ref #557201", "ad id")
_ID_LABEL = re.compile(r"(?:\b(?:id|ref|reference|order|bestelling|kvk|btw|vat|iban|code)\b|#)\W{0,3}$")
_DIGIT_WORDS = sorted(
    [*UNITS_NL, *UNITS_EN, *TEENS_NL, *TEENS_EN, *TENS_NL, *TENS_EN, "nul", "zero"], key=len, reverse=True
)
_WORD_PIECE = re.compile("|".join(_DIGIT_WORDS))
_WORDS_ONLY = re.compile(f"(?:{'|'.join(_DIGIT_WORDS)})+")
# Gaps between tokens of one number: spacing and the punctuation people put inside numbers.
_GAP = re.compile(r"(?:[\s\-./()\[\]_*~|'\"\\•·>]|[^\x00-\x7f\w€£$]){0,8}")
# Dates ("13-02-2025", "1.2.24") and times ("21:30") must not feed a phone number.
# The first digit comes before the check on what precedes it, so that the pattern starts with a digit class and the
# regex engine skips straight to digits (the day is "[0-3]?\d", written as a digit and a second one after 0-3).
_DATE = re.compile(r"\d(?<![\d\-./]\d)(?:(?<=[0-3])\d)?[-./][01]?\d[-./](?:19|20)?\d\d(?!\d|[-./]\d)")
# ISO dates ("2012-01-02", "2012/01/02") and times ("08:00", "21:30"), as the phonenumbers matcher's tests show; the
# time pattern starts at its colon, which the regex engine finds fast, and takes the hour digits before it
_ISO_DATE = re.compile(r"[12](?<!\d[12])\d{3}[-./][01]?\d[-./][0-3]?\d(?!\d)")
_TIME = re.compile(r":[0-5]\d(?!\d)")
# A full stop right after a digit and then a space ends a sentence; "0 6 - 1 2 . 3 4" is one number
_SENTENCE_END = re.compile(r"\.\s")
_NUMBER_STARTS = ("0", "+", "3")
_ANY_START = tuple("0123456789+")


@dataclass(frozen=True, slots=True)
class PhoneMatch:
    e164: str
    type: str
    region: str
    obscurity: int
    start: int  # offsets in the original text
    end: int
    text: str
    found_in: str  # text | link (the caller sets field)


@dataclass(slots=True)
class _Token:
    digits: str
    start: int  # offsets in the normalised view
    end: int
    disguised: bool  # came from words or look-alike letters
    tens: bool = False  # a tens word that a following unit word completes ("fifty three", "treinta y ocho")


@lru_cache(maxsize=16384)
def _token_digits(token: str) -> tuple[str, bool] | None:
    """Digits of one token and whether it was disguised, or None when it is no part of a number."""
    if token.isdigit():
        return token, False
    value = word_value(token)
    if value is not None:
        return value, True
    if token in ("o", "oh"):
        return "0", True
    if token in digit_words.DIGIT_WORDS:
        return digit_words.DIGIT_WORDS[token], True
    has_digit = any(c.isdigit() for c in token)
    if not has_digit and not _WORDS_ONLY.fullmatch(token):
        return None
    digits: list[str] = []
    lookalikes = 0
    position = 0
    while position < len(token):
        char = token[position]
        if char.isdigit():
            digits.append(char)
            position += 1
            continue
        piece = _WORD_PIECE.match(token, position)
        if piece is not None:
            value = word_value(piece.group())
            if value is None:
                return None
            digits.append(value)
            position = piece.end()
            continue
        if char in _LOOKALIKE and has_digit:
            digits.append(_LOOKALIKE[char])
            lookalikes += 1
            position += 1
            continue
        return None
    joined = "".join(digits)
    digit_count = sum(c.isdigit() for c in token)
    if lookalikes > max(1, digit_count) and len(token) > 4:
        return None  # "oi2i" of "6o2-55S-oI2I" is a number; a longer word with one digit is a word
    return joined, True


def _converted(word: str) -> tuple[str, bool] | None:
    cached = _CONVERTED.get(word, _MISSING)
    if cached is _MISSING:
        cached = _CONVERTED[word] = _token_digits(word) if len(_CONVERTED) < 100_000 else None
    return cached


_CONVERTED: dict[str, tuple[str, bool] | None] = {}
_MISSING: tuple[str, bool] = ("", False)  # a sentinel compared by identity: no word converts to it
# Words known to be no part of any number ("lekker", "haar"): most of an ad, set aside in one set difference
_PLAIN: set[str] = set()
_NUMBERISH: set[str] = set()  # and the words known to be part of numbers, or to join or stand for them
# The tokens that start with a digit ("0612345678", "15min"); the check on what precedes comes after the first
# digit so that the regex engine skips straight to digits.
_DIGIT_LED = re.compile(r"[0-9](?<![a-z0-9][0-9])[a-z0-9]*")


def _plain(word: str) -> bool:
    """Whether a word can only end a run of number tokens: no digits, number word, repeater, look-alike, plus,
    separator or joiner word."""
    return (
        word[0].isalpha()
        and word not in _REPEATERS
        and not (len(word) == 1 and word in _LOOKALIKE)
        and word not in _PLUS_WORDS
        and word not in _SEPARATOR_WORDS
        and word not in digit_words.JOINERS
        and _LOOKALIKE_WORD.fullmatch(word) is None
        and _converted(word) is None
    )


def _number_words(view: Normalized) -> frozenset[str]:
    """The distinct words of the view that can take part in a number."""
    candidates = view.words - _PLAIN
    unknown = candidates - _NUMBERISH
    if unknown:
        plain = {word for word in unknown if _plain(word)}
        if len(_PLAIN) < 100_000:
            _PLAIN.update(plain)
            _NUMBERISH.update(unknown - plain)
        candidates -= plain
    if not candidates.isdisjoint(digit_words.JOINERS) and candidates.isdisjoint(_TENS_WORDS):
        candidates -= digit_words.JOINERS  # "et", "y" join a tens word to its unit: without one they are words
    return candidates


def _possible(view: Normalized) -> bool:
    """Whether the text holds enough digits, number words or look-alikes for a phone number at all."""
    total = sum(map(len, _DIGIT_LED.findall(view.text)))
    if total >= 8:
        return True
    if not view.words.isdisjoint(_REPEATER_WORDS):
        total += 4
    cache = _CONVERTED
    for word, _, _ in view.tokens:  # every token, not the distinct words: "een een een" is three digits
        if word[0].isdigit():
            continue
        converted = cache.get(word, _MISSING)
        if converted is _MISSING:
            converted = _converted(word)
        if converted is not None or (len(word) == 1 and word in _LOOKALIKE):
            total += len(converted[0]) if converted is not None else 1
            if total >= 8:
                return True
    return False


def _runs(view: Normalized) -> list[list[_Token]]:
    """Neighbouring number tokens, split where anything but spacing stands between them."""
    text, tokens = view.text, view.tokens
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    previous_end = -1
    repeat = 1  # "double six" = 66, "triple two" = 222
    joined = False  # a joiner after a tens word: the unit after it completes the tens ("treinta y ocho")
    plus_word: tuple[int, int] | None = None  # "plus" just before: the next number is international
    cache = _CONVERTED
    numbers = _number_words(view)
    visited = -2  # index of the last token visited
    # only the tokens that can be part of a number are visited; the ordinary words between them end a run
    for index, (word, start, end) in [(index, token) for index, token in enumerate(tokens) if token[0] in numbers]:
        if index > visited + 1:
            if current:
                runs.append(current)
                current = []
            previous_end, joined, plus_word = -1, False, None
        visited = index
        if word in _PLUS_WORDS:
            if current:
                runs.append(current)
                current = []
            previous_end, plus_word = -1, (start, end)
            continue
        converted = cache.get(word, _MISSING)
        if converted is None and not current and word[0].isalpha():
            continue  # a repeater, separator, joiner or look-alike letter outside any number
        if converted is _MISSING:
            converted = _converted(word)
        if current and (word in _REPEATERS or word in _SEPARATOR_WORDS):
            repeat, previous_end = _REPEATERS.get(word, 1), end
            continue
        if word in digit_words.JOINERS and current and current[-1].tens and text[previous_end:start] == " ":
            joined, previous_end = True, end
            continue
        if converted is not None and current and current[-1].tens and _completes(text, current[-1], start, joined):
            value = _completed(current[-1], word, converted[0])
            if value is not None:
                last = current[-1]
                last.digits, last.end, last.tens, previous_end, joined = value, end, value.endswith("0"), end, False
                continue
        joined = False
        if converted is None and current and (len(word) == 1 and word in _LOOKALIKE):
            converted = (_LOOKALIKE[word], True)  # "06 - 1 2 - S 6": a lone look-alike letter inside a run
        elif converted is None and current and _LOOKALIKE_WORD.fullmatch(word):
            converted = ("".join(_LOOKALIKE[char] for char in word), True)  # "o6 ll 48 20 73": "ll" is 11
        if converted is not None and word in digit_words.WEAK and not _weak_counts(tokens, index, current):
            converted = None  # "het", "onze", "un" beside no other number word are the ordinary words
        trailing = False
        if converted is None and word[0].isdigit():
            # "2034567890x456", "0612345678tel": the leading digits stand, the rest ends the number
            digits = _LEADING_DIGITS.match(word)
            assert digits is not None
            end = start + digits.end()
            converted, trailing = (digits.group(), False), True
        if converted is None:
            if current:
                runs.append(current)
            current = []
            previous_end, plus_word = -1, None
            continue
        if start > 0 and text[start - 1] == "|" and (current or converted[0][:1] == "0"):
            # "o6 |ОЗ644o0": a bar glued to a digit run stands for 1
            converted = ("1" + converted[0], True)
        if plus_word is not None:
            plus: tuple[int, int, bool] | None = (plus_word[0], plus_word[1], True)
        else:
            before = text[start - 2 : start] if start > 1 else text[:start]
            plus = _plus_sign(text, start) if "+" in before else None
        plus_word = None
        if current and previous_end >= 0:
            gap = text[previous_end : plus[0] if plus else start]
            if current[-1].disguised and converted[1] and "," in gap:
                gap = gap.replace(",", "")  # "nul, zes, een, twee": number words listed with commas
            sentence_end = gap[:1] == "." and _SENTENCE_END.match(gap) is not None  # "0172 918 4036. 1 Std."
            if plus or _GAP.fullmatch(gap) is None or gap.count("\n") > 2 or sentence_end:
                runs.append(current)
                current = []
        if plus:
            if current:
                runs.append(current)
                current = []
            current.append(_Token("+", plus[0], plus[1], plus[2]))
        if (
            end < len(text)
            and text[end] == "|"
            and not text[end + 1 : end + 2].isalnum()
            and converted[0][:1].isdigit()
        ):
            # "o6-3059З47|": a bar glued to the end of a digit run stands for 1
            converted, end = (converted[0] + "1", True), end + 1
        value = converted[0] * repeat if repeat > 1 and len(converted[0]) == 1 else converted[0]
        repeat = 1
        current.append(_Token(value, start, end, converted[1], word in _TENS_WORDS))
        previous_end = end
        if trailing:
            runs.append(current)
            current = []
            previous_end = -1
    if current:
        runs.append(current)
    if runs:
        runs = _without_dates(text, runs)
    return runs


def _plus_sign(text: str, start: int) -> tuple[int, int, bool] | None:
    """The "+" right before a number ("+40", "+ 4 0 7 …"), not one after a word or number ("18+", "AO+")."""
    at = start - 1
    if at > 0 and text[at] == " ":
        at -= 1
    if at >= 0 and text[at] == "+" and (at == 0 or not text[at - 1].isalnum()):
        return at, at + 1, False
    return None


def _completes(text: str, last: _Token, start: int, joined: bool) -> bool:
    """Whether a number word at `start` may complete the tens word before it ("fifty three", "trente-quatre")."""
    return last.tens and (joined or text[last.end : start] in (" ", "-"))


def _completed(last: _Token, word: str, digits: str) -> str | None:
    """The digits of a tens word and the word after it taken together, or None when they do not join."""
    if word in _FRENCH_SCORE:
        return "80" if last.digits == "4" else None  # "quatre-vingt"
    value, tens = int(digits), int(last.digits)
    if 1 <= value <= 9 and tens % 10 == 0 and tens < 100:
        return str(tens + value)  # "fifty three", "treinta y ocho", "dix-sept"
    if 10 <= value <= 19 and tens in (60, 80):
        return str(tens + value)  # "soixante-douze", "quatre-vingt-dix"
    return None


def _weak_counts(tokens: list[tuple[str, int, int]], index: int, current: list[_Token]) -> bool:
    """A word that is also an ordinary word ("het", "onze") counts as a digit only beside another number word."""
    if current and current[-1].disguised and current[-1].digits != "+":
        return True
    if index + 1 < len(tokens):
        following = tokens[index + 1][0]
        converted = _converted(following) if following[0].isalpha() else None
        return converted is not None and following not in digit_words.WEAK
    return False


def _without_dates(text: str, runs: list[list[_Token]]) -> list[list[_Token]]:
    """Split runs at dates and times ("13-02-2025", "2012-01-02 08:00"), which must not feed a phone number."""
    blocked = {offset for match in _DATE.finditer(text) for offset in range(*match.span())}
    if ":" in text:
        for match in _TIME.finditer(text):
            hour = match.start()
            while hour > 0 and match.start() - hour < 2 and text[hour - 1].isdigit():
                hour -= 1
            if hour < match.start() and not (hour > 0 and text[hour - 1].isdigit()):
                blocked.update(range(hour, match.end()))
    if any(len(token.digits) == 4 and token.digits[:2] in ("19", "20") for run in runs for token in run):
        blocked.update(offset for match in _ISO_DATE.finditer(text) for offset in range(*match.span()))
    if not blocked:
        return runs
    kept: list[list[_Token]] = []
    for run in runs:
        if len(run) == 1 and run[0].start not in blocked:
            kept.append(run)
            continue
        piece: list[_Token] = []
        for token in run:
            if token.start in blocked:
                if piece:
                    kept.append(piece)
                piece = []
            else:
                piece.append(token)
        if piece:
            kept.append(piece)
    return kept


def _obscurity(view: Normalized, run: Sequence[_Token]) -> int:
    gaps = [view.text[a.end : b.start] for a, b in itertools.pairwise(run)]
    if any("\n" in gap for gap in gaps):
        return 3
    start, end = view.span(run[0].start, run[-1].end)
    if any(token.disguised for token in run) or not view.original[start:end].isascii():
        return 2
    digits = [t for t in run if t.digits != "+"]
    unusual_gap = any(gap.replace("(", "").replace(")", "").strip(" ") not in ("", "-") for gap in gaps)
    if unusual_gap or len(digits) > 5 or any(len(t.digits) == 1 for t in digits[3:]):
        return 1
    return 0


def _from_runs(view: Normalized, runs: list[list[_Token]], regions: Regions, ad: AdRegions) -> list[PhoneMatch]:
    found = _split_numbers(view, runs, regions)
    # a number of a country that writes no trunk 0 (US, Poland, Spain) may start with any digit
    starts = _ANY_START if trunkless(regions) else _NUMBER_STARTS
    text = view.text
    for run in runs:
        if sum(len(token.digits) for token in run) < 8:
            continue
        index = 0
        while index < len(run):
            first = run[index]
            if first.digits[:1] not in starts:
                index += 1  # validate takes only "+", "0…" and "31…"/"32…" here: skip the walk for other starts
                continue
            if first.digits[:1] not in "0+" and _ID_LABEL.search(text, max(0, first.start - 24), first.start):
                index += 1  # "Post ID: 7184932051" is an id
                continue
            local = regions.with_beside(ad.beside(text, first.start, run[-1].end))
            best: tuple[int, tuple[str, str, str]] | None = None
            digits = ""
            for last in range(index, len(run)):
                digits += run[last].digits
                if last > index and run[last].digits == "+":
                    break
                if len(digits) > 16:
                    break
                if len(digits) >= 8 and (result := validate(digits, local)):
                    best = (last, result)
            if best is None:
                index += 1
                continue
            last, (e164, kind, region) = best
            if kind == "fixed_line" and _mobile_starts_after(run, index, local):
                index += 1  # "23-07 📱 06 50 40 61 18": a date's month glued to a mobile number
                continue
            tokens = run[index : last + 1]
            start, end = view.span(tokens[0].start, tokens[-1].end)
            found.append(
                PhoneMatch(e164, kind, region, _obscurity(view, tokens), start, end, view.original[start:end], "text")
            )
            index = last + 1
    return found


def _mobile_starts_after(run: list[_Token], index: int, regions: Regions) -> bool:
    """Whether the next token starts a mobile number, which then wins over a fixed line started one token earlier."""
    if index + 1 >= len(run) or not run[index + 1].digits.startswith("06"):
        return False
    digits = ""
    for token in run[index + 1 :]:
        digits += token.digits
        if len(digits) > 12:
            return False
        if len(digits) >= 10 and (result := validate(digits, regions)) and result[1] == "mobile":
            return True
    return False


def _split_numbers(view: Normalized, runs: list[list[_Token]], regions: Regions) -> list[PhoneMatch]:
    """A number cut in two by a few words: "0623 en dan 410220", "063834\nlaatste cijfers: 7435"."""
    found: list[PhoneMatch] = []
    for first, second in itertools.pairwise(runs):
        # the words between the halves first: most neighbouring runs have none of them
        gap = view.text[first[-1].end : second[0].start]
        if len(gap) > 40 or not _SPLIT_WORDS.search(gap) or any(char.isdigit() for char in gap):
            continue
        # the head is the end of the first run from its last token that starts like a number: "12-04 📱 061147"
        starts = [i for i, token in enumerate(first) if token.digits.startswith(("06", "04", "+", "00"))]
        if not starts:
            continue
        head_tokens = first[starts[-1] :]
        head = "".join(token.digits for token in head_tokens)
        tail = "".join(token.digits for token in second)
        if not 2 <= len(head) <= 8 or not 2 <= len(tail) <= 8:
            continue
        if validate(head, regions) is not None:
            continue
        result = validate(head + tail, regions)
        if result is None or result[1] != "mobile":
            continue
        start, end = view.span(head_tokens[0].start, second[-1].end)
        found.append(PhoneMatch(*result, 3, start, end, view.original[start:end], "text"))
    return found


def _from_links(view: Normalized, regions: Regions) -> list[PhoneMatch]:
    found: list[PhoneMatch] = []
    if not any(trigger in view.text for trigger in _LINK_TRIGGERS):
        return found
    for match in _LINK.finditer(view.text):
        digits = re.sub(r"[^\d+]", "", match.group(1))
        result = validate(digits, regions)
        if result is None and not digits.startswith(("+", "0")):
            result = validate("+" + digits, regions)
        if result is None:
            continue
        start, end = view.span(*match.span(1))
        found.append(PhoneMatch(*result, 0, start, end, view.original[start:end], "link"))
    return found


def find_phones(
    view: Normalized,
    default_region: str = "NL",
    other_regions: Sequence[str] = ("BE", "DE"),
    ad: AdRegions | None = None,
) -> list[PhoneMatch]:
    """Every phone number in the text, in order of appearance; links first claim their digits.

    `ad` holds the countries the whole ad points to (`AdRegions.of` of its text, which the caller may share
    between the text and the site's fields); without it they are read from this text."""
    regions = Regions(default_region, tuple(other_regions))
    links = _from_links(view, regions)
    if not _possible(view):
        return links
    if ad is None:
        ad = AdRegions.of(view, detect_languages(view))
    named = tuple(region for region in ad.countries if region != default_region)
    spoken = tuple(region for region in ad.spoken if region != default_region and region not in named)
    regions = Regions(default_region, tuple(other_regions), named, spoken)
    claimed = {offset for link in links for offset in range(link.start, link.end)}
    in_text = [phone for phone in _from_runs(view, _runs(view), regions, ad) if phone.start not in claimed]
    return sorted(links + in_text, key=lambda phone: phone.start)
