"""Photo fingerprints: SHA-256 of the bytes plus perceptual hashes that survive small edits.

pHash and dHash (imagehash) are 64-bit hashes written as 16 hex digits. A mirrored copy of a photo
has a very different pHash, so the pHash of the mirrored image is kept too: two photos match when
either of their pHashes is within the linking distance (settings: linking.photo_max_distance).
The image bytes themselves are not kept unless crawl.keep_image_bytes is set.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import warnings
from dataclasses import dataclass

import imagehash
from PIL import Image, ImageOps, UnidentifiedImageError

from scanner.errors import InputError

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})
_OBJECT_REPR = re.compile(r"<[\w.]+ object at 0x[0-9a-fA-F]+>")


@dataclass(frozen=True)
class PhotoHashes:
    sha256: str
    phash: str
    dhash: str
    phash_mirror: str
    width: int
    height: int


def hamming(a: str, b: str) -> int:
    """Bits that differ between two hex-written 64-bit hashes."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _reason(error: Exception) -> str:
    """Pillow's message without the in-memory object it names (`<_io.BytesIO object at 0x...>`)."""
    text = _OBJECT_REPR.sub("", str(error)).strip(" :")
    return text or type(error).__name__


def hash_image(data: bytes, *, max_pixels: int = 40_000_000, context: str = "image") -> PhotoHashes:
    """Hash an image; refuses non-images, unknown formats and decompression bombs with InputError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format or ""
                width, height = probe.size
                if image_format not in ACCEPTED_FORMATS:
                    raise InputError(
                        f"unsupported image format {image_format or 'unknown'}",
                        context=context,
                        hint=f"give a {', '.join(sorted(ACCEPTED_FORMATS))} file",
                    )
                if width * height > max_pixels:
                    raise InputError(
                        f"image of {width}x{height} pixels exceeds the limit of {max_pixels}",
                        context=context,
                        hint="raise crawl.max_image_pixels only for trusted sources",
                    )
                probe.draft("RGB", (512, 512))  # JPEG: decode at reduced size, much faster
                image = ImageOps.exif_transpose(probe).convert("RGB")
    except InputError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise InputError(f"decompression bomb refused: {exc}", context=context) from None
    except UnidentifiedImageError:
        raise InputError(
            "not an image, or an image damaged beyond reading",
            context=context,
            hint=f"give a {', '.join(sorted(ACCEPTED_FORMATS))} file",
        ) from None
    except (OSError, ValueError, SyntaxError, struct.error) as exc:
        raise InputError(f"a damaged image: {_reason(exc)}", context=context, hint="give an undamaged copy") from None
    return PhotoHashes(
        sha256=hashlib.sha256(data).hexdigest(),
        phash=str(imagehash.phash(image)),
        dhash=str(imagehash.dhash(image)),
        phash_mirror=str(imagehash.phash(ImageOps.mirror(image))),
        width=width,
        height=height,
    )
