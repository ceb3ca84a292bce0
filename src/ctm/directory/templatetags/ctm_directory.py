"""Names for the directory's codes in the reader's language."""

from __future__ import annotations

from django import template

from ctm.directory.enums import Population, Service
from ctm.directory.geography import country_name, language_name

register = template.Library()


@register.filter
def country(code: str) -> str:
    return country_name(code)


@register.filter
def languages(codes: list[str]) -> str:
    return ", ".join(language_name(c) for c in codes)


@register.filter
def services(codes: list[str]) -> str:
    labels = dict(Service.choices)
    return ", ".join(str(labels.get(c, c)) for c in codes)


@register.filter
def populations(codes: list[str]) -> str:
    labels = dict(Population.choices)
    return ", ".join(str(labels.get(c, c)) for c in codes)
