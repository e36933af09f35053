"""The report for a person at a terminal (or piped into a file): start here, then each group.

    == Start here
    Last scan: run 4, started ..., completed ...; 2 sources, all ok
    Model bootstrap-…: TRAINED ON SYNTHETIC DATA …                 (the model card's warning, when it has one)
    Possible minors: 1 (1 new): look at these first
      NEW #412 · Amsterdam · N-000006 · Possibly underage: stated age 17 → scanner show ad 412
    Watchlist hits: none
    Newly flagged networks: 1
      N-000009 · risk 88.0 · 6 ads · shared-phone-names: One phone number is used in ads for 6 names …

then per group its scores (risk and licensing apart), movement and network rules, and per ad its
scores, the parts of its risk (rules, model probability and the features that moved it most), and its
strongest indicators with their evidence quoted from the field it came from.
"""

from __future__ import annotations

from typing import Any

from scanner.investigate.evidence import print_evidence, weight_text
from scanner.investigate.last_scan import last_scan_lines
from scanner.investigate.render import Output
from scanner.investigate.scores import model_text, scores_text

LINE_STYLES = {"ok": "green", "warning": "bold yellow", "error": "bold red"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def model_lines(model: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(style, text): which model the scores come from, and its card's warning."""
    if model is None:
        return [("", "Scores: rules only (no model).")]
    lines = [("", f"Scores: rules and model {model['version']}.")]
    if model.get("warning"):
        lines.append(("bold yellow", f"MODEL WARNING: {model['warning']}"))
    return lines


def render_start(document: dict[str, Any], out: Output) -> None:
    start = document["start_here"]
    out.heading("Start here")
    for severity, text in last_scan_lines(document["last_scan"]):
        out.line(text, style=LINE_STYLES[severity])
    for style, text in model_lines(start["model"]):
        out.line(text, style=style)
    minors = start["possible_minors"]
    new = sum(1 for minor in minors if minor["new"])
    if minors:
        out.line(f"Possible minors: {len(minors)} ({new} new), not yet reviewed: look at these first", "bold red")
    else:
        out.line("Possible minors: none unreviewed")
    for minor in minors:
        where = f"{'NEW ' if minor['new'] else ''}#{minor['id']} · {minor['city'] or '?'} · {minor['network'] or '-'}"
        out.line(f"  {where} · {minor['why']} → scanner show ad {minor['id']}", style="bold red")
    hits = start["watchlist_hits"]
    out.line(f"Watchlist hits: {len(hits) if hits else 'none'}", style="bold magenta" if hits else "")
    for hit in hits:
        entries = "; ".join(f"{entry['kind']} {entry['value']} {entry['note']}".strip() for entry in hit["entries"])
        where = f"{hit['city'] or '?'} · {hit['network'] or 'no network'}"
        out.line(f"  #{hit['id']} ({hit['change']}) · {where} · matches {entries}", style="bold magenta")
    networks = start["newly_flagged_networks"]
    out.line(f"Newly flagged networks: {len(networks) if networks else 'none'}")
    for network in networks:
        risk = "?" if network["risk_score"] is None else f"{network['risk_score']:.1f}"
        out.line(f"  {network['label']} · risk {risk} · {_plural(network['size'], 'ad')} · {network['why']}")


def _timeline(movement: list[dict[str, Any]]) -> str:
    return " → ".join(f"{day['date'][5:]} {'/'.join(day['cities'])}" for day in movement)


def render_text(document: dict[str, Any], out: Output, *, top: int = 3) -> None:
    """The start-here block, the summary line, then each group with its ads, top indicators and evidence."""
    summary = document["summary"]
    render_start(document, out)
    out.write()
    out.heading(f"Report since {document['since'] or 'the beginning'} (generated {document['generated_at']})")
    out.line(
        f"{summary['new']} new, {summary['changed']} changed, {summary['removed']} removed ads; "
        f"{summary['newly_flagged_ads']} newly flagged ads, {summary['newly_flagged_networks']} newly flagged "
        f"networks; {summary['watchlist_hits']} watchlist hits. Listed: {summary['listed_ads']} ads in "
        f"{summary['groups']} groups."
    )
    out.line(
        "A flag is a signal for a trained person to look at, never a decision. Risk: signs of trafficking; "
        "licensing: signs of an unlicensed business (0-100 each, kept apart).",
        style="dim",
    )
    for group in document["groups"]:
        out.write()
        network = group["network"]
        scores = f"risk {group['risk_score']:.1f} · licensing {group['licensing_score']:.1f}"
        if network:
            out.heading(
                f"{network['label']} · {scores} · {_plural(network['size'], 'ad')} · "
                f"phones: {', '.join(network['phones']) or '-'}"
            )
            if network["movement"]:
                out.line(f"  movement: {_timeline(network['movement'])}", style="cyan")
            for hit in network["indicators"][:top]:
                out.line(f"  network: {hit['rule_id']} ({weight_text(hit['weight'])}) {hit['explanation']}")
        else:
            out.heading(f"ad {group['ads'][0]['id']} (no network) · {scores}")
        for ad in group["ads"]:
            _ad_text(ad, out, top)


def _ad_text(ad: dict[str, Any], out: Output, top: int) -> None:
    marks = [ad["change"]]
    if ad["newly_flagged"]:
        marks.append("NEWLY FLAGGED")
    if ad["underage"]:
        marks.append("POSSIBLY UNDERAGE")
    style = "bold red" if ad["underage"] else "bold"
    out.line(
        f"  #{ad['id']} [{', '.join(marks)}] {scores_text(ad['score'])} · "
        f"{ad['city'] or '?'} · {ad['source']} · {ad['title']}",
        style=style,
    )
    out.line(f"     {ad['url']}  phones: {', '.join(ad['phones']) or '-'}", style="dim")
    out.line(f"     risk parts: {model_text(ad['score'])}", style="dim")
    for entry in ad["watch"]:
        out.line(f"     WATCHLIST: {entry['kind']} {entry['value']} {entry['note']}".rstrip(), style="bold magenta")
    for hit in ad["indicators"][:top]:
        out.line(f"     {hit['rule_id']} ({hit['category']}, {weight_text(hit['weight'])}): {hit['explanation']}")
        for item in hit["evidence"][:1]:
            print_evidence(out, item, "       ")
    if len(ad["indicators"]) > top:
        out.line(f"     … {len(ad['indicators']) - top} more: scanner show ad {ad['id']}", style="dim")
