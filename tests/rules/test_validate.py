"""The validator: every problem at file:line:column with a stable code and a fix, all of them in one run.

Each file in data/invalid/ is a rule with mistakes; its first lines say what must be reported:
`# expect: CODE LINE:COLUMN words of the message or the fix`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scanner.rules.ruleset import RulePackError, RuleSet
from scanner.rules.validate import RULE_CHECKS, validate_rules
from scanner.settings import Settings
from scanner.yamlfile import Problem

DATA = Path(__file__).parent / "data" / "invalid"
PACK = Path(__file__).resolve().parents[2] / "rules"


def expectations(path: Path) -> list[tuple[str, int, int, str]]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("# expect:"):
            break
        code, position, *words = line.removeprefix("# expect:").split()
        row, column = position.split(":")
        found.append((code, int(row), int(column), " ".join(words)))
    return found


def validate_alone(rule_file: Path, tmp_path: Path) -> list[Problem]:
    """Validate one rule file in a pack of its own that has the shipped word lists."""
    shutil.copytree(PACK / "lists", tmp_path / "lists")
    shutil.copy(rule_file, tmp_path / rule_file.name)
    return validate_rules(tmp_path)


@pytest.mark.parametrize("rule_file", sorted(DATA.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_expected_problem_is_reported_where_it_is(rule_file: Path, tmp_path: Path) -> None:
    problems = [p for p in validate_alone(rule_file, tmp_path) if p.severity == "error"]
    expected = expectations(rule_file)
    assert expected, f"{rule_file.name} states no expectation"
    for code, line, column, words in expected:
        at = [p for p in problems if (p.code, p.line, p.column) == (code, line, column)]
        assert at, f"no {code} at {line}:{column}; got {[(p.code, p.line, p.column) for p in problems]}"
        assert any(words in f"{p.message} {p.fix}" for p in at), [str(p) for p in at]
        assert all(p.snippet for p in at), "the offending line is shown"
    assert len(problems) == len(expected), [str(p) for p in problems]


def test_problem_text_has_location_code_snippet_and_fix(tmp_path: Path) -> None:
    problem = next(p for p in validate_alone(DATA / "missing-list.yaml", tmp_path) if p.code == "R012")
    lines = str(problem).splitlines()
    assert lines[0].startswith(f"{tmp_path / 'missing-list.yaml'}:{problem.line}:{problem.column}: error R012")
    assert "lists: [yuoth]" in lines[1]
    assert lines[2].strip() == "fix: did you mean 'youth'?"


def test_the_shipped_pack_has_no_problem() -> None:
    assert validate_rules(PACK) == []


def test_collection_checks_duplicate_ids_and_unused_lists(tmp_path: Path) -> None:
    shutil.copytree(PACK, tmp_path / "rules")
    copy = (tmp_path / "rules" / "youth-language.yaml").read_text(encoding="utf-8")
    (tmp_path / "rules" / "youth-copy.yaml").write_text(copy, encoding="utf-8")
    (tmp_path / "rules" / "coarse-language.yaml").unlink()
    codes = {(p.code, Path(p.file).name) for p in validate_rules(tmp_path / "rules")}
    assert ("R011", "youth-language.yaml") in codes or ("R011", "youth-copy.yaml") in codes
    assert ("R010", "youth-copy.yaml") in codes
    assert ("R029", "coarse-language.yaml") in codes  # the list no rule uses any more


def test_a_missing_path_is_one_problem(tmp_path: Path) -> None:
    problems = validate_rules(tmp_path / "nowhere")
    assert [p.code for p in problems] == ["R009"]


def test_checks_have_unique_codes_and_descriptions() -> None:
    codes = [check.code for check in RULE_CHECKS]
    assert len(codes) == len(set(codes))
    assert all(check.description.endswith(".") and check.severity in ("error", "warning") for check in RULE_CHECKS)


def test_one_file_of_the_pack_validates_alone() -> None:
    # underage.yaml names a sibling rule under related:, which must not count as broken
    assert validate_rules(PACK / "underage.yaml") == []


# A mistake in one file is reported there, and first; the files that name it are not blamed for it.
# (file to change, text in it, replacement, the problems expected as (code, file, line), nothing else)
CAUSES = [
    (
        "typo-in-a-key-of-a-rule-named-by-another",
        "obscured-phone.yaml",
        "status: stable",
        "statsu: stable",
        [("R001", "obscured-phone.yaml", 9)],
    ),
    (
        "typo-in-the-id-key",
        "obscured-phone.yaml",
        "id: obscured-phone",
        "idd: obscured-phone",
        [("R001", "obscured-phone.yaml", 1)],
    ),
    (
        "tab-in-a-rule-named-by-another",
        "obscured-phone.yaml",
        "  hidden_number:",
        "\thidden_number:",
        [("Y001", "obscured-phone.yaml", 23)],
    ),
    (
        "typo-in-a-key-of-a-word-list",
        "lists/hidden-location.yaml",
        "terms:",
        "term:",
        [("R001", "hidden-location.yaml", 10)],
    ),
    (
        "typo-in-a-rule-that-alone-uses-a-list",
        "hidden-location.yaml",
        "weight: 1.5",
        "wieght: 1.5",
        [("R001", "hidden-location.yaml", 20)],
    ),
    (
        "syntax-error-in-a-rule-that-alone-uses-a-list",
        "hidden-location.yaml",
        "weight: 1.5",
        "weight 1.5",
        [("Y001", "hidden-location.yaml", 20)],
    ),
]


@pytest.mark.parametrize(
    ("changed", "old", "new", "expected"), [case[1:] for case in CAUSES], ids=[case[0] for case in CAUSES]
)
def test_a_mistake_is_reported_at_its_cause_and_nowhere_else(
    tmp_path: Path, changed: str, old: str, new: str, expected: list[tuple[str, str, int]]
) -> None:
    pack = tmp_path / "rules"
    shutil.copytree(PACK, pack)
    path = pack / changed
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    problems = validate_rules(pack)
    assert sorted((p.code, Path(p.file).name, p.line) for p in problems) == sorted(expected), [str(p) for p in problems]
    if problems[0].code == "R001":  # the misspelt key is named, and that it is required, once
        assert "is required" in problems[0].fix and "did you mean '" in problems[0].fix
    with pytest.raises(RulePackError) as caught:
        RuleSet.load(pack, Settings())
    first = min(expected, key=lambda problem: problem[2])
    assert caught.value.context is not None and caught.value.context.startswith(f"{path}:{first[2]}:")


def test_a_rule_that_names_a_rule_nobody_wrote_is_still_reported(tmp_path: Path) -> None:
    pack = tmp_path / "rules"
    shutil.copytree(PACK, pack)
    path = pack / "app-only-contact.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: obscured-phone", "id: obscure-phone"))
    problems = validate_rules(pack)
    assert [(p.code, p.fix) for p in problems] == [("R020", "did you mean 'obscured-phone'?")]
