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


_GENDERS: dict[str, Any] = dict(enums.Gender.choices)  # labels stay lazy: translated when shown


@register.filter
def gender(code: str) -> str:
    return str(_GENDERS.get(code, code)) if code else "—"


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


@register.simple_tag(takes_context=True)
def inplace_form(context: Any) -> str:
    """The attributes of a part's form opened in place (htmx): it posts itself, and the section named
    by its anchor is taken from the page the save goes back to (the summary at the top too)."""
    from django.utils.html import format_html

    request = context.get("request")
    form_id = context.get("form_id", "part-form-page")
    anchor = context.get("anchor", "")
    if request is None or not getattr(request, "htmx", False) or not anchor:
        return format_html('id="{}"', form_id)
    return format_html(
        'id="{}" hx-post="{}" hx-target="#{}" hx-select="#{}" hx-select-oob="#case-summary" hx-swap="outerHTML"',
        form_id,
        request.get_full_path(),
        anchor,
        anchor,
    )


@register.simple_tag(takes_context=True)
def inplace_cancel(context: Any, back: str) -> str:
    """A form's Cancel link, opened in place: it puts the section back as it was."""
    from django.utils.html import format_html

    request = context.get("request")
    anchor = context.get("anchor", "")
    if request is None or not getattr(request, "htmx", False) or not anchor:
        return ""
    return format_html(
        'hx-get="{}" hx-target="#{}" hx-select="#{}" hx-swap="outerHTML"', back, anchor, anchor
    )


@register.simple_tag
def timeline_items(entries: list[Any]) -> str:
    """The case timeline's `<li>`s, written in one pass: the same HTML as the loop it replaced
    (`{% blocktranslate %}` of who and what, the time as `|date:'c'` and `|date:"Y-m-d H:i"` in the
    current time zone, the details joined by "; "), escaped as `{{ }}` escapes, in a few template nodes
    instead of about ten per entry (a case's timeline has up to 200 entries)."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe
    from django.utils.timezone import template_localtime
    from django.utils.translation import gettext

    headline = gettext("<strong>%(who)s</strong>: %(what)s")
    items = []
    for e in entries:
        when = template_localtime(e.when)
        text = headline % {"who": conditional_escape(e.who), "what": conditional_escape(e.what)}
        shown = f"{when.year:04d}-{when.month:02d}-{when.day:02d} {when.hour:02d}:{when.minute:02d}"
        details = "; ".join(conditional_escape(d) for d in e.details)
        items.append(
            f'<li>{text} · <time datetime="{when.isoformat()}">{shown}</time>'
            + (f"<br><small>{details}</small>" if e.details else "")
            + "</li>"
        )
    return mark_safe("".join(items))  # noqa: S308  (every value above is escaped)


@register.simple_tag
def edit_link(url: str, part: str, label: str, css: str = "") -> str:
    """A link to a part's form (`part`: its URL name) that, with JavaScript, opens the form in place
    of the link; the address becomes the form's (a reload shows the form page)."""
    from django.utils.html import format_html

    return format_html(
        '<a href="{}" hx-get="{}" hx-select="#part-form-{}" hx-target="this" hx-swap="outerHTML" hx-replace-url="true"{}>{}</a>',
        url,
        url,
        part,
        format_html(' class="{}"', css) if css else "",
        label,
    )
