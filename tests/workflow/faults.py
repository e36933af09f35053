"""A fault-injecting proxy on 127.0.0.1 in front of a demo site: the site as it looks on a bad night.

    with FaultProxy(server.urls["rozewereld"]) as proxy:
        env["DEMO_ROZEWERELD_URL"] = proxy.url
        proxy.fault = "all_503"

Faults:
    none              every request goes to the demo site unchanged
    all_503           every request answers 503, robots.txt included (the site is down)
    robots_503        robots.txt answers 503; everything else works
    listing_halfway   the first listing page works, every later one answers 503
    layout_changed    listing pages come back with other class names (rozewereld) or JSON keys (nachtlicht)

`tests.crawl.site.closed_port()` gives a URL on which nothing listens (connection refused).
"""

from __future__ import annotations

import hashlib
import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

FAULTS = ("none", "all_503", "robots_503", "listing_halfway", "layout_changed")
PASSED_REQUEST_HEADERS = ("Cookie", "If-None-Match", "If-Modified-Since", "User-Agent", "Content-Type")
PASSED_RESPONSE_HEADERS = ("Content-Type", "ETag", "Last-Modified", "Location", "Set-Cookie", "Retry-After")
LISTING_PATHS = ("/advertenties/", "/api/listings")
# What a redesign renames: the listing selectors of sources/rozewereld.yaml and sources/nachtlicht.yaml.
REDESIGN = ((b"kaart-titel", b"card-title"), (b'"items"', b'"results"'))


def _later_listing_page(path: str, query: str) -> bool:
    values = parse_qs(query)
    page = int((values.get("pagina") or ["1"])[0])
    cursor = int((values.get("cursor") or ["0"])[0])
    return path.startswith(LISTING_PATHS) and (page > 1 or cursor > 0)


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.fault = "none"
        self.requests: list[tuple[str, int]] = []  # (path, status answered)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _handler(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def _answer(self) -> None:
            path, _, query = self.path.partition("?")
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            fault = proxy.fault
            if (
                fault == "all_503"
                or (fault == "robots_503" and path == "/robots.txt")
                or (fault == "listing_halfway" and _later_listing_page(path, query))
            ):
                self._send(503, {"Content-Type": "text/plain"}, b"down for maintenance")
                return
            listing = path.startswith(LISTING_PATHS)
            headers = {name: value for name in PASSED_REQUEST_HEADERS if (value := self.headers.get(name))}
            if fault == "layout_changed" and listing:  # the page changed, whatever the old validators say
                headers.pop("If-None-Match", None)
                headers.pop("If-Modified-Since", None)
            connection = http.client.HTTPConnection(*proxy.upstream, timeout=10)
            try:
                connection.request(self.command, self.path, body=body or None, headers=headers)
                upstream = connection.getresponse()
                status, data = upstream.status, upstream.read()
                answer = {name: value for name in PASSED_RESPONSE_HEADERS if (value := upstream.getheader(name))}
            finally:
                connection.close()
            if fault == "layout_changed" and listing and status == 200:
                for old, new in REDESIGN:
                    data = data.replace(old, new)
                answer["ETag"] = '"' + hashlib.sha256(data).hexdigest()[:24] + '"'
            self._send(status, answer, data)

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            proxy.requests.append((self.path, status))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

    return Handler
