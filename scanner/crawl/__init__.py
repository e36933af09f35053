"""Pipeline stage: crawl. Collects ads politely, incrementally and safely from the sites in sources/*.yaml.

sourcefile   the schema of sources/<name>.yaml, `load_sources`
fetcher      one safe HTTP request (size, deadline, redirects, addresses)
politeness   robots.txt, per-host delays and concurrency, retries
gate         passing a site's age or consent gate
parse        charset detection, listings and ads through selectors or an adapter
labels       values found by the label shown beside them (`label: Leeftijd`)
attributes   attribute fallbacks (lazy images: data-src, data-lazy-src, srcset, src)
follow       values behind a link of the ad page (`ad.follow`), fetched like every request
store        batched writes: ads, versions, sightings, photos, frontier, http cache
failures     why a page could not be read, as a class (http_5xx, timeout, selectors, ...)
health       a source's verdict at the end of its crawl: ok, degraded or failed, with reasons
removal      the end of a source's crawl: its health, missing and removed ads (on proof only), the guard
crawler      `run_crawl`: the workers, the writer, resume
imagehashes  photo fingerprints
"""

from scanner.crawl.crawler import run_crawl
from scanner.crawl.parse import AdLink, AdRecord, ListingPage, Page, SelectorAdapter
from scanner.crawl.sourcefile import SourceConfig, check_source_file, load_sources
from scanner.crawl.stats import CrawlStats, SourceStats

__all__ = [
    "AdLink",
    "AdRecord",
    "CrawlStats",
    "ListingPage",
    "Page",
    "SelectorAdapter",
    "SourceConfig",
    "SourceStats",
    "check_source_file",
    "load_sources",
    "run_crawl",
]
