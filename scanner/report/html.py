"""The report as one self-contained HTML file: inline CSS, inline SVG pictures, no scripts, no links out.

It opens offline in any browser and can be mailed or archived as one file. Each network group has
a picture of the network (ads as dots, links as lines coloured by kind) and a movement timeline
(cities by date); each ad lists its indicators with the evidence highlighted (`<mark>`). The page
opens with the last scan (`scanner.report.last_scan`), before any ad. Every value from the database
is escaped.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from scanner.report.last_scan import last_scan_lines

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin:0}
.notice{background:#eef;border-left:4px solid #557;padding:.5em 1em}
.summary td{padding:.1em 1em .1em 0}
section.group{border:1px solid #ccc;border-radius:6px;margin:1.5em 0;padding:1em}
.pictures{display:flex;flex-wrap:wrap;gap:1em;margin:.5em 0}
table.ads{border-collapse:collapse;width:100%}
table.ads th,table.ads td{border-top:1px solid #ddd;padding:.3em .5em;vertical-align:top;text-align:left}
.risk{font-weight:bold}.underage{color:#b00;font-weight:bold}.new{color:#060}
.watch{background:#fde;padding:0 .3em;border-radius:3px}
mark{background:#ffe066;padding:0 .1em}
.evidence{color:#444;font-size:.95em;margin:.1em 0 .4em 1em}
ul.hits{margin:.2em 0;padding-left:1.2em}
small{color:#666}
.last-scan{border-left:6px solid #2a2;padding:.4em 1em;margin:0 0 1em;background:#f4fbf4}
.last-scan.warning{border-color:#d90;background:#fff8e6}.last-scan.error{border-color:#c00;background:#fdecec}
.last-scan p{margin:.2em 0}.last-scan .error{color:#a00;font-weight:bold}.last-scan .warning{color:#850}
"""

EDGE_COLOURS = {"phone": "#c0392b", "photo": "#2471a3", "text": "#7d3c98", "email": "#b9770e", "handle": "#148f77"}


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def network_svg(graph: dict[str, Any], *, size: int = 260) -> str:
    """Ads on a circle, a line per link coloured by its kind, each dot labelled with the ad id."""
    nodes = graph["nodes"]
    if not nodes:
        return ""
    centre, radius = size / 2, size / 2 - 30
    places: dict[int, tuple[float, float]] = {}
    for index, node in enumerate(nodes):
        angle = 2 * math.pi * index / len(nodes) - math.pi / 2
        places[node["id"]] = (
            (centre, centre)
            if len(nodes) == 1
            else (centre + radius * math.cos(angle), centre + radius * math.sin(angle))
        )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" role="img"><title>network of {len(nodes)} ads</title>'
    ]
    for edge in graph["edges"]:
        (x1, y1), (x2, y2) = places[edge["a"]], places[edge["b"]]
        colour = EDGE_COLOURS.get(edge["kind"], "#888")
        parts.append(
            f'<line class="link link-{_e(edge["kind"])}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{colour}" stroke-width="2"><title>{_e(edge["kind"])} link</title></line>'
        )
    for node in nodes:
        x, y = places[node["id"]]
        parts.append(
            f'<g class="ad-node"><circle cx="{x:.1f}" cy="{y:.1f}" r="11" fill="#fff" stroke="#333"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="10">{node["id"]}</text>'
            f"<title>ad {node['id']} {_e(node['city'])}</title></g>"
        )
    kinds = sorted({edge["kind"] for edge in graph["edges"]})
    for index, kind in enumerate(kinds):
        parts.append(
            f'<text x="4" y="{size - 6 - 12 * index}" font-size="10" fill="{EDGE_COLOURS.get(kind, "#888")}">'
            f"— {_e(kind)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def timeline_svg(movement: list[dict[str, Any]]) -> str:
    """Dates left to right, cities top to bottom, a dot where the network advertised that day."""
    if not movement:
        return ""
    cities = sorted({city for day in movement for city in day["cities"]})
    left, top, step_x, step_y = 110, 20, 60, 22
    width = left + step_x * len(movement) + 20
    height = top + step_y * len(cities) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img"><title>movement timeline</title>'
    ]
    for row, city in enumerate(cities):
        y = top + row * step_y
        parts.append(f'<text x="4" y="{y + 4}" font-size="11">{_e(city)}</text>')
        parts.append(f'<line x1="{left - 10}" y1="{y}" x2="{width - 10}" y2="{y}" stroke="#eee"/>')
    previous: tuple[int, int] | None = None
    for column, day in enumerate(movement):
        x = left + column * step_x
        parts.append(f'<text x="{x}" y="{height - 8}" font-size="10" text-anchor="middle">{_e(day["date"][5:])}</text>')
        for city in day["cities"]:
            y = top + cities.index(city) * step_y
            if previous is not None and len(day["cities"]) == 1:
                parts.append(
                    f'<line x1="{previous[0]}" y1="{previous[1]}" x2="{x}" y2="{y}" '
                    'stroke="#999" stroke-dasharray="3"/>'
                )
            parts.append(
                f'<circle class="sighting" cx="{x}" cy="{y}" r="6" fill="#c0392b">'
                f"<title>{_e(day['date'])} {_e(city)}</title></circle>"
            )
        if len(day["cities"]) == 1:
            previous = (x, top + cities.index(day["cities"][0]) * step_y)
    parts.append("</svg>")
    return "".join(parts)


def _evidence(span: dict[str, Any]) -> str:
    return (
        f'<div class="evidence">“{_e(span["before"])}<mark>{_e(span["text"])}</mark>{_e(span["after"])}” '
        f"<small>({_e(span['field'])})</small></div>"
    )


def _indicators(hits: list[dict[str, Any]]) -> str:
    if not hits:
        return ""
    items = []
    for hit in hits:
        evidence = "".join(_evidence(span) for span in hit["evidence"])
        items.append(
            f'<li class="hit"><b>{_e(hit["rule_id"])}</b> <small>{_e(hit["category"])}, {hit["weight"]:+.0f}</small>: '
            f"{_e(hit['explanation'])}{evidence}</li>"
        )
    return f'<ul class="hits">{"".join(items)}</ul>'


def _ad_row(ad: dict[str, Any]) -> str:
    marks = [f'<span class="new">{_e(ad["change"])}</span>']
    if ad["newly_flagged"]:
        marks.append("<b>newly flagged</b>")
    if ad["underage"]:
        marks.append('<span class="underage">possibly underage</span>')
    marks.extend(f'<span class="watch">watchlist: {_e(w["kind"])} {_e(w["value"])}</span>' for w in ad["watch"])
    return (
        f'<tr class="ad" id="ad-{ad["id"]}"><td>#{ad["id"]}<br>{" ".join(marks)}</td>'
        f'<td class="risk">{_e(ad["risk_score"])}<br><small>licensing {_e(ad["licensing_score"])}</small></td>'
        f'<td><a href="{_e(ad["url"])}">{_e(ad["title"] or ad["url"])}</a><br><small>{_e(ad["source"])} · '
        f"{_e(ad['city'])} · first seen {_e(ad['first_seen_at'])} · phones {_e(', '.join(ad['phones']) or '-')}"
        f"</small>{_indicators(ad['indicators'])}</td></tr>"
    )


def _group(group: dict[str, Any]) -> str:
    network = group["network"]
    rows = "".join(_ad_row(ad) for ad in group["ads"])
    table = f'<table class="ads"><tr><th>ad</th><th>risk</th><th>what and why</th></tr>{rows}</table>'
    if network is None:
        return f'<section class="group lone"><h2>Ad #{group["ads"][0]["id"]} (no network)</h2>{table}</section>'
    pictures = f'<div class="pictures">{network_svg(network["graph"])}{timeline_svg(network["movement"])}</div>'
    return (
        f'<section class="group network" id="{_e(network["label"])}"><h2>{_e(network["label"])} · risk '
        f"{group['risk_score']:.0f} · {network['size']} ads</h2>"
        f"<p><small>phones: {_e(', '.join(network['phones']) or '-')} · cities: "
        f"{_e(', '.join(network['cities']))}</small></p>{pictures}{_indicators(network['indicators'])}{table}</section>"
    )


def last_scan_html(block: dict[str, Any] | None) -> str:
    """The last scan as a block whose colour is its worst line: green, amber or red."""
    lines = last_scan_lines(block)
    severities = {severity for severity, _text in lines}
    worst = "error" if "error" in severities else "warning" if "warning" in severities else "ok"
    paragraphs = "".join(f'<p class="{severity}">{_e(text.strip())}</p>' for severity, text in lines)
    return f'<section class="last-scan {worst}" id="last-scan">{paragraphs}</section>'


def render_html(document: dict[str, Any]) -> str:
    summary = document["summary"]
    counts = "".join(
        f"<tr><td>{_e(key.replace('_', ' '))}</td><td>{_e(value)}</td></tr>" for key, value in summary.items()
    )
    groups = "".join(_group(group) for group in document["groups"]) or "<p>Nothing new to review.</p>"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>scanner report {_e(document['generated_at'])}</title><style>{STYLE}</style></head><body>"
        f"{last_scan_html(document['last_scan'])}"
        f"<h1>Report since {_e(document['since'] or 'the beginning')}</h1>"
        f"<p><small>generated {_e(document['generated_at'])}</small></p>"
        '<p class="notice">A flag is a signal for a trained person to look at, never a decision. '
        "Look at the evidence before acting; false positives hurt independent, legal sex workers.</p>"
        f'<table class="summary">{counts}</table>{groups}</body></html>\n'
    )
