"""Every form of every app, checked field by field: dates in ISO whatever the language, and choices
that start empty or "unknown" rather than on a real answer nobody gave."""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.utils import translation

import ctm

pytestmark = pytest.mark.django_db

# Values that say "nobody knows (yet)": a form may start on these.
UNKNOWN_VALUES = {"", None, "NonSpecifiedUnknown", "unknown"}

# Choices that are settings of a computation, not answers about a person: the documented default
# is the recommended one (docs/privacy.md, docs/linkage.md).
CONFIGURATION_DEFAULTS = {
    ("EstimateForm", "source"),
    ("EstimateForm", "method"),
    ("ReleaseForm", "source"),
    ("ReleaseForm", "method"),
    ("ReleaseForm", "synthesis_method"),
    # where a directory entry goes: the private directory, the safe default (never shared by accident)
    ("ImportForm", "visibility"),
    ("NewEntryForm", "visibility"),
    # a service is recorded as planned unless the caseworker says it has started or ended
    ("ServiceForm", "status"),
    # a travel document is recorded as pending unless it is already in hand
    ("DocumentForm", "status"),
    # a referral, the lighter step, unless a case manager chooses to hand the whole case over
    ("ReferralForm", "kind"),
}
# Edit forms always shown with the stored value (tests/cases/test_unchanged_save.py saves them
# unchanged), and a choice posted by buttons, never shown as a list.
SHOWN_WITH_THE_STORED_VALUE = {
    ("MembershipForm", "role"),
    ("OrganizationSettingsForm", "caseworker_scope"),
    ("StageForm", "stage"),
    ("DecisionForm", "decision"),
}


def _import_form_modules() -> None:
    for info in pkgutil.walk_packages(ctm.__path__, "ctm."):
        if info.name.endswith((".forms", ".interfaces.forms")) and ".engine" not in info.name:
            importlib.import_module(info.name)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def every_form() -> list[type]:
    _import_form_modules()
    classes = _subclasses(forms.BaseForm)
    concrete = (c for c in classes if c.__module__.startswith("ctm.") and hasattr(c, "base_fields"))
    return sorted(concrete, key=lambda c: c.__qualname__)


def unbound(form_class: type, personas) -> forms.BaseForm:
    """The form as a page shows it before anyone typed: constructor arguments of the right kind."""
    from ctm.core.models import Membership, Office, Organization
    from ctm.reintegration.engine import default_weights

    given = {
        "offices": Office.objects.none(),
        "staff": Membership.objects.none(),
        "organizations": Organization.objects.none(),
        "consents": Membership.objects.none(),
        "case": None,
        "membership": personas.data_manager,
        "organization_code": "CHI",
        "organization": personas.org,
        "items": Membership.objects.none(),
        "partners": Organization.objects.none(),
        "shelters": Office.objects.none(),
        "services": Office.objects.none(),
        "solutions": Office.objects.none(),
        "contacts": Office.objects.none(),
        "weights": default_weights(),
    }
    params = inspect.signature(form_class.__init__).parameters
    return form_class(**{k: v for k, v in given.items() if k in params})


def test_the_inventory_finds_the_forms_of_every_app():
    names = {c.__name__ for c in every_form()}
    assert {"PersonForm", "ScreeningForm", "ActivityFilterForm", "ReleaseForm", "EstimateForm"} <= names


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_date_widget_renders_iso(language):
    day = datetime.date(2011, 5, 2)
    moment = datetime.datetime(2011, 5, 2, 14, 30, tzinfo=datetime.UTC)
    wrong = []
    with translation.override(language):
        for form_class in every_form():
            for name, field in form_class.base_fields.items():
                if isinstance(field, forms.DateTimeField):
                    ok = field.widget.format_value(moment).startswith("2011-05-02T14:30")
                    ok = ok and field.widget.input_type == "datetime-local"
                elif isinstance(field, forms.DateField):
                    ok = field.widget.format_value(day) == "2011-05-02" and field.widget.input_type == "date"
                else:
                    continue
                if not ok:
                    wrong.append(f"{form_class.__name__}.{name}")
    assert not wrong, "\n".join(wrong)


def _first_option(field: forms.Field) -> object:
    for value, _label in field.choices:
        return getattr(value, "value", value)
    return None


def test_no_choice_starts_on_a_real_answer(personas):
    """What a browser shows as chosen on a new form: the form's initial, or else the first option."""
    wrong = []
    for form_class in every_form():
        form = unbound(form_class, personas)
        for name, field in form.fields.items():
            if not isinstance(field, forms.ChoiceField) or isinstance(field, forms.MultipleChoiceField):
                continue
            if isinstance(field.widget, forms.RadioSelect) and form[name].value() in (None, ""):
                continue  # no radio button is checked
            shown = form[name].value()
            shown = _first_option(field) if shown in (None, "") else shown
            known = CONFIGURATION_DEFAULTS | SHOWN_WITH_THE_STORED_VALUE
            if shown not in UNKNOWN_VALUES and (form_class.__name__, name) not in known:
                wrong.append(f"{form_class.__name__}.{name} starts on {shown!r}")
    assert not wrong, "\n".join(wrong)


def test_every_textarea_keeps_line_breaks_as_stored():
    """Browsers post CRLF: a plain Django textarea would rewrite every multi-line text on an unchanged
    save (tests/browser/test_unchanged_save.py shows it in Chromium)."""
    from ctm.core.interfaces.widgets import Textarea

    wrong = [
        f"{form_class.__name__}.{name}"
        for form_class in every_form()
        for name, field in form_class.base_fields.items()
        if isinstance(field.widget, forms.Textarea) and not isinstance(field.widget, Textarea)
    ]
    assert not wrong, wrong
    assert Textarea().value_from_datadict({"note": "one\r\ntwo"}, {}, "note") == "one\ntwo"
