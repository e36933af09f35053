"""The speed-ups of the extraction find exactly what the plain way finds.

`Triggers` must report the same triggers as testing each substring against the text, and a lexicon
pattern rewritten to open with its first letter (`_letter_first`) must match the same spans as the
pattern as written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.extract.normalize import Triggers, normalize
from scanner.extract.terms import _letter_first

DATA = Path(__file__).parent / "data"
TRIGGERS = ["escort", "jong", "24", "no ", "\U0001f392", "massage", "ao", "dag en nacht", "student"]
TEXTS = [json.loads(line)["text"] for path in sorted(DATA.glob("*.jsonl")) for line in path.open(encoding="utf-8")]


@pytest.mark.parametrize("text", [*TEXTS[:200], "Jonge studente, no limits 24/7 \U0001f392", "disco eigen", ""])
def test_triggers_equal_plain_substring_tests(text: str) -> None:
    view = normalize(text)
    assert Triggers(TRIGGERS).find(view) == {trigger for trigger in TRIGGERS if trigger in view.text}


PATTERNS = [
    r"\bescort(?:e|es)?\b",
    r"(?<!jaar )\bjong(?:e|er)?\b",
    r"\bstudent(?:je|e)\b|\bcollege\s?girl\b",
    r"\bno\s+limits?\b|\bgeen\s+taboes?\b",
]


@pytest.mark.parametrize("pattern", PATTERNS)
@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="escortjongaeiu studn lmgb", max_size=60))
def test_letter_first_patterns_match_the_same_spans(pattern: str, text: str) -> None:
    plain, fast = re.compile(pattern), re.compile(_letter_first(pattern))
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_letter_first_moves_the_opening_check_behind_the_first_letter() -> None:
    assert not _letter_first(r"\bescort\b").startswith("\\b")
