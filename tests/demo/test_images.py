"""Demo photos: the same key gives the same bytes; edits of one picture stay close, persons stay apart."""

from __future__ import annotations

import io
from itertools import combinations

import pytest
from PIL import Image

from scanner.crawl.imagehashes import hamming, hash_image
from scanner.lab.demo.images import EDITS, parse_photo_key, render_photo

MATCH = 10  # settings.linking.photo_max_distance default


def test_same_key_same_bytes_and_real_images() -> None:
    for key in ("i00001-1-o.jpg", "net001w2-3-m.jpg", "i00002-2-o.png"):
        data = render_photo(key)
        assert data == render_photo(key)
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == ("PNG" if key.endswith(".png") else "JPEG")


@pytest.mark.parametrize("edit", [e for e in EDITS if e != "o"])
def test_edits_stay_within_linking_distance(edit: str) -> None:
    for person in range(12):
        original = hash_image(render_photo(f"p{person}-1-o.jpg"))
        edited = hash_image(render_photo(f"p{person}-1-{edit}.jpg"))
        assert original.sha256 != edited.sha256
        distance = min(hamming(original.phash, edited.phash), hamming(original.phash, edited.phash_mirror))
        assert distance <= MATCH, (person, edit, distance)


def test_different_persons_are_far_apart() -> None:
    hashes = [hash_image(render_photo(f"p{person}-1-o.jpg")) for person in range(25)]
    for a, b in combinations(hashes, 2):
        assert min(hamming(a.phash, b.phash), hamming(a.phash, b.phash_mirror)) > MATCH


@pytest.mark.parametrize("bad", ["p1-1-x.jpg", "p1-1-o.gif", "../etc-1-o.jpg/x", "nodash.jpg"])
def test_unknown_keys_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_photo_key(bad)
