"""Lichtbaken: a regional site (Haarlem, IJmond, Haarlemmermeer) with offset paging and a free-text place row.

URL structure (documented for source authors in docs/demo-world.md):

    /robots.txt                               no gate
    /toegang?naar=PATH&akkoord=ja             sets cookie lb_toegang=18, 303 to PATH
    /                                         home: the site's regions and a link to all ads
    /overzicht?vanaf=N                        all ads, newest first, 30 per page from offset N
    /regio/REGION?vanaf=N                     the ads of one of the site's regions
    /a/KEY/SLUG                               detail page (slug ignored); 404 once removed
    /img/NAME                                 photos, the "geen foto" picture and agency logos (no gate)
    /mijn/..., /reageer/..., /zoek           disallowed by robots.txt

Without the cookie a content page answers 200 with the age question in place of its content. The
detail page lists its facts as a `<dl>` whose rows have no classes and appear only when the
advertiser filled them in.
"""

from __future__ import annotations

import html
from datetime import timedelta
from urllib.parse import quote

from scanner.clock import DEMO_EPOCH
from scanner.lab.demo.records import DemoAd
from scanner.lab.demo.sites.common import AdSource, Request, Response, html_page, not_found, redirect

PER_PAGE = 30
GATE_COOKIE = "lb_toegang"
PHOTO_PREFIX = "/img/"
STATIC: dict[str, tuple[bytes, str]] = {}
SITE = "lichtbaken"
MONTHS = ("jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.")


def robots(crawl_delay: float) -> str:
    return f"User-agent: *\nDisallow: /mijn/\nDisallow: /reageer/\nDisallow: /zoek\nCrawl-delay: {crawl_delay:g}\n"


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _chrome(title: str, content: str) -> Response:
    header = (
        '<div class="balk"><a href="/"><b>Lichtbaken</b></a> · <a href="/overzicht">Alle advertenties</a> · '
        '<a href="/zoek">Zoeken</a> · <a href="/mijn/account">Mijn account</a></div>'
    )
    footer = '<div class="onder">Lichtbaken · advertenties uit Kennemerland en omstreken · 18+</div>'
    return html_page(title, f"{header}\n<main>\n{content}\n</main>\n{footer}")


def _date(day: int) -> str:
    when = DEMO_EPOCH + timedelta(days=day)
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}"


def _result(ad: DemoAd) -> str:
    path = html.escape(ad.url_path)
    age = f" · {ad.age_field}" if ad.age_field is not None else ""
    return (
        f'<li class="resultaat"><a href="{path}"><img src="{PHOTO_PREFIX}{html.escape(ad.photo_keys[0])}" alt="">'
        f'</a> <a class="titel" href="{path}">{html.escape(ad.title)}</a> '
        f"<span>{html.escape(ad.city)}{age}</span></li>"
    )


def _listing(title: str, path: str, ads: list[DemoAd], offset: int) -> Response:
    shown = ads[offset : offset + PER_PAGE]
    items = "\n".join(_result(ad) for ad in shown)
    following = offset + PER_PAGE
    more = f'<a class="volgende" href="{path}?vanaf={following}">Volgende pagina</a>' if following < len(ads) else ""
    earlier = f'<a class="vorige" href="{path}?vanaf={max(0, offset - PER_PAGE)}">Vorige</a>' if offset else ""
    body = (
        f"<h1>{html.escape(title)}</h1>\n<p>{len(ads)} advertenties</p>\n"
        f'<ol class="resultaten">\n{items}\n</ol>\n<p class="bladeren">{earlier} {more}</p>'
    )
    return _chrome(title, body)


def _detail(ad: DemoAd) -> str:
    rows = [("Naam", html.escape(ad.name))]
    if ad.age_field is not None:
        rows.append(("Leeftijd", f"{ad.age_field} jaar"))
    rows.append(("Woonplaats", html.escape(ad.city)))
    if ad.phone_field:
        tel = "+31" + ad.phone_field.replace("-", "")[1:]
        rows.append(("Telefoon", f'<a href="tel:{tel}">{html.escape(ad.phone_field)}</a>'))
    rows.extend((label, html.escape(value)) for label, value in ad.details)
    if ad.license_field:
        rows.append(("Vergunning", html.escape(ad.license_field)))
    facts = "\n".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    gallery = "\n".join(f'<img src="{PHOTO_PREFIX}{html.escape(key)}" alt="foto">' for key in ad.photo_keys)
    paragraphs = "\n".join(f"<p>{html.escape(block)}</p>" for block in ad.text.split("\n") if block.strip())
    return (
        f'<div class="advertentie">\n<h1>{html.escape(ad.title)}</h1>\n'
        f'<p class="meta">Geplaatst {_date(ad.posted_day)} · advertentie {ad.key}</p>\n'
        f'<div class="galerij">\n{gallery}\n</div>\n<dl>\n{facts}\n</dl>\n'
        f'<div class="omschrijving">\n{paragraphs}\n</div>\n'
        f'<p><a href="/reageer/{ad.key}">Reageer op deze advertentie</a></p>\n</div>'
    )


def _gate(path: str) -> Response:
    target = html.escape(path)
    body = (
        '<form class="toegang" action="/toegang" method="get"><h1>Ben je 18 jaar of ouder?</h1>\n'
        f'<input type="hidden" name="naar" value="{target}">\n'
        '<button name="akkoord" value="ja">Ja, ik ben 18+</button> <a href="https://www.google.nl/">Nee</a></form>'
    )
    response = _chrome("Lichtbaken: 18+", body)
    response.cacheable = False
    return response


def _offset(request: Request) -> int | None:
    raw = request.query.get("vanaf", "0")
    return int(raw) if raw.isdigit() else None


def _regions(ads: list[DemoAd]) -> dict[str, list[DemoAd]]:
    """The site's regions (slug -> ads) in menu order; `DemoAd.province` holds the site's region."""
    grouped: dict[str, list[DemoAd]] = {}
    for ad in ads:
        grouped.setdefault(_slug(ad.province), []).append(ad)
    return grouped


def handle(request: Request, source: AdSource) -> Response:
    path = request.path
    if path == "/toegang":
        target = request.query.get("naar", "/")
        target = target if target.startswith("/") and not target.startswith("//") else "/"
        if request.query.get("akkoord") != "ja":
            return _gate(target)
        return redirect(target, 303, cookie=f"{GATE_COOKIE}=18; Path=/; Max-Age=86400")
    if request.cookies.get(GATE_COOKIE) != "18":
        query = "&".join(f"{k}={quote(v)}" for k, v in request.query.items())
        return _gate(path + ("?" + query if query else ""))
    index = source.index(SITE, request.day)
    parts = [part for part in path.split("/") if part]
    offset = _offset(request)
    if path == "/":
        regions = _regions(index.ads)
        links = "\n".join(
            f'<li><a href="/regio/{slug}">{html.escape(ads[0].province)}</a> ({len(ads)})</li>'
            for slug, ads in sorted(regions.items())
        )
        response = _chrome(
            "Lichtbaken",
            f'<h1>Lichtbaken</h1>\n<p><a href="/overzicht">Alle advertenties</a></p>\n<ul>\n{links}\n</ul>',
        )
    elif path == "/overzicht" and offset is not None:
        response = _listing("Alle advertenties", "/overzicht", index.ads, offset)
    elif len(parts) == 2 and parts[0] == "regio" and offset is not None and parts[1] in _regions(index.ads):
        ads = _regions(index.ads)[parts[1]]
        response = _listing(f"Advertenties {ads[0].province}", path, ads, offset)
    elif len(parts) >= 2 and parts[0] == "a":
        ad = index.by_key.get(parts[1])
        if ad is None:
            return not_found("Deze advertentie is niet meer beschikbaar")
        response = _chrome(ad.title, _detail(ad))
        response.modified_day = source.modified_day(SITE, ad.key, request.day)
        return response
    else:
        return not_found("Pagina niet gevonden")
    response.modified_day = request.day
    return response
