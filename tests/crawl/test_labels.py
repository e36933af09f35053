"""Label selectors: `label: Leeftijd` reads the value a page shows beside its label, in every layout.

Each page of data/labels/ is a layout a real site uses (definition lists, tables with row or column
headers, "Label: value" lines, inline and block labels, rows left out, accents and other
languages); data/labels/expected.json holds what the selectors below must read from it.
"""

from __future__ import annotations

import json
import re

import pytest

from scanner.crawl.labels import normalize_label
from scanner.crawl.parse import AdLink, Page, SelectorAdapter
from scanner.crawl.sourcefile import Selector, SourceConfig
from scanner.errors import SelectorError
from tests.crawl.conftest import DATA

PAGES = DATA / "labels"
EXPECTED = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))
AD = {
    "external_id_pattern": r"/ad/(\d+)",
    "title": "h1",
    "text": "div.tekst",
    "age": {"label": ["Leeftijd", "Age"], "regex": r"(\d+)"},
    "city": {"label": ["Stad", "Ville"]},
    "phone": {"label": "Telefoon"},
    "fields": {"name": {"label": ["Naam", "Prénom"]}, "languages": {"label": "Talen", "all": True}},
}


def adapter(**ad: object) -> SelectorAdapter:
    config = SourceConfig.model_validate(
        {
            "name": "labels",
            "base_url": "https://example.nl/",
            "start_urls": ["/"],
            "listing": {"ad_links": "a.ad"},
            "ad": {**AD, **ad},
        }
    )
    return SelectorAdapter(config)


def page(name: str) -> Page:
    return Page("https://example.nl/ad/1", 200, (PAGES / f"{name}.html").read_bytes(), "text/html; charset=utf-8")


def test_every_saved_page_has_an_expectation() -> None:
    assert sorted(path.stem for path in PAGES.glob("*.html")) == sorted(k for k in EXPECTED if k != "_about")


@pytest.mark.parametrize("name", sorted(k for k in EXPECTED if k != "_about"))
def test_a_label_selector_reads_the_labelled_value(name: str) -> None:
    record = adapter().parse_ad(page(name), AdLink("https://example.nl/ad/1"))
    read = {key: record.fields[key] for key in ("name", "age", "city", "phone", "languages")}
    assert read == EXPECTED[name]
    assert record.city == EXPECTED[name]["city"]


def test_an_attribute_is_read_from_the_value_or_an_element_inside_it() -> None:
    reader = adapter(phone={"label": "Telefoon", "attribute": "href", "regex": r"tel:(\d+)"})
    record = reader.parse_ad(page("table-plain-cells-optional"), AdLink("https://example.nl/ad/1"))
    assert record.fields["phone"] == "0687654321"


def test_css_with_a_label_says_where_to_look_for_it() -> None:
    # The page's form also has a "Naam:" label; inside div.profiel only the profile's is seen.
    reader = adapter(fields={"name": {"css": "form", "label": "Naam"}})
    assert reader.parse_ad(page("label-on-its-own-line"), AdLink("https://example.nl/ad/1")).fields["name"] is None
    reader = adapter(fields={"name": {"css": "div.profiel", "label": "Naam"}})
    assert reader.parse_ad(page("label-on-its-own-line"), AdLink("https://example.nl/ad/1")).fields["name"] == "Julia"


def test_a_required_label_the_page_does_not_show_names_the_label_and_the_url() -> None:
    reader = adapter(age={"label": "Leeftijd", "required": True})
    with pytest.raises(SelectorError) as caught:
        reader.parse_ad(page("dl-optional-rows"), AdLink("https://example.nl/ad/1"))
    assert "age (label 'Leeftijd')" in caught.value.message
    assert caught.value.context == "labels: https://example.nl/ad/1"


@pytest.mark.parametrize(
    ("written", "label"),
    [
        ("Leeftijd", "leeftijd"),
        ("LEEFTIJD :", "leeftijd"),
        ("  Leef\u00a0tijd:", "leef tijd"),
        ("Âge", "age"),
        ("• Leeftijd:", "leeftijd"),
        ("🎂 Leeftijd", "leeftijd"),
        ("Naam*", "naam"),
        ("Prijs (€)", "prijs"),
    ],
)
def test_labels_are_compared_as_a_reader_compares_them(written: str, label: str) -> None:
    assert normalize_label(written) == label


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"regex": "(x)"}, "give css (where the value is) or label"),
        ({"label": "  "}, "a label is the word shown beside the value"),
        ({"css": "img", "attribute": []}, "give at least one attribute name"),
    ],
)
def test_a_selector_without_css_or_label_is_refused(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Selector.model_validate(data)


def test_describe_names_the_label_and_where_it_is_looked_for() -> None:
    assert Selector.model_validate({"label": ["Leeftijd", "Age"]}).describe() == "label 'Leeftijd' or 'Age'"
    assert Selector.model_validate({"css": "dl.info", "label": "Stad"}).describe() == "label 'Stad' in dl.info"
