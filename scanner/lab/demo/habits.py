"""A cheap seeded random generator for "habits": the same name always gives the same choices.

The text composer asks for many small, independently seeded decisions per ad (one per part of the
text). Seeding a Mersenne Twister from a string costs several microseconds (so does subclassing
`random.Random`, whose constructor seeds one anyway), which adds up when a benchmark streams 100,000
ads. Habits use SplitMix64 seeded from CRC-32 checksums of the name and the part: deterministic across
runs and platforms, and many times cheaper to create.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Protocol, TypeVar

T = TypeVar("T")
_MASK = (1 << 64) - 1


class Habit:
    """SplitMix64 with the few `random.Random` methods the generator needs."""

    __slots__ = ("_state",)

    def __init__(self, name: str, part: str = "") -> None:
        # CRC-32 of the name and of the part make the 64-bit seed: cheap, stable across runs, and the
        # SplitMix64 output function spreads even close seeds apart.
        self._state = (zlib.crc32(name.encode()) << 32) | zlib.crc32(part.encode())

    def random(self) -> float:
        self._state = (self._state + 0x9E3779B97F4A7C15) & _MASK
        z = self._state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        z ^= z >> 31
        return (z >> 11) * (1.0 / (1 << 53))

    def randrange(self, n: int) -> int:
        return int(self.random() * n)

    def randint(self, low: int, high: int) -> int:
        return low + self.randrange(high - low + 1)

    def choice(self, options: Sequence[T]) -> T:
        return options[self.randrange(len(options))]

    def sample(self, options: Sequence[T], k: int) -> list[T]:
        pool = list(options)
        return [pool.pop(self.randrange(len(pool))) for _ in range(k)]


class Rng(Protocol):
    """What the writers need from a generator: `random.Random` and `Habit` both fit."""

    def random(self) -> float: ...

    def randint(self, low: int, high: int) -> int: ...

    def choice(self, options: Sequence[T]) -> T: ...
