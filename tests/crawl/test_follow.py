"""`ad.follow`: a value behind a link of the ad page (a phone behind "show number"), fetched per ad with
the same politeness (robots.txt, the host's delay) and the same safety checks as every request."""

from __future__ import annotations

import json
import re
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from scanner.crawl import SourceConfig, run_crawl
from scanner.db import Database
from scanner.db.models import Ad, AdVersion
from scanner.settings import Settings
from tests.conftest import CliRun
from tests.crawl.conftest import DATA
from tests.crawl.site import FakeSite, SiteAd

DAY1 = datetime(2026, 1, 2, 12)


def follow_source(source: SourceConfig, **follow: Any) -> SourceConfig:
    data = source.model_dump(by_alias=True, exclude_none=True)
    data["ad"]["follow"] = follow
    return SourceConfig.model_validate(data)


def answer(body: str, content_type: str = "text/html; charset=utf-8") -> Any:
    def handle(handler: BaseHTTPRequestHandler) -> None:
        handler.send(200, body.encode(), content_type)  # type: ignore[attr-defined]

    return handle


def show_number(site: FakeSite, ad_id: int, href: str, css_class: str = "show-number") -> None:
    ad = site.ads[ad_id]
    link = f'<a class="{css_class}" href="{href}">Toon nummer</a>'
    site.ads[ad_id] = SiteAd(ad.id, ad.title, f"{ad.text} {link}", ad.city)


def phones(db: Database) -> dict[str, Any]:
    with db.session() as session:
        rows = session.execute(select(Ad.external_id, AdVersion.fields).join(AdVersion, AdVersion.ad_id == Ad.id))
        return {external_id: fields.get("phone") for external_id, fields in rows}


def test_a_phone_behind_a_link_is_fetched_and_replaces_the_page_value(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig
) -> None:
    show_number(site, 1, "/numbers/1.html")
    show_number(site, 1, "/numbers/1.json", "show-json")
    show_number(site, 1, "/numbers/1.txt", "show-text")
    site.extra["/numbers/1.html"] = answer('<p>Bel mij: <span class="number">06-1111 2222</span></p>')
    site.extra["/numbers/1.json"] = answer(json.dumps({"data": {"phone": "06-3333 4444"}}), "application/json")
    site.extra["/numbers/1.txt"] = answer("Telefoon: 06-5555 6666\n", "text/plain")
    config = follow_source(
        source,
        phone={"link": "a.show-number", "value": "span.number"},
        phone_json={"link": "a.show-json", "json": "data.phone"},
        phone_text={"link": "a.show-text", "regex": r"(06[-\d ]+\d)"},
    )
    stats = run_crawl(db, crawl_settings, sources=[config], now=DAY1)
    assert sorted(path for path in site.requests if path.startswith("/numbers/")) == [
        "/numbers/1.html",
        "/numbers/1.json",
        "/numbers/1.txt",
    ]
    own = stats.sources["testsite"]
    assert own.error_count == 0 and own.new_ads == 7
    assert own.status_codes["200"] == len(site.requests) - 1  # every request but the gate's 303: counted
    with db.session() as session:
        version = session.scalars(
            select(AdVersion).join(Ad, Ad.id == AdVersion.ad_id).where(Ad.external_id == "1")
        ).one()
        followed = {name: version.fields.get(name) for name in ("phone", "phone_json", "phone_text")}
    assert followed == {"phone": "06-1111 2222", "phone_json": "06-3333 4444", "phone_text": "06-5555 6666"}
    assert phones(db)["4"] == "06-1234 5674"  # no link on its page: the page's own value


def test_a_link_robots_txt_disallows_or_another_host_is_never_requested(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig
) -> None:
    show_number(site, 1, "/private/number/1")  # robots.txt of the test site disallows /private/
    show_number(site, 2, "http://numbers.example/2")  # not an allowed host of the source
    show_number(site, 3, "/numbers/missing")  # 404
    stats = run_crawl(db, crawl_settings, sources=[follow_source(source, phone={"link": "a.show-number"})], now=DAY1)
    assert not any(path.startswith("/private/") for path in site.requests)
    own = stats.sources["testsite"]
    reasons = {error["url"]: error["reason"] for error in own.errors}
    assert reasons == {
        f"{site.url}/private/number/1": "follow phone: disallowed by robots.txt",
        "http://numbers.example/2": "follow phone: host numbers.example is not an allowed host of this source",
        f"{site.url}/numbers/missing": "follow phone: HTTP 404",
    }
    assert own.new_ads == 7  # an optional follow that fails keeps the ad, with the page's own value
    assert phones(db)["1"] == "06-1234 5671"


def test_requests_behind_links_keep_the_hosts_delay(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig
) -> None:
    for ad_id in (1, 2, 3):
        show_number(site, ad_id, f"/numbers/{ad_id}")
        site.extra[f"/numbers/{ad_id}"] = answer(f'<span class="number">06-1111 000{ad_id}</span>')
    data = follow_source(source, phone={"link": "a.show-number", "value": "span.number"}).model_dump(by_alias=True)
    delay = data["politeness"]["delay"] = 0.1
    run_crawl(db, crawl_settings, sources=[SourceConfig.model_validate(data)], now=DAY1)
    assert sum(path.startswith("/numbers/") for path in site.requests) == 3
    # The starts of all requests to the host, the three behind links included, are spaced by the delay:
    # without it for those three, the span would be three delays shorter.
    assert site.started[-1] - site.started[0] >= 0.9 * delay * (len(site.started) - 1)


def test_a_required_value_that_cannot_be_fetched_fails_the_ad(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig
) -> None:
    for ad_id in range(2, 7):
        show_number(site, ad_id, f"/numbers/{ad_id}")
        site.extra[f"/numbers/{ad_id}"] = answer(f'<span class="number">06-1111 000{ad_id}</span>')
    show_number(site, 1, "/numbers/missing")  # ad 7 shows no link at all
    config = follow_source(source, phone={"link": "a.show-number", "value": "span.number", "required": True})
    stats = run_crawl(db, crawl_settings, sources=[config], now=DAY1)
    own = stats.sources["testsite"]
    assert own.new_ads == 5
    reasons = {error["url"].rsplit("/", 1)[1]: error["reason"] for error in own.errors}
    assert "required value behind a link not found: phone (follow phone: HTTP 404)" in reasons["1"]
    assert "required value behind a link not found: phone (no link on the ad page)" in reasons["7"]


@pytest.mark.parametrize(
    ("follow", "message"),
    [
        ({"phone": {"link": "a", "value": "span", "json": "x"}}, "give value"),
        ({"title": {"link": "a"}}, "title is read from the ad page itself"),
        ({"phone": {"link": "a", "regex": "("}}, "regex does not compile"),
    ],
)
def test_a_follow_that_cannot_work_is_refused_when_the_file_is_read(
    source: SourceConfig, follow: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        follow_source(source, **follow)


def test_sources_check_shows_the_value_behind_the_link(run_cli: CliRun, site: FakeSite, tmp_path: Path) -> None:
    show_number(site, 1, "/numbers/1")
    site.extra["/numbers/1"] = answer('<span class="number">06-1111 2222</span>')
    text = (DATA / "sources" / "testsite.yaml").read_text(encoding="utf-8")
    follow = "  follow:\n    phone: {link: a.show-number, value: span.number}\n    email: {link: a.mail}\n"
    (tmp_path / "testsite.yaml").write_text(text + follow, encoding="utf-8")
    result = run_cli(
        "sources", "check", "testsite", env={"TEST_SITE_URL": site.url, "SCANNER_PATHS_SOURCES_DIR": str(tmp_path)}
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"^  ok +phone +follow a\.show-number +06-1111 2222$", result.output, re.MULTILINE)
    assert re.search(r"^  - +email +follow a\.mail +$", result.output, re.MULTILINE)  # optional; no such link
