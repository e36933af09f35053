"""Photos of the demo world: procedurally drawn pictures, one set per person, with the edits networks use.

A photo key names the picture and its edit: `<person>-<n>-<edit>.<ext>`, e.g. `p00012-2-m.jpg`.
The picture (`<person>-<n>`) is drawn from a generator seeded with its name: large shapes over a
gradient plus fine noise, so perceptual hashes of two persons differ strongly, while the edits of
one picture stay close (the mirror is caught by `phash_mirror`). Encoding is deterministic: the same
key always gives the same bytes.

Edits: o original, r resized to 3/4, c cropped 2% each side, q re-encoded at low quality, m mirrored.
"""

from __future__ import annotations

import io
import random
from functools import lru_cache

from PIL import Image, ImageDraw, ImageOps

EDITS = ("o", "r", "c", "q", "m")
SIZE = (180, 240)


def photo_key(person_id: str, number: int, edit: str = "o", ext: str = "jpg") -> str:
    return f"{person_id}-{number}-{edit}.{ext}"


def parse_photo_key(key: str) -> tuple[str, str, str]:
    """`p00012-2-m.jpg` -> ("p00012-2", "m", "jpg"); raises ValueError for anything else."""
    stem, _, ext = key.rpartition(".")
    picture, _, edit = stem.rpartition("-")
    if ext not in ("jpg", "png") or edit not in EDITS or not picture or "/" in key:
        raise ValueError(f"not a demo photo key: {key!r}")
    return picture, edit, ext


def _colour(rng: random.Random) -> tuple[int, int, int]:
    return (rng.randrange(256), rng.randrange(256), rng.randrange(256))


@lru_cache(maxsize=256)
def draw_picture(picture: str) -> Image.Image:
    """The unedited picture: gradient, large shapes, a figure, fine noise."""
    rng = random.Random(f"picture:{picture}")
    width, height = SIZE
    top, bottom = _colour(rng), _colour(rng)
    ramp = Image.linear_gradient("L").resize((width, height)).rotate(rng.choice([0, 90, 180, 270]))
    image = Image.composite(Image.new("RGB", (width, height), bottom), Image.new("RGB", (width, height), top), ramp)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(6, 10)):
        x0, y0 = rng.randrange(-40, width), rng.randrange(-40, height)
        x1, y1 = x0 + rng.randrange(40, width), y0 + rng.randrange(40, height)
        shape = rng.choice(["ellipse", "rectangle", "polygon"])
        if shape == "ellipse":
            draw.ellipse((x0, y0, x1, y1), fill=_colour(rng))
        elif shape == "rectangle":
            draw.rectangle((x0, y0, x1, y1), fill=_colour(rng))
        else:
            points = [(rng.randrange(width), rng.randrange(height)) for _ in range(rng.randint(3, 5))]
            draw.polygon(points, fill=_colour(rng))
    centre = rng.randrange(width // 4, 3 * width // 4)
    skin = _colour(rng)
    draw.ellipse((centre - 28, 60, centre + 28, 130), fill=skin)
    draw.polygon(
        [(centre - 60, height), (centre - 35, 140), (centre + 35, 140), (centre + 60, height)], fill=_colour(rng)
    )
    noise = Image.frombytes("L", (width // 4, height // 4), rng.randbytes((width // 4) * (height // 4)))
    noise = noise.resize((width, height), Image.Resampling.BILINEAR).convert("RGB")
    return Image.blend(image, noise, 0.08)


def render_photo(key: str) -> bytes:
    """The bytes of the photo `key` (see the module docstring for the key format)."""
    picture, edit, ext = parse_photo_key(key)
    image = draw_picture(picture).copy()  # the cached picture is shared between server threads
    quality = 88
    if edit == "r":
        image = image.resize((image.width * 3 // 4, image.height * 3 // 4), Image.Resampling.BILINEAR)
    elif edit == "c":
        dx, dy = image.width // 50, image.height // 50
        image = image.crop((dx, dy, image.width - dx, image.height - dy))
    elif edit == "q":
        quality = 55
    elif edit == "m":
        image = ImageOps.mirror(image)
    buffer = io.BytesIO()
    if ext == "png":
        image.save(buffer, format="PNG", optimize=False)
    else:
        image.save(buffer, format="JPEG", quality=quality, optimize=False, progressive=False)
    return buffer.getvalue()
