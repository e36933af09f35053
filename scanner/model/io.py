"""Saving and loading model files with skops, never pickle: loading a pickle runs whatever code it holds.

`save_model` writes the skops file, then the card with the file's SHA-256. `load_model` refuses, with
a `ModelError` that says what to do:

- a file without a card, or whose SHA-256 differs from the card's (tampered with, or half copied);
- a file made with another major or minor version of scikit-learn (its objects may not mean the same);
- a file that holds any type outside `TRUSTED_TYPES` and the operator's `model.trusted_types`.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sklearn
import skops.io as sio
from sklearn.calibration import CalibratedClassifierCV

from scanner.errors import ModelError
from scanner.model.card import card_paths, read_card, write_card
from scanner.model.predict import LoadedModel

# The types a scanner model holds beyond those skops trusts by default. Reviewed: both are plain
# scikit-learn calibration objects (a fitted estimator and a sigmoid's two numbers).
TRUSTED_TYPES: tuple[str, ...] = (
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
)
PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def resolve_model_path(configured: str) -> Path | None:
    """The model file for `model.path`: relative to the working directory, else to the scanner
    checkout that ships `models/`; None when there is no file (the score then uses the rules only)."""
    if not configured:
        return None
    path = Path(configured).expanduser()
    if path.is_absolute():
        return path if path.exists() else None
    for base in (Path.cwd(), PROJECT_ROOT):
        if (base / path).exists():
            return base / path
    return None


def save_model(estimator: CalibratedClassifierCV, card: dict[str, Any], path: Path) -> dict[str, Any]:
    """Write the model file and its card; returns the card with the file's name, hash and version."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(estimator, path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    digest = file_sha256(path)
    saved = dict(card)
    saved["file"] = {"name": path.name, "sha256": digest, "bytes": path.stat().st_size}
    saved["version"] = f"{card['name']}-{digest[:12]}"
    write_card(saved, path)
    return saved


def _minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def load_model(path: Path, *, extra_trusted: Sequence[str] = ()) -> LoadedModel:
    """Load a model file after checking its card, hash, library version and types."""
    where = str(path)
    if not path.is_file():
        raise ModelError(
            "no model file here",
            context=where,
            hint="train one with `scanner model train`, or set model.path (empty: score with the rules only)",
        )
    card = read_card(path)
    if card is None:
        raise ModelError(
            f"no readable model card beside the model file (expected {card_paths(path)[0].name})",
            context=where,
            hint="a model file is used only with the card written when it was trained; retrain: `scanner model train`",
        )
    expected = card.get("file", {}).get("sha256")
    actual = file_sha256(path)
    if actual != expected:
        raise ModelError(
            "the model file does not match its card (SHA-256 differs): it was changed after training",
            context=where,
            hint="restore the file that was trained, or retrain with `scanner model train`",
        )
    made_with = str(card.get("libraries", {}).get("scikit-learn", "unknown"))
    if _minor(made_with) != _minor(sklearn.__version__):
        raise ModelError(
            f"the model was made with scikit-learn {made_with}; this installation has {sklearn.__version__}",
            context=where,
            hint=f"retrain with `scanner model train`, or install scikit-learn=={made_with}",
        )
    trusted = set(TRUSTED_TYPES) | set(extra_trusted)
    try:
        untrusted = [name for name in sio.get_untrusted_types(file=path) if name not in trusted]
    except Exception as exc:  # skops raises many kinds of errors on a damaged file
        raise ModelError(f"not a readable skops file: {exc}", context=where, hint="retrain the model") from None
    if untrusted:
        raise ModelError(
            "the model file holds types that are not trusted: " + ", ".join(sorted(untrusted)),
            context=where,
            hint="only load models you trained; to trust a reviewed type add it to model.trusted_types",
        )
    try:
        estimator = sio.load(path, trusted=sorted(trusted))
    except Exception as exc:
        raise ModelError(f"cannot load the model: {exc}", context=where, hint="retrain the model") from None
    if not isinstance(estimator, CalibratedClassifierCV):
        raise ModelError(
            f"the file holds a {type(estimator).__name__}, not a scanner risk model",
            context=where,
            hint="train one with `scanner model train`",
        )
    return LoadedModel(estimator=estimator, card=card, path=path)
