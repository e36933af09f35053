"""The demo sites as real HTTP servers on 127.0.0.1, one per site, serving day N of a demo world.

    with DemoServer(world, day=1) as server:
        server.urls            # {"rozewereld": "http://127.0.0.1:PORT", "nachtlicht": ..., ["hostile": ...]}
        server.environ()       # {"DEMO_ROZEWERELD_URL": ..., "DEMO_NACHTLICHT_URL": ...}, read by SOURCES_DIR
        server.set_day(2)      # the next nightly scan sees day 2
        server.request_log     # every path requested, in order (for robots.txt tests)

Each site gets its own ThreadingHTTPServer on an ephemeral port in a daemon thread. Pages and photos
carry ETag and Last-Modified and answer 304 to If-None-Match / If-Modified-Since; text is gzipped
when the client accepts it. `hostile=True` adds the hostile site of `scanner.lab.demo.hostile`.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from email.utils import format_datetime, parsedate_to_datetime
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Protocol
from urllib.parse import parse_qsl, urlsplit

from scanner.clock import demo_day
from scanner.lab.demo import hostile as hostile_site
from scanner.lab.demo.records import DemoAd
from scanner.lab.demo.sites import lichtbaken, nachtlicht, rozewereld
from scanner.lab.demo.sites.common import DayIndex, Request, Response

ENV_NAMES = {
    "rozewereld": "DEMO_ROZEWERELD_URL",
    "nachtlicht": "DEMO_NACHTLICHT_URL",
    "lichtbaken": "DEMO_LICHTBAKEN_URL",
    "hostile": "DEMO_HOSTILE_URL",
}
# Each site module has PHOTO_PREFIX, STATIC (path -> (bytes, content type)), robots(delay) and handle(request, source).
SITE_MODULES: dict[str, ModuleType] = {"rozewereld": rozewereld, "nachtlicht": nachtlicht, "lichtbaken": lichtbaken}
# The source files of the demo sites, apart from a deployment's own sources/ folder: they need the
# DEMO_*_URL variables above, which only a running DemoServer sets.
SOURCES_DIR = Path(__file__).with_name("sources")
COMPRESSIBLE = ("text/", "application/json")


class ServedVersion(Protocol):
    @property
    def from_day(self) -> int: ...

    @property
    def photo_keys(self) -> Sequence[str]: ...


class ServedPlan(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def site(self) -> str: ...

    @property
    def versions(self) -> Sequence[ServedVersion]: ...


class ServedWorld(Protocol):
    """What the server needs of a world: `lab.demo.world.World` and `lab.demo.lichtbaken.LichtbakenWorld`."""

    @property
    def sites(self) -> tuple[str, ...]: ...

    @property
    def plans(self) -> Sequence[ServedPlan]: ...

    def ads_on(self, day: int) -> list[DemoAd]: ...

    def photo_bytes(self, photo_key: str) -> bytes: ...


def version_from_day(plan: ServedPlan, day: int) -> int:
    """The day the version an ad shows on `day` first appeared (its first version before it was posted)."""
    starts = [version.from_day for version in plan.versions if version.from_day <= day]
    return starts[-1] if starts else plan.versions[0].from_day


@dataclass(frozen=True)
class LoggedRequest:
    site: str
    method: str
    path: str  # with the query string
    status: int
    user_agent: str


class DemoServer:
    """The demo sites of `world` on 127.0.0.1; a context manager that starts and stops them."""

    def __init__(self, world: ServedWorld, day: int = 1, hostile: bool = False, crawl_delay: float = 0.0) -> None:
        self.world = world
        self.day = day
        self.crawl_delay = crawl_delay
        self.hostile_state = hostile_site.HostileState()
        self.requests: list[LoggedRequest] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._indexes: dict[tuple[str, int], DayIndex] = {}
        self._plans: dict[str, ServedPlan] = {plan.key: plan for plan in world.plans}
        self._keys: dict[str, set[str]] = {
            site: {plan.key for plan in world.plans if plan.site == site} for site in world.sites
        }
        self._photos: dict[str, set[str]] = {
            site: {key for plan in world.plans if plan.site == site for v in plan.versions for key in v.photo_keys}
            for site in world.sites
        }
        self._servers: dict[str, ThreadingHTTPServer] = {}
        self._threads: list[threading.Thread] = []
        self._sites: list[str] = [*world.sites, "hostile"] if hostile else list(world.sites)

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> DemoServer:
        for site in self._sites:
            server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self, site))
            server.daemon_threads = True
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"demo-{site}", daemon=True
            )
            thread.start()
            self._servers[site] = server
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self.stopping.set()
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    # -- what tests use --------------------------------------------------------------------------
    @property
    def urls(self) -> dict[str, str]:
        return {site: f"http://127.0.0.1:{server.server_address[1]}" for site, server in self._servers.items()}

    def environ(self) -> dict[str, str]:
        return {ENV_NAMES[site]: url for site, url in self.urls.items()}

    def set_day(self, day: int) -> None:
        self.day = day

    @property
    def request_log(self) -> list[str]:
        with self._lock:
            return [entry.path for entry in self.requests]

    def reset_hostile(self) -> None:
        self.hostile_state.reset()

    # -- AdSource for the site renderers ---------------------------------------------------------
    def index(self, site: str, day: int) -> DayIndex:
        with self._lock:
            index = self._indexes.get((site, day))
        if index is None:
            index = DayIndex([ad for ad in self.world.ads_on(day) if ad.site == site])
            with self._lock:
                self._indexes[(site, day)] = index
        return index

    def ever_listed(self, site: str, key: str) -> bool:
        return key in self._keys.get(site, set())

    def modified_day(self, site: str, key: str, day: int) -> int:
        return max(1, version_from_day(self._plans[key], day))

    def photo(self, site: str, key: str) -> bytes | None:
        if key not in self._photos.get(site, set()):
            return None
        return self.world.photo_bytes(key)

    def log(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.requests.append(entry)


def _http_date(day: int) -> str:
    return format_datetime(demo_day(day).replace(tzinfo=UTC), usegmt=True)


def _make_handler(server: DemoServer, site: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # Without TCP_NODELAY every response on a kept-alive connection waits ~40 ms for a delayed ACK.
        disable_nagle_algorithm = True
        protocol_version = "HTTP/1.1"
        server_version = f"demo-{site}/1.0"

        def log_message(self, format: str, *args: object) -> None:
            return  # the request log is kept in memory; nothing goes to stderr

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            if site == "hostile":
                status = hostile_site.serve(self, parts.path, query, server.hostile_state, server.stopping)
            else:
                status = self._answer(self._route(parts.path, query))
            server.log(LoggedRequest(site, self.command, self.path, status, self.headers.get("User-Agent", "")))

        def _cookies(self) -> dict[str, str]:
            try:
                jar = SimpleCookie(self.headers.get("Cookie", ""))
            except CookieError:
                return {}
            return {name: morsel.value for name, morsel in jar.items()}

        def _route(self, path: str, query: dict[str, str]) -> Response:
            module = SITE_MODULES[site]
            if path == "/robots.txt":
                text = module.robots(server.crawl_delay)
                return Response(200, text.encode(), "text/plain; charset=utf-8", modified_day=0)
            prefix: str = module.PHOTO_PREFIX
            if path.startswith(prefix):
                key = path[len(prefix) :]
                data = server.photo(site, key)
                if data is None:
                    return Response(404, b"not found", "text/plain", cacheable=False)
                kind = "image/png" if key.endswith(".png") else "image/jpeg"
                return Response(200, data, kind, modified_day=0)
            if path in module.STATIC:
                body, kind = module.STATIC[path]
                return Response(200, body, kind, modified_day=0)
            request = Request(path=path, query=query, cookies=self._cookies(), day=server.day)
            response: Response = module.handle(request, server)
            return response

        def _answer(self, response: Response) -> int:
            headers = dict(response.headers)
            body = response.body
            status = response.status
            if status == 200 and response.cacheable:
                etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
                headers["ETag"] = etag
                if response.modified_day is not None:
                    headers["Last-Modified"] = _http_date(response.modified_day)
                if self._not_modified(etag, response.modified_day):
                    status, body = 304, b""
            if (
                body
                and "gzip" in self.headers.get("Accept-Encoding", "")
                and response.content_type.startswith(COMPRESSIBLE)
                and len(body) > 256
            ):
                body = gzip.compress(body, mtime=0)
                headers["Content-Encoding"] = "gzip"
                headers["Vary"] = "Accept-Encoding"
            self.send_response(status)
            if status != 304:
                self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD" and body:
                self.wfile.write(body)
            return status

        def _not_modified(self, etag: str, modified_day: int | None) -> bool:
            if_none_match = self.headers.get("If-None-Match")
            if if_none_match is not None:
                return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
            since = self.headers.get("If-Modified-Since")
            if since and modified_day is not None:
                try:
                    return parsedate_to_datetime(since) >= demo_day(modified_day).replace(tzinfo=UTC)
                except (TypeError, ValueError):
                    return False
            return False

    return Handler
