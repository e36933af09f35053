"""Source files: every problem at file:line with a fix, all problems of a file at once, ${VAR} expansion."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scanner.crawl.sourcefile import Selector, check_source_file, load_sources
from scanner.errors import SourceError
from tests.crawl.conftest import DATA

BAD = sorted((DATA / "bad_sources").glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\S+) (\d+) (.+)$", re.MULTILINE)


@pytest.mark.parametrize("path", BAD, ids=[path.stem for path in BAD])
def test_every_problem_is_reported_at_its_line(path: Path) -> None:
    expected = [(code, int(line), text) for code, line, text in EXPECT.findall(path.read_text())]
    assert expected, f"{path.name} has no '# expect:' line"
    config, problems = check_source_file(path)
    assert config is None
    found = [(problem.code, problem.line) for problem in problems]
    assert found == [(code, line) for code, line, _ in expected]
    for problem, (_code, _line, text) in zip(problems, expected, strict=True):
        assert text in f"{problem.message} {problem.fix}"
        assert problem.file == str(path)


def test_load_sources_raises_with_the_position_and_all_problems(tmp_path: Path) -> None:
    (tmp_path / "many_problems.yaml").write_text((DATA / "bad_sources" / "many_problems.yaml").read_text())
    with pytest.raises(SourceError) as caught:
        load_sources(tmp_path)
    assert caught.value.context == f"{tmp_path / 'many_problems.yaml'}:5:1"
    assert "and 2 more problems" in caught.value.message
    assert caught.value.hint is not None and ":8:" in caught.value.hint and ":11:" in caught.value.hint


def test_environment_variables_are_expanded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_SITE_URL", "http://127.0.0.1:8123")
    config = load_sources(DATA / "sources", ["testsite"])[0]
    assert config.base_url == "http://127.0.0.1:8123/"
    assert config.absolute(config.start_urls[0].url) == "http://127.0.0.1:8123/listing?page=1"
    assert config.hosts == frozenset({"127.0.0.1"})


def test_unknown_source_names_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_SITE_URL", "http://127.0.0.1:8123")
    with pytest.raises(SourceError, match="no source named nope"):
        load_sources(DATA / "sources", ["nope"])


@pytest.mark.parametrize(
    ("written", "css", "attribute"),
    [
        ("h1.title", "h1.title", None),
        ("img.photo @src", "img.photo", "src"),
        ("a.ad@href", "a.ad", "href"),
        ('a[href^="mailto:x@y"]', 'a[href^="mailto:x@y"]', None),
        ("@data-id", "*", "data-id"),
    ],
)
def test_short_selectors(written: str, css: str, attribute: str | None) -> None:
    selector = Selector.model_validate(written)
    assert (selector.css, selector.attribute) == (css, attribute)
