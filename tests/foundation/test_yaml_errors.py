"""YAML syntax errors are explained in words at the line that causes them, with a fix that works.

Each row: the broken text, where the problem must be reported (line:column), words the message must
contain, and the text the fix must contain. Where the fix is a rewrite of the line, the rewrite is
applied and must parse: a fix that does not work is no fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.yamlfile import YAMLSyntaxError, load_yaml

CASES = [
    # (name, text, "line:column", words in the message, words in the fix)
    (
        "tab-indentation",
        "id: x\nmatch:\n\tyouth:\n\t\tlists: [youth]\n",
        "3:1",
        "indented with a tab character",
        "spaces (two per level)",
    ),
    (
        "tab-after-indentation",
        "id: x\nmatch:\n  youth:\n  \tlists: [youth]\n",
        "4:3",
        "indented with a tab character",
        "spaces",
    ),
    (
        "tab-after-colon",
        "id: x\nmatch:\n  youth:\n    lists:\t[youth]\n",
        "4:11",
        "a tab character after 'lists:'",
        "replace the tab with one space",
    ),
    (
        "key-indented-under-a-value",
        "id: x\ntitle: a\n  description: b\n",
        "3:3",
        "'description' is indented more than 'title' on line 2, which already has a value",
        "at the start of the line like 'title'",
    ),
    (
        "key-between-two-levels",
        "match:\n  youth:\n    lists: [a]\n   terms: [b]\n",
        "4:4",
        "'terms' is indented by 3 spaces, which lines up with no line above it",
        "indented by 4 spaces like 'lists' on line 3 or indented by 2 spaces like 'youth' on line 2",
    ),
    (
        "list-item-between-two-levels",
        "match:\n  youth:\n    lists:\n    - a\n   - b\n",
        "5:4",
        "indented by 3 spaces",
        "indented by 4 spaces like '- a' on line 4",
    ),
    (
        "key-among-list-items",
        "references:\n  - a\n  note: c\n",
        "3:3",
        "'note' is a key, but it is indented like the list items above it (line 2)",
        "'- note: c'",
    ),
    (
        "missing-colon",
        "id: x\ntitle My rule\ndescription: b\n",
        "2:1",
        "'title My rule' is not a 'key: value' line: the colon is missing",
        "a colon and a space",
    ),
    (
        "no-space-after-colon",
        "id: x\ntitle:My rule\ndescription: b\n",
        "2:7",
        "no space after the colon of 'title'",
        "title: My rule",
    ),
    (
        "colon-inside-a-value",
        "id: x\nexplanation: Reason: {a}\n",
        "2:20",
        "the value of 'explanation' contains ': '",
        'explanation: "Reason: {a}"',
    ),
    (
        "value-starting-with-a-brace",
        "id: x\nexplanation: {a} found\n",
        "2:18",
        "the value of 'explanation' starts with '{'",
        'explanation: "{a} found"',
    ),
    (
        "value-starting-with-a-quote",
        'id: x\ntitle: "Echt" of niet\n',
        "2:15",
        "starts with a quote",
        'title: "\\"Echt\\" of niet"',
    ),
    ("unclosed-quote", 'id: x\ntitle: "abc\ndescription: b\n', "2:8", "the quote opened here is never closed", "quote"),
    (
        "unclosed-list",
        "id: x\nlists: [a, b\ndescription: b\n",
        "2:8",
        "the list opened with '[' here is not closed",
        "close it with ']'",
    ),
    (
        "key-written-twice",
        "id: x\ntitle: a\nid: y\n",
        "3:1",
        "the key 'id' is written twice in the same section (first on line 1)",
        "keep one of them",
    ),
    ("value-starting-with-at", "id: x\ntitle: @home\n", "2:8", "cannot start with '@'", '"@home"'),
    ("term-starting-with-star", "id: x\nterms: [*foo, bar]\n", "2:9", "starts with '*'", '"*foo"'),
]


@pytest.mark.parametrize(
    ("text", "where", "message", "fix"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_a_syntax_error_is_explained_at_its_cause(
    tmp_path: Path, text: str, where: str, message: str, fix: str
) -> None:
    path = tmp_path / "broken.yaml"
    with pytest.raises(YAMLSyntaxError) as caught:
        load_yaml(path, text)
    problem = caught.value.problem
    assert (problem.code, f"{problem.line}:{problem.column}") == ("Y001", where), str(problem)
    assert message in problem.message, str(problem)
    assert fix in problem.fix, str(problem)
    assert problem.snippet == text.splitlines()[problem.line - 1]
    assert "<block" not in problem.message and "token" not in problem.message, "no parser jargon"


REWRITES = [case for case in CASES if ": " in case[4] and case[4].split(": ", 1)[0].isidentifier()]


@pytest.mark.parametrize(("text", "rewrite"), [(c[1], c[4]) for c in REWRITES], ids=[c[0] for c in REWRITES])
def test_a_fix_that_rewrites_the_line_makes_it_parse(tmp_path: Path, text: str, rewrite: str) -> None:
    with pytest.raises(YAMLSyntaxError) as caught:
        load_yaml(tmp_path / "broken.yaml", text)
    lines = text.splitlines()
    lines[caught.value.problem.line - 1] = rewrite
    fixed = load_yaml(tmp_path / "fixed.yaml", "\n".join(lines)).data
    key, _, _ = rewrite.partition(": ")
    assert isinstance(fixed, dict) and key in fixed


def test_an_error_no_explanation_knows_keeps_the_parsers_words(tmp_path: Path) -> None:
    with pytest.raises(YAMLSyntaxError) as caught:
        load_yaml(tmp_path / "broken.yaml", "a: [b]]\n")
    assert caught.value.problem.message.startswith("YAML syntax: ")
    assert "check indentation" in caught.value.problem.fix
