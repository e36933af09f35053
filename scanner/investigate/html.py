"""The report as one self-contained HTML file: inline CSS, inline SVG pictures, no scripts, no links out.

It opens offline in any browser and can be mailed or archived as one file. It opens with a table of
contents and the same "start here" block as the terminal report (`scanner.investigate.start`: the last
scan, the model and its warning, possible minors, watchlist hits, newly flagged networks). Each
network group has a picture of the network (ads as dots, links as lines coloured by kind) and a
movement timeline (cities by date); each ad shows its risk and licensing scores apart, the parts of
its risk (rules, model probability and what moved it), and its indicators with the evidence quoted
from the field it came from (`<mark>`), or a cross-ad fact as a sentence. Every value from the
database is escaped. (Filtering and sorting belong to the web workspace, not to this file.)
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from scanner.investigate.evidence import field_label, weight_text
from scanner.investigate.last_scan import last_scan_lines
from scanner.investigate.scores import model_text
from scanner.investigate.text import model_lines

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
nav.contents{border:1px solid #ccc;border-radius:6px;padding:.5em 1em;margin:0 0 1em}
nav.contents ol{margin:.2em 0;padding-left:1.4em}
section.start-here{border:2px solid #333;border-radius:6px;padding:.6em 1em;margin:0 0 1.5em;background:#eef4fb}
section.start-here h2{margin:.2em 0 .4em}section.start-here h3{font-size:1em;margin:.6em 0 .2em}
.model-line{color:#333;font-size:.95em;margin:.2em 0}
.model-warning{background:#fff3cd;border-left:4px solid #d90;padding:.3em .6em;margin:.3em 0}
.minors li,.minors h3{color:#a00}
.fact{color:#333;font-size:.95em;margin:.1em 0 .4em 1em}
.unchecked{color:#777;font-size:.95em;margin:.1em 0 .4em 1em}
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


def _evidence(item: dict[str, Any]) -> str:
    label = _e(field_label(item["field"]))
    if item["kind"] == "fact":
        return f'<div class="fact"><small>{label}:</small> {_e(item["text"])}</div>'
    if item["kind"] == "unchecked":
        return (
            f'<div class="unchecked"><small>{label}:</small> “{_e(item["text"])}” <small>(not checked against the '
            "stored text: stored before evidence named its field; the next scan quotes it anew)</small></div>"
        )
    return (
        f'<div class="evidence"><small>{label}:</small> “{_e(item["before"])}<mark>{_e(item["text"])}</mark>'
        f"{_e(item['after'])}”</div>"
    )


def _indicators(hits: list[dict[str, Any]]) -> str:
    if not hits:
        return ""
    items = []
    for hit in hits:
        evidence = "".join(_evidence(item) for item in hit["evidence"])
        items.append(
            f'<li class="hit"><b>{_e(hit["rule_id"])}</b> <small>{_e(hit["category"])}, '
            f"weight {_e(weight_text(hit['weight']))}</small>: {_e(hit['explanation'])}{evidence}</li>"
        )
    return f'<ul class="hits">{"".join(items)}</ul>'


def _ad_row(ad: dict[str, Any]) -> str:
    marks = [f'<span class="new">{_e(ad["change"])}</span>']
    if ad["newly_flagged"]:
        marks.append("<b>newly flagged</b>")
    if ad["underage"]:
        marks.append('<span class="underage">possibly underage</span>')
    marks.extend(f'<span class="watch">watchlist: {_e(w["kind"])} {_e(w["value"])}</span>' for w in ad["watch"])
    score = ad["score"]
    scores = (
        "not scored yet"
        if score is None
        else f"risk {score['risk']:.1f}<br><small>licensing {score['licensing']:.1f}</small>"
    )
    return (
        f'<tr class="ad" id="ad-{ad["id"]}"><td>#{ad["id"]}<br>{" ".join(marks)}</td>'
        f'<td class="risk">{scores}</td>'
        f'<td><a href="{_e(ad["url"])}">{_e(ad["title"] or ad["url"])}</a><br><small>{_e(ad["source"])} · '
        f"{_e(ad['city'])} · first seen {_e(ad['first_seen_at'])} · phones {_e(', '.join(ad['phones']) or '-')}"
        f'</small><p class="model-line">risk parts: {_e(model_text(score))}</p>{_indicators(ad["indicators"])}'
        "</td></tr>"
    )


def _group_id(group: dict[str, Any]) -> str:
    network = group["network"]
    return str(network["label"]) if network else f"lone-{group['ads'][0]['id']}"


def _group_title(group: dict[str, Any]) -> str:
    network = group["network"]
    scores = f"risk {group['risk_score']:.1f} · licensing {group['licensing_score']:.1f}"
    if network is None:
        return f"Ad #{group['ads'][0]['id']} (no network) · {scores}"
    return f"{network['label']} · {scores} · {network['size']} ads"


def _group(group: dict[str, Any]) -> str:
    network = group["network"]
    rows = "".join(_ad_row(ad) for ad in group["ads"])
    table = f'<table class="ads"><tr><th>ad</th><th>scores</th><th>what and why</th></tr>{rows}</table>'
    title = _e(_group_title(group))
    if network is None:
        return f'<section class="group lone" id="{_e(_group_id(group))}"><h2>{title}</h2>{table}</section>'
    pictures = f'<div class="pictures">{network_svg(network["graph"])}{timeline_svg(network["movement"])}</div>'
    return (
        f'<section class="group network" id="{_e(network["label"])}"><h2>{title}</h2>'
        f"<p><small>phones: {_e(', '.join(network['phones']) or '-')} · cities: "
        f"{_e(', '.join(network['cities']))}</small></p>{pictures}{_indicators(network['indicators'])}{table}</section>"
    )


def _ad_link(ad_id: int, listed: set[int]) -> str:
    return f'<a href="#ad-{ad_id}">#{ad_id}</a>' if ad_id in listed else f"#{ad_id} (scanner show ad {ad_id})"


def start_here_html(document: dict[str, Any]) -> str:
    """The start-here block: last scan, model, possible minors, watchlist hits, newly flagged networks."""
    start = document["start_here"]
    listed = {ad["id"] for group in document["groups"] for ad in group["ads"]}
    model = "".join(
        f'<p class="{"model-warning" if style else "model-line"}">{_e(text)}</p>'
        for style, text in model_lines(start["model"])
    )
    minors = start["possible_minors"]
    new = sum(1 for minor in minors if minor["new"])
    minor_items = "".join(
        f"<li>{'<b>NEW</b> ' if minor['new'] else ''}{_ad_link(minor['id'], listed)} · {_e(minor['city'] or '?')} · "
        f"{_e(minor['network'] or 'no network')} · {_e(minor['why'])}</li>"
        for minor in minors
    )
    minors_html = (
        f'<div class="minors"><h3>Possible minors: {len(minors)} ({new} new), not yet reviewed: look at these '
        f"first</h3><ul>{minor_items}</ul></div>"
        if minors
        else "<h3>Possible minors: none unreviewed</h3>"
    )
    hits = start["watchlist_hits"]
    hit_items = "".join(
        f"<li>{_ad_link(hit['id'], listed)} ({_e(hit['change'])}) · {_e(hit['network'] or 'no network')} · matches "
        + _e("; ".join(f"{e['kind']} {e['value']} {e['note']}".strip() for e in hit["entries"]))
        + "</li>"
        for hit in hits
    )
    networks = start["newly_flagged_networks"]
    network_items = "".join(
        f'<li><a href="#{_e(n["label"])}">{_e(n["label"])}</a> · risk {_e(n["risk_score"])} · {_e(n["size"])} ads · '
        f"{_e(n['why'])}</li>"
        if any(group["network"] and group["network"]["label"] == n["label"] for group in document["groups"])
        else f"<li>{_e(n['label'])} · risk {_e(n['risk_score'])} · {_e(n['size'])} ads · {_e(n['why'])}</li>"
        for n in networks
    )
    return (
        '<section class="start-here" id="start-here"><h2>Start here</h2>'
        f"{last_scan_html(document['last_scan'])}{model}{minors_html}"
        f"<h3>Watchlist hits: {len(hits) if hits else 'none'}</h3>{f'<ul>{hit_items}</ul>' if hits else ''}"
        f"<h3>Newly flagged networks: {len(networks) if networks else 'none'}</h3>"
        f"{f'<ul>{network_items}</ul>' if networks else ''}</section>"
    )


def contents_html(document: dict[str, Any]) -> str:
    groups = "".join(
        f'<li><a href="#{_e(_group_id(group))}">{_e(_group_title(group))}</a></li>' for group in document["groups"]
    )
    return (
        f'<nav class="contents" id="contents"><b>scanner report since {_e(document["since"] or "the beginning")}, '
        f"generated {_e(document['generated_at'])}: contents</b><ol>"
        '<li><a href="#start-here">Start here</a></li><li><a href="#summary">Summary</a></li>'
        f"<li>Groups ({len(document['groups'])})<ol>{groups}</ol></li></ol></nav>"
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
        f"{contents_html(document)}{start_here_html(document)}"
        f"<h1>Report since {_e(document['since'] or 'the beginning')}</h1>"
        f"<p><small>generated {_e(document['generated_at'])}</small></p>"
        '<p class="notice">A flag is a signal for a trained person to look at, never a decision. '
        "Look at the evidence before acting; false positives hurt independent, legal sex workers. "
        "Risk (signs of trafficking) and licensing (signs of an unlicensed business) are scored apart, 0-100 each.</p>"
        f'<table class="summary" id="summary">{counts}</table>{groups}</body></html>\n'
    )
