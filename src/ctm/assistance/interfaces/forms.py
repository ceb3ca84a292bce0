"""Forms of assistance. They validate input; domain functions do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ctm.assistance.enums import (
    FACTOR_LEVEL,
    AgreementMethod,
    Factor,
    FactorKind,
    FactorLevel,
    ProviderKind,
    SafetyRisk,
    ServiceStatus,
    SupportType,
)
from ctm.core.interfaces import choices
from ctm.core.interfaces.choices import with_blank
from ctm.core.interfaces.widgets import DateInput, Textarea

DATE = DateInput()  # ISO whatever the language (ctm.core.interfaces.widgets)
TEXT = Textarea(attrs={"rows": 3})
NOT_ASSESSED = [("", _("Not assessed"))]


def currency_choices() -> list[tuple[str, str]]:
    """ISO 4217 codes, the code first, names in the reader's language; none chosen to start with."""
    return [("", "—"), *choices.currency_choices()]


def _factor_field(code: str) -> str:
    return f"factor_{code}"


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    safety_risk = forms.ChoiceField(label=_("Safety risk"), choices=with_blank(SafetyRisk.choices))
    notes = forms.CharField(label=_("Notes"), required=False, widget=TEXT, max_length=5000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()
        for code, label in Factor.choices:
            self.fields[_factor_field(code)] = forms.ChoiceField(
                label=label, required=False, choices=[*NOT_ASSESSED, *FactorKind.choices]
            )

    def factor_groups(self) -> list[tuple[str, list[Any]]]:
        """The factor fields by level, in the model's order (individual → structural)."""
        return [
            (str(label), [self[_factor_field(c)] for c in Factor.values if FACTOR_LEVEL[c] == level])
            for level, label in FactorLevel.choices
        ]

    def factors(self) -> dict[str, str]:
        return {
            c: self.cleaned_data[_factor_field(c)]
            for c in Factor.values
            if self.cleaned_data.get(_factor_field(c))
        }


class PlanForm(forms.Form):
    objectives = forms.CharField(label=_("Objectives"), widget=TEXT, max_length=5000)
    responsible = forms.ModelChoiceField(label=_("Responsible"), queryset=None)

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = staff


class PlanItemForm(forms.Form):
    support_type = forms.ChoiceField(label=_("Support type"), choices=with_blank(SupportType.choices))
    description = forms.CharField(label=_("Description"), required=False, widget=TEXT, max_length=2000)
    responsible = forms.ModelChoiceField(label=_("Responsible"), queryset=None)
    planned_start = forms.DateField(label=_("Planned start"), required=False, widget=DATE)
    planned_end = forms.DateField(label=_("Planned end"), required=False, widget=DATE)

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = staff


class AgreementForm(forms.Form):
    agreed_on = forms.DateField(label=_("Agreed on"), widget=DATE)
    method = forms.ChoiceField(label=_("How the person agreed"), choices=with_blank(AgreementMethod.choices))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreed_on"].initial = timezone.localdate()


class ServiceForm(forms.Form):
    support_type = forms.ChoiceField(label=_("Support type"), choices=with_blank(SupportType.choices))
    plan_item = forms.ModelChoiceField(label=_("Planned service"), queryset=None, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=ServiceStatus.choices, initial=ServiceStatus.PLANNED
    )
    provider_kind = forms.ChoiceField(label=_("Provider"), choices=with_blank(ProviderKind.choices))
    provider_organization = forms.ModelChoiceField(
        label=_("Partner organization"), queryset=None, required=False
    )
    provider_name = forms.CharField(label=_("Outside organization"), required=False, max_length=200)
    started_on = forms.DateField(label=_("Started on"), required=False, widget=DATE)
    ended_on = forms.DateField(label=_("Ended on"), required=False, widget=DATE)
    cost = forms.DecimalField(label=_("Cost"), required=False, min_value=0, max_digits=12, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), required=False, choices=currency_choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=TEXT, max_length=5000)

    def __init__(self, *args: Any, items: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan_item"].queryset = items
        self.fields["plan_item"].label_from_instance = lambda item: (
            f"{item.get_support_type_display()} ({item.planned_start or '—'})"
        )
        self.fields["provider_organization"].queryset = partners

    def domain_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ServiceStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=with_blank(ServiceStatus.choices))
    on = forms.DateField(label=_("On"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class ShelterForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=10000)
    office = forms.ModelChoiceField(label=_("Office"), queryset=None, required=False)
    address = forms.CharField(label=_("Address (kept secret)"), required=False, widget=TEXT, max_length=1000)

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices


class AdmitForm(forms.Form):
    shelter = forms.ModelChoiceField(label=_("Shelter"), queryset=None)
    admitted_on = forms.DateField(label=_("Admitted on"), widget=DATE)
    service = forms.ModelChoiceField(
        label=_("Accommodation service"),
        queryset=None,
        required=False,
        help_text=_("Leave empty to record a new accommodation service."),
    )
    override_reason = forms.CharField(
        label=_("Reason to admit over capacity (case managers)"),
        required=False,
        widget=TEXT,
        max_length=2000,
        help_text=_("Only when the shelter is full."),
    )

    def __init__(self, *args: Any, shelters: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shelter"].queryset = shelters
        self.fields["service"].queryset = services
        self.fields["service"].label_from_instance = lambda s: (
            f"{s.get_support_type_display()} · {s.get_status_display()}"
        )
        self.fields["admitted_on"].initial = timezone.localdate()


class DischargeForm(forms.Form):
    discharged_on = forms.DateField(label=_("Discharged on"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["discharged_on"].initial = timezone.localdate()


class CapacityForm(forms.Form):
    day = forms.DateField(label=_("Day"), required=False, widget=DATE)
