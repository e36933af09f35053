"""A progress bar for a crawl on a terminal (rich); elsewhere the crawl logs quietly instead."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from scanner.crawl.crawler import Crawl


def run_with_progress(crawl: Crawl) -> None:
    """Run the crawl showing entries done out of entries known (the total grows as links are found)."""
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task("crawl", total=None)

        def update(_label: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        crawl.progress = update
        asyncio.run(crawl.run())
