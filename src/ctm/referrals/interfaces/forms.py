"""Forms of referrals. They validate input; the domain functions do the writing and the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ctm.assistance.enums import SupportType
from ctm.core.interfaces.choices import with_blank
from ctm.core.interfaces.widgets import Textarea
from ctm.referrals.enums import MAX_ANSWER_DAYS, RecipientKind, RecordPart, ReferralKind, Urgency

TEXT = Textarea(attrs={"rows": 4})


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReferralKind.choices, initial=ReferralKind.REFERRAL)
    recipient_kind = forms.ChoiceField(label=_("Who receives it"), choices=with_blank(RecipientKind.choices))
    to_organization = forms.TypedChoiceField(
        label=_("Organization in CTM"), coerce=int, required=False, empty_value=None
    )
    directory_ref = forms.ChoiceField(
        label=_("Outside organization from the contact directory"), required=False
    )
    outside_name = forms.CharField(
        label=_("Other outside organization (free text, last resort)"),
        required=False,
        max_length=200,
        help_text=_("Add it to the contact directory instead when you can: a consent can then name it."),
    )
    reason = forms.CharField(label=_("Reason for the referral"), widget=TEXT, max_length=5000)
    services = forms.MultipleChoiceField(
        label=_("Services requested"),
        choices=SupportType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    parts = forms.MultipleChoiceField(
        label=_("Parts of the record shared"),
        choices=RecordPart.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "The receiving organization sees these parts only, after it accepts. A transfer shares them all."
        ),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=with_blank(Urgency.choices))
    emergency_reason = forms.CharField(
        label=_("Life-threatening emergency without consent: why (case managers)"),
        widget=TEXT,
        required=False,
        max_length=2000,
        help_text=_(
            "Only when no valid referral consent names the organization. The auditor sees the override."
        ),
    )

    def __init__(self, *args: Any, organizations: Any = (), entries: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organizations = {o.pk: o for o in organizations}
        self.fields["to_organization"].choices = with_blank([(o.pk, o.name) for o in organizations])
        self.fields["directory_ref"].choices = with_blank(
            [(e.ref, f"{e.name} · {e.country} · {e.get_entry_type_display()}") for e in entries]
        )

    def domain_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["to_organization"] = self.organizations.get(data.get("to_organization") or 0)
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason for declining"), widget=TEXT, max_length=5000)


class DeliveryForm(forms.Form):
    services = forms.MultipleChoiceField(
        label=_("Services delivered"), choices=SupportType.choices, widget=forms.CheckboxSelectMultiple
    )


class CloseForm(forms.Form):
    feedback = forms.CharField(label=_("Feedback to the sending organization"), widget=TEXT, max_length=5000)


class SettingsForm(forms.Form):
    answer_days = forms.IntegerField(
        label=_("Days to answer a referral"),
        min_value=1,
        max_value=MAX_ANSWER_DAYS,
        help_text=_("A referral received and not answered within this many days is shown as overdue."),
    )
