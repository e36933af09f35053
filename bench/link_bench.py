"""Benchmark: link 10,000, 30,000 and 100,000 generated ads; print time and peak memory for each.

    python bench/link_bench.py                 # the three sizes
    python bench/link_bench.py 5000 20000      # other sizes

Ads come from the demo world's `stream_ads(seed, count)` (independents, networks and agencies in
the default mix), with their true phones and licence numbers. Rendering and hashing 300,000 photos
would measure Pillow, not linking, so photo hashes are derived from the photo keys: one random
64-bit pHash per picture, with the edits modelled as the demo world measures them (re-encoded or
resized: 2 bits flipped, cropped: 4, mirrored: the mirror hash). Each size runs in its own process
pinned to one core; the time is `link_records` alone, as wall clock and as CPU time (which a busy
machine does not inflate), and the memory is the peak resident size of that process, records
included. The target is 100,000 ads in at most 60 s and under 2 GB, growing about linearly.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date, timedelta

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

SIZES = (10_000, 30_000, 100_000)
SEED = 11
FLIPS = {"o": 0, "q": 2, "r": 2, "c": 4}


def _picture_hash(picture: str) -> int:
    return int.from_bytes(hashlib.blake2b(picture.encode(), digest_size=8).digest(), "big")


def _mirror(value: int) -> int:
    return int(f"{value:064b}"[::-1], 2)


def _edited(photo_key: str) -> tuple[int, int]:
    stem = photo_key.rsplit(".", 1)[0]
    picture, edit = stem.rsplit("-", 1)
    base = _picture_hash(picture)
    if edit == "m":
        return _mirror(base), base
    salt = int.from_bytes(hashlib.blake2b(stem.encode(), digest_size=8).digest(), "big")
    value = base
    for flip in range(FLIPS.get(edit, 0)):
        value ^= 1 << ((salt >> (6 * flip)) % 64)
    return value, _mirror(value)


def build_records(count: int) -> list[object]:
    from scanner.lab.demo.world import stream_ads
    from scanner.link.records import AdRecord, PhotoHash

    day_zero = date(2026, 1, 1)
    records = []
    for ad_id, (ad, truth) in enumerate(stream_ads(SEED, count), start=1):
        licence = (ad.license_field,) if ad.license_field else ()
        records.append(
            AdRecord(
                ad_id=ad_id,
                phones=tuple(truth.phones),
                photos=tuple(PhotoHash(*_edited(key)) for key in ad.photo_keys),
                text=f"{ad.title}\n{ad.text}",
                name=ad.name,
                city=ad.city,
                sightings=tuple((day_zero + timedelta(days=day), ad.city) for day in truth.days_visible),
                license_numbers=licence,
            )
        )
    return records


def measure(count: int) -> dict[str, object]:
    from scanner.link.core import link_records
    from scanner.settings import LinkingSettings

    started = time.perf_counter()
    records = build_records(count)
    generated = time.perf_counter() - started
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu_started = time.perf_counter(), time.process_time()
    result = link_records(records, LinkingSettings())  # type: ignore[arg-type]
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "ads": count,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "ads_per_second": round(count / cpu_seconds),
        "peak_mb": round(peak),
        "records_mb": round(before),
        "generate_seconds": round(generated, 1),
        "links": len(result.links),
        "networks": sum(1 for group in result.networks if group.kind == "network"),
        "steps": result.stats["seconds"],
    }


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(int(argv[1]))))
        return
    sizes = [int(arg) for arg in argv] or list(SIZES)
    print(f"{'ads':>8} {'wall s':>8} {'CPU s':>8} {'ads/s':>7} {'peak MB':>8} {'links':>8} {'networks':>8}  steps (s)")
    rows = []
    for size in sizes:
        # taskset pins the child to one core where available, so the figure is a one-core figure.
        command = [sys.executable, __file__, "--one", str(size)]
        if os.path.exists("/usr/bin/taskset"):
            command = ["taskset", "-c", "0", *command]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        row = json.loads(output.strip().splitlines()[-1])
        rows.append(row)
        print(
            f"{row['ads']:>8} {row['seconds']:>8} {row['cpu_seconds']:>8} {row['ads_per_second']:>7} "
            f"{row['peak_mb']:>8} {row['links']:>8} {row['networks']:>8}  {row['steps']}"
        )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        growth = (last["cpu_seconds"] / first["cpu_seconds"]) / (last["ads"] / first["ads"])  # type: ignore[operator]
        print(f"time per ad at {last['ads']} ads is {growth:.2f}x the time per ad at {first['ads']} ads")


if __name__ == "__main__":
    main(sys.argv[1:])
