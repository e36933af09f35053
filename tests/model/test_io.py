"""Model files: skops only, refused when tampered with, made by another scikit-learn, or holding untrusted types."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
import skops.io as sio
from sklearn.preprocessing import FunctionTransformer

from scanner.errors import ModelError
from scanner.model.card import card_paths, read_card, write_card
from scanner.model.features import to_rows
from scanner.model.io import file_sha256, load_model
from tests.model.factory import synthetic_records


def copy_model(saved_model: Path, tmp_path: Path) -> Path:
    target = tmp_path / saved_model.name
    shutil.copy(saved_model, target)
    for card in card_paths(saved_model):
        shutil.copy(card, tmp_path / card.name)
    return target


def test_a_saved_model_loads_with_its_card_and_version(saved_model: Path) -> None:
    model = load_model(saved_model)
    card = read_card(saved_model)
    assert card is not None and model.version == card["version"]
    assert model.version.startswith("test-") and card["file"]["sha256"] == file_sha256(saved_model)
    assert card["synthetic"] is True and "SYNTHETIC" in card["warning"]
    assert card["training_data"]["ads"] > 0 and len(card["training_data"]["hash"]) == 64
    assert set(card["libraries"]) >= {"scikit-learn", "skops", "numpy"}
    assert saved_model.read_bytes()[:2] == b"PK"  # a skops zip file, not a pickle
    probabilities = model.probabilities(to_rows([r for r, _ in synthetic_records(2)[:5]]))
    assert all(0.0 <= p <= 1.0 for p in probabilities)


def test_a_changed_file_is_refused(saved_model: Path, tmp_path: Path) -> None:
    path = copy_model(saved_model, tmp_path)
    with path.open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError, match="changed after training") as caught:
        load_model(path)
    assert caught.value.hint and "retrain" in caught.value.hint


def test_a_model_of_another_scikit_learn_version_is_refused(saved_model: Path, tmp_path: Path) -> None:
    path = copy_model(saved_model, tmp_path)
    card = json.loads(card_paths(path)[0].read_text())
    card["libraries"]["scikit-learn"] = "0.24.2"
    write_card(card, path)
    with pytest.raises(ModelError, match=r"scikit-learn 0\.24\.2") as caught:
        load_model(path)
    assert caught.value.hint and "scikit-learn==0.24.2" in caught.value.hint


def test_a_model_without_card_is_refused(saved_model: Path, tmp_path: Path) -> None:
    path = copy_model(saved_model, tmp_path)
    card_paths(path)[0].unlink()
    with pytest.raises(ModelError, match="no readable model card"):
        load_model(path)


def test_untrusted_types_are_refused_even_with_a_matching_card(saved_model: Path, tmp_path: Path) -> None:
    path = tmp_path / "evil.skops"
    sio.dump(FunctionTransformer(func=math.sqrt), path)
    card = read_card(saved_model)
    assert card is not None
    card["file"] = {"name": path.name, "sha256": file_sha256(path)}
    write_card(card, path)
    with pytest.raises(ModelError, match=r"not trusted: .*math\.sqrt") as caught:
        load_model(path)
    assert caught.value.hint and "model.trusted_types" in caught.value.hint
    # An operator who reviewed the type may trust it; the file still must be a risk model.
    with pytest.raises(ModelError, match="not a scanner risk model"):
        load_model(path, extra_trusted=sio.get_untrusted_types(file=path))


def test_a_missing_file_says_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no model file") as caught:
        load_model(tmp_path / "none.skops")
    assert caught.value.hint and "scanner model train" in caught.value.hint
