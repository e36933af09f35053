"""One HTTP request, made safely against a hostile server: the only place the crawler touches sockets.

`SafeFetcher.fetch` makes a single attempt (redirects included) and either returns the whole body or
raises `FetchError` / `UnsafeResponseError` naming the URL and the reason. Limits it enforces, from
the `crawl` settings:

- max_response_bytes: counted on the decoded stream, so a gzip bomb stops at the limit, not in memory;
- request_deadline: one total deadline around connect, redirects and the streaming read, so a server
  that drips a byte a second cannot hold a worker (request_timeout bounds each single wait);
- max_redirects: each hop is checked against the source's allowed hosts and schemes;
- addresses: every host is resolved and refused when private, loopback, link-local, reserved or
  multicast, unless the source sets allow_private_addresses (the demo sites on 127.0.0.1 do);
- TLS certificates are verified (httpx's default, never switched off).

Retries, delays and robots.txt are the politeness layer's job (`scanner.crawl.politeness`).
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from urllib.parse import urljoin, urlsplit

import httpx

from scanner.errors import FetchError, UnsafeResponseError
from scanner.settings import CrawlSettings

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class HostPolicy:
    """Which hosts a source may reach and whether private addresses are allowed."""

    allowed_hosts: frozenset[str]
    allow_private_addresses: bool = False


@dataclass
class Response:
    url: str
    status: int
    headers: httpx.Headers
    body: bytes
    wire_bytes: int
    elapsed: float
    redirects: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return str(self.headers.get("content-type", ""))


class NetworkError(FetchError):
    """The connection failed or timed out: worth a retry, unlike an unsafe response."""


class AddressGuard:
    """Resolves hosts once per run and refuses addresses that would reach private networks."""

    def __init__(self) -> None:
        self._resolved: dict[tuple[str, int], list[ipaddress.IPv4Address | ipaddress.IPv6Address]] = {}

    async def check(self, url: str, policy: HostPolicy) -> None:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            raise UnsafeResponseError(f"refused URL scheme '{parts.scheme}'", url=url, hint="only http(s) is fetched")
        if host not in policy.allowed_hosts:
            raise UnsafeResponseError(
                f"host {host} is not an allowed host of this source",
                url=url,
                hint="add it to allowed_hosts in the source file if it belongs to the site",
            )
        if policy.allow_private_addresses:
            return
        port = parts.port or (443 if parts.scheme == "https" else 80)
        for address in await self._addresses(host, port, url):
            if not address.is_global or address.is_multicast:
                raise UnsafeResponseError(
                    f"host {host} resolves to a non-public address ({address})",
                    url=url,
                    hint="set allow_private_addresses: true in the source file only for a site you run yourself",
                )

    async def _addresses(self, host: str, port: int, url: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        key = (host, port)
        if key not in self._resolved:
            try:
                self._resolved[key] = [ipaddress.ip_address(host.strip("[]"))]
            except ValueError:
                try:
                    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
                except OSError as exc:
                    raise NetworkError(f"cannot resolve {host}: {exc}", url=url) from None
                self._resolved[key] = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
        return self._resolved[key]


class SafeFetcher:
    def __init__(self, client: httpx.AsyncClient, settings: CrawlSettings, guard: AddressGuard | None = None) -> None:
        self.client = client
        self.settings = settings
        self.guard = guard or AddressGuard()

    async def fetch(
        self,
        url: str,
        policy: HostPolicy,
        *,
        headers: dict[str, str] | None = None,
        method: str = "GET",
        form: dict[str, str] | None = None,
        max_bytes: int | None = None,
        client: httpx.AsyncClient | None = None,
    ) -> Response:
        """One request with its redirects; `client` is the caller's own connection, default the shared one."""
        limit = max_bytes or self.settings.max_response_bytes
        started = time.monotonic()
        try:
            async with asyncio.timeout(self.settings.request_deadline):
                return await self._follow(
                    url, policy, headers or {}, method, form, limit, started, client or self.client
                )
        except TimeoutError:
            raise UnsafeResponseError(
                f"request exceeded its deadline of {self.settings.request_deadline:g} s",
                url=url,
                hint="the server is too slow or drips its answer; raise crawl.request_deadline if it is just slow",
            ) from None

    async def _follow(
        self,
        url: str,
        policy: HostPolicy,
        headers: dict[str, str],
        method: str,
        form: dict[str, str] | None,
        limit: int,
        started: float,
        client: httpx.AsyncClient,
    ) -> Response:
        redirects: list[str] = []
        wire_bytes = 0
        current = url
        while True:
            try:
                await self.guard.check(current, policy)
            except FetchError as exc:
                if current == url:
                    raise
                raise type(exc)(f"redirected to {current}: {exc.message}", url=url, hint=exc.hint) from None
            status, response_headers, body, wire = await self._one(client, current, headers, method, form, limit)
            wire_bytes += wire
            location = response_headers.get("location")
            if status not in REDIRECT_STATUSES or not location:
                return Response(
                    current, status, response_headers, body, wire_bytes, time.monotonic() - started, redirects
                )
            if len(redirects) >= self.settings.max_redirects:
                raise UnsafeResponseError(
                    f"more than {self.settings.max_redirects} redirects", url=url, hint="the site loops; check the URL"
                )
            redirects.append(current)
            current = urljoin(current, location)
            if status == 303 or (status in (301, 302) and method == "POST"):
                method, form = "GET", None

    async def _one(
        self,
        client: httpx.AsyncClient,
        url: str,
        headers: dict[str, str],
        method: str,
        form: dict[str, str] | None,
        limit: int,
    ) -> tuple[int, httpx.Headers, bytes, int]:
        try:
            async with client.stream(method, url, headers=headers, data=form) as response:
                declared = response.headers.get("content-length")
                if (
                    declared
                    and declared.isdigit()
                    and int(declared) > limit
                    and not response.headers.get("content-encoding")
                ):
                    raise UnsafeResponseError(f"response of {declared} bytes exceeds the limit of {limit}", url=url)
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise UnsafeResponseError(
                            f"decoded response exceeds the limit of {limit} bytes",
                            url=url,
                            hint="a compression bomb or a huge page; raise crawl.max_response_bytes only if legitimate",
                        )
                    chunks.append(chunk)
                return response.status_code, response.headers, b"".join(chunks), response.num_bytes_downloaded
        except httpx.TimeoutException as exc:
            raise NetworkError(f"timed out ({type(exc).__name__})", url=url) from None
        except httpx.DecodingError as exc:
            raise UnsafeResponseError(f"cannot decode the response: {exc}", url=url) from None
        except (httpx.TransportError, httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise NetworkError(f"network error: {type(exc).__name__}: {exc}", url=url) from None


def make_client(
    settings: CrawlSettings, user_agent: str, *, concurrency: int, cookies: CookieJar | None = None
) -> httpx.AsyncClient:
    """An HTTP client: honest User-Agent, verified TLS, no automatic redirects.

    The crawler gives each worker its own client of one connection, all sharing one cookie jar:
    httpcore scans its whole pool on every request, which costs more than the request itself once
    a pool holds a few dozen connections.
    """
    return httpx.AsyncClient(
        cookies=cookies,
        verify=_tls_context(),
        headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(settings.request_timeout),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
    )


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context for all clients: loading the CA bundle takes tens of milliseconds."""
    return httpx.create_ssl_context(verify=True)
