"""Currencies are offered with their names in the reader's language (ISO 4217 through pycountry's
catalogue), in every form that asks for one: a fund, a fund request, a service, reintegration
assistance."""

from __future__ import annotations

import pytest
from django.utils import translation

from ctm.assistance.interfaces.forms import ServiceForm
from ctm.funds.interfaces.forms import FundForm, RequestForm
from ctm.reintegration.interfaces.forms import AssistanceForm


def _labels(field) -> dict[str, str]:
    return {code: str(label) for code, label in field.choices}


@pytest.mark.parametrize("form", [FundForm, RequestForm, ServiceForm, AssistanceForm])
def test_currency_names_follow_the_language(form):
    with translation.override("fr"):
        french = _labels(form.base_fields["currency"])
    with translation.override("en"):
        english = _labels(form.base_fields["currency"])
    assert french["NZD"] == "NZD · Dollar néo-zélandais" and french["MDL"] == "MDL · Leu moldave"
    assert english["NZD"] == "NZD · New Zealand Dollar"
    assert french[""] == "—" and next(iter(french)) == ""  # none chosen to start with
