"""Countries, UN regions and languages, named in French or English, from pycountry (ISO 3166 / 639,
with their translations) and country-converter (UN M49 regions): never a hand-written list."""

from __future__ import annotations

import csv
import gettext
import io
from functools import lru_cache
from importlib import resources

import pycountry
from django.utils.translation import get_language
from django.utils.translation import gettext as _

UNKNOWN_REGION = "—"


def _lang() -> str:
    return (get_language() or "en")[:2]


@lru_cache(maxsize=8)
def _country_names(lang: str) -> dict[str, str]:
    tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
    return {c.alpha_2: tr.gettext(c.name) for c in pycountry.countries}


@lru_cache(maxsize=8)
def _language_names(lang: str) -> dict[str, str]:
    tr = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
    return {getattr(lg, "alpha_2", lg.alpha_3): tr.gettext(lg.name) for lg in pycountry.languages}


@lru_cache(maxsize=1)
def _un_regions() -> dict[str, str]:
    """ISO alpha-2 → UN M49 sub-region (English), from country-converter's table."""
    text = resources.files("country_converter").joinpath("country_data.tsv").read_text(encoding="utf-8")
    return {row["ISO2"]: row["UNregion"] for row in csv.DictReader(io.StringIO(text), delimiter="\t")}


def country_name(code: str) -> str:
    return _country_names(_lang()).get(code, code)


def language_name(code: str) -> str:
    return _language_names(_lang()).get(code, code)


def un_region(code: str) -> str:
    """The country's UN sub-region, translated (phrases.UN_REGIONS holds the French names)."""
    region = _un_regions().get(code, "")
    return _(region) if region else UNKNOWN_REGION


def country_choices(blank: bool = False) -> list[tuple[str, str]]:
    items = sorted(_country_names(_lang()).items(), key=lambda kv: kv[1])
    return [("", "—"), *items] if blank else items


def language_choices(blank: bool = False) -> list[tuple[str, str]]:
    names = _language_names(_lang())
    items = sorted(((c, n) for c, n in names.items() if len(c) == 2), key=lambda kv: kv[1])
    return [("", "—"), *items] if blank else items


def region_codes() -> dict[str, str]:
    return dict(_un_regions())
