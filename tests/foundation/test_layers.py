"""The layers of the package hold (`lint-imports`, contracts in pyproject.toml), and a broken one is caught.

The contract itself is checked by `make lint`; these tests run it too, so `pytest` alone fails when a
stage starts to import the lab, the investigator features, the workflow or the command line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports over the `scanner` package found in `root`, with the contracts of root/pyproject.toml."""
    environment = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def _copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copytree(REPOSITORY / "scanner", tmp_path / "scanner", ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy(REPOSITORY / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_package_keeps_its_layers() -> None:
    result = _lint_imports(REPOSITORY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "imports"),
    [
        ("scanner/link/core.py", "scanner.lab.link_quality"),  # a stage reaching up into the lab
        ("scanner/extract/store.py", "scanner.investigate.render"),  # a stage importing an investigator view
        ("scanner/crawl/crawler.py", "scanner.extract"),  # a stage importing a later stage
        ("scanner/db/session.py", "scanner.workflow.lock"),  # storage importing the workflow
        ("scanner/workflow/scan.py", "scanner.cli.context"),  # the workflow importing the command line
    ],
)
def test_an_import_against_the_layers_breaks_the_contract(tmp_path: Path, module: str, imports: str) -> None:
    root = _copy_of_the_package(tmp_path)
    path = root / module
    path.write_text(path.read_text(encoding="utf-8") + f"\nimport {imports}  # noqa: E402\n", encoding="utf-8")
    result = _lint_imports(root)
    assert result.returncode == 1, result.stdout
    importer = module.removesuffix(".py").replace("/", ".")
    assert "0 kept, 1 broken" in result.stdout
    assert f"{importer} -> {imports}" in result.stdout, result.stdout
