"""Forms of the funds: a fund, a request with its line-item budget, a decision, a payment, a report."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ctm.core.enums import Role
from ctm.core.interfaces.choices import country_choices, currency_choices, with_blank
from ctm.core.interfaces.widgets import DateInput, Textarea
from ctm.core.models import Membership
from ctm.funds.enums import BudgetCategory, Decision, DocumentKind

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}
RATE = {"max_digits": 18, "decimal_places": 8, "min_value": Decimal("0.00000001"), "required": False}
DATE = DateInput()  # ISO whatever the language (ctm.core.interfaces.widgets)


class FundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    donor = forms.CharField(label=_("Donor"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    currency = forms.ChoiceField(label=_("Currency"), choices=with_blank(currency_choices))
    total = forms.DecimalField(label=_("Total"), **MONEY)
    eligibility = forms.CharField(label=_("Eligibility rules"), max_length=5000, widget=Textarea)
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"), queryset=Membership.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, organization: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reviewers = Membership.objects.filter(
            organization=organization, role=Role.FUND_REVIEWER, is_active=True
        )
        self.fields["reviewers"].queryset = reviewers.select_related("user")
        self.fields["reviewers"].label_from_instance = lambda m: m.user.username


class RequestForm(forms.Form):
    case_number = forms.CharField(
        label=_("Case number"),
        max_length=40,
        required=False,
        help_text=_("A case of your organization in CTM…"),
    )
    pseudonym = forms.CharField(
        label=_("…or a pseudonymous code"),
        max_length=20,
        required=False,
        help_text=_("For a person assisted outside CTM: a code your organization keeps, never a name."),
    )
    country = forms.ChoiceField(label=_("Country of assistance"), choices=with_blank(country_choices))
    currency = forms.ChoiceField(label=_("Currency of the budget"), choices=with_blank(currency_choices))
    immediate_needs = forms.CharField(label=_("Immediate needs"), max_length=5000, widget=Textarea)
    justification = forms.CharField(
        label=_("Why no other programme can cover them"), max_length=5000, widget=Textarea
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in BudgetCategory.choices:
            self.fields[f"amount_{value}"] = forms.DecimalField(label=label, required=False, **MONEY)
            self.fields[f"detail_{value}"] = forms.CharField(
                label=_("%(category)s: what for") % {"category": label}, max_length=200, required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.lines():
            raise forms.ValidationError(_("Give an amount for at least one line of the budget."))
        return data

    def lines(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        return [
            {"category": c, "description": d.get(f"detail_{c}", ""), "amount": d[f"amount_{c}"]}
            for c in BudgetCategory.values
            if d.get(f"amount_{c}")
        ]


class RequestEditForm(RequestForm):
    """A draft's changes: the same fields without who it is for (a case stays its case; a request
    under a code may change its code)."""

    def __init__(self, *args: Any, fund_request: Any = None, **kwargs: Any) -> None:
        if fund_request is not None and (not args or args[0] is None):
            kwargs.setdefault("initial", self.initial_of(fund_request))
        super().__init__(*args, **kwargs)
        del self.fields["case_number"]
        if fund_request is not None and fund_request.case_id is not None:
            del self.fields["pseudonym"]
        else:
            self.fields["pseudonym"].required = True

    @staticmethod
    def initial_of(request: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            f: getattr(request, f)
            for f in ("pseudonym", "country", "currency", "immediate_needs", "justification")
        }
        for line in request.lines.all():  # several lines of one category are shown as one
            amount = initial.get(f"amount_{line.category}") or Decimal("0")
            initial[f"amount_{line.category}"] = amount + line.amount
            detail = "; ".join(filter(None, [initial.get(f"detail_{line.category}", ""), line.description]))
            initial[f"detail_{line.category}"] = detail[:200]
        return initial


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    amount = forms.DecimalField(
        label=_("Amount approved (budget currency)"),
        required=False,
        help_text=_("For a part approval only."),
        **MONEY,
    )
    rate = forms.DecimalField(
        label=_("Exchange rate (fund currency per budget currency unit)"),
        help_text=_("Needed when the budget is not in the fund's currency."),
        **RATE,
    )
    rate_date = forms.DateField(label=_("Date of the rate"), required=False, widget=DATE)
    reasons = forms.CharField(label=_("Reasons"), max_length=5000, required=False, widget=Textarea)


class DisburseForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount paid"), **MONEY)
    currency = forms.ChoiceField(label=_("Currency paid"), choices=with_blank(currency_choices))
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE, initial=timezone.localdate)
    rate = forms.DecimalField(label=_("Exchange rate (fund currency per currency paid)"), **RATE)
    rate_date = forms.DateField(label=_("Date of the rate"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note (payment reference)"), max_length=200, required=False)


class ReportForm(forms.Form):
    spent = forms.DecimalField(label=_("Spent (fund currency)"), **MONEY)
    report = forms.CharField(
        label=_("Final report: what was spent, receipts kept"), max_length=10000, widget=Textarea
    )


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, image, text, DOCX, XLSX, ODT)"))
    kind = forms.ChoiceField(label=_("Kind"), choices=with_blank(DocumentKind.choices))
    shared = forms.BooleanField(
        label=_("Share with the fund's reviewers"),
        required=False,
        help_text=_(
            "Only if it does not show who the person is, or if you let the reviewers see the identity."
        ),
    )
