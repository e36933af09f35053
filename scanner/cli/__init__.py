"""The `scanner` command line: one Click group whose subcommands live in their own modules.

Subcommands are imported only when used, so `scanner --help` stays fast and one broken stage does
not break the others. Each module `scanner/cli/<name>.py` defines a Click command or group with the
same name (a trailing underscore is allowed where the name is a Python keyword).

Expected failures are `ScannerError`s: they are printed as one line plus a hint and exit with the
error's code (see `scanner.errors`). Everything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from scanner import __version__
from scanner.cli.context import App
from scanner.errors import ScannerError

# name -> (module, attribute, one-line summary shown before the module is imported)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "config": ("scanner.cli.config", "config", "Show the effective settings and where each came from."),
    "db": ("scanner.cli.db", "db", "Create, migrate and inspect the database schema."),
    "demo": ("scanner.cli.demo", "demo", "Run the synthetic demo world: serve it, or scan it end to end."),
    "sources": ("scanner.cli.sources", "sources", "List and check site description files."),
    "crawl": ("scanner.cli.crawl", "crawl", "Collect ads from the configured sources."),
    "extract": (
        "scanner.cli.extract",
        "extract",
        "Extract phones, ages, places, prices and contacts from text.",
    ),
    "rules": ("scanner.cli.rules", "rules", "Validate, test, list and explain indicator rules."),
    "link": ("scanner.cli.link", "link", "Link ads into networks through shared phones, photos and text."),
    "model": ("scanner.cli.model", "model", "Train, evaluate and inspect the risk model."),
    "score": ("scanner.cli.score", "score", "Apply rules and model and store explained assessments."),
    "scan": (
        "scanner.cli.scan",
        "scan",
        "The nightly job: crawl, extract, link, rules, model, score, purge.",
    ),
    "report": ("scanner.cli.report", "report", "What is new and why it was flagged."),
    "show": ("scanner.cli.show", "show", "Everything known about an ad, a network or a phone."),
    "search": ("scanner.cli.search", "search", "Find ads by phone, text or image."),
    "review": ("scanner.cli.review", "review", "Label ads for follow-up and training; the review queue."),
    "watch": ("scanner.cli.watch", "watch", "Follow phones, networks or text in the next reports."),
    "export": ("scanner.cli.export", "export", "Export ads and networks as CSV, JSON or GraphML."),
    "audit": ("scanner.cli.audit", "audit", "List the audit log of access to personal data."),
    "purge": ("scanner.cli.purge", "purge", "Apply the retention settings."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if self._available(name))

    @staticmethod
    def _available(name: str) -> bool:
        module = COMMANDS[name][0]
        return importlib.util.find_spec(module) is not None

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or not self._available(cmd_name):
            return None
        module_name, attribute, _summary = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ScannerError as exc:
            report_error(exc)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            ctx.exit(0)


def report_error(exc: ScannerError) -> None:
    """The one shape of an expected failure: `error: context: message`, then `  fix: hint`."""
    click.secho(f"error: {exc}", fg="red", err=True)
    if exc.hint:
        click.echo(f"  fix: {exc.hint}", err=True)


def _parse_sets(values: tuple[str, ...]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for item in values:
        if "=" not in item:
            raise click.BadParameter(f"'{item}' is not KEY=VALUE, e.g. --set crawl.delay=2", param_hint="--set")
        key, value = item.split("=", 1)
        parsed[key.strip()] = value
    return parsed


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="scanner")
@click.option(
    "--config",
    "config_path",
    metavar="FILE",
    help="Config file (default: $SCANNER_CONFIG or ./scanner.toml).",
)
@click.option("--database-url", metavar="URL", help="Database URL (overrides SCANNER_DATABASE_URL).")
@click.option("--set", "sets", metavar="KEY=VALUE", multiple=True, help="Override any setting, e.g. crawl.delay=2.")
@click.option("--as", "actor", metavar="NAME", help="Who is acting, for the audit log (default: the OS user).")
@click.option("--purpose", metavar="TEXT", default="", help="Why, for the audit log.")
@click.pass_context
def cli(
    ctx: click.Context,
    config_path: str | None,
    database_url: str | None,
    sets: tuple[str, ...],
    actor: str | None,
    purpose: str,
) -> None:
    """Find signs of trafficking and unlicensed prostitution in public sex-work ads, for human review.

    A flag is a signal for a trained person to look at, never a decision.

    \b
    Example:
      scanner demo                 # scan the synthetic demo world and print the report
      scanner db upgrade           # create or migrate the database
      scanner scan                 # the nightly job
      scanner report --since last-run
    """
    overrides: dict[str, Any] = _parse_sets(sets)
    if database_url:
        overrides["database.url"] = database_url
    ctx.obj = App.create(config_path=config_path, overrides=overrides, actor=actor, purpose=purpose)
    ctx.call_on_close(ctx.obj.close)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script."""
    cli.main(args=argv, prog_name="scanner")
