"""Which rules fire how often per true class of the demo world, and what rules alone flag (python bench/rule_firing.py).

Runs the nightly pipeline (extract, link, rules) on one demo world, then prints for each class
(network, independent, agency): how many ads the score flags without a model, and for each rule the
share of the class's ads it fires on (on the ad or on its network) and the share of the flagged ads
it takes part in. A rule that fires often on independents or agencies is the first suspect for false
positives.

    python bench/rule_firing.py [--seed 11] [--days 14] [--no-photos] [--combinations 8]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from scanner.lab.demo.world import WorldConfig
from scanner.lab.demo_training import demo_training_set
from scanner.score.combine import combine, distinct_rules
from scanner.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--no-photos", action="store_true", help="skip photo links (faster)")
    parser.add_argument("--combinations", type=int, default=8, help="most common rule sets of flagged ads shown")
    args = parser.parse_args()
    settings = Settings()
    started = time.perf_counter()
    data = demo_training_set(settings, WorldConfig(seed=args.seed, days=args.days), photos=not args.no_photos)
    records, classes = data.training.records, data.classes
    ads: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    fired: dict[str, Counter[str]] = {}
    in_flagged: dict[str, Counter[str]] = {}
    combinations: dict[str, Counter[str]] = {}
    for record, cls in zip(records, classes, strict=True):
        ads[cls] += 1
        score = combine(record.hits, None, settings.score)
        flagged[cls] += score.flagged
        if score.flagged:
            risk_rules = [
                f"{h.rule_id}:{h.weight:g}" for h in distinct_rules(record.hits) if h.category == "trafficking"
            ]
            combinations.setdefault(cls, Counter())[" + ".join(sorted(risk_rules))] += 1
        for hit in distinct_rules(record.hits):
            fired.setdefault(cls, Counter())[hit.rule_id] += 1
            if score.flagged:
                in_flagged.setdefault(cls, Counter())[hit.rule_id] += 1
    print(f"# demo world seed {args.seed}, {args.days} days, rules only, threshold {settings.score.flag_threshold}")
    for cls in sorted(ads):
        print(f"\n{cls}: {ads[cls]} ads, flagged {flagged[cls]} ({flagged[cls] / ads[cls]:.1%})")
        print(f"  {'rule':32} {'fires on':>9} {'in flagged':>11}")
        for rule_id, count in fired.get(cls, Counter()).most_common():
            share_flagged = in_flagged.get(cls, Counter())[rule_id] / flagged[cls] if flagged[cls] else 0.0
            print(f"  {rule_id:32} {count / ads[cls]:9.1%} {share_flagged:11.1%}")
        for rules, count in combinations.get(cls, Counter()).most_common(args.combinations):
            print(f"  flagged {count:4} x  {rules}")
    print(f"\n# {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
