"""Words the model never reads: nationality, ethnicity, country of origin and language names.

The words are those of every word list marked `sensitive: true` in the rules folder (`rules/lists/`:
`nationality`, `nationalities`, `countries` and `languages` ship), so the rule authors own them. A
`SensitiveMask` removes each listed word or phrase from an ad's title and text before the model's
vectorisers see it, matched as the rules match (whole words, case and accents ignored; the matcher
of `scanner.rules.matchers`). The words are removed, not replaced by a placeholder: a placeholder
would still tell the model that an ad names an origin at all.

A deployment lets the model read a list only by naming it, with the recorded reason, in
`model.sensitive_features`; the name `language` there adds the ad's language as a feature, which is
otherwise left out too. The mask belongs to the model: the card stores its terms (`card_section`),
and a loaded model masks with exactly the terms it was trained with (`from_card`), whatever the
rules folder holds later.

Masking words does not remove the language itself (character n-grams still see Romanian spelling):
the check that counts is the error rate per ad language (`scanner.model.fairness`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from scanner.errors import ConfigError, ModelError
from scanner.rules.loader import LISTS_DIR, load_file
from scanner.rules.matchers import PhraseIndex, tokenize
from scanner.rules.model import WordList

LANGUAGE_FEATURE = "language"  # the name in model.sensitive_features that adds the ad's language as a feature


class SensitiveMask:
    """The sensitive words a model does not read, and what the deployment allowed it to read anyway."""

    def __init__(self, terms: Mapping[str, list[str]], allowed: Mapping[str, str] | None = None) -> None:
        self.allowed = dict(sorted((allowed or {}).items()))
        # Lists named in model.sensitive_features are read by the model; only the others are masked.
        self.terms = {name: sorted(set(words)) for name, words in sorted(terms.items()) if name not in self.allowed}

    @property
    def language_feature(self) -> bool:
        return LANGUAGE_FEATURE in self.allowed

    @cached_property
    def _index(self) -> PhraseIndex:
        index = PhraseIndex()
        for name, words in self.terms.items():
            index.add_all(name, "any", words)
        return index

    @property
    def terms_sha256(self) -> str:
        return hashlib.sha256(json.dumps(self.terms, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def mask(self, text: str) -> str:
        """`text` with every sensitive word and phrase replaced by one space."""
        if not text or not self.terms:
            return text
        tokens = tokenize(text)
        found = self._index.scan(tokens)
        if not found:
            return text
        starts, ends = tokens.starts, tokens.ends
        spans = sorted((starts[match.first], ends[match.end - 1]) for matches in found.values() for match in matches)
        pieces: list[str] = []
        cursor = 0
        for start, end in spans:
            if end <= cursor:
                continue  # inside a phrase already removed ("oost-europese" holds "europese")
            pieces.append(text[cursor : max(start, cursor)])
            pieces.append(" ")
            cursor = end
        pieces.append(text[cursor:])
        return "".join(pieces)

    def found(self, text: str) -> dict[str, int]:
        """How many sensitive words of each list `text` holds (for tests and the card, never logged with text)."""
        return {name: len(matches) for name, matches in self._index.scan(tokenize(text)).items()}

    def card_section(self) -> dict[str, Any]:
        """What the card records: the masked lists with their terms, and what the deployment allowed."""
        return {
            "masked_lists": {name: len(words) for name, words in self.terms.items()},
            "terms_sha256": self.terms_sha256,
            "allowed": self.allowed,
            "language_feature": self.language_feature,
            "terms": self.terms,
        }

    @classmethod
    def from_card(cls, card: Mapping[str, Any]) -> SensitiveMask | None:
        """The mask a model was trained with; None for a model trained before masking existed."""
        section = card.get("features", {}).get("sensitive")
        if not isinstance(section, dict) or not isinstance(section.get("terms"), dict):
            return None
        mask = cls(section["terms"], section.get("allowed") or {})
        if mask.terms_sha256 != section.get("terms_sha256"):
            raise ModelError(
                "the sensitive terms in the model card do not match their SHA-256: the card was edited",
                context=str(card.get("file", {}).get("name", "model card")),
                hint="restore the card written when the model was trained, or retrain with `scanner model train`",
            )
        return mask


def sensitive_lists(rules_dir: Path) -> dict[str, list[str]]:
    """The terms of every valid word list marked `sensitive: true` in `rules_dir/lists`, all languages together."""
    folder = rules_dir / LISTS_DIR
    found: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        loaded = load_file(path, WordList)
        if loaded.model is None:
            problem = loaded.problems[0] if loaded.problems else None
            raise ConfigError(
                f"the word list cannot be read: {problem.message if problem else 'invalid'}",
                context=str(path) if problem is None else f"{problem.file}:{problem.line}",
                hint="fix it (scanner rules validate): sensitive lists decide what the model may not read",
            )
        if loaded.model.sensitive:
            found[loaded.model.id] = [term for terms in loaded.model.terms.values() for term in terms]
    return found


def load_mask(rules_dir: Path, allowed: Mapping[str, str]) -> SensitiveMask:
    """The mask for training: the sensitive lists of `rules_dir`, less those `allowed` names with a reason."""
    lists = sensitive_lists(rules_dir)
    if not lists:
        raise ModelError(
            f"no word list marked sensitive: true in {rules_dir / LISTS_DIR}",
            context="paths.rules_dir",
            hint="the model would read nationality and language words; point paths.rules_dir at a rules "
            "folder with the shipped sensitive lists (countries, languages, nationalities, nationality)",
        )
    for name, reason in allowed.items():
        if name not in lists and name != LANGUAGE_FEATURE:
            known = ", ".join([*sorted(lists), LANGUAGE_FEATURE])
            raise ConfigError(
                f"model.sensitive_features names '{name}', which is no sensitive list",
                context="settings",
                hint=f"name one of: {known}",
            )
        if not reason.strip():
            raise ConfigError(
                f"model.sensitive_features.{name} has no reason",
                context="settings",
                hint="record why the model may read it (and the DPO's approval) as the value",
            )
    return SensitiveMask(lists, allowed)
