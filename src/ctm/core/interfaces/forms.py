from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ctm.core.enums import CaseworkerScope, OrganizationType, Role
from ctm.core.interfaces.choices import country_choices
from ctm.core.interfaces.widgets import DateInput


class KeepsStoredOrder(forms.BaseForm):
    """A multiple choice posts its values in the order of its options (countries sorted by name in
    the user's language), but the stored order can mean something (the first citizenship is the
    case's): the values kept from the form's initial keep their stored order, new ones follow."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, field in self.fields.items():
            if isinstance(field, forms.MultipleChoiceField) and data.get(name):
                stored = [str(v) for v in self.get_initial_for_field(field, name) or []]
                chosen = list(data[name])
                data[name] = [v for v in stored if v in chosen] + [v for v in chosen if v not in stored]
        return data


class _ListedChoices(forms.models.ModelChoiceIterator):
    """The choices read with one plain query. Django reads them through `QuerySet.iterator()`, which
    on PostgreSQL is a server-side cursor (DECLARE, FETCH, CLOSE: three round trips) for what is a
    short list here (the offices, the staff of one organization)."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A model choice among a short list (same options, same validation as Django's)."""

    iterator = _ListedChoices


class _NamedChoices(_ListedChoices):
    """The options read as (id, label) pairs: no model instance built for each of them."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, label in self.queryset.values_list("pk", self.field.label_field):
            yield (forms.models.ModelChoiceIteratorValue(pk, None), label)


class NamedModelChoiceField(ListedModelChoiceField):
    """A model choice whose label is one column (`label_field`, e.g. a user's username, what `str()`
    of the model gives): the options are read as (id, label) pairs, where Django builds a model
    instance for each. The case list's owner filter lists every caseworker of the organization (400
    in the bench's largest) on every list page: 2.1 -> ~0.6 ms of processor. Validation is Django's
    (the chosen id looked up in the queryset: a model instance as before)."""

    iterator = _NamedChoices

    def __init__(self, *args: Any, label_field: str, **kwargs: Any) -> None:
        self.label_field = label_field
        super().__init__(*args, **kwargs)


def _blank(choices: Any) -> Any:
    """A required choice with no answer given yet starts on "—", never on its first real value."""
    return lambda: [("", "—"), *(choices() if callable(choices) else choices)]


class ActivityFilterForm(forms.Form):
    action = forms.CharField(
        label=_("Action starts with"),
        required=False,
        max_length=80,
        help_text=_("e.g. cases.case or cases.person.viewed"),
    )
    actor = forms.CharField(label=_("User"), required=False, max_length=150)
    object_label = forms.CharField(label=_("Case number"), required=False, max_length=120)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    security = forms.BooleanField(
        label=_("Security events only"),
        required=False,
        help_text=_(
            "Refused attempts to reach a case, release, linkage run or estimate that is not the user's."
        ),
    )


class OrganizationSettingsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    require_two_factor = forms.BooleanField(
        label=_("Require two-factor authentication for every role that reads identifying data"),
        required=False,
    )
    caseworker_scope = forms.ChoiceField(label=_("Caseworkers see"), choices=CaseworkerScope.choices)


class RetentionRuleForm(forms.Form):
    years_after_closure = forms.IntegerField(
        label=_("Keep identifying data after the last case closed (years)"),
        min_value=1,
        max_value=100,
        help_text=_("After this many years the person's identifying data is due for erasure."),
    )
    require_export = forms.BooleanField(
        label=_("Export the person's full record before it is erased"),
        required=False,
        help_text=_("The export archive goes to the data protection officer, never into CTM."),
    )
    keep_statistics = forms.BooleanField(
        label=_("Keep non-identifying statistics after the erasure"),
        required=False,
        help_text=_(
            "Gender, age, citizenship, victim context and the countries and dates of trafficking events "
            "stay for statistics; names, dates of birth, contacts, documents, places, notes, files and "
            "guardians are always erased."
        ),
    )


class OfficeForm(forms.Form):
    name = forms.CharField(label=_("Office name"), max_length=200)
    code = forms.RegexField(
        label=_("Code"), regex=r"^[A-Z0-9]{2,8}$", help_text=_("2 to 8 capital letters or digits.")
    )
    country = forms.ChoiceField(label=_("Country"), choices=_blank(country_choices))
    city = forms.CharField(label=_("City"), max_length=100, required=False)


class MemberForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        regex=r"^[\w.@+-]{3,140}$",
        max_length=140,
        error_messages={"invalid": _("3 to 140 letters, digits and . @ + - _ only.")},
    )
    password = forms.CharField(
        label=_("Initial password"),
        max_length=4096,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 12 characters and hard to guess; the person must choose their own at the first login."
        ),
    )
    role = forms.ChoiceField(label=_("Role"), choices=_blank(Role.choices))
    office = forms.ModelChoiceField(label=_("Office"), queryset=None, required=False)

    def __init__(self, *args: Any, offices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    office = forms.ModelChoiceField(label=_("Office"), queryset=None, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, offices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices


class NewOrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.RegexField(
        label=_("Code"), regex=r"^[A-Z0-9]{2,8}$", help_text=_("Used in case numbers, e.g. CHI.")
    )
    org_type = forms.ChoiceField(label=_("Organization type"), choices=_blank(OrganizationType.choices))
    country = forms.ChoiceField(label=_("Country"), choices=_blank(country_choices))
    office_name = forms.CharField(label=_("First office"), max_length=200)
    office_code = forms.RegexField(label=_("Office code"), regex=r"^[A-Z0-9]{2,8}$")


class OfficeChoiceForm(forms.Form):
    """The manager views' choice of one office of the organization (or all)."""

    office = forms.ModelChoiceField(
        label=_("Office"), queryset=None, required=False, empty_label=_("All offices")
    )

    def __init__(self, *args: Any, organization: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from ctm.core.models import Office

        self.fields["office"].queryset = Office.objects.filter(organization=organization)
