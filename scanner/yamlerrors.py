"""YAML syntax errors explained in words, at the line that causes them, with the fix.

The parser's own text ("expected <block end>, but found '<block mapping start>'", "found character
'\\t' that cannot start any token") means nothing to an analyst writing a rule or an operator writing
a source file, and it often names the line *after* the mistake (a missing colon is noticed on the
next key). `explain_syntax_error` recognises the common mistakes (tabs, wrong indentation, a colon or
a quote inside a value, unclosed quotes and brackets, a key written twice, a missing colon) and says
what is wrong, where, and how to write it instead. Anything else keeps the parser's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ruamel.yaml.error import MarkedYAMLError

GENERIC_FIX = "check indentation (spaces, not tabs), colons and quotes on this line and the one before"
RESERVED_STARTS = {"@": "'@'", "`": "a backtick", "%": "'%'", "|": "'|'", ">": "'>'"}


@dataclass(frozen=True)
class Explained:
    """A syntax error in plain words: where it is (1-based), what is wrong, how to fix it."""

    line: int
    column: int
    message: str
    fix: str


@dataclass(frozen=True)
class _Error:
    """The parts of a ruamel error the explanations read (0-based marks as ruamel gives them)."""

    problem: str
    context: str
    line: int  # 0-based line of the problem mark
    column: int
    context_line: int | None
    context_column: int | None
    lines: list[str]

    def text(self, line: int) -> str:
        return self.lines[line] if 0 <= line < len(self.lines) else ""


def explain_syntax_error(error: MarkedYAMLError, text: str) -> Explained:
    mark, context = error.problem_mark, error.context_mark
    parsed = _Error(
        problem=str(error.problem or ""),
        context=str(error.context or ""),
        line=mark.line if mark else 0,
        column=mark.column if mark else 0,
        context_line=context.line if context else None,
        context_column=context.column if context else None,
        lines=text.splitlines(),
    )
    for explain in EXPLANATIONS:
        found = explain(parsed)
        if found is not None:
            return found
    return Explained(
        parsed.line + 1, parsed.column + 1, f"{parsed.problem or parsed.context or 'cannot be read'}", GENERIC_FIX
    )


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _meaningful(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _key(line: str) -> str:
    """The key a line starts with ('lists' of '    lists: [a]'), or the line itself, shortened."""
    stripped = line.strip()
    found = re.match(r"(?:-\s+)?([^:#]+?):(?:\s|$)", stripped)
    if found:
        return found.group(1).strip()
    return stripped if len(stripped) <= 40 else stripped[:37] + "..."


def _quoted(line: str) -> str:
    """The line rewritten with its value between double quotes: `key: "value"`."""
    indent, rest = line[: _indent(line)], line.strip()
    key, _, value = rest.partition(": ")
    escaped = value.strip().replace("\\", "\\\\").replace('"', '\\"')
    return f'{indent}{key}: "{escaped}"'


def _tab(error: _Error) -> Explained | None:
    line = error.text(error.line)
    leading = line[: len(line) - len(line.lstrip(" \t"))]
    if "'\\t'" not in error.problem and "\t" not in leading:
        return None
    column = line.find("\t")
    if column < 0:
        return None
    before = line[:column]
    if before.strip():
        return Explained(
            error.line + 1,
            column + 1,
            f"a tab character after '{before.strip()}': YAML accepts only spaces here",
            "replace the tab with one space",
        )
    return Explained(
        error.line + 1,
        column + 1,
        "this line is indented with a tab character; YAML indents with spaces only",
        "replace each tab at the start of the line with spaces (two per level), and set your editor to insert "
        "spaces for the Tab key",
    )


def _levels_above(error: _Error, line: int) -> list[tuple[int, int]]:
    """(indent, 0-based line) of the lines that open the blocks around `line`, innermost first."""
    levels: list[tuple[int, int]] = []
    smallest: int | None = None
    for number in range(line - 1, -1, -1):
        text = error.text(number)
        if not _meaningful(text):
            continue
        indent = _indent(text)
        if smallest is None or indent < smallest:
            levels.append((indent, number))
            smallest = indent
        if indent == 0:
            break
    return levels


def _spaces(count: int) -> str:
    return "no spaces" if count == 0 else f"{count} space{'s' if count != 1 else ''}"


def _place(count: int) -> str:
    """Where a line should start, in words: 'at the start of the line' or 'indented by 4 spaces'."""
    return "at the start of the line" if count == 0 else f"indented by {_spaces(count)}"


def _bad_indentation(error: _Error) -> Explained | None:
    if not error.problem.startswith("expected <block end>") or "'<scalar>'" in error.problem:
        return None
    line = error.text(error.line)
    indent = _indent(line)
    levels = _levels_above(error, error.line)
    previous = next((number for number in range(error.line - 1, -1, -1) if _meaningful(error.text(number))), None)
    if previous is not None and _indent(error.text(previous)) == indent:
        above = error.text(previous).strip()
        if above.startswith("- ") and not line.strip().startswith("- "):
            parent = next(((i, n) for i, n in levels if i < indent), None)
            fix = f"make it an item of the list ('- {line.strip()}')"
            if parent is not None:
                fix += f", or put it {_place(parent[0])} like '{_key(error.text(parent[1]))}' on line "
                fix += f"{parent[1] + 1} to start a new key"
            return Explained(
                error.line + 1,
                indent + 1,
                f"'{_key(line)}' is a key, but it is indented like the list items above it (line {previous + 1})",
                fix,
            )
    choices = [(i, n) for i, n in levels if i != indent][:2]
    if not choices:
        return None
    like = " or ".join(f"{_place(i)} like '{_key(error.text(n))}' on line {n + 1}" for i, n in choices)
    return Explained(
        error.line + 1,
        indent + 1,
        f"'{_key(line)}' is indented by {_spaces(indent)}, which lines up with no line above it",
        f"put it {like}, whichever it belongs to",
    )


def _mapping_value(error: _Error) -> Explained | None:
    if error.problem != "mapping values are not allowed here":
        return None
    line = error.text(error.line)
    first_colon = line.find(":")
    if 0 <= first_colon < error.column:
        key = _key(line)
        return Explained(
            error.line + 1,
            error.column + 1,
            f"the value of '{key}' contains ': ', which YAML reads as the start of another key",
            f"put the whole value between double quotes: {_quoted(line).strip()}",
        )
    previous = next((number for number in range(error.line - 1, -1, -1) if _meaningful(error.text(number))), None)
    if previous is None:
        return None
    above = error.text(previous)
    parent = _key(above)
    return Explained(
        error.line + 1,
        _indent(line) + 1,
        f"'{_key(line)}' is indented more than '{parent}' on line {previous + 1}, which already has a value",
        f"put it {_place(_indent(above))} like '{parent}'; or, if it belongs under '{parent}', delete the "
        f"value after '{parent}:'; or, if the line continues that value, put the whole value between double quotes",
    )


def _value_after_closing(error: _Error) -> Explained | None:
    if "'<scalar>'" not in error.problem:
        return None
    line = error.text(error.line)
    _, separator, value = line.partition(": ")
    value = value.strip()
    if not separator or not value or value[0] not in "{['\"":
        return None
    opener = {"{": "'{'", "[": "'['", "'": "a quote", '"': "a quote"}[value[0]]
    what = "a mapping" if value[0] == "{" else ("a list" if value[0] == "[" else "quoted text")
    return Explained(
        error.line + 1,
        error.column + 1,
        f"the value of '{_key(line)}' starts with {opener}, so YAML reads it as {what} that ends before the rest "
        "of the line",
        f'put the whole value between double quotes (write a " inside as \\"): {_quoted(line).strip()}',
    )


def _missing_colon(error: _Error) -> Explained | None:
    if "could not find expected ':'" not in error.problem or error.context_line is None:
        return None
    line = error.text(error.context_line)
    stripped = line.strip()
    glued = re.match(r"([\w-]+):(\S)", stripped)
    if glued:
        return Explained(
            error.context_line + 1,
            _indent(line) + len(glued.group(1)) + 2,
            f"no space after the colon of '{glued.group(1)}': YAML reads '{stripped}' as text, not as a key",
            f"write a space after the colon: {glued.group(1)}: {stripped[len(glued.group(1)) + 1 :]}",
        )
    return Explained(
        error.context_line + 1,
        _indent(line) + 1,
        f"'{stripped}' is not a 'key: value' line: the colon is missing",
        "write the key, a colon and a space before the value (e.g. 'title: My rule'), or, if the line continues "
        "the value above, indent it further",
    )


def _unclosed(error: _Error) -> Explained | None:
    if error.context_line is None or error.context_column is None:
        return None
    what = {
        "while scanning a quoted scalar": (
            "the quote opened here is never closed",
            "end the value with the same quote",
        ),
        "while parsing a flow sequence": (
            "the list opened with '[' here is not closed",
            "close it with ']' on the same line; put an item that contains , [ ] or : between double quotes",
        ),
        "while parsing a flow mapping": (
            "the '{' opened here is not closed",
            "close it with '}' on the same line; to write text that starts with '{', put the whole value between "
            "double quotes",
        ),
    }.get(error.context)
    if what is None:
        return None
    message, fix = what
    return Explained(error.context_line + 1, error.context_column + 1, message, fix)


def _duplicate_key(error: _Error) -> Explained | None:
    found = re.match(r'found duplicate key "(.+?)"', error.problem)
    if not found:
        return None
    key = found.group(1)
    indent = _indent(error.text(error.line))
    first = next(
        (
            number
            for number in range(error.line - 1, -1, -1)
            if _indent(error.text(number)) == indent and _key(error.text(number)) == key
        ),
        None,
    )
    where = f" (first on line {first + 1})" if first is not None else ""
    return Explained(
        error.line + 1,
        indent + 1,
        f"the key '{key}' is written twice in the same section{where}",
        "keep one of them; to give several values, write them as a list: key: [a, b]",
    )


def _reserved_start(error: _Error) -> Explained | None:
    found = re.match(r"found character '(.)' that cannot start any token", error.problem)
    if found and found.group(1) in RESERVED_STARTS:
        token = re.split(r"[,\]}]|\s#", error.text(error.line)[error.column :])[0].strip()
        return Explained(
            error.line + 1,
            error.column + 1,
            f"a value cannot start with {RESERVED_STARTS[found.group(1)]} in YAML",
            f'put the value between double quotes: "{token}"',
        )
    alias = re.match(r"found undefined alias '(.+)'", error.problem)
    if alias:
        return Explained(
            error.line + 1,
            error.column + 1,
            f"'*{alias.group(1)}' starts with '*', which YAML reads as a reference to another value",
            f'put it between double quotes: "*{alias.group(1)}"',
        )
    return None


EXPLANATIONS: tuple[Callable[[_Error], Explained | None], ...] = (
    _tab,
    _duplicate_key,
    _missing_colon,
    _unclosed,
    _mapping_value,
    _value_after_closing,
    _bad_indentation,
    _reserved_start,
)
