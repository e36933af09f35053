"""How hard the demo world is: can a bag of words tell network ads from the others?

    python bench/demo_separability.py [TRAIN_SEED] [TEST_SEED]

Trains a TF-IDF logistic regression on the ad texts of one world and scores the ads of a world with
another seed (other advertisers, other templates), then does the same with the true indicator
families alone. A text AUC near 1.0 would mean the world is too easy to say anything about a model.
"""

from __future__ import annotations

import sys

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score

from scanner.lab.demo.records import INDICATOR_FAMILIES
from scanner.lab.demo.world import World, WorldConfig


def _ads(seed: int) -> tuple[list[str], list[bool], list[list[bool]]]:
    world = World.generate(WorldConfig(seed=seed))
    truth = {record.key: record for record in world.truth()}
    latest = {ad.key: ad for day in world.days for ad in world.ads_on(day)}
    texts = [f"{ad.title} {ad.text}" for ad in latest.values()]
    labels = [truth[key].cls == "network" for key in latest]
    families = [[family in truth[key].indicators for family in INDICATOR_FAMILIES] for key in latest]
    return texts, labels, families


def main() -> None:
    train_seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    test_seed = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    train_texts, train_labels, train_families = _ads(train_seed)
    test_texts, test_labels, test_families = _ads(test_seed)
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    text_model = LogisticRegression(max_iter=2000).fit(vectorizer.fit_transform(train_texts), train_labels)
    scores = text_model.predict_proba(vectorizer.transform(test_texts))[:, 1]
    family_model = LogisticRegression(max_iter=2000).fit(train_families, train_labels)
    family_scores = family_model.predict_proba(test_families)[:, 1]
    share = sum(test_labels) / len(test_labels)
    print(f"train seed {train_seed}, test seed {test_seed}: {len(test_labels)} ads, {share:.0%} network")
    print(
        f"text TF-IDF:        AUC {roc_auc_score(test_labels, scores):.3f}  "
        f"AP {average_precision_score(test_labels, scores):.3f}"
    )
    print(
        f"true indicators:    AUC {roc_auc_score(test_labels, family_scores):.3f}  "
        f"AP {average_precision_score(test_labels, family_scores):.3f}"
    )


if __name__ == "__main__":
    main()
