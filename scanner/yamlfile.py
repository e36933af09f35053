"""YAML files whose every value knows its line and column, and pydantic errors placed on them.

Source files (`sources/*.yaml`) and rule files (`rules/*.yaml`) are written by people who are not
programmers, so every problem must point at `file:line:column`. `load_yaml` parses with ruamel.yaml
(which keeps positions), returns plain Python data plus a map from each key path to its position, and
`locate_validation_error` turns a pydantic `ValidationError` into `Problem`s at those positions, with
"did you mean" for unknown keys.
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


def _plain(node: Any, path: PathKey, positions: dict[PathKey, Position]) -> Any:
    if isinstance(node, CommentedMap):
        result: dict[Any, Any] = {}
        for key, value in node.items():
            child = (*path, str(key))
            line, column = node.lc.key(key)
            positions[child] = Position(line + 1, column + 1)
            result[str(key)] = _plain(value, child, positions)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            child = (*path, index)
            line, column = node.lc.item(index)
            positions[child] = Position(line + 1, column + 1)
            items.append(_plain(value, child, positions))
        return items
    if hasattr(node, "tag") and type(node).__name__ == "TaggedScalar":
        return str(node)
    if type(node).__module__.startswith("ruamel"):
        # ScalarFloat, ScalarBoolean, LiteralScalarString, ...: back to plain Python values
        for plain_type in (bool, int, float, str):
            if isinstance(node, plain_type):
                return plain_type(node)
    return node


def load_yaml(path: Path | str, text: str | None = None) -> LocatedYAML:
    """Parse a YAML file keeping positions; a syntax error raises `YAMLSyntaxError` with file:line."""
    path = Path(path)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise YAMLSyntaxError(
                Problem("Y002", f"not UTF-8 text ({exc.reason})", str(path), 1, 1, fix="save the file as UTF-8")
            ) from None
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
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
    except Exception as exc:  # ruamel raises a few non-Marked errors (duplicate keys, bad unicode)
        raise YAMLSyntaxError(Problem("Y001", f"YAML syntax: {exc}", str(path), 1, 1, fix=GENERIC_FIX)) from None
    positions: dict[PathKey, Position] = {}
    data = _plain(node, (), positions)
    return LocatedYAML(path=path, data=data, positions=positions, lines=text.splitlines())


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
