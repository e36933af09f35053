"""Being polite to a site, and no slower than politeness requires: robots.txt, delays, retries.

`Downloader.get` wraps `SafeFetcher.fetch` with, per host:

- robots.txt (protego), fetched once per run; disallowed URLs are never requested and Crawl-delay
  raises the host's delay (settings: crawl.obey_robots, the source's politeness.obey_robots). As
  RFC 9309 says, a robots.txt that answers 4xx means no rules; one that answers 5xx or 429 (after
  the retries) or cannot be reached means "disallow everything": every URL of that host then fails
  with `RobotsUnreachable`, so the crawl knows the site could not be crawled now, not that it is empty;
- a slot: at most crawl.per_host_concurrency requests at once, and crawl.delay seconds (± jitter)
  between their starts; the delay adapts, growing when the server slows down or answers 429 and
  settling back towards the configured value when it recovers;
- a global limit of crawl.global_concurrency requests over all hosts;
- retries on 408, 429, 5xx and network errors, waiting crawl.backoff_base seconds doubling up to
  crawl.backoff_max, or the server's Retry-After when it says so (also capped), at most
  crawl.max_retries times. Unsafe responses (size, deadline, address, redirects) are never retried.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from protego import Protego

from scanner.crawl.failures import RobotsDisallowed, RobotsUnreachable, classify, status_class
from scanner.crawl.fetcher import HostPolicy, NetworkError, Request, Response, SafeFetcher
from scanner.errors import FetchError, UnsafeResponseError
from scanner.settings import CrawlSettings

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 507, 509, 520, 521, 522, 523, 524})


@dataclass
class HostState:
    base_delay: float
    concurrency: int
    jitter: float
    max_delay: float = 60.0
    delay: float = 0.0
    next_start: float = 0.0
    slots: asyncio.Semaphore = field(init=False)
    robots: Protego | None = None
    robots_problem: RobotsUnreachable | None = None
    robots_ready: asyncio.Event = field(default_factory=asyncio.Event)
    robots_started: bool = False

    def __post_init__(self) -> None:
        self.delay = self.base_delay
        self.slots = asyncio.Semaphore(self.concurrency)

    def adapt(self, latency: float, status: int | None) -> None:
        """AutoThrottle's idea: 429 doubles the delay; otherwise it moves towards the observed latency per
        slot, never below the configured delay and never above max_delay (crawl.backoff_max)."""
        ceiling = max(self.max_delay, self.base_delay)
        if status == 429:
            self.delay = min(ceiling, max(self.delay * 2, 1.0))
            return
        target = max(self.base_delay, latency / self.concurrency) if self.base_delay > 0 else self.base_delay
        self.delay = min(ceiling, max(self.base_delay, (self.delay + target) / 2))
        if self.delay < 0.01:
            self.delay = self.base_delay


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (a number or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


@dataclass
class RequestCounters:
    """What the downloader saw, per source; the crawler copies it into the run statistics."""

    requests: int = 0
    retries: int = 0
    wire_bytes: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


class Downloader:
    def __init__(
        self,
        fetcher: SafeFetcher,
        settings: CrawlSettings,
        *,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.settings = settings
        self.hosts: dict[str, HostState] = {}
        self.overrides: dict[str, tuple[float | None, int | None]] = {}
        self.global_slots = asyncio.Semaphore(settings.global_concurrency)
        self._sleep: Callable[[float], Awaitable[None]] = sleep or asyncio.sleep

    def configure_host(self, hostname: str, *, delay: float | None, concurrency: int | None) -> None:
        """A source's politeness overrides for one host name (any scheme or port)."""
        self.overrides[hostname.lower()] = (delay, concurrency)

    def host_state(self, origin: str) -> HostState:
        """The state of one origin (scheme://host:port), created with the host's overrides when new."""
        state = self.hosts.get(origin)
        if state is None:
            delay, concurrency = self.overrides.get(urlsplit(origin).hostname or "", (None, None))
            state = HostState(
                base_delay=self.settings.delay if delay is None else delay,
                concurrency=concurrency or self.settings.per_host_concurrency,
                jitter=self.settings.jitter,
                max_delay=self.settings.backoff_max,
            )
            self.hosts[origin] = state
        return state

    async def get(
        self,
        url: str,
        policy: HostPolicy,
        counters: RequestCounters,
        *,
        obey_robots: bool = True,
        headers: dict[str, str] | None = None,
        method: str = "GET",
        form: dict[str, str] | None = None,
        max_bytes: int | None = None,
        client: httpx.AsyncClient | None = None,
    ) -> Response:
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}".lower()
        state = self.host_state(host)
        # A URL the source may not fetch is refused before its host's robots.txt is asked for.
        await self.fetcher.guard.check(url, policy)
        if obey_robots:
            await self.check_robots(url, policy, counters)
            if state.robots is not None and not state.robots.can_fetch(url, self.fetcher.client.headers["User-Agent"]):
                raise RobotsDisallowed("disallowed by robots.txt", url=url, hint="the site asks not to fetch this path")
        request = Request(url, policy, headers=headers, method=method, form=form, max_bytes=max_bytes, client=client)
        return await self._with_retries(request, state, counters)

    async def check_robots(self, url: str, policy: HostPolicy, counters: RequestCounters) -> None:
        """Read the robots.txt of the URL's host once per run; raise `RobotsUnreachable` when it could not be read."""
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}".lower()
        state = self.host_state(host)
        if state.robots_started:
            await state.robots_ready.wait()
        else:
            state.robots_started = True
            try:
                await self._read_robots(f"{host}/robots.txt", state, policy, counters)
            finally:
                state.robots_ready.set()
        if state.robots_problem is not None:
            problem = state.robots_problem
            raise RobotsUnreachable(problem.message, url=url, cause=problem.cause)

    async def _read_robots(
        self, robots_url: str, state: HostState, policy: HostPolicy, counters: RequestCounters
    ) -> None:
        try:
            response = await self._with_retries(Request(robots_url, policy), state, counters)
        except FetchError as exc:
            state.robots_problem = RobotsUnreachable(
                f"{robots_url} unreachable ({exc.message})", url=robots_url, cause=classify(exc)
            )
            return
        if 200 <= response.status < 300:
            state.robots = Protego.parse(response.body.decode("utf-8", errors="replace"))
            crawl_delay = state.robots.crawl_delay(self.fetcher.client.headers["User-Agent"])
            if crawl_delay:
                state.base_delay = max(state.base_delay, float(crawl_delay))
                state.delay = max(state.delay, state.base_delay)
        elif response.status >= 500 or response.status == 429 or response.status < 400:
            # 5xx and 429: the server cannot or will not answer now; a 1xx or 3xx left over is no robots.txt either.
            state.robots_problem = RobotsUnreachable(
                f"{robots_url} answered HTTP {response.status}", url=robots_url, cause=status_class(response.status)
            )
        # any other 4xx: the site has no robots.txt, so nothing is disallowed (RFC 9309, 2.3.1.3)

    async def _with_retries(self, request: Request, state: HostState, counters: RequestCounters) -> Response:
        attempt = 0
        while True:
            wait: float | None = None
            try:
                response = await self._one(request, state, counters)
            except UnsafeResponseError:
                raise
            except NetworkError:
                if attempt >= self.settings.max_retries:
                    raise
            else:
                if response.status not in RETRY_STATUSES or attempt >= self.settings.max_retries:
                    return response
                wait = retry_after_seconds(response.headers.get("retry-after"))
            backoff = self.settings.backoff_base * (2**attempt)
            delay = min(self.settings.backoff_max, max(backoff, wait or 0.0))
            attempt += 1
            counters.retries += 1
            await self._sleep(delay)

    async def _one(self, request: Request, state: HostState, counters: RequestCounters) -> Response:
        async with state.slots:
            await self._wait_turn(state)
            async with self.global_slots:
                started = time.monotonic()
                status: int | None = None
                try:
                    response = await self.fetcher.send(request)
                    status = response.status
                    counters.wire_bytes += response.wire_bytes
                    return response
                finally:
                    counters.requests += 1
                    key = str(status) if status is not None else "error"
                    counters.statuses[key] = counters.statuses.get(key, 0) + 1
                    state.adapt(time.monotonic() - started, status)

    async def _wait_turn(self, state: HostState) -> None:
        """Space request starts to one host by its (jittered) delay."""
        if state.delay <= 0:
            return
        now = time.monotonic()
        start = max(now, state.next_start)
        spread = state.delay * state.jitter
        state.next_start = start + max(0.0, state.delay + random.uniform(-spread, spread))
        if start > now:
            await self._sleep(start - now)
