"""Shared checks of directory values: ISO country and language codes, lists of known codes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _find(database: Any, text: str) -> Any:
    """An exact ISO code first (pycountry's `lookup` also matches names, so "en" could read as the
    language "En"), then a name."""
    if not text:
        return None
    for key in ("alpha_2", "alpha_3"):
        found = database.get(**{key: text.lower() if database is pycountry.languages else text.upper()})
        if found is not None:
            return found
    try:
        return database.lookup(text)
    except LookupError:
        return None


def country_code(value: str) -> str:
    """An ISO 3166-1 code or name (alpha-2, alpha-3, English name) → its alpha-2 code."""
    text = (value or "").strip()
    found = _find(pycountry.countries, text)
    if found is None:
        raise ValidationError(_("Unknown country: %(v)s (an ISO code or English name).") % {"v": text[:40]})
    return str(found.alpha_2)


def language_code(value: str) -> str:
    """An ISO 639 code or English name → its two-letter code (three letters when it has none)."""
    text = (value or "").strip()
    found = _find(pycountry.languages, text)
    if found is None:
        raise ValidationError(
            _("Unknown language: %(v)s (an ISO 639 code or English name).") % {"v": text[:40]}
        )
    return str(getattr(found, "alpha_2", found.alpha_3))


def packed(codes: Iterable[str]) -> str:
    """Codes stored for filtering: "|a|b|" (a filter looks for "|a|"); "" for none."""
    items = [c for c in codes if c]
    return f"|{'|'.join(items)}|" if items else ""


def unpacked(value: str) -> list[str]:
    return [c for c in (value or "").split("|") if c]
