"""`scanner extract`: phones, ages, places, prices and contacts from text, as JSON lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

import click

from scanner.cli.context import App, pass_app
from scanner.errors import InputError
from scanner.utf8 import NotUTF8, decode_utf8


def _decoded(raw: bytes, name: str, number: int) -> str:
    """One input line as text; anything but UTF-8 is refused at its line and column, naming what it looks like."""
    try:
        return decode_utf8(raw)
    except NotUTF8 as exc:
        raise InputError(
            exc.message,
            context=f"{name}:{number}:{exc.column}",
            hint=f"give UTF-8 text: {exc.hint}",
        ) from None


def _records(stream: IO[bytes], name: str, plain: bool) -> Iterator[tuple[Any, str, dict[str, Any]]]:
    """(id, text, fields) per non-blank input line; JSON objects give their own id and fields."""
    for number, raw in enumerate(stream, 1):
        line = _decoded(raw, name, number)
        if not line.strip():
            continue
        if plain or not line.lstrip().startswith("{"):
            yield number, line.rstrip("\r\n"), {}
            continue
        record = _json_record(line, f"{name}:{number}")
        fields = record.get("fields") or {}
        if not isinstance(fields, dict):
            raise InputError(
                "'fields' must be an object", context=f"{name}:{number}", hint='write {"fields": {"city": "Haarlem"}}'
            )
        title = record.get("title")
        text = record.get("text", "")
        if isinstance(title, str) and title:
            text = f"{title}\n{text}"
        yield (
            record.get("id", number),
            text,
            {str(key): str(value) for key, value in fields.items() if value is not None},
        )


def _json_record(line: str, where: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not a JSON object: {exc.msg} at column {exc.colno}",
            context=where,
            hint='write one {"id": ..., "text": ...} per line, or pass --plain for plain text',
        ) from None
    except (ValueError, RecursionError) as exc:  # a number of thousands of digits, nesting thousands deep
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise InputError(f"not a usable JSON object: {reason}", context=where, hint="simplify this line") from None
    if not isinstance(record, dict) or not isinstance(record.get("text", ""), str):
        raise InputError(
            "a JSON line needs a string field 'text'", context=where, hint='write {"id": 1, "text": "..."}'
        )
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        # A \ud800 escape is half of a character: it cannot be written out as UTF-8.
        raise InputError(
            "a \\u escape names half of a character (an unpaired surrogate)",
            context=where,
            hint="write the character itself, or both halves of its \\u pair",
        ) from None
    return record


@click.command()
@click.argument("source", type=click.File("rb"), default="-")
@click.option("--plain", is_flag=True, help="Treat every line as plain text, even when it looks like JSON.")
@click.option("--pretty", is_flag=True, help="Indent the JSON (one object per input, no longer one per line).")
@click.option(
    "--pending", is_flag=True, help="Instead of reading SOURCE, extract every stored ad version that needs it."
)
@pass_app
def extract(app: App, source: IO[bytes], plain: bool, pretty: bool, pending: bool) -> None:
    """Extract phones, ages, places, prices and contacts from text.

    Reads JSON lines {"id": ..., "text": ..., "title": ..., "fields": {...}} (or plain text, one ad a
    line) from SOURCE or standard input, and writes one JSON object per input line with phones
    (E.164), ages, age_hints, cities, prices, emails, handles, license_numbers, languages and the
    evidence spans. The shape is documented in docs/cli.md. Input must be UTF-8 (a byte-order mark is
    allowed); other text stops at the first bad line with exit code 9. With --pending it runs over the
    database instead and prints how many ad versions it extracted.

    \b
    Example:
      echo '{"id": 1, "text": "Anna 21 jaar, Haarlem. Bel nul6-12345678, 1 uur 150"}' | scanner extract
      scanner extract ads.jsonl > features.jsonl
      scanner extract --pending
    """
    if pending:
        from scanner.extract.store import extract_pending

        count = extract_pending(app.database(), app.settings)
        click.echo(f"extracted {count} ad versions")
        return
    from scanner.extract import extract as run_extract

    name = getattr(source, "name", "<stdin>")
    for record_id, text, fields in _records(source, name, plain):
        result = run_extract(text, fields, settings=app.settings).to_json(id=record_id)
        click.echo(json.dumps(result, ensure_ascii=False, indent=2 if pretty else None))
