"""Values behind a link of the ad page: `ad.follow` fetches them with one more request per ad.

Some sites show a phone number only after a click on "show number": the ad page holds a link (or a
button with a `data-url`) to a small page or JSON answer with the number. For each entry of
`ad.follow` the link is read from the ad page and fetched like every other request of the crawl,
through the caller's `fetch` (the crawler passes its `Downloader`: robots.txt, the host's slot and
delay, retries; and under it the `SafeFetcher`: the source's allowed hosts, public addresses only,
the size limit and the deadline). The value is read from the answer with a selector (HTML), a
dotted path (JSON) or as its whole text, cut by `regex`, and replaces the ad's field of that name.

A link that cannot be followed (disallowed by robots.txt, a host the source does not allow, an HTTP
error, an answer without the value) leaves the field as the ad page gave it and is reported as an
error for that URL; with `required: true` the ad itself fails, like a required selector.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser

from scanner.crawl.fetcher import Response
from scanner.crawl.parse import (
    AdRecord,
    Page,
    canonical_url,
    clean,
    decode,
    html_tree,
    json_path_value,
    selector_values,
)
from scanner.crawl.sourcefile import Follow, SourceConfig
from scanner.errors import FetchError, SelectorError

Fetch = Callable[[str, Follow], Awaitable[Response]]
NOT_LINKS = ("#", "javascript:")  # a button whose script does the work: its data-url is the link
LINK_ATTRIBUTES = ("href", "data-url", "data-href", "data-link")  # where a link or a button keeps its address
READABLE = ("text/", "application/json", "application/ld+json", "application/xhtml+xml")


@dataclass
class Followed:
    """What the links of one ad page gave: a value per field, and the links that failed, with why."""

    values: dict[str, str] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)


def linked_urls(config: SourceConfig, page: Page) -> list[tuple[str, Follow, str]]:
    """(field, follow, absolute URL) of every `ad.follow` whose link the ad page shows."""
    if config.ad is None or not config.ad.follow:
        return []
    tree = LexborHTMLParser(page.text)
    found = []
    for name, spec in config.ad.follow.items():
        href = _link(tree, spec)
        if href is not None:
            found.append((name, spec, canonical_url(page.url, href)))
    return found


def _link(tree: LexborHTMLParser, spec: Follow) -> str | None:
    """The address of a follow's link: the first of its attributes that holds one (`<a href="#">` with the
    real address in `data-url` is common for buttons run by a script)."""
    for name in spec.link.attributes or LINK_ATTRIBUTES:
        reader = spec.link.model_copy(update={"attribute": name})
        usable = [href for href in selector_values(tree, reader) if not href.startswith(NOT_LINKS)]
        if usable:
            return usable[0]
    return None


def read_value(spec: Follow, response: Response) -> str | None:
    """The value in a linked page's answer, or None when it holds none."""
    kind = response.content_type.split(";", 1)[0].strip().lower()
    if kind and not kind.startswith(READABLE):
        return None
    text = decode(response.body, response.content_type)
    value: str | None
    if spec.json_path is not None:
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            return None
        found = json_path_value(document, spec.json_path)
        value = clean(str(found)) if isinstance(found, str | int | float) and not isinstance(found, bool) else None
    elif spec.value is not None:
        values = selector_values(html_tree(text), spec.value)
        value = values[0] if values else None
    else:
        value = clean(html_tree(text).text(separator=" ") if "html" in kind else text)
    if value and spec.regex is not None:
        match = re.search(spec.regex, value)
        value = (match.group(1) if match.groups() else match.group(0)) if match else None
    return value or None


async def fetch_linked_values(config: SourceConfig, page: Page, fetch: Fetch) -> Followed:
    """Follow every `ad.follow` link of the ad page; never raises for a link that fails (see `follow_links`)."""
    followed = Followed()
    for name, spec, url in linked_urls(config, page):
        try:
            response = await fetch(url, spec)
        except FetchError as exc:
            followed.failures.append((url, f"follow {name}: {exc.message}"))
            continue
        if response.status != 200:
            followed.failures.append((url, f"follow {name}: HTTP {response.status}"))
            continue
        value = read_value(spec, response)
        if value is None:
            followed.failures.append((url, f"follow {name}: the answer holds no value"))
            continue
        followed.values[name] = value
    return followed


async def follow_links(ad: AdRecord, page: Page, config: SourceConfig, fetch: Fetch) -> list[tuple[str, str]]:
    """Put the values behind the ad page's links into `ad`; returns the links that failed, with why.

    Raises `SelectorError` when a `required` follow gives no value (no link on the page, or a link
    that failed), so the ad fails as it does for a required selector.
    """
    followed = await fetch_linked_values(config, page, fetch)
    assert config.ad is not None
    missing = [name for name, spec in config.ad.follow.items() if spec.required and name not in followed.values]
    if missing:
        reasons = "; ".join(reason for _, reason in followed.failures) or "no link on the ad page"
        raise SelectorError(
            f"required value behind a link not found: {', '.join(missing)} ({reasons})",
            context=f"{config.name}: {page.url}",
            hint=f"check ad.follow in {config.file or 'the source file'}, or set required: false",
        )
    for name, value in followed.values.items():
        ad.fields[name] = value
        if name == "city":
            ad.city = value
    return followed.failures
