"""Phone numbers in ad text, also when written to hide them.

The reader works on the normalised view (`scanner.extract.normalize`), so full-width digits, keycap
emoji, zero-width characters and accents are already gone. It then:

1. reads WhatsApp and tel: links (`wa.me/31612345678`, `api.whatsapp.com/send?phone=...`);
2. cuts the text into tokens and turns each into digits where it can: digit runs, number words in
   Dutch and English ("nul", "zes", "twaalf", "vierendertig", "zero", "six", "fifty three", "double six"),
   German, French and Spanish digit words ("null", "zéro", "cero"), glued mixes ("nul6",
   "four5sixseven8") and look-alike letters in or between digit runs ("O6l2345678", "06 S5 12 B9");
3. joins neighbouring tokens separated only by spacing characters (spaces, hyphens, dots, slashes,
   brackets, at most two line breaks) into runs, and blocks dates, times and prices;
4. inside each run, takes the longest token sequence that starts like a phone number (`+`, `00`,
   `0`, or `31`/`32` followed by a mobile prefix) and that `phonenumbers` accepts: region NL by
   default, BE and DE for mobile numbers written nationally, any region with a country code; in an
   ad that names a Belgian city or +32, Belgian fixed lines are read first. A fixed line that starts one
   token before a mobile number ("23-07 📱 06 50 40 61 18") gives way to the mobile.

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

import phonenumbers
from phonenumbers import PhoneNumberType

from scanner.extract.normalize import Normalized
from scanner.extract.numbers import TEENS_EN, TEENS_NL, TENS_EN, TENS_NL, UNITS_EN, UNITS_NL, word_value

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
# Words that place an ad in Belgium, where a national number is read as Belgian first.
_BELGIAN_CUES = {
    "belgie", "belgium", "belgique", "belgien", "antwerpen", "anvers", "antwerp", "brussel", "bruxelles", "brussels",
    "gent", "ghent", "gand", "brugge", "bruges", "leuven", "louvain", "mechelen", "hasselt", "genk", "liege", "luik",
    "charleroi", "namur", "namen", "oostende", "ostend", "kortrijk", "aalst",
}  # fmt: skip
_REPEATERS = {"double": 2, "triple": 3, "dubbel": 2, "dubbele": 2, "driedubbel": 3, "doppel": 2}
# Digits in the other languages of the ads (accents are gone after normalisation).
_FOREIGN_DIGITS = {
    "null": "0", "eins": "1", "zwei": "2", "drei": "3", "funf": "5", "fuenf": "5", "sechs": "6", "sieben": "7",
    "neun": "9", "un": "1", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "sept": "7", "huit": "8",
    "neuf": "9", "cero": "0", "uno": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5", "seis": "6",
    "siete": "7", "ocho": "8", "nueve": "9",
}  # fmt: skip
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
_NATIONAL_LENGTHS = range(9, 13)
_NUMBER_STARTS = ("0", "+", "3")


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
    tens: bool = False  # an English tens word that a following unit word completes ("fifty three")


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
    if token in _FOREIGN_DIGITS:
        return _FOREIGN_DIGITS[token], True
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
    if lookalikes > max(1, digit_count):
        return None
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
# The tokens that start with a digit ("0612345678", "15min"); the check on what precedes comes after the first
# digit so that the regex engine skips straight to digits.
_DIGIT_LED = re.compile(r"[0-9](?<![a-z0-9][0-9])[a-z0-9]*")


def _plain(word: str) -> bool:
    """Whether a word can only end a run of number tokens: no digits, number word, repeater or look-alike."""
    return (
        word[0].isalpha()
        and word not in _REPEATERS
        and not (len(word) == 1 and word in _LOOKALIKE)
        and _converted(word) is None
    )


def _number_words(view: Normalized) -> frozenset[str]:
    """The distinct words of the view that can take part in a number."""
    candidates = view.words - _PLAIN
    plain = {word for word in candidates if _plain(word)}
    if len(_PLAIN) < 100_000:
        _PLAIN.update(plain)
    return candidates - plain


def _possible(view: Normalized) -> bool:
    """Whether the text holds enough digits, number words or look-alikes for a phone number at all."""
    total = sum(map(len, _DIGIT_LED.findall(view.text)))
    if total >= 8:
        return True
    if not view.words.isdisjoint(_REPEATERS):
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
    text = view.text
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    previous_end = -1
    repeat = 1  # "double six" = 66, "triple two" = 222
    cache = _CONVERTED
    numbers = _number_words(view)
    visited = -2  # index of the last token visited
    # only the tokens that can be part of a number are visited; the ordinary words between them end a run
    for index, (word, start, end) in [(index, token) for index, token in enumerate(view.tokens) if token[0] in numbers]:
        if index > visited + 1 and current:
            runs.append(current)
            current = []
            previous_end = -1
        visited = index
        converted = cache.get(word, _MISSING)
        if converted is None and not current and word[0].isalpha():
            continue  # a repeater or a look-alike letter outside any number
        if converted is _MISSING:
            converted = _converted(word)
        if word in _REPEATERS and current:
            repeat, previous_end = _REPEATERS[word], end
            continue
        if word in UNITS_EN and current and current[-1].tens and text[current[-1].end : start] in (" ", "-"):
            # "fifty three" is 53, not 503
            last = current[-1]
            last.digits, last.end, last.tens, previous_end = last.digits[:-1] + str(UNITS_EN[word]), end, False, end
            continue
        if converted is None and current and len(word) == 1 and word in _LOOKALIKE:
            converted = (_LOOKALIKE[word], True)  # "06 - 1 2 - S 6": a lone look-alike letter inside a run
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
            previous_end = -1
            continue
        if start > 0 and text[start - 1] == "|" and (current or converted[0][:1] == "0"):
            # "o6 |ОЗ644o0": a bar glued to a digit run stands for 1
            converted = ("1" + converted[0], True)
        plus = start > 0 and text[start - 1] == "+"
        if current and previous_end >= 0:
            gap = text[previous_end : start - 1 if plus else start]
            if current[-1].disguised and converted[1] and "," in gap:
                gap = gap.replace(",", "")  # "nul, zes, een, twee": number words listed with commas
            if plus or _GAP.fullmatch(gap) is None or gap.count("\n") > 2:
                runs.append(current)
                current = []
        if plus:
            current.append(_Token("+", start - 1, start, False))
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
        current.append(_Token(value, start, end, converted[1], word in TENS_EN))
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


def _without_dates(text: str, runs: list[list[_Token]]) -> list[list[_Token]]:
    """Split runs at dates ("13-02-2025"), which must not feed a phone number."""
    blocked = [match.span() for match in _DATE.finditer(text)]
    if not blocked:
        return runs
    kept: list[list[_Token]] = []
    for run in runs:
        piece: list[_Token] = []
        for token in run:
            if any(a <= token.start < b for a, b in blocked):
                if piece:
                    kept.append(piece)
                piece = []
            else:
                piece.append(token)
        if piece:
            kept.append(piece)
    return kept


@lru_cache(maxsize=8192)
def _validate(
    candidate: str, default_region: str, other_regions: tuple[str, ...], belgian: bool = False
) -> tuple[str, str, str] | None:
    """(E.164, type, region) when `candidate` (digits, maybe a leading +) is a real phone number."""
    number = candidate
    if number.startswith("00"):
        number = "+" + number[2:]
    # "+31 (0)6 ..." and "+3106...": the trunk zero after the country code is dropped
    number = re.sub(r"^\+(31|32|49)0", r"+\1", number)
    if mobile := _DUTCH_MOBILE.fullmatch(number):
        # the commonest case, answered without the metadata walk (libphonenumber NL mobile: 6[1-58]\d{7})
        return "+31" + mobile.group(1), "mobile", "NL"
    if number.startswith("+31") and len(number) != 12:
        return None  # every Dutch number but the short service numbers (dropped below) has nine digits
    attempts: list[tuple[str, str | None, bool]] = []
    if number.startswith("+"):
        attempts.append((number, None, False))
    elif number.startswith("0"):
        if len(number) not in _NATIONAL_LENGTHS:
            return None
        if default_region != "BE" and "BE" in other_regions and belgian:
            attempts.append((number, "BE", False))  # an ad in Belgium: its fixed lines count too, and come first
        attempts.append((number, default_region, False))
        attempts.extend((number, region, True) for region in other_regions if region != default_region)
    elif re.fullmatch(r"31[6]\d{8}|32[4]\d{8}", number):
        attempts.append(("+" + number, None, True))
    else:
        return None
    found: list[tuple[str, str, str]] = []
    for text, region, mobile_only in attempts:
        try:
            parsed = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_valid_number(parsed):
            continue
        kind = _TYPES.get(phonenumbers.number_type(parsed), "unknown")
        if mobile_only and kind != "mobile":
            continue
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        if e164.startswith(_M2M_PREFIX):
            kind = "m2m"
        region_code = phonenumbers.region_code_for_number(parsed) or ""
        if region_code == "NL" and len(e164) < 12:
            continue  # short 0800/0900 service numbers look like times ("09.00-21.00")
        found.append((e164, kind, region_code))
        if kind != "fixed_line":
            break
    # "0470 12 34 56" is a Dutch fixed line in Roermond and a Belgian mobile; ads give mobiles
    mobiles = [result for result in found if result[1] == "mobile"]
    best = mobiles or found
    return best[0] if best else None


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


def _from_runs(view: Normalized, default_region: str, other_regions: tuple[str, ...]) -> list[PhoneMatch]:
    found: list[PhoneMatch] = []
    if not _possible(view):
        return []
    belgian = not view.words.isdisjoint(_BELGIAN_CUES) or "+32" in view.text or "0032" in view.text
    runs = _runs(view)
    found.extend(_split_numbers(view, runs, default_region, other_regions))
    for run in runs:
        if sum(len(token.digits) for token in run) < 8:
            continue
        index = 0
        while index < len(run):
            if run[index].digits[:1] not in _NUMBER_STARTS:
                index += 1  # _validate takes only "+", "0…" and "31…"/"32…": skip the walk for other starts
                continue
            best: tuple[int, tuple[str, str, str]] | None = None
            text = ""
            for last in range(index, len(run)):
                text += run[last].digits
                if last > index and run[last].digits == "+":
                    break
                if len(text) > 16:
                    break
                if len(text) >= 8 and (result := _validate(text, default_region, other_regions, belgian)):
                    best = (last, result)
            if best is None:
                index += 1
                continue
            last, (e164, kind, region) = best
            if kind == "fixed_line" and _mobile_starts_after(run, index, default_region, other_regions):
                index += 1  # "23-07 📱 06 50 40 61 18": a date's month glued to a mobile number
                continue
            tokens = run[index : last + 1]
            start, end = view.span(tokens[0].start, tokens[-1].end)
            found.append(
                PhoneMatch(e164, kind, region, _obscurity(view, tokens), start, end, view.original[start:end], "text")
            )
            index = last + 1
    return found


def _mobile_starts_after(run: list[_Token], index: int, default_region: str, other_regions: tuple[str, ...]) -> bool:
    """Whether the next token starts a mobile number, which then wins over a fixed line started one token earlier."""
    if index + 1 >= len(run) or not run[index + 1].digits.startswith("06"):
        return False
    text = ""
    for token in run[index + 1 :]:
        text += token.digits
        if len(text) > 12:
            return False
        if len(text) >= 10 and (result := _validate(text, default_region, other_regions)) and result[1] == "mobile":
            return True
    return False


def _split_numbers(
    view: Normalized, runs: list[list[_Token]], default_region: str, other_regions: tuple[str, ...]
) -> list[PhoneMatch]:
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
        if _validate(head, default_region, other_regions) is not None:
            continue
        result = _validate(head + tail, default_region, other_regions)
        if result is None or result[1] != "mobile":
            continue
        start, end = view.span(head_tokens[0].start, second[-1].end)
        found.append(PhoneMatch(*result, 3, start, end, view.original[start:end], "text"))
    return found


def _from_links(view: Normalized, default_region: str, other_regions: tuple[str, ...]) -> list[PhoneMatch]:
    found: list[PhoneMatch] = []
    if not any(trigger in view.text for trigger in _LINK_TRIGGERS):
        return found
    for match in _LINK.finditer(view.text):
        digits = re.sub(r"[^\d+]", "", match.group(1))
        result = _validate(digits, default_region, other_regions)
        if result is None and not digits.startswith(("+", "0")):
            result = _validate("+" + digits, default_region, other_regions)
        if result is None:
            continue
        start, end = view.span(*match.span(1))
        found.append(PhoneMatch(*result, 0, start, end, view.original[start:end], "link"))
    return found


def find_phones(
    view: Normalized, default_region: str = "NL", other_regions: Sequence[str] = ("BE", "DE")
) -> list[PhoneMatch]:
    """Every phone number in the text, in order of appearance; links first claim their digits."""
    regions = tuple(other_regions)
    links = _from_links(view, default_region, regions)
    claimed = {offset for link in links for offset in range(link.start, link.end)}
    in_text = [phone for phone in _from_runs(view, default_region, regions) if phone.start not in claimed]
    return sorted(links + in_text, key=lambda phone: phone.start)
