"""Forms of return and reintegration. They validate input; domain functions do the writing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ctm.assistance.interfaces.forms import currency_choices
from ctm.cases.enums import ClosureReason
from ctm.cases.interfaces.choices import country_choices
from ctm.core.interfaces.choices import with_blank
from ctm.core.interfaces.widgets import DateInput, Textarea
from ctm.reintegration.engine import scoring
from ctm.reintegration.enums import (
    AssistanceKind,
    ClosureCheck,
    DocumentStatus,
    FitToTravel,
    Milestone,
    Outcome,
    SolutionKind,
    TravelDocumentKind,
    TravelMode,
)
from ctm.reintegration.phrases import ANSWERS, DIMENSION_LABELS, INDICATOR_LABELS

DATE = DateInput()
TEXT = Textarea(attrs={"rows": 3})


def _today_initial(form: forms.Form, *names: str) -> None:
    for name in names:
        form.fields[name].initial = timezone.localdate()


class SolutionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=with_blank(SolutionKind.choices))
    destination_country = forms.ChoiceField(label=_("Destination country"), choices=lambda: country_choices(blank=True))
    destination_place = forms.CharField(label=_("Destination place"), required=False, max_length=500)
    escort_required = forms.BooleanField(label=_("An escort travels with the person"), required=False)
    escort = forms.CharField(label=_("Escort"), required=False, max_length=500)
    receiving_organization = forms.ModelChoiceField(
        label=_("Receiving organization in CTM"), queryset=None, required=False
    )
    receiving_contact = forms.ModelChoiceField(
        label=_("Receiving organization from the directory"), queryset=None, required=False
    )
    post_arrival_assistance = forms.CharField(
        label=_("Post-arrival assistance"), required=False, widget=TEXT, max_length=5000
    )

    def __init__(self, *args: Any, partners: Any, contacts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiving_organization"].queryset = partners
        self.fields["receiving_contact"].queryset = contacts
        self.fields["receiving_contact"].label_from_instance = lambda e: f"{e.name} ({e.country})"


class FitForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=with_blank(FitToTravel.choices))
    on = forms.DateField(label=_("Checked on"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _today_initial(self, "on")


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=with_blank(TravelDocumentKind.choices))
    status = forms.ChoiceField(label=_("Status"), choices=DocumentStatus.choices, initial=DocumentStatus.PENDING)


class LegForm(forms.Form):
    travel_on = forms.DateField(label=_("Travel on"), widget=DATE)
    mode = forms.ChoiceField(label=_("By"), choices=with_blank(TravelMode.choices))
    origin = forms.CharField(label=_("From"), max_length=200)
    destination = forms.CharField(label=_("To"), max_length=200)


class DayForm(forms.Form):
    on = forms.DateField(label=_("On"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _today_initial(self, "on")


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=TEXT, max_length=2000)


class ReintegrationPlanForm(forms.Form):
    needs = forms.CharField(label=_("Needs in the place of return"), widget=TEXT, max_length=5000)
    solution = forms.ModelChoiceField(
        label=pgettext_lazy("voluntary return", "Return"), queryset=None, required=False
    )

    def __init__(self, *args: Any, solutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["solution"].queryset = solutions
        self.fields["solution"].label_from_instance = lambda s: (
            f"{s.get_kind_display()} · {s.destination_country} · {s.get_status_display()}"
        )


class AssistanceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Assistance"), choices=with_blank(AssistanceKind.choices))
    description = forms.CharField(label=_("Description"), required=False, widget=TEXT, max_length=2000)
    amount = forms.DecimalField(
        label=_("Amount"), required=False, min_value=Decimal("0.01"), max_digits=10, decimal_places=2
    )
    currency = forms.ChoiceField(label=_("Currency"), required=False, choices=currency_choices)
    service = forms.ModelChoiceField(label=_("Service recorded on the case"), queryset=None, required=False)

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["service"].label_from_instance = lambda s: (
            f"{s.get_support_type_display()} · {s.get_status_display()}"
        )


class DisbursementForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), min_value=Decimal("0.01"), max_digits=10, decimal_places=2)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _today_initial(self, "paid_on")


def _indicator_field(code: str) -> str:
    return f"i_{code}"


class VisitForm(forms.Form):
    milestone = forms.ChoiceField(label=_("Visit"), choices=with_blank(Milestone.choices))
    visited_on = forms.DateField(label=_("Visited on"), widget=DATE)
    outcome = forms.ChoiceField(label=_("What the visit found"), choices=with_blank(Outcome.choices))
    notes = forms.CharField(label=_("Notes"), required=False, widget=TEXT, max_length=5000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _today_initial(self, "visited_on")
        for code in scoring.CODES:
            self.fields[_indicator_field(code)] = forms.TypedChoiceField(
                label=INDICATOR_LABELS[code], required=False, choices=ANSWERS, coerce=int, empty_value=None
            )

    def indicator_groups(self) -> list[tuple[str, list[Any]]]:
        return [
            (str(DIMENSION_LABELS[d]), [self[_indicator_field(i.code)] for i in scoring.INDICATORS if i.dimension == d])
            for d in scoring.DIMENSIONS
        ]

    def domain_data(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in ("milestone", "visited_on", "outcome", "notes")}
        data["answers"] = {
            c: self.cleaned_data[_indicator_field(c)]
            for c in scoring.CODES
            if self.cleaned_data.get(_indicator_field(c)) is not None
        }
        return data


def _weight_field(label: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=0, max_value=scoring.MAX_WEIGHT, max_digits=5, decimal_places=2)


class WeightsForm(forms.Form):
    def __init__(self, *args: Any, weights: scoring.Weights, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for d in scoring.DIMENSIONS:
            self.fields[f"d_{d}"] = _weight_field(_("Weight of the dimension"))
            self.fields[f"d_{d}"].initial = weights.dimensions[d]
        for code in scoring.CODES:
            self.fields[f"w_{code}"] = _weight_field(INDICATOR_LABELS[code])
            self.fields[f"w_{code}"].initial = weights.indicators[code]

    def groups(self) -> list[tuple[str, list[Any]]]:
        return [
            (
                str(DIMENSION_LABELS[d]),
                [self[f"d_{d}"], *(self[f"w_{i.code}"] for i in scoring.INDICATORS if i.dimension == d)],
            )
            for d in scoring.DIMENSIONS
        ]

    def weights(self) -> scoring.Weights:
        return scoring.Weights(
            {c: self.cleaned_data[f"w_{c}"] for c in scoring.CODES},
            {d: self.cleaned_data[f"d_{d}"] for d in scoring.DIMENSIONS},
        )


class ClosureForm(forms.Form):
    reason = forms.ChoiceField(label=_("Closure reason"), choices=with_blank(ClosureReason.choices))
    note = forms.CharField(label=_("Note"), required=False, widget=TEXT, max_length=2000)
    checks = forms.MultipleChoiceField(
        label=_("Checklist"), choices=ClosureCheck.choices, widget=forms.CheckboxSelectMultiple
    )


class LinkReferralForm(forms.Form):
    """Which referral of the case serves the return (those that could: `receiving.referral_candidates`)."""

    referral = forms.TypedChoiceField(
        label=_("Referral to the receiving organization"), coerce=int, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, candidates: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {r.pk: r for r in candidates}
        self.fields["referral"].choices = [(r.pk, referral_label(r)) for r in candidates]

    def chosen(self) -> Any:
        return self.candidates[self.cleaned_data["referral"]]


def referral_label(referral: Any) -> str:
    """The recipient, its country, the state and the day sent (no free text of the referral)."""
    if referral.to_organization_id:
        name, country = referral.to_organization.name, referral.to_organization.country
    else:
        name, country = (referral.contact or {}).get("name", referral.directory_ref), (referral.contact or {}).get(
            "country", ""
        )
    sent = referral.sent_at.date().isoformat() if referral.sent_at else ""
    return f"{name} · {country} · {referral.get_state_display()} · {sent}"
