"""The safety and politeness layers against a live server on 127.0.0.1 behaving badly."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from scanner.crawl.failures import RobotsUnreachable, classify
from scanner.crawl.fetcher import AddressGuard, HostPolicy, Request, SafeFetcher, make_client
from scanner.crawl.politeness import Downloader, HostState, RequestCounters, RobotsDisallowed, retry_after_seconds
from scanner.errors import UnsafeResponseError
from scanner.settings import CrawlSettings
from tests.crawl.site import FakeSite, drip, gzip_bomb, huge, redirect_to, serve, status

LOCAL = HostPolicy(frozenset({"127.0.0.1"}), allow_private_addresses=True)


def limits(deadline: float = 1.0) -> CrawlSettings:
    return CrawlSettings(
        delay=0,
        jitter=0,
        request_deadline=deadline,
        request_timeout=0.8,
        max_response_bytes=100_000,
        max_retries=2,
        backoff_base=0.01,
        backoff_max=0.05,
    )


@pytest.fixture
def hostile() -> Iterator[FakeSite]:
    site = FakeSite()
    site.extra = {
        "/bomb": gzip_bomb,
        "/drip": drip,
        "/huge": huge,
        "/loop": redirect_to("/loop"),
        "/away": redirect_to("http://example.org/"),
        "/503": status(503),
        "/429": status(429, Retry_After="0"),
        "/hop": redirect_to("/robots.txt"),
    }
    with serve(site) as running:
        yield running


async def _fetch(url: str, policy: HostPolicy = LOCAL, settings: CrawlSettings | None = None) -> tuple[int, bytes]:
    settings = settings or limits()
    async with make_client(settings, "scanner-test (+http://127.0.0.1/contact)", concurrency=4) as client:
        response = await SafeFetcher(client, settings).send(Request(url, policy))
        return response.status, response.body


@pytest.mark.parametrize(
    ("path", "reason", "deadline"),
    [
        # size limits get a deadline long enough that a loaded machine cannot hit it first
        ("/bomb", "decoded response exceeds the limit", 8.0),
        ("/huge", "decoded response exceeds the limit", 8.0),
        ("/drip", "deadline", 1.0),
        ("/loop", "more than 5 redirects", 1.0),
        ("/away", "not an allowed host", 1.0),
    ],
)
def test_hostile_responses_are_refused_quickly(hostile: FakeSite, path: str, reason: str, deadline: float) -> None:
    started = time.monotonic()
    with pytest.raises(UnsafeResponseError, match=reason) as caught:
        asyncio.run(_fetch(hostile.url + path, settings=limits(deadline)))
    assert caught.value.url == hostile.url + path
    assert time.monotonic() - started < 10.0  # far below a hang; generous for a loaded CI machine


def test_redirect_within_the_site_is_followed(hostile: FakeSite) -> None:
    status_code, body = asyncio.run(_fetch(hostile.url + "/hop"))
    assert status_code == 200
    assert b"Disallow: /private/" in body


def test_private_addresses_are_refused_unless_allowed(hostile: FakeSite) -> None:
    strict = HostPolicy(frozenset({"127.0.0.1", "localhost"}), allow_private_addresses=False)
    for url in (hostile.url + "/robots.txt", hostile.url.replace("127.0.0.1", "localhost") + "/robots.txt"):
        with pytest.raises(UnsafeResponseError, match="non-public address"):
            asyncio.run(_fetch(url, strict))


REBINDING_HOST = "rebind.invalid"


@pytest.fixture
def rebinding_dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A hostile DNS server: rebind.invalid is a public address when first asked, 127.0.0.1 afterwards."""
    asked: list[str] = []
    real = asyncio.BaseEventLoop.getaddrinfo

    async def answer(loop: asyncio.BaseEventLoop, host: bytes | str | None, port: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name != REBINDING_HOST:
            return await real(loop, host, port, **kwargs)
        asked.append(name)
        address = "93.184.215.14" if len(asked) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, int(port)))]

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", answer)
    return asked


def test_dns_rebinding_to_a_private_address_is_refused_before_sending(
    hostile: FakeSite, rebinding_dns: list[str]
) -> None:
    url = hostile.url.replace("127.0.0.1", REBINDING_HOST) + "/robots.txt"
    strict = HostPolicy(frozenset({REBINDING_HOST}), allow_private_addresses=False)
    with pytest.raises(
        UnsafeResponseError, match=r"rebind\.invalid reached a non-public address \(127\.0\.0\.1\)"
    ) as caught:
        asyncio.run(_fetch(url, strict))
    assert caught.value.url == url
    assert rebinding_dns == [REBINDING_HOST, REBINDING_HOST]  # asked by the check, then by the connection
    assert hostile.requests == []  # refused once connected, before the request was written


class _Stream:
    def __init__(self, address: str) -> None:
        self.address = address
        self.closed = False

    def get_extra_info(self, info: str) -> Any:
        return (self.address, 443) if info == "server_addr" else None

    async def aclose(self) -> None:
        self.closed = True


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("93.184.215.14", False),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", False),
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("169.254.169.254", True),  # cloud metadata
        ("fe80::1%eth0", True),
        ("224.0.0.1", True),
    ],
)
def test_the_connected_address_must_be_public(address: str, refused: bool) -> None:
    hook = AddressGuard.connect_hook("https://site.example/x", HostPolicy(frozenset({"site.example"})))
    assert hook is not None
    stream = _Stream(address)
    if refused:
        with pytest.raises(UnsafeResponseError, match="non-public address"):
            asyncio.run(hook("connection.connect_tcp.complete", {"return_value": stream}))
    else:
        asyncio.run(hook("connection.connect_tcp.complete", {"return_value": stream}))
    assert stream.closed is refused
    assert AddressGuard.connect_hook("http://127.0.0.1/x", LOCAL) is None  # allowed private: nothing to check


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd"])
def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(UnsafeResponseError, match="scheme"):
        asyncio.run(AddressGuard().check(url, LOCAL))


def _downloader_run(site: FakeSite, path: str, settings: CrawlSettings) -> tuple[int, RequestCounters, list[float]]:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    async def go() -> tuple[int, RequestCounters]:
        counters = RequestCounters()
        async with make_client(settings, "scanner-test", concurrency=2) as client:
            downloader = Downloader(SafeFetcher(client, settings), settings, sleep=fake_sleep)
            response = await downloader.get(site.url + path, LOCAL, counters)
            return response.status, counters

    status_code, counters = asyncio.run(go())
    return status_code, counters, slept


def test_retries_with_exponential_backoff_and_a_cap(hostile: FakeSite) -> None:
    settings = limits().model_copy(update={"max_retries": 4, "backoff_base": 0.01, "backoff_max": 0.03})
    status_code, counters, slept = _downloader_run(hostile, "/503", settings)
    assert status_code == 503
    assert counters.retries == 4
    assert counters.statuses["503"] == 5
    assert slept == [0.01, 0.02, 0.03, 0.03]  # doubling, then capped at backoff_max


def test_retry_after_is_honoured(hostile: FakeSite) -> None:
    hostile.extra["/429"] = status(429, Retry_After="7")
    settings = limits().model_copy(update={"max_retries": 1, "backoff_max": 10.0})
    _status, counters, slept = _downloader_run(hostile, "/429", settings)
    assert slept == [7.0]
    assert counters.retries == 1


def test_network_errors_are_retried_then_reported() -> None:
    settings = limits().model_copy(update={"max_retries": 2})
    site = FakeSite(url="http://127.0.0.1:9")  # nothing listens on the discard port
    with pytest.raises(RobotsUnreachable, match="connection refused") as raised:
        _downloader_run(site, "/x", settings)
    assert raised.value.cause == "connection_refused" and classify(raised.value) == "robots_unreachable"


def test_robots_txt_disallowed_paths_are_never_requested(hostile: FakeSite) -> None:
    settings = limits()

    async def go() -> None:
        async with make_client(settings, "scanner-test", concurrency=2) as client:
            downloader = Downloader(SafeFetcher(client, settings), settings)
            with pytest.raises(RobotsDisallowed):
                await downloader.get(hostile.url + "/private/ad/9", LOCAL, RequestCounters())

    asyncio.run(go())
    assert hostile.requests == ["/robots.txt"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [("120", 120.0), ("", None), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_retry_after_parsing(header: str, expected: float | None) -> None:
    assert retry_after_seconds(header) == expected


def test_delay_adapts_to_latency_and_429_but_not_below_the_setting() -> None:
    state = HostState(base_delay=1.0, concurrency=1, jitter=0, max_delay=10.0)
    state.adapt(latency=0.1, status=200)
    assert state.delay == 1.0
    state.adapt(latency=5.0, status=200)
    assert state.delay == 3.0  # halfway towards the latency
    state.adapt(latency=0.1, status=429)
    assert state.delay == 6.0
    state.adapt(latency=0.1, status=429)
    assert state.delay == 10.0  # capped
    off = HostState(base_delay=0.0, concurrency=1, jitter=0, max_delay=10.0)
    off.adapt(latency=3.0, status=200)
    assert off.delay == 0.0  # politeness off: no slowing down for latency
    off.adapt(latency=0.1, status=429)
    assert off.delay == 1.0  # but a 429 slows down
    for _ in range(8):
        off.adapt(latency=0.1, status=200)
    assert off.delay == 0.0  # and recovery speeds up again


def test_per_host_delay_spaces_requests(hostile: FakeSite) -> None:
    settings = limits().model_copy(update={"delay": 0.2, "jitter": 0.0})

    async def go() -> list[float]:
        async with make_client(settings, "scanner-test", concurrency=4) as client:
            downloader = Downloader(SafeFetcher(client, settings), settings)
            counters = RequestCounters()
            starts: list[float] = []

            async def one() -> None:
                await downloader.get(hostile.url + "/robots.txt", LOCAL, counters, obey_robots=False)
                starts.append(time.monotonic())

            await asyncio.gather(*(one() for _ in range(3)))
            return starts

    starts = sorted(asyncio.run(go()))
    assert starts[2] - starts[0] >= 0.35


def test_mock_transport_reports_status_codes() -> None:
    settings = limits()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, text="gone")

    async def go() -> int:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            response = await SafeFetcher(client, settings).send(Request("http://127.0.0.1/x", LOCAL))
            return response.status

    assert asyncio.run(go()) == 404


def _hang(handler: Any) -> None:
    time.sleep(2.5)  # longer than request_timeout: the client gives up first
    with contextlib.suppress(OSError):
        handler.send(200, b"User-agent: *\nDisallow:\n", "text/plain")


@pytest.mark.parametrize(
    ("robots", "fetched", "cause", "asked"),
    [
        (status(404), True, None, 1),  # no robots.txt: nothing is disallowed (RFC 9309, 2.3.1.3)
        (status(410), True, None, 1),
        (status(401), True, None, 1),
        (status(500), False, "http_5xx", 3),  # the server is in trouble: disallow everything (2.3.1.4)
        (status(503), False, "http_5xx", 3),
        (status(429), False, "http_4xx", 3),  # "not now" is no licence to crawl
        (_hang, False, "timeout", 3),  # retried like any timeout, then given up
        (drip, False, "timeout", 1),  # a robots.txt that never ends hits the request deadline: not retried
    ],
    ids=["404", "410", "401", "500", "503", "429", "hang", "drip"],
)
def test_a_robots_txt_that_cannot_be_read_disallows_everything(
    robots: Any, fetched: bool, cause: str | None, asked: int
) -> None:
    settings = limits()
    with serve(FakeSite(extra={"/robots.txt": robots})) as site:

        async def go() -> None:
            async with make_client(settings, "scanner-test", concurrency=2) as client:
                downloader = Downloader(SafeFetcher(client, settings), settings)
                for path in ("/page/1", "/page/2"):  # robots.txt is asked once; its verdict holds for every URL
                    try:
                        await downloader.get(site.url + path, LOCAL, RequestCounters())
                    except RobotsUnreachable as exc:
                        causes.append(exc.cause)

        causes: list[str] = []
        asyncio.run(go())
    pages = [path for path in site.requests if path.startswith("/page/")]
    assert pages == (["/page/1", "/page/2"] if fetched else [])
    assert causes == ([] if fetched else [cause, cause])
    assert site.requests.count("/robots.txt") == asked
