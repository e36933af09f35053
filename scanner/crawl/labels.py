"""Values found by their label: `label: Leeftijd` reads the value a page shows beside "Leeftijd".

Many sites put no classes on the rows of an ad's details, and some rows are left out when the
advertiser did not fill them in, so a CSS path such as `dl dd:nth-of-type(3)` reads the wrong row.
Every site still labels its values for the reader. A label selector finds an element whose whole
text is the label and reads the value that belongs to it:

- `<dt>` → the `<dd>` after it (every `<dd>` up to the next `<dt>` with `all: true`);
- a table cell (`<th>` or `<td>`) → the next cell of its row; a cell of a header row (only `<th>`)
  → the cell in the same column of the rows below;
- an inline element (`<b>Leeftijd:</b> 24`) → the rest of its line; a block element
  (`<div>Leeftijd</div><div>24</div>`) → the next element;
- and, when no element holds the label alone, a line of text `Leeftijd: 24` → the text after the
  colon (the colon is required here, so prose that starts with the word is not read).

Labels are compared as a reader compares them: case, accents, spacing, a trailing colon and the
bullets or icons around a label do not matter ("LEEFTIJD :", "leeftijd", "• Leeftijd:",
"🎂 Leeftijd"). A selector may give several labels for one value (`label: [Leeftijd, Age]`). A label
the page does not show is an absent optional row: no value.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scanner.crawl.attributes import read_attribute

MAX_LABEL_CHARS = 80  # longer texts are values or prose, never labels
INLINE = frozenset(
    {"a", "abbr", "b", "bdi", "cite", "code", "em", "font", "i", "label", "mark", "q", "s", "small", "span", "strong"}
    | {"sub", "sup", "time", "u"}
)
CELLS = frozenset({"td", "th"})
SKIPPED = frozenset({"html", "head", "body", "script", "style", "noscript", "template", "select", "option"})
_ENDS = re.compile(r"^[\W_]+|[\W_]+$")
_COLON_LINE = re.compile(r"^(?P<label>[^:：]{1,80}?)\s*[:：]\s*(?P<value>.*)$")


def normalize_label(text: str) -> str:
    """A label as a reader sees it: no accents, case or extra spaces, and nothing but letters and digits
    at its ends (a trailing colon, a bullet or an emoji before it, an asterisk after it)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _ENDS.sub("", " ".join(plain.casefold().split()))


class LabelIndex:
    """The short texts of one page (or part of a page), so every label selector looks them up once."""

    def __init__(self, root: LexborHTMLParser | LexborNode) -> None:
        self.root = root
        self._elements: dict[str, list[LexborNode]] | None = None
        self._lines: list[str] | None = None

    @property
    def elements(self) -> dict[str, list[LexborNode]]:
        if self._elements is None:
            self._elements = defaultdict(list)
            for node in _elements(self.root):
                text = node.text(deep=True, separator=" ")
                if text and len(text) <= MAX_LABEL_CHARS:
                    key = normalize_label(text)
                    if key:
                        self._elements[key].append(node)
        return self._elements

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            node = self.root.body if isinstance(self.root, LexborHTMLParser) else self.root
            text = node.text(deep=True, separator="") if node is not None else ""
            self._lines = [line.strip() for line in text.split("\n") if line.strip()]
        return self._lines

    def values(self, labels: Sequence[str], attributes: Sequence[str] = (), *, every: bool = False) -> list[str]:
        """The raw values shown beside the first of `labels` the page shows (every value with `every`)."""
        for label in labels:
            key = normalize_label(label)
            for node in self.elements.get(key, ()):
                if any(_same_text(child, key) for child in node.iter(include_text=False)):
                    continue  # an element around the label: its innermost holder is tried instead
                for holder in _holders(node, key):
                    found = _beside(holder, attributes, every)
                    if found:
                        return found
            found = [value for line in self.lines if (value := _after_colon(line, key)) is not None]
            found = [value for value in found if value]
            if found:
                return found if every else found[:1]
        return []


def _elements(root: LexborHTMLParser | LexborNode) -> Iterator[LexborNode]:
    start = root.root if isinstance(root, LexborHTMLParser) else root
    if start is None:
        return
    for node in start.traverse(include_text=False):
        if node.tag not in SKIPPED:
            yield node


def _same_text(node: LexborNode, key: str) -> bool:
    text = node.text(deep=True, separator=" ")
    return bool(text) and len(text) <= MAX_LABEL_CHARS and normalize_label(text) == key


def _holders(node: LexborNode, key: str) -> Iterator[LexborNode]:
    """The label's element, then the elements around it that hold nothing else (`<dt><b>Leeftijd</b></dt>`).

    An element that holds more (a form with the label and an empty field) is not the label's: the
    element after it belongs to something else.
    """
    current: LexborNode | None = node
    while current is not None:
        yield current
        parent = current.parent
        if parent is None or parent.tag in SKIPPED or not _same_text(parent, key):
            return
        if sum(1 for _ in parent.iter(include_text=False)) != 1:
            return
        current = parent


def _after_colon(line: str, key: str) -> str | None:
    found = _COLON_LINE.match(line)
    if found is None or normalize_label(found.group("label")) != key:
        return None
    return found.group("value").strip()


def _beside(node: LexborNode, attributes: Sequence[str], every: bool) -> list[str]:
    """The value(s) that belong to the label element `node`."""
    if node.tag == "dt":
        return _read_all(_definitions(node), attributes, every)
    if node.tag in CELLS:
        return _read_all(_cells_for(node), attributes, every)
    if node.tag in INLINE:
        rest = _rest_of_line(node)
        if rest:
            return [rest]
    following = _next_element(node)
    return _read_all([following] if following is not None else [], attributes, every)


def _read_all(nodes: Sequence[LexborNode], attributes: Sequence[str], every: bool) -> list[str]:
    values = []
    for node in nodes:
        value = _read(node, attributes)
        if value:
            values.append(value)
            if not every:
                break
    return values


def _read(node: LexborNode, attributes: Sequence[str]) -> str | None:
    """The text of a value element, or the first of `attributes` it (or an element inside it) has."""
    if not attributes:
        return node.text(deep=True, separator="")
    for candidate in (node, *node.traverse(include_text=False)):
        value = read_attribute(candidate, attributes)
        if value:
            return value
    return None


def _definitions(term: LexborNode) -> list[LexborNode]:
    found = []
    node = _next_element(term)
    while node is not None and node.tag == "dd":
        found.append(node)
        node = _next_element(node)
    return found


def _cells_for(cell: LexborNode) -> list[LexborNode]:
    row = cell.parent
    if row is None or row.tag != "tr":
        return []
    cells = [child for child in row.iter(include_text=False) if child.tag in CELLS]
    position = next((index for index, other in enumerate(cells) if other.mem_id == cell.mem_id), -1)
    if all(other.tag == "th" for other in cells):
        column = _column_below(row, position)  # a header row: the cells of its column in the rows below
        if column:
            return column
    return [cells[position + 1]] if position + 1 < len(cells) else []


def _column_below(row: LexborNode, position: int) -> list[LexborNode]:
    column = []
    below = _next_element(row)
    if below is None and row.parent is not None and row.parent.tag == "thead":
        body = _next_element(row.parent)
        below = body.css_first("tr") if body is not None else None
    while below is not None:
        if below.tag == "tr":
            under = [child for child in below.iter(include_text=False) if child.tag in CELLS]
            if position < len(under) and under[position].tag == "td":
                column.append(under[position])
        below = _next_element(below)
    return column


def _next_element(node: LexborNode) -> LexborNode | None:
    sibling = node.next
    while sibling is not None and sibling.tag == "-text":
        sibling = sibling.next
    return sibling


def _rest_of_line(node: LexborNode) -> str:
    """The text after an inline label on its line, or on the next line when the label ends its line
    ("<b>Leeftijd:</b><br>24"); it stops at a block element."""
    parts = []
    sibling = node.next
    while sibling is not None:
        if sibling.tag == "br":
            parts.append("\n")
        elif sibling.tag == "-text" or sibling.tag in INLINE:
            parts.append(sibling.text(deep=True, separator=""))
        else:
            break
        sibling = sibling.next
    lines = [" ".join(line.split()).lstrip(":： ").strip() for line in "".join(parts).split("\n")]
    if lines and not lines[0] and len(lines) > 1:
        lines = lines[1:]
    return lines[0] if lines else ""
