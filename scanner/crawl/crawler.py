"""The crawl of one run: workers fetch frontier entries, one writer stores their outcomes in batches.

`run_crawl` seeds (or resumes) the run's frontier with the sources' start URLs, reads each source's
robots.txt (one that cannot be read now means the source is not crawled at all: RFC 9309), passes
its age gate, then fetches listing, ad and photo entries. Each origin (scheme, host, port) has its own
queue and as many workers as its per-host concurrency, so a slow or hostile host holds up only its
own work; crawl.global_concurrency bounds the requests in flight over all hosts. Workers fetch
through the politeness layer and parse; the writer applies outcomes in batches in a thread, so the
event loop keeps fetching while the database commits. Incremental behaviour:

- a listing or ad page with a stored ETag/Last-Modified is asked for conditionally (304: not fetched
  again); a page whose bytes hash as before is not parsed again;
- a known ad whose listing marker is unchanged is sighted without fetching its page;
- a photo URL is fetched once, ever.

Every failure is an error for that URL in the statistics, with its class (`scanner.crawl.failures`);
the run goes on. At the end each source is judged `ok`, `degraded` or `failed` and its missing ads
are counted, on proof only (`scanner.crawl.removal`). Without a terminal the crawl logs a progress
line per source every `log_interval` seconds.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from selectolax.lexbor import LexborHTMLParser

from scanner.clock import utcnow
from scanner.crawl.failures import GateNotPassed, RobotsDisallowed, RobotsUnreachable, classify, status_class
from scanner.crawl.fetcher import AddressGuard, HostPolicy, Response, SafeFetcher, make_client
from scanner.crawl.follow import follow_links
from scanner.crawl.gate import pass_gate
from scanner.crawl.imagehashes import hash_image
from scanner.crawl.parse import Adapter, AdLink, AdRecord, ListingPage, Page, make_adapter
from scanner.crawl.politeness import Downloader, RequestCounters
from scanner.crawl.region import RegionFilter
from scanner.crawl.sourcefile import Follow, SourceConfig, load_sources
from scanner.crawl.stats import CrawlStats
from scanner.crawl.store import CacheRecord, CrawlStore, Outcome, SourceState, WorkItem
from scanner.db import Database
from scanner.errors import FetchError, InputError, ScannerError, SelectorError
from scanner.settings import Settings

log = logging.getLogger("scanner.crawl")
BATCH_LIMIT = 400
STATS_INTERVAL = 2.0
PAGE_TYPES = frozenset({"application/xhtml+xml", "application/json", "application/ld+json"})
GONE_STATUSES = frozenset({404, 410})  # an ad page answering these proves the ad was taken down


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class Crawl:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        sources: list[SourceConfig],
        run_id: int,
        stats: CrawlStats,
        now: datetime,
        progress: Callable[[str, int, int], None] | None = None,
        log_interval: float | None = None,
    ) -> None:
        self.settings = settings
        self.crawl_settings = settings.crawl
        self.configs = sources
        self.stats = stats
        self.store = CrawlStore(db, run_id, now, settings.crawl)
        self.adapters: dict[str, Adapter] = {}
        self.policies: dict[str, HostPolicy] = {}
        self.counters: dict[str, RequestCounters] = {}
        self.queues: dict[str, asyncio.Queue[WorkItem]] = {}
        self.workers: list[asyncio.Task[None]] = []
        self.outcomes: asyncio.Queue[Outcome] = asyncio.Queue()
        self.open_items = 0
        self.done = asyncio.Event()
        self.progress = progress
        self.log_interval = log_interval
        self.completed = 0
        self.queued: dict[str, int] = {}  # per source: entries enqueued and not yet applied
        self.started = time.monotonic()
        self.source_started: dict[str, float] = {}

    # ---- set-up ---------------------------------------------------------------------------

    def prepare(self) -> list[WorkItem]:
        default_region = self.settings.municipality.region
        for config in self.configs:
            region = RegionFilter(config.region if config.region is not None else default_region)
            self.store.add_source(config, region)
            self.adapters[config.name] = make_adapter(config)
            self.policies[config.name] = HostPolicy(config.hosts, config.allow_private_addresses)
            self.counters[config.name] = RequestCounters()
            self.stats.source(config.name)
        pending = self.store.load()
        seeds = [
            WorkItem(config.name, config.absolute(start.url), "listing", {"city": start.city, "depth": 0})
            for config in self.configs
            if not self.stats.source(config.name).finalized
            for start in config.start_urls
        ]
        return pending + self.store.seed(seeds)

    async def run(self) -> None:
        items = self.prepare()
        concurrency = self.crawl_settings.global_concurrency
        async with make_client(self.crawl_settings, self.settings.user_agent, concurrency=concurrency) as client:
            self.client = client
            self.downloader = Downloader(SafeFetcher(client, self.crawl_settings, AddressGuard()), self.crawl_settings)
            for config in self.configs:
                self.source_started[config.name] = time.monotonic()
                self._configure_host(config)
            opening = [config for config in self.configs if not self.stats.source(config.name).finalized]
            await asyncio.gather(*(self._open_source(client, config) for config in opening))
            closed = {config.name for config in opening if self.stats.source(config.name).robots is not None}
            self._enqueue([item for item in items if item.source not in closed])
            writer = asyncio.create_task(self._writer())
            ticker = asyncio.create_task(self._log_progress(self.log_interval)) if self.log_interval else None
            if self.open_items == 0:
                self.done.set()
            finished = asyncio.create_task(self.done.wait())
            try:
                # the writer ends only by failing (a database error): that ends the run instead of a hang
                await asyncio.wait([finished, writer], return_when=asyncio.FIRST_COMPLETED)
                if writer.done():
                    writer.result()
            finally:
                finished.cancel()
                helpers = [*self.workers, *([ticker] if ticker is not None else [])]
                for task in helpers:
                    task.cancel()
                await asyncio.gather(*helpers, return_exceptions=True)
                writer.cancel()
                await asyncio.gather(writer, return_exceptions=True)
        self._merge_counters()
        for config in self.configs:
            await asyncio.to_thread(self.store.finalize_source, config.name, self.stats)

    def _configure_host(self, config: SourceConfig) -> None:
        for host in config.hosts:
            self.downloader.configure_host(
                host, delay=config.politeness.delay, concurrency=config.politeness.per_host_concurrency
            )

    async def _open_source(self, client: httpx.AsyncClient, config: SourceConfig) -> None:
        """Read the robots.txt of each host the source starts from, then pass its gate.

        A robots.txt that cannot be read (5xx, 429, timeout, refused) closes the source for this run:
        nothing of it is fetched, so nothing of it can be taken for gone.
        """
        stats = self.stats.source(config.name)
        stats.robots = stats.robots_cause = stats.gate = None  # judged afresh by every (resumed) attempt
        if self._obey_robots(config):
            starts = [config.absolute(start.url) for start in config.start_urls]
            if config.gate is not None and config.gate.request is not None:
                starts.append(config.absolute(config.gate.request.url))
            for url in starts:
                try:
                    await self.downloader.check_robots(url, self.policies[config.name], self.counters[config.name])
                except RobotsUnreachable as exc:
                    stats.robots, stats.robots_cause = exc.message, exc.cause
                    stats.add_error(exc.url, exc.message)
                    log.error("source %s cannot be crawled now: %s", config.name, exc.message)
                    return
        try:
            await pass_gate(
                client, self.downloader, config, self.counters[config.name], obey_robots=self._obey_robots(config)
            )
        except FetchError as exc:
            stats.gate = exc.message
            stats.add_error(exc.url, f"gate: {exc.message}")
            log.warning("source %s: gate not passed: %s", config.name, exc.message)

    def _obey_robots(self, config: SourceConfig) -> bool:
        override = config.politeness.obey_robots
        return self.crawl_settings.obey_robots if override is None else override

    # ---- the queue ------------------------------------------------------------------------

    def _enqueue(self, items: list[WorkItem]) -> None:
        for item in items:
            self.open_items += 1
            self.queued[item.source] = self.queued.get(item.source, 0) + 1
            parts = urlsplit(item.url)
            origin = f"{parts.scheme}://{parts.netloc}".lower()
            queue = self.queues.get(origin)
            if queue is None:
                queue = self.queues[origin] = asyncio.Queue()
                for _ in range(self.downloader.host_state(origin).concurrency):
                    self.workers.append(asyncio.create_task(self._worker(queue)))
            queue.put_nowait(item)

    async def _worker(self, queue: asyncio.Queue[WorkItem]) -> None:
        """Fetch the entries of one origin's queue, over a connection of its own."""
        async with make_client(
            self.crawl_settings, self.settings.user_agent, concurrency=1, cookies=self.client.cookies.jar
        ) as client:
            while True:
                await self._work(await queue.get(), client)

    async def _work(self, item: WorkItem, client: httpx.AsyncClient) -> None:
        try:
            outcome = await self._process(item, client)
        except ScannerError as exc:
            outcome = Outcome(item, status="failed", error=str(exc.message), error_class=classify(exc))
        except Exception as exc:  # a bug on one page must not lose the run; it is recorded with the URL
            log.exception("unexpected error on %s", item.url)
            outcome = Outcome(
                item, status="failed", error=f"internal error: {type(exc).__name__}", error_class="internal"
            )
        if outcome.status == "failed":
            self.stats.source(item.source).add_error(item.url, outcome.error or "failed")
            log.warning("crawl error source=%s url=%s reason=%s", item.source, item.url, outcome.error)
        # the outcome is queued before its discoveries, so the writer stores their frontier rows first
        outcome.discovered = self.store.claim(outcome.discovered)
        self.outcomes.put_nowait(outcome)
        self._enqueue(outcome.discovered)

    async def _writer(self) -> None:
        last_stats = 0.0
        while True:
            batch = [await self.outcomes.get()]
            while not self.outcomes.empty() and len(batch) < BATCH_LIMIT:
                batch.append(self.outcomes.get_nowait())
            with_stats = time.monotonic() - last_stats > STATS_INTERVAL
            if with_stats:
                self._merge_counters()
                last_stats = time.monotonic()
            fresh = await asyncio.to_thread(self.store.apply, batch, self.stats, save_stats=with_stats)
            self._count_applied(batch)
            for outcome in batch:
                self.queued[outcome.item.source] -= 1
            self._enqueue(fresh)
            self.open_items -= len(batch)
            self.completed += len(batch)
            if self.progress is not None:
                self.progress("crawl", self.completed, self.completed + self.open_items)
            if self.open_items == 0:
                self.done.set()

    def _count_applied(self, batch: list[Outcome]) -> None:
        for outcome in batch:
            if outcome.photo is not None and outcome.photo[0] is not None:
                self.stats.source(outcome.item.source).photos += 1

    def _merge_counters(self) -> None:
        for name, counters in self.counters.items():
            stats = self.stats.source(name)
            stats.bytes += counters.wire_bytes
            stats.retries += counters.retries
            for code, count in counters.statuses.items():
                stats.status_codes[code] = stats.status_codes.get(code, 0) + count
            counters.wire_bytes, counters.retries, counters.statuses = 0, 0, {}
            if name in self.source_started:
                stats.duration += time.monotonic() - self.source_started[name]
                self.source_started[name] = time.monotonic()

    # ---- one entry ------------------------------------------------------------------------

    async def _process(self, item: WorkItem, client: httpx.AsyncClient) -> Outcome:
        state = self.store.sources[item.source]
        stats = self.stats.source(item.source)
        limit = state.config.politeness.max_pages or self.crawl_settings.max_pages_per_source
        if stats.pages >= limit and item.kind != "photo":
            error = f"page limit of {limit} for this source reached"
            return Outcome(item, status="failed", error=error, error_class="page_limit")
        cached = self.store.cache.get(item.url)
        headers = self._conditional_headers(item, state, cached)
        try:
            response = await self.downloader.get(
                item.url,
                self.policies[item.source],
                self.counters[item.source],
                obey_robots=self._obey_robots(state.config),
                headers=headers,
                max_bytes=self.crawl_settings.max_image_bytes if item.kind == "photo" else None,
                client=client,
            )
        except RobotsDisallowed:
            stats.robots_disallowed += 1
            if item.kind == "listing":  # a listing not read: what it lists is unknown
                return Outcome(item, status="failed", error="disallowed by robots.txt", error_class="robots_disallowed")
            return Outcome(item, status="done", error="disallowed by robots.txt")
        if item.kind != "photo":
            stats.pages += 1
        if response.status == 304 and cached is not None:
            stats.not_modified += 1
            return self._unchanged(item, state, cached)
        if response.status in GONE_STATUSES and item.kind == "ad":
            return Outcome(item, status="gone", error=f"HTTP {response.status}")
        if response.status != 200:
            error_class = status_class(response.status)
            return Outcome(item, status="failed", error=f"HTTP {response.status}", error_class=error_class)
        page = Page(response.url, response.status, response.body, response.content_type)
        if item.kind == "photo":
            return await self._photo(item, page)
        if not _is_page(page.content_type):
            error = f"not a page: content type {page.content_type or 'missing'}"
            return Outcome(item, status="failed", error=error, error_class="not_a_page")
        digest = _sha256(response.body)
        record = CacheRecord(response.headers.get("etag"), response.headers.get("last-modified"), digest)
        if cached is not None and cached.content_hash == digest and self._reusable(item, state, cached):
            record.meta = cached.meta
            outcome = self._unchanged(item, state, cached)
            outcome.cache = (item.url, record)
            return outcome
        adapter = self.adapters[item.source]
        if item.kind == "listing":
            listing = adapter.parse_listing(page)
            if not listing.ad_links and not listing.next_pages:
                self._check_gate(state.config, page)
            record.meta = listing.to_json()
            outcome = self._from_listing(item, state, listing)
        else:
            link = AdLink(item.url, item.meta.get("external_id"), item.meta.get("marker"))
            try:
                ad = adapter.parse_ad(page, link)
            except SelectorError:
                self._check_gate(state.config, page)  # the better explanation, when it applies
                raise
            await self._follow(item, client, page, ad)
            record.meta = {"external_id": ad.external_id, "marker": link.marker}
            outcome = Outcome(item, ad=ad)
        outcome.cache = (item.url, record)
        return outcome

    async def _follow(self, item: WorkItem, client: httpx.AsyncClient, page: Page, ad: AdRecord) -> None:
        """Values behind links of the ad page (`ad.follow`), fetched with the same politeness and checks."""
        config = self.store.sources[item.source].config
        if config.ad is None or not config.ad.follow:
            return

        async def fetch(url: str, spec: Follow) -> Response:
            return await self.downloader.get(
                url,
                self.policies[item.source],
                self.counters[item.source],
                obey_robots=self._obey_robots(config),
                headers={"Referer": page.url},
                method=spec.method,
                client=client,
            )

        for url, reason in await follow_links(ad, page, config, fetch):
            self.stats.source(item.source).add_error(url, reason)
            log.warning("crawl error source=%s url=%s reason=%s", item.source, url, reason)

    def _conditional_headers(self, item: WorkItem, state: SourceState, cached: CacheRecord | None) -> dict[str, str]:
        if cached is None or item.kind == "photo" or not self._reusable(item, state, cached):
            return {}
        headers = {}
        if cached.etag:
            headers["If-None-Match"] = cached.etag
        if cached.last_modified:
            headers["If-Modified-Since"] = cached.last_modified
        return headers

    @staticmethod
    def _reusable(item: WorkItem, state: SourceState, cached: CacheRecord) -> bool:
        """Whether what the cache remembers of this page is enough to skip reading it again."""
        if cached.meta is None:
            return False
        if item.kind == "listing":
            return "ads" in cached.meta
        external_id = cached.meta.get("external_id")
        return cached.meta.get("outside_region") == sorted(state.region.names) or (
            isinstance(external_id, str) and external_id in state.known_ads
        )

    def _unchanged(self, item: WorkItem, state: SourceState, cached: CacheRecord) -> Outcome:
        assert cached.meta is not None
        if item.kind == "listing":
            return self._from_listing(item, state, ListingPage.from_json(cached.meta))
        external_id = str(cached.meta["external_id"])
        return Outcome(item, seen=[(external_id, str(item.meta.get("listing_url", "")), item.meta.get("city"))])

    def _check_gate(self, config: SourceConfig, page: Page) -> None:
        """Raise when the page is the site's age or consent gate (checked only when selectors found nothing)."""
        if config.gate is None or config.gate.detect is None:
            return
        if LexborHTMLParser(page.text).css_first(config.gate.detect) is not None:
            raise GateNotPassed(
                "the age or consent gate was shown instead of the page",
                url=page.url,
                hint=f"check gate in {config.file or config.name}: cookies or the gate request",
            )

    def _from_listing(self, item: WorkItem, state: SourceState, listing: ListingPage) -> Outcome:
        outcome = Outcome(item)
        city = item.meta.get("city")
        depth = int(item.meta.get("depth", 0))
        for link in listing.ad_links:
            if not state.config.hosts & {_host(link.url)}:
                continue
            known = link.external_id is not None and link.external_id in state.known_ads
            cached = self.store.cache.get(link.url)
            if (
                known
                and link.marker is not None
                and cached is not None
                and cached.meta is not None
                and cached.meta.get("marker") == link.marker
            ):
                assert link.external_id is not None
                outcome.seen.append((link.external_id, item.url, city))
                self.stats.source(item.source).skipped_known += 1
                continue
            meta = {"listing_url": item.url, "city": city, "external_id": link.external_id, "marker": link.marker}
            outcome.discovered.append(WorkItem(item.source, link.url, "ad", meta))
        for url in listing.next_pages:
            if _host(url) in state.config.hosts:
                outcome.discovered.append(WorkItem(item.source, url, "listing", {"city": city, "depth": depth + 1}))
        return outcome

    # ---- progress without a terminal ------------------------------------------------------

    async def _log_progress(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            for line in self.progress_lines():
                log.info(line)

    def progress_lines(self) -> list[str]:
        """One line per source still crawling: pages, ads, errors, what is queued and for how long."""
        lines = []
        for config in self.configs:
            stats = self.stats.source(config.name)
            if stats.finalized:
                continue
            if stats.robots is not None:
                lines.append(f"crawl {config.name}: not crawled: {stats.robots}")
                continue
            elapsed = time.monotonic() - self.source_started.get(config.name, self.started)
            lines.append(
                f"crawl {config.name}: {stats.pages} pages, ads {stats.new_ads} new, {stats.changed_ads} changed, "
                f"{stats.unchanged_ads} unchanged, {stats.error_count} errors, "
                f"{self.queued.get(config.name, 0)} queued, {elapsed:.0f} s"
            )
        return lines

    async def _photo(self, item: WorkItem, page: Page) -> Outcome:
        """Hash a photo; a bad one is stored with its error (so it is not fetched again) and counted."""
        error = None
        if not page.content_type.lower().startswith("image/"):
            error = f"not an image: {page.content_type or 'no content type'}"
        else:
            try:
                hashes = await asyncio.to_thread(
                    hash_image, page.body, max_pixels=self.crawl_settings.max_image_pixels, context=item.url
                )
            except InputError as exc:
                error = exc.message
        if error is not None:
            self.stats.source(item.source).add_error(item.url, error)
            return Outcome(item, photo=(None, error, None))
        content = page.body if self.crawl_settings.keep_image_bytes else None
        return Outcome(item, photo=(hashes, None, content))


def _is_page(content_type: str) -> bool:
    """Listings and ads are HTML, XHTML, JSON or text; anything else (a PDF, an image) is refused."""
    kind = content_type.split(";", 1)[0].strip().lower()
    return not kind or kind.startswith("text/") or kind in PAGE_TYPES


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def run_crawl(
    db: Database,
    settings: Settings,
    *,
    sources: list[SourceConfig] | None = None,
    scan_run_id: int | None = None,
    now: datetime | None = None,
    progress: bool = False,
    log_interval: float | None = None,
) -> CrawlStats:
    """Crawl the sources (default: all of paths.sources_dir) into the database; see the module docstring.

    `progress` shows a progress bar (on a terminal); `log_interval` logs a progress line per source
    every so many seconds instead (cron, systemd).
    """
    configs = sources if sources is not None else load_sources(Path(settings.paths.sources_dir))
    clock = now or utcnow()
    run_id, stats, resumed = CrawlStore.open_run(db, scan_run_id, clock)
    if resumed:
        log.info("resuming crawl run=%s", run_id)
    started = time.monotonic()
    crawl = Crawl(db, settings, configs, run_id, stats, clock, log_interval=log_interval)
    status, error = "completed", None
    try:
        if progress:
            from scanner.crawl.progress import run_with_progress

            run_with_progress(crawl)
        else:
            asyncio.run(crawl.run())
    except BaseException as exc:
        status, error = ("interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"), type(exc).__name__
        raise
    finally:
        stats.duration += time.monotonic() - started
        crawl.store.finish_run(stats, status, owns_run=scan_run_id is None, error=error)
        for line in stats.summary_lines():
            log.info("crawl %s", line)
    return stats
