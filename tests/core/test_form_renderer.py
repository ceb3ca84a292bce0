"""The fast select and input renderer writes exactly what Django's templates write (ctm.core.interfaces.renderer)."""

from __future__ import annotations

import datetime
import importlib
import pkgutil
import time
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

import ctm
from ctm.core.interfaces.renderer import INPUTS, FormRenderer

DJANGO = DjangoTemplates()
FAST = FormRenderer()


def both(widget: forms.Widget, name: str, value, attrs=None) -> tuple[str, str]:
    """Both renderings; where Django's own widget refuses the value, the same error from both."""
    try:
        old = widget.render(name, value, attrs=attrs, renderer=DJANGO)
    except (TypeError, ValueError) as error:
        with pytest.raises(type(error)):
            widget.render(name, value, attrs=attrs, renderer=FAST)
        return "refused", "refused"
    return old, widget.render(name, value, attrs=attrs, renderer=FAST)


def ctm_forms() -> list[type[forms.BaseForm]]:
    for info in pkgutil.walk_packages(ctm.__path__, "ctm."):
        if (
            info.name.endswith(("forms", ".interfaces"))
            or ".interfaces." in info.name
            or ".forms" in info.name
        ):
            try:
                importlib.import_module(info.name)
            except ImportError:
                continue
    found, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("ctm."):
                found.add(sub)
    return sorted(found, key=lambda f: (f.__module__, f.__qualname__))


def test_the_project_uses_the_fast_renderer():
    assert isinstance(get_default_renderer(), FormRenderer)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_select_of_every_form_renders_as_django_renders_it(language):
    def selects(field: forms.Field) -> list[Any] | None:
        widget = field.widget
        if not isinstance(widget, forms.Select) or isinstance(field, forms.ModelChoiceField):
            return None
        if hasattr(field, "choices"):
            widget.choices = field.choices
        values = [c[0] for c in widget.choices if not isinstance(c[1], (list, tuple))][:3]
        return [None, "", *values, values[:2], "not-a-choice"]

    assert _compare_every_field(language, selects) > 200  # the country lists, languages, stages… of every app


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_input_of_every_form_renders_as_django_renders_it(language):
    values = [None, "", "plain", 'x" onfocus="y<>&', 0, 12.5, True, False, datetime.date(2026, 1, 2)]

    def inputs(field: forms.Field) -> list[Any] | None:
        return values if field.widget.template_name in INPUTS else None

    assert _compare_every_field(language, inputs) > 500  # the dates, numbers, names, hidden versions… of every app


def _compare_every_field(language: str, values_of: Any) -> int:
    """Each field of every form whose widget `values_of` takes (the values to try, else None), rendered
    with each value, bare and with attributes, by Django and by CTM's renderer; the count compared."""
    checked = 0
    with override(language):
        for form_class in ctm_forms():
            for name, field in getattr(form_class, "base_fields", {}).items():
                values = values_of(field)
                for value in values or []:
                    for attrs in (
                        None,
                        {"id": f"id_{name}", "required": True, "aria-invalid": "true", "disabled": False},
                    ):
                        old, new = both(field.widget, name, value, attrs)
                        assert new == old, f"{form_class.__qualname__}.{name} value={value!r}"
                        checked += 1
    return checked


def test_every_input_kind_with_hostile_names_and_attributes():
    attrs = {
        "class": 'x" onmouseover="y',
        "data-n": 3,
        "autofocus": True,
        "hidden": False,
        "placeholder": mark_safe("<b>"),
    }
    widgets = [
        forms.TextInput(), forms.NumberInput(), forms.EmailInput(), forms.URLInput(), forms.SearchInput(),
        forms.TelInput(), forms.PasswordInput(render_value=True), forms.HiddenInput(), forms.DateInput(),
        forms.DateTimeInput(), forms.TimeInput(), forms.CheckboxInput(), forms.TextInput(attrs={"type": "color"}),
    ]  # fmt: skip
    for widget in widgets:
        assert widget.template_name in INPUTS
        for value in (None, "", '"><script>alert(1)</script>', mark_safe("a&amp;b"), 7, True, False):
            old, new = both(widget, 'na"me<', value, attrs)
            assert new == old


def test_hostile_labels_values_and_optgroups():
    choices = [
        ("", "—"),
        ('"><script>alert(1)</script>', "<b>bold</b> & \"quoted\" 'single'"),
        (mark_safe("safe&amp;value"), mark_safe("<i>already safe</i>")),
        (3, gettext_lazy("Yes")),
        ("Group <1>", [("a", "A & a"), ("b", "B")]),
        ("Empty group", []),
    ]
    for widget in (
        forms.Select(choices=choices),
        forms.SelectMultiple(choices=choices),
        forms.NullBooleanSelect(),
    ):
        for value in (None, "a", ["a", "b"], 3, '"><script>alert(1)</script>', True, False):
            attrs = {"class": 'x" onmouseover="y', "data-n": 3, "multiple": True, "hidden": False}
            old, new = both(widget, 'na"me<', value, attrs)
            assert new == old
    assert "<script>" not in both(forms.Select(choices=choices), "n", None)[1]


def test_an_option_with_a_template_of_its_own_goes_through_the_templates():
    class Fancy(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    old, new = both(Fancy(choices=[("a", "A")]), "n", "a")
    assert new == old


def test_it_is_faster_than_the_templates():
    from ctm.core.interfaces.choices import country_choices, with_blank

    widget = forms.Select(choices=with_blank(country_choices()))

    def timed(renderer) -> float:
        started = time.perf_counter()
        for _ in range(20):
            widget.render("citizenship", "MD", renderer=renderer)
        return time.perf_counter() - started

    timed(DJANGO), timed(FAST)
    assert timed(FAST) * 3 < timed(DJANGO)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_country_select_kept_is_the_select_django_writes(language):
    """The case list's country filters are written once per language, value and attributes and kept:
    the same bytes as Django's own select, in the page's language, the chosen country selected."""
    from django import forms as django_forms
    from django.utils import translation

    from ctm.cases.interfaces.forms import CaseFilterForm

    with translation.override(language):
        for data in (None, {"citizenship": "MD"}, {"citizenship": "MD", "exploitation_country": "FR"}):
            for _ in range(2):  # written, then kept
                form = CaseFilterForm(data, offices=None, staff=None)
                for name in ("citizenship", "exploitation_country"):
                    kept = str(form[name])
                    field = form.fields[name]
                    field.widget = django_forms.Select(choices=field.choices)
                    assert kept == str(form[name])
    with translation.override("en"):
        english = str(CaseFilterForm(None, offices=None, staff=None)["citizenship"])
    with translation.override("fr"):
        french = str(CaseFilterForm(None, offices=None, staff=None)["citizenship"])
    assert english != french and "Moldova" in english
