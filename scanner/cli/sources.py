"""`scanner sources`: list, validate and check the site description files (sources/*.yaml)."""

from __future__ import annotations

from pathlib import Path

import click

from scanner.cli.context import App, pass_app
from scanner.crawl.sourcefile import check_source_file, load_sources
from scanner.errors import SourceError

SHOWN_CHARS = 80


@click.group()
def sources() -> None:
    """List and check site description files.

    \b
    Example:
      scanner sources list
      scanner sources validate
      scanner sources check rozewereld
    """


def _folder(app: App) -> Path:
    folder = Path(app.settings.paths.sources_dir)
    if not folder.is_dir():
        raise SourceError("the sources folder does not exist", context=str(folder), hint="set paths.sources_dir")
    return folder


@sources.command("list")
@pass_app
def list_(app: App) -> None:
    """List the sources with their base URL and start URLs.

    \b
    Example:
      scanner sources list
    """
    for config in load_sources(_folder(app)):
        kind = f"adapter {config.adapter}" if config.adapter else "selectors"
        click.echo(f"{config.name}\t{config.base_url}\t{len(config.start_urls)} start URLs\t{kind}")


@sources.command()
@click.argument("names", nargs=-1)
@pass_app
def validate(app: App, names: tuple[str, ...]) -> None:
    """Check every source file (or the named ones) and print all problems at file:line:column.

    Exits 1 when a file has a problem. Nothing is fetched.

    \b
    Example:
      scanner sources validate
      scanner sources validate rozewereld
    """
    folder = _folder(app)
    files = [folder / f"{name}.yaml" for name in names] if names else sorted(folder.glob("*.yaml"))
    problems = 0
    for path in files:
        _config, found = check_source_file(path)
        for problem in found:
            click.echo(str(problem), err=True)
        problems += len(found)
        if not found:
            click.echo(f"{path}: ok")
    if problems:
        raise click.exceptions.Exit(1)


@sources.command()
@click.argument("name")
@pass_app
def check(app: App, name: str) -> None:
    """Fetch one listing page and one ad of NAME and print what each selector found.

    A selector that finds nothing where it must is an error naming the selector and the URL
    (exit code 6). Respects robots.txt and the gate; stores nothing.

    \b
    Example:
      scanner sources check rozewereld
    """
    from scanner.crawl.check import check_source

    config = load_sources(_folder(app), [name])[0]
    report = check_source(config, app.settings)
    click.echo(f"listing {report.listing_url}")
    click.echo(f"  ad links: {len(report.listing.ad_links)} (first: {report.listing.ad_links[0].url})")
    ids = sum(1 for link in report.listing.ad_links if link.external_id)
    markers = sum(1 for link in report.listing.ad_links if link.marker)
    click.echo(f"  external ids from links: {ids}; markers: {markers}")
    click.echo(f"  next page: {report.listing.next_pages[0] if report.listing.next_pages else '(none)'}")
    click.echo(f"ad {report.ad_url}")
    for result in report.fields:
        mark = "ok " if result.values else ("MISSING" if result.required else "-  ")
        shown = " | ".join(result.values)
        if len(shown) > SHOWN_CHARS:
            shown = shown[:SHOWN_CHARS] + "…"
        click.echo(f"  {mark:7} {result.name:12} {result.selector:30} {shown}")
    for url, reason in report.follow_failures:
        click.echo(f"  failed  {reason}: {url}")
    if report.broken:
        names = ", ".join(f"{result.name} ({result.selector})" for result in report.broken)
        from scanner.errors import SelectorError

        raise SelectorError(
            f"required selector found nothing: {names}",
            context=f"{config.name}: {report.ad_url}",
            hint=f"fix the selector in {config.file}",
        )
