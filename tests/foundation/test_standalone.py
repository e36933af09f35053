"""The project stands alone: a plain clone has everything its files point to.

No file refers to a folder next to the repository or to a path of a development machine; every
relative link of the documentation resolves, anchors included; and every indicator id a rule cites
is documented in docs/indicators.md, on a row that names the rule.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scanner.yamlfile import load_yaml

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ["scanner", "docs", "tests", "sources", "rules", "bench", "alembic"]
CHECKED_FILES = ["README.md", "Makefile", "pyproject.toml", "alembic.ini"]
TEXT_SUFFIXES = {".py", ".md", ".yaml", ".yml", ".json", ".jsonl", ".toml", ".ini", ".txt", ".html", ".cfg", ""}
# Written so that this file does not match itself.
OUTSIDE = re.compile(
    r"\.\.[/\\]shared|/wor[k]/|/home/[a-z]|/Users/[A-Za-z]|/roo[t]/|[A-Z]:\\\\Users"
    r"|INDICATOR[S]\.md|LEGAL_AND_PRIVAC[Y]|PHONE[S]\.md"
)


def project_files() -> list[Path]:
    files = [ROOT / name for name in CHECKED_FILES]
    for folder in CHECKED:
        files += [
            path
            for path in (ROOT / folder).rglob("*")
            if path.is_file() and path.suffix in TEXT_SUFFIXES and "__pycache__" not in path.parts
        ]
    return files


def test_no_file_points_outside_the_repository() -> None:
    offenders: dict[str, list[str]] = {}
    for path in project_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        lines = enumerate(text.splitlines(), 1)
        found = [f"{number}: {line.strip()}" for number, line in lines if OUTSIDE.search(line)]
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}, "describe what users need in docs/ and point there instead"


def test_the_check_finds_a_reference_outside() -> None:
    outside = ("see ../" + "shared/domain/x", "/wor" + "k/shared/y", "INDICATOR" + "S.md row 3", "/ho" + "me/alice/x")
    for line in outside:
        assert OUTSIDE.search(line), line
    for line in ("docs/indicators.md", "/var/lib/scanner", "/etc/scanner/scanner.toml", "shared phone"):
        assert not OUTSIDE.search(line), line


LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    return {slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}


DOCS = [ROOT / "README.md", ROOT / "sources" / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_of_the_documentation_resolves(doc: Path) -> None:
    text = re.sub(r"```.*?```", "", doc.read_text(encoding="utf-8"), flags=re.DOTALL)
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:
        file_part, _, anchor = target.partition("#")
        linked = (doc.parent / file_part).resolve() if file_part else doc
        missing_anchor = bool(anchor) and linked.suffix == ".md" and linked.exists() and anchor not in anchors(linked)
        if not linked.exists() or missing_anchor:
            broken.append(target)
    assert broken == []


def indicator_rows() -> dict[str, str]:
    """Indicator id -> its table row in docs/indicators.md."""
    rows = {}
    for line in (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8").splitlines():
        found = re.match(r"\| ([NL]?\d+) \|", line)
        if found:
            rows[found.group(1)] = line
    return rows


def test_every_indicator_a_rule_cites_is_documented_on_a_row_that_names_the_rule() -> None:
    rows = indicator_rows()
    assert {"1", "16", "20", "N1", "N8", "L1", "L5"} <= set(rows)
    cited = 0
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        indicator = load_yaml(path).data.get("indicator")
        if indicator is None:
            continue
        cited += 1
        assert str(indicator) in rows, f"{path.name}: indicator {indicator} is not in docs/indicators.md"
        assert f"`{path.stem}`" in rows[str(indicator)], f"the row of indicator {indicator} does not name {path.stem}"
    assert cited >= 25


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ('Negation ("geen", "niet", "no")', "negation-geen-niet-no"),
        ("Matching one ad: selections", "matching-one-ad-selections"),
        ("Licensing (APV compliance)", "licensing-apv-compliance"),
        ("The `scanner extract` JSON shape", "the-scanner-extract-json-shape"),
    ],
)
def test_anchors_are_made_as_github_makes_them(heading: str, anchor: str) -> None:
    assert slug(heading) == anchor
