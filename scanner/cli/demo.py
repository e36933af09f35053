"""`scanner demo`: the synthetic demo world: serve it, write its truth, print its numbers, or scan it."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from scanner.cli.context import App

if TYPE_CHECKING:
    from scanner.lab.demo.world import World


def _world(seed: int, days: int) -> World:
    from scanner.lab.demo.world import World, WorldConfig

    return World.generate(WorldConfig(seed=seed, days=max(days, 2)))


@click.group(invoke_without_command=True)
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the demo world.")
@click.option("--days", type=click.IntRange(1, 60), default=4, show_default=True, help="Simulated days to scan.")
@click.pass_context
def demo(ctx: click.Context, seed: int, days: int) -> None:
    """Run the synthetic demo world: serve it, or scan it end to end.

    Without a subcommand: start the demo sites on 127.0.0.1, run a nightly scan for each simulated
    day and print the report. No real site is contacted.

    \b
    Example:
      scanner demo                      # scan 4 simulated days and print the report
      scanner demo --seed 3 --days 7
      scanner demo serve --day 2        # serve the sites until Ctrl-C
    """
    if ctx.invoked_subcommand is not None:
        return
    from scanner.lab.demo.run import run_demo  # imported only when used

    app = ctx.find_object(App)
    assert app is not None, "demo runs inside the scanner group"
    run_demo(app.loaded, app.actor, seed=seed, days=days)


@demo.command()
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the demo world.")
@click.option("--day", type=click.IntRange(1, 60), default=1, show_default=True, help="Simulated day to serve.")
@click.option("--days", type=click.IntRange(1, 60), default=14, show_default=True, help="Days the world spans.")
@click.option("--hostile", is_flag=True, help="Also serve the hostile site (bad servers, for crawler tests).")
@click.option("--crawl-delay", type=float, default=0.0, show_default=True, help="Crawl-delay in robots.txt.")
def serve(seed: int, day: int, days: int, hostile: bool, crawl_delay: float) -> None:
    """Serve the demo sites on 127.0.0.1 until Ctrl-C; prints their URLs and environment variables.

    The source files of the demo sites (scanner/lab/demo/sources/, apart from your own sources/ folder)
    read their base URLs from DEMO_ROZEWERELD_URL and DEMO_NACHTLICHT_URL: export the printed lines in
    another shell, then crawl with the printed --set paths.sources_dir=... .

    \b
    Example:
      scanner demo serve --seed 7 --day 1
      scanner demo serve --hostile
    """
    from scanner.lab.demo.server import SOURCES_DIR, DemoServer

    world = _world(seed, max(days, day))
    with DemoServer(world, day=day, hostile=hostile, crawl_delay=crawl_delay) as server:
        for site, url in server.urls.items():
            click.echo(f"{site}: {url}")
        for name, url in server.environ().items():
            click.echo(f"export {name}={url}")
        click.echo(f"then: scanner --set paths.sources_dir={SOURCES_DIR} crawl")
        click.echo(f"serving day {day} of seed {seed}; press Ctrl-C to stop", err=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            click.echo("stopped", err=True)


@demo.command()
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the demo world.")
@click.option("--days", type=click.IntRange(1, 60), default=14, show_default=True, help="Days the world spans.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write (JSON lines); '-' for standard output.",
)
def truth(seed: int, days: int, out: Path) -> None:
    """Write the ground truth of the demo world: one JSON object per ad key.

    Each line holds the ad's key and site, its advertiser, person, network or agency and class,
    its true phones (E.164), ages, cities, prices and names, the days it was visible, the indicator
    families written into it and how obscured its phone number is. The sites never serve this.

    \b
    Example:
      scanner demo truth --seed 7 --out truth.jsonl
    """
    lines = [json.dumps(record.to_json(), ensure_ascii=False, sort_keys=True) for record in _world(seed, days).truth()]
    text = "\n".join(lines) + "\n"
    if str(out) == "-":
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(lines)} records to {out}", err=True)


@demo.command()
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the demo world.")
@click.option("--days", type=click.IntRange(1, 60), default=14, show_default=True, help="Days the world spans.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of Markdown tables.")
def stats(seed: int, days: int, as_json: bool) -> None:
    """Print the numbers of the demo world: ads, networks, agencies, indicator and obfuscation rates.

    The tables of docs/demo-world.md are this command's Markdown output.

    \b
    Example:
      scanner demo stats --seed 7
      scanner demo stats --json > stats.json
    """
    from scanner.lab.demo.stats import stats_markdown, world_stats

    numbers = world_stats(_world(seed, days))
    click.echo(json.dumps(numbers, indent=2, sort_keys=True) if as_json else stats_markdown(numbers))
