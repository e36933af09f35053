"""Networks of people, not of placeholders: the nightly scan measured on two worlds against their truth.

    python bench/linking_quality.py                      # lichtbaken seeds 1 and 2, the demo world seed 7
    python bench/linking_quality.py --seeds 3 --days 10 --skip-demo
    python bench/linking_quality.py --json               # the figures as JSON

Each world is served on 127.0.0.1 and scanned night by night by the real `run_scan` (crawl, extract,
link, rules, score with the bootstrap model) into a fresh SQLite database, as a deployment would.
The lichtbaken world (scanner.lab.demo.lichtbaken, source file bench/sources/lichtbaken.yaml) is scanned
whole, then again with `municipality.region = ["Kennemerland"]` (the README's example, `--regions`);
the main demo world whole. Then, against the truth the sites never serve:

- pairwise precision and recall of the networks standing after the last night (business groups and duo
  pairs are not networks), over the ads stored;
- the share of independent workers' ads (duos included) and of agency ads flagged on any night;
- the share of network ads flagged on the first night they were assessed;
- the seeds of the lichtbaken world pooled: pairs and flagged ads summed over the seeds, then divided;
- with a region: the share of nights an in-region ad was shown but not stored (refused by the region
  filter); and the independents the movement rule `relocation-circuit` fired on.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from scanner.clock import demo_day
from scanner.db.models import Ad, Assessment, IndicatorHit, Network, NetworkMember, ScanRun, Sighting, live_networks
from scanner.db.session import open_database, upgrade
from scanner.lab.demo.lichtbaken import LichtbakenConfig, LichtbakenWorld
from scanner.lab.demo.records import TruthRecord
from scanner.lab.demo.server import DemoServer, ServedWorld
from scanner.lab.demo.world import World, WorldConfig
from scanner.lab.link_quality import pairwise_scores
from scanner.places import Region
from scanner.settings import Settings, load_settings
from scanner.workflow.scan import run_scan

REPOSITORY = Path(__file__).resolve().parent.parent
PRIVACY = {
    "privacy.controller": "benchmark (synthetic data only)",
    "privacy.purpose": "measuring the pipeline on synthetic worlds",
    "privacy.legal_basis": "none needed: every ad is generated",
    "privacy.dpia_reference": "BENCH",
}


@dataclass
class Figures:
    world: str
    ads_stored: int = 0
    precision: float = 0.0
    recall: float = 0.0
    networks_true: int = 0
    networks_found: int = 0
    independents_flagged: float = 0.0
    independents: int = 0
    duo_ads_flagged: int = 0
    agencies_flagged: float = 0.0
    agency_ads: int = 0
    network_first_night: float = 0.0
    network_ads: int = 0
    region_nights_refused: float | None = None
    relocation_on_independents: int | None = None
    seconds: float = 0.0
    # the counts behind the shares, for pooling seeds: pairs true, recovered and correct; ads flagged
    counts: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def pooled(name: str, runs: Sequence[Figures]) -> Figures:
    """The figures of several runs taken together: pairs and flagged ads summed, then divided."""
    total = {key: sum(run.counts[key] for run in runs) for key in runs[0].counts}

    def share(part: str, whole: str) -> float:
        return round(total[part] / total[whole], 4) if total[whole] else 0.0

    refused = [run.region_nights_refused for run in runs if run.region_nights_refused is not None]
    return Figures(
        world=name,
        ads_stored=sum(run.ads_stored for run in runs),
        precision=share("correct_pairs", "recovered_pairs") if total["recovered_pairs"] else 1.0,
        recall=share("correct_pairs", "true_pairs"),
        networks_true=sum(run.networks_true for run in runs),
        networks_found=sum(run.networks_found for run in runs),
        independents_flagged=share("independents_flagged", "independents"),
        independents=total["independents"],
        agencies_flagged=share("agencies_flagged", "agency_ads"),
        agency_ads=total["agency_ads"],
        network_first_night=share("first_night_flagged", "network_ads"),
        network_ads=total["network_ads"],
        region_nights_refused=round(sum(refused) / len(refused), 4) if refused else None,
        relocation_on_independents=sum(run.relocation_on_independents or 0 for run in runs),
        seconds=round(sum(run.seconds for run in runs), 1),
        counts=total,
    )


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _settings(database: Path, sources: Path, region: list[str]) -> Settings:
    values: dict[str, Any] = {
        **PRIVACY,
        "database.url": f"sqlite:///{database}",
        "paths.sources_dir": str(sources),
        "paths.rules_dir": str(REPOSITORY / "rules"),
        "paths.models_dir": str(REPOSITORY / "models"),
        "model.path": str(REPOSITORY / "models" / "bootstrap.skops"),
        "crawl.delay": 0.0,
        "crawl.jitter": 0.0,
        "crawl.per_host_concurrency": 4,
        "municipality.region": region,
    }
    return load_settings(cli=values, environ={}).settings


def scan_world(
    name: str, world: ServedWorld, truth: Sequence[TruthRecord], days: int, sources: Path, region: list[str]
) -> tuple[Figures, Path]:
    """Scan `days` nights of `world` into a fresh database; the figures and the database file."""
    directory = Path(tempfile.mkdtemp(prefix="scanner-bench-"))
    database = directory / "bench.db"
    settings = _settings(database, sources, region)
    upgrade(settings)
    db = open_database(settings)
    started = time.perf_counter()
    try:
        with DemoServer(world, day=1) as server, _environment(server.environ()):
            for day in range(1, days + 1):
                server.set_day(day)
                run_scan(db, settings, actor="bench", now=demo_day(day), simulated_day=day)
        seconds = time.perf_counter() - started
        figures = evaluate(name, db, {record.key: record for record in truth})
        figures.seconds = round(seconds, 1)
    finally:
        db.dispose()
    return figures, database


def evaluate(name: str, db: Any, truth: dict[str, TruthRecord]) -> Figures:
    figures = Figures(world=name)
    with db.session() as session:
        key_of = {ad_id: key for ad_id, key in session.execute(select(Ad.id, Ad.external_id))}
        day_of_run = {run_id: day for run_id, day in session.execute(select(ScanRun.id, ScanRun.simulated_day))}
        groups: dict[int, list[str]] = defaultdict(list)
        members = select(NetworkMember.network_id, NetworkMember.ad_id).join(
            Network, Network.id == NetworkMember.network_id
        )
        for network_id, ad_id in session.execute(members.where(live_networks())):
            groups[network_id].append(key_of[ad_id])
        nights: dict[str, dict[int, bool]] = defaultdict(dict)
        rows = session.execute(
            select(Assessment.ad_id, Assessment.scan_run_id, Assessment.flagged).where(Assessment.ad_id.is_not(None))
        )
        for ad_id, run_id, flagged in rows:
            night = day_of_run.get(run_id)
            if night is not None:
                nights[key_of[ad_id]][night] = nights[key_of[ad_id]].get(night, False) or bool(flagged)
        relocation = {
            key_of[ad_id]
            for (ad_id,) in session.execute(
                select(IndicatorHit.ad_id).where(IndicatorHit.rule_id == "relocation-circuit")
            )
            if ad_id is not None
        }
        sighted = {
            (key_of[ad_id], day_of_run.get(run))
            for ad_id, run in session.execute(select(Sighting.ad_id, Sighting.scan_run_id))
        }
    stored = [key for key in key_of.values() if key in truth]
    figures.ads_stored = len(stored)
    scores = pairwise_scores(
        {key: truth[key].network_id for key in stored}, groups.values(), {key: truth[key].cls for key in stored}
    )
    figures.precision, figures.recall = scores.precision, scores.recall
    figures.networks_true, figures.networks_found = scores.networks_true, scores.networks_recovered

    def flagged_share(keys: list[str]) -> float:
        return round(sum(1 for key in keys if any(nights[key].values())) / len(keys), 4) if keys else 0.0

    independents = [key for key in stored if truth[key].cls == "independent"]
    agencies = [key for key in stored if truth[key].cls == "agency"]
    networks = [key for key in stored if truth[key].cls == "network" and nights[key]]
    figures.independents, figures.agency_ads, figures.network_ads = len(independents), len(agencies), len(networks)
    figures.independents_flagged = flagged_share(independents)
    figures.agencies_flagged = flagged_share(agencies)
    figures.duo_ads_flagged = sum(1 for key in independents if truth[key].duo_id and any(nights[key].values()))
    first = [nights[key][min(nights[key])] for key in networks]
    figures.network_first_night = round(sum(first) / len(first), 4) if first else 0.0
    figures.counts = {
        "true_pairs": scores.true_pairs,
        "recovered_pairs": scores.recovered_pairs,
        "correct_pairs": scores.correct_pairs,
        "independents": len(independents),
        "independents_flagged": sum(1 for key in independents if any(nights[key].values())),
        "agency_ads": len(agencies),
        "agencies_flagged": sum(1 for key in agencies if any(nights[key].values())),
        "network_ads": len(networks),
        "first_night_flagged": sum(first),
    }
    figures.relocation_on_independents = len(relocation & set(independents))
    figures.extra["flagged_independents_by_kind"] = {
        "duo": figures.duo_ads_flagged,
        "with relocation-circuit": len(relocation & {k for k in independents if any(nights[k].values())}),
    }
    figures.extra["sighted"] = sighted
    return figures


def region_refusals(world: LichtbakenWorld, sighted: set[tuple[str, int | None]], days: int, region: Region) -> float:
    """Share of (ad, night) pairs with the advertiser truly in the region that left no sighting."""
    expected = [
        (plan.key, day)
        for plan in world.plans
        for day in plan.days
        if day <= days and world.municipality_on(plan.key, day) in region.municipalities
    ]
    missed = sum(1 for pair in expected if pair not in sighted)
    return round(missed / len(expected), 4) if expected else 0.0


def _row(figures: Figures) -> str:
    region = "" if figures.region_nights_refused is None else f"{figures.region_nights_refused:>8.1%}"
    relocation = "" if figures.relocation_on_independents is None else f"{figures.relocation_on_independents:>6d}"
    return (
        f"{figures.world:<34} {figures.ads_stored:>5d} {figures.precision:>9.3f} {figures.recall:>7.3f} "
        f"{figures.networks_found:>3d}/{figures.networks_true:<3d} {figures.independents_flagged:>9.1%} "
        f"{figures.agencies_flagged:>8.1%} {figures.network_first_night:>10.1%} {region:>8} {relocation:>6} "
        f"{figures.seconds:>7.1f}"
    )


HEADER = (
    f"{'world':<34} {'ads':>5} {'precision':>9} {'recall':>7} {'nets':>7} {'indep.flg':>9} "
    f"{'agency':>8} {'net.night1':>10} {'region-':>8} {'reloc.':>6} {'seconds':>7}"
)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3], help="seeds of the lichtbaken world")
    parser.add_argument("--days", type=int, default=10, help="simulated nights to scan")
    parser.add_argument("--demo-seed", type=int, default=7, help="seed of the main demo world")
    parser.add_argument("--skip-demo", action="store_true", help="scan only the lichtbaken world")
    parser.add_argument(
        "--regions",
        nargs="*",
        default=["Kennemerland"],
        help="also scan each lichtbaken seed with this municipality.region (none: only the whole site)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    results: list[Figures] = []
    for region in ([], *([args.regions] if args.regions else [])):
        runs = []
        for seed in args.seeds:
            world = LichtbakenWorld.generate(LichtbakenConfig(seed=seed, days=args.days))
            name = f"lichtbaken seed {seed}" + (f" in {', '.join(region)}" if region else "")
            figures, _ = scan_world(name, world, world.truth(), args.days, REPOSITORY / "bench" / "sources", region)
            sighted = figures.extra.pop("sighted")
            if region:
                figures.region_nights_refused = region_refusals(world, sighted, args.days, Region(region))
            runs.append(figures)
            print(f"# {figures.world} scanned in {figures.seconds} s", file=sys.stderr)
        results += runs
        if len(runs) > 1:
            seeds = ", ".join(str(seed) for seed in args.seeds)
            results.append(pooled(f"lichtbaken {seeds} pooled" + (f" in {', '.join(region)}" if region else ""), runs))
    if not args.skip_demo:
        demo = World.generate(WorldConfig(seed=args.demo_seed, days=args.days))
        figures, _ = scan_world(
            f"demo seed {args.demo_seed}", demo, demo.truth(), args.days, REPOSITORY / "sources", []
        )
        figures.extra.pop("sighted")
        results.append(figures)
        print(f"# {figures.world} scanned in {figures.seconds} s", file=sys.stderr)
    if args.json:
        print(json.dumps([figures.__dict__ for figures in results], indent=2))
        return
    print(f"{args.days} nights each; precision and recall are pairwise over the networks after the last night")
    print(HEADER)
    for figures in results:
        print(_row(figures))
    print(
        "indep.flg / agency: ads flagged on any night; net.night1: network ads flagged on their first night; "
        "region-: in-region ad-nights not stored; reloc.: independents hit by relocation-circuit"
    )


if __name__ == "__main__":
    main()
