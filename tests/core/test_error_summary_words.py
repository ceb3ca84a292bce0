"""The error summary above a form reads "Label : message" in French (a no-break space before the
colon, as French typography asks), through the translated "%(label)s: %(value)s", in every template
that lists a form's errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

import ctm

SRC = Path(ctm.__file__).parent


class _Form(forms.Form):
    opened = forms.DateField(label="Ouvert jusqu’au")


def test_no_template_joins_a_label_and_a_message_with_a_bare_colon():
    bare = re.compile(r"\{\{ *[\w.]*label[\w.|:]* *\}\}: *\{\{ *[\w.]*error")
    found = [str(p.relative_to(SRC)) for p in SRC.rglob("*.html") if bare.search(p.read_text(encoding="utf-8"))]
    assert not found, f"label: error without the translated separator in {found}"


@pytest.mark.parametrize("template", ["_form.html", "privacy/_errors.html"])
def test_the_shared_error_summaries_in_french(template):
    form = _Form({"opened": "not a date"})
    with translation.override("fr"):
        page = render_to_string(template, {"form": form})
    assert "Ouvert jusqu’au\u00a0: " in page


@pytest.mark.django_db
def test_the_case_list_filter_errors_in_french(client, personas):
    client.force_login(personas.caseworker.user)
    url = reverse("cases:list") + "?opened_from=2026-05-01&opened_to=2026-01-01"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    summary = page[page.index('class="error-summary"') :]
    assert re.search(r"</?a[^>]*>[^<]*\u00a0: ", summary[: summary.index("</div>")])
