"""Where a span points: the joined title and text, a title, a text, or a site field."""

from __future__ import annotations

import pytest

from scanner.extract.spans import field_text, joined_text, locate, source_text

TITLE, TEXT = "Mila (19)", "Nieuw in Haarlem"
FIELDS = {"age": "19 jaar", "services": ["GFE", "massage"], "phone": None, "height": 168}


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 4, ("title", 0, 4)),  # "Mila"
        (6, 8, ("title", 6, 8)),  # "19"
        (10, 15, ("text", 0, 5)),  # "Nieuw"
        (19, 26, ("text", 9, 16)),  # "Haarlem"
        (6, 15, ("title+text", 6, 15)),  # "19)\nNieuw": across the line break
    ],
)
def test_locate_turns_joined_offsets_into_the_field_they_lie_in(
    start: int, end: int, expected: tuple[str, int, int]
) -> None:
    joined = joined_text(TITLE, TEXT)
    field, local_start, local_end = locate(start, end, len(TITLE))
    assert (field, local_start, local_end) == expected
    assert source_text(TITLE, TEXT, FIELDS, field)[local_start:local_end] == joined[start:end]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("age", "19 jaar"), ("services", "GFE, massage"), ("phone", ""), ("height", "168"), ("missing", "")],
)
def test_a_field_reads_as_extraction_reads_it(name: str, expected: str) -> None:
    assert field_text(FIELDS, name) == expected
    assert source_text(TITLE, TEXT, FIELDS, name) == expected


def test_an_ad_without_title_still_starts_with_the_line_break() -> None:
    assert joined_text(None, "tekst") == "\ntekst"
    assert locate(1, 6, 0) == ("text", 0, 5)
