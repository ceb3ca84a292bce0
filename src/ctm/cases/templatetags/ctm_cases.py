from __future__ import annotations

from typing import Any

from django import template

from ctm.cases import enums
from ctm.cases.interfaces.choices import country_name, language_choices

register = template.Library()


@register.filter
def country(code: str) -> str:
    return country_name(code) if code else "—"


@register.filter
def countries(codes: list[str]) -> str:
    return ", ".join(country_name(c) for c in codes or []) or "—"


@register.filter
def languages(codes: list[str]) -> str:
    names = dict(language_choices())
    return ", ".join(str(names.get(c, c)) for c in codes or []) or "—"


@register.filter
def labels(values: list[str], enum_name: str) -> str:
    """Labels of a list of enum values, e.g. {{ context.means_of_control|labels:"MeansOfControl" }}."""
    choices: Any = dict(getattr(enums, enum_name).choices)
    return ", ".join(str(choices.get(v, v)) for v in values or []) or "—"


@register.filter
def action_label(action: str) -> str:
    from ctm.core.phrases import action_label as label

    return label(action)


def _field_index() -> dict[str, Any]:
    from django.apps import apps

    index: dict[str, Any] = {}
    for model in apps.get_app_config("cases").get_models():
        for field in model._meta.concrete_fields:
            index.setdefault(field.name, field)
    return index


def _show(field: Any, value: Any) -> str:
    if value is None or value == "":
        return "∅"
    choices = dict(field.choices) if field is not None and field.choices else {}
    if isinstance(value, list):
        return ", ".join(_show(field, v) for v in value) or "∅"
    return str(choices.get(value, value))


@register.filter
def change_summary(changes: dict[str, Any]) -> str:
    """'Stage: Screening → Assistance; Status: ∅ → Active' with translated field names and values."""
    index = _field_index()
    parts = []
    for key, pair in (changes or {}).items():
        field = index.get(key)
        label = (
            str(field.verbose_name).capitalize() if field is not None else key.replace("_", " ").capitalize()
        )
        if isinstance(pair, list) and len(pair) == 2:
            parts.append(f"{label}: {_show(field, pair[0])} → {_show(field, pair[1])}")
        else:
            parts.append(f"{label}: {_show(field, pair)}")
    return "; ".join(parts)


@register.filter
def gender(code: str) -> str:
    return str(dict(enums.Gender.choices).get(code, code)) if code else "—"


@register.inclusion_tag("cases/_sort_header.html", takes_context=True)
def sort_header(context: Any, key: str, label: str) -> dict[str, Any]:
    """A column header that sorts the list by `key` (then the other way), keeping the filters."""
    current = context.get("sort", "")
    ascending = current == key
    return {
        "label": label,
        "href": "?"
        + "&".join(p for p in (context.get("unsorted", ""), f"sort={'-' if ascending else ''}{key}") if p),
        "state": "ascending" if ascending else "descending" if current == f"-{key}" else "",
    }
