"""Pipeline stage: rules. Indicator rules written in YAML (`rules/`), validated, tested and applied.

    from scanner.rules import RuleSet, AdInput, apply_rules, validate_rules

    ruleset = RuleSet.load(Path("rules"), settings)       # RulePackError lists every problem
    ruleset.evaluate_ad(AdInput(text, features))          # -> [Hit]
    apply_rules(db, settings, scan_run_id=run.id)         # -> RuleStats, writes indicator_hits

The format is documented for rule authors in docs/rules.md; the models are in `model.py`.
"""

from scanner.rules.engine import AdInput, Explanation, Hit
from scanner.rules.ruleset import RulePackError, RuleSet
from scanner.rules.store import RuleStats, apply_rules
from scanner.rules.validate import validate_rules

__all__ = ["AdInput", "Explanation", "Hit", "RulePackError", "RuleSet", "RuleStats", "apply_rules", "validate_rules"]
