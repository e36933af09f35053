"""Time in one place: naive UTC datetimes, and the simulated dates of the demo world."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

DEMO_EPOCH = date(2026, 1, 1)


def utcnow() -> datetime:
    """Now, as the naive UTC datetime stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


def demo_day(day: int) -> datetime:
    """Noon UTC on day `day` of the demo world (day 1 is 2026-01-02)."""
    return datetime.combine(DEMO_EPOCH + timedelta(days=day), datetime.min.time()).replace(hour=12)
