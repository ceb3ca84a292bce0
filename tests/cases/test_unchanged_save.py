"""Every edit form of every app, opened in French and in English and saved unchanged, changes no
stored field. (In French the date widget rendered `02/04/1995`, which `<input type=date>` rejects: the
browser showed the field empty and an unchanged save erased the birth date.)"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from ctm.cases.domain import persons
from ctm.cases.domain import screening as screening_domain
from ctm.core.domain import retention
from ctm.core.models import ActivityLog, ChainHead
from tests.html_forms import read_form

pytestmark = pytest.mark.django_db

# Bookkeeping that a save may move without changing what is stored about anyone.
IGNORED_FIELDS = {"updated_at", "version", "last_login"}
IGNORED_MODELS = {ActivityLog, ChainHead}
APPS = ("cases", "core", "accounts")


def stored_rows() -> dict[tuple[str, object], dict[str, object]]:
    rows = {}
    for model in (m for label in APPS for m in apps.get_app_config(label).get_models()):
        if model in IGNORED_MODELS:
            continue
        fields = [f for f in model._meta.concrete_fields if f.name not in IGNORED_FIELDS]
        for obj in model._base_manager.all():
            rows[(model._meta.label, obj.pk)] = {f.name: f.value_from_object(obj) for f in fields}
    return rows


def _screened(personas):
    case = personas.case
    # Two citizenships whose stored order is not their alphabetical order: the first is the case's.
    persons.update_person(case, by=personas.caseworker, data={"citizenships": ["RO", "MD"]})
    screening_domain.record_screening(
        case,
        by=personas.caseworker,
        data={
            "interview_date": datetime.date(2024, 2, 5),
            "place": "Shelter",
            "language": "ro",
            "recruitment_cost": Decimal("1500.50"),
            "transit_countries": ["UA", "PL"],
            "travel_documents": "forged",
            "exploitation_months": 7,
            "payment": "less",
            "violence": True,
            "narrative": "Line one\nline two",
        },
    )
    screening_domain.update_victim_context(
        case,
        by=personas.caseworker,
        data={
            "age_when_trafficked": 19,
            "recruitment_country": "MD",
            "exploitation_country": "TR",
            "means_of_control": ["DebtBondage", "PhysicalThreats"],
            "exploitation_types": ["SexualExploitation", "ForcedLabour"],
        },
    )
    return case


def _edit_pages(personas):
    case = _screened(personas)
    retention.update_retention_rule(
        personas.org,
        by=personas.org_admin,
        data={"years_after_closure": 7, "require_export": True, "keep_statistics": False},
    )
    n = case.number
    member = personas.case_manager
    return [
        ("caseworker", reverse("cases:edit_person", args=[n]), "given_name"),
        ("caseworker", reverse("cases:edit", args=[n]), "identified_on"),
        ("caseworker", reverse("cases:stage", args=[n]), "stage"),
        ("caseworker", reverse("cases:screening", args=[n]), "interview_date"),
        ("caseworker", reverse("cases:context", args=[n]), "age_when_trafficked"),
        ("case_manager", reverse("cases:assign", args=[n]), "owner"),
        ("org_admin", reverse("core:organization"), "caseworker_scope"),
        ("org_admin", reverse("core:retention"), "years_after_closure"),
        ("org_admin", reverse("core:edit_member", args=[member.pk]), "role"),
    ]


EDIT_PAGES = [
    "edit_person",
    "edit",
    "stage",
    "screening",
    "context",
    "assign",
    "organization",
    "retention",
    "edit_member",
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("page", range(len(EDIT_PAGES)), ids=EDIT_PAGES)
def test_saving_an_edit_form_unchanged_changes_nothing(client, personas, language, page):
    who, url, field = _edit_pages(personas)[page]
    client.force_login(personas.membership(who).user)
    client.cookies["django_language"] = language
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    data, _inputs = read_form(response.content.decode(), field)
    before = stored_rows()
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302, response.content.decode()[:3000]
    after = stored_rows()
    changed = {
        (key, name): (value, after[key][name])
        for key, row in before.items()
        if key in after
        for name, value in row.items()
        if after[key][name] != value
    }
    assert not changed
    assert set(after) == set(before)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_date_widget_shows_iso_whatever_the_language(client, personas, language):
    """`<input type=date>` takes only YYYY-MM-DD: anything else shows as an empty field."""
    client.force_login(personas.caseworker.user)
    client.cookies["django_language"] = language
    response = client.get(reverse("cases:edit_person", args=[personas.case.number]))
    _data, inputs = read_form(response.content.decode(), "birth_date")
    (birth,) = [i for i in inputs if i.get("name") == "birth_date"]
    assert birth["type"] == "date"
    assert birth["value"] == "1995-04-02"
