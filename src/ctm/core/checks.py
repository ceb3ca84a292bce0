"""System checks of CTM (run by `ctm check`, in CI, and before `migrate`)."""

from __future__ import annotations

from typing import Any

from django.core import checks

from ctm.core.encrypted import undeclared_binary_fields


@checks.register(checks.Tags.models)
def binary_fields_declared(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every BinaryField is declared to the key rotation (ctm.core.encrypted), or its bytes would stay
    under an old key when the keys rotate."""
    return [
        checks.Error(
            f"{name} is a BinaryField that `ctm keys` does not know.",
            hint="Declare its encrypted bytes with ctm.core.encrypted.register_blobs() in the app's "
            "AppConfig.ready() (see the cases, privacy and linkage apps).",
            id="ctm.E001",
        )
        for name in undeclared_binary_fields()
    ]
