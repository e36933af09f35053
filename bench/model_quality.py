"""Model quality on the demo world: train on one seed, measure on another (python bench/model_quality.py).

Prints the grouped cross-validated metrics of the training world, then the metrics on a world the
model never saw (PR-AUC, precision at the review budget, recall, Brier, per site and per language)
and the share of independent workers and agencies the full score flags at the default threshold, and
what the rules alone flag per class (`rules_only_flags`: a deployment without a model file), and the
false-positive rates per ad language, site and region (`error_rates`), the sensitive words masked.
Writes the calibration plot to bench/out/calibration.png.

    python bench/model_quality.py [--train-seed 7] [--test-seed 11] [--days 14]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from scanner.clock import utcnow
from scanner.lab.demo.world import WorldConfig
from scanner.lab.demo_training import demo_training_set
from scanner.lab.training import evaluate_model, train_model, training_mask
from scanner.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-seed", type=int, default=7)
    parser.add_argument("--test-seed", type=int, default=11)
    parser.add_argument("--days", type=int, default=14)
    args = parser.parse_args()
    settings = Settings()
    started = time.perf_counter()
    training = demo_training_set(settings, WorldConfig(seed=args.train_seed, days=args.days))
    model = train_model(
        training.training,
        name="bench",
        now=utcnow(),
        mask=training_mask(settings),  # as `scanner model train`: sensitive words masked
        score=settings.score,
        fairness=settings.fairness,
    )
    trained = time.perf_counter()
    test = demo_training_set(settings, WorldConfig(seed=args.test_seed, days=args.days))
    plot = Path(__file__).parent / "out" / "calibration.png"
    report = evaluate_model(
        model,
        test.training.records,
        test.training.labels,
        settings.score,
        classes=test.classes,
        plot=plot,
        fairness=settings.fairness,
    )
    print(json.dumps({"train_seed": args.train_seed, "cross_validated": model.card["metrics"]}, indent=2))
    print(json.dumps({"test_seed": args.test_seed, **report}, indent=2))
    print(f"# build+train {trained - started:.1f} s, build+evaluate {time.perf_counter() - trained:.1f} s")
    print("# strongest features:", json.dumps(model.strongest_features(12), ensure_ascii=False))


if __name__ == "__main__":
    main()
