"""Passing a site's age or consent gate: cookies to send, and/or one request (a form post) per run."""

from __future__ import annotations

import httpx

from scanner.crawl.failures import GateNotPassed
from scanner.crawl.fetcher import HostPolicy
from scanner.crawl.politeness import Downloader, RequestCounters
from scanner.crawl.sourcefile import SourceConfig


async def pass_gate(
    client: httpx.AsyncClient,
    downloader: Downloader,
    config: SourceConfig,
    counters: RequestCounters,
    *,
    obey_robots: bool,
) -> None:
    """Set the gate's cookies and make its request; the cookies the site sets are kept by the client."""
    gate = config.gate
    if gate is None:
        return
    for host in config.hosts:
        for name, value in gate.cookies.items():
            client.cookies.set(name, value, domain=host)
    if gate.request is None:
        return
    url = config.absolute(gate.request.url)
    response = await downloader.get(
        url,
        HostPolicy(config.hosts, config.allow_private_addresses),
        counters,
        obey_robots=obey_robots,
        method=gate.request.method,
        form=gate.request.form,
    )
    if response.status >= 400:
        raise GateNotPassed(
            f"the gate request answered HTTP {response.status}",
            url=url,
            hint=f"check gate.request in {config.file or config.name}",
        )
