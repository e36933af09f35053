"""Rozewereld: a Dutch card-grid site with numbered pages, region pages and an age gate.

URL structure (documented for source authors in docs/demo-world.md):

    /robots.txt                                  no gate
    /leeftijdscheck?terug=PATH                   the age gate page (form, GET)
    /leeftijdscheck/akkoord?terug=PATH           sets cookie rw_leeftijd=18plus, 302 to PATH
    /                                            home: links to provinces, cities, all ads
    /advertenties/?pagina=N                      all ads, newest first, 24 per page
    /regio/PROVINCE/?pagina=N                    ads of a province
    /regio/PROVINCE/CITY/?pagina=N               ads of a city
    /advertentie/KEY/SLUG                        detail page (the slug is ignored); 404 once removed
    /media/PHOTO_KEY                             photo bytes (no gate)
    /account/..., /admin/..., /zoeken            disallowed by robots.txt (linked from every page)

Every content page without the cookie redirects (302) to the age gate.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from scanner.lab.demo.places import CITIES, PROVINCES, cities_in, slugify
from scanner.lab.demo.records import DemoAd
from scanner.lab.demo.sites.common import (
    AdSource,
    Request,
    Response,
    html_page,
    not_found,
    page_number,
    redirect,
    text_html,
)

PER_PAGE = 24
GATE_COOKIE = "rw_leeftijd"
PHOTO_PREFIX = "/media/"
STATIC: dict[str, tuple[bytes, str]] = {}
MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def robots(crawl_delay: float) -> str:
    return f"User-agent: *\nDisallow: /account/\nDisallow: /admin/\nDisallow: /zoeken\nCrawl-delay: {crawl_delay:g}\n"


def _chrome(title: str, content: str) -> Response:
    header = (
        '<header class="kop"><a class="logo" href="/">Rozewereld</a>\n'
        '<nav class="menu"><a href="/advertenties/">Alle advertenties</a> <a href="/zoeken?q=">Zoeken</a> '
        '<a href="/account/inloggen">Inloggen</a> <a href="/admin/">Beheer</a></nav></header>'
    )
    footer = (
        '<footer class="voet">Rozewereld © 2026 · KvK 70012345 · <a href="/account/adverteren">Adverteren</a></footer>'
    )
    return html_page(title, f"{header}\n<main>\n{content}\n</main>\n{footer}")


def _card(ad: DemoAd) -> str:
    photo = f'<img class="kaart-foto" src="/media/{ad.photo_keys[0]}" alt="">' if ad.photo_keys else ""
    age = (
        f'<li><span class="label">Leeftijd:</span> <span class="leeftijd">{ad.age_field}</span></li>'
        if ad.age_field is not None
        else ""
    )
    return (
        f'<article class="kaart" data-id="{ad.key}">\n'
        f'  <a class="kaart-link" href="{ad.url_path}">{photo}</a>\n'
        f'  <h2 class="kaart-titel"><a href="{ad.url_path}">{html.escape(ad.title)}</a></h2>\n'
        f'  <ul class="kaart-info"><li><span class="label">Plaats:</span> '
        f'<span class="plaats">{html.escape(ad.city)}</span></li>{age}</ul>\n'
        f"</article>"
    )


def _listing(title: str, base: str, ads: list[DemoAd], page: int) -> Response:
    pages = max(1, -(-len(ads) // PER_PAGE))
    if page > pages:
        return not_found("Deze pagina bestaat niet")
    shown = ads[(page - 1) * PER_PAGE : page * PER_PAGE]
    cards = "\n".join(_card(ad) for ad in shown) or '<p class="leeg">Geen advertenties gevonden.</p>'
    links = []
    for number in range(1, pages + 1):
        css = ' class="huidig"' if number == page else ""
        links.append(f'<a{css} href="{base}?pagina={number}">{number}</a>')
    if page < pages:
        links.append(f'<a class="volgende" rel="next" href="{base}?pagina={page + 1}">Volgende »</a>')
    nav = f'<nav class="paginering">{" ".join(links)}</nav>'
    body = (
        f'<h1>{html.escape(title)}</h1>\n<p class="aantal">{len(ads)} advertenties</p>\n'
        f'<div class="advertenties">\n{cards}\n</div>\n{nav}'
    )
    return _chrome(title, body)


def _placed(day: int) -> str:
    from scanner.clock import demo_day

    when = demo_day(day)
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}"


def _detail(ad: DemoAd) -> str:
    photos = "\n".join(
        f'<img class="foto" src="/media/{key}" alt="foto {n}">' for n, key in enumerate(ad.photo_keys, 1)
    )
    rows = [("Naam", "naam", ad.name)]
    if ad.age_field is not None:
        rows.append(("Leeftijd", "leeftijd", f"{ad.age_field} jaar"))
    rows += [("Plaats", "plaats", ad.city), ("Provincie", "provincie", ad.province)]
    if ad.phone_field:
        rows.append(("Telefoon", "telefoon", ad.phone_field))
    if ad.license_field:
        rows.append(("Vergunningnummer", "vergunning", ad.license_field))
    rows.append(("Geplaatst", "geplaatst", _placed(max(1, ad.posted_day))))
    fields = "\n".join(f'<dt>{label}</dt><dd class="{css}">{html.escape(value)}</dd>' for label, css, value in rows)
    services = "\n".join(f"<li>{html.escape(service)}</li>" for service in ad.services)
    return (
        f'<div class="advertentie" data-id="{ad.key}">\n<h1 class="titel">{html.escape(ad.title)}</h1>\n'
        f'<div class="fotos">\n{photos}\n</div>\n<dl class="kenmerken">\n{fields}\n</dl>\n'
        f'<div class="omschrijving">\n{text_html(ad.text)}\n</div>\n'
        f'<h2>Diensten</h2>\n<ul class="diensten">\n{services}\n</ul>\n'
        f'<p class="acties"><a href="/account/favoriet?id={ad.key}">Bewaar</a> '
        f'<a href="/regio/{slugify(ad.province)}/{slugify(ad.city)}/">Meer in {html.escape(ad.city)}</a></p>\n'
        f"</div>"
    )


def _home() -> Response:
    items = []
    for province in PROVINCES:
        cities = " ".join(
            f'<a class="stad" href="/regio/{slugify(province)}/{city.slug}/">{html.escape(city.name)}</a>'
            for city in cities_in(province)
        )
        items.append(
            f'<li><a class="provincie" href="/regio/{slugify(province)}/">{html.escape(province)}</a>: {cities}</li>'
        )
    body = (
        '<h1>Rozewereld</h1>\n<p><a class="alle" href="/advertenties/">Alle advertenties</a></p>\n'
        f'<ul class="regios">\n{chr(10).join(items)}\n</ul>'
    )
    return _chrome("Rozewereld: advertenties per regio", body)


def _gate(back: str) -> Response:
    body = (
        '<div class="leeftijdscheck"><h1>Ben je 18 jaar of ouder?</h1>\n'
        '<form action="/leeftijdscheck/akkoord" method="get">'
        f'<input type="hidden" name="terug" value="{html.escape(back)}">'
        '<button type="submit">Ja, ik ben 18+</button></form>\n<a href="https://www.google.nl/">Nee</a></div>'
    )
    response = html_page("Leeftijdscheck", body)
    response.cacheable = False
    return response


def _safe_back(value: str) -> str:
    return value if value.startswith("/") and not value.startswith("//") else "/"


def handle(request: Request, source: AdSource) -> Response:
    path = request.path
    if path.startswith("/media/") or path == "/robots.txt":
        raise AssertionError("served by the server itself")
    if path == "/leeftijdscheck":
        return _gate(_safe_back(request.query.get("terug", "/")))
    if path == "/leeftijdscheck/akkoord":
        return redirect(
            _safe_back(request.query.get("terug", "/")), cookie=f"{GATE_COOKIE}=18plus; Path=/; SameSite=Lax"
        )
    if request.cookies.get(GATE_COOKIE) != "18plus":
        back = path + ("?" + "&".join(f"{k}={v}" for k, v in request.query.items()) if request.query else "")
        return redirect("/leeftijdscheck?terug=" + quote(back, safe=""))
    index = source.index("rozewereld", request.day)
    page = page_number(request.query, "pagina")
    parts = [part for part in path.split("/") if part]
    if path == "/":
        response = _home()
    elif parts == ["advertenties"] and page:
        response = _listing("Alle advertenties", "/advertenties/", index.ads, page)
    elif len(parts) == 2 and parts[0] == "regio" and page and parts[1] in index.by_province:
        province = next(p for p in PROVINCES if slugify(p) == parts[1])
        response = _listing(f"Advertenties in {province}", f"/regio/{parts[1]}/", index.by_province[parts[1]], page)
    elif len(parts) == 3 and parts[0] == "regio" and page and parts[2] in index.by_city:
        city = next(c for c in CITIES if c.slug == parts[2])
        if slugify(city.province) != parts[1]:
            return not_found("Onbekende regio")
        response = _listing(
            f"Advertenties in {city.name}", f"/regio/{parts[1]}/{parts[2]}/", index.by_city[parts[2]], page
        )
    elif len(parts) in (2, 3) and parts[0] == "advertentie":
        ad = index.by_key.get(parts[1])
        if ad is None:
            known = source.ever_listed("rozewereld", parts[1])
            return not_found("Deze advertentie is niet meer beschikbaar" if known else "Advertentie niet gevonden")
        response = _chrome(ad.title, _detail(ad))
        response.modified_day = source.modified_day("rozewereld", ad.key, request.day)
        return response
    else:
        return not_found("Pagina niet gevonden")
    response.modified_day = request.day
    return response
