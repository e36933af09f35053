"""`scanner link`: link ads into networks, list the networks, or measure linking on the demo world."""

from __future__ import annotations

import json

import click
from sqlalchemy import select

from scanner.cli.context import App, pass_app


@click.command()
@click.option("--rebuild", is_flag=True, help="Recompute every ad's text signature instead of only changed ads.")
@click.option("--list", "list_networks", is_flag=True, help="List the active networks, business groups and duo pairs.")
@click.option(
    "--evaluate-demo",
    "evaluate_seed",
    type=int,
    metavar="SEED",
    help="Measure linking on the demo world of SEED (in a scratch database) and print pairwise scores.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def link(app: App, rebuild: bool, list_networks: bool, evaluate_seed: int | None, as_json: bool) -> None:
    """Link ads through shared phones, emails, handles, photos, text templates and movement.

    First judges every shared phone, photo and licence: a person's (it links), a business's (its ads
    form a business group, B-000001), a duo's (two women, a pair, D-000001) or a hub's (a placeholder
    photo or switchboard: it links nothing); `scanner show network` shows each judgement and why.
    Stores the links and the networks they form (stable labels such as N-000001). A nightly run
    recomputes text signatures only for new and changed ads; --rebuild recomputes them all and gives
    the same result.

    \b
    Example:
      scanner link
      scanner link --rebuild --json
      scanner link --list
      scanner link --evaluate-demo 7
    """
    if evaluate_seed is not None:
        from scanner.lab.link_quality import evaluate_demo

        report = evaluate_demo(evaluate_seed, app.settings)
        if as_json:
            click.echo(json.dumps(report, indent=2))
            return
        click.echo(f"demo world seed {report['seed']}: {report['ads']} ads")
        for name in ("end_to_end", "true_phones"):
            scores = report[name]
            click.echo(
                f"  {name:11} precision {scores['precision']:.3f}  recall {scores['recall']:.3f}  "
                f"F1 {scores['f1']:.3f}  networks {scores['networks_recovered']}/{scores['networks_true']}  "
                f"agency ads in networks {scores['agency_ads']}  independent ads in networks "
                f"{scores['independent_ads']}"
            )
        return
    db = app.database()
    if list_networks:
        from scanner.db.models import Network

        with db.session() as session:
            rows = session.scalars(select(Network).where(Network.dissolved_at.is_(None)).order_by(Network.label))
            networks = [
                {
                    "label": network.label,
                    "kind": network.kind,
                    "size": network.size,
                    "people": network.summary.get("people"),
                    "cities": network.summary.get("cities", [])[:5],
                    "looks_licensed": network.summary.get("looks_licensed", False),
                }
                for network in rows
            ]
        if as_json:
            click.echo(json.dumps(networks, indent=2))
            return
        shown_as = {"business": "  (business group)", "duo": "  (duo pair: not a network)"}
        for item in networks:
            licensed = "  (licensed business)" if item["looks_licensed"] and item["kind"] == "network" else ""
            click.echo(
                f"{item['label']}  {item['size']:4d} ads  {item['people'] or 0:3d} people  "
                f"{', '.join(item['cities'])}{licensed}{shown_as.get(item['kind'], '')}"
            )
        return
    from scanner.link.store import run_linking

    stats = run_linking(db, app.settings, rebuild=rebuild)
    if as_json:
        click.echo(json.dumps(stats.as_dict(), indent=2, default=str))
        return
    click.echo(
        f"linked {stats.ads} ads ({stats.changed_ads} new or changed) in {stats.seconds:.1f} s: "
        f"links +{stats.links_added} ~{stats.links_updated} -{stats.links_removed}; "
        f"networks {stats.networks_active} ({stats.networks_new} new, {stats.networks_dissolved} dissolved); "
        f"{stats.business_groups} business groups, {stats.duo_pairs} duo pairs"
    )
