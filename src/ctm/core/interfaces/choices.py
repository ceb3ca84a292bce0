"""Country choices for core forms (the case register has richer ones in cases/interfaces/choices.py)."""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
from django.utils.translation import get_language


@lru_cache(maxsize=8)
def _countries(lang: str) -> tuple[tuple[str, str], ...]:
    tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
    return tuple(sorted(((c.alpha_2, tr.gettext(c.name)) for c in pycountry.countries), key=lambda kv: kv[1]))


def country_choices() -> list[tuple[str, str]]:
    return list(_countries((get_language() or "en")[:2]))


def with_blank(choices):  # type: ignore[no-untyped-def]  # a list of pairs, or a callable giving one
    """The choices after an empty "—": a form starts on no answer rather than on the first real one."""
    if callable(choices):
        return lambda: [("", "—"), *choices()]
    return [("", "—"), *choices]
