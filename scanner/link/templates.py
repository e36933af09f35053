"""The template behind a group of similar ads: which words all of them share and which vary (slots).

One writer filling in the same text for several people leaves the same frame with other names, ages,
prices and cities. The most typical text of the group is the reference; every other text is aligned
to it word by word (difflib). Reference words found in at least half of the other texts are the
template; runs of other words are slots, and each slot lists what the texts put there. A report shows
the template with the slots marked, e.g. "Hoi ik ben [1], [2] jaar en nieuw in [3]".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Any

_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)
MAX_TEXTS = 8  # aligning more adds cost, not insight
MAX_VALUES = 8
MAX_VALUE_WORDS = 6


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _render(tokens: Sequence[str]) -> str:
    text = " ".join(tokens)
    return re.sub(r" ([,.!?;:)])", r"\1", text)


def _reference(tokenised: list[list[str]]) -> int:
    """Index of the text whose words overlap most with all the others (the medoid by word sets)."""
    sets = [set(token.lower() for token in tokens) for tokens in tokenised]
    scores = [sum(len(own & other) / max(len(own | other), 1) for other in sets) for own in sets]
    return max(range(len(sets)), key=lambda index: (scores[index], -index))


def extract_template(texts: Sequence[str]) -> dict[str, Any] | None:
    """Template with slots for a group of two or more texts; None when they share too little."""
    tokenised = [_tokens(text) for text in texts[:MAX_TEXTS] if text.strip()]
    if len(tokenised) < 2:
        return None
    ref_index = _reference(tokenised)
    reference = tokenised[ref_index]
    lowered_ref = [token.lower() for token in reference]
    others = [tokens for index, tokens in enumerate(tokenised) if index != ref_index]
    alignments: list[dict[int, int]] = []
    hits: Counter[int] = Counter()
    for tokens in others:
        matcher = SequenceMatcher(None, lowered_ref, [token.lower() for token in tokens], autojunk=False)
        mapping: dict[int, int] = {}
        for block in matcher.get_matching_blocks():
            for offset in range(block.size):
                mapping[block.a + offset] = block.b + offset
        alignments.append(mapping)
        hits.update(mapping.keys())
    shared = [hits[index] * 2 >= len(others) for index in range(len(reference))]
    if sum(shared) < max(3, len(reference) // 3):
        return None
    pieces: list[str] = []
    slots: list[dict[str, Any]] = []
    index = 0
    while index < len(reference):
        if shared[index]:
            pieces.append(reference[index])
            index += 1
            continue
        end = index
        while end < len(reference) and not shared[end]:
            end += 1
        slots.append({"slot": len(slots) + 1, "values": _slot_values(reference, others, alignments, index, end)})
        pieces.append(f"[{len(slots)}]")
        index = end
    return {
        "template": _render(pieces),
        "slots": slots,
        "texts": len(tokenised),
        "shared_share": round(sum(shared) / len(reference), 3),
    }


def _slot_values(
    reference: list[str], others: list[list[str]], alignments: list[dict[int, int]], start: int, end: int
) -> list[str]:
    """What each text puts between the template words around reference[start:end]."""
    values = [_render(reference[start:end][:MAX_VALUE_WORDS])]
    for tokens, mapping in zip(others, alignments, strict=True):
        left = next((mapping[i] for i in range(start - 1, -1, -1) if i in mapping), -1)
        right = next((mapping[i] for i in range(end, len(reference)) if i in mapping), len(tokens))
        if right > left + 1:
            values.append(_render(tokens[left + 1 : right][:MAX_VALUE_WORDS]))
    distinct = list(dict.fromkeys(value for value in values if value))
    return distinct[:MAX_VALUES]
