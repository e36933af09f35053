"""The model cannot see nationality, country or language words, nor the language, unless a deployment allows it.

The key test trains on ads where only such words separate the classes: with the shipped sensitive
lists masked the model learns nothing (paired ads get the same probability, no coefficient moves),
and the same data without the mask is separated perfectly, so the test can fail.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import average_precision_score

from scanner.errors import ConfigError, ModelError
from scanner.lab.training import train_model, training_mask
from scanner.model.card import card_paths
from scanner.model.dataset import AdRecord
from scanner.model.features import to_row, to_rows
from scanner.model.io import PROJECT_ROOT, load_model
from scanner.model.sensitive import SensitiveMask, load_mask, sensitive_lists
from scanner.model.sources import TrainingSet
from scanner.model.train import TrainingOptions, cross_validated_probabilities
from scanner.settings import Settings
from tests.model.factory import FILLER, NOW, ORDINARY

RULES = PROJECT_ROOT / "rules"


@pytest.fixture(scope="module")
def mask() -> SensitiveMask:
    return load_mask(RULES, {})


# (text, the text once masked): the shipped lists, matched as the rules match words.
MASKED = [
    ("Mooie Roemeense dame, net uit Roemenië", "Mooie   dame, net uit  "),
    ("Oost-Europese schoonheid", "  schoonheid"),
    ("Ik spreek Nederlands en Engels", "Ik spreek   en  "),
    ("Hot Latina girl from Colombia", "Hot   girl from  "),
    ("ROMÂNCA frumoasa", "  frumoasa"),  # case and accents do not matter
    ("Sexy Brazilian, speaks Spanish and Portuguese", "Sexy  , speaks   and  "),
    ("Junge Rumänin, spreche Deutsch und Englisch", "Junge  , spreche   und  "),
    ("Красивая украинка", "Красивая  "),
    ("Thaise massage", "  massage"),
    ("Eastern European beauty", "  beauty"),
]
# Everyday words of ads that look like a name but are none: they stay.
KEPT = [
    "romantische avond, dan even douchen",
    "a polished gentleman, no man is a stranger",
    "oma's tuin, finest service, rounding off the evening",
    "hebergement discret, malaise garantie niet",
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_sensitive_words_are_removed(mask: SensitiveMask, text: str, expected: str) -> None:
    assert mask.mask(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_everyday_words_stay(mask: SensitiveMask, text: str) -> None:
    assert mask.mask(text) == text and mask.found(text) == {}


def test_the_shipped_sensitive_lists() -> None:
    lists = sensitive_lists(RULES)
    assert set(lists) == {"nationality", "nationalities", "countries", "languages"}
    assert {"roemenië", "oost-europa", "verenigde staten"} <= set(lists["countries"])
    assert {"roemeens", "roemeense", "rumänische", "inglesa", "русский"} <= set(lists["languages"])
    assert {"nederlandse", "braziliaanse", "latina"} <= set(lists["nationalities"])


def _pairs(seed: int, count: int = 40) -> tuple[list[AdRecord], list[int]]:
    """Ads in pairs with the same text and features; only origin and language words differ: positives
    name a foreign origin, negatives a Dutch one. A pair is one cross-validation group: split apart,
    each twin would teach the model the opposite of the other's label, and the calibration would learn
    to turn that round."""
    rnd = random.Random(seed)
    foreign = ["Roemeense dame uit Roemenië", "Bulgaarse meid, spreek Bulgaars", "Hongaarse schoonheid uit Hongarije"]
    dutch = [
        "Nederlandse dame uit Nederland",
        "Hollandse meid, spreek Nederlands",
        "Nederlandse schoonheid uit Holland",
    ]
    records: list[AdRecord] = []
    labels: list[int] = []
    for index in range(count):
        body = ". ".join(rnd.sample(ORDINARY, 2) + rnd.sample(FILLER, 3))
        features = {"ages": [30], "languages": ["nl"], "prices": [{"amount": 120, "per": "hour"}]}
        origin = rnd.randrange(len(foreign))
        for label, words in ((1, foreign), (0, dutch)):
            text = f"{words[origin]}. {body}"
            records.append(AdRecord(None, "rozewereld", "Haarlem", "Hallo", text, features, group=f"pair:{index}"))
            labels.append(label)
    return records, labels


def test_the_model_learns_nothing_from_sensitive_words(mask: SensitiveMask) -> None:
    records, labels = _pairs(3)
    y = np.asarray(labels)
    options = TrainingOptions(folds=4, calibration_folds=3, seed=1)

    unmasked = cross_validated_probabilities(to_rows(records), y, options)
    assert average_precision_score(y, unmasked) > 0.99, "without the mask the words separate the classes"

    trained = train_model(TrainingSet(records, labels, "pairs"), name="pairs", now=NOW, options=options, mask=mask)
    rows = trained.rows(records)
    assert all(not mask.found(row.text) for row in rows)
    assert rows[0].numbers == rows[1].numbers, "not even the text length tells a masked word"
    probabilities = trained.probabilities(rows)
    assert np.ptp(probabilities) < 1e-9, "every ad gets the same probability: nothing to learn"
    assert np.abs(trained.pipeline.named_steps["classifier"].coef_).max() < 1e-6
    vocabulary = set(trained.pipeline.named_steps["features"].named_transformers_["word"].vocabulary_)
    assert not vocabulary & {"roemeense", "nederlandse", "bulgaars", "nederlands", "hongarije"}
    masked = cross_validated_probabilities(rows, y, options)
    assert average_precision_score(y, masked) == pytest.approx(0.5), "out of fold, no better than chance"


def test_a_saved_model_masks_with_its_own_terms(saved_model: Path, tmp_path: Path) -> None:
    model = load_model(saved_model)
    assert model.mask is not None and model.mask.terms == training_mask(Settings()).terms
    plain = AdRecord(None, "rozewereld", "Haarlem", "Hallo", "lieve dame, bel mij", {"languages": ["nl"]})
    named = AdRecord(None, "rozewereld", "Haarlem", "Hallo", "lieve Roemeense dame, bel mij", {"languages": ["nl"]})
    # Rows built without the mask (same numbers) are masked by the model all the same.
    unmasked_rows = [to_row(named, {}), to_row(plain, {})]
    unmasked_rows[0] = replace(unmasked_rows[0], numbers=unmasked_rows[1].numbers)
    assert "roemeense" in unmasked_rows[0].text
    first, second = model.probabilities(unmasked_rows)
    assert first == pytest.approx(second, abs=1e-12)

    copy = tmp_path / saved_model.name
    shutil.copy(saved_model, copy)
    for path in card_paths(saved_model):
        shutil.copy(path, tmp_path / path.name)
    json_card = card_paths(copy)[0]
    card = json.loads(json_card.read_text(encoding="utf-8"))
    card["features"]["sensitive"]["terms"]["nationality"].remove("roemeense")
    json_card.write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match="sensitive terms in the model card"):
        _ = load_model(copy).mask


def test_a_deployment_may_allow_a_list_and_the_language_with_a_reason() -> None:
    allowed = {"countries": "DPO approval 2026-11-01", "language": "DPIA 2026-14"}
    mask = load_mask(RULES, allowed)
    assert "countries" not in mask.terms and "nationality" in mask.terms
    assert mask.mask("dame uit Roemenië") == "dame uit Roemenië"
    record = AdRecord(None, "s", None, "", "hello", {"languages": ["en"]})
    assert to_row(record, {}, mask=mask).numbers["ad:language_en"] == 1.0
    assert not any(name.startswith("ad:language") for name in to_row(record, {}, mask=load_mask(RULES, {})).numbers)
    assert mask.card_section()["allowed"] == allowed


@pytest.mark.parametrize(
    ("allowed", "message"),
    [
        ({"nationalitys": "approved"}, "names 'nationalitys', which is no sensitive list"),
        ({"countries": " "}, "has no reason"),
    ],
)
def test_a_wrong_allowance_is_refused(allowed: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_mask(RULES, allowed)


def test_training_refuses_a_rules_folder_without_sensitive_lists(tmp_path: Path) -> None:
    (tmp_path / "lists").mkdir()
    shutil.copy(RULES / "lists" / "youth.yaml", tmp_path / "lists" / "youth.yaml")
    with pytest.raises(ModelError, match="no word list marked sensitive"):
        load_mask(tmp_path, {})


def test_the_cldr_lists_are_what_the_script_writes() -> None:
    babel = pytest.importorskip("babel")
    from babel.core import get_cldr_version

    header = (RULES / "lists" / "countries.yaml").read_text(encoding="utf-8").splitlines()[0]
    if f"CLDR {get_cldr_version()} (Babel {babel.__version__})" not in header:
        pytest.skip(f"the lists were written with another CLDR: {header}")
    script = PROJECT_ROOT / "bench" / "sensitive_lists.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
