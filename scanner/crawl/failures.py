"""Why a page could not be read, as one of a few classes: what a source's health counts and reports.

Every failed frontier entry stores its class (`frontier.error_class`); the health of a source
(`scanner.crawl.health`) and the metrics count failures by these names, so they are stable: an alert
rule or a script may match them.
"""

from __future__ import annotations

from scanner.crawl.fetcher import DeadlineExceeded, NetworkError
from scanner.errors import FetchError, ScannerError, SelectorError, UnsafeResponseError

# class -> how a person reads it in a summary ("HTTP 5xx 3, timeouts 1")
CLASSES: dict[str, str] = {
    "robots_unreachable": "robots.txt unreachable",
    "connection_refused": "connection refused",
    "timeout": "timeouts",
    "network": "network errors",
    "http_4xx": "HTTP 4xx",
    "http_5xx": "HTTP 5xx",
    "http_other": "unexpected HTTP status",
    "unsafe": "unsafe responses",
    "not_a_page": "not a page",
    "selectors": "selectors found nothing",
    "gate": "gate not passed",
    "robots_disallowed": "disallowed by robots.txt",
    "page_limit": "page limit reached",
    "internal": "internal errors",
}


class RobotsDisallowed(FetchError):
    """robots.txt forbids this URL: it is skipped, not requested."""


class RobotsUnreachable(FetchError):
    """robots.txt answered 5xx or 429, or could not be reached: RFC 9309 says to assume it disallows everything.

    `cause` is the class of what happened to the robots.txt request (http_5xx, timeout, ...).
    """

    def __init__(self, message: str, *, url: str, cause: str) -> None:
        super().__init__(
            message,
            url=url,
            hint="the site is down or refuses us; nothing of it is crawled or removed until robots.txt answers",
        )
        self.cause = cause


class GateNotPassed(FetchError):
    """The age or consent gate was not passed: its request failed, or a page showed the gate instead."""


def status_class(status: int) -> str:
    if 400 <= status < 500:
        return "http_4xx"
    if status >= 500:
        return "http_5xx"
    return "http_other"


def classify(error: ScannerError) -> str:
    """The class of an expected failure of one page."""
    if isinstance(error, RobotsUnreachable):
        return "robots_unreachable"
    if isinstance(error, RobotsDisallowed):
        return "robots_disallowed"
    if isinstance(error, GateNotPassed):
        return "gate"
    if isinstance(error, NetworkError):
        return error.kind
    if isinstance(error, DeadlineExceeded):
        return "timeout"
    if isinstance(error, UnsafeResponseError):
        return "unsafe"
    if isinstance(error, SelectorError):
        return "selectors"
    if isinstance(error, FetchError):
        return "network"
    return "internal"


def breakdown(counts: dict[str, int]) -> str:
    """ "HTTP 5xx 3, timeouts 1": the classes of some failures, most frequent first."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{CLASSES.get(name, name)} {count}" for name, count in ordered if count)
