"""One HTTP request, made safely against a hostile server: the only place the crawler touches sockets.

`SafeFetcher.fetch` makes a single attempt (redirects included) and either returns the whole body or
raises `FetchError` / `UnsafeResponseError` naming the URL and the reason. Limits it enforces, from
the `crawl` settings:

- max_response_bytes: counted on the decoded stream, so a gzip bomb stops at the limit, not in memory;
- request_deadline: one total deadline around connect, redirects and the streaming read, so a server
  that drips a byte a second cannot hold a worker (request_timeout bounds each single wait);
- max_redirects: each hop is checked against the source's allowed hosts and schemes;
- addresses: every host is resolved and refused when private, loopback, link-local, reserved or
  multicast, unless the source sets allow_private_addresses (the demo sites on 127.0.0.1 do); the
  connection is checked again once made, so a name that resolves differently the second time (DNS
  rebinding) cannot reach such an address either;
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
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from http.cookiejar import CookieJar
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from scanner.errors import FetchError, UnsafeResponseError
from scanner.settings import CrawlSettings

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
TraceHook = Callable[[str, dict[str, Any]], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class HostPolicy:
    """Which hosts a source may reach and whether private addresses are allowed."""

    allowed_hosts: frozenset[str]
    allow_private_addresses: bool = False


@dataclass(frozen=True)
class Request:
    """What to fetch and how; `client` is the caller's own connection, default the fetcher's shared one."""

    url: str
    policy: HostPolicy
    headers: dict[str, str] | None = None
    method: str = "GET"
    form: dict[str, str] | None = None
    max_bytes: int | None = None
    client: httpx.AsyncClient | None = None


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
    """The connection failed or timed out: worth a retry, unlike an unsafe response.

    `kind` says which, for a source's health: connection_refused, timeout or network (anything else,
    a name that does not resolve included).
    """

    def __init__(self, message: str, *, url: str, kind: str = "network", hint: str | None = None) -> None:
        super().__init__(message, url=url, hint=hint)
        self.kind = kind


class DeadlineExceeded(UnsafeResponseError):
    """The whole request took longer than crawl.request_deadline (a slow or dripping server)."""


def _refused(exc: BaseException) -> bool:
    """Whether a transport error is a refused connection (the port is closed), through its chain of causes."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class AddressGuard:
    """Resolves hosts once per run and refuses addresses that would reach private networks."""

    def __init__(self) -> None:
        self._resolved: dict[tuple[str, int], list[IPAddress]] = {}

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
            if not _public(address):
                raise UnsafeResponseError(
                    f"host {host} resolves to a non-public address ({address})",
                    url=url,
                    hint="set allow_private_addresses: true in the source file only for a site you run yourself",
                )

    @staticmethod
    def connect_hook(url: str, policy: HostPolicy) -> TraceHook | None:
        """An httpcore trace hook that closes a new connection to a non-public address before the request goes out.

        check() resolves the name and httpx resolves it again to connect, so a hostile DNS server can answer
        a public address to the first and a private one to the second (DNS rebinding). httpx offers no hook
        to connect to the checked address, so the address actually connected to is checked as well.
        """
        if policy.allow_private_addresses:
            return None

        async def hook(event: str, info: dict[str, Any]) -> None:
            if event != "connection.connect_tcp.complete":
                return
            stream = info["return_value"]
            address = _ip(stream.get_extra_info("server_addr")[0])
            if not _public(address):
                await stream.aclose()
                raise UnsafeResponseError(
                    f"the connection to {urlsplit(url).hostname} reached a non-public address ({address})",
                    url=url,
                    hint="the name resolved to a public address for the check but to this one when connecting "
                    "(DNS rebinding), or an HTTP(S)_PROXY on a private address is in the way; nothing was sent",
                )

        return hook

    async def _addresses(self, host: str, port: int, url: str) -> list[IPAddress]:
        key = (host, port)
        if key not in self._resolved:
            try:
                self._resolved[key] = [ipaddress.ip_address(host.strip("[]"))]
            except ValueError:
                try:
                    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
                except OSError as exc:
                    raise NetworkError(f"cannot resolve {host}: {exc}", url=url) from None
                self._resolved[key] = [_ip(info[4][0]) for info in infos]
        return self._resolved[key]


def _ip(text: object) -> IPAddress:
    """An address as getaddrinfo or a socket reports it, without an IPv6 zone."""
    return ipaddress.ip_address(str(text).split("%")[0])


def _public(address: IPAddress) -> bool:
    return address.is_global and not address.is_multicast


class SafeFetcher:
    def __init__(self, client: httpx.AsyncClient, settings: CrawlSettings, guard: AddressGuard | None = None) -> None:
        self.client = client
        self.settings = settings
        self.guard = guard or AddressGuard()

    async def send(self, request: Request) -> Response:
        """One request with its redirects."""
        limit = request.max_bytes or self.settings.max_response_bytes
        started = time.monotonic()
        try:
            async with asyncio.timeout(self.settings.request_deadline):
                return await self._follow(request, request.client or self.client, limit, started)
        except TimeoutError:
            raise DeadlineExceeded(
                f"request exceeded its deadline of {self.settings.request_deadline:g} s",
                url=request.url,
                hint="the server is too slow or drips its answer; raise crawl.request_deadline if it is just slow",
            ) from None

    async def _follow(self, request: Request, client: httpx.AsyncClient, limit: int, started: float) -> Response:
        redirects: list[str] = []
        wire_bytes = 0
        hop = request
        while True:
            try:
                await self.guard.check(hop.url, hop.policy)
            except FetchError as exc:
                if hop.url == request.url:
                    raise
                raise type(exc)(f"redirected to {hop.url}: {exc.message}", url=request.url, hint=exc.hint) from None
            status, response_headers, body, wire = await self._one(client, hop, limit)
            wire_bytes += wire
            location = response_headers.get("location")
            if status not in REDIRECT_STATUSES or not location:
                return Response(
                    hop.url, status, response_headers, body, wire_bytes, time.monotonic() - started, redirects
                )
            if len(redirects) >= self.settings.max_redirects:
                raise UnsafeResponseError(
                    f"more than {self.settings.max_redirects} redirects",
                    url=request.url,
                    hint="the site loops; check the URL",
                )
            redirects.append(hop.url)
            hop = replace(hop, url=urljoin(hop.url, location))
            if status == 303 or (status in (301, 302) and hop.method == "POST"):
                hop = replace(hop, method="GET", form=None)

    async def _one(
        self, client: httpx.AsyncClient, request: Request, limit: int
    ) -> tuple[int, httpx.Headers, bytes, int]:
        url = request.url
        hook = self.guard.connect_hook(url, request.policy)
        try:
            async with client.stream(
                request.method,
                url,
                headers=request.headers,
                data=request.form,
                extensions={"trace": hook} if hook else None,
            ) as response:
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
            raise NetworkError(f"timed out ({type(exc).__name__})", url=url, kind="timeout") from None
        except httpx.DecodingError as exc:
            raise UnsafeResponseError(f"cannot decode the response: {exc}", url=url) from None
        except (httpx.TransportError, httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            if _refused(exc):
                raise NetworkError("connection refused", url=url, kind="connection_refused") from None
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
