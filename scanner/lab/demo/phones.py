"""Phone numbers as people write them in ads: made-up valid numbers and every way of spelling them.

Each writing style is a pure function of the number and a generator (`random.Random` or `Habit`), so
the extraction stage can use them in property tests: `write_phone(e164, style, rng)` must always be
read back as `e164`. Belgian numbers always keep their country code (+32 or 0032), see `dialable`.
Styles are grouped by the extractor's obscurity levels (docs/phone-formats.md):

    0 plain        0612345678, +31612345678
    1 separators   06-12 34 56 78, +31 (0)6 1234 5678, 0031 6..., wa.me/316...
    2 disguised    spelled digits (nl/en/mixed), keycap emoji, full-width digits, look-alike letters
    3 split        the number broken over two lines or around words
"""

from __future__ import annotations

from collections.abc import Callable

from scanner.lab.demo.habits import Rng

# Second digit after 06 that libphonenumber accepts for NL mobiles: 6[1-58]\d{7}.
_NL_MOBILE_SECOND = "123458"
_BE_MOBILE_SECOND = "5789"

DUTCH_DIGITS = ("nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen")
ENGLISH_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
KEYCAP = "\ufe0f\u20e3"
LOOKALIKES: dict[str, tuple[str, ...]] = {
    "0": ("O", "o", "О"),  # the last one is Cyrillic
    "1": ("I", "l", "|"),
    "3": ("З",),  # Cyrillic Ze
    "5": ("S",),
    "8": ("B",),
}


def random_nl_mobile(rng: Rng) -> str:
    """A Dutch mobile number in E.164 that phonenumbers accepts as valid."""
    return "+316" + rng.choice(_NL_MOBILE_SECOND) + "".join(rng.choice("0123456789") for _ in range(7))


def random_be_mobile(rng: Rng) -> str:
    """A Belgian mobile number in E.164 (04[5-9] + 7 digits)."""
    return "+324" + rng.choice(_BE_MOBILE_SECOND) + "".join(rng.choice("0123456789") for _ in range(7))


def national(e164: str) -> str:
    """+31612345678 -> 0612345678; +32470123456 -> 0470123456."""
    return "0" + e164[3:]


def _groups(digits: str, sizes: tuple[int, ...]) -> list[str]:
    parts, start = [], 0
    for size in sizes:
        parts.append(digits[start : start + size])
        start += size
    if start < len(digits):
        parts.append(digits[start:])
    return [part for part in parts if part]


def dialable(e164: str) -> str:
    """The digits a writer starts from: 06... for Dutch numbers, 0032... for Belgian ones.

    A Belgian mobile in national form (0495 ...) is also a valid Dutch number (0495 is the Weert
    area code), so the ads of a Dutch-language site write Belgian numbers with the country code.
    """
    return national(e164) if e164.startswith("+31") else "00" + e164[1:]


def plain(e164: str, rng: Rng) -> str:
    return rng.choice([dialable(e164), e164, dialable(e164)])


def separators(e164: str, rng: Rng) -> str:
    rest = e164[3:]
    if e164.startswith("+32"):
        return rng.choice(
            [
                f"+32 {rest[:3]} {rest[3:5]} {rest[5:7]} {rest[7:]}",
                f"0032 {rest[:3]} {rest[3:]}",
                f"+32 (0){rest[:3]}/{rest[3:5]}.{rest[5:7]}.{rest[7:]}",
                f"+32-{rest[:3]}-{rest[3:]}",
            ]
        )
    local = national(e164)
    forms = [
        local[:2] + "-" + local[2:],
        " ".join(_groups(local, (2, 2, 2, 2, 2))),
        local[:2] + " " + " ".join(_groups(local[2:], (4, 4))),
        ".".join(_groups(local, (2, 2, 2, 2, 2))),
        local[:2] + "/" + local[2:6] + " " + local[6:],
        f"+{e164[1:3]} (0){rest[0]} {rest[1:5]} {rest[5:]}",
        f"00{e164[1:3]} {rest[0]} {rest[1:]}",
        f"+{e164[1:3]} {rest[0]} {' '.join(_groups(rest[1:], (2, 2, 2, 2)))}",
        " ".join(local),
    ]
    return rng.choice(forms)


def whatsapp_link(e164: str, rng: Rng) -> str:
    digits = e164[1:]
    return rng.choice([f"wa.me/{digits}", f"https://wa.me/{digits}", f"https://api.whatsapp.com/send?phone={digits}"])


def spelled(e164: str, rng: Rng) -> str:
    """Digits as words, Dutch, English or mixed with plain digits ("nul6 1two3 ...")."""
    local = dialable(e164)
    mode = rng.choice(["nl", "en", "mixed", "mixed"])
    words = []
    for digit in local:
        value = int(digit)
        if mode == "nl":
            words.append(DUTCH_DIGITS[value])
        elif mode == "en":
            words.append(ENGLISH_DIGITS[value])
        else:
            words.append(rng.choice([digit, digit, DUTCH_DIGITS[value], ENGLISH_DIGITS[value]]))
    joiner = rng.choice([" ", " ", "-", ""]) if mode == "mixed" else rng.choice([" ", " ", "-"])
    return joiner.join(words)


def keycaps(e164: str, rng: Rng) -> str:
    local = dialable(e164)
    gap = rng.choice(["", " "])
    return gap.join(digit + KEYCAP for digit in local)


def fullwidth(e164: str, rng: Rng) -> str:
    local = dialable(e164)
    text = "".join(chr(0xFF10 + int(digit)) for digit in local)
    return text[:2] + rng.choice(["", "－", " "]) + text[2:]


def lookalikes(e164: str, rng: Rng) -> str:
    """Some digits replaced by letters that look like them: O6-I2345678."""
    local = dialable(e164)
    out = []
    for digit in local:
        options = LOOKALIKES.get(digit)
        out.append(rng.choice(options) if options and rng.random() < 0.6 else digit)
    if not any(ch not in "0123456789" for ch in out):  # make sure at least one digit is disguised
        index = next((i for i, digit in enumerate(local) if digit in LOOKALIKES), 0)
        out[index] = LOOKALIKES.get(local[index], ("O",))[0]
    text = "".join(out)
    return text[:2] + rng.choice(["-", " ", ""]) + text[2:]


def split_lines(e164: str, rng: Rng) -> str:
    """The number broken in two: over two lines, or around a few words."""
    local = dialable(e164)
    cut = rng.choice([4, 6])
    head, tail = local[:cut], local[cut:]
    glue = rng.choice(
        [
            "\n",
            "\n\n",
            " ... ",
            " (rest:) ",
            "\nlaatste cijfers: ",
            "\nlast digits ",
            " en dan ",
        ]
    )
    return head + glue + tail


Writer = Callable[[str, Rng], str]

STYLES: dict[str, tuple[int, Writer]] = {
    "plain": (0, plain),
    "separators": (1, separators),
    "whatsapp_link": (1, whatsapp_link),
    "spelled": (2, spelled),
    "keycaps": (2, keycaps),
    "fullwidth": (2, fullwidth),
    "lookalikes": (2, lookalikes),
    "split": (3, split_lines),
}


def styles_at(level: int) -> list[str]:
    return [name for name, (style_level, _writer) in STYLES.items() if style_level == level]


def write_phone(e164: str, style: str, rng: Rng) -> str:
    """Write `e164` in the named style (see STYLES); the result still encodes exactly that number."""
    return STYLES[style][1](e164, rng)


def style_level(style: str) -> int:
    return STYLES[style][0]
