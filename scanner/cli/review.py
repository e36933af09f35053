"""`scanner review`: label an ad or network for follow-up and training, and work through the queue."""

from __future__ import annotations

import sys

import click

from scanner.cli.context import App, pass_app
from scanner.errors import InputError
from scanner.investigate import show as show_module
from scanner.investigate.render import Output, to_json
from scanner.investigate.review import LABELS, add_review
from scanner.score import review_queue

SHORTCUTS = {label[0]: label for label in LABELS}


@click.command()
@click.argument("target", metavar="ID|N-LABEL|next")
@click.option("--label", type=click.Choice(LABELS), help="The decision.")
@click.option("--note", default="", help="Why: what you saw, what you did.")
@click.option("--limit", default=20, show_default=True, help="With `next`: how many queued ads to list.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_app
def review(app: App, target: str, label: str | None, note: str, limit: int, fmt: str) -> None:
    """Label ad ID (or network N-LABEL) with a decision; `next` shows the review queue.

    Labels: trafficking-suspect, illegal-prostitution, benign, spam-scam, unsure. Reviews feed
    model training and retention: an open label (trafficking-suspect, illegal-prostitution, unsure)
    keeps the ad while it is under review. `review next` shows the highest-risk unreviewed flagged
    ad in full; on a terminal it then asks for a label (first letter is enough), and moves on.

    \b
    Example:
      scanner review next
      scanner review 42 --label benign --note "licensed, checked with the permit list"
      scanner review N-000007 --label trafficking-suspect --note "handed to the police"
    """
    if target == "next":
        _next(app, label, note, limit, fmt)
        return
    if label is None:
        raise InputError("--label is required", context="review", hint=f"one of: {', '.join(LABELS)}")
    _store(app, target, label, note)


def _store(app: App, target: str, label: str, note: str) -> None:
    with app.database().session() as session:
        if target.isdigit():
            stored = add_review(session, ad_id=int(target), label=label, note=note, reviewer=app.actor)
        else:
            network = show_module.find_network(session, app.settings, target)
            stored = add_review(session, network_label=network.label, label=label, note=note, reviewer=app.actor)
        app.audit(
            session,
            "review",
            "change",
            {"review_id": stored.id, "ad_id": stored.ad_id, "network_id": stored.network_id, "label": label},
        )
    click.echo(f"review {stored.id}: {target} labelled {label}")


def _next(app: App, label: str | None, note: str, limit: int, fmt: str) -> None:
    interactive = label is None and fmt == "table" and sys.stdin.isatty() and sys.stdout.isatty()
    while True:
        items = review_queue(app.database(), app.settings, limit)
        waiting = [item.ad_id for item in items]
        with app.database().session() as session:
            document = show_module.show_ad(session, app.settings, waiting[0]) if waiting else None
            app.audit(session, "review next", "read", {"queue": waiting})
        if fmt == "json":
            queue_json = [{"ad_id": item.ad_id, "reason": item.reason, "risk_score": item.risk_score} for item in items]
            click.echo(to_json({"queue": queue_json, "next": document}))
            return
        if document is None:
            click.echo("the review queue is empty")
            return
        out = Output()
        out.line(f"next in the review queue ({items[0].reason}):", style="bold")
        show_module.render_text(document, out)
        out.line(f"{len(waiting)} ads waiting{' (or more)' if len(waiting) == limit else ''}: {waiting}", style="dim")
        if label is not None:
            _store(app, str(waiting[0]), label, note)
            return
        if not interactive:
            return
        answer = click.prompt(
            "label ([t]rafficking-suspect, [i]llegal-prostitution, [b]enign, [s]pam-scam, [u]nsure, enter to stop)",
            default="",
            show_default=False,
        ).strip()
        if not answer:
            return
        chosen = SHORTCUTS.get(answer[0].lower()) if answer not in LABELS else answer
        if chosen is None:
            click.echo(f"unknown label {answer!r}")
            continue
        _store(app, str(waiting[0]), chosen, click.prompt("note", default="", show_default=False))
