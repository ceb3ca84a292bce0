"""Forms of the directory: an entry, the list's filters, an import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ctm.core.interfaces.choices import with_blank
from ctm.core.interfaces.widgets import DateInput, Textarea
from ctm.directory.domain.queries import EntryFilters
from ctm.directory.enums import EntryType, Population, Service, Visibility
from ctm.directory.geography import country_choices, language_choices
from ctm.directory.validators import packed, unpacked

MULTI = ("services", "languages", "populations")



class EntryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    entry_type = forms.ChoiceField(label=_("Type"), choices=with_blank(EntryType.choices))
    country = forms.ChoiceField(label=_("Country"), choices=with_blank(country_choices))
    region = forms.CharField(label=_("Region or province"), max_length=100, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    emergency_line = forms.CharField(label=_("Emergency line"), max_length=50, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    hours = forms.CharField(label=_("Opening hours"), max_length=200, required=False)
    services = forms.MultipleChoiceField(
        label=_("Services offered"),
        choices=Service.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(label=_("Languages"), choices=language_choices, required=False)
    populations = forms.MultipleChoiceField(
        label=_("Populations served"),
        choices=Population.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False, widget=Textarea)
    last_verified_on = forms.DateField(
        label=_("Last verified on"), required=False, widget=DateInput()
    )

    def clean_last_verified_on(self) -> Any:
        value = self.cleaned_data.get("last_verified_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("A verification date cannot be in the future."))
        return value

    def domain_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for field in MULTI:
            data[field] = packed(data.get(field) or [])
        return data

    @classmethod
    def initial_from(cls, entry: Any) -> dict[str, Any]:
        initial = {name: getattr(entry, name) for name in cls.base_fields if hasattr(entry, name)}
        for field in MULTI:
            initial[field] = unpacked(getattr(entry, field))
        return initial


class NewEntryForm(EntryForm):
    visibility = forms.ChoiceField(
        label=_("Who sees it"), choices=Visibility.choices, initial=Visibility.PRIVATE
    )


class FilterForm(forms.Form):
    text = forms.CharField(label=_("Search"), max_length=100, required=False)
    country = forms.ChoiceField(
        label=_("Country"), choices=lambda: country_choices(blank=True), required=False
    )
    entry_type = forms.ChoiceField(label=_("Type"), choices=with_blank(EntryType.choices), required=False)
    service = forms.ChoiceField(label=_("Service"), choices=with_blank(Service.choices), required=False)
    language = forms.ChoiceField(
        label=_("Language"), choices=lambda: language_choices(blank=True), required=False
    )
    population = forms.ChoiceField(label=_("Population"), choices=with_blank(Population.choices), required=False)
    visibility = forms.ChoiceField(label=_("Directory"), choices=with_blank(Visibility.choices), required=False)
    stale = forms.BooleanField(label=_("Only entries to verify again"), required=False)

    def filters(self) -> EntryFilters:
        """The filters, or none when the form is invalid (an unknown code in the URL lists everything)."""
        if not self.is_valid():
            return EntryFilters()
        return EntryFilters(**self.cleaned_data)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
    visibility = forms.ChoiceField(label=_("Add to"), choices=Visibility.choices, initial=Visibility.PRIVATE)
