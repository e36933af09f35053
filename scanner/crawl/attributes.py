"""Reading a value from an element's attributes, with fallbacks for lazy-loading images.

A selector may name several attributes (`attribute: [data-src, data-lazy-src, srcset, src]`, or
`"img @data-src|src"`): the first one the element has with a usable value is read. Lazy-loading pages
keep the real address of a photo in `data-src`, `data-lazy-src` or a `srcset` while `src` holds a
placeholder until a script swaps the image in; the placeholder is often an inline `data:` image.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from selectolax.lexbor import LexborNode

_DATA_URI = re.compile(r"^\s*data:[\w/+.-]*[;,]", re.IGNORECASE)


def first_srcset_url(srcset: str) -> str:
    """The first address of a `srcset` ("a.jpg 1x, b.jpg 2x" -> "a.jpg").

    An address runs to the first space, less a comma that ends it: commas inside an address
    (`/w_100,h_100/a.jpg`) are kept, as the HTML standard reads them.
    """
    words = srcset.split()
    return words[0].rstrip(",") if words else ""


def read_attribute(node: LexborNode, names: Sequence[str]) -> str | None:
    """The first of the attributes `names` that the element has with a usable value.

    Lazy-loading pages keep the real address in `data-src` (or `data-lazy-src`, or a `srcset`) and a
    placeholder in `src`, often an inline `data:` image: empty values and `data:` URIs are passed over,
    and a `srcset` gives its first address.
    """
    for name in names:
        value = node.attributes.get(name)
        if value is None or not value.strip() or _DATA_URI.match(value):
            continue
        if name.lower().endswith("srcset"):
            value = first_srcset_url(value)
            if not value or _DATA_URI.match(value):
                continue
        return value
    return None
