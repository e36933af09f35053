"""Phone numbers typed by an investigator, in any formatting, become the E.164 stored for ads."""

from __future__ import annotations

import pytest

from scanner.errors import InputError
from scanner.investigate.watch import normalise_phone
from scanner.settings import load_settings

SETTINGS = load_settings(environ={}).settings


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("06 12 34 56 78", "+31612345678"),
        ("+31 (0)6-12345678", "+31612345678"),
        ("0031 6 1234 5678", "+31612345678"),
        ("612345678", "+31612345678"),
        ("nul zes twaalf 34 56 78", "+31612345678"),  # copied from an ad that spelled it out
        ("O6-l2345678", "+31612345678"),  # look-alike letters as in the ad
        ("+32 470 12 34 56", "+32470123456"),
    ],
)
def test_any_formatting_gives_e164(typed: str, e164: str) -> None:
    assert normalise_phone(typed, SETTINGS) == e164


@pytest.mark.parametrize("typed", ["12", "hello", "2011 AB"])
def test_not_a_phone_number_is_an_input_error(typed: str) -> None:
    with pytest.raises(InputError) as caught:
        normalise_phone(typed, SETTINGS)
    assert caught.value.hint
