"""YAML files whose every value knows its line and column, and pydantic errors placed on them.

Source files (`sources/*.yaml`) and rule files (`rules/*.yaml`) are written by people who are not
programmers, so every problem must point at `file:line:column`. `load_yaml` parses with ruamel.yaml
(which keeps positions), returns plain Python data plus a map from each key path to its position, and
`locate_validation_error` turns a pydantic `ValidationError` into `Problem`s at those positions, with
"did you mean" for unknown keys.

The files hold plain data only: YAML tags (`!!python/object/apply:...`, `!foo`, `!!omap`) are refused at
their line and column before anything is constructed, and a file that nests too deep or expands its
aliases past `MAX_VALUES` values is refused too, so careless or hostile input gives a located problem
and never a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from scanner.utf8 import NotUTF8, decode_utf8
from scanner.yamlerrors import GENERIC_FIX, explain_syntax_error

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file, with a stable code, where it is and how to fix it."""

    code: str
    message: str
    file: str
    line: int
    column: int
    snippet: str = ""
    fix: str = ""
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: {self.severity} {self.code}: {self.message}"
        if self.snippet:
            text += f"\n    {self.snippet}"
        if self.fix:
            text += f"\n    fix: {self.fix}"
        return text


@dataclass
class LocatedYAML:
    path: Path
    data: Any
    positions: dict[PathKey, Position]
    lines: list[str]

    def position(self, key: Sequence[str | int]) -> Position:
        """The position of the deepest known part of `key` (a value, or the key above it)."""
        parts = tuple(key)
        while parts:
            if parts in self.positions:
                return self.positions[parts]
            parts = parts[:-1]
        return Position(1, 1)

    def known_keys(self) -> set[str | int]:
        return {part for key in self.positions for part in key}

    def snippet(self, line: int) -> str:
        return self.lines[line - 1].rstrip() if 0 < line <= len(self.lines) else ""


class YAMLSyntaxError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


MAX_VALUES = 100_000  # keys, items and scalars once aliases are expanded: a "billion laughs" file stops here
MAX_DEPTH = 50  # nesting of mappings and lists; real source and rule files use fewer than ten


class _TooLarge(Exception):
    pass


@dataclass
class _Walk:
    positions: dict[PathKey, Position]
    values: int = 0


def _located(getter: Any, key: Any, fallback: Position) -> Position:
    """A key's or item's position; merged keys (`<<: *base`) have none of their own, so they get the map's."""
    try:
        found = getter(key)
    except (KeyError, IndexError, TypeError, AttributeError):
        return fallback
    if isinstance(found, tuple | list) and len(found) >= 2 and all(isinstance(part, int) for part in found[:2]):
        return Position(found[0] + 1, found[1] + 1)
    return fallback


def _plain(node: Any, path: PathKey, here: Position, walk: _Walk) -> Any:
    walk.values += 1
    if walk.values > MAX_VALUES or len(path) > MAX_DEPTH:
        raise _TooLarge
    if isinstance(node, CommentedMap):
        result: dict[Any, Any] = {}
        for key, value in node.items():
            child = (*path, str(key))
            walk.positions[child] = _located(node.lc.key, key, here)
            result[str(key)] = _plain(value, child, walk.positions[child], walk)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            child = (*path, index)
            walk.positions[child] = _located(node.lc.item, index, here)
            items.append(_plain(value, child, walk.positions[child], walk))
        return items
    if type(node).__module__.startswith("ruamel"):
        # ScalarFloat, ScalarBoolean, LiteralScalarString, ...: back to plain Python values
        for plain_type in (bool, int, float, str):
            if isinstance(node, plain_type):
                return plain_type(node)
    return node


def _shown_tag(tag: Any) -> str:
    text = str(getattr(tag, "value", tag) or "")
    return "!!" + text.removeprefix("tag:yaml.org,2002:") if text.startswith("tag:yaml.org,2002:") else text


def _refuse_tags(yaml: YAML, text: str, path: Path) -> None:
    """YAML tags (`!!python/object/apply:...`, `!foo`, `!!omap`) have no meaning in these files: refuse them.

    They are found in the parser's events, before anything is constructed, so a tag never reaches a
    constructor and its position is the tag's own.
    """
    for event in yaml.parse(text):
        tag = getattr(event, "tag", None)
        if not tag:
            continue
        mark = event.start_mark
        lines = text.splitlines()
        raise YAMLSyntaxError(
            Problem(
                "Y003",
                f"YAML tag {_shown_tag(tag)} is not allowed",
                str(path),
                mark.line + 1,
                mark.column + 1,
                snippet=lines[mark.line] if 0 <= mark.line < len(lines) else "",
                fix="remove the tag and write the plain value (quote text that would read as a number or true/false)",
            )
        )


def load_yaml(path: Path | str, text: str | None = None) -> LocatedYAML:
    """Parse a YAML file keeping positions; bad syntax, a tag or bad text raises `YAMLSyntaxError` at file:line."""
    path = Path(path)
    if text is None:
        try:
            text = decode_utf8(path.read_bytes())
        except NotUTF8 as exc:
            raise YAMLSyntaxError(Problem("Y002", exc.message, str(path), exc.line, exc.column, fix=exc.hint)) from None
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        _refuse_tags(yaml, text, path)
        node = yaml.load(text)
    except MarkedYAMLError as exc:
        explained = explain_syntax_error(exc, text)
        lines = text.splitlines()
        line = explained.line
        raise YAMLSyntaxError(
            Problem(
                "Y001",
                f"YAML syntax: {explained.message}",
                str(path),
                line,
                explained.column,
                snippet=lines[line - 1].rstrip() if 0 < line <= len(lines) else "",
                fix=explained.fix,
            )
        ) from None
    except YAMLSyntaxError:
        raise
    except RecursionError:
        raise YAMLSyntaxError(_too_large(path)) from None
    except Exception as exc:  # ruamel raises a few non-Marked errors (duplicate keys, bad unicode)
        raise YAMLSyntaxError(Problem("Y001", f"YAML syntax: {exc}", str(path), 1, 1, fix=GENERIC_FIX)) from None
    walk = _Walk(positions={})
    try:
        data = _plain(node, (), Position(1, 1), walk)
    except (_TooLarge, RecursionError):
        raise YAMLSyntaxError(_too_large(path)) from None
    return LocatedYAML(path=path, data=data, positions=walk.positions, lines=text.splitlines())


def _too_large(path: Path) -> Problem:
    return Problem(
        "Y004",
        f"the file nests deeper than {MAX_DEPTH} levels or expands to more than {MAX_VALUES} values (aliases)",
        str(path),
        1,
        1,
        fix="write the values out without deep nesting or aliases (&name, *name) that repeat each other",
    )


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The pydantic model that owns the last key of `loc`, for "did you mean" suggestions."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(str(part))
        if field is None:
            return None
        current = _unwrap(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """The model class inside `list[X]`, `X | None`, `dict[str, X]`."""
    for arg in getattr(annotation, "__args__", ()) or ():
        inner = _unwrap(arg)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    return annotation


def _misspelt_required_keys(items: Sequence[Any]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """Unknown keys that are typos of a missing required key of the same section: unknown loc -> missing loc."""
    missing = [tuple(item["loc"]) for item in items if item["type"] == "missing"]
    found: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for item in items:
        if item["type"] != "extra_forbidden":
            continue
        loc = tuple(item["loc"])
        candidates = [m for m in missing if m[:-1] == loc[:-1] and m not in found.values()]
        close = difflib.get_close_matches(str(loc[-1]), [str(m[-1]) for m in candidates], n=1)
        if close:
            found[loc] = next(m for m in candidates if str(m[-1]) == close[0])
    return found


def locate_validation_error(
    error: ValidationError, document: LocatedYAML, model: type[BaseModel], code_prefix: str = "V"
) -> list[Problem]:
    """Every pydantic error as a Problem at its file:line:column, with a fix.

    A misspelt required key gives pydantic two errors: an unknown key where the typo is, and the
    missing key at the top of its section. Only the first is reported, with the fix that names the
    required key, so the problem is shown where it is and once.
    """
    items = error.errors()
    misspelt = _misspelt_required_keys(items)
    problems = []
    for item in items:
        if item["type"] == "missing" and tuple(item["loc"]) in misspelt.values():
            continue
        raw_loc = list(item["loc"])
        # pydantic puts union member names and validator names into loc; keep real keys and indexes
        keys = document.known_keys()
        loc = [part for part in raw_loc[:-1] if isinstance(part, int) or part in keys] + raw_loc[-1:]
        where = document.position(loc)
        kind = item["type"]
        name = str(loc[-1]) if loc else ""
        fix = ""
        if kind == "extra_forbidden":
            owner = _model_at(model, loc)
            options = list(owner.model_fields) if owner else []
            close = difflib.get_close_matches(name, options, n=1)
            fix = f"did you mean '{close[0]}'?" if close else (f"allowed keys: {', '.join(options)}" if options else "")
            required = misspelt.get(tuple(raw_loc))
            if required is not None:
                fix = f"did you mean '{required[-1]}'? ('{required[-1]}' is required)"
            message = f"unknown key '{name}'"
            code = f"{code_prefix}001"
        elif kind == "missing":
            message = f"missing required key '{name}'"
            fix = f"add '{name}:' here"
            code = f"{code_prefix}002"
        else:
            message = f"{'.'.join(str(p) for p in loc) or 'file'}: {item['msg']}"
            code = f"{code_prefix}003"
            expected = item.get("ctx", {}).get("expected")
            fix = f"use one of {expected}" if expected else "correct the value"
        problems.append(
            Problem(code, message, str(document.path), where.line, where.column, document.snippet(where.line), fix)
        )
    return problems
