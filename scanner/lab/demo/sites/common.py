"""What both demo sites share: the request and response shapes, HTML escaping, paging and the day's index."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Protocol

from scanner.lab.demo.places import CITIES, PROVINCES, slugify
from scanner.lab.demo.records import DemoAd


@dataclass
class Request:
    path: str  # without the query string
    query: dict[str, str]
    cookies: dict[str, str]
    day: int


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    modified_day: int | None = None  # the demo day the content last changed; None: no Last-Modified
    cacheable: bool = True  # gets an ETag


def html_page(title: str, body: str, *, lang: str = "nl") -> Response:
    page = (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    return Response(200, page.encode("utf-8"))


def not_found(message: str, status: int = 404) -> Response:
    response = html_page("Niet gevonden", f"<h1>{html.escape(message)}</h1>")
    response.status = status
    response.cacheable = False
    return response


def redirect(location: str, status: int = 302, cookie: str | None = None) -> Response:
    headers = {"Location": location}
    if cookie:
        headers["Set-Cookie"] = cookie
    return Response(status, b"", headers=headers, cacheable=False)


def text_html(text: str) -> str:
    """Ad text as the sites print it: escaped, line breaks as <br>."""
    return "<br>\n".join(html.escape(line) for line in text.split("\n"))


def page_number(query: dict[str, str], name: str) -> int | None:
    raw = query.get(name, "1")
    return int(raw) if raw.isdigit() and int(raw) >= 1 else None


class DayIndex:
    """The ads of one site on one day, by key, city slug and province slug (built once per day)."""

    def __init__(self, ads: list[DemoAd]) -> None:
        self.ads = ads
        self.by_key = {ad.key: ad for ad in ads}
        self.by_city: dict[str, list[DemoAd]] = {city.slug: [] for city in CITIES}
        self.by_province: dict[str, list[DemoAd]] = {slugify(province): [] for province in PROVINCES}
        for ad in ads:
            self.by_city.setdefault(slugify(ad.city), []).append(ad)
            self.by_province.setdefault(slugify(ad.province), []).append(ad)


class AdSource(Protocol):
    def index(self, site: str, day: int) -> DayIndex: ...

    def ever_listed(self, site: str, key: str) -> bool: ...

    def modified_day(self, site: str, key: str, day: int) -> int: ...
