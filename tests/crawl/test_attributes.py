"""Attribute fallbacks: the real address of a lazy-loaded photo, wherever the page keeps it."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from scanner.crawl.attributes import first_srcset_url, read_attribute
from scanner.crawl.parse import AdLink, Page, SelectorAdapter
from scanner.crawl.sourcefile import LAZY_IMAGE_ATTRIBUTES, Selector, SourceConfig

PLACEHOLDER = "data:image/gif;base64,R0lGODlhAQABAAAAACw="


@pytest.mark.parametrize(
    ("img", "names", "expected"),
    [
        (f'<img data-src="a.jpg" src="{PLACEHOLDER}">', LAZY_IMAGE_ATTRIBUTES, "a.jpg"),
        ('<img data-lazy-src="b.jpg" src="/static/blank.gif">', LAZY_IMAGE_ATTRIBUTES, "b.jpg"),
        (f'<img srcset="c-1x.jpg 1x, c-2x.jpg 2x" src="{PLACEHOLDER}">', LAZY_IMAGE_ATTRIBUTES, "c-1x.jpg"),
        (
            '<img srcset="https://cdn.nl/w_100,h_100/f.jpg 100w, g.jpg 200w">',
            LAZY_IMAGE_ATTRIBUTES,
            "https://cdn.nl/w_100,h_100/f.jpg",
        ),
        ('<img src="d.jpg">', LAZY_IMAGE_ATTRIBUTES, "d.jpg"),
        ('<img data-src="  " src="e.jpg">', LAZY_IMAGE_ATTRIBUTES, "e.jpg"),  # an empty attribute is passed over
        (f'<img src="{PLACEHOLDER}">', LAZY_IMAGE_ATTRIBUTES, None),  # only a placeholder: no photo
        ('<img data-original="h.jpg" src="x.gif">', ("data-original", "src"), "h.jpg"),  # a site's own attribute
        ('<img data-original="h.jpg" src="x.gif">', ("src",), "x.gif"),
    ],
)
def test_the_first_usable_attribute_is_read(img: str, names: tuple[str, ...], expected: str | None) -> None:
    node = LexborHTMLParser(img).css_first("img")
    assert node is not None
    assert read_attribute(node, names) == expected


@pytest.mark.parametrize(
    ("srcset", "first"),
    [("a.jpg 1x, b.jpg 2x", "a.jpg"), ("a.jpg, b.jpg 2x", "a.jpg"), ("  a.jpg  ", "a.jpg"), ("", "")],
)
def test_first_srcset_url(srcset: str, first: str) -> None:
    assert first_srcset_url(srcset) == first


def test_the_short_form_lists_fallbacks_with_a_bar() -> None:
    selector = Selector.model_validate("div.fotos img @data-src|data-lazy-src|src")
    assert selector.css == "div.fotos img" and selector.attributes == ("data-src", "data-lazy-src", "src")
    assert selector.describe() == "div.fotos img @data-src|data-lazy-src|src"


GALLERY = f"""<html><body><h1>Anna</h1><div class="text">Hoi</div><div class="gallery">
<img data-src="/p/1.jpg" src="{PLACEHOLDER}">
<img data-lazy-src="/p/2.jpg" src="/static/blank.gif">
<img srcset="/p/3-small.jpg 480w, /p/3-large.jpg 1080w" src="{PLACEHOLDER}">
<img src="/p/4.jpg">
<img src="{PLACEHOLDER}">
<img data-src="/p/1.jpg">
</div></body></html>""".encode()


def config(photos: object) -> SourceConfig:
    ad = {"external_id_pattern": r"/ad/(\d+)", "title": "h1", "text": "div.text", "photos": photos}
    return SourceConfig.model_validate(
        {"name": "lazy", "base_url": "https://example.nl/", "start_urls": ["/"], "listing": {"ad_links": "a"}, "ad": ad}
    )


def test_photos_without_an_attribute_read_the_lazy_loading_attributes_then_src() -> None:
    adapter = SelectorAdapter(config({"css": "div.gallery img", "all": True}))
    record = adapter.parse_ad(
        Page("https://example.nl/ad/7", 200, GALLERY, "text/html"), AdLink("https://example.nl/ad/7")
    )
    assert record.photos == [
        "https://example.nl/p/1.jpg",
        "https://example.nl/p/2.jpg",
        "https://example.nl/p/3-small.jpg",
        "https://example.nl/p/4.jpg",
    ]  # no placeholder, each address once


def test_a_configured_list_replaces_the_default_order() -> None:
    adapter = SelectorAdapter(config({"css": "div.gallery img", "attribute": ["src"], "all": True}))
    record = adapter.parse_ad(
        Page("https://example.nl/ad/7", 200, GALLERY, "text/html"), AdLink("https://example.nl/ad/7")
    )
    assert record.photos == ["https://example.nl/static/blank.gif", "https://example.nl/p/4.jpg"]
