"""The legal-basis gate: no ads are collected until the deployment says who, why and on what basis.

The municipality must name the controller, the purpose, the legal basis and the reference of its
data protection impact assessment (settings `privacy.*`) before a scan may collect personal data
(GDPR articles 5, 6 and 35; see docs/deploy.md and docs/legal-and-privacy.md for why the legal basis
and the DPIA come first). The gate can be switched off (`privacy.require_legal_basis = false`, for
tests and trials on the synthetic demo sites); then every scan warns and records the warning in the
audit log, so collecting without a recorded basis is never silent.
"""

from __future__ import annotations

from scanner.errors import PrivacyError
from scanner.settings import PrivacySettings

REQUIRED = ("controller", "purpose", "legal_basis", "dpia_reference")


def missing_settings(privacy: PrivacySettings) -> list[str]:
    return [f"privacy.{name}" for name in REQUIRED if not getattr(privacy, name).strip()]


def check_legal_basis(privacy: PrivacySettings) -> None:
    """Raise PrivacyError naming the missing settings, unless the gate is switched off."""
    if not privacy.require_legal_basis:
        return
    missing = missing_settings(privacy)
    if missing:
        raise PrivacyError(
            f"no ads are collected until the legal basis is recorded: {', '.join(missing)} not set",
            context="scanner.toml [privacy]",
            hint="set privacy.controller, purpose, legal_basis and dpia_reference in scanner.toml (see docs/deploy.md)",
        )


def legal_basis_warning(privacy: PrivacySettings) -> str | None:
    """The warning every scan gives while the gate is switched off (None while it is on)."""
    if privacy.require_legal_basis:
        return None
    missing = missing_settings(privacy)
    unset = f"; {', '.join(missing)} not set" if missing else ""
    return (
        "privacy.require_legal_basis is off: ads are collected without checking that a legal basis is "
        f"recorded{unset}. Switch it on for any real deployment."
    )
