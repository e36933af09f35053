"""A tiny ad site on 127.0.0.1 for crawler tests: an age gate, robots.txt, listings, ads, photos, ETags,
and hostile pages (gzip bomb, drip, redirect loops, huge bodies, 429/503) on demand."""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class SiteAd:
    id: int
    title: str
    text: str
    city: str
    photo: int = 0  # colour seed of its photo


def png(seed: int, size: int = 64) -> bytes:
    image = Image.new("RGB", (size, size), (seed * 37 % 256, seed * 91 % 256, seed * 13 % 256))
    for x in range(size):
        image.putpixel((x, (x * seed) % size), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@dataclass
class FakeSite:
    ads: dict[int, SiteAd] = field(default_factory=dict)
    per_page: int = 3
    etags: bool = True
    extra: dict[str, Handler] = field(default_factory=dict)
    listing_extra: str = ""  # extra HTML put into every listing page (links to hostile pages)
    requests: list[str] = field(default_factory=list)
    started: list[float] = field(default_factory=list)  # time.monotonic() of each request, as requests
    url: str = ""
    latency: float = 0.0  # seconds each answer takes, to make a crawl last long enough to be killed
    outage: int | None = None  # a status every request but robots.txt answers (the site is down)

    def listing(self, page: int) -> str:
        ids = sorted(self.ads)
        chunk = ids[(page - 1) * self.per_page : page * self.per_page]
        links = "".join(
            f'<li class="card"><a class="ad" href="/ad/{i}" data-v="{self.version(i)}">{self.ads[i].title}</a></li>'
            for i in chunk
        )
        more = page * self.per_page < len(ids)
        next_link = f'<a class="next" href="/listing?page={page + 1}">next</a>' if more else ""
        extra = self.listing_extra if page == 1 else ""
        return f"<html><body><ul>{links}</ul>{extra}{next_link}</body></html>"

    def version(self, ad_id: int) -> str:
        """What the listing shows beside each link: changes whenever the ad's page changes."""
        return hashlib.md5(self._ad_html(ad_id).encode()).hexdigest()[:8]

    def _ad_html(self, ad_id: int) -> str:
        ad = self.ads[ad_id]
        return (
            '<html><head><meta charset="utf-8"></head><body>'
            f'<h1>{ad.title}</h1><div class="text">{ad.text}</div><span class="city">{ad.city}</span>'
            f'<span class="phone">06-1234 567{ad_id % 10}</span><img class="photo" src="/img/{ad.photo}.png">'
            "</body></html>"
        )


class _Handler(BaseHTTPRequestHandler):
    site: FakeSite
    protocol_version = "HTTP/1.1"
    wbufsize = 65536  # headers and body in one write: no 40 ms delayed-ACK stall per request

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def page(self, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.site.etags and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send(200, body, content_type, **({"ETag": etag} if self.site.etags else {}))

    def do_POST(self) -> None:
        self.site.requests.append("POST " + self.path)
        self.site.started.append(time.monotonic())
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        if self.path == "/gate":
            self.send(303, b"", Location="/listing?page=1", Set_Cookie="adult=yes; Path=/")
        else:
            self.send(404, b"no")

    def do_GET(self) -> None:
        site = self.site
        site.requests.append(self.path)
        site.started.append(time.monotonic())
        time.sleep(site.latency)
        path, _, query = self.path.partition("?")
        if self.path in site.extra:
            site.extra[self.path](self)
            return
        if site.outage is not None and path != "/robots.txt":
            self.send(site.outage, b"down for maintenance", "text/plain")
            return
        if path == "/robots.txt":
            self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            return
        if path.startswith("/img/"):
            self.page(png(int(path[5:].split(".")[0])), "image/png")
            return
        if "adult=yes" not in (self.headers.get("Cookie") or ""):
            self.send(200, b'<html><form id="age-gate" method="post" action="/gate"></form></html>')
            return
        if path == "/listing":
            page = int(query.split("=")[1]) if query else 1
            self.page(site.listing(page).encode())
        elif path.startswith("/ad/") and int(path[4:]) in site.ads:
            self.page(site._ad_html(int(path[4:])).encode())
        else:
            self.send(404, b"not found")


def closed_port() -> str:
    """A URL of 127.0.0.1 on a port nobody listens on: connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@contextmanager
def serve(site: FakeSite) -> Iterator[FakeSite]:
    handler = type("Handler", (_Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


# ---- hostile behaviours --------------------------------------------------------------------


@functools.cache
def _bomb() -> bytes:
    """30 MB that compress to 30 KB: made once, as compressing takes longer than a client waits on a busy machine."""
    return gzip.compress(b"<p>" + b"a" * 30_000_000)


def gzip_bomb(handler: BaseHTTPRequestHandler) -> None:
    body = _bomb()
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def drip(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    try:
        for _ in range(1000):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.2)
    except OSError:
        pass


def huge(handler: BaseHTTPRequestHandler) -> None:
    handler.close_connection = True
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Connection", "close")
    handler.end_headers()
    try:
        for _ in range(10_000):
            handler.wfile.write(b"y" * 65536)
    except OSError:
        pass


def redirect_to(location: str) -> Handler:
    def handle(handler: BaseHTTPRequestHandler) -> None:
        _Handler.send(handler, 302, b"", Location=location)  # type: ignore[arg-type]

    return handle


def status(code: int, **headers: str) -> Handler:
    def handle(handler: BaseHTTPRequestHandler) -> None:
        _Handler.send(handler, code, b"busy", **headers)  # type: ignore[arg-type]

    return handle
