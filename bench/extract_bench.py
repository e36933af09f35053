"""Throughput of the whole extraction (`scanner.extract.extract`) on ads of typical length.

    python bench/extract_bench.py [--ads 3000] [--seed 7]

Ads come from the demo world (`scanner.lab.demo.world.stream_ads`): title + text with the site fields,
as `extract_pending` reads them. Without the demo package it falls back to the development cases
in tests/extract/data. Prints ads per CPU second (one core) and per wall-clock second; the target is
2,000 ads per second on one core.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from scanner.extract import extract

TARGET = 2000


def demo_ads(count: int, seed: int) -> list[tuple[str, dict[str, Any]]]:
    try:
        from scanner.lab.demo.world import stream_ads
    except ImportError:
        return []
    return [(f"{ad.title}\n{ad.text}", ad.fields()) for ad, _truth in stream_ads(seed, count)]


def dev_ads(count: int) -> list[tuple[str, dict[str, Any]]]:
    texts: list[tuple[str, dict[str, Any]]] = []
    data = Path(__file__).resolve().parent.parent / "tests" / "extract" / "data"
    # the development cases written as ads; not the public benchmark strings nor the foreign development set
    for path in sorted(path for path in data.glob("*.jsonl") if not path.name.startswith(("benchmark_", "foreign_"))):
        for line in path.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            texts.append((case["text"], case.get("fields") or {}))
    return (texts * (count // len(texts) + 1))[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ads", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ads = demo_ads(args.ads, args.seed)
    source = "demo world (stream_ads)"
    if not ads:
        ads, source = dev_ads(args.ads), "development cases"
    extract("warm up 0612345678 in Haarlem, 21 jaar, 1 uur 150")
    chars = sum(len(text) for text, _ in ads)
    wall_rates, cpu_rates = [], []
    for _ in range(args.rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        for text, fields in ads:
            extract(text, fields)
        wall_rates.append(len(ads) / (time.perf_counter() - wall))
        cpu_rates.append(len(ads) / (time.process_time() - cpu))
    print(f"ads: {len(ads)} from {source}, mean length {chars / len(ads):.0f} characters")
    # CPU time is what one core spends; wall time also counts waiting for a core on a busy machine
    print(
        f"extraction: {statistics.median(cpu_rates):,.0f} ads/s per CPU second, "
        f"{statistics.median(wall_rates):,.0f} ads/s wall clock (median of {args.rounds} rounds; target {TARGET:,})"
    )


if __name__ == "__main__":
    main()
