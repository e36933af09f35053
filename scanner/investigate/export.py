"""`scanner export`: flagged ads and their networks as CSV, Excel, JSON or GraphML, with only the fields needed.

An export leaves the tool, so it carries the minimum to follow a case up: ids, where the ad is
(source, URL, city), when it was seen, scores (with the model's probability, version and its card's
warning), indicator ids, phone numbers and network. No ad text, no photos, no evidence snippets: the
recipient opens the URL or asks for `scanner show`. GraphML (ads as nodes, links as edges) opens in
Gephi and yEd. CSV and Excel are written safe for spreadsheets (`scanner.investigate.spreadsheet`): no cell
can run as a formula, phone numbers stay exact E.164 (text cells in Excel).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanner.clock import utcnow
from scanner.db.models import Ad
from scanner.investigate import queries, spreadsheet
from scanner.investigate.region import RegionFilter
from scanner.investigate.report import graph
from scanner.investigate.show import find_network
from scanner.settings import Settings

FORMATS = ("csv", "xlsx", "json", "graphml")
AD_FIELDS = (
    "id",
    "network",
    "source",
    "url",
    "city",
    "first_seen_at",
    "last_seen_at",
    "risk_score",
    "licensing_score",
    "model_probability",
    "model_version",
    "flagged",
    "underage",
    "phones",
    "indicators",
)
PHONE_FIELDS = frozenset({"phones"})
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"


@dataclass(frozen=True)
class ExportFilter:
    include_unflagged: bool = False
    network: str | None = None
    min_score: float = 0.0
    region: str | None = None  # any name the crawl's region accepts (scanner.investigate.region)


def collect(session: Session, settings: Settings, export_filter: ExportFilter) -> dict[str, Any]:
    """The exported records: minimal ad rows, their networks and the links among them."""
    query = select(Ad).order_by(Ad.id)
    if export_filter.network:
        network = find_network(session, settings, export_filter.network)
        query = query.where(Ad.id.in_(queries.network_member_ids(session, network.id)))
    ads = RegionFilter.named(export_filter.region).ads(session, session.scalars(query))
    summaries = queries.ad_summaries(session, ads, snippet_chars=10)
    rows = []
    warnings: set[str] = set()
    for ad in summaries:
        if not (ad["flagged"] or export_filter.include_unflagged or export_filter.network):
            continue
        if (ad["risk_score"] or 0) < export_filter.min_score:
            continue
        model = (ad["score"] or {}).get("model") or {}
        row = {field: ad[field] for field in AD_FIELDS if field not in ("indicators", "model_version")}
        row["model_version"] = model.get("version")
        row["indicators"] = [hit["rule_id"] for hit in ad["indicators"]]
        rows.append(row)
        if model.get("warning"):
            warnings.add(str(model["warning"]))
    ad_ids = [row["id"] for row in rows]
    networks: dict[str, list[int]] = {}
    for row in rows:
        if row["network"]:
            networks.setdefault(row["network"], []).append(row["id"])
    return {
        "exported_at": queries.iso(utcnow()),
        "filters": {
            "network": export_filter.network,
            "region": export_filter.region,
            "min_score": export_filter.min_score,
            "include_unflagged": export_filter.include_unflagged,
        },
        "model_warnings": sorted(warnings),
        "ads": rows,
        "networks": [{"label": label, "ad_ids": members} for label, members in sorted(networks.items())],
        "links": graph(session, ad_ids)["edges"],
    }


def _rows(records: dict[str, Any]) -> list[list[Any]]:
    return [[row[field] for field in AD_FIELDS] for row in records["ads"]]


def to_csv(records: dict[str, Any]) -> str:
    """One row per ad; a `model_warning` column repeats the model card's warning so no row travels without it."""
    warning = " ".join(records["model_warnings"])
    rows = [[*row, warning] for row in _rows(records)]
    return spreadsheet.to_csv([*AD_FIELDS, "model_warning"], rows, phone_columns=PHONE_FIELDS)


def to_xlsx(records: dict[str, Any]) -> bytes:
    """A workbook: the ads, the links between them, and what the export is (filters, model warnings)."""
    about = [["exported_at", records["exported_at"]]]
    about += [[f"filter {name}", value] for name, value in records["filters"].items()]
    about += [["model warning", warning] for warning in records["model_warnings"]]
    links = [[link["a"], link["b"], link["kind"], link["strength"]] for link in records["links"]]
    return spreadsheet.to_xlsx(
        [
            ("ads", AD_FIELDS, _rows(records)),
            ("links", ("ad_a", "ad_b", "kind", "strength"), links),
            ("about", ("what", "value"), about),
        ],
        phone_columns=PHONE_FIELDS,
    )


def to_json(records: dict[str, Any]) -> str:
    return json.dumps(records, indent=2, ensure_ascii=False)


NODE_KEYS = (
    ("label", "string"),
    ("network", "string"),
    ("source", "string"),
    ("city", "string"),
    ("risk_score", "double"),
    ("licensing_score", "double"),
    ("flagged", "boolean"),
    ("phones", "string"),
)
EDGE_KEYS = (("kind", "string"), ("strength", "double"))


def to_graphml(records: dict[str, Any]) -> str:
    ElementTree.register_namespace("", GRAPHML_NS)
    root = ElementTree.Element(f"{{{GRAPHML_NS}}}graphml")
    for scope, keys in (("node", NODE_KEYS), ("edge", EDGE_KEYS)):
        for name, kind in keys:
            ElementTree.SubElement(
                root,
                f"{{{GRAPHML_NS}}}key",
                {"id": f"{scope}_{name}", "for": scope, "attr.name": name, "attr.type": kind},
            )
    graph_element = ElementTree.SubElement(root, f"{{{GRAPHML_NS}}}graph", {"id": "ads", "edgedefault": "undirected"})
    for row in records["ads"]:
        node = ElementTree.SubElement(graph_element, f"{{{GRAPHML_NS}}}node", {"id": f"ad{row['id']}"})
        values = {
            "label": f"ad {row['id']}",
            "network": row["network"] or "",
            "source": row["source"],
            "city": row["city"] or "",
            "risk_score": row["risk_score"] if row["risk_score"] is not None else 0.0,
            "licensing_score": row["licensing_score"] if row["licensing_score"] is not None else 0.0,
            "flagged": "true" if row["flagged"] else "false",
            "phones": ";".join(row["phones"]),
        }
        for name, _kind in NODE_KEYS:
            ElementTree.SubElement(node, f"{{{GRAPHML_NS}}}data", {"key": f"node_{name}"}).text = str(values[name])
    for index, link in enumerate(records["links"]):
        edge = ElementTree.SubElement(
            graph_element,
            f"{{{GRAPHML_NS}}}edge",
            {"id": f"e{index}", "source": f"ad{link['a']}", "target": f"ad{link['b']}"},
        )
        ElementTree.SubElement(edge, f"{{{GRAPHML_NS}}}data", {"key": "edge_kind"}).text = link["kind"]
        ElementTree.SubElement(edge, f"{{{GRAPHML_NS}}}data", {"key": "edge_strength"}).text = str(link["strength"])
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"


RENDERERS: dict[str, Callable[[dict[str, Any]], str | bytes]] = {
    "csv": to_csv,
    "xlsx": to_xlsx,
    "json": to_json,
    "graphml": to_graphml,
}
