"""Forms of the case register. They validate input; domain functions do the writing."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_scopes.forms import SafeModelChoiceField

from ctm.cases import enums
from ctm.cases.domain.queries.listing import IDLE_DAYS, SORTS, CaseFilters
from ctm.cases.interfaces.choices import country_choices, language_choices
from ctm.cases.models import Consent, EligibilityDecision, Guardian, ScreeningInterview, VictimContext
from ctm.cases.models.consent import CHECKLIST
from ctm.core.interfaces.choices import with_blank
from ctm.core.interfaces.forms import KeepsStoredOrder, ListedModelChoiceField, NamedModelChoiceField
from ctm.core.interfaces.widgets import CountrySelect, DateInput, Textarea

DATE = DateInput()
CHECKS = forms.CheckboxSelectMultiple


def _countries(blank: bool = True) -> Any:
    return lambda: country_choices(blank=blank)


class VersionedForm(KeepsStoredOrder, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def _not_future(value: datetime.date | None) -> datetime.date | None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    return value


class PersonForm(VersionedForm):
    given_name = forms.CharField(label=_("Given name"), max_length=200, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False)
    other_names = forms.CharField(
        label=_("Other names"),
        required=False,
        max_length=500,
        help_text=_("Aliases or other spellings, separated by commas."),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=enums.Gender.choices, initial=enums.Gender.UNKNOWN)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE)
    birth_date_is_estimate = forms.BooleanField(label=_("The birth date is an estimate"), required=False)
    estimated_age = forms.IntegerField(
        label=_("Estimated age (if no birth date)"), required=False, min_value=0, max_value=120
    )
    citizenships = forms.MultipleChoiceField(
        label=_("Citizenships"), choices=_countries(False), required=False
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=lambda: language_choices(), required=False
    )
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^\+[1-9]\d{6,14}$",
        required=False,
        help_text=_("International format (E.164), e.g. +37360123456."),
        error_messages={"invalid": _("Enter the number in international format, e.g. +37360123456.")},
    )
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(
        label=_("Address"), required=False, widget=Textarea(attrs={"rows": 2}), max_length=1000
    )

    def clean_birth_date(self) -> datetime.date | None:
        value = _not_future(self.cleaned_data.get("birth_date"))
        if value and value.year < 1900:
            raise forms.ValidationError(_("Check the year."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("given_name") or data.get("family_name")):
            self.add_error("given_name", _("Enter at least one name (an alias is fine)."))
        return data

    def person_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        contacts = [{"kind": k, "value": d[k]} for k in ("phone", "email") if d.get(k)]
        other = [n.strip() for n in (d.get("other_names") or "").split(",") if n.strip()]
        keys = [
            "given_name",
            "family_name",
            "gender",
            "birth_date",
            "birth_date_is_estimate",
            "estimated_age",
            "citizenships",
            "languages",
            "address",
        ]
        return {**{k: d.get(k) for k in keys}, "contacts": contacts, "other_names": other}

    @classmethod
    def initial_from(cls, person: Any) -> dict[str, Any]:
        contacts = {c["kind"]: c["value"] for c in person.contacts or []}
        return {
            "version": person.version,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "other_names": ", ".join(person.other_names or []),
            "gender": person.gender,
            "birth_date": person.birth_date,
            "birth_date_is_estimate": person.birth_date_is_estimate,
            "estimated_age": person.estimated_age,
            "citizenships": person.citizenships,
            "languages": person.languages,
            "phone": contacts.get("phone", ""),
            "email": contacts.get("email", ""),
            "address": person.address,
        }


class NewCaseForm(PersonForm):
    office = ListedModelChoiceField(label=_("Office"), queryset=None, required=False)
    identified_on = forms.DateField(
        label=_("Identified on"), required=False, widget=DATE, validators=[_not_future]
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("I checked the possible duplicates above: this is a different person"), required=False
    )

    def __init__(self, *args: Any, offices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        del self.fields["version"]


class CaseForm(VersionedForm):
    office = ListedModelChoiceField(label=_("Office"), queryset=None, required=False)
    identified_on = forms.DateField(
        label=_("Identified on"), required=False, widget=DATE, validators=[_not_future]
    )
    high_risk = forms.BooleanField(label=_("High risk"), required=False)
    sensitive = forms.BooleanField(label=_("Sensitive"), required=False)

    def __init__(self, *args: Any, offices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None)
    assignees = forms.ModelMultipleChoiceField(
        label=_("Assigned caseworkers"), queryset=None, required=False, widget=CHECKS
    )

    def __init__(self, *args: Any, staff: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff
        self.fields["assignees"].queryset = staff


class StageForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[c for c in enums.Stage.choices if c[0] != enums.Stage.CLOSED]
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why is the case reopened?"), max_length=200)


class ScreeningForm(KeepsStoredOrder, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    language = forms.ChoiceField(
        label=_("Language of interview"), choices=lambda: language_choices(blank=True), required=False
    )
    transit_countries = forms.MultipleChoiceField(
        label=_("Transit countries"), choices=_countries(False), required=False
    )

    class Meta:
        model = ScreeningInterview
        fields = [
            "interview_date",
            "place",
            "language",
            "interpreter_used",
            "consent_to_interview",
            "recruiter_promises",
            "recruitment_cost",
            "debt",
            "transit_countries",
            "travel_documents",
            "transport_organised_by_recruiter",
            "exploitation_months",
            "payment",
            "freedom_of_movement",
            "violence",
            "documents_withheld",
            "exit_method",
            "narrative",
        ]
        widgets = {
            "interview_date": DATE,
            "recruiter_promises": Textarea(attrs={"rows": 3}),
            "narrative": Textarea(attrs={"rows": 5}),
        }

    def clean_interview_date(self) -> datetime.date | None:
        return _not_future(self.cleaned_data.get("interview_date"))

    def clean_recruitment_cost(self) -> Any:
        value = self.cleaned_data.get("recruitment_cost")
        if value is not None and value < 0:
            raise forms.ValidationError(_("Enter a positive amount."))
        return value


class EligibilityForm(forms.ModelForm):
    class Meta:
        model = EligibilityDecision
        fields = ["trafficking_status", "decision_body", "decided_on", "reasons"]
        widgets = {"decided_on": DATE, "reasons": Textarea(attrs={"rows": 3})}

    def clean_decided_on(self) -> datetime.date | None:
        return _not_future(self.cleaned_data.get("decided_on"))


class VictimContextForm(KeepsStoredOrder, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    recruitment_country = forms.ChoiceField(
        label=_("Country of recruitment"), choices=_countries(), required=False
    )
    exploitation_country = forms.ChoiceField(
        label=_("Country of exploitation"), choices=_countries(), required=False
    )
    means_of_control = forms.MultipleChoiceField(
        label=_("Methods of control"), choices=enums.MeansOfControl.choices, required=False, widget=CHECKS
    )
    exploitation_types = forms.MultipleChoiceField(
        label=_("Types of exploitation"),
        choices=enums.ExploitationType.choices,
        required=False,
        widget=CHECKS,
    )
    sex_exploitation_types = forms.MultipleChoiceField(
        label=_("Types of sexual exploitation"),
        choices=enums.SexExploitationType.choices,
        required=False,
        widget=CHECKS,
    )

    class Meta:
        model = VictimContext
        fields = [
            "age_when_trafficked",
            "recruitment_method",
            "recruitment_country",
            "recruitment_place",
            "relationship_to_trafficker",
            "means_of_control",
            "exploitation_types",
            "forced_labour_industry",
            "sex_exploitation_types",
            "exploitation_country",
        ]
        widgets = {"recruitment_place": forms.TextInput}

    def clean_age_when_trafficked(self) -> int | None:
        value = self.cleaned_data.get("age_when_trafficked")
        if value is not None and value > 110:
            raise forms.ValidationError(_("Check the age."))
        return value


class EventForm(forms.Form):
    event_type = forms.ChoiceField(label=_("Event"), choices=with_blank(enums.EventType.choices))
    country = forms.ChoiceField(label=_("Country"), choices=_countries())
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    start_date = forms.DateField(label=_("From"), required=False, widget=DATE, validators=[_not_future])
    end_date = forms.DateField(label=_("To"), required=False, widget=DATE, validators=[_not_future])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The end date is before the start date."))
        return data


class ConsentForm(forms.ModelForm):
    # who gave the consent is asked, never assumed (a minor's guardian, a representative)
    given_by = forms.ChoiceField(label=_("Given by"), choices=with_blank(enums.ConsentGiver.choices))

    class Meta:
        model = Consent
        fields = [
            "scope",
            "referral_organization",
            "referral_contact",
            "given_on",
            "given_by",
            "guardian",
            *[name for name, _label in CHECKLIST],
            "includes_attachments",
        ]
        widgets = {"given_on": DATE}
        # A tenant-owned choice starts empty (it is built outside any scope, when the module loads);
        # __init__ gives it the case's guardians.
        field_classes = {"guardian": SafeModelChoiceField}

    def __init__(
        self, *args: Any, case: Any = None, organizations: Any = None, contacts: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = Guardian.objects.filter(case=case)
        self.fields["referral_organization"].queryset = organizations
        # an outside organization, from the contact directory (the entries this member may read)
        self.fields["referral_contact"] = forms.ChoiceField(
            label=_("Or an outside organization from the contact directory"),
            choices=[("", "---------"), *((e.ref, f"{e.name} ({e.country})") for e in contacts)],
            required=False,
        )
        self.fields["given_on"].initial = timezone.localdate()


class WithdrawConsentForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DATE, validators=[_not_future])
    withdrawn_by = forms.ChoiceField(label=_("Withdrawn by"), choices=with_blank(enums.ConsentGiver.choices))


class GuardianForm(forms.ModelForm):
    class Meta:
        model = Guardian
        fields = ["name", "relationship", "contact", "appointed_on", "appointing_authority"]
        widgets = {"appointed_on": DATE, "name": forms.TextInput, "contact": forms.TextInput}


class BestInterestsForm(forms.Form):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE, validators=[_not_future])
    summary = forms.CharField(label=_("Summary"), widget=Textarea(attrs={"rows": 4}), max_length=10000)
    recommendation = forms.CharField(
        label=_("Recommendation"), widget=Textarea(attrs={"rows": 2}), required=False, max_length=4000
    )


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), widget=Textarea(attrs={"rows": 3}), max_length=20000)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), required=False, max_length=500)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document type"), choices=with_blank(enums.DocumentKind.choices))
    number = forms.CharField(label=_("Document number"), max_length=60)
    issuing_country = forms.ChoiceField(label=_("Issuing country"), choices=_countries(), required=False)
    expiry_date = forms.DateField(label=_("Expiry date"), required=False, widget=DATE)
    held_by_trafficker = forms.BooleanField(label=_("Held by the trafficker"), required=False)


class CaseFilterForm(forms.Form):
    number = forms.CharField(label=_("Case number"), required=False, max_length=32)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *enums.CaseStatus.choices], required=False
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=[("", "—"), *enums.Stage.choices], required=False)
    office = ListedModelChoiceField(label=_("Office"), queryset=None, required=False)
    owner = NamedModelChoiceField(label=_("Owner"), queryset=None, required=False, label_field="username")
    citizenship = forms.ChoiceField(
        label=_("Citizenship"), choices=_countries(), required=False, widget=CountrySelect
    )
    exploitation_country = forms.ChoiceField(
        label=_("Country of exploitation"), choices=_countries(), required=False, widget=CountrySelect
    )
    exploitation_type = forms.ChoiceField(
        label=_("Exploitation"), choices=[("", "—"), *enums.ExploitationType.choices], required=False
    )
    minor = forms.NullBooleanField(
        label=_("Minor"),
        required=False,
        widget=forms.Select(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))]),
    )
    opened_from = forms.DateField(label=_("Opened from"), required=False, widget=DATE)
    opened_to = forms.DateField(label=_("Opened until"), required=False, widget=DATE)
    queue = forms.ChoiceField(
        label=_("Waiting for a case manager"),
        required=False,
        choices=[
            ("", "—"),
            ("eligibility", _("Eligibility decisions awaiting approval")),
            ("closure", _("Closure requests")),
            ("idle", format_lazy(_("Open cases idle for {days} days"), days=IDLE_DAYS)),
        ],
    )
    sort = forms.ChoiceField(
        choices=[("", ""), *((f"{d}{k}", k) for k in SORTS for d in ("", "-"))],
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, offices: Any = None, staff: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        self.fields["owner"].queryset = staff

    def filters(self) -> CaseFilters:
        """The filters the form holds (none unless it is valid)."""
        if not (self.is_bound and self.is_valid()):
            return CaseFilters()
        d = self.cleaned_data
        return CaseFilters(
            status=d["status"],
            stage=d["stage"],
            office=d["office"].pk if d["office"] else None,
            owner=d["owner"].pk if d["owner"] else None,
            citizenship=d["citizenship"],
            exploitation_country=d["exploitation_country"],
            exploitation_type=d["exploitation_type"],
            minor=d["minor"],
            opened_from=d["opened_from"],
            opened_to=d["opened_to"],
            number=d["number"],
            queue=d["queue"],
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("opened_from"), data.get("opened_to")
        if start and end and start > end:
            self.add_error("opened_to", _("This date is before the “opened from” date."))
        return data

    def ordering(self) -> str:
        return str(self.cleaned_data.get("sort") or "") if self.is_bound and self.is_valid() else ""


class SearchForm(forms.Form):
    """Sent by POST only: what is typed (a name, a birth year) never travels in a URL."""

    q = forms.CharField(
        label=_("Name, birth year or age, case or document number"),
        max_length=200,
        help_text=_("One word of a name is enough, in any alphabet and with spelling mistakes."),
    )


class NameSearchForm(forms.Form):
    """Sent by POST only: identifying data never travels in a URL."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE)


class DocumentSearchForm(forms.Form):
    document_number = forms.CharField(label=_("Document number"), max_length=60)
