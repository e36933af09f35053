"""A deployment's own source files scan on their own: the demo sites' files live apart, in the demo package.

Before they moved, a file added to `sources/` beside the two demo files made every scan fail (S002),
because the demo files need DEMO_*_URL variables that only `scanner demo` sets.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scanner.crawl import load_sources
from scanner.errors import SourceError
from scanner.lab.demo.server import ENV_NAMES, SOURCES_DIR
from tests.conftest import CliRun
from tests.crawl.conftest import DATA
from tests.crawl.site import FakeSite

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_demo_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_NAMES.values():
        monkeypatch.delenv(name, raising=False)


def own_sources(tmp_path: Path) -> Path:
    """The repository's sources/ folder as a deployment finds it, with the deployment's own site added."""
    folder = tmp_path / "sources"
    shutil.copytree(REPOSITORY / "sources", folder)
    shutil.copy(DATA / "sources" / "testsite.yaml", folder)
    return folder


def scan(run_cli: CliRun, site: FakeSite, folder: Path) -> tuple[int, str]:
    env = {
        "TEST_SITE_URL": site.url,
        "SCANNER_PATHS_SOURCES_DIR": str(folder),
        "SCANNER_PATHS_RULES_DIR": str(REPOSITORY / "rules"),
        "SCANNER_MODEL_RULES_ONLY": "true",
    }
    result = run_cli("scan", "--json", env=env)
    return result.exit_code, result.output


@pytest.mark.usefixtures("no_demo_variables")
def test_an_own_source_file_in_sources_scans_without_demo_variables(
    run_cli: CliRun, site: FakeSite, tmp_path: Path
) -> None:
    code, output = scan(run_cli, site, own_sources(tmp_path))
    assert code == 0, output
    summary = json.loads(output[output.index("{") :])
    assert summary["status"] == "completed" and summary["new_ads"] == 7


@pytest.mark.usefixtures("no_demo_variables")
def test_the_demo_files_beside_an_own_file_would_stop_the_scan(run_cli: CliRun, site: FakeSite, tmp_path: Path) -> None:
    folder = own_sources(tmp_path)
    for path in SOURCES_DIR.glob("*.yaml"):
        shutil.copy(path, folder)  # the layout before the demo files moved
    code, output = scan(run_cli, site, folder)
    assert code == 6, output
    assert "environment variable DEMO_NACHTLICHT_URL is not set" in output


@pytest.mark.usefixtures("no_demo_variables")
def test_the_repository_sources_folder_holds_no_demo_file_and_the_demo_folder_does() -> None:
    assert load_sources(REPOSITORY / "sources") == []
    with pytest.raises(SourceError, match="DEMO_NACHTLICHT_URL is not set"):
        load_sources(SOURCES_DIR)
    assert sorted(path.stem for path in SOURCES_DIR.glob("*.yaml")) == ["nachtlicht", "rozewereld"]


def test_scanner_demo_scans_the_demo_sites_whatever_the_deployments_sources(tmp_path: Path) -> None:
    from scanner.lab.demo.run import demo_settings
    from scanner.settings import load_settings

    loaded = load_settings(cli={"paths.sources_dir": str(own_sources(tmp_path))}, environ={})
    settings = demo_settings(loaded, tmp_path)
    assert Path(settings.paths.sources_dir) == SOURCES_DIR
