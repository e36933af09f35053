"""Every way of writing a phone number still encodes exactly that number, at its stated obscurity level."""

from __future__ import annotations

import random
import re
import unicodedata

import phonenumbers
import pytest

from scanner.lab.demo import phones

# A deliberately simple reader, independent of the extraction stage: undo each disguise, keep digits.
WORDS = {word: str(n) for n, word in enumerate(phones.DUTCH_DIGITS)} | {
    word: str(n) for n, word in enumerate(phones.ENGLISH_DIGITS)
}
LOOKS = {"O": "0", "o": "0", "О": "0", "I": "1", "l": "1", "|": "1", "З": "3", "S": "5", "B": "8"}


def read_back(written: str) -> str:
    text = unicodedata.normalize("NFKC", written).replace(phones.KEYCAP, "").replace("\ufe0f", "")
    text = re.sub(r"(?:https?://)?(?:wa\.me/|api\.whatsapp\.com/send\?phone=)", "+", text)
    for word in sorted(WORDS, key=len, reverse=True):
        text = text.replace(word, WORDS[word])
    tokens = []
    for token in text.split():
        digit_like = sum(ch.isdigit() or ch in LOOKS for ch in token)
        if digit_like >= max(2, len(token) // 2):  # look-alikes only inside digit-dense tokens
            tokens.append("".join(LOOKS.get(ch, ch) for ch in token))
        elif any(ch.isdigit() for ch in token):
            tokens.append(token)
    digits = re.sub(r"[^0-9+]", "", " ".join(tokens).replace("(0)", ""))
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+31" + digits[1:] if digits[1] == "6" else "+32" + digits[1:]
    return digits


@pytest.mark.parametrize("style", sorted(phones.STYLES))
@pytest.mark.parametrize("country", ["NL", "BE"])
def test_every_style_reads_back_to_the_number(style: str, country: str) -> None:
    rng = random.Random(f"{style}:{country}")
    for _ in range(60):
        number = phones.random_nl_mobile(rng) if country == "NL" else phones.random_be_mobile(rng)
        written = phones.write_phone(number, style, rng)
        assert read_back(written) == number, (style, written)


@pytest.mark.parametrize("maker", [phones.random_nl_mobile, phones.random_be_mobile])
def test_generated_numbers_are_valid_mobiles(maker: object) -> None:
    rng = random.Random(1)
    for _ in range(200):
        parsed = phonenumbers.parse(maker(rng))  # type: ignore[operator]
        assert phonenumbers.is_valid_number(parsed)
        assert phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE


def test_levels_match_the_documented_scale() -> None:
    assert phones.styles_at(0) == ["plain"]
    assert set(phones.styles_at(1)) == {"separators", "whatsapp_link"}
    assert set(phones.styles_at(2)) == {"spelled", "keycaps", "fullwidth", "lookalikes"}
    assert phones.styles_at(3) == ["split"]


def test_disguised_styles_hide_the_plain_digits() -> None:
    rng = random.Random(5)
    number = "+31612345678"
    for style in phones.styles_at(2) + phones.styles_at(3):
        for _ in range(20):
            written = phones.write_phone(number, style, rng)
            assert "0612345678" not in written, (style, written)
