"""Links through near-duplicate text: MinHash signatures of word shingles, LSH banding, Jaccard check.

Text is lower-cased and cut into words; every number becomes `#` so that a template filled in with
other ages, prices or phone digits still matches. Each run of `shingle_words` words is hashed, and
the ad's MinHash signature is computed with datasketch's permutations (scheme affine32), vectorised
over all ads at once; `signature_of` is equal to `datasketch.MinHash.update_batch` on the same shingle
hashes (tests pin this). The signature depends on the ad's own text only, so it can be cached between
runs.

Candidates come from LSH banding with the band count and width datasketch's `MinHashLSH` picks for
`linking.text_threshold`. A band bucket holding more ads than the hub limit is boilerplate shared by a
site or a whole scene (disclaimers, stock phrasing) and proposes no pairs. Each candidate pair is kept
when the Jaccard similarity estimated from the full signatures reaches the threshold.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from datasketch import MinHash, MinHashLSH

from scanner.link.records import AdRecord, LinkEdge, Signature

MIN_WORDS = 8  # shorter texts say too little to call two ads the same writer's
SEED = 1
_WORD = re.compile(r"\w+", re.UNICODE)
_MIX = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1, 0xD3A2646C, 0xFD7046C5, 0xB55A4F09])
U32 = npt.NDArray[np.uint32]


def words(text: str) -> list[str]:
    """Lower-cased words; any word with a digit (or `_`) becomes `#` (ages, prices and numbers are slots)."""
    return [word if word.isalpha() else "#" for word in _WORD.findall(text.lower())]


_WORD_HASHES: dict[str, int] = {}


def _word_hash(word: str) -> int:
    value = _WORD_HASHES.get(word)
    if value is None:
        if len(_WORD_HASHES) > 500_000:  # bound the memo on huge vocabularies
            _WORD_HASHES.clear()
        value = _WORD_HASHES[word] = zlib.crc32(word.encode("utf-8"))
    return value


def shingle_hashes(text: str, shingle_words: int) -> U32:
    """32-bit hashes of every run of `shingle_words` words (empty for texts under MIN_WORDS words)."""
    tokens = words(text)
    if len(tokens) < MIN_WORDS:
        return np.zeros(0, dtype=np.uint32)
    known = _WORD_HASHES
    ids = np.array([known[token] if token in known else _word_hash(token) for token in tokens], dtype=np.uint32)
    width = min(shingle_words, len(ids))
    count = len(ids) - width + 1
    mixed = np.zeros(count, dtype=np.uint32)
    for offset in range(width):
        mixed = mixed * np.uint32(31) + ids[offset : offset + count] * np.uint32(_MIX[offset % len(_MIX)])
    return mixed  # repeated shingles do not change a minimum


@lru_cache(maxsize=8)
def permutations(num_perm: int) -> tuple[U32, U32]:
    """datasketch's affine32 permutation parameters (a, b) for `num_perm` and the fixed seed."""
    a, b = MinHash(num_perm=num_perm, seed=SEED).permutations
    return np.asarray(a, dtype=np.uint32), np.asarray(b, dtype=np.uint32)


def _fmix32(values: U32) -> U32:
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def signatures_for(texts: Sequence[str], *, num_perm: int, shingle_words: int) -> list[Signature | None]:
    """MinHash signature per text (None for texts too short to compare), in chunks to bound memory."""
    a, b = permutations(num_perm)
    result: list[Signature | None] = [None] * len(texts)
    batch: list[tuple[int, U32]] = []
    batch_size = 0

    def flush() -> None:
        nonlocal batch, batch_size
        if not batch:
            return
        hashes = _fmix32(np.concatenate([shingles for _, shingles in batch]))
        starts = np.cumsum([0] + [len(shingles) for _, shingles in batch[:-1]])
        permuted = hashes[:, None] * a[None, :] + b[None, :]
        minima = np.minimum.reduceat(permuted, starts, axis=0)
        for row, (index, _) in enumerate(batch):
            result[index] = minima[row].copy()
        batch, batch_size = [], 0

    for index, text in enumerate(texts):
        shingles = shingle_hashes(text, shingle_words)
        if len(shingles) == 0:
            continue
        batch.append((index, shingles))
        batch_size += len(shingles)
        if batch_size >= 8_192:  # small batches keep the permutation table in the CPU cache
            flush()
    flush()
    return result


def band_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows per band that datasketch's MinHashLSH chooses for this threshold."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def text_links(
    records: Sequence[AdRecord],
    *,
    threshold: float,
    num_perm: int,
    shingle_words: int,
    max_ads: int,
    cached: Mapping[int, Signature] | None = None,
    stats: dict[str, int] | None = None,
) -> tuple[list[LinkEdge], dict[int, Signature]]:
    """Near-duplicate text links, and the signature of every ad that has one (for the cache)."""
    counters = stats if stats is not None else {}
    cached = cached or {}
    # A cached signature is reused when it has the configured length; an empty one means "too short".
    reusable = {ad: signature for ad, signature in cached.items() if len(signature) in (0, num_perm)}
    missing = [record for record in records if record.ad_id not in reusable]
    fresh = signatures_for([record.text for record in missing], num_perm=num_perm, shingle_words=shingle_words)
    counters["text_signatures_computed"] = len(missing)
    signatures: dict[int, Signature] = {}
    for record in records:
        if record.ad_id in reusable:
            signatures[record.ad_id] = reusable[record.ad_id]
    for record, signature in zip(missing, fresh, strict=True):
        signatures[record.ad_id] = signature if signature is not None else np.zeros(0, dtype=np.uint32)
    usable = [ad for ad, signature in signatures.items() if len(signature) == num_perm]
    if len(usable) < 2:
        return [], signatures
    ad_ids = np.array(sorted(usable), dtype=np.int64)
    matrix = np.stack([signatures[int(ad)] for ad in ad_ids]).astype(np.uint64)
    pairs = _candidate_pairs(matrix, threshold, max_ads, counters)
    if len(pairs) == 0:
        return [], signatures
    similarity = np.zeros(len(pairs), dtype=np.float64)
    for start in range(0, len(pairs), 200_000):
        chunk = pairs[start : start + 200_000]
        similarity[start : start + len(chunk)] = (matrix[chunk[:, 0]] == matrix[chunk[:, 1]]).mean(axis=1)
    keep = similarity >= threshold
    counters["text_candidates"] = len(pairs)
    links = [
        LinkEdge(int(ad_ids[i]), int(ad_ids[j]), "text", round(float(s), 4), {"jaccard": round(float(s), 3)})
        for (i, j), s in zip(pairs[keep].tolist(), similarity[keep].tolist(), strict=True)
    ]
    return links, signatures


def _candidate_pairs(
    matrix: npt.NDArray[np.uint64], threshold: float, max_ads: int, counters: dict[str, int]
) -> npt.NDArray[np.int64]:
    """Row pairs (i < j) that share at least one LSH band bucket of at most max_ads rows."""
    bands, rows = band_params(threshold, matrix.shape[1])
    size = len(matrix)
    found: list[npt.NDArray[np.int64]] = []
    hub_buckets = 0
    for band in range(bands):
        key = np.zeros(size, dtype=np.uint64)
        for column in range(band * rows, (band + 1) * rows):
            key = key * np.uint64(0x100000001B3) + matrix[:, column]
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        starts = np.flatnonzero(np.concatenate(([True], sorted_key[1:] != sorted_key[:-1])))
        sizes = np.diff(np.append(starts, size))
        hub_buckets += int((sizes > max_ads).sum())
        bucket = np.repeat(np.arange(len(starts)), sizes)
        allowed = np.repeat(sizes <= max_ads, sizes)
        largest = int(sizes[sizes <= max_ads].max(initial=1))
        # Rows of one bucket are adjacent after sorting: pair each row with the rows `offset` after it.
        for offset in range(1, largest):
            same = (bucket[:-offset] == bucket[offset:]) & allowed[:-offset]
            first, second = order[:-offset][same], order[offset:][same]
            found.append(np.minimum(first, second) * size + np.maximum(first, second))
    counters["text_hub_buckets"] = hub_buckets
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    packed = np.unique(np.concatenate(found))
    return np.stack((packed // size, packed % size), axis=1)
