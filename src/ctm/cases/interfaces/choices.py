"""Localized country and language choices from pycountry (ISO 3166 / ISO 639)."""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
from django.utils.translation import get_language

from ctm.core.interfaces.choices import _countries as _country_choices


@lru_cache(maxsize=8)
def _language_choices(lang: str) -> tuple[tuple[str, str], ...]:
    tr = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
    items = [(lg.alpha_2, tr.gettext(lg.name)) for lg in pycountry.languages if hasattr(lg, "alpha_2")]
    return tuple(sorted(items, key=lambda kv: kv[1]))


def country_choices(blank: bool = False) -> list[tuple[str, str]]:
    items = list(_country_choices((get_language() or "en")[:2]))
    return [("", "—"), *items] if blank else items


def language_choices(blank: bool = False) -> list[tuple[str, str]]:
    items = list(_language_choices((get_language() or "en")[:2]))
    return [("", "—"), *items] if blank else items


def country_name(code: str) -> str:
    return dict(_country_choices((get_language() or "en")[:2])).get(code, code)
