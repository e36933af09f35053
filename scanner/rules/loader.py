"""Read a rule pack from disk: rule files `rules/*.yaml` and word lists `rules/lists/*.yaml`.

Reading never stops at the first broken file: every file is parsed, every pydantic error becomes a
`Problem` at file:line:column, and the caller (`validate.py`, `RuleSet.load`) decides what to do with
them. A rule or list that failed to parse is kept as `None` so collection checks can still run.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Generic, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from scanner.rules.model import Rule, WordList
from scanner.yamlfile import LocatedYAML, Problem, YAMLSyntaxError, load_yaml, locate_validation_error

LISTS_DIR = "lists"
Model = TypeVar("Model", bound=BaseModel)


@dataclass
class Loaded(Generic[Model]):
    """One file: its parsed document (positions), its model when valid, and its problems."""

    path: Path
    document: LocatedYAML | None
    model: Model | None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Pack:
    """Every rule and list file of one rules folder, valid or not."""

    root: Path
    rules: list[Loaded[Rule]]
    lists: dict[str, Loaded[WordList]]
    single_file: bool = False  # validating one rule file: its siblings exist but are not checked
    sibling_ids: set[str] = field(default_factory=set)

    def problems(self) -> list[Problem]:
        found = [p for item in self.rules for p in item.problems]
        found += [p for item in self.lists.values() for p in item.problems]
        return found

    def valid_rules(self) -> list[tuple[Rule, LocatedYAML]]:
        return [(item.model, item.document) for item in self.rules if item.model and item.document]

    def valid_lists(self) -> dict[str, WordList]:
        return {name: item.model for name, item in self.lists.items() if item.model}

    def broken_rule_ids(self) -> set[str]:
        """Ids of rule files that exist but did not load: their file name and the id written in them.

        Another rule that names one (under `related:`) is not wrong; the broken file's own problems
        are the ones to report, so a typo in one file is not shown as a mistake of its neighbours.
        """
        broken: set[str] = set()
        for item in self.rules:
            if item.model is None:
                broken.add(item.path.stem)
                data = item.document.data if item.document else None
                written = data.get("id") if isinstance(data, dict) else None
                if isinstance(written, str):
                    broken.add(written)
        return broken

    def broken_list_ids(self) -> set[str]:
        """Word lists whose file exists but did not load (their own problems say why)."""
        return {name for name, item in self.lists.items() if item.model is None}

    def lists_named_by_broken_rules(self) -> set[str]:
        """The lists a rule that did not load names, read from its raw text as far as it can be read."""
        named: set[str] = set()
        for item in self.rules:
            if item.model is not None or item.document is None or not isinstance(item.document.data, dict):
                continue
            match = item.document.data.get("match")
            for selection in match.values() if isinstance(match, dict) else ():
                if not isinstance(selection, dict):
                    continue
                near = selection.get("near")
                for value in (selection.get("lists"), selection.get("except_lists"), (near or {}).get("lists")):
                    if isinstance(value, list):
                        named.update(str(name) for name in value)
        return named


def load_file(path: Path, model: type[Model]) -> Loaded[Model]:
    try:
        document = load_yaml(path)
    except YAMLSyntaxError as exc:
        return Loaded(path, None, None, [exc.problem])
    except OSError as exc:
        problem = Problem("R000", f"cannot read the file: {exc.strerror}", str(path), 1, 1, fix="check its permissions")
        return Loaded(path, None, None, [problem])
    if not isinstance(document.data, dict):
        problem = Problem(
            "R004",
            "the file must be a mapping of keys (id:, title:, ...)",
            str(path),
            1,
            1,
            document.snippet(1),
            "start the file with 'id: <name>' on the first line",
        )
        return Loaded(path, document, None, [problem])
    try:
        parsed = model.model_validate(document.data)
    except ValidationError as exc:
        return Loaded(path, document, None, locate_validation_errors(exc, document, model))
    return Loaded(path, document, parsed)


def locate_validation_errors(exc: ValidationError, document: LocatedYAML, model: type[BaseModel]) -> list[Problem]:
    """Problems at file:line:column; unknown keys inside named selections also get "did you mean"."""
    problems = locate_validation_error(exc, document, model, code_prefix="R")
    unknown = [item for item in exc.errors() if item["type"] == "extra_forbidden"]
    result = []
    for problem in problems:
        if problem.code == "R001" and not problem.fix:
            for item in unknown:
                options = _allowed_keys(model, [str(part) for part in item["loc"][:-1]])
                name = str(item["loc"][-1])
                if f"'{name}'" in problem.message and options:
                    close = difflib.get_close_matches(name, options, n=1)
                    fix = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(options)}"
                    problem = replace(problem, fix=fix)
                    break
        result.append(problem)
    return result


def _allowed_keys(model: type[BaseModel], path: list[str]) -> list[str]:
    """The keys allowed at `path`, stepping through dict[str, Model] fields (named selections)."""
    current: Any = model
    skip_name = False
    for part in path:
        if skip_name:
            skip_name = False
            continue
        if part.isdigit():
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return []
        annotation = current.model_fields[part].annotation
        skip_name = "dict[" in str(annotation)
        current = _inner_model(annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [info.alias or name for name, info in current.model_fields.items()]
    return []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        inner = _inner_model(arg)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    return annotation


def rule_files(path: Path) -> list[Path]:
    """The rule files at `path`: the file itself, or every *.yaml directly inside the folder."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.glob("*.yaml") if p.is_file())


def lists_folder(path: Path) -> Path:
    return (path.parent if path.is_file() else path) / LISTS_DIR


def read_pack(path: Path) -> Pack:
    """Parse every rule and list file under `path` (a rules folder or one rule file)."""
    rules = [load_file(file, Rule) for file in rule_files(path)]
    lists: dict[str, Loaded[WordList]] = {}
    folder = lists_folder(path)
    if folder.is_dir():
        for file in sorted(folder.glob("*.yaml")):
            lists[file.stem] = load_file(file, WordList)
    if path.is_file():
        siblings = {file.stem for file in rule_files(path.parent)}
        return Pack(root=path.parent, rules=rules, lists=lists, single_file=True, sibling_ids=siblings)
    return Pack(root=path, rules=rules, lists=lists)
