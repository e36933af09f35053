"""`scanner demo` end to end: serve the synthetic world, scan it night after night, print the report.

`run_demo(loaded, actor, seed=7, days=4)` starts the demo sites on 127.0.0.1, points their source files
(`scanner/lab/demo/sources/`, never the deployment's `paths.sources_dir`) at them (DEMO_ROZEWERELD_URL,
DEMO_NACHTLICHT_URL), and runs the real nightly scan once per simulated day on
a fresh SQLite database (unless the user named a database), then prints the morning report. The
politeness limits (delay, jitter, one request at a time per site) are relaxed for the demo only:
the sites are local and synthetic, so waiting between requests protects nobody. Every other setting
is the user's.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from scanner.clock import demo_day
from scanner.db import audit
from scanner.db.session import open_database, upgrade
from scanner.investigate.render import Output
from scanner.investigate.report import ReportFilter, build_report, report_ad_ids
from scanner.investigate.text import render_text
from scanner.lab.demo.server import SOURCES_DIR, DemoServer
from scanner.lab.demo.world import World, WorldConfig
from scanner.model.io import PROJECT_ROOT
from scanner.settings import LoadedSettings, Settings
from scanner.workflow.scan import run_scan

DEMO_CONCURRENCY = 4  # requests at once per demo site; they run on this machine
DEMO_PRIVACY = {
    "controller": "Demo municipality (synthetic data only)",
    "purpose": "demonstration on the synthetic demo world",
    "legal_basis": "none needed: no personal data, every ad is generated",
    "dpia_reference": "DEMO",
}


def _existing(configured: str) -> str:
    """A relative folder from the settings, or the same folder of the scanner checkout when run elsewhere."""
    path = Path(configured)
    if path.is_absolute() or path.exists() or not (PROJECT_ROOT / path).exists():
        return configured
    return str(PROJECT_ROOT / path)


def demo_settings(loaded: LoadedSettings, database_dir: Path | None) -> Settings:
    """The user's settings with the demo's overrides: a fresh database (unless the user named one), no
    delays, demo privacy values, and the demo sites' source files."""
    settings = loaded.settings.model_copy(deep=True)
    if loaded.origins["database.url"][0] == "default":
        directory = database_dir or Path(tempfile.mkdtemp(prefix="scanner-demo-"))
        settings.database.url = f"sqlite:///{directory / 'demo.db'}"
    settings.crawl.delay = 0.0
    settings.crawl.jitter = 0.0
    settings.crawl.per_host_concurrency = max(settings.crawl.per_host_concurrency, DEMO_CONCURRENCY)
    for name, value in DEMO_PRIVACY.items():
        if not getattr(settings.privacy, name):
            setattr(settings.privacy, name, value)
    settings.paths.sources_dir = str(SOURCES_DIR)  # the demo sites only, whatever the deployment's sources are
    settings.paths.rules_dir = _existing(settings.paths.rules_dir)
    settings.paths.models_dir = _existing(settings.paths.models_dir)
    settings.model.path = _existing(settings.model.path)
    return settings


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


def run_demo(
    loaded: LoadedSettings,
    actor: str,
    *,
    seed: int = 7,
    days: int = 4,
    config: WorldConfig | None = None,
    database_dir: Path | None = None,
    out: Output | None = None,
) -> None:
    """Scan `days` simulated days of the demo world and print the report (config: a smaller world for tests)."""
    out = out or Output()
    settings = demo_settings(loaded, database_dir)
    # World.generate needs at least two days (a one-day world fails in its planner).
    world = World.generate(config or WorldConfig(seed=seed, days=max(days, 2)))
    upgrade(settings)
    db = open_database(settings)
    out.line(f"demo database: {settings.database_url}", style="dim")
    try:
        with DemoServer(world, day=1) as server, _environment(server.environ()):
            for day in range(1, days + 1):
                server.set_day(day)
                out.heading(f"night of day {day} ({demo_day(day).date()})")
                summary = run_scan(
                    db,
                    settings,
                    actor=actor,
                    purpose=settings.privacy.purpose,
                    now=demo_day(day),
                    simulated_day=day,
                )
                for line in summary.lines():
                    out.line(f"  {line}")
        with db.session() as session:
            document = build_report(session, settings, ReportFilter(), now=demo_day(days))
            audit.record(
                session,
                actor=actor,
                command="demo",
                action="read",
                purpose=settings.privacy.purpose,
                details={"ads": report_ad_ids(document)},
                now=demo_day(days),
            )
        out.write()
        render_text(document, out)
        out.write()
        click.echo(
            f"explore it: scanner --database-url {settings.database_url} report --since {demo_day(1).date()}",
            err=True,
        )
    finally:
        db.dispose()
