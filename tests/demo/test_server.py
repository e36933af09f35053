"""The demo sites over real HTTP: gates, paging, region pages, details, conditional GET, gzip, robots, days."""

from __future__ import annotations

import html
import os
from collections.abc import Iterator

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser

from scanner.lab.demo.places import slugify
from scanner.lab.demo.server import DemoServer
from scanner.lab.demo.world import World


@pytest.fixture(scope="module")
def server(small_world: World) -> Iterator[DemoServer]:
    with DemoServer(small_world, day=2) as running:
        yield running


def _client(server: DemoServer, site: str) -> httpx.Client:
    cookies = {"rw_leeftijd": "18plus"} if site == "rozewereld" else {"nl_consent": "yes"}
    return httpx.Client(base_url=server.urls[site], cookies=cookies, timeout=10)


def _site_keys(world: World, site: str, day: int) -> set[str]:
    return {ad.key for ad in world.ads_on(day) if ad.site == site}


def _rozewereld_keys(client: httpx.Client, path: str) -> list[str]:
    keys: list[str] = []
    while path:
        page = LexborHTMLParser(client.get(path).text)
        keys += [node.attributes["data-id"] or "" for node in page.css("article.kaart")]
        following = page.css_first("nav.paginering a.volgende")
        path = following.attributes["href"] or "" if following else ""
    return keys


def _nachtlicht_keys(client: httpx.Client, path: str) -> list[str]:
    page = LexborHTMLParser(client.get(path).text)
    keys = [row.attributes["data-ad-id"] or "" for row in page.css("tr.ad-row")]
    more = page.css_first("#load-more")
    url = html.unescape(more.attributes["data-next"] or "") if more else None
    while url:
        payload = client.get(url).json()
        keys += [item["id"] for item in payload["items"]]
        url = payload["next"]
    return keys


def test_gates_keep_content_back_until_accepted(server: DemoServer) -> None:
    with httpx.Client(base_url=server.urls["rozewereld"]) as client:
        response = client.get("/advertenties/")
        assert response.status_code == 302 and response.headers["location"].startswith("/leeftijdscheck?terug=")
        accepted = client.get("/leeftijdscheck/akkoord?terug=/advertenties/", follow_redirects=True)
        assert accepted.status_code == 200 and "article" in accepted.text and "kaart" in accepted.text
    with httpx.Client(base_url=server.urls["nachtlicht"]) as client:
        gate = client.get("/listings")
        assert gate.status_code == 200 and 'id="consent-gate"' in gate.text and "ad-row" not in gate.text
        assert client.get("/api/listings?scope=all&cursor=0").status_code == 403
        entered = client.get("/consent/accept?next=/listings", follow_redirects=True)
        assert "ad-row" in entered.text or 'data-total="0"' in entered.text


def test_paging_reaches_every_ad_of_the_day(server: DemoServer, small_world: World) -> None:
    with _client(server, "rozewereld") as client:
        keys = _rozewereld_keys(client, "/advertenties/?pagina=1")
    assert len(keys) == len(set(keys)) and set(keys) == _site_keys(small_world, "rozewereld", 2)
    assert len(keys) > 24  # more than one page
    with _client(server, "nachtlicht") as client:
        keys = _nachtlicht_keys(client, "/listings")
    assert len(keys) == len(set(keys)) and set(keys) == _site_keys(small_world, "nachtlicht", 2)


def test_region_pages_list_the_ads_of_their_place(server: DemoServer, small_world: World) -> None:
    ads = small_world.ads_on(2)
    city = max({ad.city for ad in ads}, key=lambda name: sum(ad.city == name for ad in ads))
    sample = next(ad for ad in ads if ad.city == city and ad.site == "rozewereld")
    with _client(server, "rozewereld") as client:
        city_keys = _rozewereld_keys(client, f"/regio/{slugify(sample.province)}/{slugify(city)}/")
        province_keys = _rozewereld_keys(client, f"/regio/{slugify(sample.province)}/")
    assert set(city_keys) == {ad.key for ad in ads if ad.site == "rozewereld" and ad.city == city}
    assert set(city_keys) <= set(province_keys)
    with _client(server, "nachtlicht") as client:
        keys = _nachtlicht_keys(client, f"/city/{slugify(city)}")
    assert set(keys) == {ad.key for ad in ads if ad.site == "nachtlicht" and ad.city == city}


def test_detail_pages_show_the_ad(server: DemoServer, small_world: World) -> None:
    ads = small_world.ads_on(2)
    rw = next(ad for ad in ads if ad.site == "rozewereld" and ad.phone_field and ad.age_field)
    with _client(server, "rozewereld") as client:
        page = LexborHTMLParser(client.get(rw.url_path).text)
    assert page.css_first("dd.naam").text() == rw.name
    assert page.css_first("dd.telefoon").text() == rw.phone_field
    assert page.css_first("dd.leeftijd").text() == f"{rw.age_field} jaar"
    assert page.css_first("div.omschrijving").text(separator="").strip().replace("\n", "") == rw.text.replace("\n", "")
    assert [img.attributes["src"] for img in page.css("img.foto")] == [f"/media/{k}" for k in rw.photo_keys]
    nl = next(ad for ad in ads if ad.site == "nachtlicht")
    with _client(server, "nachtlicht") as client:
        page = LexborHTMLParser(client.get(nl.url_path).text)
        photo = client.get(f"/img/{nl.photo_keys[0]}")
        assert client.get("/img/nobody-1-o.jpg").status_code == 404
    assert page.css_first('td[data-field="name"]').text() == nl.name
    lines = [p.text() for p in page.css("div.ad-body p")]
    assert lines == [line for line in nl.text.split("\n") if line.strip()]
    assert photo.content == small_world.photo_bytes(nl.photo_keys[0])


def test_conditional_requests_and_gzip(server: DemoServer, small_world: World) -> None:
    ad = next(ad for ad in small_world.ads_on(2) if ad.site == "rozewereld")
    with _client(server, "rozewereld") as client:
        first = client.get(ad.url_path)
        assert first.headers["content-encoding"] == "gzip"
        assert client.get(ad.url_path, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
        since = client.get(ad.url_path, headers={"If-Modified-Since": first.headers["last-modified"]})
        assert since.status_code == 304
        assert client.get(ad.url_path, headers={"If-None-Match": '"other"'}).status_code == 200
        photo = client.get(f"/media/{ad.photo_keys[0]}")
        assert photo.headers["content-type"] == "image/jpeg" and "content-encoding" not in photo.headers
        assert (
            client.get(f"/media/{ad.photo_keys[0]}", headers={"If-None-Match": photo.headers["etag"]}).status_code
            == 304
        )


def test_robots_disallows_paths_the_pages_link_to(server: DemoServer) -> None:
    with _client(server, "rozewereld") as client:
        robots = client.get("/robots.txt").text
        home = client.get("/").text
    for path in ("/account/", "/admin/", "/zoeken"):
        assert f"Disallow: {path}" in robots and f'href="{path}' in home
    assert "Crawl-delay:" in robots
    with _client(server, "nachtlicht") as client:
        robots = client.get("/robots.txt").text
        home = client.get("/").text
    assert "Disallow: /members/" in robots and 'href="/members/' in home
    assert "/robots.txt" in server.request_log and any(entry.site == "nachtlicht" for entry in server.requests)


def test_next_day_shows_change_and_removed_ads_answer_gone(small_world: World) -> None:
    day1 = {ad.key: ad for ad in small_world.ads_on(1)}
    day3 = {ad.key: ad for ad in small_world.ads_on(3)}
    gone = next(ad for key, ad in day1.items() if key not in day3 and ad.site == "nachtlicht")
    gone_rw = next((ad for key, ad in day1.items() if key not in day3 and ad.site == "rozewereld"), None)
    with DemoServer(small_world, day=1) as server:
        with _client(server, "nachtlicht") as client:
            assert client.get(gone.url_path).status_code == 200
            server.set_day(3)
            assert client.get(gone.url_path).status_code == 410
            assert client.get("/ad/nl-unknown").status_code == 404
        if gone_rw is not None:
            with _client(server, "rozewereld") as client:
                assert client.get(gone_rw.url_path).status_code == 404
    assert server.urls == {}  # stopped


def test_environ_names_the_base_urls(server: DemoServer) -> None:
    environ = server.environ()
    assert environ["DEMO_ROZEWERELD_URL"] == server.urls["rozewereld"]
    assert environ["DEMO_NACHTLICHT_URL"].startswith("http://127.0.0.1:")


def test_fixture_sets_the_environment(demo_server: DemoServer) -> None:
    assert os.environ["DEMO_ROZEWERELD_URL"] == demo_server.urls["rozewereld"]
    with httpx.Client(base_url=os.environ["DEMO_NACHTLICHT_URL"]) as client:
        assert client.get("/robots.txt").status_code == 200
