"""The hostile demo site: every way a web server can hurt a crawler, one path each.

Used by the crawler's reliability tests (`DemoServer(world, hostile=True).urls["hostile"]`). The
index page `/` links to every path below, so a source file can crawl it like any site.

    /ok                      a small, well-formed page (the control)
    /slow?seconds=S          headers at once, then the body drip-fed one byte every 0.2 s for S seconds
    /429                     429 Too Many Requests with Retry-After: 2, every time
    /429-once                429 with Retry-After: 1 on the first request, then 200
    /500, /502               server errors, every time
    /503-once                503 with Retry-After: 1 on the first request, then 200
    /loop/a                  a redirect loop: /loop/a -> /loop/b -> /loop/a ...
    /redirect-chain?n=N      N redirects in a row before /ok
    /to-private              302 to http://10.0.0.1/admin (a private address)
    /to-metadata             302 to http://169.254.169.254/latest/meta-data/ (link-local)
    /huge?mb=N               an HTML page of N MB (default 6) with Content-Length
    /huge-stream?mb=N        the same without Content-Length, ended by closing the connection
    /gzip-bomb               Content-Encoding: gzip; 64 KB that inflate to 64 MB
    /wrong-charset           says ISO-8859-1 in the header, sends UTF-8 (meta says utf-8)
    /wrong-charset-meta      says UTF-8 in the header, sends Windows-1252 bytes
    /truncated               Content-Length: 5000, sends 1,200 bytes and closes
    /truncated-html          a complete response whose HTML stops in the middle of a tag
    /not-html                Content-Type: application/pdf
    /fake-image.jpg          Content-Type: image/jpeg, but the bytes are HTML
    /bomb.png                a valid PNG header of 30,000 x 30,000 pixels (a decompression bomb)

`/429-once` and `/503-once` count per server; `DemoServer.reset_hostile()` starts them over.
"""

from __future__ import annotations

import gzip
import struct
import threading
import time
import zlib
from functools import lru_cache
from http.server import BaseHTTPRequestHandler

HOSTILE_PATHS = (
    "/ok",
    "/slow",
    "/429",
    "/429-once",
    "/500",
    "/502",
    "/503-once",
    "/loop/a",
    "/redirect-chain",
    "/to-private",
    "/to-metadata",
    "/huge",
    "/huge-stream",
    "/gzip-bomb",
    "/wrong-charset",
    "/wrong-charset-meta",
    "/truncated",
    "/truncated-html",
    "/not-html",
    "/fake-image.jpg",
    "/bomb.png",
)

OK_PAGE = (
    b'<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8"><title>ok</title></head>'
    b"<body><p>Alles goed.</p></body></html>\n"
)
CHARSET_TEXT = "<p>Één café, € 150,- per uur, naïef geprobeerd</p>"


class HostileState:
    """Counters for the paths that fail only the first time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: dict[str, int] = {}

    def first_time(self, path: str) -> bool:
        with self.lock:
            count = self.seen.get(path, 0)
            self.seen[path] = count + 1
            return count == 0

    def reset(self) -> None:
        with self.lock:
            self.seen.clear()


@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """64 MB of zeros, gzip-compressed once (about 64 KB)."""
    return gzip.compress(bytes(64 * 1024 * 1024), compresslevel=9, mtime=0)


@lru_cache(maxsize=1)
def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A PNG that declares width x height 1-bit pixels; only the first rows are present."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"".join(b"\x00" + bytes((width + 7) // 8) for _ in range(8)), 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def _index() -> bytes:
    links = "\n".join(f'<li><a href="{path}">{path}</a></li>' for path in HOSTILE_PATHS)
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>hostile</title></head>'
        f"<body><ul>\n{links}\n</ul></body></html>\n"
    ).encode()


def _send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
    length: int | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body) if length is None else length))
    handler.send_header("Connection", "close")
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.close_connection = True
    if handler.command != "HEAD":
        handler.wfile.write(body)


def _number(query: dict[str, str], name: str, default: float) -> float:
    try:
        return float(query.get(name, default))
    except ValueError:
        return default


def serve(
    handler: BaseHTTPRequestHandler, path: str, query: dict[str, str], state: HostileState, stopping: threading.Event
) -> int:
    """Answer one request of the hostile site; returns the status sent."""
    if path == "/":
        _send(handler, 200, _index())
        return 200
    if path == "/ok":
        _send(handler, 200, OK_PAGE)
        return 200
    if path == "/robots.txt":
        _send(handler, 200, b"User-agent: *\nDisallow:\n", "text/plain")
        return 200
    if path == "/slow":
        _drip(handler, _number(query, "seconds", 30.0), stopping)
        return 200
    if path in ("/429", "/429-once", "/503-once", "/500", "/502"):
        status = {"/429": 429, "/429-once": 429, "/503-once": 503, "/500": 500, "/502": 502}[path]
        if path.endswith("-once") and not state.first_time(path):
            _send(handler, 200, OK_PAGE)
            return 200
        retry = {"Retry-After": "2" if path == "/429" else "1"} if status in (429, 503) else {}
        _send(handler, status, f"<h1>{status}</h1>".encode(), headers=retry)
        return status
    if path in ("/loop/a", "/loop/b"):
        _send(handler, 302, b"", headers={"Location": "/loop/b" if path == "/loop/a" else "/loop/a"})
        return 302
    if path == "/redirect-chain":
        left = int(_number(query, "n", 10))
        target = f"/redirect-chain?n={left - 1}" if left > 1 else "/ok"
        _send(handler, 302, b"", headers={"Location": target})
        return 302
    if path in ("/to-private", "/to-metadata"):
        target = "http://10.0.0.1/admin" if path == "/to-private" else "http://169.254.169.254/latest/meta-data/"
        _send(handler, 302, b"", headers={"Location": target})
        return 302
    if path in ("/huge", "/huge-stream"):
        _huge(handler, int(_number(query, "mb", 6) * 1024 * 1024), stream=path == "/huge-stream")
        return 200
    if path == "/gzip-bomb":
        _send(handler, 200, gzip_bomb(), headers={"Content-Encoding": "gzip"})
        return 200
    if path == "/wrong-charset":
        body = f'<html><head><meta charset="utf-8"></head><body>{CHARSET_TEXT}</body></html>'.encode()
        _send(handler, 200, body, "text/html; charset=iso-8859-1")
        return 200
    if path == "/wrong-charset-meta":
        body = f"<html><head><title>cp1252</title></head><body>{CHARSET_TEXT}</body></html>".encode("cp1252")
        _send(handler, 200, body, "text/html; charset=utf-8")
        return 200
    if path == "/truncated":
        body = (b"<html><body><div class='advertentie'>" + b"x" * 1200)[:1200]
        _send(handler, 200, body, length=5000)
        return 200
    if path == "/truncated-html":
        _send(handler, 200, b'<html><body><div class="advertentie"><h1 class="titel">Lisa</h1><p class="omsch')
        return 200
    if path == "/not-html":
        _send(handler, 200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "application/pdf")
        return 200
    if path == "/fake-image.jpg":
        _send(handler, 200, OK_PAGE, "image/jpeg")
        return 200
    if path == "/bomb.png":
        _send(handler, 200, png_bomb(), "image/png")
        return 200
    _send(handler, 404, b"<h1>404</h1>")
    return 404


def _drip(handler: BaseHTTPRequestHandler, seconds: float, stopping: threading.Event) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.close_connection = True
    deadline = time.monotonic() + seconds
    try:
        handler.wfile.write(b"<html><body>")
        handler.wfile.flush()
        while time.monotonic() < deadline and not stopping.is_set():
            handler.wfile.write(b".")
            handler.wfile.flush()
            stopping.wait(0.2)
    except OSError:
        return  # the client gave up, as it should


def _huge(handler: BaseHTTPRequestHandler, size: int, *, stream: bool) -> None:
    block = b"<p>" + b"opvulling " * 100 + b"</p>\n"
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    if not stream:
        handler.send_header("Content-Length", str(size))
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.close_connection = True
    sent = 0
    try:
        while sent < size:
            piece = block[: size - sent]
            handler.wfile.write(piece)
            sent += len(piece)
    except OSError:
        return  # the client stopped reading at its limit
