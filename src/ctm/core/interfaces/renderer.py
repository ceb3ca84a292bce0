"""The form renderer (settings.FORM_RENDERER): Django's, with `<select>` written in Python.

Django renders a select through a template that includes one template per option. A country list has
~250 options, and the case list's filter form has two of them (citizenship, country of exploitation)
beside the offices and staff: measured at 200,000 cases on PostgreSQL (bench/bench_load.py, 2026-12-07),
rendering that form's selects took more time than every query of the page together, and under 50 users
the processor it burned was what the other requests waited for. No maintained library renders
Django's widgets faster without replacing its forms (docs/decisions/0901-select-rendering.md).

Inputs (text, date, hidden, checkbox …: `django/forms/widgets/input.html` and the templates that only
include it) are written the same way: a page's forms have a dozen of them, each two template renders.

`render` gives exactly the bytes Django's templates give (`tests/core/test_form_renderer.py` compares
both on every select and input of every form of CTM, and on hostile labels): the same escaping, attributes,
`selected`, optgroups and whitespace. Options of another template (a widget of ours that overrides
`option_template_name`) go through the templates as before.
"""

from __future__ import annotations

import html
from functools import lru_cache
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _escaped(value: Any) -> str:
    """`conditional_escape(value)`; a plain `str` (most labels and values: a country list has ~250)
    escaped as Django's `escape` does it (`html.escape`), without its lazy-text checks, and the
    same strings (country codes and names, on every page with a country list) escaped once."""
    if type(value) is str:
        return _escaped_str(value)
    return str(conditional_escape(value))


@lru_cache(maxsize=4096)
def _escaped_str(value: str) -> str:
    return html.escape(value)


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    if not attrs:
        return ""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {_escaped(name)}")
        else:
            out.append(f' {_escaped(name)}="{_formatted(value)}"')
    return "".join(out)


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` under autoescape: safe text stays as it is, the rest is escaped."""
    return _escaped(value if hasattr(value, "__html__") else str(value))


def _option(option: dict[str, Any]) -> str:
    return f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>{_escaped(option["label"])}</option>\n'


def render_select(widget: dict[str, Any]) -> str | None:
    """The select's HTML as Django's templates write it, or None when an option has its own template."""
    parts = [f'<select name="{_escaped(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_escaped(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != OPTION:
                return None
            parts.append("\n  " + _option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


# Django's templates of these inputs are `{% include "django/forms/widgets/input.html" %}`, nothing else
INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "text", "number", "email", "url", "search", "tel", "password", "hidden",
        "date", "datetime", "time", "checkbox",
    )
)  # fmt: skip


def render_input(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input.html: type, name, the value unless None, the attributes."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return f'<input type="{_escaped(widget["type"])}" name="{_escaped(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


class FormRenderer(DjangoTemplates):
    """Django's template renderer; selects and inputs are written by `render_select` and
    `render_input` (same output, ~20× faster for a country list)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT:
            html = render_select(context["widget"])
            if html is not None:
                return html.strip()
        elif template_name in INPUTS:
            return render_input(context["widget"])
        return super().render(template_name, context, request)
