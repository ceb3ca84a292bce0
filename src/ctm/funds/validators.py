"""Shared checks of fund values: currencies (ISO 4217 from pycountry), pseudonymous codes, money."""

from __future__ import annotations

import re
from decimal import Decimal

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A code chosen by the requesting organization for a person assisted outside CTM: letters, digits
# and dashes, with at least one digit, so that a name typed in by mistake is refused.
PSEUDONYM = re.compile(r"(?=.*\d)[A-Za-z0-9-]{3,20}")


def validate_currency(value: str) -> None:
    if pycountry.currencies.get(alpha_3=(value or "").upper()) is None:
        raise ValidationError(_("Unknown currency: %(v)s (an ISO 4217 code).") % {"v": (value or "")[:10]})


def validate_pseudonym(value: str) -> None:
    if not PSEUDONYM.fullmatch(value or ""):
        raise ValidationError(
            _("A code of 3 to 20 letters, digits and dashes, with at least one digit (never a name).")
        )


def validate_positive(value: Decimal) -> None:
    if value is None or value <= 0:
        raise ValidationError(_("The amount must be more than zero."))
