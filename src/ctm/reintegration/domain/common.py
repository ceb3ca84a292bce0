"""Shared pieces of the return and reintegration writes (the register's checks, lock and log)."""

from __future__ import annotations

from typing import Any

import pycountry
from django.utils.translation import gettext as _

from ctm.assistance.domain.common import (
    lock,
    lock_open,
    log_case,
    masked,
    not_future,
    require_manager,
    require_open,
    require_write,
)
from ctm.core.errors import InvalidTransition

__all__ = [
    "lock",
    "lock_open",
    "log_case",
    "masked",
    "not_future",
    "require_country",
    "require_currency",
    "require_manager",
    "require_open",
    "require_write",
]


def require_country(field: str, code: Any) -> str:
    if not isinstance(code, str) or not code.isupper() or pycountry.countries.get(alpha_2=code) is None:
        raise InvalidTransition({field: _("Choose a country.")})
    return code


def require_currency(field: str, code: Any) -> str:
    if not isinstance(code, str) or not code.isupper() or pycountry.currencies.get(alpha_3=code) is None:
        raise InvalidTransition({field: _("Choose a currency (ISO 4217).")})
    return code
