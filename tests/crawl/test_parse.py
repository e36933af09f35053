"""Charset detection before parsing, listings (HTML and JSON) and ads read through selectors."""

from __future__ import annotations

import codecs
import json

import pytest

from scanner.crawl.parse import AdLink, Page, SelectorAdapter, decode, detect_charset
from scanner.crawl.sourcefile import SourceConfig
from scanner.errors import SelectorError

CAFE = "café 18 jaar"


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (codecs.BOM_UTF8 + CAFE.encode(), "text/html; charset=iso-8859-1", "utf-8"),
        (codecs.BOM_UTF16_LE + CAFE.encode("utf-16-le"), "", "utf-16-le"),
        (CAFE.encode("latin-1"), "text/html; charset=ISO-8859-1", "iso8859-1"),
        (b'<meta charset="windows-1252">' + CAFE.encode("cp1252"), "text/html", "cp1252"),
        (b"<meta http-equiv='Content-Type' content='text/html; charset=koi8-r'>", "", "koi8-r"),
        (CAFE.encode(), "text/html; charset=bogus-charset", "utf-8"),
        (CAFE.encode("cp1252"), "", "cp1252"),  # not valid UTF-8: windows-1252 as last resort
        (b'<meta charset="utf-8">' + CAFE.encode(), "text/html; charset=iso-8859-1", "utf-8"),  # header lies
        (CAFE.encode("cp1252"), "text/html; charset=utf-8", "cp1252"),  # header lies the other way
        (b"plain ascii", "text/html; charset=iso-8859-1", "iso8859-1"),
    ],
)
def test_charset_detection(body: bytes, content_type: str, expected: str) -> None:
    assert detect_charset(body, content_type) == expected


def test_decoded_text_keeps_accents_whatever_the_encoding() -> None:
    for body, content_type in ((CAFE.encode("cp1252"), ""), (CAFE.encode(), "text/html; charset=utf-8")):
        assert decode(body, content_type) == CAFE


def _config(**overrides: object) -> SourceConfig:
    data: dict[str, object] = {
        "name": "example",
        "base_url": "https://example.nl/",
        "start_urls": ["/listing"],
        "listing": {"ad_links": "a.ad", "next_page": "a[rel=next]", "marker": "@data-v"},
        "ad": {
            "external_id_pattern": r"/ad/(\d+)",
            "title": "h1",
            "text": "div.text",
            "age": {"css": "dd.age", "regex": r"(\d+)"},
            "photos": {"css": "img", "attribute": "src", "all": True},
            "fields": {"licence_label": "dd.licence"},
        },
    }
    data.update(overrides)
    return SourceConfig.model_validate(data)


LISTING = b"""<html><body>
<a class="ad" href="/ad/1#top" data-v="a1">One</a><a class="ad" href="/ad/1">dup</a>
<a class="ad" href="https://example.nl/ad/2" data-v="b2">Two</a>
<a rel="next" href="/listing?p=2">next</a></body></html>"""

AD = b"""<html><body><h1> Title  here </h1><div class="text">Line one<br>line two</div>
<dd class="age">Leeftijd: 23 jaar</dd><img src="/img/1.jpg"><img src="/img/2.jpg"><img src="/img/1.jpg">
</body></html>"""


def test_listing_links_markers_and_next_page() -> None:
    adapter = SelectorAdapter(_config())
    listing = adapter.parse_listing(Page("https://example.nl/listing", 200, LISTING, "text/html"))
    assert listing.ad_links == [
        AdLink("https://example.nl/ad/1", "1", "a1"),
        AdLink("https://example.nl/ad/2", "2", "b2"),
    ]
    assert listing.next_pages == ["https://example.nl/listing?p=2"]


def test_ad_fields_photos_and_optional_selectors() -> None:
    adapter = SelectorAdapter(_config())
    record = adapter.parse_ad(Page("https://example.nl/ad/1", 200, AD, "text/html"), AdLink("https://example.nl/ad/1"))
    assert (record.external_id, record.title, record.text) == ("1", "Title here", "Line one\nline two")
    assert record.fields == {"age": "23", "licence_label": None}  # optional and absent: None
    assert record.photos == ["https://example.nl/img/1.jpg", "https://example.nl/img/2.jpg"]


def test_a_required_selector_that_finds_nothing_names_itself_and_the_url() -> None:
    adapter = SelectorAdapter(_config())
    page = Page("https://example.nl/ad/3", 200, b"<html><h1>x</h1></html>", "text/html")
    with pytest.raises(SelectorError, match=r"text \(div.text\)") as caught:
        adapter.parse_ad(page, AdLink(page.url))
    assert caught.value.context == "example: https://example.nl/ad/3"


def test_json_listing() -> None:
    config = _config(listing={"json": {"items_path": "data.items", "id_key": "id", "next_path": "data.next"}})
    document = {"data": {"items": [{"url": "/ad/7", "id": 7}, {"nourl": 1}], "next": "/api?cursor=20"}}
    page = Page("https://example.nl/api?cursor=0", 200, json.dumps(document).encode(), "application/json")
    listing = SelectorAdapter(config).parse_listing(page)
    assert listing.ad_links == [AdLink("https://example.nl/ad/7", "7", None)]
    assert listing.next_pages == ["https://example.nl/api?cursor=20"]


def test_content_hash_changes_only_with_content() -> None:
    adapter = SelectorAdapter(_config())
    page = Page("https://example.nl/ad/1", 200, AD, "text/html")
    first = adapter.parse_ad(page, AdLink(page.url))
    again = adapter.parse_ad(Page(page.url, 200, AD.replace(b"<body>", b"<body> "), "text/html"), AdLink(page.url))
    changed = adapter.parse_ad(Page(page.url, 200, AD.replace(b"23", b"24"), "text/html"), AdLink(page.url))
    assert first.content_hash == again.content_hash != changed.content_hash
