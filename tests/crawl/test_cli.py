"""`scanner sources list|validate|check` and `scanner crawl` from the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import CliRun
from tests.crawl.conftest import DATA
from tests.crawl.site import FakeSite


def _env(site: FakeSite, folder: Path) -> dict[str, str]:
    return {"TEST_SITE_URL": site.url, "SCANNER_PATHS_SOURCES_DIR": str(folder)}


def test_sources_check_prints_what_each_selector_found(run_cli: CliRun, site: FakeSite) -> None:
    result = run_cli("sources", "check", "testsite", env=_env(site, DATA / "sources"))
    assert result.exit_code == 0, result.output
    assert "ad links: 3" in result.output
    assert "next page: " + site.url + "/listing?page=2" in result.output
    assert "Ad number 1" in result.output and "span.city" in result.output


def test_sources_check_names_a_broken_selector_and_the_url(run_cli: CliRun, site: FakeSite, tmp_path: Path) -> None:
    text = (DATA / "sources" / "testsite.yaml").read_text().replace("title: h1", "title: h2.missing")
    (tmp_path / "testsite.yaml").write_text(text)
    result = run_cli("sources", "check", "testsite", env=_env(site, tmp_path))
    assert result.exit_code == 6
    assert "MISSING title" in result.output
    assert f"testsite: {site.url}/ad/1: required selector found nothing: title (h2.missing)" in result.output


def test_sources_validate_reports_every_problem(run_cli: CliRun, site: FakeSite, tmp_path: Path) -> None:
    shutil.copy(DATA / "bad_sources" / "many_problems.yaml", tmp_path)
    shutil.copy(DATA / "sources" / "testsite.yaml", tmp_path)
    result = run_cli("sources", "validate", env=_env(site, tmp_path))
    assert result.exit_code == 1
    assert result.output.count("many_problems.yaml:") == 3
    assert "testsite.yaml: ok" in result.output


def test_crawl_command_prints_statistics(run_cli: CliRun, site: FakeSite) -> None:
    result = run_cli("crawl", "--json", env=_env(site, DATA / "sources"))
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output[result.output.index("{") :])
    assert stats["sources"]["testsite"]["new_ads"] == 7
    again = run_cli("crawl", "--source", "testsite", env=_env(site, DATA / "sources"))
    assert "ads new 0, changed 0, unchanged 7" in again.output
