"""Crawler throughput: `scanner`'s crawler against a minimal Scrapy spider on the demo world, politeness off.

    python bench/crawl_bench.py                 # pages only (listings and ads), both sites
    python bench/crawl_bench.py --photos        # also fetch and hash every photo (same hashing in both)
    python bench/crawl_bench.py --ads-scale 2   # a bigger world

The demo server runs in its own process (photos pre-rendered, so neither crawler pays for that), and
each crawler in its own process, one after the other, so each gets the same server and its peak
memory (ru_maxrss) is its own. Both obey robots.txt, pass the gates with cookies, follow the listings
(rozewereld: HTML pages; nachtlicht: JSON paging), read the same fields of every ad with CSS
selectors, and with --photos fetch every photo once and compute the same SHA-256 + pHash + dHash.
`scanner` also stores everything in a fresh SQLite database (ads, versions, sightings, frontier,
http cache); the Scrapy spider only counts its items. Prints pages per second for both, their
ratio (scanner / Scrapy; target >= 1.0) and peak memory. Scrapy is a benchmark-only dependency
(the `bench` extra).
"""

from __future__ import annotations

import argparse
import json
import os
import socketserver
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = 7


def world_config(scale: float) -> Any:
    from scanner.lab.demo.world import WorldConfig

    return WorldConfig(seed=SEED, days=2, independents=int(400 * scale), networks=int(10 * scale), agencies=5)


def serve(scale: float) -> None:
    """Child process: serve day 1 until stdin closes; prints the site URLs as one JSON line."""
    # The demo handlers write headers and body separately; TCP_NODELAY avoids a 40 ms delayed-ACK
    # stall per keep-alive request, which would make both crawlers measure the server instead.
    socketserver.StreamRequestHandler.disable_nagle_algorithm = True
    from scanner.lab.demo.server import DemoServer
    from scanner.lab.demo.world import World

    world = World.generate(world_config(scale))
    for ad in world.ads_on(1):
        for key in ad.photo_keys:
            world.photo_bytes(key)
    with DemoServer(world, day=1) as server:
        expected = {"ads": len(world.ads_on(1)), "photos": len({k for ad in world.ads_on(1) for k in ad.photo_keys})}
        print(json.dumps({"environ": server.environ(), **expected}), flush=True)
        sys.stdin.read()


def run_scanner(photos: bool, concurrency: int) -> None:
    """Child process: crawl both demo sites with `run_crawl` into a fresh SQLite database."""
    from scanner.crawl import load_sources, run_crawl
    from scanner.db.models import Base
    from scanner.db.session import make_engine, open_database
    from scanner.lab.demo.server import SOURCES_DIR
    from scanner.settings import load_settings

    folder = tempfile.mkdtemp(prefix="crawl-bench-")
    url = f"sqlite:///{folder}/bench.db"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    settings = load_settings(
        cli={
            "database.url": url,
            "crawl.delay": "0",
            "crawl.jitter": "0",
            "crawl.per_host_concurrency": str(min(16, concurrency)),
            "crawl.global_concurrency": str(concurrency),
            "crawl.fetch_photos": str(photos).lower(),
        },
        environ={},
    ).settings
    db = open_database(settings, check=False)
    sources = load_sources(SOURCES_DIR)
    started = time.perf_counter()
    stats = run_crawl(db, settings, sources=sources)
    seconds = time.perf_counter() - started
    pages = stats.total("pages") + sum(source.photos for source in stats.sources.values())
    result = {"pages": pages, "seconds": seconds, "ads": stats.total("new_ads"), "errors": stats.total("error_count")}
    print(json.dumps(result), flush=True)


def run_scrapy(photos: bool, concurrency: int) -> None:
    """Child process: the minimal Scrapy spider doing the same fetching and reading."""
    import scrapy

    # Scrapy's cookie middleware would download the public suffix list; the bundled copy will do.
    import scrapy.downloadermiddlewares.cookies as cookie_middleware
    from scrapy.crawler import CrawlerProcess
    from tldextract import TLDExtract

    from scanner.crawl.imagehashes import hash_image

    cookie_middleware._split_domain = TLDExtract(include_psl_private_domains=True, suffix_list_urls=())

    counts = {"pages": 0, "ads": 0, "photos": 0}

    class DemoSpider(scrapy.Spider):  # type: ignore[misc]
        name = "demo"

        async def start(self) -> Any:
            rw, nl = os.environ["DEMO_ROZEWERELD_URL"], os.environ["DEMO_NACHTLICHT_URL"]
            # Path=/ as the sites set it; a cookie given with the request would only cover its folder
            gate = [{"name": "rw_leeftijd", "value": "18plus", "path": "/"}]
            consent = [{"name": "nl_consent", "value": "yes", "path": "/"}]
            yield scrapy.Request(f"{rw}/advertenties/?pagina=1", self.rw_listing, cookies=gate)
            yield scrapy.Request(f"{nl}/api/listings?scope=all&cursor=0", self.nl_listing, cookies=consent)

        def rw_listing(self, response: Any) -> Any:
            counts["pages"] += 1
            for href in response.css("h2.kaart-titel a::attr(href)").getall():
                yield response.follow(href, self.rw_ad)
            if next_page := response.css("a.volgende::attr(href)").get():
                yield response.follow(next_page, self.rw_listing)

        def nl_listing(self, response: Any) -> Any:
            counts["pages"] += 1
            document = json.loads(response.text)
            for item in document["items"]:
                yield response.follow(item["url"], self.nl_ad)
            if document.get("next"):
                yield response.follow(document["next"], self.nl_listing)

        def _ad(self, response: Any, fields: dict[str, str], photo_attribute: str) -> Any:
            counts["pages"] += 1
            item = {name: " ".join(response.css(css).getall()).strip() for name, css in fields.items()}
            counts["ads"] += bool(item["title"])  # an ad read, not a gate page
            item["url"] = response.url
            if photos:
                for src in response.css(photo_attribute).getall():
                    yield response.follow(src, self.photo)
            yield item

        def rw_ad(self, response: Any) -> Any:
            fields = {
                "title": "h1.titel ::text",
                "text": "div.omschrijving ::text",
                "city": "dd.plaats ::text",
                "age": "dd.leeftijd ::text",
                "phone": "dd.telefoon ::text",
                "posted": "dd.geplaatst ::text",
                "license": "dd.vergunning ::text",
                "name": "dd.naam ::text",
                "province": "dd.provincie ::text",
                "services": "ul.diensten li ::text",
            }
            yield from self._ad(response, fields, "div.fotos img.foto::attr(src)")

        def nl_ad(self, response: Any) -> Any:
            fields = {
                "title": "h1.ad-title ::text",
                "text": "div.ad-body ::text",
                "city": "td[data-field=city] ::text",
                "age": "td[data-field=age] ::text",
                "phone": "td[data-field=phone] ::text",
                "posted": "article.ad::attr(data-posted-day)",
                "license": "td[data-field=license] ::text",
                "name": "td[data-field=name] ::text",
                "services": "ul.services li ::text",
            }
            yield from self._ad(response, fields, "div.gallery img::attr(data-src)")

        def photo(self, response: Any) -> None:
            counts["photos"] += 1
            hash_image(response.body, context=response.url)

    process = CrawlerProcess(
        settings={
            "ROBOTSTXT_OBEY": True,
            "CONCURRENT_REQUESTS": concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,  # both demo sites are on 127.0.0.1
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "COOKIES_ENABLED": True,
            "LOG_LEVEL": os.environ.get("BENCH_SCRAPY_LOG", "WARNING"),
            "TELNETCONSOLE_ENABLED": False,
            "USER_AGENT": "scanner-bench (+http://127.0.0.1/)",
            "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        }
    )
    process.crawl(DemoSpider)
    started = time.perf_counter()
    process.start()
    seconds = time.perf_counter() - started
    pages = counts["pages"] + counts["photos"]
    print(json.dumps({"pages": pages, "seconds": seconds, "ads": counts["ads"], "errors": 0}), flush=True)


def child(mode: str, photos: bool, concurrency: int, environ: dict[str, str]) -> dict[str, Any]:
    """Run one crawler in its own process: its result, CPU seconds and peak memory in MiB."""
    command = [sys.executable, __file__, "--child", mode, "--concurrency", str(concurrency)]
    command += ["--photos"] if photos else []
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env={**os.environ, **environ}, text=True)
    assert process.stdout is not None
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"{mode} failed with status {status}")
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    result["cpu"] = usage.ru_utime + usage.ru_stime
    result["memory"] = usage.ru_maxrss / 1024
    result["rate"] = result["pages"] / result["seconds"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", action="store_true", help="also fetch and hash every photo")
    parser.add_argument("--ads-scale", type=float, default=1.0, help="world size (1.0: about 435 ads)")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight at most, in both crawlers")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each crawler, alternating; the best counts")
    parser.add_argument("--child", choices=["serve", "scanner", "scrapy"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "serve":
        serve(args.ads_scale)
        return
    if args.child == "scanner":
        run_scanner(args.photos, args.concurrency)
        return
    if args.child == "scrapy":
        run_scrapy(args.photos, args.concurrency)
        return

    server = subprocess.Popen(
        [sys.executable, __file__, "--child", "serve", "--ads-scale", str(args.ads_scale)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None and server.stdin is not None
    ready = json.loads(server.stdout.readline())
    print(
        f"demo world: {ready['ads']} ads, {ready['photos']} photos; photos fetched: {args.photos}; "
        f"concurrency {args.concurrency}"
    )
    try:
        rounds: dict[str, list[dict[str, Any]]] = {"scrapy": [], "scanner": []}
        for _round in range(args.rounds):
            for mode in rounds:
                rounds[mode].append(child(mode, args.photos, args.concurrency, ready["environ"]))
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    best = {mode: max(results, key=lambda result: result["rate"]) for mode, results in rounds.items()}
    for mode, results in rounds.items():
        for result in results:
            print(
                f"{mode:8} {result['pages']:6d} pages in {result['seconds']:6.2f} s = {result['rate']:7.1f} pages/s; "
                f"CPU {result['cpu']:5.2f} s; {result['ads']} ads; {result['errors']} errors; "
                f"peak memory {result['memory']:.0f} MiB"
            )
    ratio = best["scanner"]["rate"] / best["scrapy"]["rate"]
    cpu_ratio = best["scrapy"]["cpu"] / best["scanner"]["cpu"]
    rates = {mode: f"{result['rate']:.1f} pages/s" for mode, result in best.items()}
    print(f"best of {args.rounds}: scanner {rates['scanner']}, scrapy {rates['scrapy']}")
    print(f"ratio scanner/scrapy: {ratio:.2f} (target >= 1.0); CPU efficiency ratio {cpu_ratio:.2f}")


if __name__ == "__main__":
    main()
