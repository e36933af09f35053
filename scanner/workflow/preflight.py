"""What a scan checks before it crawls: the rule pack and the model file.

Both are read only after the crawl, by the rules and score stages; a broken rule file or a typo in
`model.path` found there would end an hour of crawling as `failed`. Checked first, they stop the scan
at once with the error of the file (exit code 7 or 8) and nothing collected.
"""

from __future__ import annotations

from pathlib import Path

from scanner.settings import Settings


def preflight(settings: Settings) -> None:
    """Raise the RuleError or ModelError the later stages would raise."""
    from scanner.rules.ruleset import RuleSet
    from scanner.score.store import model_file

    RuleSet.load(Path(settings.paths.rules_dir), settings)
    if not settings.model.rules_only:
        model_file(settings)
