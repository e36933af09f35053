"""Reading pages: charset detection, then listings (ad links, next page) and ads through selectors.

Bytes are decoded here, before parsing, in this order: a byte-order mark, the Content-Type charset,
a `<meta charset>` in the first 4 KB, strict UTF-8, and windows-1252 as the last resort (it decodes
any byte). HTML is parsed with selectolax's Lexbor backend. A required selector that finds nothing is
a `SelectorError` naming the source, the selector and the URL, never a silently empty field.

The default `SelectorAdapter` follows the source file; a source may name its own adapter class with
the same two methods (`parse_listing`, `parse_ad`) for a site that needs code.
"""

from __future__ import annotations

import codecs
import hashlib
import importlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urldefrag, urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scanner.crawl.attributes import read_attribute
from scanner.crawl.labels import LabelIndex
from scanner.crawl.sourcefile import AD_FIELDS, JsonListing, Selector, SourceConfig
from scanner.errors import SelectorError, SourceError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_INLINE_SPACES = re.compile(r"[^\S\n]+")
# Line breaks as a browser shows them: <br> and the end of block elements start a new line.
_LINE_BREAKS = re.compile(r"<(?:br\s*/?|/(?:p|div|li|tr|h[1-6]|dd|dt|blockquote)\s*)>", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def _known(encoding: str) -> str | None:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def detect_charset(body: bytes, content_type: str = "") -> str:
    """The page's character set, decided before parsing.

    Candidates in order: a byte-order mark, the Content-Type charset, a `<meta charset>` in the first
    4 KB. Servers lie, so the bytes have the last word: a declared UTF-8 that does not decode is
    passed over, and a declared legacy charset is overruled by bytes that are valid, non-ASCII UTF-8
    (that is never an accident). Without a usable candidate: UTF-8 if valid, else windows-1252.
    """
    for bom, bom_charset in _BOMS:
        if body.startswith(bom):
            return bom_charset
    valid_utf8 = _is_utf8(body)
    candidates = []
    if header := _HEADER_CHARSET.search(content_type):
        candidates.append(_known(header.group(1)))
    if meta := _META_CHARSET.search(body[:4096]):
        candidates.append(_known(meta.group(1).decode("ascii")))
    for candidate in candidates:
        if candidate is None:
            continue
        if candidate == "utf-8":
            if valid_utf8:
                return candidate
            continue
        if valid_utf8 and not body.isascii() and not candidate.startswith("utf-16"):
            return "utf-8"
        return candidate
    return "utf-8" if valid_utf8 else "cp1252"


def decode(body: bytes, content_type: str = "") -> str:
    charset = detect_charset(body, content_type)
    text = body.decode(charset, errors="replace")
    return text.removeprefix("\ufeff")


def clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def clean_lines(text: str) -> str:
    """Whitespace collapsed within lines, empty lines dropped: ad text keeps its line structure."""
    lines = (_INLINE_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def html_tree(text: str) -> LexborHTMLParser:
    """Parse HTML with line breaks made explicit, so text read from it keeps the page's lines."""
    return LexborHTMLParser(_LINE_BREAKS.sub(_line_break, text))


def _line_break(match: re.Match[str]) -> str:
    tag = match.group(0)
    return "\n" if tag[1] in "bB" else "\n" + tag


@dataclass(frozen=True)
class AdLink:
    url: str
    external_id: str | None = None
    marker: str | None = None


@dataclass
class ListingPage:
    ad_links: list[AdLink] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "ads": [[link.url, link.external_id, link.marker] for link in self.ad_links],
            "next": self.next_pages,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ListingPage:
        return cls([AdLink(*item) for item in data.get("ads", [])], list(data.get("next", [])))


@dataclass
class AdRecord:
    """What an ad page says, as stored in ad_versions (title, text, fields) and ads (city, photos)."""

    external_id: str
    url: str
    title: str
    text: str
    city: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    photos: list[str] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        """SHA-256 of title, text and fields: a new ad version is stored only when it changes."""
        payload = json.dumps(
            {"title": self.title, "text": self.text, "fields": self.fields}, sort_keys=True, ensure_ascii=False
        )
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class Page:
    url: str
    status: int
    body: bytes
    content_type: str

    @property
    def text(self) -> str:
        return decode(self.body, self.content_type)


class Adapter(Protocol):
    """What a site adapter does: turn a fetched page into links or into an ad record."""

    def parse_listing(self, page: Page) -> ListingPage: ...

    def parse_ad(self, page: Page, link: AdLink) -> AdRecord: ...


def _raw_values(root: LexborHTMLParser | LexborNode, selector: Selector, labels: LabelIndex | None) -> list[str | None]:
    if selector.label:
        if selector.css is None:
            index = labels or LabelIndex(root)
            return list(index.values(selector.label, selector.attributes, every=selector.all))
        found: list[str | None] = []
        for scope in root.css(selector.css):  # labels looked for inside each element the css finds
            found += LabelIndex(scope).values(selector.label, selector.attributes, every=selector.all)
            if found and not selector.all:
                break
        return found
    assert selector.css is not None
    nodes = root.css(selector.css) if selector.all else [node] if (node := root.css_first(selector.css)) else []
    attributes = selector.attributes
    return [read_attribute(node, attributes) if attributes else node.text(separator="") for node in nodes]


def selector_values(
    root: LexborHTMLParser | LexborNode, selector: Selector, *, lines: bool = False, labels: LabelIndex | None = None
) -> list[str]:
    """What `selector` finds under `root`, cleaned (`lines`: keep line breaks) and cut by its regex."""
    values = []
    for raw in _raw_values(root, selector, labels):
        if raw is None:
            continue
        value = clean_lines(raw) if lines else clean(raw)
        if selector.regex:
            found = re.search(selector.regex, value)
            if not found:
                continue
            value = found.group(1) if found.groups() else found.group(0)
        if value:
            values.append(value)
    return values


def canonical_url(base: str, href: str) -> str:
    return urldefrag(urljoin(base, href.strip()))[0]


def json_path_value(document: Any, path: str) -> Any:
    current = document
    for part in path.split("."):
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
    return current


class SelectorAdapter:
    """Reads pages with the selectors of a source file."""

    def __init__(self, config: SourceConfig) -> None:
        assert config.listing is not None and config.ad is not None
        self.config = config
        self.listing = config.listing
        self.ad = config.ad
        self._id_pattern = re.compile(self.ad.external_id_pattern) if self.ad.external_id_pattern else None

    def external_id_from_url(self, url: str) -> str | None:
        if self._id_pattern is None:
            return None
        found = self._id_pattern.search(url)
        return found.group(1) if found else None

    def parse_listing(self, page: Page) -> ListingPage:
        if self.listing.json_listing is not None:
            return self._json_listing(page, self.listing.json_listing)
        tree = LexborHTMLParser(page.text)
        result = ListingPage()
        seen: set[str] = set()
        assert self.listing.ad_links is not None
        link_selector = self.listing.ad_links
        assert link_selector.css is not None
        for node in tree.css(link_selector.css):
            href = read_attribute(node, link_selector.attributes or ("href",))
            if not href:
                continue
            url = canonical_url(page.url, href)
            if url in seen:
                continue
            seen.add(url)
            marker = None
            if self.listing.marker is not None:
                found = selector_values(node, self.listing.marker) or selector_values(
                    node.parent or node, self.listing.marker
                )
                marker = found[0] if found else None
            result.ad_links.append(AdLink(url, self.external_id_from_url(url), marker))
        if self.listing.next_page is not None:
            next_selector = self.listing.next_page
            assert next_selector.css is not None
            for node in tree.css(next_selector.css):
                href = read_attribute(node, next_selector.attributes or ("href",))
                if href:
                    result.next_pages.append(canonical_url(page.url, href))
        return result

    def _json_listing(self, page: Page, spec: JsonListing) -> ListingPage:
        try:
            document = json.loads(page.text)
        except json.JSONDecodeError as exc:
            raise SelectorError(
                f"listing is not JSON: {exc.msg}", context=page.url, hint="check listing.json and the start URL"
            ) from None
        items = json_path_value(document, spec.items_path)
        if not isinstance(items, list):
            raise SelectorError(
                f"json path '{spec.items_path}' found no list",
                context=f"{self.config.file or self.config.name}: {page.url}",
                hint="correct listing.json.items_path",
            )
        result = ListingPage()
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get(spec.url_key), str):
                continue
            url = canonical_url(page.url, item[spec.url_key])
            external = str(item[spec.id_key]) if spec.id_key and item.get(spec.id_key) is not None else None
            marker = str(item[spec.marker_key]) if spec.marker_key and item.get(spec.marker_key) is not None else None
            result.ad_links.append(AdLink(url, external or self.external_id_from_url(url), marker))
        if spec.next_path and isinstance(next_url := json_path_value(document, spec.next_path), str) and next_url:
            result.next_pages.append(canonical_url(page.url, next_url))
        return result

    def read_fields(self, page: Page) -> dict[str, list[str]]:
        """Every selector's values on an ad page, for `scanner sources check` and for parse_ad."""
        tree = html_tree(page.text)
        labels = LabelIndex(tree)  # built on first use, shared by every label selector of the page
        found: dict[str, list[str]] = {}
        for name in (*AD_FIELDS, *self.ad.fields):
            selector = self.ad.selector(name)
            if selector is not None:
                found[name] = selector_values(tree, selector, lines=name == "text", labels=labels)
        return found

    def parse_ad(self, page: Page, link: AdLink) -> AdRecord:
        found = self.read_fields(page)
        missing = [name for name, values in found.items() if not values and self.ad.is_required(name)]
        if missing:
            css = ", ".join(f"{name} ({self.ad.selector(name).describe()})" for name in missing)  # type: ignore[union-attr]
            raise SelectorError(
                f"required selector found nothing: {css}",
                context=f"{self.config.name}: {page.url}",
                hint=f"the page layout may have changed; fix the selector in {self.config.file or 'the source file'}",
            )
        ids = found.get("external_id") or []
        external_id = (ids[0] if ids else None) or link.external_id or self.external_id_from_url(page.url)
        if not external_id:
            raise SelectorError(
                "no external id: neither the selector nor external_id_pattern matched",
                context=f"{self.config.name}: {page.url}",
                hint="fix ad.external_id or ad.external_id_pattern",
            )
        fields: dict[str, Any] = {}
        for name, values in found.items():
            if name in ("external_id", "title", "text", "photos"):
                continue
            selector = self.ad.selector(name)
            # every configured field is present, None when the page does not show it: a stable shape
            fields[name] = values if selector is not None and selector.all else (values[0] if values else None)
        photos = [canonical_url(page.url, url) for url in found.get("photos", [])]
        return AdRecord(
            external_id=external_id,
            url=page.url,
            title=" ".join(found.get("title", [])),
            text="\n".join(found.get("text", [])),
            city=next(iter(found.get("city", [])), None),
            fields=fields,
            photos=list(dict.fromkeys(photos)),
        )


def make_adapter(config: SourceConfig) -> Adapter:
    """The source's adapter: its named Python class, or the selector reader of the file."""
    if config.adapter is None:
        return SelectorAdapter(config)
    module_name, class_name = config.adapter.split(":", 1)
    try:
        adapter_class = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise SourceError(
            f"cannot load adapter {config.adapter}: {exc}",
            context=config.file or config.name,
            hint="check the module path and that the class exists",
        ) from None
    adapter: Adapter = adapter_class(config)
    return adapter
