"""`scanner sources check`: fetch one listing page and one ad of a source and show what each selector found.

A source author sees at once which selector broke: every selector is listed with its values, and a
selector that finds nothing where it must (ad links on a listing, a required ad field) is a
`SelectorError` naming the selector and the URL. Nothing is stored.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from scanner.crawl.fetcher import AddressGuard, HostPolicy, Response, SafeFetcher, make_client
from scanner.crawl.follow import fetch_linked_values
from scanner.crawl.gate import pass_gate
from scanner.crawl.parse import AdLink, ListingPage, Page, SelectorAdapter, make_adapter
from scanner.crawl.politeness import Downloader, RequestCounters
from scanner.crawl.sourcefile import Follow, SourceConfig
from scanner.errors import FetchError, SelectorError
from scanner.settings import Settings


@dataclass
class SelectorResult:
    name: str
    selector: str
    values: list[str]
    required: bool

    @property
    def ok(self) -> bool:
        return bool(self.values) or not self.required


@dataclass
class CheckReport:
    listing_url: str = ""
    listing: ListingPage = field(default_factory=ListingPage)
    ad_url: str = ""
    fields: list[SelectorResult] = field(default_factory=list)
    follow_failures: list[tuple[str, str]] = field(default_factory=list)  # (url, reason) of ad.follow links

    @property
    def broken(self) -> list[SelectorResult]:
        return [result for result in self.fields if not result.ok]


def _obeys(config: SourceConfig, settings: Settings) -> bool:
    override = config.politeness.obey_robots
    return settings.crawl.obey_robots if override is None else override


async def _fetch(downloader: Downloader, config: SourceConfig, url: str, settings: Settings) -> Page:
    policy = HostPolicy(config.hosts, config.allow_private_addresses)
    response = await downloader.get(url, policy, RequestCounters(), obey_robots=_obeys(config, settings))
    if response.status != 200:
        raise FetchError(f"HTTP {response.status}", url=url, hint="check the URL in the source file")
    return Page(response.url, response.status, response.body, response.content_type)


async def _check(config: SourceConfig, settings: Settings) -> CheckReport:
    adapter = make_adapter(config)
    report = CheckReport()
    async with make_client(settings.crawl, settings.user_agent, concurrency=1) as client:
        downloader = Downloader(SafeFetcher(client, settings.crawl, AddressGuard()), settings.crawl)
        await pass_gate(client, downloader, config, RequestCounters(), obey_robots=_obeys(config, settings))
        report.listing_url = config.absolute(config.start_urls[0].url)
        listing_page = await _fetch(downloader, config, report.listing_url, settings)
        report.listing = adapter.parse_listing(listing_page)
        if not report.listing.ad_links:
            what = config.listing.ad_links.describe() if config.listing and config.listing.ad_links else "the adapter"
            raise SelectorError(
                f"no ad links found on the listing (ad_links: {what})",
                context=f"{config.name}: {report.listing_url}",
                hint="open the page in a browser and correct listing.ad_links (or the gate, if it shows one)",
            )
        link = report.listing.ad_links[0]
        report.ad_url = link.url
        ad_page = await _fetch(downloader, config, link.url, settings)
        if isinstance(adapter, SelectorAdapter):
            assert config.ad is not None
            found = adapter.read_fields(ad_page)
            for name, values in found.items():
                selector = config.ad.selector(name)
                assert selector is not None
                report.fields.append(SelectorResult(name, selector.describe(), values, config.ad.is_required(name)))
            await _follow(downloader, config, settings, ad_page, report)
        else:
            record = adapter.parse_ad(ad_page, AdLink(link.url, link.external_id, link.marker))
            for name, value in (("external_id", record.external_id), ("title", record.title), ("text", record.text)):
                report.fields.append(SelectorResult(name, "adapter", [value] if value else [], True))
    return report


async def _follow(
    downloader: Downloader, config: SourceConfig, settings: Settings, page: Page, report: CheckReport
) -> None:
    """The values behind the ad page's links (`ad.follow`), fetched as the crawl fetches them."""
    assert config.ad is not None
    if not config.ad.follow:
        return
    policy = HostPolicy(config.hosts, config.allow_private_addresses)

    async def fetch(url: str, spec: Follow) -> Response:
        return await downloader.get(
            url,
            policy,
            RequestCounters(),
            obey_robots=_obeys(config, settings),
            headers={"Referer": page.url},
            method=spec.method,
        )

    followed = await fetch_linked_values(config, page, fetch)
    for name, spec in config.ad.follow.items():
        value = followed.values.get(name)
        described = f"follow {spec.link.describe()}"
        report.fields.append(SelectorResult(name, described, [value] if value else [], spec.required))
    report.follow_failures = followed.failures


def check_source(config: SourceConfig, settings: Settings) -> CheckReport:
    """Fetch one listing page and its first ad; raises SelectorError when ad links are missing."""
    return asyncio.run(_check(config, settings))
