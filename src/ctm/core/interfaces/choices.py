"""Country and language choices and names, localized from pycountry (ISO 3166 / ISO 639)."""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
from django.utils.translation import get_language


@lru_cache(maxsize=8)
def _countries(lang: str) -> tuple[tuple[str, str], ...]:
    tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
    return tuple(sorted(((c.alpha_2, tr.gettext(c.name)) for c in pycountry.countries), key=lambda kv: kv[1]))


@lru_cache(maxsize=8)
def _languages(lang: str) -> tuple[tuple[str, str], ...]:
    tr = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
    items = [(lg.alpha_2, tr.gettext(lg.name)) for lg in pycountry.languages if hasattr(lg, "alpha_2")]
    return tuple(sorted(items, key=lambda kv: kv[1]))


def country_choices() -> list[tuple[str, str]]:
    return list(_countries((get_language() or "en")[:2]))


def language_choices() -> list[tuple[str, str]]:
    return list(_languages((get_language() or "en")[:2]))


@lru_cache(maxsize=8)
def _country_names(lang: str) -> dict[str, str]:
    return dict(_countries(lang))


@lru_cache(maxsize=8)
def _language_names(lang: str) -> dict[str, str]:
    return dict(_languages(lang))


def country_name(code: str) -> str:
    return _country_names((get_language() or "en")[:2]).get(code, code)


def language_name(code: str) -> str:
    return _language_names((get_language() or "en")[:2]).get(code, code)


def with_blank(choices):  # type: ignore[no-untyped-def]  # a list of pairs, or a callable giving one
    """The choices after an empty "—": a form starts on no answer rather than on the first real one."""
    if callable(choices):
        return lambda: [("", "—"), *choices()]
    return [("", "—"), *choices]
