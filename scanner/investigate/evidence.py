"""Evidence as every view shows it: a quote of the field it came from, or a cross-ad fact as a sentence.

A stored span names its field (`scanner.extract.spans`: title, text, a site field such as age or
phone) and its offsets in that field. It is shown only when the field's stored text still holds the
quoted words at those offsets; nothing is searched for elsewhere, so a quote is never shown on the
wrong text. A span that no longer fits (a hit stored before spans named their field, until the next
scan evaluates the ad again) is shown as unchecked, with its words and no context. Cross-ad evidence
(a group rule's fact: names, cities or phones sharing one phone, photo or text) has no offsets: it is
a sentence with the ids of the ads it rests on.

    {"kind": "quote", "field": "age", "before": "", "text": "17", "after": " jaar"}
    {"kind": "fact", "field": "group", "text": "6 names (...) share one phone within 30 days", "ad_ids": [4, 7]}
    {"kind": "unchecked", "field": "text", "before": "", "text": "18", "after": ""}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.extract.spans import TEXT, TITLE, TITLE_AND_TEXT
from scanner.investigate.render import Output

SHOWN_AD_IDS = 12  # ad ids written out in a fact's sentence; the JSON keeps them all


def weight_text(weight: float) -> str:
    """A rule weight as every view prints it: signed, one decimal (+1.5, +0.5, -2.0)."""
    return f"{weight:+.1f}"


def field_label(field: str) -> str:
    """Where evidence came from, in words: "title", "text", "age field", "cross-ad"."""
    if field in (TITLE, TEXT):
        return field
    if field == TITLE_AND_TEXT:
        return "title and text"
    if field == "group":
        return "cross-ad"
    return f"{field} field"


def is_fact(span: Mapping[str, Any]) -> bool:
    """A cross-ad fact: evidence without offsets into any field."""
    return span.get("start") is None or span.get("field") == "group"


def ads_in_words(ad_ids: list[int]) -> str:
    shown = ", ".join(str(ad_id) for ad_id in ad_ids[:SHOWN_AD_IDS])
    more = f" and {len(ad_ids) - SHOWN_AD_IDS} more" if len(ad_ids) > SHOWN_AD_IDS else ""
    return f"ad{'s' if len(ad_ids) != 1 else ''} {shown}{more}"


def fact_text(span: Mapping[str, Any]) -> str:
    """A cross-ad fact as one sentence: what is shared, and by which ads."""
    ad_ids = [int(ad_id) for ad_id in span.get("ad_ids") or []]
    text = str(span.get("text") or "").rstrip(".")
    licensed = " (a licensed business: most of these ads show a licence number)" if span.get("licensed") else ""
    return f"{text}, in {ads_in_words(ad_ids)}{licensed}." if ad_ids else f"{text}{licensed}."


def evidence_item(span: Mapping[str, Any], source: str | None, chars: int) -> dict[str, Any]:
    """One stored span as shown, with `chars` characters of context from `source` (its field's stored text)."""
    field = str(span.get("field") or TEXT)
    if is_fact(span):
        return {
            "kind": "fact",
            "field": field,
            "text": fact_text(span),
            "ad_ids": [int(ad_id) for ad_id in span.get("ad_ids") or []],
        }
    start, end, matched = span.get("start"), span.get("end"), str(span.get("text") or "")
    fits = (
        source is not None
        and isinstance(start, int)
        and isinstance(end, int)
        and 0 <= start < end <= len(source)
        and source[start:end] == matched
    )
    if not fits:
        return {"kind": "unchecked", "field": field, "before": "", "text": matched, "after": ""}
    assert source is not None and isinstance(start, int) and isinstance(end, int)
    return {
        "kind": "quote",
        "field": field,
        "before": ("…" if start > chars else "") + source[max(0, start - chars) : start],
        "text": matched,
        "after": source[end : end + chars] + ("…" if end + chars < len(source) else ""),
    }


def print_evidence(out: Output, item: Mapping[str, Any], indent: str) -> None:
    """One evidence item for a person: the quote highlighted, a fact as its sentence."""
    label = field_label(str(item["field"]))
    if item["kind"] == "fact":
        out.line(f"{indent}{label}: {item['text']}")
    elif item["kind"] == "unchecked":
        out.line(
            f"{indent}{label}: “{' '.join(str(item['text']).split())}” (not checked against the stored text: "
            "stored before evidence named its field; the next scan quotes it anew)",
            style="dim",
        )
    else:
        out.evidence(f"{indent}{label}: “", item["before"], item["text"], item["after"] + "”")
