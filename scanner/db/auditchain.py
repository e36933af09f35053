"""The hash chain that makes the audit log tamper-evident, and its verification (pure: no database).

Every audit entry stores `prev_hash`, the `entry_hash` of the entry before it (`GENESIS` for the first),
and its own `entry_hash` = SHA-256 over `prev_hash` and the entry's id, time, actor, command, action,
purpose and details. As in Certificate Transparency, the newest hash (the head, written `ID:HASH`)
vouches for every entry before it: each scan prints it, so it is kept outside the database.

`verify` walks the entries in id order and names what is wrong:

- an entry whose content no longer matches its hash was changed (or forged);
- two entries that link to the same predecessor: the one the longer chain does not carry on was
  inserted (a forgery is followed by nothing but other forgeries);
- an entry whose `prev_hash` points at nothing: entries before it were deleted (with the missing ids
  when the ids have a gap), or the entry before it was changed and its hash recomputed;
- a head kept outside whose entry is missing or has another hash: the newest entries were deleted, or
  the log up to that entry was rewritten and its chain recomputed, which nothing inside the database
  can reveal.

Entries added after the newest head kept outside are vouched for by nothing yet.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

GENESIS = "0" * 64
HEAD_PATTERN = re.compile(r"\b(\d+):([0-9a-f]{64})\b")


def canonical_details(details: dict[str, Any] | None) -> dict[str, Any]:
    """Details exactly as the JSON column gives them back (string keys, lists for tuples), so hashes agree."""
    value = json.loads(json.dumps(details or {}))
    assert isinstance(value, dict)
    return value


def entry_hash(
    prev_hash: str,
    *,
    entry_id: int,
    at: datetime,
    actor: str,
    command: str,
    action: str,
    purpose: str,
    details: dict[str, Any],
) -> str:
    """The chain hash of one entry: SHA-256 of the previous hash and the entry's canonical JSON."""
    payload = json.dumps(
        [entry_id, at.isoformat(sep=" ", timespec="microseconds"), actor, command, action, purpose, details],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev_hash}\n{payload}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainRow:
    id: int
    at: datetime
    actor: str
    command: str
    action: str
    purpose: str
    details: dict[str, Any]
    prev_hash: str
    entry_hash: str

    def computed_hash(self) -> str:
        return entry_hash(
            self.prev_hash,
            entry_id=self.id,
            at=self.at,
            actor=self.actor,
            command=self.command,
            action=self.action,
            purpose=self.purpose,
            details=self.details,
        )


@dataclass(frozen=True)
class Head:
    """The newest entry of the chain at some moment: its id and hash, written `ID:HASH`."""

    id: int
    hash: str

    def __str__(self) -> str:
        return f"{self.id}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Head:
        match = HEAD_PATTERN.fullmatch(text.strip().lower())
        if match is None:
            raise ValueError(f"{text!r} is not a head: write ID:HASH, the id and 64 hex digits")
        return cls(int(match.group(1)), match.group(2))


def heads_in(text: str) -> list[Head]:
    """Every `ID:HASH` in a text (scan summaries, JSON or a log of them), in order, without repeats."""
    found = [Head(int(number), digest) for number, digest in HEAD_PATTERN.findall(text)]
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Finding:
    kind: str  # changed | inserted | deleted | head
    entry_id: int | None
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class Verification:
    entries: int = 0
    head: Head | None = None
    findings: list[Finding] = field(default_factory=list)
    heads_checked: int = 0

    @property
    def intact(self) -> bool:
        return not self.findings


def _span(first: int, last: int) -> str:
    return f"entry {first}" if first == last else f"entries {first}-{last}"


def _tails(rows: Sequence[ChainRow]) -> list[int]:
    """Per entry, the length of the longest chain of later entries that link back to it (itself included).

    Where two entries claim the same predecessor (a fork), the one carried on by more entries is the
    original and the other was inserted: a forged entry is followed by nothing, or by other forgeries.
    """
    position = {row.entry_hash: index for index, row in enumerate(rows)}
    tails = [1] * len(rows)
    for index in range(len(rows) - 1, -1, -1):
        predecessor = position.get(rows[index].prev_hash)
        if predecessor is not None and predecessor < index:
            tails[predecessor] = max(tails[predecessor], tails[index] + 1)
    return tails


def _best_successors(entries: Sequence[ChainRow], tails: Sequence[int]) -> dict[str, int]:
    """Per entry hash, the position of the entry linking to it that the longest chain carries on."""
    best: dict[str, int] = {}
    for index, row in enumerate(entries):
        current = best.get(row.prev_hash)
        if current is None or tails[index] > tails[current]:
            best[row.prev_hash] = index
    return best


def verify(rows: Iterable[ChainRow], heads: Sequence[Head] = ()) -> Verification:
    """Check the chain in id order and against heads kept outside; every finding names its entry."""
    entries = list(rows)
    result = Verification(entries=len(entries), heads_checked=len(heads))
    best = _best_successors(entries, _tails(entries))
    findings: dict[int, Finding] = {}
    position: dict[str, int] = {}
    inserted: set[str] = set()
    tip: int | None = None  # position of the newest entry of the original chain so far
    for index, row in enumerate(entries):
        if row.computed_hash() != row.entry_hash:
            findings[row.id] = Finding(
                "changed", row.id, f"entry {row.id} was changed or forged: its content does not match its hash"
            )
        known = row.prev_hash == GENESIS or row.prev_hash in position
        if row.prev_hash in inserted or (known and best[row.prev_hash] != index):
            findings[row.id] = Finding("inserted", row.id, _inserted_message(row, entries, position))
            inserted.add(row.entry_hash)
        elif row.prev_hash != (entries[tip].entry_hash if tip is not None else GENESIS):
            _broken_link(row, entries[tip] if tip is not None else None, known, entries[:index], position, findings)
            tip = index
        else:
            tip = index
        position.setdefault(row.entry_hash, index)
    result.findings = [findings[entry_id] for entry_id in sorted(findings)]
    if entries:
        result.head = Head(entries[-1].id, entries[-1].entry_hash)
    hashes_at = {row.id: row.entry_hash for row in entries}
    newest = entries[-1].id if entries else 0
    for head in heads:
        result.findings.extend(_check_head(head, hashes_at.get(head.id), newest))
    return result


def _inserted_message(row: ChainRow, entries: Sequence[ChainRow], position: dict[str, int]) -> str:
    if row.prev_hash == GENESIS:
        target = "the start of the log"
    elif row.prev_hash in position:
        target = f"entry {entries[position[row.prev_hash]].id}"
    else:
        target = "an inserted entry"
    return f"entry {row.id} was inserted: it links to {target}, which the original chain continues otherwise"


def _broken_link(
    row: ChainRow,
    tip: ChainRow | None,
    known: bool,
    before: Sequence[ChainRow],
    position: dict[str, int],
    findings: dict[int, Finding],
) -> None:
    """`row` carries the chain on, but does not link to the newest entry of the original chain before it."""
    if known:
        # It links further back: the entries since that one were inserted.
        anchor = position.get(row.prev_hash, -1)
        for skipped in before[anchor + 1 :]:
            findings[skipped.id] = Finding(
                "inserted", skipped.id, f"entry {skipped.id} was inserted: entry {row.id} links past it"
            )
        return
    if tip is None:
        findings.setdefault(
            row.id,
            Finding("deleted", row.id, f"entries before entry {row.id} were deleted: it links to an entry not there"),
        )
    elif row.id > tip.id + 1:
        message = f"{_span(tip.id + 1, row.id - 1)} deleted: entry {row.id} links to an entry that is not there"
        findings.setdefault(row.id, Finding("deleted", tip.id + 1, message))
    else:
        findings.setdefault(
            tip.id,
            Finding(
                "changed",
                tip.id,
                f"entry {tip.id} was changed and its hash recomputed, or an entry after it deleted: "
                f"entry {row.id} links to another version of it",
            ),
        )


def _check_head(head: Head, found: str | None, newest: int) -> list[Finding]:
    if found is None:
        if head.id > newest:
            return [
                Finding(
                    "head",
                    head.id,
                    f"{_span(newest + 1, head.id)} deleted: the head {head} kept outside names entry "
                    f"{head.id}, the log ends at {newest or 'nothing'}",
                )
            ]
        return [Finding("head", head.id, f"entry {head.id} of the head kept outside was deleted")]
    if found != head.hash:
        return [
            Finding(
                "head",
                head.id,
                f"entry {head.id} has another hash than the head {head} kept outside: the log up to it was "
                "rewritten (entries changed, deleted or inserted and the chain recomputed), or its newest "
                "entries were deleted and replaced",
            )
        ]
    return []
