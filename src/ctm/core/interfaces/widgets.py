"""Date and date-time widgets that speak ISO 8601 in every language.

A browser's `<input type=date>` accepts only `YYYY-MM-DD` as its value (and `datetime-local` only
`YYYY-MM-DDTHH:MM`) and shows it in the user's locale itself. Django's own widgets render the value in
the active language's first input format (`02/05/2011` in French), which the browser rejects: the
field shows empty and saving the form unchanged erases the date. Every form uses these instead.
"""

from __future__ import annotations

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATETIME)


class Textarea(forms.Textarea):
    """Browsers post a textarea's line breaks as CRLF whatever they were: stored text keeps LF, so a
    form saved unchanged does not rewrite (and log as changed) every multi-line note."""

    def value_from_datadict(self, data, files, name):  # type: ignore[no-untyped-def]  # Django's signature
        value = super().value_from_datadict(data, files, name)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value
