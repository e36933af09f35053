"""Nachtlicht: an English-labelled site with table rows carrying data attributes, and JSON paging.

URL structure (documented for source authors in docs/demo-world.md):

    /robots.txt                                   no gate
    /consent/accept?next=PATH                     sets cookie nl_consent=yes, 303 to PATH
    /                                             home: links to listings, cities, provinces
    /listings                                     first 20 ads (table), then JSON paging
    /city/CITY, /province/PROVINCE                the same, for one city or province
    /api/listings?scope=SCOPE&cursor=N            JSON: {"items": [...], "next": URL|null, "total": n}
                                                  SCOPE = all | city:SLUG | province:SLUG
    /ad/KEY                                       detail page; 410 Gone once removed
    /img/PHOTO_KEY                                photo bytes (no gate)
    /members/..., /api/private/...                disallowed by robots.txt (linked from every page)

Without the consent cookie a content page answers 200 with an interstitial (`#consent-gate`) instead
of the content, and the JSON endpoint answers 403.
"""

from __future__ import annotations

import html
import json
from urllib.parse import quote

from scanner.lab.demo.places import CITIES, PROVINCES, slugify
from scanner.lab.demo.records import DemoAd
from scanner.lab.demo.sites.common import AdSource, DayIndex, Request, Response, html_page, not_found, redirect

PER_PAGE = 20
CONSENT_COOKIE = "nl_consent"
PHOTO_PREFIX = "/img/"
BLANK_GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
STATIC = {"/static/blank.gif": (BLANK_GIF, "image/gif")}  # the lazy-loading placeholder in src


def robots(crawl_delay: float) -> str:
    return (
        "User-agent: *\n"
        "Disallow: /members/\n"
        "Disallow: /api/private/\n"
        f"Crawl-delay: {crawl_delay:g}\n"
        "\nUser-agent: BadBot\nDisallow: /\n"
    )


def _chrome(title: str, content: str) -> Response:
    header = (
        '<div id="top"><a href="/" class="brand">nachtlicht</a> <a href="/listings">All ads</a> '
        '<a href="/members/login">Log in</a> <a href="/api/private/stats">Stats</a></div>'
    )
    return html_page(title, f'{header}\n<section id="content">\n{content}\n</section>', lang="en")


def _row(ad: DemoAd) -> str:
    age = "" if ad.age_field is None else str(ad.age_field)
    return (
        f'<tr class="ad-row" data-ad-id="{ad.key}" data-href="{ad.url_path}" data-city="{html.escape(ad.city)}" '
        f'data-age="{age}"><td class="t"><a href="{ad.url_path}">{html.escape(ad.title)}</a></td>'
        f'<td class="c">{html.escape(ad.city)}</td><td class="a">{age}</td></tr>'
    )


def _item(ad: DemoAd) -> dict[str, object]:
    return {"id": ad.key, "title": ad.title, "city": ad.city, "age": ad.age_field, "url": ad.url_path}


def _scoped(index: DayIndex, scope: str) -> list[DemoAd] | None:
    if scope == "all":
        return index.ads
    kind, _, slug = scope.partition(":")
    if kind == "city" and slug in index.by_city:
        return index.by_city[slug]
    if kind == "province" and slug in index.by_province:
        return index.by_province[slug]
    return None


def _next_url(scope: str, cursor: int, total: int) -> str | None:
    return f"/api/listings?scope={scope}&cursor={cursor}" if cursor < total else None


def _listing(title: str, scope: str, ads: list[DemoAd]) -> Response:
    rows = "\n".join(_row(ad) for ad in ads[:PER_PAGE])
    following = _next_url(scope, PER_PAGE, len(ads))
    more = f'<div id="load-more" data-next="{html.escape(following)}">Load more</div>' if following else ""
    body = (
        f'<h1>{html.escape(title)}</h1>\n<table id="ads" data-total="{len(ads)}">\n'
        f"<thead><tr><th>Ad</th><th>City</th><th>Age</th></tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n{more}"
    )
    return _chrome(title, body)


def _api(request: Request, index: DayIndex) -> Response:
    scope = request.query.get("scope", "all")
    ads = _scoped(index, scope)
    cursor_text = request.query.get("cursor", "0")
    if ads is None or not cursor_text.isdigit():
        return Response(400, b'{"error": "bad scope or cursor"}', "application/json", cacheable=False)
    cursor = int(cursor_text)
    payload = {
        "items": [_item(ad) for ad in ads[cursor : cursor + PER_PAGE]],
        "next": _next_url(scope, cursor + PER_PAGE, len(ads)),
        "total": len(ads),
    }
    return Response(200, json.dumps(payload, ensure_ascii=False).encode(), "application/json", modified_day=request.day)


def _detail(ad: DemoAd) -> str:
    rows = [("Name", "name", html.escape(ad.name))]
    if ad.age_field is not None:
        rows.append(("Age", "age", str(ad.age_field)))
    rows.append(("City", "city", html.escape(ad.city)))
    if ad.phone_field:
        tel = ad.phone_field.replace(" ", "")
        rows.append(("Phone", "phone", f'<a class="phone" href="tel:{tel}">{html.escape(ad.phone_field)}</a>'))
    if ad.license_field:
        rows.append(("License", "license", html.escape(ad.license_field)))
    table = "\n".join(f'<tr><th>{label}</th><td data-field="{name}">{value}</td></tr>' for label, name, value in rows)
    paragraphs = "\n".join(f"<p>{html.escape(block)}</p>" for block in ad.text.split("\n") if block.strip())
    services = "\n".join(f'<li data-service="{slugify(s)}">{html.escape(s)}</li>' for s in ad.services)
    gallery = "\n".join(
        f'<img class="lazy" src="/static/blank.gif" data-src="/img/{key}" alt="">' for key in ad.photo_keys
    )
    return (
        f'<article class="ad" data-ad-id="{ad.key}" data-city="{html.escape(ad.city)}" '
        f'data-age="{"" if ad.age_field is None else ad.age_field}" data-posted-day="{ad.posted_day}">\n'
        f'<h1 class="ad-title">{html.escape(ad.title)}</h1>\n<div class="gallery">\n{gallery}\n</div>\n'
        f'<table class="profile">\n{table}\n</table>\n<div class="ad-body" data-field="text">\n{paragraphs}\n</div>\n'
        f'<ul class="services">\n{services}\n</ul>\n<a class="report" href="/members/report?ad={ad.key}">Report</a>\n'
        "</article>"
    )


def _home() -> Response:
    cities = "\n".join(f'<li><a href="/city/{city.slug}">{html.escape(city.name)}</a></li>' for city in CITIES)
    provinces = "\n".join(f'<li><a href="/province/{slugify(p)}">{html.escape(p)}</a></li>' for p in PROVINCES)
    body = (
        f'<h1>nachtlicht</h1>\n<p><a id="all" href="/listings">All listings</a></p>\n'
        f'<ul id="cities">\n{cities}\n</ul>\n<ul id="provinces">\n{provinces}\n</ul>'
    )
    return _chrome("nachtlicht: escorts in the Netherlands", body)


def _interstitial(path: str) -> Response:
    target = "/consent/accept?next=" + quote(path, safe="")
    body = (
        f'<div id="consent-gate" data-accept="{html.escape(target)}"><h1>Adults only</h1>\n'
        "<p>This site contains adult content. By entering you confirm that you are 18 or older.</p>\n"
        f'<a class="enter" href="{html.escape(target)}">Enter</a></div>'
    )
    response = html_page("Adults only", body, lang="en")
    response.cacheable = False
    return response


def handle(request: Request, source: AdSource) -> Response:
    path = request.path
    if path == "/consent/accept":
        target = request.query.get("next", "/")
        target = target if target.startswith("/") and not target.startswith("//") else "/"
        return redirect(target, 303, cookie=f"{CONSENT_COOKIE}=yes; Path=/")
    consented = request.cookies.get(CONSENT_COOKIE) == "yes"
    if path == "/api/listings":
        if not consented:
            return Response(403, b'{"error": "consent required"}', "application/json", cacheable=False)
        return _api(request, source.index("nachtlicht", request.day))
    if not consented:
        query = "&".join(f"{k}={v}" for k, v in request.query.items())
        return _interstitial(path + ("?" + query if query else ""))
    index = source.index("nachtlicht", request.day)
    parts = [part for part in path.split("/") if part]
    if path == "/":
        response = _home()
    elif path == "/listings":
        response = _listing("All listings", "all", index.ads)
    elif len(parts) == 2 and parts[0] == "city" and parts[1] in index.by_city:
        name = next(c.name for c in CITIES if c.slug == parts[1])
        response = _listing(f"Escorts in {name}", f"city:{parts[1]}", index.by_city[parts[1]])
    elif len(parts) == 2 and parts[0] == "province" and parts[1] in index.by_province:
        name = next(p for p in PROVINCES if slugify(p) == parts[1])
        response = _listing(f"Escorts in {name}", f"province:{parts[1]}", index.by_province[parts[1]])
    elif len(parts) == 2 and parts[0] == "ad":
        ad = index.by_key.get(parts[1])
        if ad is None:
            return (
                not_found("This ad has been removed", 410)
                if source.ever_listed("nachtlicht", parts[1])
                else not_found("No such ad")
            )
        response = _chrome(ad.title, _detail(ad))
        response.modified_day = source.modified_day("nachtlicht", ad.key, request.day)
        return response
    else:
        return not_found("Not found")
    response.modified_day = request.day
    return response
