"""Every hostile behaviour is served as documented."""

from __future__ import annotations

import gzip
import io
import socket
import time
import warnings
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from PIL import Image

from scanner.lab.demo.hostile import HOSTILE_PATHS
from scanner.lab.demo.server import DemoServer
from scanner.lab.demo.world import World


@pytest.fixture(scope="module")
def hostile(small_world: World) -> Iterator[tuple[DemoServer, httpx.Client]]:
    with (
        DemoServer(small_world, hostile=True) as server,
        httpx.Client(base_url=server.urls["hostile"], timeout=10) as client,
    ):
        yield server, client


def _raw(url: str, path: str) -> bytes:
    """The bytes a server sends for GET path, read until it closes the connection."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_index_links_every_path(hostile: tuple[DemoServer, httpx.Client]) -> None:
    _server, client = hostile
    index = client.get("/").text
    assert all(f'href="{path}"' in index for path in HOSTILE_PATHS)
    assert client.get("/ok").status_code == 200


def test_slow_response_drips(hostile: tuple[DemoServer, httpx.Client]) -> None:
    _server, client = hostile
    started = time.monotonic()
    with client.stream("GET", "/slow?seconds=1") as response:
        body = b"".join(response.iter_raw())
    assert time.monotonic() - started >= 0.8
    assert body.startswith(b"<html><body>") and body.count(b".") >= 3


def test_rate_limits_and_server_errors(hostile: tuple[DemoServer, httpx.Client]) -> None:
    server, client = hostile
    server.reset_hostile()
    limited = client.get("/429")
    assert limited.status_code == 429 and limited.headers["retry-after"] == "2"
    assert client.get("/429").status_code == 429
    once = client.get("/429-once")
    assert once.status_code == 429 and once.headers["retry-after"] == "1"
    assert client.get("/429-once").status_code == 200
    assert client.get("/500").status_code == 500 and client.get("/502").status_code == 502
    assert client.get("/503-once").status_code == 503 and client.get("/503-once").status_code == 200


def test_redirect_loops_chains_and_private_targets(hostile: tuple[DemoServer, httpx.Client]) -> None:
    _server, client = hostile
    with pytest.raises(httpx.TooManyRedirects):
        client.get("/loop/a", follow_redirects=True)
    assert client.get("/redirect-chain?n=3", follow_redirects=True).url.path == "/ok"
    assert client.get("/to-private").headers["location"] == "http://10.0.0.1/admin"
    assert client.get("/to-metadata").headers["location"].startswith("http://169.254.169.254/")


def test_oversized_pages_and_gzip_bomb(hostile: tuple[DemoServer, httpx.Client]) -> None:
    _server, client = hostile
    huge = client.get("/huge?mb=1.5")
    assert int(huge.headers["content-length"]) == len(huge.content) == int(1.5 * 1024 * 1024)
    with client.stream("GET", "/huge-stream?mb=1") as response:
        assert "content-length" not in response.headers
        assert sum(len(chunk) for chunk in response.iter_raw()) == 1024 * 1024
    with client.stream("GET", "/gzip-bomb") as response:
        assert response.headers["content-encoding"] == "gzip"
        compressed = b"".join(response.iter_raw())
    assert len(compressed) < 200_000
    assert len(gzip.decompress(compressed)) == 64 * 1024 * 1024


def test_wrong_charsets_truncation_and_content_types(hostile: tuple[DemoServer, httpx.Client]) -> None:
    server, client = hostile
    wrong = client.get("/wrong-charset")
    assert "iso-8859-1" in wrong.headers["content-type"] and "€".encode() in wrong.content
    meta = client.get("/wrong-charset-meta")
    assert "utf-8" in meta.headers["content-type"]
    with pytest.raises(UnicodeDecodeError):
        meta.content.decode("utf-8")
    raw = _raw(server.urls["hostile"], "/truncated")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert b"Content-Length: 5000" in head and len(body) == 1200
    assert client.get("/truncated-html").text.endswith('class="omsch')
    assert client.get("/not-html").headers["content-type"] == "application/pdf"
    fake = client.get("/fake-image.jpg")
    assert fake.headers["content-type"] == "image/jpeg" and fake.content.startswith(b"<!DOCTYPE html>")


def test_decompression_bomb_image(hostile: tuple[DemoServer, httpx.Client]) -> None:
    _server, client = hostile
    data = client.get("/bomb.png").content
    assert len(data) < 100_000
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Image.DecompressionBombError), Image.open(io.BytesIO(data)) as image:
            image.load()
