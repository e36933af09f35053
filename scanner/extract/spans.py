"""Where an evidence span points: the one definition of the texts that span offsets count in.

Extraction reads an ad version as `joined_text(title, text)` plus its site fields. A span with
`"field": name` counts in the text of that site field (`field_text`); a span without a field counts
in the joined text. Once stored as evidence, every span names its own source so it can be quoted
without guessing (`locate` turns joined offsets into title or text offsets):

    "title"       the ad's title                  "text"   the ad's text
    "title+text"  a span running from the title into the text (offsets in the joined text)
    any other     the site field of that name (age, phone, city, services...), as `field_text` gives it

Crawled fields never use the names "title" and "text" (the crawler keeps those apart).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TITLE = "title"
TEXT = "text"
TITLE_AND_TEXT = "title+text"


def joined_text(title: str | None, text: str | None) -> str:
    """What extraction and the rules read of an ad version: the title, a line break, the text."""
    return f"{title or ''}\n{text or ''}"


def field_text(fields: Mapping[str, Any] | None, name: str) -> str:
    """The text of one site field as extraction reads it: a list joined with ", ", nothing for None."""
    value = (fields or {}).get(name)
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def source_text(title: str | None, text: str | None, fields: Mapping[str, Any] | None, field: str) -> str:
    """The text a stored span's offsets count in."""
    if field == TITLE:
        return title or ""
    if field == TEXT:
        return text or ""
    if field == TITLE_AND_TEXT:
        return joined_text(title, text)
    return field_text(fields, field)


def locate(start: int, end: int, title_length: int) -> tuple[str, int, int]:
    """A span of the joined text as (field, start, end) in the title or the text it lies in."""
    if end <= title_length:
        return TITLE, start, end
    if start > title_length:
        return TEXT, start - title_length - 1, end - title_length - 1
    return TITLE_AND_TEXT, start, end
