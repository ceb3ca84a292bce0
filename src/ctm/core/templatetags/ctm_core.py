from __future__ import annotations

from django import template

from ctm.core.phrases import action_label as label

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """The translated label of an activity-log action code (the code itself if it has none)."""
    return label(action)


@register.filter
def at(values: list[object], index: int) -> object:
    """`values[index]` in a template (a table cell's column label on a phone)."""
    return values[index] if 0 <= index < len(values) else ""
