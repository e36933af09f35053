"""The JSON Schema of a rule file, generated from the models, committed as `rules/schema.json`.

Editors (VS Code with the YAML extension, JetBrains) use it for completion and inline errors: add
`# yaml-language-server: $schema=schema.json` at the top of a rule file. Regenerate after changing
`model.py` with `python -m scanner.rules.schema > rules/schema.json`; a test fails when it is stale.
"""

from __future__ import annotations

import json
from typing import Any

from scanner.rules.model import Rule

SCHEMA_ID = "https://example.org/scanner/rules/schema.json"


def rule_schema() -> dict[str, Any]:
    schema = Rule.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "scanner indicator rule"
    return schema


def schema_text() -> str:
    return json.dumps(rule_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
