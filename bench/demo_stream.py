"""How fast the demo world streams ads for benchmarks, and that its memory stays flat.

    python bench/demo_stream.py [COUNT] [SEED]

Prints the wall and CPU time (on a busy machine the CPU time is the fair figure) and the process's
peak resident memory after 10% and after 100% of the stream: the two stay close because
`stream_ads` holds one advertiser at a time.
"""

from __future__ import annotations

import resource
import sys
import time
from collections import Counter

from scanner.lab.demo.world import stream_ads


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    classes: Counter[str] = Counter()
    started = time.perf_counter()
    cpu_started = time.process_time()
    early_peak = 0
    for n, (_ad, truth) in enumerate(stream_ads(seed, count), 1):
        classes[truth.cls] += 1
        if n == count // 10:
            early_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{count} ads in {seconds:.1f} s wall, {cpu_seconds:.1f} s CPU "
        f"({count / cpu_seconds:,.0f} ads per CPU second, seed {seed})"
    )
    print("classes: " + ", ".join(f"{cls} {n} ({100 * n / count:.1f}%)" for cls, n in sorted(classes.items())))
    print(f"peak resident memory: {early_peak / 1024:.0f} MB after 10%, {peak / 1024:.0f} MB after 100%")


if __name__ == "__main__":
    main()
