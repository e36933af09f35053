"""The legal-basis gate: no ads are collected until the deployment says who, why and on what basis.

The municipality must name the controller, the purpose, the legal basis and the reference of its
data protection impact assessment (settings `privacy.*`) before a scan may collect personal data;
see docs/deploy.md and docs/legal-and-privacy.md (why the legal basis and the DPIA come first).
"""

from __future__ import annotations

from scanner.errors import PrivacyError
from scanner.settings import PrivacySettings

REQUIRED = ("controller", "purpose", "legal_basis", "dpia_reference")


def check_legal_basis(privacy: PrivacySettings) -> None:
    """Raise PrivacyError naming the missing settings, unless the gate is switched off."""
    if not privacy.require_legal_basis:
        return
    missing = [name for name in REQUIRED if not getattr(privacy, name).strip()]
    if missing:
        raise PrivacyError(
            f"no ads are collected until the legal basis is recorded: {', '.join(f'privacy.{m}' for m in missing)} "
            "not set",
            context="scanner.toml [privacy]",
            hint="set privacy.controller, purpose, legal_basis and dpia_reference in scanner.toml (see docs/deploy.md)",
        )
