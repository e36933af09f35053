"""Contacts besides phones: emails, messaging handles, URLs and licence numbers.

- Emails, also written to dodge scrapers: "naam [at] mail [dot] nl", "naam (at) gmail (punt) com",
  "naam at hotmail dot com".
- Handles: Telegram (t.me/naam, "telegram: @naam"), Snapchat ("snap: naam", "Snapchat @naam",
  "snapchat me: naam", 👻 naam), Instagram (instagram.com/naam, "insta: @naam", "Instagram @naam", "IG naam"),
  OnlyFans (onlyfans.com/naam, "OF: naam", "OnlyFans @naam"), Twitter and X (twitter.com/naam, x.com/naam,
  "Twitter @naam", "on X: @naam"), kik ("kik: naam", "kik me naam"), as `kind` plus a lowercase value
  without @; never the domain of a link ("telegram: t.me/naam" gives naam). WhatsApp is no handle kind:
  a WhatsApp account is a phone number, read by `phones` (a wa.me link as `found_in` "link").
- URLs: http(s), www. and bare links to known hosts.
- Licence numbers: the municipality's pattern (`municipality.license_pattern`, group 1 is the number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from scanner.errors import ConfigError
from scanner.extract.normalize import Normalized


@dataclass(frozen=True, slots=True)
class ContactMatch:
    kind: str  # email | url | license | telegram | snapchat | instagram | onlyfans | twitter | kik
    value: str
    start: int
    end: int
    text: str


_AT = r"(?:\s*@\s*|\s*[\[({<]\s*(?:at|@|apenstaart(?:je)?)\s*[\])}>]\s*|\s+(?:at|apenstaart(?:je)?|arroba|chez)\s+)"
# "gmail . com", "gmail [dot] com", "gmail punt com"
_DOT = r"(?:\.|\s\.\s|\s*[\[({<]\s*(?:dot|punt|\.)\s*[\])}>]\s*|\s+(?:dot|punt|punto|point)\s+)"
# "nina punt escort at hotmail punt nl": a dot written as a word inside the name too
_USER_DOT = r"(?:\.|\s+(?:dot|punt)\s+)"
_EMAIL = re.compile(
    rf"(?<![\w.+-])(?P<user>[a-z0-9][a-z0-9_%+-]{{0,63}}(?:{_USER_DOT}[a-z0-9_%+-]{{1,63}}){{0,3}})"
    rf"{_AT}(?P<domain>[a-z0-9-]{{1,63}}(?:{_DOT}[a-z0-9-]{{1,63}}){{0,3}})"
    rf"{_DOT}(?P<tld>com|nl|be|de|net|org|eu|info|co\.uk|fr|es|it|ro|pl|hu|bg|pt|me|io|live|email|mail|online)\b"
)
_URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"'()\[\]{}]{2,300}"
    r"|\b(?:t\.me|telegram\.me|wa\.me|onlyfans\.com|instagram\.com|snapchat\.com|twitter\.com|x\.com|linktr\.ee)"
    r"/[^\s<>\"'()\[\]{}]{1,200}"
)
# Every URL holds one of these: "://", "www." or the ".me/", ".com/", ".ee/" of a known host
_URL_MARKERS = ("://", "www.", ".me/", ".com/", ".ee/")
_HANDLE_VALUE = r"@?(?P<value>[a-z0-9][a-z0-9._-]{1,29})"
# (kind, trigger substrings, trigger words, pattern): a pattern runs only when one of its trigger substrings is in the
# text or one of its trigger words is a word of it. Words gate the patterns whose names stand between word
# boundaries: "sc" and "ig" are inside many words ("disco", "eigen"), and these patterns are slow to run.
_HANDLES: list[tuple[str, tuple[str, ...], frozenset[str], re.Pattern[str]]] = [
    ("telegram", ("t.me", "telegram.me"), frozenset(), re.compile(rf"\b(?:t\.me|telegram\.me)/{_HANDLE_VALUE}")),
    ("telegram", ("telegram", "tg"), frozenset(),
     re.compile(rf"\b(?:telegram|tg)\s*(?:id|naam|name)?\s*[:=\-]?\s*@{_HANDLE_VALUE[1:]}")),
    ("telegram", ("telegram", "tg"), frozenset(),
     re.compile(rf"\b(?:telegram|tg)\s*(?:id|naam|name)?\s*:\s*{_HANDLE_VALUE}")),
    ("snapchat", ("snapchat.com",), frozenset(), re.compile(rf"\bsnapchat\.com/add/{_HANDLE_VALUE}")),
    # "snap: naam", "snapchat me: naam", "Snapchat @naam", "add me on snap 👻 naam"
    ("snapchat", (), frozenset({"snapchat", "snap", "sc"}),
     re.compile(rf"\b(?:snapchat|snap|sc)\b\s*(?:id|naam|name|me)?\s*(?:[:=\-]\s*|(?=@)|\U0001f47b\s*){_HANDLE_VALUE}")),
    ("instagram", ("instagram.com",), frozenset(), re.compile(rf"\binstagram\.com/{_HANDLE_VALUE}")),
    ("instagram", (), frozenset({"instagram", "insta", "ig"}),
     re.compile(rf"\b(?:instagram|insta|ig)\b\s*(?:id|naam|name)?\s*(?:[:=\-]\s*|(?=@)){_HANDLE_VALUE}")),
    ("onlyfans", ("onlyfans.com",), frozenset(), re.compile(rf"\bonlyfans\.com/{_HANDLE_VALUE}")),
    ("onlyfans", ("onlyfans", "only fans"), frozenset(),
     re.compile(rf"\b(?:onlyfans|only fans)\b\s*[:=\-]?\s*@?{_HANDLE_VALUE[2:]}")),
    ("twitter", ("twitter.com", "x.com"), frozenset(), re.compile(rf"\b(?:twitter\.com|x\.com)/{_HANDLE_VALUE}")),
    # "Twitter @naam", "twitter: naam", "on X: @naam" (X only with the @: "x" is also a letter and a times sign)
    ("twitter", (), frozenset({"twitter", "x"}),
     re.compile(rf"\b(?:twitter\b\s*(?:[:=\-]\s*|(?=@))|x\b\s*:?\s*(?=@)){_HANDLE_VALUE}")),
    ("kik", (), frozenset({"kik"}), re.compile(rf"\bkik\b\s*(?:me|id|naam|name)?\s*[:=\-]?\s*{_HANDLE_VALUE}")),
    # a ghost alone stands for Snapchat: "👻 mia22"; after a Snapchat handle it is decoration ("Snapchat @mia 👻 Mia")
    ("snapchat", ("\U0001f47b",), frozenset(), re.compile(rf"\U0001f47b\s*[:=\-]?\s*{_HANDLE_VALUE}")),
]  # fmt: skip
_HANDLE_TRIGGERS = tuple(sorted({trigger for _, triggers, _, _ in _HANDLES for trigger in triggers}))
# "OF: naam" only in capitals with a colon: "of" is the Dutch "or"
# "OF: onlyfans.com/naam" is a link, read by the pattern above, not a handle "onlyfans.com"
_ONLYFANS_SHORT = re.compile(r"\bOF\s*:\s*@?(?!(?i:onlyfans\.com)/)(?P<value>[A-Za-z0-9][A-Za-z0-9._-]{1,29})")
_NOT_HANDLES = frozenset(
    {"add", "me", "mij", "naam", "name", "id", "nl", "com", "of", "en", "and", "or", "op", "via", "only", "alleen",
     "http", "https", "www", "is", "de", "het", "the", "joinchat", "share", "p", "reel", "stories", "tv"}
)  # fmt: skip


def find_emails(view: Normalized) -> list[ContactMatch]:
    found: list[ContactMatch] = []
    text = view.text
    if "@" not in text and " at " not in text and "at]" not in text and "at)" not in text and "apenstaart" not in text:
        return found
    for match in _EMAIL.finditer(view.text):
        domain = re.sub(_DOT, ".", match.group("domain"))
        user = re.sub(_USER_DOT, ".", match.group("user"))
        value = f"{user}@{domain}.{match.group('tld')}"
        start, end = view.span(*match.span())
        found.append(ContactMatch("email", value, start, end, view.original[start:end]))
    return found


def find_urls(view: Normalized) -> list[ContactMatch]:
    found: list[ContactMatch] = []
    if not any(marker in view.text for marker in _URL_MARKERS):
        return found
    for match in _URL.finditer(view.text):
        start, end = view.span(*match.span())
        text = view.original[start:end].rstrip(".,;:!?")
        found.append(ContactMatch("url", text, start, start + len(text), text))
    return found


def find_handles(view: Normalized) -> list[ContactMatch]:
    found: dict[tuple[str, str], ContactMatch] = {}
    text = view.text
    present = {trigger for trigger in _HANDLE_TRIGGERS if trigger in text}  # one pass for every pattern
    for kind, triggers, words, pattern in _HANDLES:
        if words.isdisjoint(view.words) and present.isdisjoint(triggers):
            continue
        if kind == "snapchat" and triggers == ("\U0001f47b",) and any(key[0] == "snapchat" for key in found):
            continue
        for match in pattern.finditer(text):
            value = match.group("value").rstrip("._-")
            if value in _NOT_HANDLES or value.isdigit() or len(value) < 2:
                continue
            if text.startswith("/", match.end("value")) and "." in value:
                continue  # "telegram: t.me/naam": the link's domain; the link pattern gives the handle
            start, end = view.span(*match.span("value"))
            found.setdefault((kind, value), ContactMatch(kind, value, start, end, view.original[start:end]))
    for match in _ONLYFANS_SHORT.finditer(view.original) if "OF" in view.original else ():
        value = match.group("value").lower().rstrip("._-")
        if value not in _NOT_HANDLES:
            start, end = match.span("value")
            found.setdefault(("onlyfans", value), ContactMatch("onlyfans", value, start, end, match.group("value")))
    return sorted(found.values(), key=lambda handle: handle.start)


@lru_cache(maxsize=32)
def license_regex(pattern: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(
            f"municipality.license_pattern is not a valid regular expression: {exc}",
            context="municipality.license_pattern",
            hint="fix the pattern; group 1 must capture the number",
        ) from None
    if compiled.groups < 1:
        raise ConfigError(
            "municipality.license_pattern has no group",
            context="municipality.license_pattern",
            hint="put the number in parentheses, e.g. vergunning\\s*([0-9]{4,8})",
        )
    return compiled


def find_licenses(text: str, pattern: str) -> list[ContactMatch]:
    """Licence numbers by the municipality's pattern, on the original text (uppercased values)."""
    found: list[ContactMatch] = []
    for match in license_regex(pattern).finditer(text):
        if match.group(1) is None:
            continue
        start, end = match.span(1)
        found.append(ContactMatch("license", match.group(1).upper(), start, end, match.group(1)))
    return found
