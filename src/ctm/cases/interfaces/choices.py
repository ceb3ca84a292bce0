"""Localized country and language choices from pycountry (ISO 3166 / ISO 639)."""

from __future__ import annotations

from django.utils.translation import get_language

from ctm.core.interfaces.choices import _countries as _country_choices
from ctm.core.interfaces.choices import _languages as _language_choices
from ctm.core.interfaces.choices import country_name

__all__ = ["country_choices", "country_name", "language_choices"]


def country_choices(blank: bool = False) -> list[tuple[str, str]]:
    items = list(_country_choices((get_language() or "en")[:2]))
    return [("", "—"), *items] if blank else items


def language_choices(blank: bool = False) -> list[tuple[str, str]]:
    items = list(_language_choices((get_language() or "en")[:2]))
    return [("", "—"), *items] if blank else items
