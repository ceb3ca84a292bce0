"""Directory entries for tests, made through the domain functions."""

from __future__ import annotations

import datetime
from typing import Any

from ctm.directory.domain.entries import create_entry

SHELTER = {
    "name": "Casa Speranta shelter",
    "entry_type": "shelter",
    "country": "MD",
    "city": "Chisinau",
    "phone": "+373 22 000 000",
    "emergency_line": "0 800 77777",
    "services": "|accommodation|psychosocial|",
    "languages": "|ro|ru|",
    "populations": "|women|minors|",
}


def entry(by: Any, *, shared: bool = True, **data: Any) -> Any:
    values = {**SHELTER, **data}
    if "last_verified_on" not in values:
        values["last_verified_on"] = datetime.date.today()
    return create_entry(by=by, data=values, shared=shared)


def directory_objects(p: Any) -> dict[str, str]:
    """References of a shared entry and of a private entry of the personas' home organization."""
    return {
        "shared": entry(p.org_admin, name="Shared shelter").ref,
        "private": entry(p.org_admin, shared=False, name="Home private contact").ref,
    }
